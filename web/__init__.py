"""The web application for people: server-rendered pages over the same
application services as the HTTP API (see web/README.md)."""

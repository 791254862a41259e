"""End-to-end tests: the HTTP API in process, and a real ``minhbach serve``."""

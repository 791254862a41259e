"""The domain: commands, aggregates, their handlers and the scoring policy; nothing
of HTTP or SQL tables."""

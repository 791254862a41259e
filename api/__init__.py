"""The edges: the HTTP service, the command line and the importer."""

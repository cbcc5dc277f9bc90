"""The `casegraph` command line: one entry point over ingest (build, validate, export,
evaluate, load) and serving (serve)."""

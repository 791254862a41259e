"""What the benchmarks share, one module per concern; a benchmark script keeps only
what it measures.

- ``databases``: a fresh SQLite file or PostgreSQL schema for a run.
- ``options``: the command-line options every benchmark takes (backends, rounds).
- ``timing``: interleaved rounds, medians and ratios to a baseline of the same run,
  percentiles, profiles.
- ``closed_loop``: a closed loop of worker threads calling one operation (load).
- ``printing``: progress lines on stderr, Markdown tables on stdout.
- ``work_items``: the write-path workload: one agency set up with real commands,
  then N work items (assign, submit, assess, and every 4th a criteria score).
- ``province``: a province's year (agencies, servants, catalogues, a year of tasks,
  results and scores) built with the domain's event classes, for rebuilds.
"""

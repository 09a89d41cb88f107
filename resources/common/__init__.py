"""Plain building blocks every room reads, without Dagster: the institution's configuration,
the errors raised on purpose, atomic files, the code version, the shared vocabulary."""

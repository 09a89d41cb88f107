"""Source contracts and streaming readers, without Dagster: what the pipeline expects of a
source table, and how a table is read in bounded memory and cast to its contract."""

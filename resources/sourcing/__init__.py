"""Source contracts, streaming readers and the staging folders, without Dagster: what the pipeline expects of
a source table, how a table is read in bounded memory and cast to its contract, and where it waits once extracted."""

"""The published files, without Dagster: the Etalab CSV, the DECP JSON, metadata, README,
the DCAT catalogue, the national schemas they follow, and the store's integrity and
write points."""

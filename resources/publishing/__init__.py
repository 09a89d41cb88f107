"""The published files, without Dagster: the candidates waiting for their checks, the Etalab CSV, the DECP
JSON, metadata, README, the DCAT catalogue, the national schemas they follow, the store's folders and
integrity, and the alerts an incident raises."""

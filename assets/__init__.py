"""Dagster assets, one sub-package per domain; keys are ``[domain, layer, table]``."""

"""Errors the pipeline raises on purpose.

Every message names the system (or dataset), the table and column, and the
rule that failed, and never quotes a value read from a source: a value may be
personal data. Library errors that quote values are re-raised as one of these
with ``from None``.
"""

from __future__ import annotations


class OpenDataError(Exception):
    """Base of every error the pipeline raises deliberately; its message is safe to log."""


class ConfigurationError(OpenDataError):
    """An institution configuration or a source contract is invalid."""


class SourceUnavailableError(OpenDataError):
    """A source database cannot be reached (the message never holds a password)."""


class SchemaDriftError(OpenDataError):
    """A column the contract expects is missing from the source."""


class ContractViolationError(OpenDataError):
    """Extracted values do not fit the type the contract gives their column."""

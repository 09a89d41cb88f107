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


class InvalidTextError(ContractViolationError):
    """A text value is not valid UTF-8: names system, table, column and row position, never the value.

    ``row`` counts from 0 within the batch where the value was found; the
    extraction adds the rows already staged and the partition (``located``).
    """

    def __init__(self, system: str, table: str, column: str, row: int, partition: str | None = None) -> None:
        self.system, self.table, self.column, self.row, self.partition = system, table, column, row, partition
        where = f", partition {partition}" if partition else ""
        super().__init__(
            f"{system}.{table}.{column}: row {row + 1:,}{where} (in the source's order) is not valid UTF-8 text; "
            "the value is not shown (rule: contract text encoding). Correct it at the source or read the column "
            "with its real encoding in a source view."
        )

    def located(self, rows_before: int, partition: str | None) -> InvalidTextError:
        """The same error, its row counted from the start of the partition's stream."""
        return InvalidTextError(self.system, self.table, self.column, rows_before + self.row, partition)


class StagingError(OpenDataError):
    """The private staging area could not be written or read (full disk, damaged file)."""

"""Applying the reviewed corrections of one table to its rows as they are staged, before anonymisation.

Each night the extraction hands every batch of a table to ``TableCorrections.apply``:
a row whose key a validated correction names, and whose value is still the
expected one, takes the proposed value. A correction that found nothing to
change is stale and reported, never applied: the row is gone, the source now
holds the proposed value (fixed at the source: the file can go), or it holds
a third value (someone must look again). What is reported names tables,
columns and keys of reference rows, never a value read from a source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from resources.sourcing.contracts import TableContract
from resources.sourcing.corrections import (
    Correction,
    TypedCorrection,
    Unreadable,
    check_allowed,
    natural_person,
    read_corrections,
    refused,
    typed_values,
)

# Why a correction applied nowhere, as the steward page and the changelog read it.
GONE = "la ligne visée n'est plus dans la source: la correction est à retirer"
FIXED = "la source porte désormais la valeur proposée (corrigée à la source): la correction est à retirer"
CHANGED = "la source ne porte ni la valeur attendue ni la valeur proposée: la correction est à revoir"
UNREADABLE = "fichier de correction mal formé, laissé de côté cette nuit: à corriger"


@dataclass(frozen=True)
class Applied:
    id: str
    table: str
    column: str
    rows: int
    summary: str


@dataclass(frozen=True)
class Stale:
    id: str
    table: str
    column: str
    reason: str


@dataclass
class Tally:
    """What one correction met in the rows of one extraction."""

    typed: TypedCorrection
    applied: int = 0
    fixed: int = 0
    changed: int = 0


@dataclass
class CorrectionOutcome:
    """The corrections of one table in one extraction: applied, and stale with their reason."""

    table: str  # "system.table"
    applied: list[Applied] = field(default_factory=list)
    stale: list[Stale] = field(default_factory=list)


class TableCorrections:
    """The validated corrections of one table, checked against its contract, applied batch by batch."""

    def __init__(self, table: TableContract, corrections: list[Correction],
                 unreadable: list[Unreadable] | None = None) -> None:
        self.table = table
        self.unreadable = list(unreadable or [])
        self.tallies = []
        for correction in corrections:
            check_allowed(correction, table)
            self.tallies.append(Tally(typed_values(correction, table)))

    def apply(self, batch: pa.RecordBatch) -> pa.RecordBatch:
        """The batch with every validated correction whose row holds the expected value applied."""
        for tally in self.tallies:
            batch = self._apply_one(batch, tally)
        return batch

    def _apply_one(self, batch: pa.RecordBatch, tally: Tally) -> pa.RecordBatch:
        correction = tally.typed.correction
        mask = pa.array([True] * batch.num_rows, pa.bool_())
        for column, value in tally.typed.key.items():
            mask = pc.and_(mask, pc.fill_null(pc.equal(batch.column(column), value), False))
        rows = pc.indices_nonzero(mask).to_pylist()
        if not rows:
            return batch
        expected, proposed = tally.typed.expected.as_py(), tally.typed.proposed.as_py()
        change = [False] * batch.num_rows
        for index in rows:
            row = {name: batch.column(name)[index].as_py() for name in (self.table.natural_persons or {})}
            if natural_person(self.table, row):
                raise refused(correction, "no natural person", "the row is a natural person's (the contract's "
                              "natural_persons filter); a person's record is never corrected here")
            current = batch.column(correction.column)[index].as_py()
            if current == expected:
                change[index] = True
                tally.applied += 1
            elif current == proposed:
                tally.fixed += 1
            else:
                tally.changed += 1
        if not any(change):
            return batch
        position = batch.schema.get_field_index(correction.column)
        corrected = pc.if_else(pa.array(change, pa.bool_()), tally.typed.proposed, batch.column(position))
        return batch.set_column(position, batch.schema.field(position), corrected)

    def outcome(self) -> CorrectionOutcome:
        """Applied and stale corrections, once every batch of the table went through ``apply``."""
        name = f"{self.table.system}.{self.table.name}"
        outcome = CorrectionOutcome(name)
        for tally in self.tallies:
            c = tally.typed.correction
            if tally.applied:
                outcome.applied.append(Applied(c.id, c.table, c.column, tally.applied, summary(c)))
            else:
                reason = CHANGED if tally.changed else FIXED if tally.fixed else GONE
                outcome.stale.append(Stale(c.id, c.table, c.column, reason))
        # A file named after its id: its stem stands for the id it could not give.
        outcome.stale += [Stale(u.file.removesuffix(".yaml"), u.table or name, "", f"{UNREADABLE} ({u.message})")
                          for u in self.unreadable]
        return outcome


def summary(correction: Correction) -> str:
    """One French sentence for the changelog: column, row key, old and new value.

    Only allowed columns reach here (non-personal, not a person's row), so the
    values are a code, a label or a legal person's identifier.
    """
    key = ", ".join(f"{name} {value}" for name, value in sorted(correction.key.items()))
    before = f"« {correction.expected} »" if correction.expected is not None else "une valeur absente"
    return (f"{correction.column} de {correction.table} ({key}) corrigé: « {correction.proposed} » remplace "
            f"{before}, en attendant la correction de la source (signalement: {correction.source}).")


def table_corrections(folder: Path, table: TableContract) -> TableCorrections:
    """The validated corrections of ``table`` in the institution's folder, checked against its contract.

    Proposed (not yet reviewed) corrections are left aside. A malformed file
    is set aside and reported with the table it names (with every table when
    it names none readably): the other corrections and the extraction go on.
    A correction the contract no longer allows (a column reclassified as
    personal since its review) stops the table's extraction with an error
    naming table, column and rule.
    """
    name = f"{table.system}.{table.name}"
    corrections, unreadable = read_corrections(folder)
    return TableCorrections(table, [c for c in corrections if c.table == name and c.validated],
                            [u for u in unreadable if u.table in (name, None)])


@dataclass(frozen=True)
class CorrectionSettings:
    """Where an institution's corrections live, and which published datasets each source table feeds."""

    folder: Path
    feeds: dict[str, tuple[str, ...]]  # "system.table" -> datasets (the policies' inputs)

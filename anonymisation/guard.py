"""The leak guard: a fast blocking check of every candidate dataset before publication.

CRPA L312-1-2 lets a document holding personal data be published only once
persons cannot be identified, and L311-6 never lets a NIR or bank details
out. Whatever the policies and the free-text scanner did, this check looks
at the finished candidate and blocks it if any cell still holds:

- an identifier of the sources (NIR, INE, e-mail, phone, IBAN), as the whole
  value or inside a text, whatever its spacing or case (``identifier:KIND``);
- the full name of a person of the sources that no exception covers, in
  any order, case or accents (``name``);
- something shaped like a NIR, IBAN, RIB, phone, e-mail or INE (in its
  national forms, or next to its context word), even if the sources do not
  know it (``pattern:KIND``). SIRET/SIREN of legal persons and a service's
  e-mail or switchboard are allowed (décret 2017-779, DECP);
- anything shaped like a person, an address or a date of birth, known to
  the sources or not (``shape:...``, ``guard_shapes.py``), outside the
  nominative exceptions and the recognised public names.

No NER: it runs in seconds on a million rows (each distinct value of a column
is checked once, then mapped back to its rows). A finding names the dataset,
column, row and rule, and carries the keyed hash of the matched value so a
DPO can accept that exact value (a switchboard number in a directory) in a
reviewed YAML file; it never carries the value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import yaml

from anonymisation.freetext.names import PublicNames, after_place_word
from anonymisation.freetext.normalise import tokens
from anonymisation.freetext.recognizers import (
    INE,
    LEGAL_PERSON_ENTITIES,
    NIR,
    PRETEST_PATTERN,
    SHAPES,
    compact,
    find_identifiers,
)
from anonymisation.guard_index import KINDS, GuardKeyError, IdentifierIndex, hmac_key
from anonymisation.guard_shapes import PersonShapes

__all__ = ["AcceptedFileError", "AcceptedFinding", "GuardKeyError", "IdentifierIndex", "LeakFinding",
           "hmac_key", "load_accepted", "scan_frame"]

_ACCEPTED_FIELDS = ("dataset", "column", "rule", "value_hash", "reviewer", "date", "reason")
# A full name has two words at least (RE2 syntax: \pL is any letter, accented ones included).
_TWO_WORDS = r"\pL[^\pL]+\pL"


@dataclass(frozen=True)
class LeakFinding:
    """A cell of a candidate dataset that holds personal data: where and why, never what."""

    dataset: str
    column: str
    rule: str
    row_key: str
    value_hash: str

    def message(self) -> str:
        """One line for the check report: dataset, column, row and rule (the value never appears)."""
        return f"dataset {self.dataset}, column {self.column}, row {self.row_key}: rule {self.rule}"


@dataclass(frozen=True)
class AcceptedFinding:
    """A finding the DPO reviewed and accepted: it clears exactly this value hash, in this column, for this rule."""

    dataset: str
    column: str
    rule: str
    value_hash: str
    reviewer: str
    date: dt.date
    reason: str


class AcceptedFileError(ValueError):
    """The accepted-findings file is malformed; the message names the entry and the field."""


def load_accepted(path: Path) -> list[AcceptedFinding]:
    """Read the DPO-reviewed accepted findings: a YAML list (or ``accepted:`` list) of the 7 fields."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
    except yaml.YAMLError as exc:  # the parser's message quotes the offending line
        raise AcceptedFileError(f"{path}: not valid YAML ({type(exc).__name__})") from None
    entries = data.get("accepted", []) if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise AcceptedFileError(f"{path}: expected a list of accepted findings")
    out: list[AcceptedFinding] = []
    for n, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise AcceptedFileError(f"{path}: entry {n} is not a mapping")
        missing = [f for f in _ACCEPTED_FIELDS if entry.get(f) in (None, "")]
        if missing:
            raise AcceptedFileError(f"{path}: entry {n} lacks {', '.join(missing)}")
        date = entry["date"]
        if not isinstance(date, dt.date):
            try:
                date = dt.date.fromisoformat(str(date))
            except ValueError:
                raise AcceptedFileError(f"{path}: entry {n} has a date that is not YYYY-MM-DD") from None
        out.append(AcceptedFinding(*(str(entry[f]) for f in _ACCEPTED_FIELDS[:5]), date, str(entry["reason"])))
    return out


def _value_rules(value: str, index: IdentifierIndex, starts: dict[str, bool], whole: Sequence[str],
                 inside: bool, names: bool, public: PublicNames | None = None,
                 shapes: PersonShapes | None = None) -> list[tuple[str, str]]:
    """(rule, value hash) of everything personal in one distinct value.

    `whole`: identifier kinds the whole value is shaped like; `inside`: the
    value may hold an identifier; `names`: it holds two words or more.
    """
    hits: dict[tuple[str, str], None] = {}
    for kind in whole:
        # The whole value is compared as is, check key or not: the sources' own defective NIRs count too.
        norm = compact(kind, value)
        if index.has(kind, norm):
            hits[(f"identifier:{kind}", index.digest(norm).hex())] = None
    spans: list[tuple[int, int]] = []
    if inside:
        for m in find_identifiers(value, ine_context=False):
            if m.entity in LEGAL_PERSON_ENTITIES:
                continue
            norm = compact(m.entity, value[m.start:m.end])
            if index.has(m.entity, norm):
                hits[(f"identifier:{m.entity}", index.digest(norm).hex())] = None
            elif m.entity != INE or any(x.start == m.start for x in find_identifiers(value)):
                hits[(f"pattern:{m.entity}", index.digest(norm).hex())] = None
            else:
                continue
            spans.append((m.start, m.end))
    if names:
        words = tokens(value)
        # The scanner's rule: a steward's public name right after a place word is a place
        # ("amphithéâtre Claude Bernard"), even when a person of the sources bears that name.
        places = [(a, b) for a, b in (public.find(words) if public else []) if after_place_word(words, a)]
        for i, j in index.name_hits(words, starts):
            if any(a <= i and j <= b for a, b in places):
                continue
            # A name inside a flagged e-mail address is the same leak: one finding is enough.
            if not any(a < words[j - 1].end and words[i].start < b for a, b in spans):
                hits[("name", index.digest(" ".join(w.norm for w in words[i:j])).hex())] = None
                spans.append((words[i].start, words[j - 1].end))
    if names and shapes is not None:
        for rule, a, b in shapes.find(value):
            if not any(a < y and x < b for x, y in spans):
                # The whole cell's hash: the DPO accepts this exact text, not the shape anywhere.
                hits[(rule, index.digest(value_key(value)).hex())] = None
    return list(hits)


def value_key(value: str) -> str:
    """The normalised form of a whole cell whose hash the DPO accepts for a shape finding."""
    return "cell:" + " ".join(value.split())


def _matches(texts: pa.Array, pattern: str) -> np.ndarray:
    """Vectorised RE2 search over all distinct values of a column (Arrow compute, no Python loop)."""
    return pc.match_substring_regex(texts, pattern).to_numpy(zero_copy_only=False).astype(bool)


def _distinct_rules(column: pd.Series, index: IdentifierIndex, starts: dict[str, bool],
                    public: PublicNames | None = None, shapes: PersonShapes | None = None,
                    ) -> dict[object, list[tuple[str, str]]]:
    """Findings per distinct value of one column (text-like columns; integer columns only as NIRs)."""
    values = column.dropna()
    if pd.api.types.is_integer_dtype(values.dtype):
        # A NIR stored as a number has 15 digits; other identifiers lose a leading 0 or letters as integers.
        uniques = pd.Series(values.unique())
        uniques = uniques[(uniques >= 10**14) & (uniques < 10**15)]
        return {v: [("identifier:NIR", index.digest(str(v)).hex())] for v in uniques.tolist()
                if index.has(NIR, str(v))}
    originals = pd.Series(values.unique()).tolist()
    texts = [v if isinstance(v, str) else str(v) for v in originals]
    arrow = pa.array(texts, type=pa.large_string())
    whole = {kind: _matches(arrow, rf"^\s*(?:{SHAPES[kind]})\s*$") for kind in KINDS}
    inside = _matches(arrow, PRETEST_PATTERN)
    names = _matches(arrow, _TWO_WORDS)
    todo = np.flatnonzero(inside | names | np.logical_or.reduce(list(whole.values())))
    out: dict[object, list[tuple[str, str]]] = {}
    for i in todo.tolist():
        kinds = [kind for kind, hit in whole.items() if hit[i]]
        found = _value_rules(texts[i], index, starts, kinds, bool(inside[i]), bool(names[i]), public, shapes)
        if found:
            out[originals[i]] = found
    return out


def _checked(dtype: object) -> bool:
    return (pd.api.types.is_string_dtype(dtype) or pd.api.types.is_object_dtype(dtype)
            or isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_integer_dtype(dtype))


def scan_frame(df: pd.DataFrame, dataset: str, index: IdentifierIndex, *, key_columns: Sequence[str],
               accepted: Sequence[AcceptedFinding] = (), skip_columns: Collection[str] = (),
               public_names: PublicNames | None = None, shapes: PersonShapes | None = None) -> list[LeakFinding]:
    """Every cell of every text (and integer) column, checked against the index and the identifier patterns.

    Findings cleared by `accepted` (same dataset, column, rule and value
    hash) are dropped. ``row_key`` is the row's key columns joined with
    "|", or the row number (from 0) when there is no key or when a key
    column is itself flagged in that row (the key would show the value).
    """
    cleared = {(a.dataset, a.column, a.rule, a.value_hash) for a in accepted}
    starts: dict[str, bool] = {}
    per_column: dict[str, tuple[np.ndarray, list[list[tuple[str, str]]]]] = {}
    for name in df.columns:
        column = df[name]
        if name in skip_columns or not _checked(column.dtype):
            continue
        rules = _distinct_rules(column, index, starts, public_names, shapes)
        rules = {v: kept for v, found in rules.items()
                 if (kept := [(r, h) for r, h in found if (dataset, str(name), r, h) not in cleared])}
        if rules:
            rows = np.flatnonzero(column.isin(list(rules)).to_numpy(dtype=bool))
            per_column[str(name)] = (rows, [rules[v] for v in column.iloc[rows].tolist()])
    flagged_keys = {int(r) for c in key_columns if c in per_column for r in per_column[c][0]}
    findings: list[LeakFinding] = []
    for name, (rows, found) in per_column.items():
        keys = _row_keys(df, key_columns, rows, flagged_keys)
        for key, hits in zip(keys, found, strict=True):
            findings.extend(LeakFinding(dataset, name, rule, key, value_hash) for rule, value_hash in hits)
    return findings


def _row_keys(df: pd.DataFrame, key_columns: Sequence[str], rows: np.ndarray, unsafe: set[int]) -> list[str]:
    """The row key of each flagged row: key columns joined with "|", else the row number."""
    if not key_columns:
        return [str(int(r)) for r in rows]
    frame = df[list(key_columns)].iloc[rows]
    joined = frame.iloc[:, 0].astype("str")
    for k in range(1, frame.shape[1]):
        joined = joined + "|" + frame.iloc[:, k].astype("str")
    keys = joined.tolist()
    return [str(int(r)) if int(r) in unsafe else k for r, k in zip(rows, keys, strict=True)]

"""The published CSV: written to the Etalab conventions and validated against its Table Schema.

Conventions (legal-and-standards.md, section 5; Etalab "bonnes pratiques"
for CSV; RFC 4180): UTF-8 without byte-order mark, comma separator, one
header line holding the column names in order, ``\\n`` line ends, dates
ISO 8601 (``YYYY-MM-DD``), decimal point and no exponent, integers without
``.0``, booleans ``true``/``false`` unless the Table Schema field names its
own words (SCDL ``notificationUE``: ``oui``/``non``), and an empty cell for
a missing value: never ``0``, never ``nan`` or ``<NA>``. A cell is quoted
only when it holds a comma, a double quote or a line break.

The file is built column by column in Apache Arrow, a batch of rows at a
time, so a file of a few million rows is written in bounded memory and
without a Python loop over the rows.
"""

from __future__ import annotations

import copy
import os
import re
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from frictionless import Resource, Schema

BATCH_ROWS = 65_536
# RFC 4180 section 2.6: a field holding these characters is enclosed in double quotes.
NEEDS_QUOTES = r'[,"\r\n]'
ISO_DATE = "%Y-%m-%d"
ISO_DATETIME = "%Y-%m-%dT%H:%M:%S"
CONSTRAINT = re.compile(r'constraint "(\w+)"')


def write_csv(frame: pd.DataFrame, path: Path, schema: dict) -> None:
    """Write ``frame`` to ``path`` as an Etalab CSV; ``schema`` (Table Schema) decides booleans' words and date formats.

    The file appears complete or not at all: it is written beside its final
    name and renamed when done.
    """
    fields = {f["name"]: f for f in schema.get("fields", [])}
    names = [str(name) for name in frame.columns]
    if not names:
        raise ValueError(f"{path.name}: a published table needs at least one column (rule: Etalab CSV)")
    table = pa.Table.from_pandas(frame, preserve_index=False)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "wb") as out:
            out.write((",".join(_quote_name(n) for n in names) + "\n").encode("utf-8"))
            for batch in table.to_batches(max_chunksize=BATCH_ROWS):
                if batch.num_rows:
                    out.write(_lines(batch, [fields.get(n, {}) for n in names]))
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def validate_csv(path: Path, schema: dict) -> list[str]:
    """Validate the CSV at ``path`` against the Table Schema ``schema`` with frictionless; [] when it conforms.

    Each message names the file, the row, the field and the error type (and
    the constraint broken), never the cell's value: a published file may be
    checked before its anonymisation is trusted, and messages end up in logs.
    """
    resource = Resource(
        # A relative path under a base folder: frictionless refuses absolute
        # paths as unsafe unless told to trust them.
        path=path.name, basepath=str(path.parent), format="csv", encoding="utf-8",
        schema=Schema.from_descriptor(copy.deepcopy(schema)),
    )
    report = resource.validate()
    errors = [*report.errors, *(e for task in report.tasks for e in task.errors)]
    return [_message(path, error) for error in errors]


def _message(path: Path, error: object) -> str:
    """``file: row N, field F: error-type``; rows are counted as frictionless does (the header is row 1)."""
    kind = getattr(error, "type", "error")
    constraint = CONSTRAINT.search(getattr(error, "note", "") or "") if kind == "constraint-error" else None
    if constraint:
        kind = f"{kind} ({constraint.group(1)})"  # the constraint's name comes from the schema, not the data
    # A column name, or its position when the header has no name for it (an extra cell or label).
    number = getattr(error, "field_number", None)
    field = getattr(error, "field_name", None) or getattr(error, "label", None) or (f"#{number}" if number else None)
    row = getattr(error, "row_number", None)
    if row is None and field is not None:
        return f"{path.name}: header, field {field}: {kind}"
    if row is None:
        return f"{path.name}: {kind}"
    return f"{path.name}: row {row}, field {field or '-'}: {kind}"


def _quote_name(name: str) -> str:
    return f'"{name.replace(chr(34), chr(34) * 2)}"' if re.search(NEEDS_QUOTES, name) else name


def _lines(batch: pa.RecordBatch, fields: list[dict]) -> bytes:
    """The batch's rows as CSV lines, each ending with ``\\n``."""
    cells = [_quoted(_text(column, field)).fill_null("") for column, field in zip(batch.columns, fields)]
    rows = pc.binary_join_element_wise(*cells, ",") if len(cells) > 1 else cells[0]
    # Join the rows into one string inside Arrow (a one-element list of all rows).
    whole = pa.ListArray.from_arrays(pa.array([0, len(rows)], pa.int32()), rows.cast(pa.large_string()))
    return pc.binary_join(whole, pa.scalar("\n", pa.large_string()))[0].as_buffer().to_pybytes() + b"\n"


def _quoted(text: pa.Array) -> pa.Array:
    """RFC 4180: enclose in double quotes (doubling the inner ones) only the cells that need it."""
    needs = pc.match_substring_regex(text, NEEDS_QUOTES)
    escaped = pc.binary_join_element_wise('"', pc.replace_substring(text, '"', '""'), '"', "")
    return pc.if_else(needs, escaped, text)


def _text(column: pa.Array, field: dict) -> pa.Array:
    """One column as text in the published format; a missing value stays null (an empty cell)."""
    kind = field.get("type")
    t = column.type
    if pa.types.is_null(t):
        return pa.nulls(len(column), pa.string())
    if pa.types.is_boolean(t):
        true = (field.get("trueValues") or ["true"])[0]
        false = (field.get("falseValues") or ["false"])[0]
        return pc.if_else(column, true, false)
    if pa.types.is_integer(t):
        return column.cast(pa.string())
    if pa.types.is_floating(t):
        # A NaN that escaped pandas' missing-value conversion is still a missing value.
        column = pc.if_else(pc.is_nan(column), pa.scalar(None, t), column)
        if kind in ("integer", "year"):
            # pandas turns an integer column with gaps into floats; the cast refuses a fractional value.
            return column.cast(pa.int64()).cast(pa.string())
        return _plain(column.cast(pa.string()))
    if pa.types.is_decimal(t):
        # Arrow pads every value to the column's scale ("1.5000000"): trim the padding.
        text = pc.replace_substring_regex(column.cast(pa.string()), r"(\.\d*?)0+$", r"\1")
        return _plain(pc.replace_substring_regex(text, r"\.$", ""))
    if pa.types.is_date(t):
        return _dates(column.cast(pa.timestamp("s")), field, default=ISO_DATE)
    if pa.types.is_timestamp(t):
        return _dates(column.cast(pa.timestamp("s", t.tz), safe=False), field,
                      default=ISO_DATE if kind == "date" else ISO_DATETIME)
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return column.cast(pa.string())
    if pa.types.is_dictionary(t):
        return _text(column.dictionary_decode(), field)
    raise TypeError(f"column type {t} cannot be written to CSV (rule: flat published files)")


def _dates(column: pa.Array, field: dict, *, default: str) -> pa.Array:
    """Dates ISO 8601, or the field's own ``%``-pattern where the Table Schema gives one."""
    fmt = field.get("format") or ""
    pattern = fmt if fmt.startswith("%") else default
    if pattern == ISO_DATETIME and column.type.tz is not None:
        # An instant with a time zone is written in UTC, marked "Z" (ISO 8601).
        utc = pc.strftime(column.cast(pa.timestamp("s", "UTC")), format=pattern)
        return pc.binary_join_element_wise(utc, "Z", "").cast(pa.string())
    return pc.strftime(column, format=pattern).cast(pa.string())


def _plain(text: pa.Array) -> pa.Array:
    """Rewrite the rare numbers Arrow prints with an exponent (``1e-05``, ``1E+20``) as plain decimals.

    Only those cells go through Python's Decimal; the others are left as Arrow wrote them.
    """
    exponent = pc.fill_null(pc.match_substring_regex(text, "[eE]"), False)
    if not pc.any(exponent).as_py():
        return text
    plain = [_no_exponent(v) for v in pc.filter(text, exponent).to_pylist()]
    return pc.replace_with_mask(text, exponent, pa.array(plain, pa.string()))


def _no_exponent(text: str) -> str:
    plain = format(Decimal(text), "f")
    return plain.rstrip("0").rstrip(".") if "." in plain else plain

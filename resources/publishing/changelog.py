"""What a new version changes against the version before it: rows added, removed, changed, by year.

A changelog entry is plain data (a dict, JSON as it is), written into the
version's ``datapackage.json`` (``x_opendata.changelog``) with the entries of
the versions before it; the README's "Changements" section and
``CHANGELOG.md`` are rendered from them (``changelog_text``).

Rows are matched on the dataset's keys: the ``keys`` its reviewed policy
names, else the dimensions of a table of counts (year, diploma, sex...). A
row whose keys are in both versions with other values is *changed*. Without
keys (a nominative dataset, a list whose rows name no public code) rows are
compared whole, and only counts are given: the changelog never names a
person, and never shows a value that is not a key the policy publishes.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd

from anonymisation.policy import Policy

KEYS_SHOWN = 20  # keys listed per kind of change in the newest entries; the counts are always whole
KEPT_WITH_KEYS = 5  # entries that keep their keys (the README shows these); older ones keep their counts
KINDS = ("added", "removed", "changed")
NO_YEAR = "sans année"


def changelog_keys(policy: Policy) -> tuple[str, ...]:
    """The columns that name a row in the changelog; empty when only counts may be given."""
    if policy.nominative:
        return ()
    if policy.keys:
        return policy.keys
    return tuple(c.name for c in policy.by_role("dimension"))


def year_column(policy: Policy) -> str | None:
    """The column giving the year a row is about: the year column, else the first required date."""
    year = next((c.name for c in policy.columns if c.type == "year" and c.required), None)
    return year or next((c.name for c in policy.columns if c.type == "date" and c.required), None)


def first_entry(day: str, rows: int) -> dict:
    """The entry of a dataset's first version: nothing to compare with."""
    return {"version": day, "previous_version": None, "rows": rows}


def compare(policy: Policy, new: pd.DataFrame, old: pd.DataFrame, day: str, previous_day: str) -> dict:
    """The entry of version ``day`` against ``previous_day``: counts by year, keys where the policy allows."""
    columns_added = [c for c in new.columns if c not in old.columns]
    columns_removed = [c for c in old.columns if c not in new.columns]
    common = [c for c in new.columns if c in old.columns]
    keys = [k for k in changelog_keys(policy) if k in common]
    year = year_column(policy)
    year = year if year in common else None
    keyed = bool(keys) and len(keys) == len(changelog_keys(policy)) and not new.duplicated(keys).any() \
        and not old.duplicated(keys).any()
    found = _by_keys(new[common], old[common], keys, year) if keyed else _whole_rows(new[common], old[common], year)
    entry = {"version": day, "previous_version": previous_day, "rows": len(new),
             **({"same_day": True} if previous_day == day else {}),
             **{kind: sum(found[kind].values()) for kind in KINDS},
             "by_year": _by_year(found),
             "columns_added": columns_added, "columns_removed": columns_removed}
    if keyed:
        entry["keys"] = {"columns": keys, **{kind: found[f"{kind}_keys"][:KEYS_SHOWN] for kind in KINDS}}
    return entry


def history(entry: dict, previous: list[dict]) -> list[dict]:
    """This version's entry after the earlier ones.

    ``previous`` is the changelog of the version compared with: the day
    before's, or, for a second publication the same day, the one it replaces,
    whose entries all stay (the file at that address changed twice that day).
    """
    earlier = [e for e in previous if e.get("version", "") < entry["version"] or entry.get("same_day")]
    kept = [*earlier, entry]
    cut = len(kept) - KEPT_WITH_KEYS
    return [{k: v for k, v in e.items() if k != "keys"} if i < cut else e for i, e in enumerate(kept)]


def read_previous(folder: Path | None, dataset: str) -> pd.DataFrame | None:
    """The previous version's rows, from its Parquet file, or None when there is none to compare with."""
    if folder is None:
        return None
    path = folder / f"{dataset}.parquet"
    if not path.is_file():
        return None
    return pd.read_parquet(path)


def _text(column: pd.Series) -> pd.Series:
    """A column as text for comparison: a missing value equals a missing value, 1 and 1.0 stay different types."""
    return column.astype("string").fillna("\x00missing")


def _years(frame: pd.DataFrame, year: str | None) -> pd.Series:
    if year is None:
        return pd.Series(NO_YEAR, index=frame.index)
    values = frame[year]
    if not pd.api.types.is_numeric_dtype(values):
        values = pd.to_datetime(values, errors="coerce").dt.year
    return values.map(lambda y: NO_YEAR if pd.isna(y) else str(int(y)))


def _by_keys(new: pd.DataFrame, old: pd.DataFrame, keys: list[str], year: str | None) -> dict:
    key_text = lambda frame: pd.DataFrame({k: _text(frame[k]) for k in keys})  # noqa: E731
    left = key_text(new).assign(_row_new=range(len(new)))
    right = key_text(old).assign(_row_old=range(len(old)))
    merged = left.merge(right, on=keys, how="outer")
    added = merged[merged["_row_old"].isna()]
    removed = merged[merged["_row_new"].isna()]
    both = merged.dropna(subset=["_row_new", "_row_old"])
    values = [c for c in new.columns if c not in keys]
    rows_new, rows_old = both["_row_new"].astype(int).to_numpy(), both["_row_old"].astype(int).to_numpy()
    differs = pd.Series(False, index=range(len(both)))
    for column in values:
        a = _text(new[column]).iloc[rows_new].reset_index(drop=True)
        b = _text(old[column]).iloc[rows_old].reset_index(drop=True)
        differs |= a != b
    changed_rows = rows_new[differs.to_numpy()]
    years_new, years_old = _years(new, year), _years(old, year)
    label = lambda frame: [" · ".join(map(str, row)) for row in frame[keys].itertuples(index=False)]  # noqa: E731
    return {
        "added": Counter(years_new.iloc[added["_row_new"].astype(int)]),
        "removed": Counter(years_old.iloc[removed["_row_old"].astype(int)]),
        "changed": Counter(years_new.iloc[changed_rows]),
        "added_keys": sorted(label(new.iloc[added["_row_new"].astype(int)])),
        "removed_keys": sorted(label(old.iloc[removed["_row_old"].astype(int)])),
        "changed_keys": sorted(label(new.iloc[changed_rows])),
    }


def _whole_rows(new: pd.DataFrame, old: pd.DataFrame, year: str | None) -> dict:
    """Rows compared whole: what one version holds more times than the other; nothing is ever named."""
    def counted(frame: pd.DataFrame) -> Counter:
        rows = pd.util.hash_pandas_object(pd.DataFrame({c: _text(frame[c]) for c in frame.columns}), index=False)
        return Counter(zip(rows.tolist(), _years(frame, year).tolist(), strict=True))
    in_new, in_old = counted(new), counted(old)
    return {"added": _per_year(in_new - in_old), "removed": _per_year(in_old - in_new), "changed": Counter()}


def _per_year(rows: Counter) -> Counter:
    years: Counter = Counter()
    for (_, year), n in rows.items():
        years[year] += n
    return years


def _by_year(found: dict) -> dict[str, dict[str, int]]:
    years = sorted({y for kind in KINDS for y in found[kind]})
    return {y: {kind: int(found[kind].get(y, 0)) for kind in KINDS} for y in years}

"""Write every file of one published version into a prepared folder: data, metadata, README.

The files, in the order they are written:

- ``<dataset>.csv``: Etalab conventions, or the national schema's names and formats;
- ``<dataset>.parquet``: the checked candidate itself, byte for byte;
- ``<dataset>.json``: public contracts only, the regulatory DECP 2.0.3 format;
- ``<dataset>.geojson``: the sites on a map (RFC 7946), where the policy names coordinates;
- ``README.md``, ``CHANGELOG.md`` and ``datapackage.json``, which describe them
  (the changelog compares the rows with the previous version's Parquet file).

The CSV and the DECP JSON are validated (frictionless, jsonschema) before the
store may publish them: a file that does not meet its schema never goes online.

``content_digest`` names what the files are made from (the candidate's bytes,
the reviewed policy, the writers' format); it is recorded in
``datapackage.json``, so unchanged data are recognised before anything is
written into the store.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from anonymisation.evolution import PolicyChange
from anonymisation.policy import Policy
from resources.common.errors import OpenDataError
from resources.common.files import file_sha256
from resources.common.vocabulary import DECP
from resources.publishing.changelog import compare, first_entry, history, read_previous
from resources.publishing.changelog_text import CHANGELOG, changelog_file
from resources.publishing.crashpoints import write_point
from resources.publishing.csv_file import validate_csv, write_csv
from resources.publishing.decp import validate_decp, write_decp
from resources.publishing.geojson_file import validate_geojson, write_geojson
from resources.publishing.metadata import Producer, VersionInfo, datapackage, file_entry, table_schema
from resources.publishing.readme import readme

# Change it when what the writers produce changes: every dataset then makes a new version.
FORMAT = "2"


class ConformanceError(OpenDataError):
    """A file does not meet its schema; the message names dataset, file, row and field, never a value."""


ACADEMIC_YEAR = "annee_universitaire"  # the sources' name of an academic year (September to August)


def is_academic(policy: Policy) -> bool:
    """Whether the dataset's year column comes from an academic-year column of the sources."""
    year = next((c for c in policy.columns if c.type == "year" and c.required), None)
    return year is not None and (year.source or "").split(".")[-1] == ACADEMIC_YEAR


def years_covered(policy: Policy, frame: pd.DataFrame) -> tuple[int, ...]:
    """The years the rows are about: the dataset's year column, else its first required date."""
    year = next((c.name for c in policy.columns if c.type == "year" and c.required), None)
    if year is not None:
        return tuple(sorted(int(y) for y in frame[year].dropna().unique()))
    date = next((c.name for c in policy.columns if c.type == "date" and c.required), None)
    if date is not None:
        return tuple(sorted(int(y) for y in pd.to_datetime(frame[date]).dt.year.dropna().unique()))
    return ()


def content_digest(policy: Policy, candidate: Path) -> str:
    """What a version's files are made from: the same digest means the same files (metadata dates aside)."""
    parts = (FORMAT, policy.hash, str(policy.national_schema), file_sha256(candidate))
    return "sha256:" + hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Before:
    """The version this one follows: its folder and data package (none for a first version), what was corrected."""

    folder: Path | None = None
    package: dict | None = None
    change: PolicyChange | None = None  # how the policy differs from that version's
    corrections: tuple[dict, ...] = ()  # reviewed corrections applied to this version's sources


def write_version(policy: Policy, candidate: Path, folder: Path, producer: Producer, day: dt.date,
                  previous: list[str], anonymisation: dict,
                  before: Before = Before()) -> tuple[tuple[str, ...], VersionInfo]:
    """Write the version's files into ``folder``; returns its data files and its facts.

    ``before`` is the version this one follows: the changelog compares the
    rows with it, and the policy change and corrections join its entry.
    """
    name = policy.dataset
    frame = pd.read_parquet(candidate)[[c.name for c in policy.columns]]
    info = VersionInfo(day=day, created=dt.datetime.now(dt.UTC).replace(microsecond=0), rows=len(frame),
                       years=years_covered(policy, frame), previous_versions=tuple(previous), anonymisation=anonymisation,
                       academic=is_academic(policy), change=before.change.as_metadata() if before.change else None)
    info = replace(info, changelog=tuple(_changelog(policy, frame, day, before, info.change)))
    schema = table_schema(policy)
    csv = folder / f"{name}.csv"
    try:
        write_point("version.file")
        write_csv(frame, csv, schema)
    except Exception as exc:  # a pandas or pyarrow message may quote a value
        raise ConformanceError(f"{name}: the CSV could not be written ({type(exc).__name__}) (rule: every published "
                               "file validates against its schema); the version online is unchanged") from None
    _conform(name, validate_csv(csv, schema))
    write_point("version.file")
    shutil.copyfile(candidate, folder / f"{name}.parquet")
    data = [csv.name, f"{name}.parquet"]
    if policy.national_schema == DECP:
        write_point("version.file")
        write_decp(frame, folder / f"{name}.json")
        _conform(name, validate_decp(folder / f"{name}.json"))
        data.append(f"{name}.json")
    points = None
    if policy.geojson is not None:
        write_point("version.file")
        points = write_geojson(frame, folder / f"{name}.geojson", policy.geojson, policy.title)
        _conform(name, validate_geojson(folder / f"{name}.geojson"))
        data.append(f"{name}.geojson")
    entries = _entries(policy, folder, data, schema)
    write_point("version.file")
    (folder / "README.md").write_text(readme(policy, producer, info, schema,
                                             [*data, "README.md", CHANGELOG, "datapackage.json"]), encoding="utf-8")
    entries.append(file_entry(folder / "README.md", file_sha256(folder / "README.md"), name="readme",
                              title="Documentation", description="Ce que contient le jeu, comment il est produit, "
                              "ce qui a été retiré et pourquoi.", documentation=True))
    write_point("version.file")
    (folder / CHANGELOG).write_text(changelog_file(policy.title, list(info.changelog)), encoding="utf-8")
    entries.append(file_entry(folder / CHANGELOG, file_sha256(folder / CHANGELOG), name="changelog",
                              title="Journal des modifications", description="Ce que chaque version a changé par "
                              "rapport à la précédente: lignes ajoutées, retirées, modifiées, par année.",
                              documentation=True))
    package = datapackage(policy, producer, info, entries)
    package["x_opendata"]["content_digest"] = content_digest(policy, candidate)
    if points is not None:
        package["x_opendata"]["geojson"] = {"points": points[0], "without_coordinates": points[1]}
    write_point("version.file")
    _write_json(folder / "datapackage.json", package)
    return tuple(data), info


def _changelog(policy: Policy, frame: pd.DataFrame, day: dt.date, before: Before, change: dict | None) -> list[dict]:
    """Every entry of the dataset's changelog, this version's last."""
    package = before.package or {}
    old = read_previous(before.folder, policy.dataset)
    if old is None or not package.get("version"):
        entry = first_entry(day.isoformat(), len(frame))
    else:
        entry = compare(policy, frame, old, day.isoformat(), package["version"])
    if change:
        entry["policy"] = change
    if before.corrections:
        entry["corrections"] = list(before.corrections)
    return history(entry, list((package.get("x_opendata") or {}).get("changelog") or []))


def conformance(policy: Policy, candidate: Path) -> list[str]:
    """The schema errors the published files of this candidate would have (file, row, field, rule; no value)."""
    frame = pd.read_parquet(candidate)
    names = [c.name for c in policy.columns]
    missing = [n for n in names if n not in frame.columns]
    if missing:
        return [f"{policy.dataset}: column(s) missing: {', '.join(missing)}"]
    schema = table_schema(policy)
    with tempfile.TemporaryDirectory(prefix="opendata-conformance-") as tmp:
        try:
            csv = Path(tmp) / f"{policy.dataset}.csv"
            write_csv(frame[names], csv, schema)
            errors = validate_csv(csv, schema)
            if policy.national_schema == DECP:
                document = Path(tmp) / f"{policy.dataset}.json"
                write_decp(frame[names], document)
                errors += validate_decp(document)
            if policy.geojson is not None:
                points = Path(tmp) / f"{policy.dataset}.geojson"
                write_geojson(frame[names], points, policy.geojson, policy.title)
                errors += validate_geojson(points)
        except Exception as exc:  # a pandas or pyarrow message may quote a value: name the step only
            return [f"{policy.dataset}: the files could not be written ({type(exc).__name__})"]
    return errors


def _entries(policy: Policy, folder: Path, data: list[str], schema: dict) -> list[dict]:
    titles = {"csv": ("CSV", "Le jeu au format CSV (UTF-8, virgule), décrit par le schéma de datapackage.json."),
              "parquet": ("Parquet", "Le même contenu au format Apache Parquet, typé."),
              "json": ("DECP JSON", "Format réglementaire des données essentielles de la commande publique (DECP 2.0.3)."),
              "geojson": ("GeoJSON", "Les sites sur une carte: un point par ligne ayant des coordonnées, avec ses "
                                     "codes et son adresse (GeoJSON, RFC 7946, WGS 84).")}
    entries = []
    for file in data:
        path = folder / file
        kind = path.suffix.lstrip(".")
        title, text = titles[kind]
        entries.append(file_entry(path, file_sha256(path), name=policy.dataset if kind == "csv" else f"{policy.dataset}-{kind}",
                                  title=f"{policy.title} ({title})", description=text,
                                  schema=schema if kind == "csv" else None))
    return entries


def _conform(dataset: str, errors: list[str]) -> None:
    if errors:
        shown = "; ".join(errors[:5])
        raise ConformanceError(f"{dataset}: {len(errors)} schema error(s): {shown} (rule: every published file "
                               "validates against its schema); the version online is unchanged")


def _write_json(path: Path, content: dict) -> None:
    path.write_text(json.dumps(content, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

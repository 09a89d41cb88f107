"""The output store: the published open files, one dated version folder per publication day.

Layout (docs/layout.md)::

    <store>/<dataset>/<YYYY-MM-DD>/   the files of one version and their SHA256SUMS
    <store>/<dataset>/latest/         a real copy of the newest complete version (no
                                      symbolic link, so an object store can hold it)

A version is prepared in a hidden temporary folder inside the store, its
checksums are written and verified, and only then is it renamed to its dated
name; ``latest/`` is swapped the same way. A crash at any point leaves the
previous version and ``latest/`` complete (an interrupted swap is repaired at
the next use). A version whose data files are byte-identical to the version
online is not written again: the online version records the day it was
checked. A re-run on the same day replaces that day's version and nothing else.

Retention: every version is kept by default; a nominative dataset (CRPA
D312-1-3, décret 2018-1117) keeps only its latest, so a person who objected
or left disappears from every copy at the next run.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
from pydantic import Field

from resources.errors import OpenDataError
from resources.files import file_sha256, write_text_atomic

LATEST = "latest"
SUMS = "SHA256SUMS"
METADATA = "datapackage.json"
_TMP, _OLD = ".tmp-", ".old-"


class PublicationError(OpenDataError):
    """The store refused a publication; the message names the dataset and the rule."""


@dataclass(frozen=True)
class Commit:
    """What a publication did: the version online afterwards, and whether it is new."""

    dataset: str
    version: str
    path: Path
    changed: bool


def read_sums(folder: Path) -> dict[str, str]:
    """The checksums a version folder declares: file name -> SHA-256."""
    path = folder / SUMS
    if not path.is_file():
        return {}
    pairs = (line.split("  ", 1) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return {name: digest for digest, name in pairs}


def verify(folder: Path) -> list[str]:
    """Files of a version whose bytes do not match their declared checksum (or are missing)."""
    return sorted(name for name, digest in read_sums(folder).items()
                  if not (folder / name).is_file() or file_sha256(folder / name) != digest)


def _write_sums(folder: Path) -> dict[str, str]:
    sums = {p.name: file_sha256(p) for p in sorted(folder.iterdir()) if p.is_file() and p.name != SUMS}
    write_text_atomic(folder / SUMS, "".join(f"{digest}  {name}\n" for name, digest in sums.items()),
                      mode=0o644)
    return sums


class OutputStore(dg.ConfigurableResource):
    """Where published files live (what the web server serves and data.gouv.fr reads)."""

    root: str = Field(description="Output store folder (public)")
    retention: int | None = Field(default=None, description="Dated versions kept per dataset; empty keeps all")

    def dataset_dir(self, dataset: str) -> Path:
        return Path(self.root) / dataset

    def latest_dir(self, dataset: str) -> Path:
        self._repair(dataset)
        return self.dataset_dir(dataset) / LATEST

    def latest(self, dataset: str) -> Path | None:
        """The Parquet file of the version online, if any."""
        path = self.latest_dir(dataset) / f"{dataset}.parquet"
        return path if path.is_file() else None

    def latest_version(self, dataset: str) -> str | None:
        """The dated name of the version online."""
        metadata = self.latest_dir(dataset) / METADATA
        if not metadata.is_file():
            return None
        return json.loads(metadata.read_text(encoding="utf-8")).get("version")

    def versions(self, dataset: str) -> list[str]:
        """Dated versions held, oldest first."""
        folder = self.dataset_dir(dataset)
        if not folder.is_dir():
            return []
        return sorted(p.name for p in folder.iterdir() if p.is_dir() and _is_day(p.name))

    @contextmanager
    def prepare(self, dataset: str) -> Iterator[Path]:
        """A hidden folder inside the store to write a new version into; removed if anything fails."""
        folder = self.dataset_dir(dataset)
        folder.mkdir(parents=True, exist_ok=True)
        self._clear_leftovers(folder)
        tmp = folder / f"{_TMP}{uuid.uuid4().hex[:12]}"
        tmp.mkdir()
        try:
            yield tmp
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def commit(self, dataset: str, prepared: Path, day: dt.date, *, data_files: tuple[str, ...],
               nominative: bool = False) -> Commit:
        """Make a prepared folder the version of ``day`` and the version online, unless its data are unchanged."""
        folder = self.dataset_dir(dataset)
        sums = _write_sums(prepared)
        if verify(prepared):
            raise PublicationError(f"{dataset}: a prepared file does not match its checksum "
                                   "(rule: verify before publishing); the version online is unchanged")
        online = read_sums(self.latest_dir(dataset))
        if online and all(online.get(name) == sums.get(name) for name in data_files):
            version = self.latest_version(dataset) or day.isoformat()
            return Commit(dataset, version, folder / version, changed=False)
        target = folder / day.isoformat()
        os.chmod(prepared, 0o755)
        _swap_in(prepared, target)
        self._refresh_latest(dataset, target)
        self._prune(dataset, 1 if nominative else self.retention)
        return Commit(dataset, day.isoformat(), target, changed=True)

    def record_check(self, dataset: str, day: dt.date) -> None:
        """Note in the version online (and its dated folder) that it was checked again on ``day``, unchanged."""
        version = self.latest_version(dataset)
        for folder in (self.dataset_dir(dataset) / str(version), self.latest_dir(dataset)):
            metadata = folder / METADATA
            if not metadata.is_file():
                continue
            package = json.loads(metadata.read_text(encoding="utf-8"))
            package.setdefault("x_opendata", {})["last_checked"] = day.isoformat()
            write_text_atomic(metadata, json.dumps(package, ensure_ascii=False, indent=1) + "\n", mode=0o644)
            _write_sums(folder)

    def _refresh_latest(self, dataset: str, version: Path) -> None:
        """Copy the version into ``latest/``: a complete copy, verified, then swapped in."""
        folder = self.dataset_dir(dataset)
        tmp = folder / f"{_TMP}{LATEST}-{uuid.uuid4().hex[:8]}"
        shutil.copytree(version, tmp)
        if verify(tmp):
            shutil.rmtree(tmp, ignore_errors=True)
            raise PublicationError(f"{dataset}: the copy for latest/ does not match its checksums "
                                   "(rule: verify before publishing); latest/ is unchanged")
        _swap_in(tmp, folder / LATEST)

    def _repair(self, dataset: str) -> None:
        """Undo a swap a crash interrupted: a folder (``latest`` or a day) missing, its previous copy set aside."""
        folder = self.dataset_dir(dataset)
        if not folder.is_dir():
            return
        for old in sorted(folder.glob(f"{_OLD}*")):
            name = old.name.removeprefix(_OLD).rsplit("-", 1)[0]
            if not (folder / name).exists() and not verify(old):
                os.rename(old, folder / name)

    def _clear_leftovers(self, folder: Path) -> None:
        """Temporary folders of crashed runs (never what is online)."""
        self._repair(folder.name)
        for path in folder.iterdir():
            if path.name.startswith((_TMP, _OLD)) and path.is_dir():
                shutil.rmtree(path, ignore_errors=True)

    def _prune(self, dataset: str, keep: int | None) -> None:
        if keep is None:
            return
        for name in self.versions(dataset)[:-keep]:
            shutil.rmtree(self.dataset_dir(dataset) / name, ignore_errors=True)


def _swap_in(new: Path, target: Path) -> None:
    """Put ``new`` at ``target``: set the old one aside, rename, then delete the old one.

    Between the two renames ``target`` is briefly absent; ``OutputStore._repair``
    puts the old one back if a crash strikes exactly there.
    """
    old = target.with_name(f"{_OLD}{target.name}-{uuid.uuid4().hex[:8]}")
    if target.exists():
        os.rename(target, old)
    os.rename(new, target)
    shutil.rmtree(old, ignore_errors=True)


def _is_day(name: str) -> bool:
    try:
        dt.date.fromisoformat(name)
    except ValueError:
        return False
    return len(name) == 10

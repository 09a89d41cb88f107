"""The output store: the published open files, one dated version folder per publication.

Layout (docs/layout.md): ``<store>/<dataset>/<version>/<dataset>.{parquet,csv}``
where a version is the publication day (``2026-11-22``, then ``2026-11-22_2``
for a second publication that day), and ``<store>/<dataset>/latest``, a
relative symbolic link to the version online. A version folder is written
under a hidden temporary name and renamed when complete; ``latest`` is
switched by an atomic rename. A failed publication leaves the previous
version and ``latest`` exactly as they were.

A nominative dataset (CRPA D312-1-3) keeps only its latest version, so a
person who objected or left is removed from every copy at the next run.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import dagster as dg
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from pydantic import Field

from resources.errors import OpenDataError

LATEST = "latest"


class PublicationError(OpenDataError):
    """The store refused a publication; the message names the dataset and the rule."""


class OutputStore(dg.ConfigurableResource):
    """Where published files live (what the web server and data.gouv.fr read)."""

    root: str = Field(description="Output store folder (public)")

    def dataset_dir(self, dataset: str) -> Path:
        return Path(self.root) / dataset

    def latest(self, dataset: str) -> Path | None:
        """The Parquet file of the version online, if any."""
        path = self.dataset_dir(dataset) / LATEST / f"{dataset}.parquet"
        return path if path.is_file() else None

    def versions(self, dataset: str) -> list[Path]:
        folder = self.dataset_dir(dataset)
        if not folder.is_dir():
            return []
        return sorted((p for p in folder.iterdir() if p.is_dir() and not p.is_symlink() and not p.name.startswith(".")),
                      key=lambda p: _version_key(p.name))

    def publish(self, dataset: str, candidate: Path, day: dt.date, *, nominative: bool = False) -> Path:
        """Publish a checked candidate as a new dated version and point ``latest`` to it; returns the version folder."""
        folder = self.dataset_dir(dataset)
        folder.mkdir(parents=True, exist_ok=True)
        version = _next_version(day, [p.name for p in self.versions(dataset)])
        tmp = folder / f".tmp-{version}-{os.getpid()}"
        try:
            tmp.mkdir()
            shutil.copyfile(candidate, tmp / f"{dataset}.parquet")
            table = pq.read_table(candidate)
            pacsv.write_csv(table, tmp / f"{dataset}.csv")
            for path in tmp.iterdir():
                os.chmod(path, 0o644)
            os.chmod(tmp, 0o755)
            os.rename(tmp, folder / version)
        except Exception as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            raise PublicationError(f"{dataset}: the new version could not be written ({type(exc).__name__}); "
                                   "the version online is unchanged (rule: atomic publication)") from None
        link = folder / f".{LATEST}-{os.getpid()}"
        link.unlink(missing_ok=True)
        link.symlink_to(version)
        os.replace(link, folder / LATEST)
        self._prune(dataset, keep=1 if nominative else None, day=day)
        return folder / version

    def _prune(self, dataset: str, keep: int | None, day: dt.date) -> None:
        """Nominative: only the latest version; others: the last version of each day."""
        versions = self.versions(dataset)
        current = versions[-1]
        for version in versions[:-1]:
            same_day = version.name.split("_")[0] == current.name.split("_")[0]
            if keep == 1 or same_day:
                shutil.rmtree(version, ignore_errors=True)


def _version_key(name: str) -> tuple[str, int]:
    day, _, n = name.partition("_")
    return day, int(n) if n.isdigit() else 1


def _next_version(day: dt.date, existing: list[str]) -> str:
    taken = [_version_key(name)[1] for name in existing if name.split("_")[0] == day.isoformat()]
    return day.isoformat() if not taken else f"{day.isoformat()}_{max(taken) + 1}"

"""The output store's folders: the published open files, one dated version folder per publication day.

Plain Python; the Dagster resource ``resources.store.OutputStore`` is this
class with its configuration (root, retention, alerts file).

Layout (docs/layout.md)::

    <store>/<dataset>/<YYYY-MM-DD>/   the files of one version and their SHA256SUMS
    <store>/<dataset>/latest/         a real copy of the newest complete version (no
                                      symbolic link, so an object store can hold it)

Every write is atomic. A version is written into a hidden folder, its
checksums are written from the bytes just written, verified and flushed, and
only then is the folder renamed to its day. ``latest/`` (metadata, README and
checksums included) is never edited in place: a complete copy is built beside
it, verified, and the two folders exchange names in one rename (Linux
``renameat2``); where the file system cannot exchange, two renames are used
and an interruption between them is repaired before anything reads the store
(``latest_dir``, ``previous``, every write). Each write first passes a named
write point (``resources.publishing.crashpoints``) where a test can kill the process.

Every night ``check`` hashes every file of ``latest/`` and of the newest dated
version against their ``SHA256SUMS`` and ``datapackage.json``; a file that no
longer matches is restored from the other copy when that one verifies, or the
version is published again from the candidate, and each case is an incident.
A checksum is never rewritten from bytes the store did not write itself.
Unchanged data (same content digest as the verified version online) write
nothing at all. A re-run on the same day replaces that day's version.

Retention: every version is kept by default; a nominative dataset (CRPA
D312-1-3, décret 2018-1117) keeps only its latest, so a person who objected
or left disappears from every copy at the next run.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import errno
import fcntl
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from resources.common.errors import OpenDataError
from resources.common.files import file_sha256, write_text_atomic
from resources.publishing.crashpoints import write_point
from resources.publishing.integrity import CHANGELOG, METADATA, SUMS, WHOLE, Incident, mismatches, read_sums, verified_file, verify

__all__ = ["LATEST", "METADATA", "SUMS", "Check", "Commit", "PublicationError", "StoreFolders", "read_sums", "verify"]

LATEST = "latest"
_TMP, _NEW, _OLD = ".tmp-", ".new-", ".old-"


class PublicationError(OpenDataError):
    """The store refused a publication; the message names the dataset and the rule."""


@dataclass(frozen=True)
class Commit:
    """What a publication did: the version online afterwards, and whether it is new."""

    dataset: str
    version: str
    path: Path
    changed: bool


@dataclass
class Check:
    """What the nightly verification of a dataset found and did."""

    incidents: list[Incident] = field(default_factory=list)
    republish: bool = False  # a file is bad in both copies: only the candidate can restore it


class StoreFolders:
    """Where published files live (what the web server serves and data.gouv.fr reads): reading and writing them.

    A mixin: the class that uses it sets the three settings below (the
    Dagster resource ``OutputStore`` sets them from its configuration).
    """

    root: str  # the output store folder (public)
    retention: int | None  # dated versions kept per dataset; None keeps all
    alerts: str  # alerts.jsonl file where integrity incidents are also appended

    def dataset_dir(self, dataset: str) -> Path:
        return Path(self.root) / dataset

    def latest_dir(self, dataset: str) -> Path:
        """``latest/``, after any swap a crash interrupted has been finished."""
        self.recover(dataset)
        return self.dataset_dir(dataset) / LATEST

    def latest(self, dataset: str) -> Path | None:
        """The Parquet file of the version online, if any."""
        path = self.latest_dir(dataset) / f"{dataset}.parquet"
        return path if path.is_file() else None

    def previous(self, dataset: str) -> Path | None:
        """The Parquet file of the version online whose bytes verify, for the next anonymisation.

        Interrupted swaps are finished first; a corrupted ``latest/`` copy is
        passed over for its dated version (the publication step repairs it and
        reports it). Read-only otherwise.
        """
        name, folder = f"{dataset}.parquet", self.latest_dir(dataset).parent
        for candidate in [folder / LATEST, *(folder / day for day in reversed(self.versions(dataset)))]:
            if verified_file(candidate, name):
                return candidate / name
        return None

    def latest_version(self, dataset: str) -> str | None:
        """The dated name of the version online."""
        return _version_of(self.latest_dir(dataset))

    def versions(self, dataset: str) -> list[str]:
        """Dated versions held, oldest first."""
        folder = self.dataset_dir(dataset)
        if not folder.is_dir():
            return []
        return sorted(p.name for p in folder.iterdir() if p.is_dir() and _is_day(p.name))

    def recover(self, dataset: str) -> None:
        """Finish or undo any swap a crash interrupted, so ``latest/`` and every dated version are whole."""
        if self.dataset_dir(dataset).is_dir():
            with self._locked(dataset):
                _recover(self.dataset_dir(dataset))

    def check(self, dataset: str) -> Check:
        """Hash every file of ``latest/`` and of the newest dated version; restore what does not match.

        A bad file of the dated version is restored from ``latest/`` when that
        copy of the same version verifies; a bad ``latest/`` is rebuilt from the
        dated version when it verifies (also when a crash left ``latest/``
        behind it). Otherwise the version must be published again from the
        candidate (``Check.republish``).
        """
        result = Check()
        if not self.dataset_dir(dataset).is_dir():
            return result
        with self._locked(dataset):
            folder = self.dataset_dir(dataset)
            _recover(folder)
            days = self.versions(dataset)
            if not days:
                return result
            newest, latest = folder / days[-1], folder / LATEST
            bad_dated, bad_latest = mismatches(newest), mismatches(latest)
            same = read_sums(latest) == read_sums(newest)  # latest/ is a copy of the newest version
            if bad_dated:
                restorable = not bad_latest and _version_of(latest) == newest.name
                if restorable:
                    self._replace(folder, newest.name, latest)
                action = "restauré depuis latest/" if restorable else "à republier depuis le candidat"
                result.incidents += [Incident(dataset, newest.name, f, p, action) for f, p in bad_dated.items()]
                result.republish |= not restorable
                bad_dated = mismatches(newest) if restorable else bad_dated
            if not bad_dated and (bad_latest or not same):
                self._replace(folder, LATEST, newest)
                found = bad_latest or {WHOLE: f"copie d'une autre version que {newest.name} (publication interrompue)"}
                result.incidents += [Incident(dataset, LATEST, f, p, f"restauré depuis {newest.name}")
                                     for f, p in found.items()]
            elif bad_latest:
                result.incidents += [Incident(dataset, LATEST, f, p, "à republier depuis le candidat")
                                     for f, p in bad_latest.items()]
                result.republish = True
        return result

    def unchanged(self, dataset: str, digest: str) -> Commit | None:
        """The version online, if its bytes verify and it was made from this exact content; nothing is written."""
        latest = self.latest_dir(dataset)
        version = _version_of(latest)
        if version is None or mismatches(latest):
            return None
        package = json.loads((latest / METADATA).read_text(encoding="utf-8"))
        if (package.get("x_opendata") or {}).get("content_digest") != digest:
            return None
        return Commit(dataset, version, self.dataset_dir(dataset) / version, changed=False)

    @contextmanager
    def prepare(self, dataset: str) -> Iterator[Path]:
        """A hidden folder inside the store to write a new version into; removed if anything fails."""
        folder = self.dataset_dir(dataset)
        folder.mkdir(parents=True, exist_ok=True)
        with self._locked(dataset):
            _recover(folder)
            for path in folder.iterdir():  # a crashed run's half-written versions, never what is online
                if path.name.startswith(_TMP) and path.is_dir():
                    _remove(path)
        tmp = folder / f"{_TMP}{uuid.uuid4().hex[:12]}"
        write_point("store.mkdir")
        tmp.mkdir()
        try:
            yield tmp
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def commit(self, dataset: str, prepared: Path, day: dt.date, *, nominative: bool = False) -> Commit:
        """Make a prepared folder the version of ``day`` and the version online."""
        folder = self.dataset_dir(dataset)
        _write_sums(prepared)
        if verify(prepared):
            raise PublicationError(f"{dataset}: a prepared file does not match its checksum or its datapackage.json "
                                   "(rule: verify before publishing); the version online is unchanged")
        os.chmod(prepared, 0o755)
        _fsync_folder(prepared)
        target = folder / day.isoformat()
        with self._locked(dataset):
            _recover(folder)
            if target.exists():  # a re-run on the same day replaces that day's version
                write_point("store.rename")
                os.rename(prepared, folder / f"{_NEW}{target.name}")
                _swap_in(folder / f"{_NEW}{target.name}", target)
            else:
                write_point("store.rename")
                os.rename(prepared, target)
                _fsync_dir(folder)
            self._replace(folder, LATEST, target)
            self._prune(dataset, 1 if nominative else self.retention)
        return Commit(dataset, day.isoformat(), target, changed=True)

    def write_changelog(self, dataset: str) -> Path | None:
        """Put a copy of ``latest/CHANGELOG.md`` beside ``latest/``: the whole history at one stable address.

        Written atomically from the verified copy online, never edited in place.
        """
        source = self.latest_dir(dataset) / CHANGELOG
        if not source.is_file():
            return None
        with self._locked(dataset):
            return write_text_atomic(self.dataset_dir(dataset) / CHANGELOG, source.read_text(encoding="utf-8"),
                                     mode=0o644)

    def _replace(self, folder: Path, name: str, source: Path) -> None:
        """Make ``folder/name`` a verified copy of ``source``: a complete copy beside it, then one swap."""
        new = folder / f"{_NEW}{name}"
        if new.exists():
            _remove(new)
        shutil.copytree(source, new, copy_function=_copy_file)
        if verify(new):
            _remove(new)
            raise PublicationError(f"{folder.name}: the copy for {name}/ does not match its checksums "
                                   f"(rule: verify before publishing); {name}/ is unchanged")
        _fsync_folder(new)
        _swap_in(new, folder / name)

    def _prune(self, dataset: str, keep: int | None) -> None:
        if keep is None:
            return
        for name in self.versions(dataset)[:-keep]:
            _remove(self.dataset_dir(dataset) / name)

    @contextmanager
    def _locked(self, dataset: str) -> Iterator[None]:
        """One writer or repairer of a dataset's folder at a time (a lock on the folder itself, nothing written)."""
        handle = os.open(self.dataset_dir(dataset), os.O_RDONLY)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield
        finally:
            os.close(handle)


def _write_sums(folder: Path) -> None:
    """SHA256SUMS of a hidden folder whose every file this run has just written (never of files found online)."""
    sums = {p.name: file_sha256(p) for p in sorted(folder.iterdir()) if p.is_file() and p.name != SUMS}
    write_point("store.sums")
    (folder / SUMS).write_text("".join(f"{digest}  {name}\n" for name, digest in sums.items()), encoding="utf-8")
    os.chmod(folder / SUMS, 0o644)


def _recover(folder: Path) -> None:
    """Put back a folder a crash left missing mid-swap; clear the spare copies of finished swaps."""
    for spare in sorted(p for p in folder.iterdir() if p.name.startswith((_NEW, _OLD)) and p.is_dir()):
        target = folder / spare.name[len(_NEW):]
        if not target.exists():
            # The complete new copy wins (the dated version it copies is already committed); else the old one.
            new, old = folder / f"{_NEW}{target.name}", folder / f"{_OLD}{target.name}"
            source = next((p for p in (new, old) if p.is_dir() and not verify(p)), None)
            if source is not None:
                write_point("store.repair")
                os.rename(source, target)
                _fsync_dir(folder)
        if spare.exists() and target.exists():
            _remove(spare)


def _swap_in(new: Path, target: Path) -> None:
    """Put the complete folder ``new`` at ``target``: one atomic exchange, else two renames."""
    if not target.exists():
        write_point("store.rename")
        os.rename(new, target)
    else:
        write_point("store.exchange")
        if not _exchange(new, target):
            old = target.with_name(f"{_OLD}{target.name}")
            write_point("store.set-aside")
            os.rename(target, old)
            write_point("store.swap-in")
            os.rename(new, target)
            new = old
        _fsync_dir(target.parent)
        _remove(new)  # after an exchange, ``new`` holds the previous folder


def _remove(path: Path) -> None:
    write_point("store.remove")
    shutil.rmtree(path, ignore_errors=True)


def _copy_file(source: str, target: str) -> str:
    write_point("store.copy")
    return shutil.copy2(source, target)


def _fsync_folder(folder: Path) -> None:
    """Flush a folder's files and the folder itself, so a rename never publishes data still in memory."""
    write_point("store.fsync")
    for path in folder.iterdir():
        if path.is_file():
            handle = os.open(path, os.O_RDONLY)
            try:
                os.fsync(handle)
            finally:
                os.close(handle)
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


_libc = ctypes.CDLL(None, use_errno=True)
_renameat2 = getattr(_libc, "renameat2", None)
if _renameat2 is not None:
    _renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
_AT_FDCWD, _RENAME_EXCHANGE = -100, 2


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths' names in one atomic rename (Linux); False where the system or file system cannot."""
    if _renameat2 is None:
        return False
    if _renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(second))


def _version_of(folder: Path) -> str | None:
    """The dated name a folder's ``datapackage.json`` gives itself."""
    try:
        return json.loads((folder / METADATA).read_text(encoding="utf-8")).get("version")
    except (OSError, ValueError, AttributeError):
        return None


def _is_day(name: str) -> bool:
    try:
        dt.date.fromisoformat(name)
    except ValueError:
        return False
    return len(name) == 10

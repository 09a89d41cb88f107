"""Whether the files of a folder of the store are still the bytes it declares: checked, never rewritten.

Each version folder declares its files twice: ``SHA256SUMS`` (every file,
``datapackage.json`` included) and ``datapackage.json`` (size and SHA-256 of
each data and documentation file). ``mismatches`` hashes the bytes on disk and
compares them with both. Nothing here writes a declaration: a checksum is only
ever written, by the store, from bytes that the same run has just written.

An ``Incident`` names a dataset, a folder, a file and what did not match: never
what the file contains.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from resources.common.files import file_sha256

SUMS = "SHA256SUMS"
CHANGELOG = "CHANGELOG.md"  # in each version folder, and beside latest/ for the whole history
METADATA = "datapackage.json"
WHOLE = "(dossier)"  # an incident about a folder rather than one of its files


@dataclass(frozen=True)
class Incident:
    """A file of the store whose bytes did not match what it declares, and what was done about it."""

    dataset: str
    folder: str  # "latest" or the dated version
    file: str
    problem: str
    action: str

    def message(self) -> str:
        return f"{self.dataset}: {self.folder}/{self.file}: {self.problem}; {self.action}"


def read_sums(folder: Path) -> dict[str, str]:
    """The checksums a folder declares in ``SHA256SUMS``: file name -> SHA-256 (a malformed line counts for nothing)."""
    path = folder / SUMS
    if not path.is_file():
        return {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return {}
    pairs = (line.split("  ", 1) for line in lines if "  " in line)
    return {name: digest for digest, name in pairs}


def declared(folder: Path) -> dict[str, tuple[int | None, str | None]] | None:
    """Size and SHA-256 of each file ``datapackage.json`` lists; ``None`` if it cannot be read."""
    path = folder / METADATA
    if not path.is_file():
        return {}
    try:
        package = json.loads(path.read_text(encoding="utf-8"))
        found = {}
        for resource in package.get("resources") or []:
            digest = str(resource.get("hash") or "")
            found[str(resource["path"])] = (resource.get("bytes"),
                                            digest.removeprefix("sha256:") if digest.startswith("sha256:") else None)
        return found
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def mismatches(folder: Path) -> dict[str, str]:
    """File name -> what does not match its declarations (never its content); empty when every byte verifies."""
    if not folder.is_dir():
        return {WHOLE: "absent"}
    sums = read_sums(folder)
    if not sums:
        return {SUMS: "absent, vide ou illisible"}
    found: dict[str, str] = {}
    present = {p.name for p in folder.iterdir() if p.is_file()} - {SUMS}
    for name in sorted(present - set(sums)):
        found[name] = "absent de SHA256SUMS"
    digests: dict[str, str] = {}
    for name, digest in sorted(sums.items()):
        path = folder / name
        if not path.is_file():
            found[name] = "manquant"
            continue
        digests[name] = file_sha256(path)
        if digests[name] != digest:
            found[name] = "SHA-256 différent de SHA256SUMS"
    package = declared(folder)
    if package is None:
        found.setdefault(METADATA, "illisible")
        return found
    for name, (size, digest) in sorted(package.items()):
        path = folder / name
        if not path.is_file():
            found.setdefault(name, "manquant")
        elif size is not None and path.stat().st_size != size:
            found.setdefault(name, "taille différente de datapackage.json")
        elif digest is not None and digests.get(name, file_sha256(path)) != digest:
            found.setdefault(name, "SHA-256 différent de datapackage.json")
    return found


def verify(folder: Path) -> list[str]:
    """Files of a folder whose bytes do not match SHA256SUMS or datapackage.json (or that are missing)."""
    return sorted(mismatches(folder))


def verified_file(folder: Path, name: str) -> bool:
    """Whether one file is present and matches its line of SHA256SUMS (a cheap check for a reader)."""
    digest = read_sums(folder).get(name)
    return digest is not None and (folder / name).is_file() and file_sha256(folder / name) == digest

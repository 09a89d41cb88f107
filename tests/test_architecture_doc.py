"""docs/architecture.md names only files and folders that exist, and every room of the import test."""

from __future__ import annotations

import re
from pathlib import Path

from tests.test_imports import ROOMS

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "architecture.md"
# A path in backquotes: a folder or a file of ours, possibly with <placeholders> standing for a name.
PATH = re.compile(r"`((?:anonymisation|assets|resources|quality|pipelines|config|tests|docs|bench)/[^`\s]*)`")


def named_paths() -> list[str]:
    return sorted(set(PATH.findall(PAGE.read_text(encoding="utf-8"))))


def test_the_page_names_paths() -> None:
    assert len(named_paths()) > 30


def test_every_path_named_exists() -> None:
    missing = []
    for path in named_paths():
        pattern = re.sub(r"<[^>]+>", "*", path).split("#")[0]
        if not any(ROOT.glob(pattern.rstrip("/"))):
            missing.append(path)
    assert not missing, f"docs/architecture.md names paths that do not exist: {missing}"


def test_every_room_of_the_import_test_is_on_the_page() -> None:
    text = PAGE.read_text(encoding="utf-8")
    for room in ROOMS:
        folder = room.replace(".", "/") + "/"
        assert f"`{folder}`" in text, folder

"""The output store: dated versions, a real ``latest/`` copy, unchanged content not re-published, crashes harmless."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from resources.store import OutputStore, read_sums, verify

DAY1, DAY2, DAY3 = dt.date(2026, 11, 1), dt.date(2026, 11, 2), dt.date(2026, 11, 3)
DATA = ("d.csv",)


def _publish(store: OutputStore, content: str, day: dt.date, **kwargs) -> object:
    with store.prepare("d") as folder:
        (folder / "d.csv").write_text(content, encoding="utf-8")
        (folder / "datapackage.json").write_text(json.dumps({"version": day.isoformat(), "x_opendata": {}}), encoding="utf-8")
        return store.commit("d", folder, day, data_files=DATA, **kwargs)


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_version_is_dated_checksummed_and_copied_to_latest(tmp_path: Path) -> None:
    store = OutputStore(root=str(tmp_path))
    commit = _publish(store, "a\n1\n", DAY1)
    assert commit.changed and commit.version == "2026-11-01"
    latest = tmp_path / "d" / "latest"
    assert latest.is_dir() and not latest.is_symlink()
    assert _tree(latest) == _tree(tmp_path / "d" / "2026-11-01")
    assert set(read_sums(latest)) == {"d.csv", "datapackage.json"} and verify(latest) == []
    assert [p.name for p in (tmp_path / "d").iterdir() if p.name.startswith(".")] == []


def test_unchanged_data_write_no_new_version_but_record_the_check(tmp_path: Path) -> None:
    store = OutputStore(root=str(tmp_path))
    _publish(store, "a\n1\n", DAY1)
    commit = _publish(store, "a\n1\n", DAY2)
    assert not commit.changed and commit.version == "2026-11-01"
    store.record_check("d", DAY2)
    assert store.versions("d") == ["2026-11-01"]
    for folder in ("latest", "2026-11-01"):
        package = json.loads((tmp_path / "d" / folder / "datapackage.json").read_text(encoding="utf-8"))
        assert package["x_opendata"]["last_checked"] == "2026-11-02"
        assert verify(tmp_path / "d" / folder) == []


def test_a_same_day_rerun_replaces_that_day_only_and_history_is_kept(tmp_path: Path) -> None:
    store = OutputStore(root=str(tmp_path))
    _publish(store, "a\n1\n", DAY1)
    _publish(store, "a\n2\n", DAY2)
    first = _tree(tmp_path / "d" / "2026-11-01")
    _publish(store, "a\n3\n", DAY2)
    assert store.versions("d") == ["2026-11-01", "2026-11-02"]
    assert _tree(tmp_path / "d" / "2026-11-01") == first
    assert (tmp_path / "d" / "latest" / "d.csv").read_text(encoding="utf-8") == "a\n3\n"


@pytest.mark.parametrize(("retention", "nominative", "kept"), [(None, False, 3), (2, False, 2), (None, True, 1)])
def test_retention_and_nominative_datasets(tmp_path: Path, retention: int | None, nominative: bool, kept: int) -> None:
    store = OutputStore(root=str(tmp_path), retention=retention)
    for n, day in enumerate((DAY1, DAY2, DAY3)):
        _publish(store, f"a\n{n}\n", day, nominative=nominative)
    assert store.versions("d") == ["2026-11-01", "2026-11-02", "2026-11-03"][-kept:]
    assert store.latest_version("d") == "2026-11-03"


CRASH = textwrap.dedent("""
    import datetime as dt, json, os, signal, sys
    import resources.store as store_module
    from resources.store import OutputStore

    target = sys.argv[2]
    real_rename = os.rename

    def crashing_rename(src, dst):
        # A crash (SIGKILL: no cleanup runs) right where the test says.
        if os.path.basename(str(dst)) == target or (target == "after-set-aside" and ".old-latest" in str(dst)):
            if target == "after-set-aside":
                real_rename(src, dst)
            os.kill(os.getpid(), signal.SIGKILL)
        real_rename(src, dst)

    store_module.os.rename = crashing_rename
    store = OutputStore(root=sys.argv[1])
    with store.prepare("d") as folder:
        (folder / "d.csv").write_text("a\\n2\\n", encoding="utf-8")
        (folder / "datapackage.json").write_text(json.dumps({"version": "2026-11-02"}), encoding="utf-8")
        store.commit("d", folder, dt.date(2026, 11, 2), data_files=("d.csv",))
""")


@pytest.mark.parametrize("where", ["2026-11-02", "latest", "after-set-aside"],
                         ids=["before_the_version_rename", "before_the_latest_swap", "between_the_two_renames"])
def test_a_crash_midway_leaves_latest_at_the_previous_complete_version(tmp_path: Path, where: str) -> None:
    store = OutputStore(root=str(tmp_path))
    _publish(store, "a\n1\n", DAY1)
    before = _tree(tmp_path / "d" / "latest")
    done = subprocess.run([sys.executable, "-c", CRASH, str(tmp_path), where], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[2], timeout=120)
    assert done.returncode == -9, done.stderr[-2000:]  # killed, as planned
    assert _tree(store.latest_dir("d")) == before  # repaired if the crash struck between the two renames
    assert verify(store.latest_dir("d")) == []
    _publish(store, "a\n3\n", DAY3)  # the next run clears what the crash left behind
    assert [p.name for p in (tmp_path / "d").iterdir() if p.name.startswith(".")] == []
    assert (tmp_path / "d" / "latest" / "d.csv").read_text(encoding="utf-8") == "a\n3\n"


def test_verify_names_a_file_whose_bytes_no_longer_match_its_checksum(tmp_path: Path) -> None:
    store = OutputStore(root=str(tmp_path))
    _publish(store, "a\n1\n", DAY1)
    latest = store.latest_dir("d")
    (latest / "d.csv").write_text("a\n9\n", encoding="utf-8")
    assert verify(latest) == ["d.csv"]

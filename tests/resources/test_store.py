"""The output store: dated versions, a real ``latest/`` copy, unchanged content not re-published, bytes verified."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from resources.publishing.crashpoints import CRASH_EXIT, WRITE_POINTS
from resources.publishing.integrity import read_sums, verify
from resources.store import OutputStore

DAY1, DAY2, DAY3 = dt.date(2026, 11, 1), dt.date(2026, 11, 2), dt.date(2026, 11, 3)
ROOT = Path(__file__).resolve().parents[2]


def _publish(store: OutputStore, content: str, day: dt.date, **kwargs) -> object:
    with store.prepare("d") as folder:
        (folder / "d.csv").write_text(content, encoding="utf-8")
        size = (folder / "d.csv").stat().st_size
        package = {"version": day.isoformat(), "x_opendata": {"content_digest": content},
                   "resources": [{"path": "d.csv", "bytes": size}]}
        (folder / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
        return store.commit("d", folder, day, **kwargs)


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


def test_unchanged_content_is_recognised_without_writing_anything(tmp_path: Path) -> None:
    store = OutputStore(root=str(tmp_path))
    _publish(store, "a\n1\n", DAY1)
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")}
    same = store.unchanged("d", "a\n1\n")
    assert same is not None and not same.changed and same.version == "2026-11-01"
    assert store.unchanged("d", "a\n2\n") is None
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")} == before


def test_unchanged_is_never_answered_from_a_corrupted_latest(tmp_path: Path) -> None:
    store = OutputStore(root=str(tmp_path))
    _publish(store, "a\n1\n", DAY1)
    (tmp_path / "d" / "latest" / "d.csv").write_text("a\n7\n", encoding="utf-8")
    assert store.unchanged("d", "a\n1\n") is None


def test_a_same_day_rerun_replaces_that_day_only_and_history_is_kept(tmp_path: Path) -> None:
    store = OutputStore(root=str(tmp_path))
    _publish(store, "a\n1\n", DAY1)
    _publish(store, "a\n2\n", DAY2)
    first = _tree(tmp_path / "d" / "2026-11-01")
    _publish(store, "a\n3\n", DAY2)
    assert store.versions("d") == ["2026-11-01", "2026-11-02"]
    assert _tree(tmp_path / "d" / "2026-11-01") == first
    assert (tmp_path / "d" / "latest" / "d.csv").read_text(encoding="utf-8") == "a\n3\n"
    assert (tmp_path / "d" / "2026-11-02" / "d.csv").read_text(encoding="utf-8") == "a\n3\n"
    assert [p.name for p in (tmp_path / "d").iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize(("retention", "nominative", "kept"), [(None, False, 3), (2, False, 2), (None, True, 1)])
def test_retention_and_nominative_datasets(tmp_path: Path, retention: int | None, nominative: bool, kept: int) -> None:
    store = OutputStore(root=str(tmp_path), retention=retention)
    for n, day in enumerate((DAY1, DAY2, DAY3)):
        _publish(store, f"a\n{n}\n", day, nominative=nominative)
    assert store.versions("d") == ["2026-11-01", "2026-11-02", "2026-11-03"][-kept:]
    assert store.latest_version("d") == "2026-11-03"


def test_verify_compares_bytes_with_sha256sums_and_with_datapackage(tmp_path: Path) -> None:
    store = OutputStore(root=str(tmp_path))
    _publish(store, "a\n1\n", DAY1)
    latest = tmp_path / "d" / "latest"
    (latest / "d.csv").write_text("a\n9\n", encoding="utf-8")
    assert verify(latest) == ["d.csv"]
    # Checksums rewritten from the corrupted bytes: datapackage.json still tells (same size, so its hash would).
    (latest / "d.csv").write_text("a\n19\n", encoding="utf-8")
    sums = read_sums(latest) | {"d.csv": __import__("hashlib").sha256(b"a\n19\n").hexdigest()}
    (latest / "SHA256SUMS").write_text("".join(f"{v}  {k}\n" for k, v in sums.items()), encoding="utf-8")
    assert verify(latest) == ["d.csv"]
    (latest / "SHA256SUMS").unlink()
    assert verify(latest) == ["SHA256SUMS"]


def test_check_restores_latest_from_the_dated_version_and_reports_it(tmp_path: Path) -> None:
    store = OutputStore(root=str(tmp_path))
    _publish(store, "a\n1\n", DAY1)
    good = _tree(tmp_path / "d" / "2026-11-01")
    (tmp_path / "d" / "latest" / "d.csv").write_text("a\n7\n", encoding="utf-8")
    check = store.check("d")
    assert [(i.folder, i.file) for i in check.incidents] == [("latest", "d.csv")] and not check.republish
    assert "a\n7" not in repr(check.incidents)  # names and reasons, never contents
    assert _tree(tmp_path / "d" / "latest") == good and store.check("d").incidents == []


def test_check_restores_the_dated_version_from_latest(tmp_path: Path) -> None:
    store = OutputStore(root=str(tmp_path))
    _publish(store, "a\n1\n", DAY1)
    (tmp_path / "d" / "2026-11-01" / "d.csv").unlink()
    check = store.check("d")
    assert [(i.folder, i.file, i.problem) for i in check.incidents] == [("2026-11-01", "d.csv", "manquant")]
    assert _tree(tmp_path / "d" / "2026-11-01") == _tree(tmp_path / "d" / "latest") and verify(tmp_path / "d" / "2026-11-01") == []


def test_a_file_bad_in_both_copies_asks_for_a_republication(tmp_path: Path) -> None:
    store = OutputStore(root=str(tmp_path))
    _publish(store, "a\n1\n", DAY1)
    for folder in ("latest", "2026-11-01"):
        (tmp_path / "d" / folder / "d.csv").write_text("a\n8\n", encoding="utf-8")
    check = store.check("d")
    assert check.republish and {i.folder for i in check.incidents} == {"latest", "2026-11-01"}
    assert store.unchanged("d", "a\n1\n") is None  # so the candidate is written again
    _publish(store, "a\n1\n", DAY2)
    assert store.check("d").incidents == []


def test_latest_left_behind_by_a_crash_is_brought_to_the_newest_version(tmp_path: Path) -> None:
    store = OutputStore(root=str(tmp_path))
    _publish(store, "a\n1\n", DAY1)
    _publish(store, "a\n2\n", DAY2)
    # As a crash between the day's rename and the latest/ swap leaves it.
    (tmp_path / "d" / "latest").rename(tmp_path / "d" / "gone")
    (tmp_path / "d" / "2026-11-01").rename(tmp_path / "d" / "latest")
    (tmp_path / "d" / "gone").rename(tmp_path / "d" / "2026-11-01")
    check = store.check("d")
    assert [(i.folder, i.file) for i in check.incidents] == [("latest", "(dossier)")]
    assert _tree(tmp_path / "d" / "latest") == _tree(tmp_path / "d" / "2026-11-02")


def drive(payload: str, seed: Path, work: Path, mode: str, args: dict | None = None) -> dict:
    """Kill ``payload`` at each write point it reaches, in turn (tests/resources/crash_driver.py)."""
    work.mkdir()
    done = subprocess.run([sys.executable, "-m", "tests.resources.crash_driver", payload, str(seed), str(work), mode,
                           json.dumps(args or {})], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.parametrize("mode", ["exchange", "no-exchange"])
def test_a_kill_at_every_write_of_a_commit_leaves_a_complete_version_online(tmp_path: Path, mode: str) -> None:
    seed = tmp_path / "seed"
    _publish(OutputStore(root=str(seed)), "a\n1\n", DAY1)
    result = drive("tiny_commit", seed, tmp_path / "work", mode)
    assert result["traced_exit"] == 0 and set(result["points"]) <= set(WRITE_POINTS)
    assert len(result["cases"]) == len(result["points"]) >= 8
    old, new = b"a\n1\n", b"a\n2\n"
    for case in result["cases"]:
        where = (case["point"], case["nth"])
        assert case["exit"] == CRASH_EXIT, where
        root = Path(case["case"])
        store, latest = OutputStore(root=str(root)), root / "d" / "latest"
        if mode == "exchange":  # a reader never finds latest/ missing or half-written, even before any repair
            assert verify(latest) == [] and (latest / "d.csv").read_bytes() in (old, new), where
        assert verify(store.latest_dir("d")) == [], where
        assert (store.latest_dir("d") / "d.csv").read_bytes() in (old, new), where
        assert all(verify(root / "d" / day) == [] for day in store.versions("d")), where
        _publish(store, "a\n3\n", DAY3)  # the next run clears what the crash left behind
        assert [p.name for p in (root / "d").iterdir() if p.name.startswith(".")] == [], where
        assert store.check("d").incidents == [], where

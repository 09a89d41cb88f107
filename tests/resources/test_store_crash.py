"""The store under faults, on a real demo publication: every write killed in turn, a corrupted file, two crash windows.

Each test copies the session's clean demo (tests/conftest.py) and runs the real
publication code (``assets.published``) on one dataset, `effectifs_personnels`.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from anonymisation.policy import load_catalogue
from assets.anonymised import _previous
from pipelines.definitions import build_definitions
from pipelines.steward import build_steward_page
from resources.candidates import CandidateArea
from resources.common.institution import load_institution
from resources.publishing.crashpoints import CRASH_EXIT, WRITE_POINTS
from resources.publishing.integrity import verify
from resources.store import OutputStore
from tests.quality.conftest import DemoRun
from tests.resources.test_store import ROOT, drive

DATASET = "effectifs_personnels"
TODAY = dt.date.today()
TOMORROW = TODAY + dt.timedelta(days=1)


def _home(run: DemoRun, target: Path) -> Path:
    shutil.copytree(run.home, target, symlinks=True)
    return target


def _candidates(home: Path) -> tuple[Path, Path]:
    """The checked candidate online today, and a changed one (its last row dropped) for a new version."""
    old = CandidateArea(root=str(home / "demo" / "candidates"), reports=str(home / "demo" / "reports")).latest(DATASET)
    assert old is not None
    new = home / f"{DATASET}-changed.parquet"
    frame = pd.read_parquet(old)
    frame.iloc[:-1].to_parquet(new, index=False)
    return old, new


def _store_of(home: Path, target: Path) -> Path:
    """A store holding only the dataset (what the crash cases copy)."""
    shutil.copytree(home / "demo" / "store" / DATASET, target / DATASET)
    return target


def _reader_sees_a_whole_version(folder: Path, frames: tuple[pd.DataFrame, ...]) -> None:
    assert verify(folder) == [], folder
    frame = pd.read_parquet(folder / f"{DATASET}.parquet")
    assert any(frame.equals(f) for f in frames)


def test_a_kill_at_every_write_point_leaves_old_or_new_and_the_next_anonymisation_finds_it(
        clean_demo: DemoRun, tmp_path: Path) -> None:
    home = _home(clean_demo, tmp_path / "home")
    old, new = _candidates(home)
    frames = (pd.read_parquet(old), pd.read_parquet(new))
    args = {"dataset": DATASET, "candidate": str(new), "day": TOMORROW.isoformat(),
            "reports": str(home / "demo" / "reports"), "home": str(home)}
    seed, reached = _store_of(home, tmp_path / "seed"), set()
    runs = {mode: drive("demo_publish", seed, tmp_path / mode, mode, args)
            for mode in ("exchange", "no-exchange")}
    # The next run after a kill between the two renames: it starts by finishing that swap.
    between = next(c for c in runs["no-exchange"]["cases"] if c["point"] == "store.swap-in")
    runs["after-a-kill"] = drive("demo_publish", Path(between["case"]), tmp_path / "after", "no-exchange", args)
    for mode, result in runs.items():
        assert result["traced_exit"] == 0, mode
        reached |= set(result["points"])
        for case in result["cases"]:
            where = (mode, case["point"], case["nth"])
            assert case["exit"] == CRASH_EXIT, where
            root = Path(case["case"])
            if mode == "exchange":  # before any repair, as the web server reads it
                _reader_sees_a_whole_version(root / DATASET / "latest", frames)
            store = OutputStore(root=str(root))
            previous = _previous(OutputStore(root=str(root)), DATASET)  # what the next run's anonymisation reads first
            assert previous is not None and any(previous.equals(f) for f in frames), where
            _reader_sees_a_whole_version(root / DATASET / "latest", frames)
            assert all(verify(root / DATASET / day) == [] for day in store.versions(DATASET)), where
    assert reached == set(WRITE_POINTS)  # every write point of the store was killed at least once


def test_one_digit_changed_in_latest_is_restored_reported_and_never_certified(
        clean_demo: DemoRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = _home(clean_demo, tmp_path / "home")
    store = home / "demo" / "store" / DATASET
    csv = store / "latest" / f"{DATASET}.csv"
    good = csv.read_bytes()
    lines = good.decode("utf-8").splitlines(keepends=True)
    row = next(i for i, line in enumerate(lines[1:], start=1) if any(ch.isdigit() for ch in line))
    digit = next(i for i, ch in enumerate(lines[row]) if ch.isdigit())
    changed = lines[row][:digit] + str((int(lines[row][digit]) + 1) % 10) + lines[row][digit + 1:]
    csv.write_bytes("".join([*lines[:row], changed, *lines[row + 1:]]).encode("utf-8"))
    monkeypatch.setenv("OPENDATA_HOME", str(home))
    defs = build_definitions(load_institution("demo"))
    asset = next(a for a in defs.assets if isinstance(a, dg.AssetsDefinition) and a.key.path[1:] == ["open", DATASET])
    assert dg.materialize([asset], resources=defs.resources, raise_on_error=False).success
    assert csv.read_bytes() == good == (store / TODAY.isoformat() / csv.name).read_bytes()  # restored, not certified
    assert verify(store / "latest") == [] and verify(store / TODAY.isoformat()) == []
    incidents = json.loads((home / "demo" / "reports" / TODAY.isoformat() / "incidents" / f"{DATASET}.json").read_text())
    assert [(i["folder"], i["file"]) for i in incidents] == [("latest", csv.name)]
    page = build_steward_page(home / "demo" / "reports", load_catalogue()).read_text(encoding="utf-8")  # once the run is over
    assert "Incidents d'intégrité" in page and f"latest/{csv.name}" in page
    alerts = [json.loads(x) for x in (home / "demo" / "alerts" / "alerts.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [a["tags"]["dataset"] for a in alerts if a["error_class"] == "IntegrityIncident"] == [DATASET]
    written = [page, json.dumps(incidents), json.dumps(alerts)]
    assert not any(changed.strip() in text or lines[row].strip() in text for text in written)  # never a content


KILL = textwrap.dedent("""
    import datetime as dt, os, sys, json
    from pathlib import Path
    from anonymisation.policy import load_catalogue
    from assets.published import publish
    from pipelines.definitions import producer
    from resources.common.institution import load_institution
    import resources.publishing.store_folders as store_module
    from resources.store import OutputStore

    home, dataset, candidate, day, when = sys.argv[1:6]
    store_module._renameat2 = None  # where the file system cannot exchange two folders
    real_replace, real_rename = os.replace, os.rename

    def killing(real):
        def call(src, dst, *a, **k):
            name, parent = os.path.basename(str(dst)), os.path.basename(os.path.dirname(str(dst)))
            if when == "sums" and name == "SHA256SUMS" and not parent.startswith("."):
                os.kill(os.getpid(), 9)  # SHA256SUMS of a folder online about to be rewritten
            real(src, dst, *a, **k)
            if when == "swap" and name.startswith(".old-latest"):
                os.kill(os.getpid(), 9)  # latest/ set aside, the new copy not yet in place
        return call

    os.replace, os.rename = killing(real_replace), killing(real_rename)
    publish(load_catalogue()[dataset], Path(candidate), OutputStore(root=f"{home}/demo/store"),
            producer(load_institution("demo")), Path(f"{home}/demo/reports"), dt.date.fromisoformat(day))
""")


def _kill(home: Path, candidate: Path, day: dt.date, when: str) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "OPENDATA_HOME": str(home)}
    return subprocess.run([sys.executable, "-c", KILL, str(home), DATASET, str(candidate), day.isoformat(), when],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)


def test_an_unchanged_night_killed_around_sha256sums_leaves_no_mismatch(clean_demo: DemoRun, tmp_path: Path) -> None:
    home = _home(clean_demo, tmp_path / "home")
    old, _ = _candidates(home)
    store = home / "demo" / "store" / DATASET
    before = {p: p.read_bytes() for p in store.rglob("*") if p.is_file()}
    done = _kill(home, old, TODAY, "sums")
    assert done.returncode in (0, -9), done.stderr[-2000:]
    assert verify(store / "latest") == [] and verify(store / TODAY.isoformat()) == []
    assert {p: p.read_bytes() for p in store.rglob("*") if p.is_file()} == before  # unchanged: nothing written


def test_a_kill_between_the_two_renames_leaves_the_previous_version_to_the_next_anonymisation(
        clean_demo: DemoRun, tmp_path: Path) -> None:
    home = _home(clean_demo, tmp_path / "home")
    old, new = _candidates(home)
    done = _kill(home, new, TOMORROW, "swap")
    assert done.returncode == -9, done.stderr[-2000:]
    previous = _previous(OutputStore(root=str(home / "demo" / "store")), DATASET)
    assert previous is not None
    assert previous.equals(pd.read_parquet(old)) or previous.equals(pd.read_parquet(new))
    assert verify(home / "demo" / "store" / DATASET / "latest") == []

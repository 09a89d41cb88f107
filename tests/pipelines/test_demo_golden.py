"""The demo publishes the same bytes as the snapshot taken before a refactor.

A refactor (rooms, kinds, the way the night runs) must not change a single
published figure. The demo is run as a user runs it, `opendata demo`, with
the clock of its processes set to a fixed day by Debian's libfaketime (the
synthetic sources, the years covered and the version's day all follow the
date). Every data file of `latest/` (CSV, Parquet, DECP JSON) must have the
snapshot's SHA-256, and every Table Schema in `datapackage.json` the same
content; the rest of the metadata (creation time, policy hashes, README)
may change with the code.

A change that is meant to change the published data regenerates the
snapshot, and the diff of `tests/pipelines/snapshots/demo_files.json` shows
which files changed:

    OPENDATA_UPDATE_SNAPSHOT=1 .venv/bin/python -m pytest -q tests/pipelines/test_demo_golden.py
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from tests.quality.conftest import run_opendata

SNAPSHOT = Path(__file__).parent / "snapshots" / "demo_files.json"
FAKETIME = Path("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1")  # Debian's faketime, installed by .ci/run
DAY = "2026-11-02 04:00:00"  # the clock starts there and runs: the demo takes minutes
DATA = {".csv", ".parquet", ".json"}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def published(store: Path) -> dict[str, str]:
    """SHA-256 of every data file and of every Table Schema of the store's `latest/` folders."""
    out = {}
    for latest in sorted(store.glob("*/latest")):
        for path in sorted(latest.iterdir()):
            name = f"{latest.parent.name}/{path.name}"
            if path.suffix in DATA and path.name != "datapackage.json":
                out[name] = _sha256(path)
            elif path.name == "datapackage.json":
                package = json.loads(path.read_text(encoding="utf-8"))
                for resource in package["resources"]:
                    if "schema" in resource:
                        schema = json.dumps(resource["schema"], sort_keys=True, ensure_ascii=False)
                        out[f"{name}#{resource['name']}.schema"] = hashlib.sha256(schema.encode()).hexdigest()
    return out


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    if not FAKETIME.exists():
        pytest.fail(f"{FAKETIME} is missing: install Debian's faketime package (.ci/run does)")
    home = tmp_path_factory.mktemp("golden-home")
    done = run_opendata(["demo", "--years", "2"], home, COLUMNS="400", FAKETIME=f"@{DAY}",
                        LD_PRELOAD=str(FAKETIME))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert f"new version(s) {DAY[:10]}" in done.stdout, "the clock was not set: the versions are not of the fixed day"
    return published(home / "demo" / "store")


def test_the_demo_publishes_the_snapshots_bytes(demo_files: dict[str, str]) -> None:
    if os.environ.get("OPENDATA_UPDATE_SNAPSHOT") == "1":
        SNAPSHOT.write_text(json.dumps({"day": DAY, "files": demo_files}, indent=1, sort_keys=True) + "\n",
                            encoding="utf-8")
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))["files"]
    assert sorted(demo_files) == sorted(expected), "files published differ from the snapshot's"
    changed = sorted(name for name, digest in demo_files.items() if expected[name] != digest)
    assert not changed, f"published bytes changed: {changed}"


def test_the_snapshot_covers_every_published_dataset(demo_files: dict[str, str]) -> None:
    """A data file of each of the demo's datasets, and a schema for each: the comparison cannot pass on nothing."""
    datasets = {name.split("/")[0] for name in demo_files}
    assert len(datasets) >= 11
    for dataset in datasets:
        assert any(n.startswith(f"{dataset}/{dataset}.csv") for n in demo_files), dataset
        assert any(n.endswith(".schema") and n.startswith(f"{dataset}/") for n in demo_files), dataset

"""`opendata` as a user runs it: a real subprocess on a fresh working folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from anonymisation.policy import load_catalogue
from assets.candidate_checks import needs_secrecy_check
from resources.common.institution import SYSTEMS, config_dir, project_root
from resources.sourcing.contracts import load_contract

OPENDATA = str(Path(sys.executable).parent / "opendata")


def _run(args: list[str], home: Path, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("OPENDATA_", "DAGSTER_"))}
    environ.update({"OPENDATA_HOME": str(home), **env})
    return subprocess.run([OPENDATA, *args], cwd=project_root(), env=environ, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    home = tmp_path_factory.mktemp("home")
    return home, _run(["demo"], home)  # exactly what `make demo` runs (default: the last 4 years)


def test_demo_builds_sources_and_extracts_every_table(demo_home) -> None:
    home, done = demo_home
    assert done.returncode == 0, done.stderr[-3000:]
    staging = home / "demo" / "staging"
    assert str(staging) in done.stdout.replace("\n", "")
    catalogue = load_catalogue()
    # The leak guard and the open-data suite on every dataset, the disclosure audit on aggregates and related ones.
    blocking = 2 * len(catalogue) + sum(needs_secrecy_check(p, catalogue) for p in catalogue.values())
    assert f"Blocking checks: {blocking} passed, 0 failed" in done.stdout
    for system in SYSTEMS:
        assert (home / "demo" / "sources" / f"{system}.sqlite").is_file()
        for name, table in load_contract(config_dir() / "contracts" / "default", system).tables.items():
            folder = staging / system / name
            if not table.extracted_columns:
                assert not folder.exists()  # never read: data minimisation
                continue
            files = sorted(folder.rglob("data.parquet"))
            assert files, f"{system}.{name} not staged"
            assert pq.read_schema(files[-1]).equals(table.arrow_schema())
            if table.partition is not None:
                assert len({p.parent.parent.name for p in files}) == 4  # default --years 4
    assert (home / ".dagster").is_dir()  # the runs are visible to `dagster dev`


def test_second_demo_reuses_the_sources(demo_home) -> None:
    home, _ = demo_home
    before = {p: p.stat().st_mtime_ns for p in (home / "demo" / "sources").glob("*.sqlite")}
    done = _run(["demo", "--years", "1"], home)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Generating" not in done.stdout
    assert before == {p: p.stat().st_mtime_ns for p in (home / "demo" / "sources").glob("*.sqlite")}


# With HR down, only what is built from HR is held back: the budget (its lines are checked against HR's
# structures, and a payroll against HR's agents), the staff tables, the pay indicators, and the register of
# documents, which waits for every dataset.
HR_DATASETS = {"annuaire", "effectifs_personnels", "effectifs_personnels_age", "effectifs_personnels_composantes",
               "tableau_avancement", "structures", "execution_budgetaire", "hautes_remunerations",
               "index_egalite_professionnelle", "indicateurs_egalite_chances_responsables", "repertoire_documents"}


def held_back(stdout: str) -> dict[str, str]:
    """The summary's held-back datasets and their reasons."""
    return dict(line.split("held back: ", 1)[1].split(": ", 1) for line in stdout.splitlines()
                if line.startswith("  held back: "))


def test_hr_down_holds_back_hr_datasets_only_and_prints_the_summary(demo_home) -> None:
    home, _ = demo_home
    store = home / "demo" / "store"
    online = {p.name for p in store.iterdir() if (p / "latest").is_dir()}
    done = _run(["demo", "--years", "1"], home, COLUMNS="400",
                OPENDATA_HR_URL="postgresql+psycopg://reader:Zx9-secret@127.0.0.1:1/siham")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "Zx9-secret" not in done.stdout + done.stderr
    assert done.stderr.strip().splitlines() == [
        f"error: {len(HR_DATASETS)} dataset(s) held back (see 'held back' above); the others were published"]
    reasons = held_back(done.stdout)
    assert set(reasons) == HR_DATASETS, done.stdout[-3000:]
    assert all(r.startswith("hr source database is unreachable at postgresql+psycopg://reader:***@127.0.0.1:1/")
               for r in reasons.values())
    # The students' and the other finance datasets went through their checks and were published (unchanged data).
    others = online - HR_DATASETS
    assert {"effectifs_etudiants", "marches_publics", "subventions"} <= others
    assert f"Published: 0 new version(s), {len(others)} unchanged (version online kept)" in done.stdout
    assert f"Held back: {len(HR_DATASETS)} dataset(s)" in done.stdout
    assert "Blocking checks: " in done.stdout and " 0 failed" in done.stdout


def test_unreachable_source_fails_in_one_line_without_password(tmp_path: Path) -> None:
    """On a fresh home nothing was ever staged: every dataset waits for HR (the leak guard reads its persons)."""
    done = _run(["demo", "--years", "1"], tmp_path, OPENDATA_HR_URL="postgresql+psycopg://reader:Zx9-secret@127.0.0.1:1/siham")
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "held back" in lines[0], done.stderr
    assert "hr source database is unreachable" in done.stdout
    assert not (tmp_path / "demo" / "store" / "annuaire").exists()
    assert "Zx9-secret" not in done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_generate_refuses_a_bad_date_in_one_line(tmp_path: Path) -> None:
    done = _run(["generate", "--system", "hr", "--url", f"sqlite:///{tmp_path}/x.sqlite", "--as-of", "22/11/2026"], tmp_path)
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == ["error: --as-of must be a date YYYY-MM-DD, not '22/11/2026'"]


def test_every_command_documents_itself(tmp_path: Path) -> None:
    for args in (["--help"], ["demo", "--help"], ["generate", "--help"]):
        done = _run(args, tmp_path)
        assert done.returncode == 0 and "Usage:" in done.stdout
    assert "--scale" in _run(["generate", "--help"], tmp_path).stdout

"""`opendata correction add|review|list`, run in-process on the demo institution with a fresh home."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from pipelines.cli import main
from quality.corrections_ledger import record_corrections
from resources.sourcing.correcting import GONE, Applied, CorrectionOutcome, Stale

TODAY = dt.date.today()
UAI = ["--table", "hr.structures", "--column", "uai", "--key", "code_structure=C042", "--expected-empty",
       "--proposed", "0759000A", "--source", "https://www.data.gouv.fr/fr/datasets/structures/#/discussions/77"]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("OPENDATA_INSTITUTION", "OPENDATA_CONFIG_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPENDATA_HOME", str(tmp_path))
    return tmp_path


def _run(*args: str) -> Result:
    return CliRunner().invoke(main, ["correction", *args])


def test_add_review_list(home: Path) -> None:
    added = _run("add", *UAI, "--reported-on", "2026-05-12")
    assert added.exit_code == 0, added.output
    path = home / "demo" / "corrections" / "20260512-structures-uai.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert raw == {"id": "20260512-structures-uai", "table": "hr.structures", "column": "uai",
                   "key": {"code_structure": "C042"}, "expected": None, "proposed": "0759000A",
                   "source": UAI[-1], "reported_on": "2026-05-12", "status": "proposée", "reviewer": None,
                   "reviewed_on": None}
    listed = _run("list")
    assert "20260512-structures-uai  proposée  hr.structures.uai" in listed.output and "awaiting review" in listed.output
    reviewed = _run("review", "20260512-structures-uai", "--reviewer", "Intendante des données", "--date", "2026-05-13")
    assert reviewed.exit_code == 0, reviewed.output
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert (raw["status"], raw["reviewer"], raw["reviewed_on"]) == ("validée", "Intendante des données", "2026-05-13")
    assert "last run: not met" in _run("list").output
    # A second report of the same column the same day gets its own file.
    assert _run("add", *UAI, "--reported-on", "2026-05-12").exit_code == 0
    assert (home / "demo" / "corrections" / "20260512-structures-uai-2.yaml").is_file()


def test_list_tells_what_the_last_run_did(home: Path) -> None:
    assert _run("add", *UAI, "--id", "uai-c042").exit_code == 0
    assert _run("add", *UAI, "--id", "uai-c043").exit_code == 0
    outcome = CorrectionOutcome("hr.structures", [Applied("uai-c042", "hr.structures", "uai", 1, "résumé")],
                                [Stale("uai-c043", "hr.structures", "uai", GONE)])
    record_corrections(home / "demo" / "reports", TODAY, outcome, ["structures"])
    lines = {line.split()[0]: line for line in _run("list").output.splitlines()}
    assert f"last run ({TODAY}): applied to 1 row(s)" in lines["uai-c042"]
    assert f"last run ({TODAY}): stale, {GONE}" in lines["uai-c043"]


@pytest.mark.parametrize(("args", "rule"), [
    (["--table", "hr.structures", "--column", "libelle", "--key", "code_structure=C042"], "non-personal column"),
    (["--table", "hr.agents", "--column", "email_pro", "--key", "matricule=A0001"], "non-personal column"),
    (["--table", "students.etudiants", "--column", "sexe", "--key", "numero_etudiant=1"], "non-personal column"),
    (["--table", "hr.structures", "--column", "code_structure", "--key", "code_structure=C042"], "not a key"),
])
def test_add_refuses_a_personal_column_or_a_key_and_writes_nothing(home: Path, args: list[str], rule: str) -> None:
    refused = _run("add", *args, "--expected", "Dupont", "--proposed", "Durand", "--source", "ticket 12")
    assert refused.exit_code == 1
    table, column = args[1], args[3]
    assert f"error: {table}.{column}: correction" in refused.output and f"(rule: correction {rule})" in refused.output
    assert "Dupont" not in refused.output and "Durand" not in refused.output
    folder = home / "demo" / "corrections"
    assert not folder.exists() or not list(folder.glob("*.yaml"))


def test_review_refuses_a_file_edited_by_hand_onto_a_personal_column(home: Path) -> None:
    assert _run("add", *UAI, "--id", "uai-c042").exit_code == 0
    path = home / "demo" / "corrections" / "uai-c042.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    path.write_text(yaml.safe_dump({**raw, "column": "libelle"}, allow_unicode=True), encoding="utf-8")
    refused = _run("review", "uai-c042", "--reviewer", "Intendante")
    assert refused.exit_code == 1
    assert "hr.structures.libelle: correction 'uai-c042' refused" in refused.output
    assert "(rule: correction non-personal column)" in refused.output
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["status"] == "proposée"


def test_add_needs_the_current_value_and_refuses_an_email_as_the_source(home: Path) -> None:
    assert "--expected-empty" in _run("add", *[a for a in UAI if a != "--expected-empty"]).output
    by_mail = [*UAI[:-1], "courriel de jeanne.martin@example.org"]
    refused = _run("add", *by_mail)
    assert refused.exit_code == 1 and "(rule: correction source)" in refused.output
    assert "jeanne.martin" not in refused.output


def test_the_corrections_folder_is_configurable_beside_the_configuration(home: Path, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config"
    (config / "institutions").mkdir(parents=True)
    demo = Path(__file__).resolve().parents[2] / "config"
    text = (demo / "institutions" / "demo.yaml").read_text(encoding="utf-8")
    (config / "institutions" / "demo.yaml").write_text(text + "corrections: corrections/demo\n", encoding="utf-8")
    (config / "contracts").symlink_to(demo / "contracts")
    monkeypatch.setenv("OPENDATA_CONFIG_DIR", str(config))
    assert _run("add", *UAI, "--id", "uai-c042").exit_code == 0
    assert (config / "corrections" / "demo" / "uai-c042.yaml").is_file()

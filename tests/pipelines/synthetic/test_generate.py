"""generate(): tables created and filled, deterministic, years up to as_of, replace semantics."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from pipelines.synthetic.generate import SourceTablesExistError, generate
from pipelines.synthetic.schema import METADATA, SYSTEMS
from tests.pipelines.synthetic.conftest import AS_OF, SEED, Generated, dump

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("system", SYSTEMS)
def test_every_table_created_and_filled(system: str, sources: dict[str, Generated]) -> None:
    generated = sources[system]
    assert set(generated.counts) == set(METADATA[system].tables)
    for table, rows in generated.counts.items():
        assert rows > 0, table
        assert generated.scalar(f"SELECT COUNT(*) FROM {table}") == rows  # noqa: S608 - our table names


@pytest.mark.parametrize("system", SYSTEMS)
def test_same_seed_same_data_other_seed_other_data(system: str, sources: dict[str, Generated], tmp_path: Path) -> None:
    again = f"sqlite:///{tmp_path / 'again.sqlite'}"
    other = f"sqlite:///{tmp_path / 'other.sqlite'}"
    generate(again, system, "small", seed=SEED, as_of=AS_OF, progress=False)
    generate(other, system, "small", seed=SEED + 1, as_of=AS_OF, progress=False)
    reference = dump(sources[system].url)
    assert dump(again) == reference
    different = dump(other)
    # Reference tables (structures, accounts) are fixed; the data drawn at random differ.
    assert sum(different[t] != reference[t] for t in reference) >= len(reference) - 3


@pytest.mark.parametrize("system", SYSTEMS)
def test_same_seed_same_data_whatever_the_hash_seed(system: str, sources: dict[str, Generated], tmp_path: Path) -> None:
    """A demo is rebuilt identically in another process: no draw follows a set's order, which the hash seed changes."""
    again = tmp_path / "again.sqlite"
    code = ("import datetime as dt, sys; from pipelines.synthetic.generate import generate; "
            f"generate('sqlite:///{again}', '{system}', 'small', seed={SEED}, as_of=dt.date.fromisoformat('{AS_OF}'), "
            "progress=False)")
    for hash_seed in ("1", "2"):
        again.unlink(missing_ok=True)
        subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": hash_seed})
        assert dump(f"sqlite:///{again}") == dump(sources[system].url), f"hash seed {hash_seed}"


def test_small_scale_sizes(sources: dict[str, Generated]) -> None:
    counts = {system: sources[system].counts for system in SYSTEMS}
    in_post = sources["hr"].scalar(
        "SELECT COUNT(DISTINCT matricule) FROM situations WHERE date_debut <= '2025-01-15' "
        "AND (date_fin IS NULL OR date_fin >= '2025-01-15')")
    assert 250 <= in_post <= 350
    per_year = sources["students"].scalar(
        "SELECT COUNT(*) FROM inscriptions WHERE annee_universitaire = 2023 AND inscription_principale")
    assert 1700 <= per_year <= 2400
    assert counts["students"]["inscriptions"] > 4 * 1700
    assert 4500 <= sources["finance"].scalar("SELECT COUNT(*) FROM lignes_budgetaires WHERE exercice = 2024") <= 5500
    assert 100 <= counts["finance"]["marches"] <= 400 and 100 <= counts["finance"]["subventions"] <= 400


def test_years_end_with_the_year_of_as_of(sources: dict[str, Generated]) -> None:
    # as_of 2025-03-14: academic year 2024-2025, fiscal and calendar year 2025.
    students = sources["students"]
    assert students.scalar("SELECT MAX(annee_universitaire) FROM inscriptions") == 2024
    assert students.scalar("SELECT MIN(annee_universitaire) FROM inscriptions") == 2021
    assert students.scalar("SELECT MAX(date_inscription) FROM inscriptions") <= AS_OF.isoformat()
    finance = sources["finance"]
    assert finance.scalar("SELECT MAX(exercice) FROM lignes_budgetaires") == 2025
    assert finance.scalar("SELECT MIN(exercice) FROM lignes_budgetaires") == 2023
    assert finance.scalar("SELECT MAX(date_operation) FROM lignes_budgetaires") <= AS_OF.isoformat()
    assert finance.scalar("SELECT COUNT(*) FROM marches WHERE date_notification >= '2025-01-01'") > 0
    hr = sources["hr"]
    # Pay is computed on the 15th: March 2025 is not paid yet on the 14th.
    assert hr.scalar("SELECT MAX(annee * 100 + mois) FROM paie") == 202502
    assert hr.scalar("SELECT COUNT(*) FROM tableaux_avancement WHERE annee = 2021") > 0


def test_existing_tables_need_replace(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hr.sqlite'}"
    first = generate(url, "hr", "small", as_of=AS_OF, progress=False)
    with pytest.raises(FileExistsError) as caught:
        generate(url, "hr", "small", as_of=AS_OF, progress=False)
    assert isinstance(caught.value, SourceTablesExistError)
    assert "hr" in str(caught.value) and str(tmp_path) in str(caught.value)
    again = generate(url, "hr", "small", as_of=AS_OF, replace=True, progress=False)
    assert again == first
    # Other systems' tables can share the database: their names never collide.
    generate(url, "students", "small", as_of=AS_OF, progress=False)
    tables = set(sa.inspect(sa.create_engine(url)).get_table_names())
    assert tables == set(METADATA["hr"].tables) | set(METADATA["students"].tables)


def test_error_hides_the_password(postgres_url: str) -> None:
    url = postgres_url.replace("postgres@", "postgres:s3cret@")
    generate(url, "finance", "small", as_of=AS_OF, progress=False)
    with pytest.raises(FileExistsError) as caught:
        generate(url, "finance", "small", as_of=AS_OF, progress=False)
    assert "s3cret" not in str(caught.value) and "***" in str(caught.value)


def test_default_as_of_is_today(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'finance.sqlite'}"
    generate(url, "finance", "small", progress=False)
    with sa.create_engine(url).connect() as conn:
        assert conn.exec_driver_sql("SELECT MAX(exercice) FROM lignes_budgetaires").scalar() == dt.date.today().year


def test_unknown_system_or_scale_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown source system"):
        generate(f"sqlite:///{tmp_path / 'x.sqlite'}", "payroll", "small", progress=False)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown scale"):
        generate(f"sqlite:///{tmp_path / 'x.sqlite'}", "hr", "huge", progress=False)  # type: ignore[arg-type]

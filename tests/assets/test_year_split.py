"""Budget execution is built one year at a time, and that gives exactly the file built at once.

The demo's staging (two years) is read, never written; candidates go to a
temporary folder.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from anonymisation.datasets import BUILDERS, Establishment
from anonymisation.policy import load_catalogue
from assets.anonymising import run_dataset, year_split
from resources.candidates import CandidateArea
from resources.common.institution import SYSTEMS, load_institution
from resources.sourcing.contracts import load_contract, year_columns
from resources.staging import StagingArea

SPLIT = "finance.lignes_budgetaires"
IDENTITY = Establishment("Université de Démonstration", "19759000300012")


@pytest.fixture(scope="module")
def columns() -> dict[str, str]:
    institution = load_institution()
    return year_columns([load_contract(institution.contracts_dir, s) for s in SYSTEMS])


def test_only_budget_execution_is_split(columns) -> None:
    assert columns[SPLIT] == "lignes_budgetaires.exercice"
    splits = {name: year_split(policy, columns) for name, policy in load_catalogue().items()}
    assert splits.pop("execution_budgetaire") == SPLIT
    assert set(splits.values()) == {None}  # counts with margins or carried suppression stay whole


def test_no_split_when_cells_can_span_years(columns) -> None:
    policy = load_catalogue()["execution_budgetaire"]
    with_margins = dataclasses.replace(policy, settings={**policy.settings, "margins": [["compte"]]})
    assert year_split(with_margins, columns) is None
    without_year = dataclasses.replace(policy, columns=tuple(c for c in policy.columns if c.name != "exercice"))
    assert year_split(without_year, columns) is None
    unknown = {k: v for k, v in columns.items() if k != SPLIT}
    assert year_split(policy, unknown) is None


def _run(staging: StagingArea, root: Path, split: str | None):
    candidates = CandidateArea(root=str(root / "candidates"), reports=str(root / "reports"))
    policy = load_catalogue()["execution_budgetaire"]
    return run_dataset(policy, staging, candidates, f"run-{split is not None}", dt.date.today(), IDENTITY, None, split)


def test_year_by_year_gives_the_same_file_and_report(clean_demo, tmp_path, monkeypatch) -> None:
    staging = StagingArea(root=str(clean_demo.demo / "staging"))
    years = list(staging.latest_by_year("finance", "lignes_budgetaires"))
    assert len(years) >= 2
    seen: list[int] = []
    builder = BUILDERS["execution_budgetaire"]

    def counting(read, ctx):  # the real builder, noting how many years each call reads
        seen.append(read("finance", "lignes_budgetaires")["_partition"].nunique())
        return builder(read, ctx)

    monkeypatch.setitem(BUILDERS, "execution_budgetaire", counting)
    whole = _run(staging, tmp_path / "whole", None)
    assert seen == [len(years)]
    seen.clear()
    split = _run(staging, tmp_path / "split", SPLIT)
    assert seen == [1] * len(years)

    pd.testing.assert_frame_equal(split.frame, whole.frame)
    assert split.candidate.read_bytes() == whole.candidate.read_bytes()
    assert (split.report.rows_in, split.report.rows_out) == (whole.report.rows_in, whole.report.rows_out)
    assert split.report.withheld == whole.report.withheld
    assert split.report.withheld["cellules"] == len(whole.frame) > 0
    prefixes = [n.split(": ", 1)[0] for n in split.report.notes]  # each year's notes, named by their year
    assert sorted(set(prefixes)) == [str(y) for y in years] and prefixes == sorted(prefixes)
    assert split.leaks == whole.leaks == []

"""The run-wide audit reads a protected cross beside the headline table whose totals it splits.

Both are tables of cells: the relation sums the cross's cells per group of the headline's dimensions (not
the rows of a list, as for the graduates). A withheld cell alone in its group would be the headline's
count minus the others: the audit must see it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from anonymisation.policy import load_catalogue
from anonymisation.sdc import audit
from assets.audit import audit_inputs
from assets.candidate_checks import needs_secrecy_check
from resources.common.vocabulary import PUBLISHED, WITHHELD

CATALOGUE = load_catalogue()
HEADLINE, CROSS = "effectifs_etudiants", "effectifs_etudiants_boursiers"


def _candidates(tmp_path: Path, frames: dict[str, pd.DataFrame]):
    paths = {}
    for name, frame in frames.items():
        paths[name] = tmp_path / f"{name}.parquet"
        frame.to_parquet(paths[name])

    class Candidates:
        def latest(self, dataset: str) -> Path | None:
            return paths.get(dataset)

    return Candidates()


def _headline() -> pd.DataFrame:
    dims = [c.name for c in CATALOGUE[HEADLINE].by_role("dimension")]
    rows = [{**{d: "x" for d in dims}, "rentree": 2024, "cursus_lmd": cursus, "effectif": n, "effectif_statut": PUBLISHED}
            for cursus, n in (("L", 60), ("M", 50))]
    return pd.DataFrame(rows)


def _cross(statuses: dict[tuple[str, str], str]) -> pd.DataFrame:
    counts = {("L", "oui"): 3, ("L", "non"): 57, ("M", "oui"): 20, ("M", "non"): 30}
    return pd.DataFrame([{"rentree": 2024, "cursus_lmd": c, "boursier": b, "effectif_statut": statuses.get((c, b), PUBLISHED),
                          "effectif": None if statuses.get((c, b)) == WITHHELD else n} for (c, b), n in counts.items()])


def test_the_cross_is_audited_beside_the_headline_table(tmp_path: Path) -> None:
    policies = {name: CATALOGUE[name] for name in (HEADLINE, CROSS)}
    assert needs_secrecy_check(CATALOGUE[CROSS], CATALOGUE)
    lone = _candidates(tmp_path, {HEADLINE: _headline(), CROSS: _cross({("L", "oui"): WITHHELD})})
    tables, relations = audit_inputs(policies, lone)  # type: ignore[arg-type]
    assert sorted(t.name for t in tables) == [HEADLINE, CROSS]
    assert [(r.left, r.right, r.by, r.op) for r in relations] == [(HEADLINE, CROSS, ("rentree", "cursus_lmd"), "==")]
    exposed = audit(tables, relations)
    assert [(e.table, e.cell["boursier"], e.lower, e.upper) for e in exposed] == [(CROSS, "oui", 3, 3)]
    paired = _candidates(tmp_path, {HEADLINE: _headline(), CROSS: _cross({("L", "oui"): WITHHELD, ("L", "non"): WITHHELD})})
    assert audit(*audit_inputs(policies, paired)) == []  # type: ignore[arg-type]

"""The ``index_egalite`` kind and the ``index_egalite_professionnelle`` policy on a tiny hand-computed year: the
pay gaps at equal corps, grade and échelon and at equal category, the ten highest paid, the score and the progress
objectives; a gap over too few women or men not computed and saying why; the loader refusing groups that could
reveal a person's pay (CRPA L311-6)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from anonymisation.apply import ApplyContext, apply
from anonymisation.dictionary import load_dictionary
from anonymisation.policy import POLICY_DIR, PolicyError, load_policy
from anonymisation.policy_model import Policy
from quality.engine import great_expectations, validate
from quality.open_suites import Expectations, open_suite
from tests.anonymisation.test_policy import _variant

COLUMNS = ["annee", "indicateur", "resultat", "effectif_femmes", "effectif_hommes", "points", "points_max", "statut"]


@pytest.fixture
def policy() -> Policy:
    return load_policy(POLICY_DIR / "index_egalite_professionnelle.yaml")


def _agents(n: int, statut: str, corps: str, grade: str, echelon: int | None, categorie: str, sexe: str, pay: float,
            mois: int = 12, quotite: float = 100.0) -> list[dict]:
    return [{"remunerations.annee": 2024, "remunerations.statut": statut, "remunerations.corps": corps,
             "remunerations.grade": grade, "remunerations.echelon": echelon, "remunerations.categorie": categorie,
             "agents.sexe": sexe, "remunerations.brut_annuel": pay, "remunerations.mois_payes": mois,
             "remunerations.quotite": quotite}] * n


def _year() -> pd.DataFrame:
    """Tenured staff: MCF échelon 5, 6 women (one half-time) and 6 men; IGE échelon 3, 5 women and 4 men (one paid
    6 months); PR échelon 2, 1 woman and 3 men (a group too small to count). Contract staff: 3 women, 3 men."""
    rows = [
        *_agents(5, "titulaire", "MCF", "MCF", 5, "A", "F", 40_000),
        *_agents(1, "titulaire", "MCF", "MCF", 5, "A", "F", 20_000, quotite=50),
        *_agents(6, "titulaire", "MCF", "MCF", 5, "A", "M", 44_000),
        *_agents(5, "titulaire", "IGE", "IGE CN", 3, "A", "F", 30_000),
        *_agents(3, "titulaire", "IGE", "IGE CN", 3, "A", "M", 30_000),
        *_agents(1, "titulaire", "IGE", "IGE CN", 3, "A", "M", 15_000, mois=6),
        *_agents(1, "titulaire", "PR", "PR2C", 2, "A", "F", 90_000),
        *[a for pay in (80_000, 85_000, 95_000) for a in _agents(1, "titulaire", "PR", "PR2C", 2, "A", "M", pay)],
        *_agents(3, "contractuel", "CONTRACTUEL", "CONTRACTUEL A", None, "A", "F", 25_000),
        *_agents(3, "contractuel", "CONTRACTUEL", "CONTRACTUEL A", None, "A", "M", 25_000),
    ]
    return pd.DataFrame(rows).assign(**{"remunerations.echelon": lambda f: f["remunerations.echelon"].astype("Int64")})


def _apply(policy: Policy, frame: pd.DataFrame) -> pd.DataFrame:
    context = ApplyContext(as_of=dt.date(2026, 12, 5), run_id="run", code_version="v", dictionary=load_dictionary())
    out, report = apply(frame, policy, context)
    assert report.kind == "index_egalite"
    return out


def test_the_indicators_and_the_score_match_the_hand_computation(policy: Policy) -> None:
    out = _apply(policy, _year())
    # Tenured: MCF gap (40,000 - 44,000) / 44,000 = -9.0909 % over 11.5 full-time equivalents (the half-time woman
    # counts 0.5), IGE gap 0 over 8.5 (the man paid 6 months counts 0.5, his pay 15,000 is 30,000 a full year);
    # weighted: -9.0909 x 11.5 / 20 = -5.2 %, 34 points out of 40 on the scale. PR (1 woman) is not counted.
    # The 80 points of the gaps are shared pro rata: tenured 24 FTE, contract 6 -> 64 and 16: 34/40 x 64 = 54.4.
    # Contract staff: 3 women and 3 men, under 10: not computed. Ten highest: 4 PR and the 6 MCF men, 1 woman:
    # 2 points out of 20. Index over the computable 84 points: 100 x 56.4 / 84 = 67.1, under the target of 75.
    assert out[COLUMNS].astype(object).where(out[COLUMNS].notna(), None).values.tolist() == [
        [2024, "ecart_fonctionnaires", -5.2, 11, 10, 54.4, 64.0, "publie"],
        [2024, "ecart_contractuels", None, 3, 3, None, 16.0, "non_calculable"],
        [2024, "hautes_remunerations", 1.0, 1, 9, 2.0, 20.0, "publie"],
        [2024, "index", 67.1, None, None, 67.1, 100.0, "publie"],
    ]
    assert out.loc[1, "motif"].startswith("moins de 10 femmes ou de 10 hommes dans des groupes (catégorie) d'au moins "
                                          "3 femmes et 3 hommes")
    assert pd.isna(out.loc[0, "motif"]) and pd.isna(out.loc[1, "objectif_progression"])
    # Alone, a tenured gap of 1 % at most (39/40 x 64 = 62.4 points) lifts the index to 76.7; 2 % gives 74.8.
    assert out.loc[0, "objectif_progression"] == ("Ramener l'écart de rémunération entre les femmes et les hommes "
                                                  "(fonctionnaires) à 1 % au plus en valeur absolue, soit 62.4 points "
                                                  "sur 64.")
    # Alone, 4 of the under-represented sex (14 points) give 81.4; 3 (8 points) give 74.3.
    assert out.loc[2, "objectif_progression"].startswith("Compter au moins 4 agents du sexe sous-représenté")
    assert out.loc[3, "objectif_progression"] == ("Atteindre la cible de 75 points sur 100 au plus tard au titre de "
                                                  "l'année 2027 (CGFP L132-9-5).")


def test_no_objective_at_or_above_the_target(policy: Policy) -> None:
    frame = _year()
    women = frame["agents.sexe"] == "F"
    frame.loc[women & (frame["remunerations.corps"] == "MCF"), "remunerations.brut_annuel"] *= 1.1  # 44,000 a year
    out = _apply(policy, frame)
    assert out.loc[0, "resultat"] == 0.0 and out.loc[3, "resultat"] >= 75
    assert out["objectif_progression"].isna().all()


def test_a_year_of_few_agents_computes_nothing_and_says_why(policy: Policy) -> None:
    out = _apply(policy, _year().head(4))
    assert out["statut"].tolist() == ["non_calculable"] * 4
    assert out[["resultat", "points"]].isna().all().all()
    assert out.loc[2, "motif"] == "moins de 10 agents rémunérés"
    assert out.loc[3, "motif"] == "indicateurs calculables pesant moins de 75 points"


@pytest.mark.parametrize(("setting", "value", "message"), [
    ("min_par_sexe", 5, r"^index_egalite_professionnelle\.resultat: figures computed over groups of 5 persons could "
                        r"reveal a person's value: at least 10 \(rule: CRPA L311-6\)"),
    ("hautes_remunerations", 8, r"^index_egalite_professionnelle\.resultat: figures computed over groups of 8 persons"),
    ("min_par_groupe", 2, r"^index_egalite_professionnelle\.-: 'min_par_groupe' is 2: a pay figure over fewer than 3 "
                          r"women or men could reveal a person's pay \(rule: CRPA L311-6\)"),
    ("bareme_ecart", [[0, 40], [2, 38], [1, 39], [None, 0]],
     r"the scale's 'bareme_ecart' has increasing bounds .*\(rule: index scale as reviewed data\)"),
])
def test_groups_that_could_reveal_a_pay_or_a_malformed_scale_are_refused(tmp_path: Path, setting: str, value: object,
                                                                        message: str) -> None:
    path = _variant(tmp_path, "index_egalite_professionnelle", lambda r: r["index_egalite"].update({setting: value}))
    with pytest.raises(PolicyError, match=message):
        load_policy(path)


def test_a_kind_that_computes_nothing_refuses_a_computed_column(tmp_path: Path) -> None:
    def computed(raw: dict) -> None:
        raw["columns"].append({"name": "note", "treatment": "computed", "type": "number", "description": "Une note."})

    with pytest.raises(PolicyError, match=r"^structures\.note: the 'rows' kind computes no column of its own"):
        load_policy(_variant(tmp_path, "structures", computed))


def test_the_open_suite_passes_the_index_and_blocks_a_gap_over_too_few(policy: Policy) -> None:
    great_expectations()
    suite = open_suite(policy, Expectations(2020, 2026))
    out = _apply(policy, _year())
    outcome, _ = validate(out, suite, policy.dataset)
    assert outcome.passed, [(f.expectation, f.column) for f in outcome.failed]
    bad = out.copy()
    bad.loc[1, ["resultat", "points", "statut"]] = [-3.0, 10.0, "publie"]  # a gap published over 3 women and 3 men
    bad.loc[3, "points"] = 120.0
    outcome, _ = validate(bad, suite, policy.dataset)
    failed = {(f.expectation, f.column.split(",")[0]) for f in outcome.failed}
    assert {("ExpectColumnValuesToBeBetween", "effectif_femmes"), ("ExpectColumnValuesToBeBetween", "points"),
            ("ExpectColumnPairValuesAToBeGreaterThanB", "points_max")} <= failed

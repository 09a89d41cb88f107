"""The ``index_egalite`` kind and the ``index_egalite_professionnelle`` policy on a tiny hand-computed year: the
pay gaps at equal corps, grade and échelon and at equal category, the ten highest paid, the score and the progress
objectives; a gap over too few women or men not computed and saying why; the loader refusing groups that could
reveal a person's pay (CRPA L311-6)."""

from __future__ import annotations

import dataclasses
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
            mois: int = 12, quotite: float = 100.0, year: int = 2024) -> list[dict]:
    return [{"remunerations.annee": year, "remunerations.statut": statut, "remunerations.corps": corps,
             "remunerations.grade": grade, "remunerations.echelon": echelon, "remunerations.categorie": categorie,
             "agents.sexe": sexe, "remunerations.brut_annuel": pay, "remunerations.mois_payes": mois,
             "remunerations.quotite": quotite, "remunerations.primes_hors_index": 0.0}] * n


def _year(year: int = 2024, adjoints: int = 20) -> pd.DataFrame:
    """Tenured staff: MCF échelon 5, 6 women (one half-time) and 6 men; IGE échelon 3, 5 women and 4 men (one paid
    6 months); PR échelon 2, 1 woman and 3 men (a group too small to count); ``adjoints`` ADJ men (no woman beside
    them: a group not counted, low paid, there to reach 50 agents). Contract staff: 3 women, 3 men."""
    rows = [
        *_agents(adjoints, "titulaire", "ADJ", "ADJ", 1, "C", "M", 20_000),
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
    frame = pd.DataFrame(rows).assign(**{"remunerations.annee": year})
    return frame.assign(**{"remunerations.echelon": lambda f: f["remunerations.echelon"].astype("Int64")})


def _apply(policy: Policy, frame: pd.DataFrame) -> pd.DataFrame:
    context = ApplyContext(as_of=dt.date(2026, 12, 5), run_id="run", code_version="v", dictionary=load_dictionary())
    out, report = apply(frame, policy, context)
    assert report.kind == "index_egalite"
    return out


def test_the_indicators_and_the_score_match_the_hand_computation(policy: Policy) -> None:
    out = _apply(policy, _year())
    # Tenured: MCF gap (40,000 - 44,000) / 44,000 = -9.0909 % over 11.5 full-time equivalents (the half-time woman
    # counts 0.5), IGE gap 0 over 8.5 (the man paid 6 months counts 0.5, his pay 15,000 is 30,000 a full year);
    # weighted: -9.0909 x 11.5 / 20 = -5.2 %, 34 points out of 40 on the scale. PR (1 woman) and ADJ (no woman) are
    # not counted. The 80 points of the gaps are shared pro rata: tenured 44 FTE (24 + 20 ADJ), contract 6 -> 70.4,
    # rounded to 70, and 10: 34/40 x 70 = 59.5.
    # Contract staff: 3 women and 3 men, under 10: not computed. Ten highest: 4 PR and the 6 MCF men, 1 woman:
    # 2 points out of 20. Index over the computable 90 points: 100 x 61.5 / 90 = 68.3, under the target of 75.
    assert out[COLUMNS].astype(object).where(out[COLUMNS].notna(), None).values.tolist() == [
        [2024, "ecart_fonctionnaires", -5.2, 11, 10, 59.5, 70.0, "publie"],
        [2024, "ecart_contractuels", None, 3, 3, None, 10.0, "non_calculable"],
        [2024, "hautes_remunerations", 1.0, 1, 9, 2.0, 20.0, "publie"],
        [2024, "index", 68.3, None, None, 68.3, 100.0, "publie"],
    ]
    assert out.loc[1, "motif"].startswith("moins de 10 femmes ou de 10 hommes dans des groupes (catégorie) d'au moins "
                                          "3 femmes et 3 hommes")
    assert pd.isna(out.loc[0, "motif"]) and pd.isna(out.loc[1, "objectif_progression"])
    # Alone, a tenured gap of 2 % at most (38/40 x 70 = 66.5 points) lifts the index to 76.1; 3 % (64.75) gives 74.2.
    assert out.loc[0, "objectif_progression"] == ("Ramener l'écart de rémunération entre les femmes et les hommes "
                                                  "(fonctionnaires) à 2 % au plus en valeur absolue, soit 66.5 points "
                                                  "sur 70.")
    # Alone, 3 of the under-represented sex (8 points) give 75.0; 2 (4 points) give 70.6.
    assert out.loc[2, "objectif_progression"] == ("Compter au moins 3 agents du sexe sous-représenté parmi les dix "
                                                  "agents les mieux rémunérés, soit 8 points sur 20.")
    assert out.loc[3, "objectif_progression"] == ("Atteindre la cible de 75 points sur 100 au plus tard au titre de "
                                                  "l'année 2027 (CGFP L132-9-5).")


def test_the_overseas_majoration_is_left_out_of_pay(policy: Policy) -> None:
    """An MCF man posted overseas is paid 11,000 more, all of it majoration: the figures do not move."""
    base = _apply(policy, _year())
    frame = _year()
    posted = frame.index[(frame["remunerations.corps"] == "MCF") & (frame["agents.sexe"] == "M")][0]
    frame.loc[posted, ["remunerations.brut_annuel", "remunerations.primes_hors_index"]] = [55_000.0, 11_000.0]
    pd.testing.assert_frame_equal(_apply(policy, frame), base)
    # Counted in pay, it would widen the MCF gap (and the tenured indicator) against women.
    counted = dataclasses.replace(policy, settings={k: v for k, v in policy.settings.items() if k != "hors_index"})
    assert _apply(counted, frame).loc[0, "resultat"] < base.loc[0, "resultat"]


def test_weights_change_with_the_period_of_pay_years(policy: Policy) -> None:
    """A text that sets other weights from a year adds a period: here fixed points 40, 10 and 10 from 2024 (the
    ministries' weights of CGFP D132-34), brought to 100."""
    periods = [{"jusqu_a": 2023, "ecarts_au_prorata": 80, "hautes_remunerations": 20},
               {"a_partir_de": 2024, "ecart_fonctionnaires": 40, "ecart_contractuels": 10, "hautes_remunerations": 10}]
    fixed = dataclasses.replace(policy, settings={**policy.settings, "ponderations": periods})
    out = _apply(fixed, pd.concat([_year(2023), _year(2024)], ignore_index=True))
    # 2023 as the policy weighs it; 2024: 34/40 x 40 = 34, the ten highest 2/20 x 10 = 1, the computable weigh 50 of
    # 60 (83 %, over 75 %): index 100 x 35 / 50 = 70.0.
    assert out[COLUMNS].astype(object).where(out[COLUMNS].notna(), None).values.tolist() == [
        [2023, "ecart_fonctionnaires", -5.2, 11, 10, 59.5, 70.0, "publie"],
        [2023, "ecart_contractuels", None, 3, 3, None, 10.0, "non_calculable"],
        [2023, "hautes_remunerations", 1.0, 1, 9, 2.0, 20.0, "publie"],
        [2023, "index", 68.3, None, None, 68.3, 100.0, "publie"],
        [2024, "ecart_fonctionnaires", -5.2, 11, 10, 34.0, 40.0, "publie"],
        [2024, "ecart_contractuels", None, 3, 3, None, 10.0, "non_calculable"],
        [2024, "hautes_remunerations", 1.0, 1, 9, 1.0, 10.0, "publie"],
        [2024, "index", 70.0, None, None, 70.0, 100.0, "publie"],
    ]
    # Alone, a gap of 3 % (37 points) gives 76; 3 of the under-represented sex (8/20 x 10 = 4 points) give 76.
    assert out.loc[4, "objectif_progression"].endswith("à 3 % au plus en valeur absolue, soit 37 points sur 40.")
    assert out.loc[6, "objectif_progression"].endswith("au moins 3 agents du sexe sous-représenté parmi les dix agents "
                                                       "les mieux rémunérés, soit 4 points sur 10.")


def test_the_index_is_owed_from_the_second_year_in_a_row_of_50_agents(policy: Policy) -> None:
    # Without ADJ, 37 agents weigh 30 full-time years (24 tenured, 6 contract). 2022: 30 + 13 = 43, under 50;
    # 2023 and 2024: 78 each. 2023 is the first year of 50 or more: owed from 2024.
    frame = pd.concat([_year(2022, adjoints=13), _year(2023, adjoints=48), _year(2024, adjoints=48)],
                      ignore_index=True)
    out = _apply(policy, frame)
    by_year = out.groupby("annee")["statut"].agg(set).to_dict()
    assert by_year[2022] == {"non_assujetti"} and by_year[2023] == {"non_assujetti"}
    assert "non_assujetti" not in by_year[2024]
    late = out[out["annee"] == 2023]
    assert late[["resultat", "effectif_femmes", "effectif_hommes", "points", "objectif_progression"]].isna().all().all()
    assert late["points_max"].notna().all()
    assert late["motif"].iloc[0] == ("moins de 50 agents publics (en équivalent année pleine) en 2022: l'index n'est dû "
                                     "qu'à partir de la deuxième année civile consécutive d'au moins 50 agents "
                                     "(décret 2023-1136, art. 1)")
    assert "en 2022" in out[out["annee"] == 2022]["motif"].iloc[0]


def test_no_objective_at_or_above_the_target(policy: Policy) -> None:
    frame = _year()
    women = frame["agents.sexe"] == "F"
    frame.loc[women & (frame["remunerations.corps"] == "MCF"), "remunerations.brut_annuel"] *= 1.1  # 44,000 a year
    out = _apply(policy, frame)
    assert out.loc[0, "resultat"] == 0.0 and out.loc[3, "resultat"] >= 75
    assert out["objectif_progression"].isna().all()


def test_a_year_of_few_agents_computes_nothing_and_says_why(policy: Policy) -> None:
    # An employer under 50 agents owes no index; one that publishes it anyway (threshold set to 1) gets no figure.
    voluntary = dataclasses.replace(policy, settings={**policy.settings, "seuil_agents": 1})
    out = _apply(voluntary, _year(adjoints=0).head(4))
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
    ("ponderations", [{"jusqu_a": 2022, "ecarts_au_prorata": 80, "hautes_remunerations": 20},
                      {"a_partir_de": 2024, "ecart_fonctionnaires": 40, "ecart_contractuels": 10,
                       "hautes_remunerations": 10}],
     r"the scale's 'ponderations' covers every year"),
    ("ponderations", [{"ecarts_au_prorata": 80, "ecart_fonctionnaires": 40, "ecart_contractuels": 10,
                       "hautes_remunerations": 20}],
     r"the scale's 'ponderations' gives each period 'hautes_remunerations' and either"),
    ("seuil_agents", 0, r"'seuil_agents' is the number of agents from which the index is owed "
                        r"\(rule: décret 2023-1136, art. 1\)"),
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

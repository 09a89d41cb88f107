"""The equality index of one year, from its agents' rows: the two pay gaps, the ten highest paid, the score.

Plain arithmetic over a frame whose columns are the sources the policy's
``index_egalite:`` section names; the scale comes from the same section
(``index_scale``). Messages name the groups' rule, never a value.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from anonymisation.kinds import index_scale as sc
from anonymisation.policy_model import Policy
from resources.common.vocabulary import PUBLISHED

NOT_COMPUTABLE = "non_calculable"
NOT_SUBJECT = "non_assujetti"  # fewer agents than the decree's threshold: the year's index is not owed
# The indicators, in the order of the file, with their labels (décret 2023-1136, art. 1, 1°, 2° and 5°).
INDICATORS = {
    "ecart_fonctionnaires": "Écart de rémunération entre les femmes et les hommes fonctionnaires, à corps, grade "
                            "et échelon équivalents",
    "ecart_contractuels": "Écart de rémunération entre les femmes et les hommes contractuels, à catégorie "
                          "hiérarchique équivalente",
    "hautes_remunerations": "Nombre d'agents du sexe sous-représenté parmi les dix agents les mieux rémunérés",
    "index": "Index de l'égalité professionnelle (sur 100)",
}
POPULATIONS = {"ecart_fonctionnaires": "fonctionnaires", "ecart_contractuels": "agents contractuels"}
GAPS = tuple(POPULATIONS)  # the pay-gap indicators


class Gap(NamedTuple):
    """One pay-gap indicator: the gap in % (None: not computable), persons counted, full-time equivalents, why."""

    gap: float | None
    women: int
    men: int
    fte: float
    reason: str | None


def prepared(frame: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """One year's agents as the index reads them: pay less what it leaves out, full-time share, sex, status, groups."""
    s = policy.settings
    months = pd.to_numeric(frame[s["mois"]]).to_numpy(dtype=float)
    share = pd.to_numeric(frame[s["quotite"]]).to_numpy(dtype=float) / 100
    return pd.DataFrame({
        "pay": _pay(frame, policy),
        "fte": months / 12 * share,  # each agent counts pro rata of the full-time year paid
        "sex": frame[s["sexe"]].astype("str").to_numpy(), "status": frame[s["statut"]].astype("str").to_numpy(),
        "corps": frame[s["corps"]].astype("str").to_numpy(), "grade": frame[s["grade"]].astype("str").to_numpy(),
        "echelon": frame[s["echelon"]].astype("str").to_numpy(),
        "categorie": frame[s["categorie"]].astype("str").to_numpy(),
    })


def _pay(frame: pd.DataFrame, policy: Policy) -> np.ndarray:
    """The year's gross pay, less the elements the index leaves out when the policy names their column."""
    s = policy.settings
    pay = pd.to_numeric(frame[s["remuneration"]]).to_numpy(dtype=float)
    if s.get("hors_index"):
        pay = pay - pd.to_numeric(frame[s["hors_index"]]).fillna(0).to_numpy(dtype=float)
    return pay


def pay_gap(agents: pd.DataFrame, keys: list[str], min_cell: int, min_sex: int, groups: str) -> Gap:
    """The gap at equal ``keys``: groups with at least ``min_cell`` women and men, weighted by their FTE."""
    paid = agents[(agents["fte"] > 0) & agents["sex"].isin(["F", "M"])]
    cells = paid.groupby([*keys, "sex"]).agg(n=("pay", "size"), pay=("pay", "sum"), fte=("fte", "sum")).unstack("sex")
    if cells.empty or "F" not in cells["n"] or "M" not in cells["n"]:
        return Gap(None, 0, 0, float(agents["fte"].sum()),
                   f"aucun groupe ({groups}) ne compte des femmes et des hommes")
    n = cells["n"].fillna(0)
    counted = cells[(n["F"] >= min_cell) & (n["M"] >= min_cell)]
    women, men = int(counted["n"]["F"].sum()), int(counted["n"]["M"].sum())
    fte = float(agents["fte"].sum())
    if women < min_sex or men < min_sex:
        return Gap(None, women, men, fte,
                   f"moins de {min_sex} femmes ou de {min_sex} hommes dans des groupes ({groups}) d'au moins "
                   f"{min_cell} femmes et {min_cell} hommes: l'écart n'est pas calculé (il approcherait la "
                   "rémunération d'une personne)")
    mean_w = counted["pay"]["F"] / counted["fte"]["F"]
    mean_m = counted["pay"]["M"] / counted["fte"]["M"]
    weight = counted["fte"]["F"] + counted["fte"]["M"]
    gap = float(np.average((mean_w - mean_m) / mean_m, weights=weight)) * 100
    return Gap(sc.half_up(gap, 1), women, men, fte, None)


def year_rows(agents: pd.DataFrame, policy: Policy, year: int) -> list[tuple]:
    """The four rows of ``year`` from its ``prepared`` agents: each indicator with its points, then the index and,
    under the target, objectives."""
    s, scale = policy.settings, sc.scale(policy)
    min_cell, min_sex, top_n = int(s["min_par_groupe"]), int(s["min_par_sexe"]), int(s["hautes_remunerations"])
    tenured = pay_gap(agents[agents["status"].isin(s["fonctionnaires"])], ["corps", "grade", "echelon"], min_cell,
                      min_sex, "corps, grade et échelon")
    contract = pay_gap(agents[agents["status"].isin(s["contractuels"])], ["categorie"], min_cell, min_sex,
                       "catégorie")
    maxima = sc.maxima(scale, year, tenured.fte, contract.fte)
    max_t, max_c = maxima[0], maxima[1]
    points: list[float | None] = [
        None if g.gap is None else sc.half_up(sc.gap_score(scale, g.gap) / scale.gap_out_of * m, 2)
        for g, m in ((tenured, max_t), (contract, max_c))
    ]
    top = agents.sort_values("pay", ascending=False, kind="stable").head(top_n)
    women, men = int((top["sex"] == "F").sum()), int((top["sex"] == "M").sum())
    enough = len(top) >= top_n
    points.append(sc.top_score(scale, min(women, men), maxima[2]) if enough else None)
    score = sc.index(points, maxima, scale)
    goals = _objectives(scale, points, maxima, score, year)
    rows = [_gap_row(year, code, g, points[i], maxima[i], goals.get(code))
            for i, (code, g) in enumerate((("ecart_fonctionnaires", tenured), ("ecart_contractuels", contract)))]
    rows.append((year, "hautes_remunerations", INDICATORS["hautes_remunerations"],
                 float(min(women, men)) if enough else None, women, men, points[2], maxima[2],
                 PUBLISHED if enough else NOT_COMPUTABLE,
                 None if enough else f"moins de {top_n} agents rémunérés", goals.get("hautes_remunerations")))
    rows.append((year, "index", INDICATORS["index"], score, None, None, score, 100.0,
                 PUBLISHED if score is not None else NOT_COMPUTABLE,
                 None if score is not None else f"indicateurs calculables pesant moins de {scale.computable_min:g} "
                 "points", goals.get("index")))
    return rows


def staff(agents: pd.DataFrame, policy: Policy) -> float:
    """The year's public agents (tenured and contract, ``prepared``) counted pro rata of the full-time year paid: the
    count the decree's threshold of agents is read on (the CGFP's one count of agents for the index)."""
    s = policy.settings
    return float(agents.loc[agents["status"].isin([*s["fonctionnaires"], *s["contractuels"]]), "fte"].sum())


def not_subject(rows: list[tuple], reason: str) -> list[tuple]:
    """The year's rows when the index is not owed: the indicators and maxima named, no figure, and why."""
    return [(year, code, label, None, None, None, None, maximum, NOT_SUBJECT, reason, None)
            for year, code, label, _, _, _, _, maximum, *_ in rows]


def _gap_row(year: int, code: str, g: Gap, points: float | None, maximum: float, goal: str | None) -> tuple:
    return (year, code, INDICATORS[code], g.gap, g.women, g.men, points, maximum,
            PUBLISHED if g.gap is not None else NOT_COMPUTABLE, g.reason, goal)


def _objectives(scale: sc.Scale, points: list[float | None], maxima: list[float], score: float | None,
                year: int) -> dict[str, str]:
    """Under the target, what each indicator short of its maximum must reach for the index to meet it."""
    if score is None or score >= scale.target:
        return {}
    goals = {"index": scale.objectives.get("index", "").format(cible=f"{scale.target:g}", annee=year + scale.delay)}
    for at, code in enumerate(("ecart_fonctionnaires", "ecart_contractuels")):
        if points[at] is not None and points[at] < maxima[at]:
            bound, gain = sc.gap_objective(scale, points, maxima, at)
            goals[code] = scale.objectives.get("ecart", "").format(
                population=POPULATIONS[code], seuil=f"{bound:g}", points=f"{gain:g}", points_max=f"{maxima[at]:g}")
    if points[2] is not None and points[2] < maxima[2]:
        count, gain = sc.top_objective(scale, points, maxima, 2)
        goals["hautes_remunerations"] = scale.objectives.get("hautes_remunerations", "").format(
            nombre=count, points=f"{gain:g}", points_max=f"{maxima[2]:g}")
    return goals

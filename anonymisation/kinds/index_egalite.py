"""The professional equality index (CGFP L132-9-3; décrets 2023-1136 and 2023-1137): three indicators and a score.

For an établissement public de l'Etat, each completed year (décret 2023-1136, art. 1):
1. ``ecart_fonctionnaires``: the pay gap between women and men, tenured
   staff, at equal corps, grade and échelon;
2. ``ecart_contractuels``: the same for contract staff, at equal category;
3. ``hautes_remunerations``: the number of the under-represented sex among
   the ten highest paid;
and the ``index`` out of 100, with progress objectives when it is under the
target. How each figure is computed (the policy's description says it to
reusers):
- pay in full-time equivalent: the year's gross pay, less the elements the
  index leaves out where the sources tell them apart (``hors_index``), divided by the share of
  a full-time year the agent was paid (months paid / 12 x working time); each
  agent counts pro rata of that share (the regulatory part of the CGFP
  since 1 February 2025, décret 2024-1038; before, décret 2023-1137);
- a group (corps, grade and échelon; or category) counts when it holds at
  least ``min_par_groupe`` women and as many men; its gap is (mean of women -
  mean of men) / mean of men; the indicator is the mean of the groups' gaps
  weighted by their full-time equivalents, in %, a negative gap being
  unfavourable to women;
- the indicator is computed only over at least ``min_par_sexe`` women and
  ``min_par_sexe`` men: otherwise its status says ``non_calculable`` and why
  (a gap over fewer could reveal a person's pay, CRPA L311-6);
- points and the index follow the policy's scale (``anonymisation.kinds.index_scale``),
  whose weights change with the period of pay years;
- a year is owed only from the second calendar year in a row with at least
  ``seuil_agents`` agents (décret 2023-1136, art. 1); otherwise its rows say
  ``non_assujetti`` and carry no figure.

Individual pay is only an input: the file holds per year four rows of
indicators, never a person's value. Policy section ``index_egalite:``: the
source columns (``remuneration``, ``mois``, ``quotite``, ``statut``,
``corps``, ``grade``, ``echelon``, ``categorie``, ``sexe``), the statuses of
each population (``fonctionnaires``, ``contractuels``), the group sizes
(``min_par_groupe``, ``min_par_sexe``, ``hautes_remunerations``) and the
scale. The published columns are the year, then the kind's own (see
``COLUMNS``), all of treatment ``computed``: ``statut`` says whether an
indicator was computed, not whether a cell is secret (the kind withholds no
cell: it computes an indicator or says why it could not).
"""

from __future__ import annotations

import pandas as pd

from anonymisation.kinds import index_scale as scale_of
from anonymisation.kinds.base import Built, Kind, SuiteRule
from anonymisation.kinds.cells import require
from anonymisation.kinds.index_compute import (GAPS, INDICATORS, NOT_COMPUTABLE, NOT_SUBJECT, not_subject,
                                               prepared, staff, year_rows)
from anonymisation.policy_model import Policy
from resources.common.vocabulary import PUBLISHED

# The source columns the section names, extracted for it.
SOURCES = frozenset({"remuneration", "mois", "quotite", "statut", "corps", "grade", "echelon", "categorie", "sexe"})
# Optional: the part of the year's pay the index leaves out (sur-rémunération outre-mer, indemnité de résidence à
# l'étranger), where the HR system tells it apart.
EXCLUDED = "hors_index"
# The columns the kind writes, besides the year: the policy publishes exactly these (its treatment 'computed').
COLUMNS = ("indicateur", "libelle", "resultat", "effectif_femmes", "effectif_hommes", "points", "points_max",
           "statut", "motif", "objectif_progression")
# The smallest groups the policy may set (CRPA L311-6): a group of 1 or 2 women beside men tells how much each
# earns next to their colleagues, and an indicator over fewer than 10 of a sex comes close to a person's pay.
MIN_CELL, MIN_SEX, MIN_TOP = 3, 10, 10


def check_shape(policy: Policy) -> None:
    s = policy.settings
    missing = sorted(k for k in SOURCES if not s.get(k))
    require(policy, not missing, "policy format", f"the index names its source columns (missing: {', '.join(missing)})")
    require(policy, bool(s.get("fonctionnaires")) and bool(s.get("contractuels")), "policy format",
            "the index lists the statuses of its two populations ('fonctionnaires', 'contractuels')")
    require(policy, isinstance(s.get("seuil_agents"), int) and s["seuil_agents"] > 0, "décret 2023-1136, art. 1",
            "'seuil_agents' is the number of agents from which the index is owed")
    for key, floor in (("min_par_groupe", MIN_CELL), ("min_par_sexe", MIN_SEX), ("hautes_remunerations", MIN_TOP)):
        require(policy, int(s.get(key, 0)) >= floor, "CRPA L311-6",
                f"'{key}' is {s.get(key)}: a pay figure over fewer than {floor} women or men could reveal a "
                "person's pay")
    dims = policy.by_role("dimension")
    require(policy, [c.type for c in dims] == ["year", "string"] and dims[1].name == "indicateur", "policy format",
            "the index's dimensions are the year, then 'indicateur'")
    mine = [c.name for c in policy.columns if c.name != dims[0].name and c.treatment != "constant"]
    require(policy, mine == list(COLUMNS), "policy format",
            f"the index publishes, after the year, exactly: {', '.join(COLUMNS)}")
    require(policy, all(policy.column(c).treatment == "computed" for c in COLUMNS), "policy format",
            "the index's own columns are of treatment 'computed'")
    scale_of.scale(policy)  # refuses a malformed scale when the policy is loaded, not at night


def min_group(policy: Policy) -> int:
    s = policy.settings
    return min(int(s.get("min_par_sexe", 0)), int(s.get("hautes_remunerations", 0)))


def build(built: Built) -> pd.DataFrame:
    """Four rows per year: the three indicators and the index, from the treated rows and their sources.

    A year is owed when the employer had at least ``seuil_agents`` agents that
    year and the year before (décret 2023-1136, art. 1: "pour la deuxième année
    civile consécutive"); otherwise its rows say ``non_assujetti``. The first
    year the sources hold is judged on itself: the year before is unknown.
    """
    policy, frame = built.policy, built.frame
    year = policy.by_role("dimension")[0].name
    years = built.out[year]
    threshold = float(policy.settings["seuil_agents"])
    rows: list[tuple] = []
    counted: dict[int, float] = {}
    for y in sorted(int(v) for v in years.dropna().unique()):
        agents = prepared(frame[(years == y).to_numpy()], policy)
        counted[y] = staff(agents, policy)
        computed = year_rows(agents, policy, y)
        short = [n for n in (y - 1, y) if n in counted and counted[n] < threshold]
        rows += not_subject(computed, _not_owed(short, threshold)) if short else computed
    table = pd.DataFrame(rows, columns=[year, *COLUMNS])
    late = (table["statut"] == NOT_COMPUTABLE).sum()
    owed = (table["statut"] != NOT_SUBJECT).sum() // len(INDICATORS)
    built.report.notes.append(f"{len(table) // len(INDICATORS) if len(table) else 0} year(s), {int(owed)} owed; "
                              f"{int(late)} indicator(s) not computable (groups too small)")
    return table


def _not_owed(years: list[int], threshold: float) -> str:
    return (f"moins de {threshold:g} agents publics (en équivalent année pleine) en "
            f"{' et en '.join(map(str, years))}: l'index n'est dû qu'à partir de la deuxième année civile consécutive "
            f"d'au moins {threshold:g} agents (décret 2023-1136, art. 1)")


def suite_rules(policy: Policy) -> list[SuiteRule]:
    """Published rows are filled, others empty; points within their maximum; the index within 0-100."""
    shown = {"row_condition": f'`statut` == "{PUBLISHED}"', "condition_parser": "pandas"}
    hidden = {"row_condition": f'`statut` in {[NOT_COMPUTABLE, NOT_SUBJECT]}', "condition_parser": "pandas"}
    floor = int(policy.settings.get("min_par_sexe", MIN_SEX))
    gaps = {"row_condition": f'`statut` == "{PUBLISHED}" and `indicateur` in {list(GAPS)}',
            "condition_parser": "pandas"}
    return [
        *(SuiteRule("ExpectColumnValuesToNotBeNull", {"column": c, **shown}, f"{c} est publié quand statut vaut "
                    f"{PUBLISHED}.") for c in ("resultat", "points", "points_max")),
        *(SuiteRule("ExpectColumnValuesToBeNull", {"column": c, **hidden}, f"{c} est vide quand l'indicateur n'est "
                    "pas calculable.") for c in ("resultat", "points")),
        SuiteRule("ExpectColumnPairValuesAToBeGreaterThanB",
                  {"column_A": "points_max", "column_B": "points", "or_equal": True,
                   "ignore_row_if": "either_value_is_missing"}, "Les points ne dépassent jamais leur maximum."),
        SuiteRule("ExpectColumnValuesToBeBetween", {"column": "points", "min_value": 0, "max_value": 100},
                  "Les points sont entre 0 et 100."),
        *(SuiteRule("ExpectColumnValuesToBeBetween", {"column": c, "min_value": floor, **gaps},
                    f"Un écart de rémunération est calculé sur au moins {floor} femmes et {floor} hommes.")
          for c in ("effectif_femmes", "effectif_hommes")),
        SuiteRule("ExpectColumnValuesToBeInSet", {"column": "indicateur", "value_set": list(INDICATORS)},
                  f"indicateur vaut {', '.join(INDICATORS)}."),
        SuiteRule("ExpectCompoundColumnsToBeUnique", {"column_list": [policy.by_role('dimension')[0].name,
                                                                       "indicateur"]},
                  "Une ligne par année et par indicateur."),
    ]


KIND = Kind(
    name="index_egalite", summary="professional equality index: pay gaps, ten highest paid, score",
    build=build, settings=SOURCES | frozenset({
        EXCLUDED, "fonctionnaires", "contractuels", "min_par_groupe", "min_par_sexe", "hautes_remunerations",
        "bareme_ecart", "bareme_ecart_sur", "bareme_hautes_remunerations", "bareme_hautes_remunerations_sur",
        "ponderations", "seuil_agents", "cible", "min_points_calculables", "delai_annees", "objectifs",
        "sources_texte",
    }),
    sources=SOURCES | {EXCLUDED}, check_shape=check_shape, suite_rules=suite_rules, computes=True, min_group=min_group,
)

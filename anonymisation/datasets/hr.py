"""HR datasets: staff counts, the directory (D312-1-3 1°) and promotion tables (1°)."""

from __future__ import annotations

import pandas as pd

from anonymisation.datasets.base import PARTITION, Builder, BuildContext, Reader, active_on, prefixed
from anonymisation.datasets.national import with_establishment, with_staff_labels


def _component_of(structures: pd.DataFrame) -> dict[str, str]:
    """Each structure's top-level component (the ancestor right below the university)."""
    parent = dict(zip(structures["code_structure"], structures["code_parent"]))
    top = {}
    for code in parent:
        current, seen = code, set()
        while parent.get(current) and parent.get(parent[current]) and current not in seen:
            seen.add(current)
            current = parent[current]
        top[code] = current
    return top


def effectifs_personnels(read: Reader, ctx: BuildContext) -> pd.DataFrame:
    """One row per agent in post on 31 December of each reference year (or today for the current year).

    One builder serves the headline staff table and its protected crosses (age): each policy picks its columns.
    """
    situations = read("hr", "situations")
    year = situations[PARTITION].astype(int)
    reference = pd.to_datetime(year.astype(str) + "-12-31").where(year < ctx.as_of.year, pd.Timestamp(ctx.as_of))
    situations = situations.assign(date_reference=reference)
    in_post = situations[active_on(situations, "date_debut", "date_fin", situations["date_reference"])]
    # A person counts once a year: their latest situation wins (sources hold duplicate situations).
    in_post = in_post.sort_values("date_debut").drop_duplicates(["matricule", PARTITION], keep="last")
    agents = read("hr", "agents").drop_duplicates("matricule")[["matricule", "sexe", "date_naissance"]]
    structures = read("hr", "structures")
    frame = in_post.merge(agents, on="matricule", how="left")
    # Structures are generalised to their top-level component (UFR, institute, central service).
    frame["code_structure"] = frame["code_structure"].map(_component_of(structures)).fillna(frame["code_structure"])
    frame["_annee"] = frame[PARTITION].astype(int)
    frame["_date_reference"] = frame["date_reference"]
    agent_columns = {"sexe": "agents.sexe", "date_naissance": "agents.date_naissance"}
    frame = frame.drop(columns=[PARTITION, "date_reference"]).rename(columns=agent_columns)
    out = prefixed(frame, "situations").rename(columns={f"situations.{v}": v for v in agent_columns.values()})
    labels = prefixed(structures[["code_structure", "libelle"]], "structures")
    out = out.merge(labels, left_on="situations.code_structure", right_on="structures.code_structure", how="left")
    out = with_staff_labels(out, "situations", corps="situations.corps", section="situations.section_cnu",
                            bap="situations.bap")
    return with_establishment(out, "situations", ctx.institution)


def annuaire(read: Reader, ctx: BuildContext) -> pd.DataFrame:
    """Functions held today and shown in the directory, with the holder's professional contact."""
    functions = read("hr", "fonctions")
    if PARTITION in functions:
        functions = functions[functions[PARTITION] == functions[PARTITION].max()].drop(columns=[PARTITION])
    functions = functions[functions["visible_annuaire"].fillna(False).astype(bool)]
    functions = functions[active_on(functions, "date_debut", "date_fin", ctx.as_of)].drop_duplicates("id_fonction")
    agents = read("hr", "agents").drop_duplicates("matricule")
    agents = agents.assign(nom=agents["nom_usage"].fillna(agents["nom"]))  # the name the agent uses at work
    agents = prefixed(agents[["matricule", "nom", "prenom", "email_pro", "telephone_pro"]], "agents")
    structures = prefixed(read("hr", "structures")[["code_structure", "libelle"]], "structures")
    frame = prefixed(functions, "fonctions")
    frame = frame.merge(agents, left_on="fonctions.matricule", right_on="agents.matricule", how="inner")
    return frame.merge(structures, left_on="fonctions.code_structure", right_on="structures.code_structure", how="left")


def tableau_avancement(read: Reader, ctx: BuildContext) -> pd.DataFrame:
    """Persons on a promotion table, year by year."""
    table = read("hr", "tableaux_avancement").drop(columns=[PARTITION], errors="ignore")
    agents = read("hr", "agents").drop_duplicates("matricule")
    agents = agents.assign(nom=agents["nom_usage"].fillna(agents["nom"]))
    frame = prefixed(table, "tableaux_avancement")
    names = prefixed(agents[["matricule", "nom", "prenom"]], "agents")
    return frame.merge(names, left_on="tableaux_avancement.matricule", right_on="agents.matricule", how="inner")


# The builders of this domain, by the name a policy writes in ``builder:``.
BUILDERS: dict[str, Builder] = {
    "effectifs_personnels": effectifs_personnels,
    "annuaire": annuaire,
    "tableau_avancement": tableau_avancement,
}

"""Finance datasets: budget execution (aggregated), public contracts (DECP), subsidies (SCDL)."""

from __future__ import annotations

import pandas as pd

from anonymisation.datasets.base import PARTITION, Builder, BuildContext, Reader, prefixed

NATURAL_PERSON = "personne_physique"
SCDL_SHARE = (0.01, 1.0)  # SCDL subventions 2.1.1, pourcentageSubvention: minimum and maximum


PAY_ENVELOPE = "personnel"  # comptes.enveloppe of the pay accounts (64x)
MIN_AGENTS = 3  # a structure's payroll over fewer agents is their pay (the amounts rule's minimum of contributors)


def _agents_by_structure(situations: pd.DataFrame) -> pd.DataFrame:
    """How many agents each structure had in post at some point of each year (HR system)."""
    start = pd.to_datetime(situations["date_debut"]).dt.year
    end = pd.to_datetime(situations["date_fin"]).dt.year.fillna(start.max() if len(start) else 0).astype(int)
    years = [pd.DataFrame({"exercice": year, "code_structure": situations.loc[(start <= year) & (end >= year), "code_structure"],
                           "matricule": situations.loc[(start <= year) & (end >= year), "matricule"]})
             for year in range(int(start.min()), int(end.max()) + 1)] if len(start) else []
    spans = pd.concat(years, ignore_index=True) if years else pd.DataFrame(columns=["exercice", "code_structure", "matricule"])
    return spans.groupby(["exercice", "code_structure"])["matricule"].nunique().rename("agents").reset_index()


def execution_budgetaire(read: Reader, ctx: BuildContext) -> pd.DataFrame:
    """Budget lines with their account and destination labels; the payee is kept only as a contributor id.

    ``lignes_budgetaires._personne`` flags the lines the dominance rule protects: payments to a natural
    person, and the payroll of a structure with fewer than 3 agents that year (a payroll line is the
    structure's posting of its agents' pay: over 3 agents or more it is no one's pay). That payroll counts
    as one contributor, so its cell is withheld. The other lines are the institution's own accounts.
    """
    lines = read("finance", "lignes_budgetaires").drop(columns=[PARTITION], errors="ignore")
    parties = read("finance", "tiers").drop_duplicates("id_tiers")
    natural = lines["id_tiers"].isin(parties.loc[parties["type_tiers"] == NATURAL_PERSON, "id_tiers"]).to_numpy()
    accounts = read("finance", "comptes").drop_duplicates("compte")
    pay = lines["compte"].isin(accounts.loc[accounts["enveloppe"] == PAY_ENVELOPE, "compte"]).to_numpy()
    staff = lines[["exercice", "code_structure"]].merge(_agents_by_structure(read("hr", "situations")),
                                                        on=["exercice", "code_structure"], how="left")
    few = pay & (staff["agents"].fillna(0).to_numpy() < MIN_AGENTS)
    # A line with no third party (internal, payroll) is its own contributor, except a small structure's payroll.
    own = "ligne-" + lines["id_ligne"].astype("str")
    lines["id_tiers"] = lines["id_tiers"].astype("str").where(lines["id_tiers"].notna(), own)
    lines.loc[few, "id_tiers"] = "paie-" + lines.loc[few, "code_structure"].astype("str")
    lines["_personne"] = natural | few
    frame = prefixed(lines, "lignes_budgetaires")
    destinations = prefixed(read("finance", "destinations"), "destinations")
    frame = frame.merge(prefixed(accounts, "comptes"), left_on="lignes_budgetaires.compte", right_on="comptes.compte",
                        how="left")
    return frame.merge(destinations, left_on="lignes_budgetaires.code_destination",
                       right_on="destinations.code_destination", how="left")


DECP_CPV = r"[0-9]{8}(-[0-9])?"  # DECP 2.0.3 definitions.marche.definitions.CodeCPV


def marches_publics(read: Reader, ctx: BuildContext) -> pd.DataFrame:
    """One row per contract, its holders listed by identifier only (DECP 2.0.3)."""
    contracts = read("finance", "marches").drop(columns=[PARTITION], errors="ignore").drop_duplicates("id_marche")
    holders = read("finance", "marches_titulaires").sort_values(["id_marche", "rang"])
    grouped = holders.groupby("id_marche").agg(
        id_titulaire=("id_titulaire", lambda s: ";".join(s.astype("str"))),
        type_identifiant=("type_identifiant", lambda s: ";".join(s.astype("str"))),
    ).reset_index()
    # DECP 2.0.3 requires a CPV code of 8 digits (and an optional check digit): a
    # contract whose code is malformed in the source cannot be published in the
    # regulatory format. It is left out, counted, and the source suite names the
    # defect to the finance stewards, who fix it at the source.
    valid = contracts["code_cpv"].astype("str").str.fullmatch(DECP_CPV).fillna(False).astype(bool)
    left_out = int((~valid).sum())
    frame = prefixed(contracts[valid], "marches")
    frame = frame.merge(prefixed(grouped, "marches_titulaires"), left_on="marches.id_marche",
                        right_on="marches_titulaires.id_marche", how="left")
    frame.attrs["left_out_invalid_cpv_code"] = left_out
    return frame


def subventions(read: Reader, ctx: BuildContext) -> pd.DataFrame:
    """Subsidies to legal persons with the beneficiary's name and identifiers (décret 2017-779).

    A natural person is never named: their grants are left out here and
    counted in the anonymisation report.
    """
    grants = read("finance", "subventions").drop(columns=[PARTITION], errors="ignore").drop_duplicates("id_subvention")
    parties = read("finance", "tiers").drop_duplicates("id_tiers")[["id_tiers", "type_tiers", "raison_sociale", "siret", "rna"]]
    frame = prefixed(grants, "subventions").merge(prefixed(parties, "tiers"), left_on="subventions.id_tiers",
                                                  right_on="tiers.id_tiers", how="left")
    frame.attrs["left_out_natural_persons"] = int((frame["tiers.type_tiers"] == NATURAL_PERSON).sum())
    frame = frame[frame["tiers.type_tiers"] != NATURAL_PERSON]
    # SCDL 2.1.1 requires pourcentageSubvention between 0.01 and 1: a share
    # missing or out of range in the source cannot be published in the national
    # format. Left out and counted; the source suite names it to the stewards.
    share = pd.to_numeric(frame["subventions.pourcentage_subvention"], errors="coerce").astype("float64")
    valid = share.between(SCDL_SHARE[0], SCDL_SHARE[1]).fillna(False).astype(bool)
    attrs = dict(frame.attrs)
    frame = frame[valid]
    frame.attrs = {**attrs, "left_out_share_outside_scdl_range": int((~valid).sum())}
    # SCDL 2.1.1 datesPeriodeVersement: "start/end", or the start alone while the end is not known.
    start = frame["subventions.date_debut_versement"].astype("str")
    end = frame["subventions.date_fin_versement"].astype("str")
    periods = (start + "/" + end).where(frame["subventions.date_fin_versement"].notna(), start)
    frame["subventions._dates_periode_versement"] = periods.where(frame["subventions.date_debut_versement"].notna())
    return frame


# The builders of this domain, by the name a policy writes in ``builder:``.
BUILDERS: dict[str, Builder] = {
    "execution_budgetaire": execution_budgetaire,
    "marches_publics": marches_publics,
    "subventions": subventions,
}

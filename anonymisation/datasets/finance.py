"""Finance datasets: budget execution (aggregated), public contracts (DECP), subsidies (SCDL)."""

from __future__ import annotations

import pandas as pd

from anonymisation.datasets.base import PARTITION, Builder, BuildContext, Reader, prefixed

NATURAL_PERSON = "personne_physique"
SCDL_SHARE = (0.01, 1.0)  # SCDL subventions 2.1.1, pourcentageSubvention: minimum and maximum


PAY_ENVELOPE = "personnel"  # comptes.enveloppe of the pay accounts (64x): a cell there may be one person's pay


def execution_budgetaire(read: Reader, ctx: BuildContext) -> pd.DataFrame:
    """Budget lines with their account and destination labels; the payee is kept only as a contributor id.

    ``lignes_budgetaires._personne`` flags the lines the dominance rule protects: pay (a personnel
    account) and payments to a natural person. The other lines are the institution's own accounts.
    """
    lines = read("finance", "lignes_budgetaires").drop(columns=[PARTITION], errors="ignore")
    parties = read("finance", "tiers").drop_duplicates("id_tiers")
    natural = lines["id_tiers"].isin(parties.loc[parties["type_tiers"] == NATURAL_PERSON, "id_tiers"])
    # A line with no third party (internal, payroll) is its own contributor for the dominance rule.
    lines["id_tiers"] = lines["id_tiers"].astype("str").where(lines["id_tiers"].notna(), "ligne-" + lines["id_ligne"].astype("str"))
    frame = prefixed(lines.assign(_natural=natural.to_numpy()), "lignes_budgetaires")
    accounts = prefixed(read("finance", "comptes"), "comptes")
    destinations = prefixed(read("finance", "destinations"), "destinations")
    frame = frame.merge(accounts, left_on="lignes_budgetaires.compte", right_on="comptes.compte", how="left")
    frame["lignes_budgetaires._personne"] = (frame.pop("lignes_budgetaires._natural").astype(bool)
                                             | frame["comptes.enveloppe"].eq(PAY_ENVELOPE).fillna(False).astype(bool))
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

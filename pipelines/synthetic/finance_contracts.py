"""Public contracts (every DECP 2.0.3 field) with their holders, and subsidies (every SCDL 2.1.1 field).

A few hundred rows a year: generated row by row for readability. Some
subjects and payment conditions name a person or give a phone number (to be
caught by the free-text scanner); many name buildings after famous persons
(public names, to be kept).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.synthetic.context import Context, defect_rows, iso_dates, year_start
from pipelines.synthetic.draws import weighted
from pipelines.synthetic.finance_tiers import Tiers
from pipelines.synthetic.freetext import phone_spellings, plant
from pipelines.synthetic.identifiers import mobiles
from pipelines.synthetic.people import draw_people
from pipelines.synthetic.ref_finance import (
    CPV_CODES,
    ENVIRONMENTAL,
    GROUPINGS,
    NATURES,
    PAYMENT_TERMS,
    PRICE_FORMS,
    PRICE_TYPES,
    PROCEDURES,
    SCHEMES,
    SOCIAL,
    Cpv,
)
from pipelines.synthetic.ref_geo import PUBLIC_PLACES, PUBLIC_STREETS, SITES, UNIVERSITY_NAME, UNIVERSITY_SIRET
from pipelines.synthetic.ref_structures import COMPONENTS, LABS

DAY = np.timedelta64(1, "D")
EU = {"DE", "BE", "IT", "ES", "NL"}
PROJECTS = ("Semaine de l'environnement", "Nuit des étudiants", "Forum des métiers", "Tournoi inter-UFR",
            "Exposition photo", "Conférence sur l'égalité", "Jardin partagé", "Ciné-débat")


def _pick(rng: np.random.Generator, weights: dict[str, float]) -> str:
    keys = list(weights)
    return keys[int(weighted(rng, list(weights.values()), 1)[0])]


def _unit(rng: np.random.Generator) -> dict[str, str]:
    """A component or laboratory, as {unit} ("le laboratoire Jean Perrin") and as {of} ("du laboratoire...")."""
    units = COMPONENTS + LABS
    of = units[int(rng.integers(0, len(units)))].of
    for old, new in (("de l'", "l'"), ("du ", "le "), ("de la ", "la "), ("des ", "les ")):
        if of.startswith(old):
            return {"unit": new + of[len(old):], "of": of}
    return {"unit": of, "of": of}


def _count(ctx: Context, per_year: int, year: int) -> int:
    if year < ctx.as_of.year:
        return per_year
    return max(2, int(per_year * ctx.as_of.timetuple().tm_yday / 365))


def contracts_tables(ctx: Context, tiers: Tiers) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = ctx.rng("finance", "marches")
    planted = draw_people(rng, ctx.pools, rng.random(64) < 0.5)
    rows, holders, frameworks = [], [], []
    for year in ctx.fiscal_years:
        last = min(year_start(year, 12, 31), ctx.today)
        for seq in range(1, _count(ctx, ctx.scale.contracts_per_year, year) + 1):
            # Energy every year: the CPV codes with a leading zero (09...) are always present.
            cpv = CPV_CODES[15 + seq % 2] if seq <= 2 else CPV_CODES[int(rng.integers(0, len(CPV_CODES)))]
            notified = year_start(year) + int(rng.integers(0, int((last - year_start(year)).astype(int)) + 1)) * DAY
            row = _contract(rng, f"{year}M{seq:04d}", cpv, notified, ctx.today, frameworks)
            if rng.random() < 0.02:
                i = int(rng.integers(0, 64))
                row["objet"] += (f" – contact technique : {planted.first[i]} {planted.surname[i]}, "
                                 f"{phone_spellings(rng, mobiles(rng, 1)[0])}")
            rows.append(row)
            holders += _holders(rng, tiers, row["id_marche"], row["type_groupement_operateurs"])
    marches = pd.DataFrame(rows)
    # Defects: a CPV code whose leading zero was lost in a spreadsheet; data published before notification.
    zero = np.flatnonzero(marches["code_cpv"].str.startswith("0").to_numpy())
    lost = defect_rows(rng, zero, 0.05)
    marches.loc[lost, "code_cpv"] = marches.loc[lost, "code_cpv"].str[1:]
    early = defect_rows(rng, len(marches), 0.005)
    marches.loc[early, "date_publication_donnees"] = marches.loc[early, "date_notification"] - pd.to_timedelta(
        10, "D")
    for column in ("date_notification", "date_publication_donnees"):
        marches[column] = iso_dates(marches[column].to_numpy())
    marches["objet"] = plant(ctx, "finance.marches.objet", marches["objet"].to_numpy())
    return marches, pd.DataFrame(holders)


def _contract(rng: np.random.Generator, ident: str, cpv: Cpv, notified: np.datetime64, today: np.datetime64,
              frameworks: list[str]) -> dict:
    subject = cpv.subjects[int(rng.integers(0, len(cpv.subjects)))].format(
        place=PUBLIC_PLACES[int(rng.integers(0, len(PUBLIC_PLACES)))],
        street=PUBLIC_STREETS[int(rng.integers(0, len(PUBLIC_STREETS)))], **_unit(rng))
    framework = rng.random() < 0.25
    subsequent = not framework and frameworks and rng.random() < 0.1
    techniques = ["Accord-cadre"] if framework else ["Sans objet"]
    if framework and rng.random() < 0.2:
        techniques.append("Catalogue électronique")
    if framework:
        modes = ["Bons de commande"] if rng.random() < 0.7 else ["Marchés subséquents"]
    else:
        modes = ["Tranches"] if rng.random() < 0.1 else ["Sans objet"]
    amount = float(np.round(max(40_000.0, 90_000 * rng.lognormal(0, 0.9)), 2))
    procedure = "Appel d'offres ouvert" if amount > 221_000 and rng.random() < 0.8 else _pick(rng, PROCEDURES)
    offers = 1 if procedure.startswith("Marché passé sans") else 1 + int(rng.poisson(3))
    advance = bool(rng.random() < 0.35)
    site = list(SITES.values())[int(rng.integers(0, len(SITES)))]
    place = [(site.commune_code, "Code commune"), (site.postcode, "Code postal"), (site.postcode[:2],
                                                                                   "Code département")]
    where = place[int(weighted(rng, [0.75, 0.15, 0.10], 1)[0])]
    social = ["Pas de considération sociale"] if rng.random() < 0.7 else list(
        rng.choice(SOCIAL[:2], size=int(rng.integers(1, 3)), replace=False))
    green = ["Pas de considération environnementale"] if rng.random() < 0.55 else list(
        rng.choice(ENVIRONMENTAL[:2], size=int(rng.integers(1, 3)), replace=False))
    share_eu = float(np.round(rng.uniform(0.4, 1.0), 4)) if cpv.origin else None
    if framework and modes == ["Marchés subséquents"]:
        frameworks.append(ident)
    published = min(notified + int(rng.integers(1, 60)) * DAY, today)
    return {
        "id_marche": ident, "id_acheteur": UNIVERSITY_SIRET,
        "code_structure": "DPI" if cpv.ccag in ("Travaux", "Maitrise d'œuvre") else "DAF",
        "nature": _pick(rng, NATURES), "objet": subject, "code_cpv": cpv.code, "techniques": ";".join(techniques),
        "modalites_execution": ";".join(modes),
        "id_accord_cadre": frameworks[int(rng.integers(0, len(frameworks)))] if subsequent else None,
        "marche_innovant": bool(rng.random() < 0.03), "ccag": cpv.ccag, "offres_recues": offers,
        "attribution_avance": advance,
        "taux_avance": (0.0 if rng.random() < 0.1 else float(np.round(rng.uniform(0.05, 0.3), 2))) if advance else None,
        "type_groupement_operateurs": _pick(rng, GROUPINGS), "sous_traitance_declaree": bool(rng.random() < 0.15),
        "procedure_passation": procedure, "lieu_execution_code": where[0], "lieu_execution_type_code": where[1],
        "duree_mois": int(rng.choice([6, 12, 12, 24, 36, 48])), "date_notification": notified,
        "date_publication_donnees": published, "montant": amount, "forme_prix": _pick(rng, PRICE_FORMS),
        "types_prix": ";".join(rng.choice(PRICE_TYPES[:3], size=int(rng.integers(1, 3)), replace=False)),
        "considerations_sociales": ";".join(social), "considerations_environnementales": ";".join(green),
        "origine_ue": share_eu,
        "origine_france": float(np.round(share_eu * rng.uniform(0.3, 1.0), 4)) if share_eu is not None else None,
    }


def _holders(rng: np.random.Generator, tiers: Tiers, ident: str, grouping: str) -> list[dict]:
    """One holder, or two to three for a group; French holders by SIRET, foreign ones by VAT or HORS-UE."""
    count = 1 if grouping == "Pas de groupement" else int(rng.integers(2, 4))
    frame = tiers.frame
    out = []
    for rank in range(1, count + 1):
        foreign = rng.random() < 0.08
        ids = tiers.ids_by_kind["etranger" if foreign else "entreprise"]
        chosen = int(ids[rng.integers(0, len(ids))])
        row = frame.loc[frame["id_tiers"] == chosen].iloc[0]
        if not foreign:
            kind, value = "SIRET", row["siret"]
        elif row["pays"] in EU:
            kind, value = "TVA", row["numero_tva"]
        else:
            kind, value = "HORS-UE", f"{row['pays']}{chosen:08d}"
        out.append({"id_marche": ident, "rang": rank, "type_identifiant": kind, "id_titulaire": value,
                    "id_tiers": chosen})
    return out


def subsidies_table(ctx: Context, tiers: Tiers) -> pd.DataFrame:
    rng = ctx.rng("finance", "subventions")
    frame = tiers.frame.set_index("id_tiers")
    rows = []
    for year in ctx.fiscal_years:
        last = min(year_start(year, 12, 31), ctx.today)
        for seq in range(1, _count(ctx, ctx.scale.subsidies_per_year, year) + 1):
            scheme = SCHEMES[int(weighted(rng, [s.weight for s in SCHEMES], 1)[0])]
            ids = tiers.ids_by_kind[scheme.party]
            beneficiary = int(ids[rng.integers(0, len(ids))])
            who = frame.loc[beneficiary]
            signed = year_start(year) + int(rng.integers(0, int((last - year_start(year)).astype(int)) + 1)) * DAY
            subject = scheme.subjects[int(rng.integers(0, len(scheme.subjects)))].format(
                project=PROJECTS[int(rng.integers(0, len(PROJECTS)))],
                place=PUBLIC_PLACES[int(rng.integers(0, len(PUBLIC_PLACES)))], **_unit(rng))
            terms = PAYMENT_TERMS[int(rng.integers(0, len(PAYMENT_TERMS)))]
            person = scheme.party == "personne_physique"
            if person and rng.random() < 0.3:
                subject += f" de {who['prenom']} {who['nom']}"
            if person and rng.random() < 0.2:
                terms = f"Versement sur le compte de {who['prenom']} {who['nom']}"
            elif not person and rng.random() < 0.03:
                terms += f" ; contact du trésorier : {phone_spellings(rng, str(who['telephone']))}"
            staged = "solde" in terms or "deux fois" in terms
            start = signed + int(rng.integers(0, 60)) * DAY
            # Grants to companies fall under a State-aid scheme (RAE) notified to the Commission.
            rae = scheme.party == "entreprise"
            rows.append({
                "id_subvention": len(rows) + 1, "nom_attribuant": UNIVERSITY_NAME, "id_attribuant": UNIVERSITY_SIRET,
                "date_convention": signed, "reference_decision": _decision(rng, year, seq, signed),
                "id_tiers": beneficiary, "objet": subject[:256],
                "montant": float(np.round(rng.uniform(scheme.low, scheme.high), -1)),
                "nature": _pick(rng, {"aide en numéraire": 0.95, "aide en nature": 0.03,
                                      "aide en numéraire;aide en nature": 0.02}),
                "conditions_versement": terms[:256], "date_debut_versement": start,
                "date_fin_versement": start + int(rng.integers(90, 300)) * DAY if staged else np.datetime64("NaT"),
                "id_rae": f"{int(rng.integers(10000, 99999))}" if rae else None, "notification_ue": bool(rae),
                "pourcentage_subvention": 1.0 if person else float(np.round(rng.uniform(0.05, 1.0), 4)),
                "dispositif_aide": scheme.name,
            })
    out = pd.DataFrame(rows)
    # Defects: payments ending before they start; a share below the schema's minimum of 0.01.
    staged = np.flatnonzero(out["date_fin_versement"].notna().to_numpy())
    bad = defect_rows(rng, staged, 0.01)
    out.loc[bad, "date_fin_versement"] = out.loc[bad, "date_debut_versement"] - pd.to_timedelta(20, "D")
    out.loc[defect_rows(rng, len(out), 0.005), "pourcentage_subvention"] = 0.0
    for column in ("date_convention", "date_debut_versement", "date_fin_versement"):
        out[column] = iso_dates(out[column].to_numpy())
    for column in ("objet", "conditions_versement"):
        out[column] = plant(ctx, f"finance.subventions.{column}", out[column].to_numpy())
    return out


def _decision(rng: np.random.Generator, year: int, seq: int, signed: np.datetime64) -> str | None:
    kind = int(rng.integers(0, 4))
    if kind == 0:
        return f"Délibération du CA n° {year}-{seq:03d}"
    if kind == 1:
        return f"Décision du président n° {year}-D{seq:04d}"
    if kind == 2:
        return f"Commission FSDIE du {np.datetime_as_string(signed - 15 * DAY)}"
    return None

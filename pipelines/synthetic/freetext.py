"""Free texts of the sources, with personal data planted on purpose.

Staff comments on students, contract subjects, subsidy conditions and travel
purposes are where personal data hides in real systems: names, phone numbers
in several spellings, e-mail addresses, even a NIR typed with spaces. The same
texts also name buildings and streets after famous persons ("amphithéâtre
Marie Curie"), which are public names and must survive anonymisation.

Every free-text column of every system (``PLANTED`` below) also carries, on
a few rows, persons the sources do not know (a parent, a contractor's
contact, an external jury member, a landlord) in every written form, and
e-mails, phones, NIR, INE, IBAN, RIB, personal addresses and dates of birth
in every written form, beside non-personal look-alikes (eponyms on and off
the steward's list, companies, functional contacts, the institution's site
addresses): ``freetext_persons`` lists the forms. Structure and function
labels get a name very rarely, the way a real label does ("... - secrétariat
de Mme Garnier"). Each column draws from its own random stream, so the rest
of the sources is the same with or without these texts; row counts never
change.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from pipelines.synthetic.context import Context, some_rows
from pipelines.synthetic.freetext_persons import UnknownPersons
from pipelines.synthetic.hr_structures import institution_addresses
from pipelines.synthetic.ref_geo import PUBLIC_PLACES

COMMENT_TEMPLATES: tuple[str, ...] = (
    "Étudiant reçu en entretien le {date} : difficultés de santé signalées, aménagement d'examen accordé.",
    "A contacté la scolarité au {phone} pour une demande de césure.",
    "Dossier de {first} {last} complété, pièces reçues par courriel ({email}).",
    "Mme ou M. {last} demande un report de la session d'examens ; à rappeler au {phone}.",
    "NIR communiqué par l'étudiant pour le dossier de bourse : {nir} (à ne pas conserver).",
    "Convocation pour l'examen de rattrapage dans {place}.",
    "Rendez-vous pris dans {place} avec le directeur des études.",
    "Absences répétées en travaux dirigés, à surveiller.",
    "Comportement inapproprié signalé en TP, entretien avec {first} {last} prévu.",
    "Situation financière difficile, orientation vers l'assistante sociale. Joignable au {phone}.",
    "Stage validé au laboratoire Jean Perrin, convention signée.",
    "Demande de transfert vers une autre université, contacter {email}.",
    "Très bon élément, félicitations du jury.",
    "Aménagement d'études accordé (sportif de haut niveau).",
    "Relevé de notes envoyé à {first} {last}, {street}.",
)

INSCRIPTION_NOTES: tuple[str, ...] = (
    "Pièces justificatives incomplètes.",
    "Paiement de la CVEC à vérifier.",
    "Inscription validée après commission pédagogique.",
    "Étudiant en situation de handicap : tiers temps.",
    "Rappeler l'étudiant au {phone}.",
    "Dossier transmis par {email}.",
    "Attestation envoyée à {first} {last}.",
    "Dérogation accordée pour inscription tardive.",
)

TRAVEL_PURPOSES: tuple[str, ...] = (
    "Colloque international", "Jury de thèse", "Réunion du comité de pilotage", "Mission de recherche",
    "Formation professionnelle", "Soutenance de thèse", "Congrès annuel", "Campagne de mesures",
    "Réunion du réseau national", "Visite d'un établissement partenaire",
)


def phone_spellings(rng: np.random.Generator, phone: str) -> str:
    """One of the ways people type a French mobile: "06 12 34 56 78", "+33 6 12...", "0612345678"..."""
    bare = phone.replace(" ", "")
    kind = int(rng.integers(0, 4))
    if kind == 0:
        return phone
    if kind == 1:
        return "+33 " + bare[1] + " " + " ".join(bare[i:i + 2] for i in range(2, 10, 2))
    if kind == 2:
        return bare
    return ".".join(bare[i:i + 2] for i in range(0, 10, 2))


def spaced_nir(nir: str) -> str:
    """A NIR as people write it: "1 85 05 75 056 123 45"."""
    parts = (nir[0], nir[1:3], nir[3:5], nir[5:7], nir[7:10], nir[10:13], nir[13:15])
    return " ".join(parts)


def fill(rng: np.random.Generator, templates: tuple[str, ...], weights: np.ndarray | None,
         persons: dict[str, np.ndarray], extra: dict[str, np.ndarray] | None = None) -> np.ndarray:
    """One text per row: a template drawn per row, its placeholders filled from that row's person.

    ``persons`` maps placeholder names (first, last, phone, email, street,
    date, nir) to per-row arrays; {place} gets a public place.
    """
    n = len(next(iter(persons.values())))
    p = None if weights is None else weights / weights.sum()
    pick = rng.choice(len(templates), size=n, p=p)
    places = rng.integers(0, len(PUBLIC_PLACES), n)
    out = np.empty(n, dtype=object)
    for i in range(n):
        values = {key: arr[i] for key, arr in persons.items()}
        if extra:
            values.update({key: arr[i] for key, arr in extra.items()})
        if values.get("phone"):
            values["phone"] = phone_spellings(rng, values["phone"])
        if values.get("nir"):
            values["nir"] = spaced_nir(values["nir"])
        values["place"] = PUBLIC_PLACES[places[i]]
        out[i] = templates[pick[i]].format_map(_Blank(values))
    return out


class _Blank(dict):
    """Format mapping where a missing or None value reads as an empty string."""

    def __getitem__(self, key: str) -> str:
        value = super().get(key)
        return "" if value is None else str(value)


class Planting(NamedTuple):
    """What one free-text column receives: texts appended to (or filling) a share of its rows."""

    templates: tuple[str, ...]
    share: float
    limit: int | None = None  # the column's length in the schema


# Placeholders are UnknownPersons' methods: {person} {contact} {civil} {email} {phone} {nir} {ine} {iban}
# {rib} {address} {birth}, and the look-alikes {eponym} {prize} {company} {functional} {site}.
PLANTED: dict[str, Planting] = {
    "hr.structures.libelle": Planting((" - secrétariat de {civil}", " (accueil : {civil})"), 0.02, 200),
    "hr.fonctions.libelle_fonction": Planting((" par intérim, en remplacement de {civil}",
                                               " (suppléance : {civil})"), 0.01, 200),
    "students.commentaires.texte": Planting((
        "Entretien avec la mère de l'étudiant, {person}, joignable au {phone}.",
        "Courrier du père ({person}) : nouvelle adresse {address}.",
        "Hébergé chez {person}, {address}.",
        "Pièces d'état civil vérifiées : {birth}, NIR {nir}.",
        "Membre extérieur du jury de rattrapage : {person} ({email}).",
        "Attestation de stage signée par le tuteur {person} ({company}).",
        "Le propriétaire du logement, {person}, demande une attestation : {email}.",
        "Remboursement des frais d'inscription sur le compte du parent : {iban}.",
        "Coordonnées bancaires du garant : {rib}.",
        "Personne à prévenir en cas d'urgence : {person}, {phone}.",
        "Rendez-vous dans {eponym}, {contact}.",
        "Dossier {ine} transmis au rectorat, {contact}.",
        "Orientée vers la vie étudiante ({functional}) ; accueil au {site}.",
        "Logement obtenu dans {eponym} avec l'aide de {company}.",
    ), 0.06),
    "students.inscriptions.commentaire_interne": Planting((
        "Parent à contacter : {person}, {phone}.", "{ine} à vérifier.", "Adresse de correspondance : {address}.",
        "{birth}, pièce d'identité reçue.", "Frais réglés par {person} (IBAN {iban}).",
        "Dossier transmis par {email}.", "Dossier d'inscription, {contact}.", "Renseignements : {functional}.",
    ), 0.005),
    "finance.marches.objet": Planting((
        "{contact}, {phone}", "à l'attention de {person}, {email}", "responsable technique chez {company} : {person}",
        "expertise confiée à {person}, {address}", "RIB du sous-traitant {person} : {rib}",
        "livraison au {site}, renseignements : {functional}", "réalisation par {company} pour {eponym}",
    ), 0.05, 1000),
    "finance.subventions.objet": Planting((
        "projet porté par {person} ({email})", "{contact}, {phone}", "lauréats du {prize}, cérémonie dans {eponym}",
        "coordination : {person}, {address}",
    ), 0.04, 256),
    "finance.subventions.conditions_versement": Planting((
        "versement sur le compte du trésorier {person} : {iban}", "coordonnées bancaires : {rib}",
        "{contact}, {phone}", "justificatifs à adresser à {person}, {address}", "pièces à envoyer : {functional}",
    ), 0.04, 256),
    "finance.lignes_budgetaires.libelle": Planting((
        "remboursement {person}", "honoraires {person}", "loyer, propriétaire {person}",
        "gratification stagiaire {person}, {birth}", "remboursement à {person}, IBAN {iban}",
        "prestation {company}", "{prize}",
    ), 0.005, 200),
    "finance.frais_deplacement.motif": Planting((
        "membre extérieur du jury : {person}", "hébergement chez {person}, {address}",
        "accompagné de {person} ({phone})", "invité : {person}, {email}", "remise du {prize} dans {eponym}",
    ), 0.02),
}


def plant(ctx: Context, column: str, texts: np.ndarray, candidates: np.ndarray | None = None,
          stream: str = "") -> np.ndarray:
    """``texts`` with ``PLANTED[column]`` written on a few rows (among ``candidates``, default all).

    A planted text follows the existing one after " - " (or fills an empty
    cell); when the column's length would be exceeded it replaces it, so no
    value is ever cut in the middle. ``stream`` separates the random streams
    of a table generated in several parts (a fiscal year of budget lines).
    """
    planting = PLANTED[column]
    rng = ctx.rng(*column.split("."), "unknown_persons", stream)
    persons = UnknownPersons(rng, ctx.seed, lambda: institution_addresses(ctx))
    out = np.asarray(texts, dtype=object).copy()
    for row in some_rows(rng, len(out) if candidates is None else candidates, planting.share):
        text = planting.templates[int(rng.integers(0, len(planting.templates)))].format_map(persons.fields())
        base = out[row]
        if not base:
            text = text.lstrip(" -(").rstrip(")")
            joined = text[0].upper() + text[1:]
        elif text.startswith((" ", "(")):
            joined = f"{base}{text}"
        else:
            joined = f"{base} - {text}"
        if planting.limit is not None and len(joined) > planting.limit:
            joined = (text[0].upper() + text[1:])[:planting.limit]
        out[row] = joined
    return out

"""Free texts of the sources, with personal data planted on purpose.

Staff comments on students, contract subjects, subsidy conditions and travel
purposes are where personal data hides in real systems: names, phone numbers
in several spellings, e-mail addresses, even a NIR typed with spaces. The same
texts also name buildings and streets after famous persons ("amphithéâtre
Marie Curie"), which are public names and must survive anonymisation.
"""

from __future__ import annotations

import numpy as np

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

"""Places and public names the synthetic sources draw from.

Commune codes are real codes of the Code officiel géographique (COG, INSEE)
so that the published files link to national reference data; the university
itself is fictitious and its identity matches ``config/institutions/demo.yaml``.
"""

from __future__ import annotations

from typing import NamedTuple

# The demo institution (config/institutions/demo.yaml): buyer of the public
# contracts and grantor of the subsidies.
UNIVERSITY_NAME = "Université de Démonstration"
UNIVERSITY_SIRET = "19759000300012"
UNIVERSITY_UAI = "0759000A"
MAIL_DOMAIN = "univ-demo.example.fr"
STUDENT_MAIL_DOMAIN = "etu.univ-demo.example.fr"


class Commune(NamedTuple):
    """A commune of the COG: INSEE code, name, main postcode, draw weight near the university."""

    code: str
    name: str
    postcode: str
    weight: float


# Paris and its inner suburbs dominate where staff and students live; the rest
# of France appears for students' birthplaces and some home addresses.
COMMUNES: tuple[Commune, ...] = (
    Commune("75056", "Paris", "75013", 30.0),
    Commune("92050", "Nanterre", "92000", 3.0),
    Commune("93066", "Saint-Denis", "93200", 3.0),
    Commune("94028", "Créteil", "94000", 3.0),
    Commune("92012", "Boulogne-Billancourt", "92100", 3.0),
    Commune("93048", "Montreuil", "93100", 3.0),
    Commune("94081", "Vitry-sur-Seine", "94400", 2.0),
    Commune("92025", "Colombes", "92700", 2.0),
    Commune("78646", "Versailles", "78000", 2.0),
    Commune("91228", "Évry-Courcouronnes", "91000", 1.5),
    Commune("95018", "Argenteuil", "95100", 2.0),
    Commune("92040", "Issy-les-Moulineaux", "92130", 1.5),
    Commune("94080", "Vincennes", "94300", 1.5),
    Commune("93005", "Aulnay-sous-Bois", "93600", 1.5),
    Commune("92044", "Levallois-Perret", "92300", 1.5),
    Commune("92026", "Courbevoie", "92400", 1.5),
    Commune("93008", "Bobigny", "93000", 1.5),
    Commune("95127", "Cergy", "95000", 1.5),
    Commune("78586", "Sartrouville", "78500", 1.0),
    Commune("77284", "Meaux", "77100", 1.0),
    Commune("69123", "Lyon", "69003", 1.0),
    Commune("13055", "Marseille", "13001", 1.0),
    Commune("31555", "Toulouse", "31000", 0.8),
    Commune("33063", "Bordeaux", "33000", 0.8),
    Commune("59350", "Lille", "59000", 1.0),
    Commune("67482", "Strasbourg", "67000", 0.6),
    Commune("34172", "Montpellier", "34000", 0.6),
    Commune("44109", "Nantes", "44000", 0.7),
    Commune("35238", "Rennes", "35000", 0.7),
    Commune("06088", "Nice", "06000", 0.5),
    Commune("51454", "Reims", "51100", 0.5),
    Commune("38185", "Grenoble", "38000", 0.5),
    Commune("21231", "Dijon", "21000", 0.4),
    Commune("49007", "Angers", "49000", 0.4),
    Commune("63113", "Clermont-Ferrand", "63000", 0.4),
    Commune("37261", "Tours", "37000", 0.5),
    Commune("80021", "Amiens", "80000", 0.5),
    Commune("45234", "Orléans", "45000", 0.6),
    Commune("76540", "Rouen", "76000", 0.6),
    Commune("14118", "Caen", "14000", 0.4),
    Commune("54395", "Nancy", "54000", 0.3),
    Commune("86194", "Poitiers", "86000", 0.3),
    Commune("29019", "Brest", "29200", 0.3),
    Commune("87085", "Limoges", "87000", 0.3),
    Commune("2A004", "Ajaccio", "20000", 0.2),
    Commune("97411", "Saint-Denis", "97400", 0.3),
)


class Country(NamedTuple):
    """A country: ISO 3166 alpha-2 code, INSEE code (99xxx, used in the NIR), weight among foreign students."""

    iso2: str
    insee: str
    weight: float


# Foreign students by main countries of origin in French universities.
FOREIGN_COUNTRIES: tuple[Country, ...] = (
    Country("MA", "99350", 14.0),
    Country("DZ", "99352", 12.0),
    Country("TN", "99351", 5.0),
    Country("SN", "99341", 5.0),
    Country("CI", "99326", 4.0),
    Country("CM", "99322", 3.0),
    Country("CN", "99216", 6.0),
    Country("IT", "99127", 3.0),
    Country("ES", "99134", 2.0),
    Country("PT", "99139", 1.5),
    Country("DE", "99109", 1.5),
    Country("BE", "99131", 1.0),
    Country("RO", "99114", 1.5),
    Country("VN", "99243", 1.5),
    Country("LB", "99205", 2.0),
    Country("BR", "99415", 1.5),
    Country("US", "99404", 1.0),
    Country("GB", "99132", 0.8),
    Country("IN", "99223", 1.5),
    Country("MG", "99333", 1.0),
    Country("HT", "99336", 0.8),
    Country("TR", "99208", 1.0),
    Country("CO", "99419", 0.8),
)


class Site(NamedTuple):
    """A campus of the university: address, commune and coordinates (WGS 84)."""

    name: str
    street: str
    postcode: str
    commune_code: str
    commune: str
    latitude: float
    longitude: float


SITES: dict[str, Site] = {
    "curie": Site("Campus Curie", "rue Pierre et Marie Curie", "75005", "75056", "Paris", 48.8451, 2.3440),
    "france": Site("Campus Paris Rive Gauche", "avenue de France", "75013", "75056", "Paris", 48.8296, 2.3790),
    "medecine": Site("Site de l'École de médecine", "rue de l'École de Médecine", "75006", "75056", "Paris",
                     48.8509, 2.3403),
    "denis": Site("Campus de Saint-Denis", "rue Paul Sabatier", "93200", "93066", "Saint-Denis", 48.9362, 2.3574),
}

# Names of famous persons given to buildings, rooms, streets and laboratories:
# they look like person names but are public names, not personal data. The
# same list is kept for stewards in config/public_names.yaml (a test keeps
# both in step).
PUBLIC_NAMES: tuple[str, ...] = (
    "Marie Curie",
    "Pierre et Marie Curie",
    "Jean Perrin",
    "Paul Sabatier",
    "Simone Veil",
    "Louis Pasteur",
    "Claude Bernard",
    "Jean Jaurès",
    "Victor Hugo",
    "Albert Einstein",
    "Camille Jordan",
    "Hubert Curien",
    "Jean Moulin",
    "Émile Zola",
    "Olympe de Gouges",
    "Germaine Tillion",
    "Jacques Monod",
    "Irène Joliot-Curie",
    "René Descartes",
    "Lucie Aubrac",
    "Gisèle Halimi",
    "Joséphine Baker",
    "Ada Lovelace",
    "Pierre Mendès France",
    "Condorcet",
)

# Rooms and buildings where the free texts of the sources send people: each
# carries one of the public names above.
PUBLIC_PLACES: tuple[str, ...] = (
    "l'amphithéâtre Marie Curie",
    "le bâtiment Pierre et Marie Curie",
    "la salle Simone Veil",
    "l'amphithéâtre Louis Pasteur",
    "la bibliothèque Germaine Tillion",
    "la salle Olympe de Gouges",
    "le bâtiment Jacques Monod",
    "l'amphithéâtre Claude Bernard",
    "la salle Ada Lovelace",
    "la maison de l'étudiant Joséphine Baker",
    "le laboratoire Jean Perrin",
    "l'amphithéâtre Gisèle Halimi",
)

PUBLIC_STREETS: tuple[str, ...] = (
    "rue Paul Sabatier",
    "avenue Jean Jaurès",
    "boulevard Victor Hugo",
    "rue Jean Moulin",
    "avenue Albert Einstein",
    "rue Émile Zola",
    "place Lucie Aubrac",
    "rue René Descartes",
    "avenue Pierre Mendès France",
    "rue Condorcet",
)

# French bank codes (code banque of the RIB) used for the synthetic IBANs.
BANK_CODES: tuple[int, ...] = (30004, 30003, 30002, 10278, 11306, 20041, 17515, 18206, 30066, 10107, 12506, 13507)

MAIL_PROVIDERS: tuple[str, ...] = (
    "gmail.com", "gmail.com", "gmail.com", "orange.fr", "free.fr", "laposte.net", "hotmail.fr", "yahoo.fr",
    "outlook.fr", "sfr.fr", "icloud.com", "protonmail.com",
)

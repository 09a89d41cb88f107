"""Nomenclatures of the synthetic finance system (SIFAC-like).

Accounts follow the public accounting plan of universities (comptes par
nature of the M9-3 / GBCP framework); destinations follow the LOLF actions of
programmes 150 and 231; CPV codes are real codes of the EU Common Procurement
Vocabulary (Regulation 213/2008) with their check digit; the DECP values are
the enumerations of the DECP 2.0.3 schema.
"""

from __future__ import annotations

from typing import NamedTuple


class Account(NamedTuple):
    """An account: code, label, envelope, share of budget lines, median amount (euros), kind of third party."""

    code: str
    label: str
    envelope: str
    weight: float
    median: float
    party: str | None


ACCOUNTS: tuple[Account, ...] = (
    Account("6061", "Fournitures non stockables (eau, énergie)", "fonctionnement", 3, 2500, "entreprise"),
    Account("6063", "Fournitures d'entretien et de petit équipement", "fonctionnement", 8, 350, "entreprise"),
    Account("6064", "Fournitures administratives", "fonctionnement", 8, 150, "entreprise"),
    Account("6068", "Autres matières et fournitures", "fonctionnement", 10, 600, "entreprise"),
    Account("6132", "Locations immobilières", "fonctionnement", 1, 8000, "entreprise"),
    Account("6135", "Locations mobilières", "fonctionnement", 2, 900, "entreprise"),
    Account("6152", "Entretien et réparations sur biens immobiliers", "fonctionnement", 3, 2500, "entreprise"),
    Account("6156", "Maintenance", "fonctionnement", 4, 1800, "entreprise"),
    Account("6161", "Primes d'assurance", "fonctionnement", 0.5, 5000, "entreprise"),
    Account("6183", "Documentation technique et bibliothèque", "fonctionnement", 4, 800, "entreprise"),
    Account("6226", "Honoraires", "fonctionnement", 1, 3000, "entreprise"),
    Account("6231", "Annonces et insertions", "fonctionnement", 1, 1200, "entreprise"),
    Account("6236", "Catalogues et imprimés", "fonctionnement", 2, 600, "entreprise"),
    Account("6251", "Voyages et déplacements", "fonctionnement", 12, 280, "personne_physique"),
    Account("6256", "Missions", "fonctionnement", 8, 350, "personne_physique"),
    Account("6257", "Réceptions", "fonctionnement", 3, 400, "entreprise"),
    Account("6261", "Frais postaux", "fonctionnement", 1, 200, "entreprise"),
    Account("6262", "Frais de télécommunications", "fonctionnement", 2, 700, "entreprise"),
    Account("6281", "Cotisations", "fonctionnement", 1, 1200, "association"),
    Account("6283", "Formation continue du personnel", "fonctionnement", 2, 900, "entreprise"),
    Account("6288", "Autres services extérieurs divers", "fonctionnement", 3, 1000, "entreprise"),
    Account("6574", "Subventions aux associations", "fonctionnement", 1, 1500, "association"),
    Account("6411", "Rémunérations principales des personnels titulaires", "personnel", 1.2, 180000, None),
    Account("6413", "Primes et indemnités", "personnel", 1.0, 40000, None),
    Account("6415", "Rémunérations des personnels contractuels", "personnel", 1.0, 90000, None),
    Account("6451", "Cotisations à l'URSSAF", "personnel", 0.8, 70000, None),
    Account("6453", "Cotisations aux caisses de retraite", "personnel", 0.8, 60000, None),
    Account("2051", "Concessions, droits similaires et logiciels", "investissement", 0.5, 15000, "entreprise"),
    Account("2154", "Matériel scientifique", "investissement", 1.5, 25000, "entreprise"),
    Account("2183", "Matériel de bureau et matériel informatique", "investissement", 2, 3500, "entreprise"),
    Account("2184", "Mobilier", "investissement", 1, 4000, "entreprise"),
    Account("2313", "Constructions en cours", "investissement", 0.3, 150000, "entreprise"),
)

DESTINATIONS: tuple[tuple[str, str, str], ...] = (
    ("101", "Formation initiale et continue du baccalauréat à la licence", "150"),
    ("102", "Formation initiale et continue de niveau master", "150"),
    ("103", "Formation initiale et continue de niveau doctorat", "150"),
    ("105", "Bibliothèques et documentation", "150"),
    ("106", "Recherche universitaire en sciences de la vie, biotechnologies et santé", "150"),
    ("107", "Recherche universitaire en mathématiques, sciences et techniques de l'information et de la "
            "communication, micro et nanotechnologies", "150"),
    ("108", "Recherche universitaire en physique, chimie et sciences pour l'ingénieur", "150"),
    ("111", "Recherche universitaire en sciences de l'homme et de la société", "150"),
    ("112", "Recherche universitaire interdisciplinaire et transversale", "150"),
    ("113", "Diffusion des savoirs et musées", "150"),
    ("114", "Immobilier", "150"),
    ("115", "Pilotage et support du programme", "150"),
    ("203", "Santé des étudiants et activités associatives, culturelles et sportives", "231"),
)


class Cpv(NamedTuple):
    """A CPV code with its check digit, the usual CCAG and subjects.

    In subjects, {place} is a building, {street} a street, {unit} a
    component or laboratory ("l'UFR de chimie") and {of} the same after
    "de" ("de l'UFR de chimie").
    """

    code: str
    ccag: str
    subjects: tuple[str, ...]
    origin: bool = False


FCS, TIC, PI, TRAVAUX = ("Fournitures courantes et services", "Techniques de l'information et de la communication",
                         "Prestations intellectuelles", "Travaux")

CPV_CODES: tuple[Cpv, ...] = (
    Cpv("30192000-1", FCS, ("Fourniture de papeterie et de consommables de bureau",)),
    Cpv("30213100-6", TIC, ("Acquisition d'ordinateurs portables pour {unit}",)),
    Cpv("30200000-1", TIC, ("Fourniture de matériel informatique et de périphériques",)),
    Cpv("48000000-8", TIC, ("Acquisition de licences logicielles pour {unit}",)),
    Cpv("72000000-5", TIC, ("Prestations d'assistance informatique",)),
    Cpv("72260000-5", TIC, ("Tierce maintenance applicative du système d'information",)),
    Cpv("48820000-2", TIC, ("Fourniture de serveurs de calcul pour {unit}",)),
    Cpv("32420000-3", TIC, ("Renouvellement des équipements réseau de {place}",)),
    Cpv("90910000-9", FCS, ("Nettoyage des locaux de {place}",)),
    Cpv("90919200-4", FCS, ("Nettoyage des bureaux {of}",)),
    Cpv("45000000-7", TRAVAUX, ("Travaux de rénovation de {place}",)),
    Cpv("45210000-2", TRAVAUX, ("Construction d'un bâtiment d'enseignement, {street}",)),
    Cpv("45453000-7", TRAVAUX, ("Réhabilitation de {place}", "Mise en accessibilité de {place}")),
    Cpv("50700000-2", FCS, ("Maintenance des installations techniques de {place}",)),
    Cpv("50000000-5", FCS, ("Maintenance des équipements scientifiques {of}",)),
    Cpv("09310000-5", FCS, ("Fourniture d'électricité des sites de l'université",)),
    Cpv("09123000-7", FCS, ("Fourniture de gaz naturel des sites de l'université",)),
    Cpv("55520000-1", FCS, ("Prestations de traiteur pour les manifestations de l'université",)),
    Cpv("33696500-0", FCS, ("Fourniture de réactifs de laboratoire pour {unit}",)),
    Cpv("38000000-5", FCS, ("Acquisition d'un équipement scientifique pour {unit}",)),
    Cpv("38430000-8", FCS, ("Acquisition d'un spectromètre de masse pour {unit}",)),
    Cpv("39160000-1", FCS, ("Fourniture de mobilier pour {place}",)),
    Cpv("22110000-4", FCS, ("Acquisition d'ouvrages pour la bibliothèque universitaire Marie Curie",)),
    Cpv("22200000-2", FCS, ("Abonnements à des périodiques scientifiques",)),
    Cpv("79341000-6", FCS, ("Campagne de communication de la rentrée universitaire",)),
    Cpv("80000000-4", PI, ("Formation des personnels à la prévention des risques",)),
    Cpv("63512000-1", FCS, ("Prestations d'agence de voyages pour les missions des personnels",)),
    Cpv("64200000-8", TIC, ("Services de téléphonie fixe et mobile",)),
    Cpv("66510000-8", "Pas de CCAG", ("Assurance des biens et de la responsabilité civile de l'université",)),
    Cpv("71000000-8", "Maitrise d'œuvre", ("Maîtrise d'œuvre pour la réhabilitation de {place}",)),
    Cpv("79530000-8", PI, ("Prestations de traduction de documents administratifs",)),
    Cpv("73000000-2", PI, ("Prestations d'études pour {unit}",)),
    Cpv("15000000-8", FCS, ("Fourniture de denrées alimentaires pour le restaurant du personnel",), True),
    Cpv("34110000-1", FCS, ("Acquisition de véhicules de service électriques",), True),
    Cpv("33100000-1", FCS, ("Fourniture d'équipements médicaux pour le service de santé étudiante",), True),
    Cpv("18000000-9", FCS, ("Fourniture de vêtements de travail et d'équipements de protection",), True),
    Cpv("30125100-2", FCS, ("Fourniture de cartouches d'impression",)),
    Cpv("90500000-2", FCS, ("Collecte et traitement des déchets chimiques des laboratoires",)),
    Cpv("77310000-6", FCS, ("Entretien des espaces verts de {place}",)),
    Cpv("85140000-2", FCS, ("Prestations de médecine préventive des personnels",)),
)

# DECP 2.0.3 enumerations (schema_decp_v2.0.3.json), with draw weights.
NATURES: dict[str, float] = {"Marché": 0.97, "Marché de partenariat": 0.01, "Marché de défense ou de sécurité": 0.02}
PROCEDURES: dict[str, float] = {
    "Procédure adaptée": 0.55, "Appel d'offres ouvert": 0.30, "Appel d'offres restreint": 0.03,
    "Procédure avec négociation": 0.05, "Marché passé sans publicité ni mise en concurrence préalable": 0.06,
    "Dialogue compétitif": 0.01,
}
PRICE_FORMS: dict[str, float] = {"Forfaitaire": 0.45, "Unitaire": 0.40, "Mixte": 0.15}
PRICE_TYPES: tuple[str, ...] = ("Définitif ferme", "Définitif actualisable", "Définitif révisable", "Provisoire")
GROUPINGS: dict[str, float] = {"Pas de groupement": 0.85, "Conjoint": 0.10, "Solidaire": 0.05}
SOCIAL: tuple[str, ...] = ("Clause sociale", "Critère social", "Marché réservé", "Pas de considération sociale")
ENVIRONMENTAL: tuple[str, ...] = ("Clause environnementale", "Critère environnemental",
                                  "Pas de considération environnementale")
TECHNIQUES: tuple[str, ...] = ("Accord-cadre", "Concours", "Système de qualification",
                               "Système d'acquisition dynamique", "Catalogue électronique", "Enchère électronique",
                               "Sans objet")
EXECUTION_MODES: tuple[str, ...] = ("Tranches", "Bons de commande", "Marchés subséquents", "Sans objet")


class Scheme(NamedTuple):
    """A subsidy scheme (dispositif d'aide): beneficiaries, amount range, subjects."""

    name: str
    party: str
    low: float
    high: float
    subjects: tuple[str, ...]
    weight: float


SCHEMES: tuple[Scheme, ...] = (
    Scheme("Fonds de solidarité et de développement des initiatives étudiantes (FSDIE)", "association", 300, 8000,
           ("Soutien au projet « {project} »", "Organisation du gala annuel", "Week-end d'intégration solidaire",
            "Festival étudiant dans {place}"), 5),
    Scheme("Contribution de vie étudiante et de campus (CVEC) – appel à projets", "association", 500, 15000,
           ("Épicerie solidaire étudiante", "Actions de prévention santé sur le campus",
            "Ateliers culturels dans {place}", "Tutorat par les pairs"), 4),
    Scheme("Soutien aux manifestations scientifiques", "association", 1000, 20000,
           ("Colloque international organisé dans {place}", "Journées des doctorants",
            "Fête de la science dans {place}"), 2),
    Scheme("Aide à la mobilité internationale", "personne_physique", 300, 3000,
           ("Aide individuelle à la mobilité internationale (semestre d'études)",
            "Aide individuelle pour un stage à l'étranger"), 3),
    Scheme("Prix de thèse de l'université", "personne_physique", 1000, 3000, ("Prix de thèse",), 0.7),
    Scheme("Incubateur – soutien aux jeunes entreprises innovantes", "entreprise", 5000, 50000,
           ("Amorçage d'une jeune entreprise issue {of}", "Maturation d'un projet de valorisation"), 1),
    Scheme("Partenariat culturel", "association", 2000, 20000,
           ("Saison culturelle dans {place}", "Résidence d'artistes à l'université"), 1),
)

PAYMENT_TERMS: tuple[str, ...] = (
    "Versement unique à la signature de la convention",
    "70 % à la signature de la convention, solde sur présentation du bilan",
    "Versement en deux fois : 50 % à la signature, 50 % sur justificatifs",
    "Versement unique après la manifestation, sur présentation des justificatifs",
)

ASSOCIATION_NAMES: tuple[str, ...] = (
    "Bureau des étudiants de {component}", "Association des étudiants en {discipline}",
    "Association des doctorants du laboratoire Jean Perrin", "Théâtre universitaire Olympe de Gouges",
    "Les amis de la bibliothèque Germaine Tillion", "Association sportive de l'Université de Démonstration",
    "Radio campus Démonstration", "Épicerie solidaire étudiante", "Tutorat santé Démonstration",
    "Junior-Entreprise de {component}", "Handi'Campus", "Chorale universitaire", "Club d'astronomie Hubert Curien",
    "Association des étudiants étrangers", "Ciné-club universitaire", "Association {discipline} solidaire",
)

PUBLIC_BODIES: tuple[str, ...] = (
    "Centre national de la recherche scientifique – délégation Paris-Centre",
    "Institut national de la santé et de la recherche médicale – délégation Île-de-France",
    "Centre régional des œuvres universitaires et scolaires", "Communauté d'universités et établissements du Sud",
    "Rectorat de la région académique", "Institut national de recherche en informatique et en automatique",
)

# Intra-EU VAT numbers of foreign suppliers: country, prefix, number of digits, suffix.
FOREIGN_VAT_FORMATS: tuple[tuple[str, str, int, str], ...] = (
    ("DE", "DE", 9, ""), ("BE", "BE0", 9, ""), ("IT", "IT", 11, ""), ("ES", "ESB", 8, ""), ("NL", "NL", 9, "B01"),
)

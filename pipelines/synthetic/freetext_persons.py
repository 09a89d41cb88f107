"""Persons the sources do not know, and personal identifiers, written every way real free text writes them.

Real comments, contract subjects and payment conditions name people who are
neither agents, students nor third parties of the finance system: a
contractor's contact, an external jury member, a parent, a landlord, a
visitor. No deny-list can know them, so the synthetic sources plant them to
exercise the free-text scanner. Their names come from a Faker fr_FR seeded
apart from the sources' own persons, plus surnames with particles and
compounds, and are written in every form met in practice:

- ``first_last`` "Ysoline Quenardel", ``upper_last_first`` "QUENARDEL Ysoline",
  ``last_first`` "Quenardel Ysoline", ``civility`` "Mme Quenardel",
  "M. Yves Quenardel", ``title`` "Dr. Quenardel", "Pr Yves Quenardel",
  "Me Quenardel", ``initials`` "J.-P. Quenardel", "Y. Quenardel", ``lower``
  "ysoline quenardel"; a surname alone after a role word ("suivi par
  Quenardel"); a name introduced by a role ("contact :", "responsable :",
  "à l'attention de", "suivi par").

Identifiers come in every written form too: e-mails plain and obfuscated
("[at]", "(at)", "arobase ... point"), phones (spaces, dots, dashes, slashes,
none, +33, 0033, +33 (0), irregular groups), NIR with a valid key (spaced or
not), INE with or without the word "INE", valid IBAN (grouped or not) and RIB
(bank, branch, account and a valid RIB key), personal postal addresses
(number, bis/ter, street type and name, postcode, town; résidence;
lieu-dit) and dates of birth ("né le 12/03/2001", "née le 3 mars 2001",
"date de naissance : ...").

Beside them, to keep the scanner's precision honest, non-personal content
that looks personal: eponyms on the steward's list and off it ("résidence
universitaire Albert Camus"), prizes and grants named after someone ("prix
Henri Poincaré"), companies with a legal
form or named after their founder, the institution's functional contacts and
its own site addresses.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np
from faker import Faker

from pipelines.synthetic.identifiers import UAI_LETTERS, ibans_fr, nirs
from pipelines.synthetic.people import slug as people_slug
from pipelines.synthetic.ref_geo import BANK_CODES, COMMUNES, MAIL_DOMAIN, MAIL_PROVIDERS, PUBLIC_PLACES

# Surnames with particles, articles and compounds that Faker's lists lack.
PARTICLE_SURNAMES = ("de La Tour", "Le Bihan", "Dupont-Lefèvre", "de Villiers", "d'Arvieu", "Du Plessis",
                     "Van den Broeck", "Ben Saïd", "Le Gall", "Lefort", "Garnier-Roux", "de la Fontaine",
                     "Le Goff-Morvan", "Da Silva", "Saint-Clair", "L'Hermite")
CIVILITIES = {"female": ("Mme", "Mme", "Madame", "Mlle"), "male": ("M.", "M.", "Monsieur")}
TITLES = ("Dr", "Dr.", "Pr", "Pr.", "Me")
ROLES = ("contact :", "responsable :", "à l'attention de", "suivi par", "interlocuteur :", "référent :")
PERSON_FORMS = ("first_last", "upper_last_first", "last_first", "civility", "title", "initials", "lower")
PERSON_WEIGHTS = np.array([3.0, 2.0, 1.0, 2.0, 1.5, 1.5, 1.0])

STREET_TYPES = ("rue", "avenue", "boulevard", "allée", "impasse", "chemin", "place", "quai", "square", "route")
STREET_NAMES = ("des Lilas", "du Moulin", "des Tanneurs", "de la Forge", "des Cerisiers", "du Lavoir",
                "des Glycines", "de la Fontaine aux Loups", "des Peupliers", "du Vieux Pont", "des Vignes",
                "de la Garenne", "des Hirondelles", "du Clos Fleuri", "des Marronniers")
RESIDENCES = ("Résidence Les Glycines", "Résidence du Parc", "Résidence Les Tilleuls", "Résidence Beausoleil")
LIEUX_DITS = ("La Croix-Brisée", "Le Haut-Bois", "Les Grands Champs", "La Métairie", "Le Moulin Neuf")
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")

# Non-personal content that looks like a person: to be kept by the scanner.
UNLISTED_EPONYMS = ("la résidence universitaire Albert Camus", "la salle Marguerite Yourcenar",
                    "la médiathèque Louise Michel", "le gymnase Alain Mimoun", "le collège Jean Rostand",
                    "la fondation Charles Nicolle", "l'amphithéâtre Paul Ricœur")
PRIZES = ("prix Henri Poincaré", "bourse Pierre-Gilles de Gennes", "prix Françoise Héritier",
          "chaire Paul Ricœur", "prix de thèse Jean-Pierre Vernant")
COMPANIES = ("Établissements Poulain et Fils SARL", "Cabinet Mercier & Associés", "Transports Girard SA",
             "Imprimerie Renaud EURL", "Dubreuil Frères SAS", "Boulangerie Lemoine SARL",
             "Menuiserie Charpentier SAS", "Fiduciaire Lambert et Associés SELARL")
FUNCTIONAL_CONTACTS = (f"scolarite@{MAIL_DOMAIN}", "standard de l'université, 01 44 27 00 00",
                       f"achats@{MAIL_DOMAIN}", f"cellule des marchés, marches@{MAIL_DOMAIN}",
                       f"vie-etudiante@{MAIL_DOMAIN}", "accueil du service financier, 01 44 27 10 00")


class UnknownPersons:
    """A seeded source of persons unknown to the systems and of texts written about them.

    Each method returns one text; the mapping returned by ``fields`` lets a
    template name them ("{person}", "{phone}"...) and draws only what the
    template uses.
    """

    def __init__(self, rng: np.random.Generator, seed: int, sites: Callable[[], list[str]]) -> None:
        self.rng = rng
        self.female, self.male, self.surnames = _name_pools(seed)
        self._sites = sites
        self._site_addresses: list[str] = []

    def _pick(self, items: tuple[str, ...] | list[str]) -> str:
        return items[int(self.rng.integers(0, len(items)))]

    def _names(self) -> tuple[str, str, bool]:
        female = bool(self.rng.random() < 0.5)
        return self._pick(self.female if female else self.male), self._pick(self.surnames), female

    def person(self, form: str | None = None) -> str:
        """A person's name in one of PERSON_FORMS (drawn when not given)."""
        first, last, female = self._names()
        if form is None:
            form = PERSON_FORMS[int(self.rng.choice(len(PERSON_FORMS), p=PERSON_WEIGHTS / PERSON_WEIGHTS.sum()))]
        full = self.rng.random() < 0.5
        if form == "upper_last_first":
            return f"{last.upper()} {first}"
        if form == "last_first":
            return f"{last} {first}"
        if form == "civility":
            civility = self._pick(CIVILITIES["female" if female else "male"])
            return f"{civility} {first} {last}" if full else f"{civility} {last}"
        if form == "title":
            return f"{self._pick(TITLES)} {first} {last}" if full else f"{self._pick(TITLES)} {last}"
        if form == "initials":
            return f"{initials(first)} {last}"
        if form == "lower":
            return f"{first} {last}".lower()
        return f"{first} {last}"

    def contact(self) -> str:
        """A name introduced by a role word: "contact : Ysoline Quenardel", "suivi par Quenardel"."""
        role = self._pick(ROLES)
        if role == "suivi par" and self.rng.random() < 0.5:
            return f"{role} {self._names()[1]}"
        return f"{role} {self.person()}"

    def civil(self) -> str:
        """A civility and a surname, the way a label names a secretary: "Mme Garnier"."""
        first, last, female = self._names()
        return f"{CIVILITIES['female' if female else 'male'][0]} {last}"

    def surname_alone(self) -> str:
        return self._names()[1]

    def email(self) -> str:
        first, last, _ = self._names()
        f, s = slug(first), slug(last)
        local = self._pick((f"{f}.{s}", f"{f[0]}{s}", f"{f}_{s}", f"{s}.{f}{int(self.rng.integers(1, 99))}"))
        host, _, tld = self._pick(MAIL_PROVIDERS).rpartition(".")
        kind = int(self.rng.integers(0, 5))
        if kind == 1:
            return f"{local} [at] {host}.{tld}"
        if kind == 2:
            return f"{local}(at){host}.{tld}"
        if kind == 3:
            return f"{local} arobase {host} point {tld}"
        return f"{local}@{host}.{tld}"

    def phone(self) -> str:
        head = self._pick(("06", "07", "06", "01", "02", "04", "09"))
        digits = head + "".join(str(d) for d in self.rng.integers(0, 10, 8))
        return phone_form(digits, int(self.rng.integers(0, 11)))

    def nir(self) -> str:
        birth = np.datetime64("1950-01-01") + int(self.rng.integers(0, 20_000))
        place = self._pick([c.code for c in COMMUNES])
        value = str(nirs(np.array([self.rng.random() < 0.5]), np.array([birth], dtype="datetime64[D]"),
                         np.array([place]), np.array([int(self.rng.integers(1, 1000))]))[0])
        if self.rng.random() < 0.5:
            return value
        return " ".join((value[0], value[1:3], value[3:5], value[5:7], value[7:10], value[10:13], value[13:]))

    def ine(self) -> str:
        # The two shapes of the INE: 10 digits and a letter, or 9 digits and two letters.
        number = "".join(str(d) for d in self.rng.integers(0, 10, 10))
        letters = "".join(self._pick(list(UAI_LETTERS)) for _ in range(2))
        value = number + letters[0] if self.rng.random() < 0.8 else number[:9] + letters
        return self._pick((f"INE : {value}", f"n° INE {value}", f"numéro INE {value}", value, f"({value})"))

    def iban(self) -> str:
        value = str(ibans_fr(self.rng, 1, BANK_CODES)[0])
        return value if self.rng.random() < 0.4 else " ".join(value[i:i + 4] for i in range(0, len(value), 4))

    def rib(self) -> str:
        value = str(ibans_fr(self.rng, 1, BANK_CODES)[0])
        bank, branch, account, key = value[4:9], value[9:14], value[14:25], value[25:27]
        return self._pick((f"banque {bank} guichet {branch} compte {account} clé {key}",
                           f"RIB : {bank} {branch} {account} {key}",
                           f"code banque : {bank}, code guichet : {branch}, n° de compte : {account}, "
                           f"clé RIB : {key}"))

    def address(self) -> str:
        commune = self._pick(COMMUNES)
        town = commune.name.upper() if self.rng.random() < 0.3 else commune.name
        number = f"{int(self.rng.integers(1, 180))}{self._pick(('', '', '', ' bis', ' ter', 'bis'))}"
        street = f"{self._pick(STREET_TYPES)} {self._pick(STREET_NAMES)}"
        kind = int(self.rng.integers(0, 5))
        if kind == 1:
            return f"{self._pick(RESIDENCES)}, bât. B, appt {int(self.rng.integers(1, 60))}, {number} {street}, " \
                   f"{commune.postcode} {town}"
        if kind == 2:
            return f"lieu-dit {self._pick(LIEUX_DITS)}, {commune.postcode} {town}"
        if kind == 3:
            return f"{number}, {street} - {commune.postcode} {town}"
        return f"{number} {street}, {commune.postcode} {town}"

    def birth(self) -> str:
        day = np.datetime64("1955-01-01") + int(self.rng.integers(0, 19_000))
        year, month, dom = (int(x) for x in str(day).split("-"))
        female = self.rng.random() < 0.5
        born = "née" if female else "né"
        kind = int(self.rng.integers(0, 6))
        if kind == 1:
            return f"{born} le {'1er' if dom == 1 else dom} {MONTHS[month - 1]} {year}"
        if kind == 2:
            return f"date de naissance : {dom:02d}/{month:02d}/{year}"
        if kind == 3:
            return f"né(e) le {dom:02d}.{month:02d}.{year}"
        if kind == 4:
            return f"{born} le {year}-{month:02d}-{dom:02d}"
        if kind == 5:
            return f"DDN {dom:02d}/{month:02d}/{year % 100:02d}"
        return f"{born} le {dom:02d}/{month:02d}/{year}"

    def eponym(self) -> str:
        return self._pick(PUBLIC_PLACES if self.rng.random() < 0.5 else UNLISTED_EPONYMS)

    def prize(self) -> str:
        return self._pick(PRIZES)

    def company(self) -> str:
        return self._pick(COMPANIES)

    def functional(self) -> str:
        return self._pick(FUNCTIONAL_CONTACTS)

    def site(self) -> str:
        """One of the institution's own addresses, exactly as the structures referential gives it."""
        if not self._site_addresses:
            self._site_addresses = self._sites()
        return self._pick(self._site_addresses)

    def fields(self) -> _Fields:
        return _Fields(self)


@lru_cache(maxsize=4)
def _name_pools(seed: int) -> tuple[list[str], list[str], list[str]]:
    """Female first names, male first names and surnames of the unknown persons, built once per seed."""
    fake = Faker("fr_FR")
    # Seeded apart from the sources' name pools: these persons are nobody in HR, students or tiers.
    fake.seed_instance(seed + 4242)
    female = sorted({fake.first_name_female() for _ in range(200)})
    male = sorted({fake.first_name_male() for _ in range(200)})
    return female, male, sorted({fake.last_name() for _ in range(400)}) + list(PARTICLE_SURNAMES)


class _Fields(dict):
    """A format mapping that draws a value only when a template asks for it."""

    def __init__(self, persons: UnknownPersons) -> None:
        super().__init__()
        self.persons = persons

    def __missing__(self, key: str) -> str:
        method: Callable[[], str] = getattr(self.persons, key)
        return method()


def initials(first: str) -> str:
    """ "Jean-Pierre" -> "J.-P.", "Marie" -> "M." """
    return "-".join(part[0] + "." for part in first.split("-") if part)


def slug(text: str) -> str:
    """E-mail form of a name, hyphens dropped too ("Jean-Pierre" -> "jeanpierre")."""
    return people_slug(text).replace("-", "")


def phone_form(digits: str, kind: int) -> str:
    """A French number (10 digits) in one of eleven written forms."""
    pairs = [digits[i:i + 2] for i in range(0, 10, 2)]
    national = digits[1:]
    spaced = " ".join([national[0]] + [national[i:i + 2] for i in range(1, 9, 2)])
    forms = (" ".join(pairs), ".".join(pairs), "-".join(pairs), "/".join(pairs), digits,
             f"+33 {spaced}", f"+33{national}", f"0033 {spaced}", f"+33 (0){spaced}",
             f"{digits[:3]} {digits[3:6]} {digits[6:8]} {digits[8:]}", f"{digits[:2]} {digits[2:5]} {digits[5:8]} "
             f"{digits[8:]}")
    return forms[kind]

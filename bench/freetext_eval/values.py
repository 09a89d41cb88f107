"""Values of the evaluation set: fictitious persons and identifiers in every written form.

Each generator returns *pieces*: ``(text, annotation)`` pairs where the
annotation is ``None`` for context words ("né le ", "Mme ") and
``(type, form, person)`` for the personal value itself, so the builder can
compute exact offsets. Keys are computed (NIR, IBAN, RIB) so that a scanner
checking them is measured fairly.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
NAMES = yaml.safe_load((HERE / "names.yaml").read_text(encoding="utf-8"))

Annotation = tuple[str, str, tuple[str, str] | None]
Piece = tuple[str, Annotation | None]

PERSON_FORMS = ("first_last", "upper_last_first", "last_first", "title_surname", "title_first_last", "initials",
                "particle", "compound", "lowercase", "surname_alone", "role_intro", "foreign_origin",
                "common_word")
# Forms a template may ask for without context words of its own.
PERSON_FREE_FORMS = ("first_last", "upper_last_first", "last_first", "title_surname", "title_first_last",
                     "initials", "particle", "compound", "foreign_origin", "common_word")
FORMS = {
    "PERSON": PERSON_FORMS,
    "EMAIL": ("plain", "webmail", "obfuscated_bracket", "obfuscated_words"),
    "TELEPHONE": ("spaces", "dots", "dashes", "slashes", "compact", "plus33", "plus33_0", "intl_0033", "irregular",
                  "landline"),
    "NIR": ("spaced", "compact", "corsica"),
    "INE": ("digits_letter_context", "digits_letter_bare", "digits_2letters_context", "digits_2letters_bare",
            "alnum_context", "alnum_bare"),
    "IBAN": ("spaced", "compact"),
    "RIB": ("line", "labelled"),
    "ADDRESS": ("street", "bis_ter", "residence", "lieu_dit", "street_no_town", "upper"),
    "BIRTH_DATE": ("ne_le_numeric", "ne_le_words", "label", "ddn_short", "with_place"),
}
STRUCTURED = tuple(t for t in FORMS if t != "PERSON")

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")
TITLES_F = ("Mme", "Mme", "Madame", "Mlle", "Dr", "Dr.", "Pr", "Pr.", "Me", "Docteure", "Professeure")
TITLES_M = ("M.", "M.", "Monsieur", "Dr", "Dr.", "Pr", "Pr.", "Me", "Docteur", "Professeur")
TOWNS = (("38000", "Grenoble"), ("38100", "Grenoble"), ("38400", "Saint-Martin-d'Hères"), ("38130", "Échirolles"),
         ("38240", "Meylan"), ("38320", "Eybens"), ("69007", "Lyon"), ("69100", "Villeurbanne"), ("73000", "Chambéry"),
         ("74000", "Annecy"), ("26000", "Valence"), ("26400", "Crest"), ("07200", "Aubenas"), ("05000", "Gap"),
         ("13006", "Marseille"), ("75011", "Paris"), ("31400", "Toulouse"), ("44000", "Nantes"), ("29200", "Brest"),
         ("97400", "Saint-Denis"), ("20000", "Ajaccio"), ("63000", "Clermont-Ferrand"), ("01000", "Bourg-en-Bresse"),
         ("42000", "Saint-Étienne"), ("38500", "Voiron"), ("73200", "Albertville"), ("38660", "Le Touvet"))
STREET_TYPES = ("rue", "rue", "avenue", "bd", "boulevard", "allée", "impasse", "chemin", "place", "quai", "route",
                "montée", "cours", "square")
STREET_NAMES = ("des Lilas", "du Moulin", "de la Gare", "des Écoles", "Victor Hugo", "Jean Jaurès", "des Alpes",
                "du Vercors", "de Chartreuse", "des Acacias", "des Peupliers", "de la République", "du Stade",
                "Paul Bert", "des Glycines", "du Général Ferrié", "de l'Église", "des Vignes", "du Lac",
                "Anatole France", "des Cerisiers", "de Belledonne", "Berlioz", "des Martyrs", "de la Libération",
                "du Drac", "de l'Isère", "des Tilleuls", "Gustave Eiffel", "du Pré Long")
RESIDENCES = ("Résidence Les Tilleuls", "résidence Le Belvédère", "Résidence du Parc", "résidence Les Jardins d'Hélios",
              "Résidence Le Clos Fleuri", "résidence Les Cèdres")
LIEUX_DITS = ("Les Granges", "La Combe", "Le Mas Rouge", "Les Essarts", "La Croix Blanche", "Le Bourg")
MAIL_HOSTS = ("univ-demo.fr", "etu.univ-demo.fr", "univ-x.fr", "univ-lyon9.fr", "cnrs-demo.fr", "inria-demo.fr")
WEBMAILS = ("gmail.com", "orange.fr", "laposte.net", "free.fr", "yahoo.fr", "hotmail.fr", "outlook.fr", "sfr.fr",
            "wanadoo.fr", "icloud.com", "protonmail.com")
RIB_TABLE = {c: str(d) for d, group in enumerate(("AJ", "BKS", "CLT", "DMU", "ENV", "FOW", "GPX", "HQY", "IRZ"), 1)
             for c in group}


def rib_key(bank: str, branch: str, account: str) -> str:
    """The RIB key: 97 - ((89 * bank + 15 * branch + 3 * account) mod 97), letters by the RIB table."""
    digits = "".join(RIB_TABLE.get(c, c) for c in account.upper())
    return f"{97 - (89 * int(bank) + 15 * int(branch) + 3 * int(digits)) % 97:02d}"


def iban_fr(bban: str) -> str:
    """A French IBAN with its ISO 7064 check digits."""
    number = "".join(str(int(c, 36)) for c in bban + "FR00")
    return f"FR{98 - int(number) % 97:02d}{bban}"


def nir_key(first13: str) -> str:
    """The NIR key, Corsica's 2A and 2B counted as 19 and 18."""
    value = int(first13.replace("2A", "19").replace("2B", "18"))
    return f"{97 - value % 97:02d}"


@dataclass
class Person:
    first: str
    last: str
    female: bool

    @property
    def pair(self) -> tuple[str, str]:
        return self.first, self.last


class Values:
    """Seeded generators of personal values and of their written forms."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def choice(self, seq):  # noqa: ANN001, ANN201
        return self.rng.choice(seq)

    def _apostrophe(self, text: str) -> str:
        return text.replace("'", "’") if self.rng.random() < 0.4 else text

    def person(self, kind: str = "plain") -> Person:
        female = self.rng.random() < 0.5
        first = self.choice(NAMES["first_names_f" if female else "first_names_m"])
        last = self.choice(NAMES["surnames"])
        if kind == "particle":
            last = self._apostrophe(self.choice(NAMES["particle_surnames"]))
        elif kind == "compound":
            other = self.choice(NAMES["surnames"])
            last = f"{last}-{other}" if self.rng.random() < 0.7 else f"{last} {other}"
        elif kind == "foreign_origin":
            first = self.choice(NAMES["foreign_first_names_f" if female else "foreign_first_names_m"]
                                + NAMES["first_names_f" if female else "first_names_m"][:10])
            last = self._apostrophe(self.choice(NAMES["foreign_surnames"]))
        elif kind == "common_word":
            if self.rng.random() < 0.6:
                last = self.choice(NAMES["common_word_surnames"])
            else:
                first = self.choice(NAMES["common_word_first_names_f" if female else "common_word_first_names_m"])
        return Person(first, last, female)

    def person_pieces(self, form: str) -> tuple[list[Piece], Person]:
        """A person written in `form`; titles and role words stay outside the annotated span."""
        base = {"particle": "particle", "compound": "compound", "foreign_origin": "foreign_origin",
                "common_word": "common_word"}.get(form, "plain")
        p = self.person(base)
        while form == "initials" and p.first[0] == "M" and "-" not in p.first:
            p = self.person(base)  # "M. Lemoine" would read as "Monsieur Lemoine": ambiguous gold
        title = self.choice(TITLES_F if p.female else TITLES_M)
        sep = self.choice((" ", " ", " ", "\u00a0"))
        if form in ("first_last", "particle", "compound", "foreign_origin", "common_word"):
            value = f"{p.first} {p.last}"
            if form != "first_last" and self.rng.random() < 0.25:
                value = f"{p.last.upper()} {p.first}"
        elif form == "upper_last_first":
            value = f"{p.last.upper()} {p.first}"
        elif form == "last_first":
            value = f"{p.last} {p.first}"
        elif form == "title_surname":
            value = p.last.upper() if self.rng.random() < 0.3 else p.last
            return [(title + sep, None), (value, ("PERSON", form, p.pair))], p
        elif form == "title_first_last":
            value = f"{p.first} {p.last}" if self.rng.random() < 0.75 else f"{p.first} {p.last.upper()}"
            return [(title + sep, None), (value, ("PERSON", form, p.pair))], p
        elif form == "initials":
            parts = p.first.split("-")
            if len(parts) > 1:
                initials = self.choice(("-".join(f"{x[0]}." for x in parts), "".join(f"{x[0]}." for x in parts)))
            else:
                initials = f"{p.first[0]}."
            value = f"{initials} {p.last}" if self.rng.random() < 0.8 else f"{p.last} {initials}"
        elif form == "lowercase":
            value = f"{p.first} {p.last}".lower()
        elif form == "surname_alone":
            value = p.last.upper() if self.rng.random() < 0.3 else p.last
        elif form == "role_intro":
            value = self.choice((f"{p.first} {p.last}", f"{p.last.upper()} {p.first}", f"{p.first} {p.last.upper()}"))
        else:
            raise ValueError(f"unknown person form {form}")
        return [(value, ("PERSON", form, p.pair))], p

    # --- structured identifiers -------------------------------------------------------------------
    def email(self, form: str, p: Person | None = None) -> list[Piece]:
        p = p or self.person()
        first, last = (_ascii(x) for x in (p.first, p.last.replace(" ", "").replace("'", "").replace("’", "")))
        local = self.choice((f"{first}.{last}", f"{first}.{last}", f"{first[0]}{last}", f"{first}-{last}",
                             f"{first}.{last}{self.rng.randint(1, 99)}", f"{last}.{first}"))
        if form == "webmail":
            return [(f"{local}@{self.choice(WEBMAILS)}", ("EMAIL", form, None))]
        host = self.choice(MAIL_HOSTS + WEBMAILS[:3])
        if form == "plain":
            value = f"{local}@{host}"
            value = value.upper() if self.rng.random() < 0.05 else value
        elif form == "obfuscated_bracket":
            value = self.choice((f"{local} [at] {host}", f"{local}(at){host}", f"{local} (at) {host}",
                                 f"{local}[@]{host}", f"{local} [arobase] {host}", f"{local} {{at}} {host}"))
        else:
            name, _, tld = host.rpartition(".")
            value = self.choice((f"{local} arobase {name} point {tld}", f"{local} at {name} dot {tld}",
                                 f"{local} AT {name} DOT {tld}", f"{local} chez {name} point {tld}"))
        return [(value, ("EMAIL", form, None))]

    def telephone(self, form: str) -> list[Piece]:
        prefix = self.choice(("6", "7")) if form != "landline" else self.choice("123459")
        rest = [f"{self.rng.randint(0, 99):02d}" for _ in range(4)]
        if form != "landline" and prefix == "7":
            rest[0] = f"{self.rng.randint(50, 89)}"
        groups = [f"0{prefix}", *rest]
        sep = {"spaces": " ", "dots": ".", "dashes": "-", "slashes": "/", "compact": ""}.get(form)
        if sep is not None:
            value = sep.join(groups)
        elif form == "plus33":
            value = self.choice((f"+33 {prefix} {' '.join(rest)}", f"+33{prefix}{''.join(rest)}",
                                 f"+33 {prefix}{''.join(rest)}", f"+33.{prefix}.{'.'.join(rest)}"))
        elif form == "plus33_0":
            value = self.choice((f"+33 (0){prefix} {' '.join(rest)}", f"+33(0){prefix}{''.join(rest)}",
                                 f"+33 (0) {prefix} {' '.join(rest)}"))
        elif form == "intl_0033":
            value = self.choice((f"0033 {prefix} {' '.join(rest)}", f"0033{prefix}{''.join(rest)}",
                                 f"00 33 {prefix} {' '.join(rest)}"))
        elif form == "irregular":
            digits = "0" + prefix + "".join(rest)
            value = self.choice((f"{digits[:2]} {digits[2:5]} {digits[5:8]} {digits[8:]}",
                                 f"{digits[0]} {digits[1]} {' '.join(rest)}",
                                 f"{digits[:3]} {digits[3:6]} {digits[6:8]} {digits[8:]}",
                                 f"{digits[:4]} {digits[4:7]} {digits[7:]}", f"{digits[:2]}  {' '.join(rest)}"))
        else:  # landline: 01-05 and 09, any separator
            value = self.choice((" ", ".", "", "-", "\u00a0")).join(groups)
        return [(value, ("TELEPHONE", form, None))]

    def nir(self, form: str, p: Person | None = None) -> list[Piece]:
        sex = "2" if (p.female if p else self.rng.random() < 0.5) else "1"
        year, month = f"{self.rng.randint(0, 99):02d}", f"{self.rng.randint(1, 12):02d}"
        dept = self.choice(("2A", "2B")) if form == "corsica" else f"{self.choice([*range(1, 20), *range(21, 96)]):02d}"
        commune, order = f"{self.rng.randint(1, 990):03d}", f"{self.rng.randint(1, 999):03d}"
        key = nir_key(sex + year + month + dept + commune + order)
        parts = (sex, year, month, dept, commune, order, key)
        spaced = form == "spaced" or (form == "corsica" and self.rng.random() < 0.5)
        return [(" ".join(parts) if spaced else "".join(parts), ("NIR", form, None))]

    def ine(self, form: str) -> tuple[str, list[Piece]]:
        """(context words or '', pieces): the caller puts the context word where it reads naturally."""
        letters = string.ascii_uppercase
        if form.startswith("digits_letter"):
            value = "".join(self.choice(string.digits) for _ in range(10)) + self.choice(letters)
        elif form.startswith("digits_2letters"):
            value = "".join(self.choice(string.digits) for _ in range(9)) + "".join(
                self.choice(letters) for _ in range(2))
        else:
            pool = string.digits * 3 + letters
            value = self.choice(string.digits) + "".join(self.choice(pool) for _ in range(9)) + self.choice(letters)
            while sum(c.isalpha() for c in value) < 3:
                value = value[:-4] + "".join(self.choice(letters) for _ in range(3)) + value[-1]
        context = ""
        if form.endswith("context"):
            context = self.choice(("INE ", "INE : ", "n° INE ", "INE\u00a0: ", "n° étudiant ", "numéro INE ",
                                   "identifiant national étudiant ", "BEA ", "n° INE\u00a0"))
        return context, [(value, ("INE", form, None))]

    def bank(self) -> tuple[str, str, str, str]:
        bank = self.choice(("30004", "30002", "10278", "20041", "16606", "30003", "10907", "13825", "18306",
                            "42559", "17515", "12548"))
        branch = f"{self.rng.randint(1, 99999):05d}"
        account = "".join(self.choice(string.digits) for _ in range(11))
        if self.rng.random() < 0.2:
            pos = self.rng.randint(0, 10)
            account = account[:pos] + self.choice(string.ascii_uppercase) + account[pos + 1:]
        return bank, branch, account, rib_key(bank, branch, account)

    def iban(self, form: str) -> list[Piece]:
        value = iban_fr("".join(self.bank()))
        if form == "spaced":
            value = " ".join(value[i:i + 4] for i in range(0, len(value), 4))
        return [(value, ("IBAN", form, None))]

    def rib(self, form: str) -> list[Piece]:
        bank, branch, account, key = self.bank()
        if form == "line":
            sep = self.choice((" ", " ", "-", "\u00a0"))
            return [(sep.join((bank, branch, account, key)), ("RIB", form, None))]
        words = self.choice((("banque", "guichet", "compte", "clé"), ("code banque", "code guichet", "n° de compte",
                             "clé RIB"), ("Banque :", "Guichet :", "Compte :", "Clé :")))
        value = f"{bank} {words[1]} {branch} {words[2]} {account} {words[3]} {key}"
        return [(words[0] + " ", None), (value, ("RIB", form, None))]

    def address(self, form: str) -> list[Piece]:
        number = str(self.rng.randint(1, 160))
        street = f"{self.choice(STREET_TYPES)} {self._apostrophe(self.choice(STREET_NAMES))}"
        postcode, town = self.choice(TOWNS)
        town = self._apostrophe(town)
        comma = self.choice((", ", " ", " - ", ", "))
        if form == "street":
            value = f"{number}{self.choice((' ', ', '))}{street}{comma}{postcode} {town}"
        elif form == "bis_ter":
            value = f"{number}{self.choice((' bis', ' ter', 'bis', ' Bis', ' B'))} {street}{comma}{postcode} {town}"
        elif form == "residence":
            value = (f"{self.choice(RESIDENCES)}, {self.choice(('bâtiment', 'bât.', 'Bât'))} "
                     f"{self.choice('ABCDEF')}, {self.choice(('appartement', 'appt', 'apt.', 'logement'))} "
                     f"{self.rng.randint(1, 240)}, {number} {street}, {postcode} {town}")
        elif form == "lieu_dit":
            value = self.choice((f"lieu-dit {self.choice(LIEUX_DITS)}, {postcode} {town}",
                                 f"Lieu-dit {self.choice(LIEUX_DITS)}{comma}{number} route de {town}, {postcode} {town}",
                                 f"hameau {self.choice(LIEUX_DITS)}, {postcode} {town}"))
        elif form == "street_no_town":
            value = f"{number}{self.choice(('', ' bis', ''))} {street}"
        else:
            value = f"{number} {street}{comma}{postcode} {town}".upper()
        return [(value, ("ADDRESS", form, None))]

    def birth_date(self, form: str, p: Person | None = None) -> list[Piece]:
        female = p.female if p else self.rng.random() < 0.5
        year, month, day = self.rng.randint(1955, 2007), self.rng.randint(1, 12), self.rng.randint(1, 28)
        born = "née" if female else "né"
        words = f"{'1er' if day == 1 else day} {MONTHS[month - 1]} {year}"
        numeric = f"{day:02d}{self.choice('/.-')}{month:02d}{'/' if self.rng.random() < 0.7 else '.'}{year}"
        if form == "ne_le_numeric":
            return [(f"{self.choice((born, born.capitalize(), 'né(e)'))} le ", None),
                    (numeric, ("BIRTH_DATE", form, None))]
        if form == "ne_le_words":
            return [(f"{self.choice((born, born.capitalize()))} le ", None), (words, ("BIRTH_DATE", form, None))]
        if form == "label":
            label = self.choice(("date de naissance : ", "Date de naissance\u00a0: ", "date de naissance ",
                                 "naissance : ", "Date naiss. : "))
            value = self.choice((f"{year}-{month:02d}-{day:02d}", numeric, words))
            return [(label, None), (value, ("BIRTH_DATE", form, None))]
        if form == "ddn_short":
            value = f"{day:02d}{self.choice('./')}{month:02d}{self.choice('./')}{year % 100:02d}"
            return [(self.choice(("DDN ", "DDN : ", "ddn ", "DDN\u00a0")), None), (value, ("BIRTH_DATE", form, None))]
        town = self._apostrophe(self.choice(TOWNS)[1])
        return [(f"{self.choice(('né(e)', born))} le ", None), (words if self.rng.random() < 0.6 else numeric,
                                                                ("BIRTH_DATE", form, None)), (f" à {town}", None)]


def _ascii(text: str) -> str:
    import unicodedata

    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return plain.lower().replace(" ", "")

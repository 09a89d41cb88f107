"""French direct identifiers in text: one set of patterns and validators for the scanner and the guard.

What is looked for, and why each is a direct identifier (CRPA L311-6 lists
the NIR and bank details among what is never published; GDPR art. 4(1)):

- NIR (social security number): 15 characters, spaces allowed, INSEE key
  checked with ``stdnum.fr.nir`` (a wrong key is not a NIR);
- INE (national student identifier): 10 digits + 1 letter or 9 digits + 2
  letters. It has no public check key, so in free text it counts only near
  a context word ("INE", "numéro étudiant"...); the guard also looks up
  context-free candidates against the INEs of the sources;
- IBAN (French, ``FR`` + 25 characters, spaces allowed), checked with
  ``stdnum.iban``;
- telephone numbers, French national and international spellings
  ("06 12 34 56 78", "06.12.34.56.78", "+33 6 12 34 56 78", "0612345678");
- e-mail addresses;
- SIRET / SIREN (Luhn-checked with ``stdnum.fr.siret``/``siren``): these
  identify legal persons, which subsidy and contract data publish by law
  (décret 2017-779, DECP): they are found so that callers can leave them
  in place knowingly, and so that their digits are not mistaken for
  another identifier.

Nothing here logs or raises with a matched value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from stdnum import iban as _iban
from stdnum.fr import nir as _nir
from stdnum.fr import siren as _siren
from stdnum.fr import siret as _siret

from anonymisation.freetext.normalise import fold

NIR, INE, IBAN, TELEPHONE, EMAIL, SIRET, SIREN = "NIR", "INE", "IBAN", "TELEPHONE", "EMAIL", "SIRET", "SIREN"
RIB = "RIB"
# Entities that name a natural person; SIRET/SIREN name legal persons.
PERSONAL_ENTITIES: tuple[str, ...] = (NIR, INE, IBAN, RIB, TELEPHONE, EMAIL)
LEGAL_PERSON_ENTITIES: tuple[str, ...] = (SIRET, SIREN)
ALL_ENTITIES: tuple[str, ...] = PERSONAL_ENTITIES + LEGAL_PERSON_ENTITIES

_SEP = r"[ .\-]?"
_RIB_SEP = (r"[ .:/,\-]*(?:(?:[Cc]ode )?[Gg]uichet|(?:[Nn]° ?|[Nn]um[ée]ro )?(?:de )?[Cc]ompte|[Cc]l[ée](?: RIB)?)?"
            r"[ .:/,\-]*")
# Non-breaking and narrow spaces read as spaces (same length: offsets do not move).
SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2007": " ", "\t": " "})
# The shape of each identifier, without boundaries: plain regex syntax shared by Python's re
# (here, with boundaries added) and RE2 (the leak guard's vectorised pre-test over whole columns).
SHAPES: dict[str, str] = {
    NIR: rf"[1-478]{_SEP}[0-9]{{2}}{_SEP}[0-9]{{2}}{_SEP}(?:[0-9]{{2}}|2[ABab]){_SEP}[0-9]{{3}}{_SEP}[0-9]{{3}}"
         rf"{_SEP}[0-9]{{2}}",
    IBAN: r"[A-Za-z]{2}[0-9]{2}(?: ?[0-9A-Za-z]){11,30}",
    SIRET: r"[0-9]{3} ?[0-9]{3} ?[0-9]{3} ?[0-9]{5}",
    SIREN: r"[0-9]{3} ?[0-9]{3} ?[0-9]{3}",
    EMAIL: r"[0-9A-Za-z_.+\-]+@[0-9A-Za-z_\-]+(?:\.[0-9A-Za-z_\-]+)*\.[A-Za-z]{2,}",
    # Any grouping of the ten digits, with spaces, dots, dashes or slashes: "06 123 456 78", "0 6 12 34 56 78".
    TELEPHONE: r"(?:(?:\+|00) ?33[ .\-]?(?:\(0\)[ .\-]?)?|0[ .\-/]?)[1-9](?:[ .\-/]{0,2}[0-9]){8}",
    INE: r"(?:[0-9]{10}[A-Za-z]|[0-9]{9}[A-Za-z]{2})",
    # Bank, branch, account and key of a French RIB, spaced or labelled ("banque 30004 guichet 00123...").
    RIB: r"[0-9]{5}" + _RIB_SEP + r"[0-9]{5}" + _RIB_SEP + r"[0-9A-Za-z]{11}" + _RIB_SEP + r"[0-9]{2}",
}
# No letter or digit may touch an identifier: "x0612345678" or a 16-digit run is not a phone or a NIR.
_B, _E = r"(?<![\w@])", r"(?!\w)"
_PATTERNS: dict[str, re.Pattern[str]] = {entity: re.compile(_B + shape + _E) for entity, shape in SHAPES.items()}
# E-mail local parts and domains may hold accented letters: Python's \w accepts them.
_PATTERNS[EMAIL] = re.compile(r"(?<![\w.+\-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[A-Za-z]{2,}" + _E)
# A phone number is not part of a longer run of digit groups (a NIR with a wrong key, a reference).
_PATTERNS[TELEPHONE] = re.compile(r"(?<![\w+])(?<!\d[ .\-/])" + SHAPES[TELEPHONE] + r"(?![ .\-/]?\d)" + _E)
# "prenom.nom [at] univ-x.fr", "prenom.nom arobase univ-x point fr": e-mails written to dodge robots.
_AT = r"(?:\s*[\[({<]\s*(?:at|arobase|@)\s*[\])}>]\s*|\s+(?:at|arobase|chez)\s+)"
_DOT = r"(?:\s*[\[({<]\s*(?:dot|point|\.)\s*[\])}>]\s*|\s+(?:dot|point)\s+|\.)"
# The local part is atomic: what follows it ("[at]", " at ") starts with a character it cannot hold, so
# giving characters back never makes a match, and not trying spares a retry per character of every word.
OBFUSCATED_EMAIL = re.compile(r"(?<![\w.+\-])(?>[\w+\-]+(?:\.[\w+\-]+)*)" + _AT + r"[\w\-]+(?:" + _DOT
                              + r"[\w\-]+)*" + _DOT + r"[A-Za-z]{2,}" + _E, re.IGNORECASE)
# An INE in its two national forms (digits then upper-case letters) is one even without a context word.
_INE_STRICT = re.compile(r"^(?:[0-9]{10}[A-Z]|[0-9]{9}[A-Z]{2})$")
# Its alphanumeric form (ten letters or digits and a key letter) only with a context word,
# or when it opens with a digit and mixes at least three digits and two letters.
_INE_ALNUM = re.compile(_B + r"(?=(?:[A-Z]*[0-9]){3})(?=(?:[0-9]*[A-Z]){2})[0-9A-Z]{10}[A-Z]" + _E)
_INE_ALNUM_BARE = re.compile(r"^[0-9][0-9A-Z]{9}[A-Z]$")
# A text can hold an identifier only if one of the shapes occurs in it (or an '@', for
# accented e-mails): a superset of find_identifiers, cheap enough to run on whole columns.
# "at", "arobase" or "chez" as a word is what every obfuscated e-mail holds ("[at]", " at ", " chez ").
_EMAIL_HINT = r"@|(?i:arobase|chez|\bat\b)"
# An alphanumeric INE ("1AB2C3D4E5F") holds a digit followed, within ten characters, by its key letter.
PRETEST_PATTERN = (_EMAIL_HINT + "|"
                   + "|".join(SHAPES[e] for e in (NIR, IBAN, TELEPHONE, INE, SIREN)) + "|[0-9]{5}"
                   + "|[0-9][0-9A-Z]{0,9}[A-Z]")
_PRETEST = re.compile(PRETEST_PATTERN)
# What the scanner asks of each text before running the patterns: every shape but the e-mail's
# holds an ASCII digit, and an e-mail holds an "@" or an obfuscation word.
_HAS_DIGIT = re.compile(r"[0-9]")
# _EMAIL_HINT, written to start with a character class: the regex engine then skips, in C, every
# position that holds none of "@", "a", "c" instead of trying the case-insensitive words at each one.
_HAS_EMAIL_HINT = re.compile(r"[@aAcC](?:(?<=@)|(?<=[aA])(?i:robase)|(?<=[cC])(?i:hez)|(?<![\w][aA])(?<=[aA])(?i:t)\b)")
# Necessary conditions, one cheap scan each, so that a text is searched only for the shapes it can hold
# (find_identifiers gives the same result with or without them): every NIR, telephone number, SIRET,
# SIREN and numeric INE holds nine digits with at most two other characters between two of them; a
# RIB holds five digits in a row; an IBAN two letters then two digits; an alphanumeric INE eleven
# capitals or digits in a row.
_NINE_DIGITS = re.compile(r"[0-9](?:[^0-9]{0,2}[0-9]){8}")
_FIVE_DIGITS = re.compile(r"[0-9]{5}")
_IBAN_HEAD = re.compile(r"[0-9](?<=[A-Za-z]{2}[0-9])[0-9]")
_ALNUM_RUN = re.compile(r"[0-9A-Z]{11}")
_ODD_SPACES = re.compile("[" + "".join(chr(c) for c in SPACES) + "]")

# Words that say a nearby 11-character code is an INE (looked for on folded text).
_INE_CONTEXT = re.compile(r"\b(?:ine|bea|identifiant national|n(?:umero|°|o\.?) ?(?:d'|d’)?etudiant)\b")
_INE_WINDOW = 40

# When two candidates overlap, the one found first in this order wins: check-keyed identifiers
# before shapes without a key (a NIR's digits hold a phone-like run, a SIRET a SIREN).
# An international phone number ("+33 674729686") goes before SIRET/SIREN: its nine digits may pass Luhn.
_PHONE_INTL = "TELEPHONE_INTL"
_PRIORITY = (NIR, IBAN, RIB, _PHONE_INTL, SIRET, SIREN, EMAIL, TELEPHONE, INE)


class IdentifierMatch(NamedTuple):
    """An identifier found in a text: its entity and its offsets (the text itself is never kept)."""

    entity: str
    start: int
    end: int


def compact(entity: str, value: str) -> str:
    """The comparable form of an identifier, as the guard hashes it.

    Separators (spaces, dots, hyphens, slashes) removed; NIR, INE, IBAN and
    RIB upper case; e-mail lower case, an obfuscated one written back
    ("jean.dupont [at] univ-x point fr" -> "jean.dupont@univ-x.fr");
    telephone in its national 10-digit form ("+33 6 12 34 56 78" -> "0612345678").
    """
    value = value.strip()
    if entity == EMAIL:
        if "@" not in value:
            value = re.sub(_AT, "@", value, count=1, flags=re.IGNORECASE)
            local, _, domain = value.partition("@")
            value = local + "@" + re.sub(_DOT, ".", domain, flags=re.IGNORECASE)
        return re.sub(r"\s", "", value).casefold()
    if entity == RIB:
        return re.sub(r"[^0-9A-Za-z]", "", re.sub(r"(?i)guichet|compte|cl[ée]|rib|code|num[ée]ro|n°|de", "", value)).upper()
    bare = re.sub(r"[\s.\-/]", "", value)
    if entity == TELEPHONE:
        bare = bare.replace("(0)", "")
        if bare.startswith("+33"):
            bare = "0" + bare[3:]
        elif bare.startswith("0033"):
            bare = "0" + bare[4:]
        return bare
    return bare.upper()


def _valid_nir(value: str) -> bool:
    return _nir.is_valid(compact(NIR, value))


def _valid_iban(value: str) -> bool:
    return _iban.is_valid(compact(IBAN, value))


def _valid_siret(value: str) -> bool:
    return _siret.is_valid(compact(SIRET, value))


def _valid_siren(value: str) -> bool:
    return _siren.is_valid(compact(SIREN, value))


_RIB_LETTERS = {c: str(d) for letters, d in (("AJ", 1), ("BKS", 2), ("CLT", 3), ("DMU", 4), ("ENV", 5), ("FOW", 6),
                                               ("GPX", 7), ("HQY", 8), ("IRZ", 9)) for c in letters}


def rib_key_valid(bank: str, branch: str, account: str, key: str) -> bool:
    """The RIB key: 97 - ((89 x bank + 15 x branch + 3 x account) mod 97), letters of the account as digits."""
    digits = "".join(_RIB_LETTERS.get(c, c) for c in account.upper())
    if not (bank.isdigit() and branch.isdigit() and digits.isdigit() and key.isdigit()):
        return False
    return 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(digits)) % 97 == int(key)


def _valid_rib(value: str) -> bool:
    joined = "".join(re.findall(r"[0-9A-Za-z]*[0-9][0-9A-Za-z]*", value))
    return len(joined) == 23 and rib_key_valid(joined[:5], joined[5:10], joined[10:21], joined[21:])


_VALIDATORS: dict[str, Callable[[str], bool]] = {NIR: _valid_nir, IBAN: _valid_iban, SIRET: _valid_siret,
                                                  SIREN: _valid_siren, RIB: _valid_rib}
# Local parts of a service's address, not a person's: "scolarite@", "secretariat.master@", "drh-paie@".
FUNCTIONAL_LOCAL_WORDS = frozenset({
    "scolarite", "contact", "contacts", "accueil", "secretariat", "secretariats", "direction", "rh", "drh", "dsi",
    "daf", "info", "infos", "information", "informations", "communication", "com", "presse", "admin",
    "webmaster", "noreply", "no", "reply", "support", "helpdesk", "assistance", "bibliotheque", "bu", "scd",
    "international", "relations", "ri", "master", "masters", "licence", "licences", "doctorat", "ed", "ecole",
    "doctorale", "dpo", "cil", "rgpd", "compta", "comptabilite", "achats", "achat", "marches", "marche",
    "finances", "finance", "agence", "service", "services", "recherche", "valorisation", "stages", "stage",
    "insertion", "orientation", "vie", "etudiante", "etudiant", "etudiants", "handicap", "sante", "medecine",
    "preventive", "sport", "sports", "suaps", "culture", "formation", "formations", "continue", "fc", "vae",
    "alternance", "apprentissage", "inscriptions", "inscription", "examens", "examen", "jury", "jurys",
    "president", "presidence", "cabinet", "dgs", "agent", "comptable", "paie", "recrutement", "concours",
    "standard", "courrier", "logistique", "patrimoine", "securite", "hygiene", "prevention", "ufr", "iut",
    "faculte", "labo", "laboratoire", "equipe", "projet", "projets", "colloque", "conference", "evenement",
    "evenements", "admission", "admissions", "candidature", "candidatures", "theses", "these", "hdr",
    "bourses", "bourse", "logement", "crous", "mobilite", "erasmus", "partenariats", "fondation", "alumni",
    "dfc", "drv", "dri", "dre", "dep", "sg", "pole", "cellule", "bureau", "gestion", "budget", "facturation",
    "factures", "fournisseurs", "tresorerie", "agence", "comptable", "paiement", "numerique", "informatique",
    "reseau", "reseaux", "hotline", "maintenance", "travaux", "batiment", "batiments", "juridique", "affaires",
    "generales", "generale", "general", "qualite", "audit", "archives", "documentation", "edition", "web",
    "site", "mail", "mails", "listes", "liste", "diffusion", "newsletter", "lettre", "appui", "pedagogie",
    "pedagogique", "cours", "planning", "emploi", "temps", "salles", "reservation", "reservations",
    "medical", "infirmerie", "social", "sociale", "assistante", "psy", "ecoute", "egalite", "diversite",
    "referent", "referente", "harcelement", "mediateur", "mediation", "ombudsman", "scolarites", "financier", "financiere",
    "financiers", "relations", "internationales", "ressources", "humaines", "etudes", "campus", "universite", "univ",
    "de", "du",
    "des", "la", "le", "et", "l", "d", "sciences", "lettres", "droit", "eco", "economie", "staps", "sante",
})


def functional_email(value: str) -> bool:
    """True when the local part of an e-mail is made only of service words ("secretariat.master@univ-x.fr")."""
    local = fold(compact(EMAIL, value).partition("@")[0])
    parts = [p for p in re.split(r"[^a-z]+", local) if p]
    return bool(parts) and all(p in FUNCTIONAL_LOCAL_WORDS for p in parts) and not re.search(r"[0-9]", local)


# Words that say a landline is a service's ("standard : 04 76 00 00 00", "accueil", "secrétariat").
_SERVICE_PHONE = re.compile(r"\b(?:standard|accueil|secretariat|scolarite|service|permanence|"
                            r"numero vert|hotline|assistance|loge|gardiennage|securite|infirmerie|bibliotheque|"
                            r"reception)\b(?: (?:de l'universite|du service|medical|general|central))?"
                            r"(?: (?:au|:|-|–|,|tel\.?|telephone))*\s*[:,\-–]?\s*$")


def functional_phone(text: str, start: int, value: str) -> bool:
    """A landline right after a service word: a switchboard, not a person's line (mobiles never are)."""
    national = compact(TELEPHONE, value)
    if national[:2] in {"06", "07"}:
        return False
    return bool(_SERVICE_PHONE.search(fold(text[max(0, start - 60):start]).replace("’", "'")))


def has_ine_context(text: str, start: int, end: int) -> bool:
    """True when a context word stands within 40 characters before or 20 after the candidate."""
    before = fold(text[max(0, start - _INE_WINDOW):start])
    after = fold(text[end:end + _INE_WINDOW // 2])
    return bool(_INE_CONTEXT.search(before) or _INE_CONTEXT.search(after))


def _ibans(text: str) -> list[tuple[int, int]]:
    """IBANs of any country whose check digits hold: the longest prefix of each candidate that validates."""
    out = []
    for m in _PATTERNS[IBAN].finditer(text):
        chars = [(i, ch) for i, ch in enumerate(m.group()) if not ch.isspace()]
        for size in range(len(chars), 14, -1):
            end = m.start() + chars[size - 1][0] + 1
            if (end == len(text) or not text[end].isalnum()) and _iban.is_valid("".join(c for _, c in chars[:size])):
                out.append((m.start(), end))
                break
    return out


def _candidates(entity: str, text: str, nine_digits: bool) -> list[tuple[int, int]]:
    """Spans of `entity`'s shape in `text`; ``nine_digits``: `text` holds a match of ``_NINE_DIGITS``."""
    if entity == IBAN:
        return _ibans(text) if _IBAN_HEAD.search(text) else []
    if entity == RIB:
        return [m.span() for m in _PATTERNS[RIB].finditer(text)] if _FIVE_DIGITS.search(text) else []
    if entity == _PHONE_INTL:
        return [m.span() for m in _PATTERNS[TELEPHONE].finditer(text) if m.group()[:1] in "+0" and
                m.group()[:2] in {"+3", "00"}] if nine_digits else []
    if entity == EMAIL:
        # The plain form holds a literal "@"; the obfuscated one an "@" or a word (the caller's hint).
        spans = [m.span() for m in _PATTERNS[EMAIL].finditer(text)] if "@" in text else []
        return spans + [m.span() for m in OBFUSCATED_EMAIL.finditer(text)]
    spans = [m.span() for m in _PATTERNS[entity].finditer(text)] if nine_digits else []
    if entity == INE and _ALNUM_RUN.search(text):
        spans += [m.span() for m in _INE_ALNUM.finditer(text)]
    return spans


def find_identifiers(text: str, *, ine_context: bool = True, functional: bool = False) -> list[IdentifierMatch]:
    """Every identifier of the list above in `text`, without overlaps, in text order.

    An INE in its national forms (ten digits and a capital, nine digits and
    two capitals) counts anywhere; other INE-shaped codes only next to a
    context word, unless ``ine_context=False``: the guard uses this to look
    candidates up in the index of the sources' INEs. A service's e-mail
    address (``functional_email``) is not a person's and is left out
    unless ``functional=True``.
    """
    text = plain_spaces(text)
    digits, email = _HAS_DIGIT.search(text) is not None, _HAS_EMAIL_HINT.search(text) is not None
    nine_digits = digits and _NINE_DIGITS.search(text) is not None
    taken: list[IdentifierMatch] = []
    for entity in _PRIORITY:
        if not (email if entity == EMAIL else digits):
            continue  # the shape cannot occur in this text: its pattern need not scan it
        for start, end in _candidates(entity, text, nine_digits):
            if any(start < t.end and t.start < end for t in taken):
                continue
            value = text[start:end]
            entity_ = TELEPHONE if entity == _PHONE_INTL else entity
            validator = _VALIDATORS.get(entity_)
            if validator is not None and not validator(value):
                continue
            if (entity == INE and ine_context and not _INE_STRICT.match(value) and not _INE_ALNUM_BARE.match(value)
                    and not has_ine_context(text, start, end)):
                continue
            if entity == EMAIL and not functional and functional_email(value):
                continue
            if entity_ == TELEPHONE and not functional and functional_phone(text, start, value):
                continue
            taken.append(IdentifierMatch(TELEPHONE if entity == _PHONE_INTL else entity, start, end))
    return sorted(taken, key=lambda t: t.start)


def plain_spaces(text: str) -> str:
    """`text` with non-breaking, narrow and figure spaces and tabs as plain spaces (offsets unchanged)."""
    return text.translate(SPACES) if _ODD_SPACES.search(text) else text


def may_hold_identifier(text: str) -> bool:
    """Cheap pre-test: False guarantees :func:`find_identifiers` finds nothing in `text`."""
    return _PRETEST.search(text) is not None

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
# Entities that name a natural person; SIRET/SIREN name legal persons.
PERSONAL_ENTITIES: tuple[str, ...] = (NIR, INE, IBAN, TELEPHONE, EMAIL)
LEGAL_PERSON_ENTITIES: tuple[str, ...] = (SIRET, SIREN)
ALL_ENTITIES: tuple[str, ...] = PERSONAL_ENTITIES + LEGAL_PERSON_ENTITIES

_SEP = r"[ .\-]?"
# The shape of each identifier, without boundaries: plain regex syntax shared by Python's re
# (here, with boundaries added) and RE2 (the leak guard's vectorised pre-test over whole columns).
SHAPES: dict[str, str] = {
    NIR: rf"[1-478]{_SEP}[0-9]{{2}}{_SEP}[0-9]{{2}}{_SEP}(?:[0-9]{{2}}|2[ABab]){_SEP}[0-9]{{3}}{_SEP}[0-9]{{3}}"
         rf"{_SEP}[0-9]{{2}}",
    IBAN: r"[Ff][Rr][0-9]{2}(?: ?[0-9A-Za-z]){23}",
    SIRET: r"[0-9]{3} ?[0-9]{3} ?[0-9]{3} ?[0-9]{5}",
    SIREN: r"[0-9]{3} ?[0-9]{3} ?[0-9]{3}",
    EMAIL: r"[0-9A-Za-z_.+\-]+@[0-9A-Za-z_\-]+(?:\.[0-9A-Za-z_\-]+)*\.[A-Za-z]{2,}",
    TELEPHONE: r"(?:(?:\+|00)33[ .\-]?(?:\(0\)[ .\-]?)?|0)[1-9](?:[ .\-]?[0-9]{2}){4}",
    INE: r"(?:[0-9]{10}[A-Za-z]|[0-9]{9}[A-Za-z]{2})",
}
# No letter or digit may touch an identifier: "x0612345678" or a 16-digit run is not a phone or a NIR.
_B, _E = r"(?<![\w@])", r"(?!\w)"
_PATTERNS: dict[str, re.Pattern[str]] = {entity: re.compile(_B + shape + _E) for entity, shape in SHAPES.items()}
# E-mail local parts and domains may hold accented letters: Python's \w accepts them.
_PATTERNS[EMAIL] = re.compile(r"(?<![\w.+\-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[A-Za-z]{2,}" + _E)
_PATTERNS[TELEPHONE] = re.compile(r"(?<![\w+])" + SHAPES[TELEPHONE] + _E)
# A text can hold an identifier only if one of the shapes occurs in it (or an '@', for
# accented e-mails): a superset of find_identifiers, cheap enough to run on whole columns.
PRETEST_PATTERN = "@|" + "|".join(SHAPES[e] for e in (NIR, IBAN, TELEPHONE, INE, SIREN))
_PRETEST = re.compile(PRETEST_PATTERN)

# Words that say a nearby 11-character code is an INE (looked for on folded text).
_INE_CONTEXT = re.compile(r"\b(?:ine|bea|identifiant national|n(?:umero|°|o\.?) ?(?:d'|d’)?etudiant)\b")
_INE_WINDOW = 40

# When two candidates overlap, the one found first in this order wins: check-keyed identifiers
# before shapes without a key (a NIR's digits hold a phone-like run, a SIRET a SIREN).
_PRIORITY = (NIR, IBAN, SIRET, SIREN, EMAIL, TELEPHONE, INE)


class IdentifierMatch(NamedTuple):
    """An identifier found in a text: its entity and its offsets (the text itself is never kept)."""

    entity: str
    start: int
    end: int


def compact(entity: str, value: str) -> str:
    """The comparable form of an identifier, as the guard hashes it.

    Separators (spaces, dots, hyphens) removed; NIR, INE and IBAN upper
    case; e-mail lower case; telephone in its national 10-digit form
    ("+33 6 12 34 56 78" -> "0612345678").
    """
    value = value.strip()
    if entity == EMAIL:
        return value.casefold()
    bare = re.sub(r"[\s.\-]", "", value)
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


_VALIDATORS: dict[str, Callable[[str], bool]] = {NIR: _valid_nir, IBAN: _valid_iban, SIRET: _valid_siret,
                                                  SIREN: _valid_siren}


def has_ine_context(text: str, start: int, end: int) -> bool:
    """True when a context word stands within 40 characters before or 20 after the candidate."""
    before = fold(text[max(0, start - _INE_WINDOW):start])
    after = fold(text[end:end + _INE_WINDOW // 2])
    return bool(_INE_CONTEXT.search(before) or _INE_CONTEXT.search(after))


def find_identifiers(text: str, *, ine_context: bool = True) -> list[IdentifierMatch]:
    """Every identifier of the list above in `text`, without overlaps, in text order.

    With ``ine_context=False`` an INE-shaped code counts even with no
    context word: the guard uses this to look candidates up in the index
    of the sources' INEs, where only a real INE of the sources can match.
    """
    taken: list[IdentifierMatch] = []
    for entity in _PRIORITY:
        for m in _PATTERNS[entity].finditer(text):
            start, end = m.span()
            if any(start < t.end and t.start < end for t in taken):
                continue
            validator = _VALIDATORS.get(entity)
            if validator is not None and not validator(m.group()):
                continue
            if entity == INE and ine_context and not has_ine_context(text, start, end):
                continue
            taken.append(IdentifierMatch(entity, start, end))
    return sorted(taken, key=lambda t: t.start)


def may_hold_identifier(text: str) -> bool:
    """Cheap pre-test: False guarantees :func:`find_identifiers` finds nothing in `text`."""
    return _PRETEST.search(text) is not None

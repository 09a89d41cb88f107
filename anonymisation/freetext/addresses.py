"""Personal postal addresses and dates of birth in French free text.

An address is personal data when it locates a person (GDPR art. 4(1)); the
institution's own sites (the addresses of ``structures``) are public and
stay. A street name alone ("rue Victor Hugo") is a place, not an address:
an address here has a number ("12 bis rue des Lilas"), or a street followed
by a postcode and a town ("lieu-dit Les Granges, 38190 Bernin"). The span
runs from the number to the town, over "bâtiment B, appartement 12" and
"Cedex".

A date of birth is a date next to the words that say so ("né le", "née le",
"date de naissance", "DDN"), in any written form (12/03/2001, 12.03.01,
2001-03-12, 3 mars 2001, 1er mars 2001). Other dates (events, deadlines)
stay.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from anonymisation.freetext.normalise import fold
from anonymisation.freetext.recognizers import plain_spaces

ADRESSE, DATE_NAISSANCE = "ADRESSE", "DATE_NAISSANCE"

_STREET = (r"(?i:rue|ruelle|avenue|av\.?|boulevard|bd|bld|allée|allee|impasse|imp\.|chemin|ch\.|place|pl\.|quai"
           r"|route|rte|cours|square|passage|sentier|voie|rond-point|lotissement|lot\.|hameau|résidence|residence"
           r"|rés\.|cité|cite|montée|montee|faubourg|fbg|promenade|esplanade|parvis|traverse|villa|domaine|clos"
           r"|mail|chaussée|chaussee|lieu-dit|lieudit|lieu dit|ld|za|zac|zi|zone)")
_NUMBER = r"\d{1,4}(?:\s?(?i:bis|ter|quater|[A-D])\b)?"
# The street's name: words until punctuation or a lower-case word that is not a particle.
_NAME_WORD = r"(?:[A-ZÀ-ÖØ-Þ0-9][\w'’\-]*|(?:de|du|des|la|le|les|aux|au)\s+[a-zà-ÿ]{3,}|(?:d|l)['’][a-zà-ÿ]{3,}|(?:de|du|des|d'|d’|la|le|les|l'|l’|aux|au|à|en|sur|sous|et)(?=\s|[A-ZÀ-Þ]))"
_NAME = rf"(?:\s+{_NAME_WORD}|(?<=['’]){_NAME_WORD}){{1,8}}(?:\s+[a-zà-ÿ]{{3,}}(?=\s*(?:,|\d{{5}}|$)))?"
_COMPLEMENT = (r"(?:\s*,?\s*(?i:b[âa]t(?:iment)?\.?|app?t\.?|appartement|logement|esc(?:alier)?\.?|étage|etage|porte|"
               r"r[ée]sidence|entr[ée]e|bo[iî]te|bp|cs)\s*[\w\-]+(?:\s+[A-ZÀ-Þ][\w'’\-]*){0,3})*")
_TOWN = (r"\d{5}\s+[A-ZÀ-ÖØ-Þ][\w'’\-]*(?:[\s\-][A-ZÀ-ÖØ-Þ][\w'’\-]*|[\s\-](?:sur|sous|en|lès|les|le|la|de|du|aux?)"
         r"(?=[\s\-][A-ZÀ-ÖØ-Þ])){0,5}(?:\s+(?i:cedex)(?:\s*\d{1,2})?)?(?=\W|$)")
# The number opens the address: not the tail of a phone number or of another digit group ("... 48 37, Lieu-dit").
_NUMBERED = re.compile(rf"(?<![\w/.,])(?<!\d[ .\-]){_NUMBER}\s*,?\s*{_STREET}{_NAME}{_COMPLEMENT}(?:\s*[,\-–]?\s*{_TOWN})?")
_UNNUMBERED = re.compile(rf"\b{_STREET}{_NAME}{_COMPLEMENT}\s*[,\-–]?\s*{_TOWN}")
# An address without a number ends with a postcode and a town: a text with neither has none.
_POSTCODE_TOWN = re.compile(r"\d{5}\s+[A-ZÀ-ÖØ-Þ]")
# "Résidence du Parc, bâtiment B, apt. 18, " before the number belongs to the same address.
_PREFIX = re.compile(r"(?i:r[ée]sidence|lieu-dit|lieudit|hameau|domaine|lotissement|cit[ée])\s+[^,;()\n]{2,40}"
                     r"(?:,\s*(?i:b[âa]t(?:iment)?\.?|app?t\.?|appartement|logement|esc(?:alier)?\.?|porte|entr[ée]e)"
                     r"\s*[\w\-]+)*\s*[,\-–]\s*$")
# Every address and birth-date pattern holds a \d: one regex scan in C instead of a Python loop per character.
_DIGIT = re.compile(r"\d")
_MONTHS = (r"(?:janvier|janv\.?|février|fevrier|févr\.?|fevr\.?|mars|avril|avr\.?|mai|juin|juillet|juil\.?|août|aout"
           r"|septembre|sept\.?|octobre|oct\.?|novembre|nov\.?|décembre|decembre|déc\.?|dec\.?)")
_DATE = (rf"(?:\d{{1,2}}\s*[/.\-]\s*\d{{1,2}}\s*[/.\-]\s*\d{{2,4}}|\d{{4}}\s*[/.\-]\s*\d{{1,2}}\s*[/.\-]\s*\d{{1,2}}"
         rf"|(?:1er|\d{{1,2}})\s+{_MONTHS}\s+\d{{2,4}})")
# A date of birth is a date first: looking for a date (its first character a digit) is cheaper than
# looking for the words before it, so a text without any date is not searched for them.
_ANY_DATE = re.compile(_DATE, re.IGNORECASE)
_BIRTH = re.compile(
    r"(?:\bn[ée]e?s?\s*(?:\(e\))?\s*(?:le|en date du|:)?|\bdate\s+de\s+naissance|\bdate\s+naiss\.?|\bddn\b|"
    r"\bd\.d\.n\.?|\bnaissance|\bborn(?:\s+on)?)\s*[:\-–]?\s*(?:le\s+)?(" + _DATE + r")", re.IGNORECASE)


def _clean_end(text: str, start: int, end: int) -> int:
    """The end of an address without the separators it swallowed."""
    while end > start and text[end - 1] in " ,;-–":
        end -= 1
    return end


def address_key(text: str) -> tuple[str, ...]:
    """Number and street words of an address, folded, to compare with the institution's own sites."""
    words = re.findall(r"[0-9]+|[^\W\d_]+", fold(text))
    synonyms = {"av": "avenue", "bd": "boulevard", "bld": "boulevard", "pl": "place", "imp": "impasse",
                "rte": "route", "ch": "chemin", "fbg": "faubourg"}
    return tuple(synonyms.get(w, w) for w in words)


class PublicAddresses:
    """The institution's own site addresses: found in a text, they are kept."""

    def __init__(self, addresses: Iterable[str] = ()) -> None:
        self._keys = [k for k in (address_key(a)[:6] for a in addresses if isinstance(a, str)) if len(k) >= 3]

    def __contains__(self, address: object) -> bool:
        if not isinstance(address, str) or not self._keys:
            return False
        key = address_key(address)
        numbered = bool(key) and key[0].isdigit()
        for k in self._keys:
            if key[:len(k)] == k or (len(key) >= 3 and k[:len(key)] == key):
                return True
            # The same street written without its number ("avenue Centrale, 38400 ...") is the same site.
            street = k[1:] if k[0].isdigit() else k
            size = min(len(key), len(street))
            if not numbered and size >= 2 and key[:size] == street[:size]:
                return True
        return False


def find_addresses(text: str, public: PublicAddresses | None = None) -> list[tuple[int, int]]:
    """Spans of personal postal addresses (the institution's own addresses excepted), in text order."""
    return address_spans(text, public)[0]


def address_spans(text: str, public: PublicAddresses | None = None,
                  ) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Spans of personal addresses, and of the institution's own addresses (kept, and no name inside them)."""
    text = plain_spaces(text)
    spans: list[tuple[int, int]] = []
    kept: list[tuple[int, int]] = []  # the institution's own: neither redacted nor matched again shorter
    for pattern in (_NUMBERED, _UNNUMBERED) if _POSTCODE_TOWN.search(text) else (_NUMBERED,):
        for m in pattern.finditer(text):
            start, end = m.start(), _clean_end(text, m.start(), m.end())
            if any(start < b and a < end for a, b in spans + kept):
                continue  # "rue de l'École..." inside "31 rue de l'École...": the numbered address decides
            if public is not None and text[start:end] in public:
                kept.append((start, end))
                continue
            prefix = _PREFIX.search(text, max(0, start - 90), start)
            if prefix is not None and prefix.end() == start:
                start = prefix.start()
            if not any(start < b and a < end for a, b in spans + kept):
                spans.append((start, end))
    return sorted(spans), sorted(kept)


def find_birth_dates(text: str) -> list[tuple[int, int]]:
    """Spans of dates of birth (the date only, not the words before it)."""
    text = plain_spaces(text)
    return [m.span(1) for m in _BIRTH.finditer(text)] if _ANY_DATE.search(text) else []


def may_hold_address(text: str) -> bool:
    """Cheap pre-test: an address or a date of birth needs a digit (``\\d``, as their patterns read it)."""
    return _DIGIT.search(text) is not None

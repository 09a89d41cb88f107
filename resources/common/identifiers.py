"""The establishment's national and international identifiers: their formats and their web addresses.

The ministry's files name an establishment by its UAI, its Paysage id, its
ROR and its Wikidata item (legal-and-standards section 8), beside its SIRET
and SIREN. The institution file gives them; the checks here refuse a typo
before it reaches every published file. What each format is:

- Paysage (the ministry's register of higher-education bodies): five
  letters or digits, case-sensitive (``06SE7``);
- ROR (ror.org): ``0``, six characters of Crockford's base 32 (digits and
  lower-case letters without i, l, o, u), two check digits: ISO 7064
  mod 97-10 of the number the first seven characters write;
- Wikidata: ``Q`` and digits;
- ETER (European Tertiary Education Register): the country code and four
  digits (``FR0045``).

Their web addresses, like those of every national reference, are in
``config/nomenclatures/references.yaml`` (``resources.common.references``).
"""

from __future__ import annotations

import re

CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"
PAYSAGE = re.compile(r"^[A-Za-z0-9]{5}$")
ROR = re.compile(r"^0[0-9a-hjkmnp-tv-z]{6}[0-9]{2}$")
WIKIDATA = re.compile(r"^Q[1-9][0-9]*$")
ETER = re.compile(r"^[A-Z]{2}[0-9]{4}$")

def ror_check_digits(stem: str) -> str:
    """The two check digits of a ROR's first seven characters (ISO 7064 mod 97-10)."""
    number = 0
    for char in stem:
        number = number * 32 + CROCKFORD.index(char)
    return f"{98 - (number * 100) % 97:02d}"


def is_valid_ror(value: str) -> bool:
    return bool(ROR.match(value)) and ror_check_digits(value[:7]) == value[7:]


def is_valid_paysage(value: str) -> bool:
    return bool(PAYSAGE.match(value))


def is_valid_wikidata(value: str) -> bool:
    return bool(WIKIDATA.match(value))


def is_valid_eter(value: str) -> bool:
    return bool(ETER.match(value))

"""Check keys of national codes that no installed library validates.

SIRET/SIREN keys are checked with python-stdnum; the UAI (Répertoire national
des établissements) has no library, and its key is small enough to write here.
"""

from __future__ import annotations

import re

# The UAI check letter is the 7-character number modulo 23, read in this
# 23-letter alphabet (I, O and Q are left out to avoid confusion with 1 and 0).
_UAI_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
_UAI_PATTERN = re.compile(r"^(\d{7})([A-Z])$")


def uai_check_letter(number: str) -> str:
    """Return the check letter of a 7-digit UAI number, e.g. '0751717' -> 'J'."""
    if not re.fullmatch(r"\d{7}", number):
        raise ValueError("a UAI number has 7 digits")
    return _UAI_LETTERS[int(number) % 23]


def is_valid_uai(code: str) -> bool:
    """True when `code` is 7 digits followed by their correct check letter."""
    match = _UAI_PATTERN.match(code or "")
    return bool(match) and uai_check_letter(match.group(1)) == match.group(2)

"""National identifiers with their real check keys, computed on whole arrays at once.

NIR (social security number, key = 97 - number mod 97), SIREN/SIRET (Luhn),
French IBAN (RIB key and ISO 13616 mod-97 check), UAI (mod-23 letter), INE,
RNA and intra-EU VAT numbers. Valid keys matter: the later stages validate
them, and only the planted defects may fail.
"""

from __future__ import annotations

import numpy as np

UAI_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
LETTERS = np.array(list("ABCDEFGHJKLMNPRSTUVWXYZ"))


def digits(values: np.ndarray, width: int) -> np.ndarray:
    """Zero-padded decimal strings (numpy unicode array) of non-negative integers."""
    return np.strings.zfill(np.asarray(values, dtype=np.int64).astype(str), width)


def cat(*parts: np.ndarray | str) -> np.ndarray:
    """Element-wise concatenation of string arrays (or constants), returned as an object array."""
    out = np.asarray(parts[0]).astype(str)
    for part in parts[1:]:
        out = np.strings.add(out, np.asarray(part).astype(str))
    return out.astype(object)


def permuted_ids(rng: np.random.Generator, n: int, modulus: int) -> np.ndarray:
    """``n`` distinct pseudo-random integers below ``modulus`` (an affine bijection of 0..n-1)."""
    if n > modulus:
        raise ValueError("more identifiers requested than the code space holds")
    while True:
        a = int(rng.integers(1, modulus))
        if np.gcd(a, modulus) == 1:
            break
    b = int(rng.integers(0, modulus))
    i = np.arange(n, dtype=np.int64)
    # a * i fits in int64 for the code spaces used here (modulus <= 10**10, n <= 10**7).
    return (a * i + b) % modulus


def luhn_digit(base: np.ndarray, ndigits: int) -> np.ndarray:
    """The digit that makes ``base`` followed by it pass the Luhn check."""
    base = np.asarray(base, dtype=np.int64)
    d = (base[:, None] // (10 ** np.arange(ndigits, dtype=np.int64))) % 10
    # Once the check digit is appended, base digits at even offsets from the right are doubled.
    doubled = d[:, 0::2] * 2
    d[:, 0::2] = doubled - 9 * (doubled > 9)
    return (10 - d.sum(axis=1) % 10) % 10


def sirens(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` distinct valid SIREN numbers (as integers) of companies and associations."""
    base = 30_000_000 + permuted_ids(rng, n, 69_000_000)
    return base * 10 + luhn_digit(base, 8)


def sirets(siren: np.ndarray, nic: np.ndarray) -> np.ndarray:
    """Valid SIRET strings from SIRENs and 4-digit establishment numbers (the key is computed)."""
    base = np.asarray(siren, dtype=np.int64) * 10_000 + np.asarray(nic, dtype=np.int64)
    return cat(digits(base * 10 + luhn_digit(base, 13), 14))


def vat_fr(siren: np.ndarray) -> np.ndarray:
    """French intra-EU VAT numbers: FR + key (12 + 3 x (SIREN mod 97)) mod 97 + SIREN."""
    siren = np.asarray(siren, dtype=np.int64)
    return cat("FR", digits((12 + 3 * (siren % 97)) % 97, 2), digits(siren, 9))


def nirs(female: np.ndarray, birth: np.ndarray, place: np.ndarray, order: np.ndarray) -> np.ndarray:
    """NIR strings: sex, year and month of birth, place of birth (5 characters), order, key.

    ``place`` is the INSEE code of the birth commune, or 99 + the country
    code for persons born abroad. Corsican départements 2A/2B count as 19/18
    in the key, as the INSEE rule says.
    """
    birth = np.asarray(birth).astype("datetime64[D]")
    year = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    month = birth.astype("datetime64[M]").astype(np.int64) % 12 + 1
    place = np.asarray(place).astype(str)
    numeric_place = np.strings.replace(np.strings.replace(place, "2A", "19"), "2B", "18").astype(np.int64)
    sex = np.where(female, 2, 1).astype(np.int64)
    number = (sex * 10**12 + (year % 100) * 10**10 + month * 10**8 + numeric_place * 10**3
              + np.asarray(order, dtype=np.int64))
    key = 97 - number % 97
    return cat(sex.astype(str), digits(year % 100, 2), digits(month, 2), place, digits(order, 3), digits(key, 2))


def ibans_fr(rng: np.random.Generator, n: int, banks: tuple[int, ...]) -> np.ndarray:
    """French IBANs with a valid RIB key and IBAN check digits."""
    bank = np.asarray(banks, dtype=np.int64)[rng.integers(0, len(banks), n)]
    branch = rng.integers(10, 99_999, n, dtype=np.int64)
    account = rng.integers(10**9, 10**11, n, dtype=np.int64)
    rib_key = 97 - (89 * bank + 15 * branch + 3 * account) % 97
    # ISO 13616: move "FR00" to the end (F=15, R=27) and take the number mod 97, piece by piece.
    r = bank % 97
    r = (r * 10**5 + branch) % 97
    r = (r * 10**11 + account) % 97
    r = (r * 100 + rib_key) % 97
    r = (r * 10**6 + 152_700) % 97
    check = 98 - r
    return cat("FR", digits(check, 2), digits(bank, 5), digits(branch, 5), digits(account, 11), digits(rib_key, 2))


def uais(number7: np.ndarray) -> np.ndarray:
    """UAI codes: the 7-digit number followed by its check letter (number mod 23)."""
    number7 = np.asarray(number7, dtype=np.int64)
    return cat(digits(number7, 7), LETTERS[number7 % 23])


def ines(rng: np.random.Generator, n: int) -> np.ndarray:
    """Distinct INE: mostly 10 digits + 1 letter, some 9 digits + 2 letters (both shapes exist)."""
    two_letters = rng.random(n) < 0.1
    out = np.empty(n, dtype=object)
    k1, k2 = int((~two_letters).sum()), int(two_letters.sum())
    out[~two_letters] = cat(digits(permuted_ids(rng, k1, 10**10), 10), LETTERS[rng.integers(0, 23, k1)])
    out[two_letters] = cat(digits(permuted_ids(rng, k2, 10**9), 9), LETTERS[rng.integers(0, 23, k2)],
                           LETTERS[rng.integers(0, 23, k2)])
    return out


def rnas(rng: np.random.Generator, n: int, departments: tuple[str, ...]) -> np.ndarray:
    """Distinct RNA association numbers: W, the 3-character département of the prefecture, 6 digits."""
    dep = np.asarray(departments)[rng.integers(0, len(departments), n)]
    return cat("W", dep, digits(permuted_ids(rng, n, 10**6), 6))


def mobiles(rng: np.random.Generator, n: int) -> np.ndarray:
    """French mobile numbers written "06 12 34 56 78"."""
    prefix = np.where(rng.random(n) < 0.7, "06", "07")
    return grouped(prefix, digits(rng.integers(0, 10**8, n, dtype=np.int64), 8))


def landlines(rng: np.random.Generator, n: int, prefix: str = "01 44") -> np.ndarray:
    """Office numbers of the university's switchboard area, e.g. "01 44 27 12 34"."""
    return grouped(np.full(n, prefix), digits(rng.integers(0, 10**6, n, dtype=np.int64), 6))


def grouped(prefix: np.ndarray, rest: np.ndarray) -> np.ndarray:
    """A phone number written in pairs of digits: the prefix, then ``rest`` cut in pairs."""
    parts: list[np.ndarray | str] = [prefix]
    for i in range(0, int(np.strings.str_len(rest).max(initial=0)), 2):
        parts += [" ", np.strings.slice(rest, i, i + 2)]
    return cat(*parts)

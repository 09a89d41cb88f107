"""Text normalisation shared by the free-text scanner and the leak guard.

Names are compared the way a reader would: "DUPONT Jean", "jean dupont" and
"Jéan-Pierre" are the same words once case and accents are removed and
hyphens and apostrophes are read as word breaks. Every function keeps the
offsets of the original text, so a match can be redacted in place.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

# A word is a run of letters; digits, hyphens and apostrophes break words
# ("Jean-Pierre" -> jean, pierre; "N'Diaye" -> n, diaye), on both the text and
# the name lists, so the two sides always agree.
_WORD = re.compile(r"[^\W\d_]+")


class Token(NamedTuple):
    """A word of a text: its normalised form and where it sits in the original text."""

    norm: str
    start: int
    end: int


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Lower case without accents: "Jéan-PIERRE" -> "jean-pierre" (ligatures expanded: "œ" -> "oe")."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # NFKD leaves the French ligatures whole: "Lætitia" and "Laetitia" are the same name.
    return plain.replace("œ", "oe").replace("æ", "ae")


def tokens(text: str) -> list[Token]:
    """The words of `text`, normalised with :func:`fold`, with their offsets in `text`."""
    return [Token(fold(m.group()), m.start(), m.end()) for m in _WORD.finditer(text)]


def name_words(name: str) -> tuple[str, ...]:
    """The normalised words of a name: "Le Gall" -> ("le", "gall"), "Jean-Pierre" -> ("jean", "pierre")."""
    return tuple(t.norm for t in tokens(name))


def person_words(names: Iterable[tuple[object, object]]) -> Iterator[tuple[tuple[str, ...], tuple[str, ...]]]:
    """(first-name words, surname words) of each (first, last) pair; a missing part gives ().

    First names and surnames repeat across a population: each distinct
    spelling is normalised once (the memo lives only for this iteration).
    """
    memo: dict[str, tuple[str, ...]] = {}

    def words(part: object) -> tuple[str, ...]:
        if not isinstance(part, str):
            return ()
        if part not in memo:
            memo[part] = name_words(part)
        return memo[part]

    for first, last in names:
        yield words(first), words(last)


class PhraseIndex:
    """Word sequences (names) found in a text in one pass, whatever the size of the list.

    Phrases are keyed by their first two words (one for one-word phrases), so
    a text costs one dictionary look-up per word, not one regex per name:
    100,000 names cost no more per text than ten.
    """

    def __init__(self, phrases: Iterable[tuple[str, ...]] = ()) -> None:
        self._by_key: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
        # The first words of all phrases: most words of a text start none, and one set look-up says so.
        self._firsts: set[str] = set()
        self._size = 0
        for phrase in phrases:
            self.add(phrase)

    def add(self, phrase: tuple[str, ...]) -> None:
        """Add one phrase (a tuple of normalised words); empty phrases are ignored."""
        if not phrase:
            return
        bucket = self._by_key.setdefault(phrase[:2], set())
        self._firsts.add(phrase[0])
        if phrase not in bucket:
            bucket.add(phrase)
            self._size += 1

    def __len__(self) -> int:
        return self._size

    def __contains__(self, phrase: object) -> bool:
        return isinstance(phrase, tuple) and phrase in self._by_key.get(phrase[:2], ())

    def longest_at(self, norms: Sequence[str], i: int) -> int:
        """Word count of the longest phrase starting at word `i` of `norms` (0 when none does)."""
        if norms[i] not in self._firsts:
            return 0
        candidates: list[tuple[str, ...]] = list(self._by_key.get((norms[i],), ()))
        if i + 1 < len(norms):
            candidates += self._by_key.get((norms[i], norms[i + 1]), ())
        best = 0
        for phrase in candidates:
            if len(phrase) > best and tuple(norms[i:i + len(phrase)]) == phrase:
                best = len(phrase)
        return best

    def find(self, words: Sequence[Token]) -> list[tuple[int, int]]:
        """(first, last + 1) word positions of the phrases in `words`, left to right, longest first, no overlap."""
        norms = [w.norm for w in words]
        found: list[tuple[int, int]] = []
        i = 0
        while i < len(norms):
            size = self.longest_at(norms, i) if norms[i] in self._firsts else 0
            if size:
                found.append((i, i + size))
                i += size
            else:
                i += 1
        return found

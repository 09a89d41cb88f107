"""One distinct text on its way through the scanner: what each detector found, and what the NER must read.

Kept apart from ``scanner.py`` so that the scanner reads as the order of
the detectors, and this module as the bookkeeping between them: the
redactions so far (no later detector overlaps them), the values left in
place, the public names kept for review, and the name candidates the NER is
run for.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from anonymisation.freetext.normalise import Token
from anonymisation.freetext.person_rules import _Words

# Words read by the NER on each side of a candidate (see Draft.ner_windows): on the evaluation set and
# three fresh draws, 4 already gave the same findings as whole texts; 6 keeps a margin.
NER_WINDOW_WORDS = 6


@dataclass(frozen=True)
class Finding:
    """One redaction (or one public name kept for review) in one cell: never the text itself."""

    entity: str
    row: int
    start: int
    end: int
    source: str
    kept_public_name: bool = False


def overlaps(start: int, end: int, spans: Iterable[Finding]) -> bool:
    """True when [start, end) shares a character with one of `spans`."""
    return any(start < s.end and s.start < end for s in spans)


def subtract(start: int, end: int, taken: Sequence[Finding]) -> list[tuple[int, int]]:
    """The parts of [start, end) that no taken span covers."""
    parts = [(start, end)]
    for span in taken:
        parts = [piece for a, b in parts
                 for piece in ((a, min(b, span.start)), (max(a, span.end), b)) if piece[0] < piece[1]]
    return parts


@dataclass
class Draft:
    """One distinct text between the cheap detectors and the NER."""

    text: str
    words: list[Token]
    public: list[tuple[int, int]]
    shaped: _Words | None = None  # the words as the person rules read them, read again for the NER's spans
    taken: list[Finding] = field(default_factory=list)    # redactions so far: later detectors never overlap them
    allowed: list[Finding] = field(default_factory=list)  # SIRET/SIREN of legal persons, left in place
    kept: list[Finding] = field(default_factory=list)     # public names kept for review
    name_shaped: list[bool] = field(default_factory=list)  # per word: names.name_candidates
    explained_words: set[int] = field(default_factory=set)  # words of public names, eponyms and firms
    candidates: list[bool] = field(default_factory=list)  # per word, filled only for the texts the NER reads
    unexplained: list[int] = field(default_factory=list)  # the candidates the NER is run for (see scanner)
    withheld: bool = False  # too long, or the NER failed on it: the whole text is withheld

    def ner_windows(self) -> list[tuple[int, int]]:
        """Character ranges of the text around its unexplained candidates, NER_WINDOW_WORDS words each side.

        Only a span holding a candidate can change the result (_add_person), and the NER labels a word
        from the few words around it: its tok2vec sees four tokens each side and its transitions the
        words next to the current one. The rest of the text is not read. A window touching the text's
        start or end runs to it; overlapping windows are one.
        """
        out: list[tuple[int, int]] = []
        last = len(self.words) - 1
        for k in self.unexplained:
            first, end = k - NER_WINDOW_WORDS, k + NER_WINDOW_WORDS
            a = self.words[first].start if first > 0 else 0
            b = self.words[end].end if end < last else len(self.text)
            if out and a <= out[-1][1]:
                out[-1] = (out[-1][0], max(b, out[-1][1]))
            else:
                out.append((a, b))
        return out

    def needs_ner(self) -> bool:
        """True when a name candidate lies outside every redaction and names no firm: only then can the NER add one."""
        return bool(self.unexplained)

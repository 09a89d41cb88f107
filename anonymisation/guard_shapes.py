"""The leak guard's second line: anything shaped like a person in a published text, known to the sources or not.

The scanner already removed what it found; this check looks again at the
finished file with simpler, stricter shapes and blocks the dataset when one
is left, outside the nominative exceptions and the recognised public names:

- ``shape:PERSONNE``: a civility or title before a name ("Mme Garnier"), a
  known first name next to a capitalised or upper-case word ("Marie Lefort"),
  an upper-case surname before a first name ("LEFORT Marie"); an eponym
  ("résidence Albert Camus"), a firm ("Dupuis Frères SARL") or a steward's
  public name is not one;
- ``shape:ADRESSE``: a personal postal address (the institution's sites excepted);
- ``shape:DATE_NAISSANCE``: a date next to "né le", "date de naissance"...

It never runs the NER: it must be fast on a million cells, and independent
of the model the scanner used.
"""

from __future__ import annotations

from collections.abc import Container

from anonymisation.freetext.addresses import PublicAddresses, find_addresses, find_birth_dates
from anonymisation.freetext.names import PublicNames
from anonymisation.freetext.normalise import tokens
from anonymisation.freetext.person_rules import _company, _extend, _Words, eponym_before

PERSON_SHAPE, ADDRESS_SHAPE, BIRTH_SHAPE = "shape:PERSONNE", "shape:ADRESSE", "shape:DATE_NAISSANCE"


class PersonShapes:
    """The shapes above, with the institution's public names and addresses as exceptions."""

    def __init__(self, public_names: PublicNames | None = None, public_addresses: PublicAddresses | None = None,
                 lexicon: Container[str] = frozenset()) -> None:
        self._public = public_names
        self._addresses = public_addresses
        self._lexicon = lexicon

    def find(self, value: str) -> list[tuple[str, int, int]]:
        """(rule, start, end) of each person-shaped span of `value`."""
        out: list[tuple[str, int, int]] = []
        if any(ch.isdigit() for ch in value):
            out += [(ADDRESS_SHAPE, a, b) for a, b in find_addresses(value, self._addresses)]
            out += [(BIRTH_SHAPE, a, b) for a, b in find_birth_dates(value)]
        words = tokens(value)
        if len(words) < 2:
            return out
        w = _Words(value, words, self._lexicon)
        public = self._public.find(words) if self._public is not None and len(self._public) else []
        tags = {k for k, t in enumerate(words) if value[t.start - 1:t.start] == "[" and value[t.end:t.end + 1] == "]"}
        for k in range(w.n - 1):
            nxt = k + 1
            if k in tags or nxt in tags or not w.spaced(nxt):
                continue
            if w.civility(k) and (w.namey(nxt) or w.initial(nxt)):
                span = _extend(w, nxt, nxt + 1)
            elif (w.first_name(k) and w.namey(nxt)) or (w.upper(k) and len(w.raw(k)) >= 3 and w.namey(k)
                                                        and w.first_name(nxt) and not w.upper(nxt)):
                span = _extend(w, k, nxt + 1)
                if eponym_before(w, span[0]) or _company(w, *span):
                    continue
            else:
                continue
            if any(p <= span[0] and span[1] <= q for p, q in public):
                continue
            out.append((PERSON_SHAPE, words[span[0]].start, words[span[1] - 1].end))
        return out

"""Persons the sources do not know: names found by their shape and their context, beside the NER.

The NER misses or cuts names written the way French administrative text
writes them. These rules find them, each for a reason:

- a civility or title, then a name: "M. Dupuis", "Pr Roche", "Mme de La Tour"
  (the civility stays: it tells the reader a person was there);
- a known first name next to a capitalised or upper-case word: "Marie
  Lefort", "LEFORT Marie", "Lefort Marie", "Marie-Hélène DUPONT-LEFÈVRE";
- initials then a surname: "J.-P. Martin", "A. Leclerc";
- a name after a word that introduces one: "contact : Marc Aubry", "suivi
  par Lefort", "à l'attention de Mme Garnier";
- a lower-case first name and surname: "rappeler marie lefort";
- a surname already found, met again alone later in the same text.

A found name is extended over the words that continue it (particles,
hyphenated parts, initials) and is then dropped, as not a person, when it
is an eponym (right after a place, prize or grant word: "résidence Albert
Camus", "prix Irène Joliot-Curie") or a company (next to a legal form or a
firm word: "SAS Lefèvre Informatique", "Dupuis Frères"). Role words are
never part of a name ("Madame la Présidente", "le Doyen Martin").
"""

from __future__ import annotations

import re
from collections.abc import Container, Sequence
from functools import cache
from dataclasses import dataclass

from frformat import Commune, Millesime
from spacy.lang.fr.stop_words import STOP_WORDS

from anonymisation.freetext.normalise import Token, tokens
from anonymisation.freetext.vocabulary import (
    CIVILITIES,
    EPONYM_WORDS,
    INTRODUCERS,
    LEGAL_FORMS,
    NOT_NAMES,
    ORGANISATION_WORDS,
    PARTICLES,
    ROLE_WORDS,
    first_names,
)

# Introducers so common in other senses ("par", "avec", "chez", "nom"...) that a single
# capitalised word after them is not enough: a first name or two name words must follow.
WEAK_INTRODUCERS = frozenset({("par",), ("avec",), ("chez",), ("nom",), ("fils",), ("fille",), ("agent",),
                              ("candidat",), ("candidate",), ("titulaire",), ("beneficiaire",)})
_TOWN_PREPOSITIONS = frozenset({"a", "en", "vers", "sur", "au"})


@cache
def _communes() -> Commune:
    """INSEE's list of communes, shipped inside frformat (offline)."""
    return Commune(Millesime.LATEST)


def load_vocabularies() -> None:
    """Read the communes and first names now: a scanner pays this when built, not inside its first scan."""
    _communes()
    first_names()


# Introducer phrases by their last word: one dictionary look-up per word, not one comparison per phrase.
_BY_LAST_WORD: dict[str, list[tuple[str, ...]]] = {}
for _phrase in INTRODUCERS:
    _BY_LAST_WORD.setdefault(_phrase[-1], []).append(_phrase)
_JOIN = frozenset({"-", "'", "’", "‑", "–"})
# Words that are never part of a person's name (see _Words.blocked), in one set.
_BLOCKED_WORDS = NOT_NAMES | ROLE_WORDS | CIVILITIES | LEGAL_FORMS | ORGANISATION_WORDS
# Characters between two words that end a sentence (the next word's capital then says nothing).
_SENTENCE_BREAKS = frozenset(".!?:;\n•–")
_MAX_NAME_WORDS = 6
# Legal forms written with dots ("Antoine Martins S.A.R.L.", "Dupont S.A.S."): the tokens are single letters.
_DOTTED_FORM = re.compile(r"\s*,?\s*(?:S\.A\.R\.L|S\.A\.S\.U|S\.A\.S|S\.A|E\.U\.R\.L|S\.C\.I|S\.N\.C|S\.C\.O\.P)\.?(?!\w)")
_EPONYM_WINDOW = 5
# Words linking an eponym word to its name without making it someone's: "maison de l'étudiant X"
# counts, "bourse de X" (X's grant) does not.
_OWNER_LINKS = frozenset({"de", "d", "du", "des"})
_LINKING = frozenset({"de", "d", "du", "des", "l", "la", "le", "les", "universitaire", "universitaires",
                      "municipal", "municipale", "national", "nationale", "international", "internationale",
                      "scientifique", "etudiant", "etudiante", "etudiants", "polyvalente", "polyvalent", "sportif",
                      "sportive", "culturel", "culturelle", "excellence", "recherche", "jeunes", "chercheurs",
                      "chercheur", "doctorants", "doctorant", "these", "theses", "sciences", "nouvelle", "grande",
                      "grand", "petite", "petit", "vieux", "vieille", "annuel", "annuelle", "europeen", "europeenne",
                      "regional", "regionale", "public", "publique", "pedagogique", "numerique", "ancien",
                      "ancienne", "nouveau", "principal", "principale", "central", "centrale", "honneur",
                      "memoire", "hommage", "post", "doctoral", "doctorale", "mention", "speciale", "special"})
_ORG_OWNER_OK = frozenset({"association", "amis", "fondation", "societe", "cercle", "club", "federation",
                           "prix", "chaire", "universite", "institut", "ecole", "lycee", "college", "rue",
                           "avenue", "boulevard", "place", "allee", "impasse", "quai", "square", "cours"})


@dataclass(frozen=True)
class PersonSpan:
    """A name found by a rule: first and last word (exclusive), and the rule that found it."""

    first: int
    last: int
    rule: str


class _Words:
    """The words of one text with what the rules ask of each (shape, gaps, vocabulary)."""

    def __init__(self, text: str, words: Sequence[Token], lexicon: Container[str]) -> None:
        self.text, self.words, self.lexicon = text, words, lexicon
        self.names = first_names()
        self.n = len(words)
        # Every rule asks for the written form and the case of the same few words many times: read once.
        self._raw = [text[w.start:w.end] for w in words]
        self._capital = [raw[:1].isupper() for raw in self._raw]
        self._upper = [len(raw) >= 2 and raw.isupper() for raw in self._raw]
        self._gap = [""] + [text[a.end:b.start] for a, b in zip(words, words[1:])]
        # Every rule starts from a capitalised word or a known first name; most words are neither.
        self.seeding = [c or u or w.norm in self.names for c, u, w in zip(self._capital, self._upper, words)]
        # The rules ask whether a word is blocked or may be a name's many times over: answered once per word.
        self._blocked: list[bool | None] = [None] * self.n
        self._namey: list[bool | None] = [None] * self.n

    def raw(self, k: int) -> str:
        return self._raw[k]

    def gap(self, k: int) -> str:
        """The characters between word k-1 and word k."""
        return self._gap[k]

    def upper(self, k: int) -> bool:
        return self._upper[k]

    def capital(self, k: int) -> bool:
        return self._capital[k]

    def initial(self, k: int) -> bool:
        """A single capital letter followed by a dot ("J." in "J.-P. Martin")."""
        w = self.words[k]
        return w.end - w.start == 1 and self.text[w.start].isupper() and self.text[w.end:w.end + 1] == "."

    def joined(self, k: int) -> bool:
        """Word k continues word k-1 across a hyphen or apostrophe ("Dupont-Lefèvre", "N'Diaye")."""
        return k > 0 and self.gap(k) in _JOIN

    def spaced(self, k: int) -> bool:
        """Only blanks (or a joining hyphen) between word k-1 and word k: no punctuation breaks the name."""
        gap = self.gap(k)
        return k > 0 and (gap.isspace() or gap in _JOIN or gap in {". ", ".", ".-", ". -"} and self.initial(k - 1))

    def civility(self, k: int) -> bool:
        norm = self.words[k].norm
        if norm not in CIVILITIES or not self.capital(k):
            return False
        if norm in {"m", "me"} and not (k + 1 < self.n):
            return False
        if norm == "m":  # "M. " or "M " before a capital: "m" in "m'a" or "M.C." is no civility
            after = self.text[self.words[k].end:self.words[k].end + 2]
            return after[:1] == " " or after[:1] == "." and (after[1:] == "" or after[1:].isspace())
        return True

    def first_name(self, k: int) -> bool:
        return self.words[k].norm in self.names and (self.capital(k) or self.upper(k))

    def blocked(self, k: int) -> bool:
        known = self._blocked[k]
        if known is None:
            known = self._blocked[k] = self.words[k].norm in _BLOCKED_WORDS or self.town(k)
        return known

    def town(self, k: int) -> bool:
        """A French commune's name after "à", "en", "vers", "sur" ("à Saint-Martin-d'Hères"), in INSEE's list."""
        if (k == 0 or self.words[k - 1].norm not in _TOWN_PREPOSITIONS or self.initial(k - 1)  # "A. Boisseau"
                or not self.capital(k) or self.joined(k)):
            return False
        end = k + 1
        while end < self.n and self.joined(end):
            end += 1
        name = self.text[self.words[k].start:self.words[end - 1].end]
        return _communes().is_valid(name) or _communes().is_valid(self.raw(k))

    def opener(self, k: int) -> bool:
        """Word k opens the text or a sentence (its capital then says nothing)."""
        if k == 0:
            return True
        gap = self.gap(k)
        if gap.strip() == "." and (self.initial(k - 1) or self.civility(k - 1)):
            return False
        return not _SENTENCE_BREAKS.isdisjoint(gap)

    def namey(self, k: int) -> bool:
        """May word k be part of a written name: capitalised or upper case, and no common institutional word.

        A common word opening a sentence ("Rappeler J. Martin") is not one, unless upper case.
        """
        known = self._namey[k]
        if known is None:
            known = self._namey[k] = self._read_namey(k)
        return known

    def _read_namey(self, k: int) -> bool:
        if not (self.capital(k) or self.upper(k)) or self.blocked(k):
            return False
        if len(self.raw(k)) == 1 and not (k + 1 < self.n and self.joined(k + 1)):
            return False  # a single letter is an initial ("J."), handled as such; "N'Diaye" is a name
        if self.upper(k):
            return len(self.raw(k)) > 2 or self.joined(k)
        return not (self.opener(k) and self.words[k].norm in self.lexicon and self.words[k].norm not in self.names)

    def surname_part(self, k: int) -> bool:
        """After a particle, a capitalised word is a surname even if it is a common word ("de la Salle")."""
        norm = self.words[k].norm
        return (self.capital(k) or self.upper(k)) and norm not in ROLE_WORDS and norm not in CIVILITIES

    def particle_chain_end(self, j: int) -> int:
        """After "de", "de La", "Le", "van der"... the surname: the index after it, or 0 if none follows."""
        k = j
        while k < self.n and self.particle(k) and k - j < 3 and (k == j or self.spaced(k) or self.joined(k)):
            k += 1
        if k == j or k >= self.n or not (self.spaced(k) or self.joined(k)) or not self.surname_part(k):
            return 0
        return k + 1 if not self.particle(k) else 0

    def opener_lexicon(self, k: int) -> bool:
        """A common word with its capital only because it opens a sentence ("Le jury...")."""
        return self.opener(k) and not self.upper(k) and not (k + 1 < self.n and self.upper(k + 1))

    def opening_surname(self, k: int) -> bool:
        """A capitalised word opening a sentence, before a first name: a surname unless a verb or a common word.

        "Rattrapage : Poulain Ghislaine" is a person; "Rappeler Marie" is not.
        """
        norm = self.words[k].norm
        return (self.capital(k) and not self.blocked(k) and norm not in STOP_WORDS
                and not norm.endswith(("er", "ir", "ez", "ons")))

    def particle(self, k: int) -> bool:
        return self.words[k].norm in PARTICLES

    def introducer_end(self, k: int) -> int | None:
        """When an introducer phrase ends at word k-1 (then ":" or blanks), its first word's index."""
        if k == 0:
            return None
        for phrase in _BY_LAST_WORD.get(self.words[k - 1].norm, ()):
            size = len(phrase)
            if k - size < 0 or tuple(self.words[i].norm for i in range(k - size, k)) != phrase:
                continue
            gap = self.gap(k).strip()
            if gap in {"", ":", "-", "–", ":-", ","} or gap.endswith(":"):
                return k - size
        return None


def _extend(w: _Words, first: int, last: int) -> tuple[int, int]:
    """Grow [first, last) over the words that continue a name on both sides."""
    while last < w.n and last - first < _MAX_NAME_WORDS:
        if w.joined(last) and not w.blocked(last):
            last += 1
        elif w.spaced(last) and w.namey(last):
            last += 1
        elif (w.spaced(last) and w.particle(last) and last + 1 < w.n and (w.spaced(last + 1) or w.joined(last + 1))
              and (w.surname_part(last + 1)
                   or (w.particle(last + 1) and last + 2 < w.n and w.surname_part(last + 2)))):
            last += 2 if w.surname_part(last + 1) else 3
        else:
            break
    while first > 0 and last - first < _MAX_NAME_WORDS:
        k = first - 1
        if w.joined(first) and not w.blocked(k):
            first = k
        elif w.spaced(first) and not w.civility(k) and (w.initial(k) or w.namey(k)):
            first = k
        elif w.spaced(first) and w.particle(k) and w.raw(k)[:1].isupper() and not w.opener_lexicon(k):
            first = k  # "LE MEUR Marie", "De Lattre": the capitalised particle opens the surname
        elif w.spaced(first) and w.particle(k) and k > 0 and w.namey(k - 1):
            first = k - 1
        else:
            break
    return first, last


def _company(w: _Words, first: int, last: int) -> bool:
    """The name belongs to a firm: a legal form or firm word touches it ("SAS Lefèvre", "Martin et Fils")."""
    after = [w.words[k].norm for k in range(last, min(w.n, last + 2))]
    before = w.words[first - 1].norm if first > 0 else ""
    firm = LEGAL_FORMS | ORGANISATION_WORDS
    if after and after[0] in firm:
        return True
    if len(after) == 2 and after[0] in {"et"} and after[1] in {"fils", "freres", "associes", "cie", "soeurs"}:
        return True
    if last < w.n and w.text[w.words[last - 1].end:w.words[last].start].strip() == "&":
        return True
    if _DOTTED_FORM.match(w.text, w.words[last - 1].end):
        return True
    touching = first > 0 and w.gap(first).isspace()
    return touching and before in firm and before not in {"association", "amis", "fondation", "service", "services"}


def eponym_before(w: _Words, first: int) -> bool:
    """A place, prize or grant word stands just before the name ("résidence universitaire Albert Camus").

    Only linking words may stand between them (articles, "universitaire",
    "de l'étudiant"...): in "université de Lyon pour Royer Wandrille" the
    name is a person's.
    """
    for k in range(first - 1, max(-1, first - 1 - _EPONYM_WINDOW), -1):
        gap = w.gap(k + 1)
        if any(ch in ".;:!?\n(),/–—" for ch in gap) or " - " in gap:
            return False
        norm = w.words[k].norm
        if norm in EPONYM_WORDS:
            linked = w.words[first - 1].norm in _OWNER_LINKS and first - 1 > k
            return not linked or norm in _ORG_OWNER_OK
        if norm not in _LINKING and not _complement(w, k):
            return False
    return False


def _complement(w: _Words, k: int) -> bool:
    """A lower-case noun or adjective inside a place's name ("de technologie", "des sciences"): not "à", "pour"
    or a participle ("accordée à"), after which a name is someone's."""
    norm, raw = w.words[k].norm, w.raw(k)
    return (raw.islower() and norm not in STOP_WORDS and len(norm) > 3
            and not raw.endswith(("é", "ée", "és", "ées", "er", "ir", "ant", "ent")))


def find_persons(text: str, words: Sequence[Token], lexicon: Container[str],
                 explained: list[PersonSpan] | None = None, shaped: _Words | None = None) -> list[PersonSpan]:
    """Names of persons in `text` by the rules of the module docstring, left to right, no overlap.

    ``explained`` (if given) receives the name-shaped spans the rules judged eponyms or firms.
    ``shaped``: the text's :class:`_Words` when the caller already built it (the scanner reads it again
    for the NER's candidates and spans).
    """
    if explained is None:
        explained = []
    w = shaped if shaped is not None else _Words(text, words, lexicon)
    seeds: list[PersonSpan] = []
    for k in range(w.n):
        if w.seeding[k]:
            seeds.extend(_seeds_at(w, k))
    kept: list[PersonSpan] = []
    for seed in seeds:
        first, last = _extend(w, seed.first, seed.last)
        if seed.rule not in {"civility", "introducer", "initials"} and (_company(w, first, last)
                                                                       or eponym_before(w, first)):
            explained.append(PersonSpan(first, last, "not_a_person"))
            continue
        kept.append(PersonSpan(first, last, seed.rule))
    kept = _merge(kept)
    return _merge(kept + _repeated_surnames(w, kept))


def _seeds_at(w: _Words, k: int) -> list[PersonSpan]:
    out: list[PersonSpan] = []
    nxt = k + 1
    if w.civility(k) and nxt < w.n and w.spaced(nxt) or w.civility(k) and nxt < w.n and w.gap(nxt).strip() == ".":
        j = nxt
        end = w.particle_chain_end(j)
        if end:
            out.append(PersonSpan(j, end, "civility"))
        elif w.namey(j) or w.initial(j):
            out.append(PersonSpan(j, j + 1, "civility"))
    if w.initial(k) and not w.civility(k):
        j = k + 1
        while j < w.n and w.initial(j) and w.joined(j) or j < w.n and w.initial(j) and w.gap(j).strip() in {".", ".-"}:
            j += 1
        if j < w.n and w.gap(j).strip() in {".", ".-", ""} and not w.initial(j):
            if w.namey(j):
                out.append(PersonSpan(k, j + 1, "initials"))
            elif w.particle_chain_end(j):
                out.append(PersonSpan(k, w.particle_chain_end(j), "initials"))
    if w.initial(k) and k > 0 and w.spaced(k) and w.namey(k - 1) and not w.opener_lexicon(k - 1):
        last = k
        while last + 1 < w.n and w.initial(last + 1) and w.gap(last + 1).strip() in {".", ".-"}:
            last += 1  # "Ledoux A.L.", "Monnier J.-L.": every initial belongs to the name
        if not (last + 1 < w.n and w.spaced(last + 1) and w.capital(last + 1)):  # "Dumont T. Martin": T. opens a name
            out.append(PersonSpan(k - 1, last + 1, "surname_initial"))  # "Dumont T.", "Maury É."
    if w.first_name(k):
        if nxt < w.n and w.spaced(nxt) and w.particle_chain_end(nxt):
            out.append(PersonSpan(k, w.particle_chain_end(nxt), "first_name"))  # "Hortense de La Vauzelle"
        elif nxt < w.n and w.spaced(nxt) and w.namey(nxt):
            if not w.first_name(nxt) or nxt + 1 < w.n and w.spaced(nxt + 1) and w.namey(nxt + 1) or w.upper(nxt) \
                    or not w.joined(nxt):
                out.append(PersonSpan(k, nxt + 1, "first_name"))
        before = k - 1
        if k > 0 and w.spaced(k) and not w.civility(before) and (w.namey(before) or w.opening_surname(before)) \
                and (w.upper(before) or not w.first_name(before)) \
                and (w.upper(before) or not (nxt < w.n and w.spaced(nxt) and w.namey(nxt))):
            out.append(PersonSpan(k - 1, k + 1, "surname_first"))
    elif w.upper(k) and len(w.raw(k)) >= 3 and w.namey(k) and nxt < w.n and w.spaced(nxt) and w.capital(nxt) \
            and not w.upper(nxt) and w.namey(nxt) and w.words[nxt].norm not in w.lexicon:
        out.append(PersonSpan(k, nxt + 1, "upper_surname"))
    if (not w.capital(k) and w.words[k].norm in w.names and w.words[k].norm not in NOT_NAMES and nxt < w.n
            and w.spaced(nxt) and not w.capital(nxt) and len(w.words[nxt].norm) >= 3
            and w.words[nxt].norm not in STOP_WORDS and w.words[nxt].norm not in NOT_NAMES
            and (w.words[k].norm not in w.lexicon or w.words[nxt].norm not in w.lexicon
                 or w.introducer_end(k) is not None)):
        out.append(PersonSpan(k, nxt + 1, "lower_case"))
    if (w.capital(k) and not w.upper(k) and not w.opener(k) and w.namey(k) and w.words[k].norm not in w.lexicon
            and nxt < w.n and w.spaced(nxt) and w.capital(nxt) and not w.upper(nxt) and w.namey(nxt)
            and w.words[nxt].norm not in w.lexicon and not (nxt + 1 < w.n and w.spaced(nxt + 1) and w.namey(nxt + 1))):
        out.append(PersonSpan(k, nxt + 1, "unknown_pair"))  # "Lefort Ysoline": two unknown capitalised words
    start = w.introducer_end(k)
    if start is not None and w.namey(k) and not w.civility(k):
        phrase = tuple(x.norm for x in w.words[start:k])
        strong = phrase not in WEAK_INTRODUCERS
        two = k + 1 < w.n and w.spaced(k + 1) and w.namey(k + 1)
        if strong and (w.words[k].norm not in w.lexicon or w.upper(k) or two) or w.first_name(k) or w.upper(k) \
                and len(w.raw(k)) >= 3 or two and not _company(w, k, k + 2):
            out.append(PersonSpan(k, k + 1, "introducer"))
    return out


def _merge(spans: list[PersonSpan]) -> list[PersonSpan]:
    """Overlapping or touching spans become one, left to right."""
    out: list[PersonSpan] = []
    for span in sorted(spans, key=lambda s: (s.first, -s.last)):
        if out and span.first < out[-1].last:
            prev = out[-1]
            out[-1] = PersonSpan(prev.first, max(prev.last, span.last), prev.rule)
        else:
            out.append(span)
    return out


def _repeated_surnames(w: _Words, found: list[PersonSpan]) -> list[PersonSpan]:
    """A surname of a found name met again alone in the same text ("Marie Lefort ... Lefort a confirmé")."""
    surnames = {w.words[k].norm for s in found for k in range(s.first, s.last)
                if not w.first_name(k) and not w.particle(k) and len(w.words[k].norm) >= 3}
    if not surnames:
        return []  # most texts: no name found, nothing to look for again
    inside = {k for s in found for k in range(s.first, s.last)}
    return [PersonSpan(k, k + 1, "repeated") for k in range(w.n)
            if k not in inside and w.words[k].norm in surnames and (w.capital(k) or w.upper(k))]


def eponyms(labels: Sequence[str], lexicon: Container[str]) -> list[str]:
    """The eponyms in the institution's own labels ("Laboratoire Jean Kuntzmann" -> "Jean Kuntzmann").

    Only what the rules judge an eponym or a firm in its label becomes a
    public name: a person named in a label ("Secrétariat de Mme Garnier")
    never does.
    """
    found: dict[str, None] = {}
    for label in labels:
        if not isinstance(label, str):
            continue
        words = tokens(label)
        explained: list[PersonSpan] = []
        find_persons(label, words, lexicon, explained)
        for span in explained:
            found[label[words[span.first].start:words[span.last - 1].end]] = None
    return list(found)

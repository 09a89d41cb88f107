"""The free-text scanner: redact persons and direct identifiers from texts before publication.

Three detectors, each with its reason:

- patterns (``recognizers.py``): NIR, INE, IBAN, telephone, e-mail; SIRET and
  SIREN of legal persons are found but left in place when allowed
  (décret 2017-779 and DECP publish them);
- the deny-list: persons of the sources with no publication exception
  (CRPA L312-1-2), found whatever the spelling;
- spaCy NER through Presidio, for persons the sources do not list (a name
  typed in a comment). A PERSON that is a steward's public name ("amphithéâtre
  Marie Curie") is kept and listed for review, not redacted.

Speed: each distinct text is scanned once and the result copied to every
row holding it; the NER runs in batches, and only on texts holding a name
candidate that the patterns, the deny-list and the person rules have not
already redacted or explained (see ``names.py``), and there only on the
words around those candidates (``draft.py``), optionally in several
processes. Findings carry entity, row and offsets, never the text.
"""

from __future__ import annotations

import math
import multiprocessing
from collections import Counter
from collections.abc import Container, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from anonymisation.freetext import engine
from anonymisation.freetext.addresses import (
    ADRESSE,
    DATE_NAISSANCE,
    PublicAddresses,
    address_spans,
    find_birth_dates,
    may_hold_address,
)
from anonymisation.freetext.draft import Draft, Finding, overlaps, subtract
from anonymisation.freetext.names import (
    PLACE_WORDS,
    DenyList,
    PublicNames,
    after_place_word,
    is_civility,
    name_candidates,
)
from anonymisation.freetext.normalise import tokens
from anonymisation.freetext.person_rules import (
    PersonSpan,
    _company,
    _extend,
    _Words,
    eponym_before,
    find_persons,
    load_vocabularies,
)
from anonymisation.freetext.recognizers import LEGAL_PERSON_ENTITIES, find_identifiers

PERSONNE = "PERSONNE"
# A text the NER could not read is withheld whole, never published unscanned.
WITHHELD = "TEXTE_RETIRE"
# spaCy refuses texts over 1,000,000 characters, and no free-text cell that long is a text a reuser reads.
MAX_TEXT_CHARS = 100_000
# Below this many texts a second process costs more (fork, result transfer) than it saves.
_MIN_TEXTS_PER_WORKER = 512


@dataclass
class ScanResult:
    """Redacted texts in input order, and what was found where.

    ``stats`` counts the work done: ``distinct`` texts scanned and
    ``ner_texts`` of them sent to the NER.
    """

    texts: list[str | None]
    findings: list[Finding]
    stats: dict[str, int] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """Redactions by entity (public names kept for review are not redactions)."""
        return dict(Counter(f.entity for f in self.findings if not f.kept_public_name))


def _is_missing(value: object) -> bool:
    """None, pandas NA and float NaN are missing cells, left as they are."""
    if value is None or type(value).__name__ in {"NAType", "NaTType"}:
        return True
    return isinstance(value, float) and math.isnan(value)


class FreeTextScanner:
    """Find and redact persons and direct identifiers in French free text.

    ``deny_names``: (first name, last name) of the persons of the sources
    that no publication exception covers (give each usual name as its own
    pair). ``public_names``: the steward's eponyms, kept in text.
    ``legal_person_sirets_allowed``: leave SIRET/SIREN of legal persons in
    place (they are then neither redacted nor counted). ``workers``: NER
    processes (the model is loaded once here and shared with forked
    workers; worth it only on an otherwise idle multi-core machine).
    ``ner_skip``: run the NER only on texts where it can change the result
    (see ``names.py``); False runs it on every text, to prove that.
    """

    def __init__(self, deny_names: Iterable[tuple[str, str]] = (), public_names: Iterable[str] = (), *,
                 public_addresses: Iterable[str] = (), use_ner: bool = True,
                 legal_person_sirets_allowed: bool = True, workers: int = 1, ner_skip: bool = True) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self._deny = DenyList(deny_names)
        self._public = PublicNames(public_names)
        self._addresses = PublicAddresses(public_addresses)
        self._use_ner = use_ner
        self._sirets_allowed = legal_person_sirets_allowed
        self._workers = workers
        self._ner_skip = ner_skip
        self._lexicon: Container[str] = engine.lexicon() if use_ner else frozenset()
        load_vocabularies()

    def scan(self, texts: Sequence[str | None]) -> ScanResult:
        """Redact `texts`; the result has the same length and order, and missing cells stay missing."""
        index: dict[str, int] = {}
        for row, value in enumerate(texts):
            if isinstance(value, str):
                index.setdefault(value, len(index))
            elif not _is_missing(value):
                raise TypeError(f"row {row}: expected text or a missing value, got {type(value).__name__}")
        drafts = [self._draft(text) for text in index]
        ner = [d for d in drafts if self._use_ner and not d.withheld and (d.needs_ner() or not self._ner_skip)]
        for d in ner:  # only the texts the NER reads need every word's candidacy
            d.candidates = [self._candidate(d, k) for k in range(len(d.words))]
        # The NER reads only the words around the candidates it is run for (the whole text with ner_skip off).
        pieces = [(d, a, b) for d in ner for a, b in (d.ner_windows() if self._ner_skip else [(0, len(d.text))])]
        for (draft, a, _), spans in zip(pieces, self._person_spans([d.text[a:b] for d, a, b in pieces]), strict=True):
            if spans is None:
                draft.withheld = True  # a text the NER could not read in full is withheld whole
                continue
            for start, end in spans:
                self._add_person(draft, start + a, end + a)
        per_text = [self._render(d) for d in drafts]
        out_texts: list[str | None] = []
        findings: list[Finding] = []
        for row, value in enumerate(texts):
            if not isinstance(value, str):
                out_texts.append(value)
                continue
            redacted, found = per_text[index[value]]
            out_texts.append(redacted)
            findings.extend(Finding(f.entity, row, f.start, f.end, f.source, f.kept_public_name) for f in found)
        return ScanResult(out_texts, findings, {"distinct": len(drafts), "ner_texts": len(ner),
                                                "withheld": sum(d.withheld for d in drafts)})

    def _person_spans(self, texts: list[str]) -> list[list[tuple[int, int]] | None]:
        """NER PERSON spans per text (None where the NER failed on that text), in one or several processes."""
        workers = min(self._workers, max(1, len(texts) // _MIN_TEXTS_PER_WORKER))
        if workers == 1 or "fork" not in multiprocessing.get_all_start_methods():
            return _spans_or_none(texts) if texts else []
        size = -(-len(texts) // workers)
        chunks = [texts[k:k + size] for k in range(0, len(texts), size)]
        # Fork: the workers inherit the loaded model instead of paying seconds to load it again.
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return [spans for part in pool.map(_spans_or_none, chunks) for spans in part]

    def _draft(self, text: str) -> Draft:
        """Patterns, addresses, deny-list and person rules on one distinct text, and its name candidates."""
        words = tokens(text)
        draft = Draft(text, words, self._public.find(words))
        if len(text) > MAX_TEXT_CHARS:
            draft.withheld = True
            return draft
        for m in find_identifiers(text):
            legal = m.entity in LEGAL_PERSON_ENTITIES and self._sirets_allowed
            (draft.allowed if legal else draft.taken).append(Finding(m.entity, 0, m.start, m.end, "pattern"))
        if may_hold_address(text):
            personal, public = address_spans(text, self._addresses)
            # The institution's own address stays whole: "2 place Doyen Gosse" names no person.
            draft.allowed += [Finding(ADRESSE, 0, start, end, "public") for start, end in public]
            for entity, spans in ((ADRESSE, personal), (DATE_NAISSANCE, find_birth_dates(text))):
                for start, end in spans:
                    if not overlaps(start, end, draft.taken + draft.allowed):
                        draft.taken.append(Finding(entity, 0, start, end, "pattern"))
        for i, j in self._deny.find(text, words):
            start, end = words[i].start, words[j - 1].end
            if overlaps(start, end, draft.taken + draft.allowed):
                continue
            if any(p <= i and j <= q and after_place_word(words, p) for p, q in draft.public):
                draft.kept.append(Finding(PERSONNE, 0, start, end, "deny_list", kept_public_name=True))
            else:
                draft.taken.append(Finding(PERSONNE, 0, start, end, "deny_list"))
        explained: list[PersonSpan] = []
        # One reading of the words serves the person rules, the NER's candidates and its spans.
        shaped = draft.shaped = _Words(text, words, self._lexicon)
        for span in find_persons(text, words, self._lexicon, explained, shaped):
            self._add_rule_person(draft, span.first, span.last)
        if self._use_ner:
            # Which words may be a name the NER adds (see _candidate): asked here only of the words
            # outside every redaction, and of every word only for the texts the NER reads (scan).
            draft.explained_words = {k for p, q in draft.public for k in range(p, q)}
            draft.explained_words |= {k for span in explained for k in range(span.first, span.last)}
            draft.name_shaped = name_candidates(text, words, self._lexicon, self._deny.words)
            # The NER is run for the candidates outside every redaction, except one that, grown into the
            # name it starts, touches a legal form or a firm word ("SARL Boulanger et Fils", "Transports
            # Blanc SA"): it names a firm, and _add_person drops an NER span holding only it as a company.
            draft.unexplained = [k for k, c in enumerate(draft.name_shaped)
                                 if c and not overlaps(words[k].start, words[k].end, draft.taken)
                                 and self._candidate(draft, k) and not _company(shaped, *_extend(shaped, k, k + 1))]
        return draft

    @staticmethod
    def _candidate(draft: Draft, k: int) -> bool:
        """May word k be (part of) a name the NER adds: name-shaped, and nothing that _add_person drops.

        A word right after a place, prize or grant word, inside the institution's address or a SIRET left
        in place, or one the person rules block (a role, a service, a firm word) is dropped from any NER
        span; so are the words of an eponym or a firm the rules recognised.
        """
        shaped, word = draft.shaped, draft.words[k]
        assert shaped is not None
        return (draft.name_shaped[k] and not shaped.blocked(k) and k not in draft.explained_words
                and not eponym_before(shaped, k) and not overlaps(word.start, word.end, draft.allowed))

    @staticmethod
    def _add_rule_person(draft: Draft, first: int, last: int) -> None:
        """A name found by the person rules: redacted, unless it is (inside) a public name."""
        words = draft.words
        if any(p <= first and last <= q for p, q in draft.public):
            draft.kept.append(Finding(PERSONNE, 0, words[first].start, words[last - 1].end, "rules",
                                      kept_public_name=True))
            return
        for a, b in subtract(words[first].start, words[last - 1].end, draft.taken + draft.allowed):
            if any(c.isalpha() for c in draft.text[a:b]):
                draft.taken.append(Finding(PERSONNE, 0, a, b, "rules"))

    @staticmethod
    def _render(draft: Draft) -> tuple[str, list[Finding]]:
        """The redacted text and its findings (row 0: the caller sets the row)."""
        if draft.withheld:
            return f"[{WITHHELD}]", [Finding(WITHHELD, 0, 0, len(draft.text), "withheld")]
        redactions = sorted(draft.taken, key=lambda f: f.start)
        unique_kept: dict[tuple[int, int], Finding] = {}
        for f in draft.kept:  # the deny-list's finding first, then the NER's for the same name
            unique_kept.setdefault((f.start, f.end), f)
        kept = [f for f in unique_kept.values() if not overlaps(f.start, f.end, redactions)]
        pieces, cursor = [], 0
        for f in redactions:
            pieces += [draft.text[cursor:f.start], f"[{f.entity}]"]
            cursor = f.end
        pieces.append(draft.text[cursor:])
        return "".join(pieces), sorted(redactions + kept, key=lambda f: f.start)

    def _add_person(self, draft: Draft, start: int, end: int) -> None:
        """Turn one NER PERSON span into redactions, a kept public name, or nothing (see names.py)."""
        text, words, candidates = draft.text, draft.words, draft.candidates
        inside = [k for k, w in enumerate(words) if w.start < end and start < w.end]
        if not any(candidates[k] for k in inside):
            return  # "Relevé", "Mme", "TP": no word of the span can be a name
        in_public = {k for p, q in draft.public for k in range(p, q) if k in inside}
        shaped = draft.shaped if draft.shaped is not None else _Words(text, words, self._lexicon)
        capitals = [k for k in inside if text[words[k].start].isupper() and not is_civility(text, words[k])]
        others = [k for k in capitals if (candidates[k] or shaped.upper(k)) and k not in in_public
                  and words[k].norm not in PLACE_WORDS and not shaped.blocked(k)]
        for p, q in draft.public:
            if p in inside or q - 1 in inside:
                draft.kept.append(Finding(PERSONNE, 0, words[p].start, words[q - 1].end, "ner",
                                          kept_public_name=True))
        if not any(candidates[k] for k in others):
            return  # only a public name, a role or place words: kept and listed above
        first, last = _extend(shaped, others[0], others[-1] + 1)
        if _company(shaped, first, last) or eponym_before(shaped, first):
            return  # "Dupuis Frères", "résidence Albert Camus": a firm or an eponym, not a person
        if any(p <= first and last <= q for p, q in draft.public):
            return
        for a, b in subtract(words[first].start, words[last - 1].end, draft.taken + draft.allowed):
            names = [k for k in range(first, last) if a <= words[k].start and words[k].end <= b]
            if names and any(candidates[k] or k not in in_public for k in names):
                draft.taken.append(Finding(PERSONNE, 0, words[names[0]].start, words[names[-1]].end, "ner"))


def _spans_or_none(texts: list[str]) -> list[list[tuple[int, int]] | None]:
    """The NER on a batch; if the batch fails, text by text, with None for each text the NER cannot read."""
    try:
        return list(engine.person_spans(texts))
    except engine.FreeTextEngineError:
        if len(texts) == 1:
            return [None]
        out: list[list[tuple[int, int]] | None] = []
        for text in texts:
            try:
                out.extend(engine.person_spans([text]))
            except engine.FreeTextEngineError:
                out.append(None)
        return out

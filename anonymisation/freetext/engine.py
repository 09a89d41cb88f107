"""The Presidio analyzer with French spaCy NER, built once per process and run offline.

Three offline traps are closed here (stack notes, "Offline traps"):

- ``AnalyzerEngine()`` without an NLP configuration loads, and downloads,
  ``en_core_web_lg``: we always pass a French spaCy engine
  (``fr_core_news_sm``) and refuse to start if that model is not installed,
  rather than let Presidio call ``spacy.cli.download``;
- Presidio's e-mail and URL recognizers call ``tldextract.extract``, whose
  default extractor fetches the public-suffix list from the internet: the
  module-wide extractor is replaced by one with no suffix-list URLs and no
  disk cache, answering from the snapshot shipped inside the package;
- no recognizer that needs the network is registered: the registry holds
  spaCy's NER and our French identifier recognizer only.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence

import spacy
import tldextract
import tldextract.tldextract
from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngine, NlpEngineProvider
from presidio_analyzer.predefined_recognizers import SpacyRecognizer

from anonymisation.freetext.recognizers import ALL_ENTITIES, find_identifiers

LANGUAGE = "fr"
MODEL = "fr_core_news_sm"
PERSON = "PERSON"
BATCH_SIZE = 256
# Pipes the NER does not read: fr_core_news_sm's NER has its own tok2vec; of the
# rest, only the sentence boundaries constrain it (no entity crosses one). The
# parser gives them at the cost of the shared tok2vec and the parse, half the
# NER's time; spaCy's rule-based sentencizer (punctuation) gives them for
# nothing. bench/README.md measures the trade (recall and precision on the
# evaluation set and fresh draws: equal or better).
UNUSED_PIPES = ("tok2vec", "morphologizer", "parser", "attribute_ruler", "lemmatizer")
SENTENCES = "sentences"


class FreeTextEngineError(RuntimeError):
    """The NER engine could not be built or failed on a batch (the message never quotes a text)."""


_OFFLINE_EXTRACTOR = tldextract.TLDExtract(cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True)


def configure_tldextract_offline() -> None:
    """Make every ``tldextract.extract`` call answer from the bundled snapshot, with no network and no cache.

    Presidio calls the module-level ``tldextract.extract``, which uses the
    module's ``TLD_EXTRACTOR``: that object is replaced by one with no
    suffix-list URLs and no disk cache. Extractors built later by other
    code read ``TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS``, set to empty here
    unless the operator named a local list.
    """
    os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
    tldextract.tldextract.TLD_EXTRACTOR = _OFFLINE_EXTRACTOR


class FrenchIdentifierRecognizer(EntityRecognizer):
    """Presidio recognizer for NIR, INE, IBAN, telephone, e-mail, SIRET and SIREN (French rules).

    It calls the same :func:`find_identifiers` as the leak guard, so the
    scanner and the guard cannot disagree on what an identifier is.
    """

    def __init__(self, supported_language: str = LANGUAGE) -> None:
        super().__init__(supported_entities=list(ALL_ENTITIES), name="FrenchIdentifierRecognizer",
                         supported_language=supported_language)

    def load(self) -> None:
        """Nothing to load: patterns are compiled at import."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None,
                ) -> list[RecognizerResult]:
        """One result per identifier, score 1.0 (check keys verified; INE only next to a context word)."""
        return [RecognizerResult(m.entity, m.start, m.end, 1.0) for m in find_identifiers(text)
                if m.entity in entities]


def build_analyzer() -> AnalyzerEngine:
    """A new analyzer: French spaCy NER (PERSON...) plus :class:`FrenchIdentifierRecognizer`."""
    configure_tldextract_offline()
    if not spacy.util.is_package(MODEL):
        # Presidio would try spacy.cli.download here: never at run time.
        raise FreeTextEngineError(f"the spaCy model {MODEL} is not installed (pip install {MODEL}); "
                                  "the pipeline never downloads models at run time")
    try:
        nlp_engine: NlpEngine = NlpEngineProvider(nlp_configuration={
            "nlp_engine_name": "spacy", "models": [{"lang_code": LANGUAGE, "model_name": MODEL}],
            # The French model's MISC label (works, events) maps to no Presidio entity: without
            # this, Presidio logs one warning per MISC entity of every text.
            "ner_model_configuration": {"labels_to_ignore": ["MISC"]}}).create_engine()
        # Disabled here, so Presidio's own analyze() keeps the model's pipeline; person_spans enables it.
        nlp_engine.nlp[LANGUAGE].add_pipe("sentencizer", name=SENTENCES, before="ner")  # type: ignore[attr-defined]
        nlp_engine.nlp[LANGUAGE].disable_pipe(SENTENCES)  # type: ignore[attr-defined]
        registry = RecognizerRegistry(recognizers=[SpacyRecognizer(supported_language=LANGUAGE),
                                                   FrenchIdentifierRecognizer()],
                                      supported_languages=[LANGUAGE])
        return AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=[LANGUAGE])
    except Exception as exc:  # spaCy/Presidio errors: keep the type, drop the message
        raise FreeTextEngineError(f"could not build the French analyzer ({type(exc).__name__})") from None


_LOCK = threading.Lock()
_RUN_LOCK = threading.Lock()  # spaCy pipelines are not safe to run from two threads at once
_ANALYZER: AnalyzerEngine | None = None


def analyzer() -> AnalyzerEngine:
    """The process-wide analyzer, built on first use (spaCy loading costs seconds: never per call)."""
    global _ANALYZER
    with _LOCK:
        if _ANALYZER is None:
            _ANALYZER = build_analyzer()
        return _ANALYZER


def person_spans(texts: Sequence[str]) -> list[list[tuple[int, int]]]:
    """PERSON spans (start, end) found by the NER in each text, in input order.

    spaCy runs in batches of 256 texts, and the spans are read from each
    document's entities whose label the analyzer's NER configuration maps to
    PERSON (``PER`` for the French model). That is what Presidio's
    ``analyze`` returns for PERSON on the same document (its spaCy
    recognizer reads these entities, with one fixed score, and no other
    recognizer gives a PERSON): the same spans without building Presidio's
    artifacts (lemmas, token copies) for each text.
    """
    engine = analyzer()
    nlp = engine.nlp_engine.nlp[LANGUAGE]  # type: ignore[attr-defined]
    labels = _person_labels(engine)
    out: list[list[tuple[int, int]]] = []
    try:
        with _RUN_LOCK:
            nlp.enable_pipe(SENTENCES)
            try:
                with nlp.select_pipes(disable=[p for p in UNUSED_PIPES if p in nlp.pipe_names]):
                    for doc in nlp.pipe(list(texts), batch_size=BATCH_SIZE):
                        out.append(sorted((e.start_char, e.end_char) for e in doc.ents if e.label_ in labels))
            finally:
                nlp.disable_pipe(SENTENCES)
    except Exception as exc:  # a library message may quote the text
        raise FreeTextEngineError(f"NER failed on a batch of {len(texts)} texts ({type(exc).__name__})") from None
    return out


def _person_labels(engine: AnalyzerEngine) -> frozenset[str]:
    """The model's entity labels that Presidio reads as PERSON (its NER configuration's mapping)."""
    mapping = engine.nlp_engine.ner_model_configuration.model_to_presidio_entity_mapping  # type: ignore[attr-defined]
    ignored = set(engine.nlp_engine.ner_model_configuration.labels_to_ignore or ())  # type: ignore[attr-defined]
    return frozenset(label for label, entity in mapping.items() if entity == PERSON and label not in ignored)


# Words whose answer the Lexicon remembers at most (a bound on memory over a column of any size).
_LEXICON_MEMO = 1 << 17


class Lexicon:
    """Common French words (lemmas and inflected forms) from the model's lemmatizer tables.

    Used only to tell a capitalised word at the start of a sentence
    ("Relevé de notes...", "Rappeler l'étudiant...") from a name.
    """

    def __init__(self, lemmas: frozenset[str], forms: object) -> None:
        self._lemmas = lemmas
        self._forms = forms  # spaCy's hashed lookup table: membership without listing 200,000 keys
        # spaCy hashes the word at each look-up, and the rules ask about the same words again and again.
        self._answers: dict[str, bool] = {}

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        known = self._answers.get(word)
        if known is None:
            if len(self._answers) >= _LEXICON_MEMO:
                self._answers.clear()
            known = self._answers[word] = word in self._lemmas or word in self._forms  # type: ignore[operator]
        return known


def lexicon() -> Lexicon:
    """The :class:`Lexicon` of the process-wide model."""
    nlp = analyzer().nlp_engine.nlp[LANGUAGE]  # type: ignore[attr-defined]
    tables = nlp.get_pipe("lemmatizer").lookups
    lemmas: set[str] = set()
    if tables.has_table("lemma_index"):
        for words in tables.get_table("lemma_index").values():
            lemmas.update(words)
    forms = tables.get_table("lemma_lookup") if tables.has_table("lemma_lookup") else frozenset()
    return Lexicon(frozenset(lemmas), forms)

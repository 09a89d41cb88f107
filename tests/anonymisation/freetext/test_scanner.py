"""The free-text scanner end to end, on the real French spaCy model through Presidio."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from anonymisation.freetext import FreeTextScanner, engine
from anonymisation.freetext import scanner as scanner_module
from anonymisation.freetext.engine import FreeTextEngineError

from .conftest import DENY
from .test_recognizers import VALID_NIR, spaced

PLANTED = {
    "NIR": spaced(VALID_NIR), "IBAN": "FR76 3000 6000 0112 3456 7890 189", "TELEPHONE": "+33 6 12 34 56 78",
    "EMAIL": "karim.benali@gmail.com", "INE": "INE 1234567890A",
}


@pytest.mark.parametrize("text, expected", [
    (f"NIR communiqué par l'étudiant : {PLANTED['NIR']} (à ne pas conserver).",
     "NIR communiqué par l'étudiant : [NIR] (à ne pas conserver)."),
    (f"Remboursement sur l'IBAN {PLANTED['IBAN']}.", "Remboursement sur l'IBAN [IBAN]."),
    (f"A contacté la scolarité au {PLANTED['TELEPHONE']} pour une césure.",
     "A contacté la scolarité au [TELEPHONE] pour une césure."),
    (f"Demande de transfert, contacter {PLANTED['EMAIL']}.", "Demande de transfert, contacter [EMAIL]."),
    ("Numéro étudiant (INE) : 1234567890A.", "Numéro étudiant (INE) : [INE]."),
    ("Dossier de DUPONT Jean complété.", "Dossier de [PERSONNE] complété."),
    ("Mme ou M. Benali demande un report.", "Mme ou M. [PERSONNE] demande un report."),
    ("Comportement inapproprié signalé en TP, entretien avec Gabriel Fabre prévu.",
     "Comportement inapproprié signalé en TP, entretien avec [PERSONNE] prévu."),
    ("Subvention à l'association, SIRET 197 590 003 00012.", "Subvention à l'association, SIRET 197 590 003 00012."),
])
def test_redaction(scanner: FreeTextScanner, text: str, expected: str) -> None:
    assert scanner.scan([text]).texts == [expected]


def test_ner_person_is_redacted_and_reported(scanner: FreeTextScanner) -> None:
    result = scanner.scan(["Entretien avec Gabriel Fabre prévu lundi."])
    assert result.texts == ["Entretien avec [PERSONNE] prévu lundi."]
    # A first name next to a capitalised word: the person rules find it before the NER is needed.
    assert [(f.entity, f.row, f.start, f.end, f.source) for f in result.findings] == [("PERSONNE", 0, 15, 28, "rules")]


def test_public_name_kept_and_listed(scanner: FreeTextScanner) -> None:
    text = "Convocation pour l'examen de rattrapage dans l'amphithéâtre Marie Curie."
    result = scanner.scan([text])
    assert result.texts == [text]
    kept = [f for f in result.findings if f.kept_public_name]
    assert [(f.entity, text[f.start:f.end]) for f in kept] == [("PERSONNE", "Marie Curie")]
    assert result.counts() == {}


def test_deny_listed_eponym_needs_a_place_word(scanner: FreeTextScanner) -> None:
    """DENY holds a real agent called Marie Curie: the room keeps its name, the person does not."""
    result = scanner.scan(["Réunion en salle Marie Curie.", "Marie Curie a rappelé le service."])
    assert result.texts == ["Réunion en salle Marie Curie.", "[PERSONNE] a rappelé le service."]
    assert [(f.row, f.source, f.kept_public_name) for f in result.findings] == [
        (0, "deny_list", True), (1, "deny_list", False)]


def test_sirets_redacted_when_not_allowed() -> None:
    strict = FreeTextScanner(use_ner=False, legal_person_sirets_allowed=False)
    result = strict.scan(["SIRET 197 590 003 00012 et SIREN 197590003"])
    assert result.texts == ["SIRET [SIRET] et SIREN [SIREN]"]
    assert result.counts() == {"SIRET": 1, "SIREN": 1}


def test_missing_values_and_order_preserved(scanner: FreeTextScanner) -> None:
    texts = [None, "Rappeler au 0612345678.", math.nan, "Rien à signaler.", pd.NA]
    result = scanner.scan(texts)
    assert result.texts[0] is None and result.texts[4] is pd.NA and math.isnan(result.texts[2])
    assert result.texts[1::2] == ["Rappeler au [TELEPHONE].", "Rien à signaler."]
    assert [f.row for f in result.findings] == [1]


def test_non_text_value_rejected_without_quoting_it(scanner: FreeTextScanner) -> None:
    with pytest.raises(TypeError) as err:
        scanner.scan(["ok", 612345678])
    assert "612345678" not in str(err.value) and "row 1" in str(err.value)


def test_repeated_values_are_scanned_once(scanner: FreeTextScanner, monkeypatch: pytest.MonkeyPatch) -> None:
    """A spy on the real NER: 400 cells holding 4 distinct texts are scanned 4 times, not 400, and
    only the text the NER can change is analysed, once."""
    calls: list[list[str]] = []
    real = engine.person_spans

    def spy(texts: list[str]) -> list[list[tuple[int, int]]]:
        calls.append(list(texts))
        return real(texts)

    monkeypatch.setattr(engine, "person_spans", spy)
    texts = ["Entretien avec Gabriel Fabre prévu.", "Réunion à Grenoble prévue.", "Visite à Chamonix prévue.",
             "Rien à signaler."] * 100
    result = scanner.scan(texts)
    # The NER only ever adds a name where a capitalised word is left that no rule explains (names.py):
    # "Gabriel Fabre" is already removed by the person rules (a known first name and a capitalised word),
    # "Grenoble" after "à" is a commune of INSEE's list, "Rien" a common word opening the text. "Chamonix"
    # is in no list (the commune is "Chamonix-Mont-Blanc"): only that text goes to the NER.
    assert result.stats == {"distinct": 4, "ner_texts": 1, "withheld": 0}
    assert calls == [["Visite à Chamonix prévue."]]
    assert result.counts() == {"PERSONNE": 100}
    assert result.texts[4] == result.texts[0] == "Entretien avec [PERSONNE] prévu."


def test_findings_never_hold_the_text(scanner: FreeTextScanner) -> None:
    texts = [f"Dossier de {first} {last}, {value}" for (first, last), value in zip(DENY, PLANTED.values())]
    result = scanner.scan(texts)
    shown = repr(result.findings) + repr(result.counts()) + repr(result.stats)
    for value in [*PLANTED.values(), *(part for pair in DENY for part in pair)]:
        assert value not in shown
        assert value.replace(" ", "") not in shown
    assert all(v not in t for t in result.texts for v in PLANTED.values())


def test_ner_skip_changes_nothing(public_names: list[str], generator_texts: list[str],
                                  generator_people: list[tuple[str, str]]) -> None:
    """On every distinct free text of the synthetic sources: NER on all texts or only where it can matter."""
    people = generator_people[::3]  # some persons known, others left to the NER
    skipping = FreeTextScanner(people, public_names).scan(generator_texts)
    everything = FreeTextScanner(people, public_names, ner_skip=False).scan(generator_texts)
    assert everything.stats["ner_texts"] == len(generator_texts) > 2 * skipping.stats["ner_texts"]
    assert skipping.texts == everything.texts
    assert skipping.findings == everything.findings


def test_the_ner_reads_the_words_around_a_candidate(public_names: list[str]) -> None:
    """In a long text, the NER reads a window around the one name no rule explains, with the same result."""
    before = ("Le conseil de perfectionnement a examiné les maquettes des parcours de la mention "
              "et leurs volumes horaires")
    after = "puis a validé les modalités de contrôle des connaissances pour la prochaine rentrée universitaire"
    text = f"{before}, avec l'appui de Piquet, {after}."
    windowed = FreeTextScanner((), public_names)
    draft = windowed._draft(text)
    [(start, end)] = draft.ner_windows()
    assert 0 < start < text.index("Piquet") < end < len(text)
    whole = FreeTextScanner((), public_names, ner_skip=False).scan([text])
    assert windowed.scan([text]).texts == whole.texts == [f"{before}, avec l'appui de [PERSONNE], {after}."]


def test_workers_give_the_same_result(scanner: FreeTextScanner, public_names: list[str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scanner_module, "_MIN_TEXTS_PER_WORKER", 1)
    texts = [f"Entretien avec {name} prévu." for name in ("Gabriel Fabre", "Sophie Marchal", "Louis Renaud")]
    two = FreeTextScanner(DENY, public_names, workers=2).scan(texts)
    one = scanner.scan(texts)
    assert two.texts == one.texts and two.findings == one.findings
    assert one.counts() == {"PERSONNE": 3}


def test_person_spans_are_presidios_persons(generator_texts: list[str]) -> None:
    """The NER's spans read from spaCy's entities are what Presidio's analyze() returns as PERSON on the
    same documents (the scanner's pipeline: the NER with the sentencizer)."""
    analyzer = engine.analyzer()
    nlp = analyzer.nlp_engine.nlp["fr"]
    texts = generator_texts[::7] + ["Entretien avec Gabriel Fabre et Mme Sophie Marchal prévu.",
                                    "Visite à Chamonix prévue avec Louis Renaud."]
    nlp.enable_pipe(engine.SENTENCES)
    try:
        with nlp.select_pipes(disable=[p for p in engine.UNUSED_PIPES if p in nlp.pipe_names]):
            expected = [sorted((r.start, r.end) for r in analyzer.analyze(text, language="fr", entities=["PERSON"],
                                                                          nlp_artifacts=artifacts))
                        for text, artifacts in analyzer.nlp_engine.process_batch(texts, language="fr")]
    finally:
        nlp.disable_pipe(engine.SENTENCES)
    assert sum(map(bool, expected)) > 10
    assert engine.person_spans(texts) == expected


def test_library_errors_do_not_leak_text(scanner: FreeTextScanner, monkeypatch: pytest.MonkeyPatch) -> None:
    nlp = engine.analyzer().nlp_engine.nlp["fr"]

    def failing(texts: list[str], **kwargs: object) -> object:
        raise ValueError(f"cannot process {texts[0]!r}")

    monkeypatch.setattr(nlp, "pipe", failing)
    with pytest.raises(FreeTextEngineError) as err:
        engine.person_spans(["Réunion avec Fabre à Grenoble."])
    assert "Fabre" not in str(err.value) and err.value.__cause__ is None and err.value.__suppress_context__
    # The scanner falls back safely: a text the NER cannot read is withheld whole, never published unscanned.
    result = scanner.scan(["Réunion avec Fabre à Grenoble.", "Rien à signaler."])
    assert result.texts == ["[TEXTE_RETIRE]", "Rien à signaler."]
    assert result.stats["withheld"] == 1 and result.counts() == {"TEXTE_RETIRE": 1}
    assert "Fabre" not in repr(result.findings)


def test_a_text_too_long_for_the_ner_is_withheld(scanner: FreeTextScanner) -> None:
    """spaCy refuses texts over 1,000,000 characters: such a cell is withheld, never published unscanned."""
    huge = "Compte rendu de Ysoline Quenardel. " + "Rien. " * 200_000
    result = scanner.scan([huge, "Rien à signaler."])
    assert result.texts == ["[TEXTE_RETIRE]", "Rien à signaler."]
    assert result.stats["withheld"] == 1


def test_a_withheld_text_is_named_by_dataset_and_column_never_by_value(scanner: FreeTextScanner,
                                                                         caplog: pytest.LogCaptureFixture) -> None:
    """The apply layer names the dataset and column of a text the NER could not read; the value appears nowhere."""
    import datetime as dt
    import logging

    import pandas as pd

    from anonymisation.apply import ApplyContext, _scan
    from anonymisation.dictionary import load_dictionary
    from anonymisation.policy import Column
    from anonymisation.report import AnonymisationReport

    report = AnonymisationReport("marches_publics", "t", "run", "now", "h", "dpo", "2026-12-04", "v", "basis", "rows")
    context = ApplyContext(as_of=dt.date(2026, 12, 4), run_id="run", code_version="v",
                           dictionary=load_dictionary(), scanner=scanner)
    column = Column("objet", "scan", "string", "Objet", source="marches.objet")
    huge = "Contact Ysoline Quenardel. " + "Rien. " * 200_000
    with caplog.at_level(logging.WARNING):
        out = _scan(pd.Series([huge, "Rien à signaler."]), column, context, report)
    assert out.tolist() == ["[TEXTE_RETIRE]", "Rien à signaler."]
    assert report.notes == ["marches_publics.objet: 1 text(s) withheld, the NER could not read them "
                            "(rule: free-text scan)"]
    assert "Quenardel" not in caplog.text and "marches_publics.objet" in caplog.text

"""Benchmark: the free-text scanner against a naive Presidio scan, on the generator's own free texts.

Prints, from one run:
- texts/s of the naive path, ``AnalyzerEngine.analyze(text=..., language="fr")`` one cell at a
  time, with the same recognizers as ours (spaCy fr_core_news_sm NER + our French identifier
  recognizer);
- texts/s of ``FreeTextScanner.scan`` on the same texts (1 and 2 worker processes), and the ratio
  (target: at least 10x);
- whether both found the same entities, text by text (the rule is printed with the figures);
- whether our batched NER returns exactly the naive NER's PERSON spans;
- the cost of scanning the same texts repeated 5 times (repeated values cost nothing);
- the leak guard on the 1.2 M-row enrolment table.

    python bench/anonymise_freetext.py [--sqlite PATH] [--texts 20000] [--seed 7]

The large HR, finance and student sources are generated into PATH (a temporary file by default;
about 80 s) unless PATH already holds them. 20,000 distinct texts are drawn from their free-text
columns. No text is printed: only counts and timings.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import sqlalchemy as sa
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from anonymisation.freetext import FreeTextScanner, engine  # noqa: E402
from anonymisation.freetext.names import name_candidates  # noqa: E402
from anonymisation.freetext.normalise import tokens  # noqa: E402

FREE_TEXT = {"students": [("commentaires", "texte"), ("inscriptions", "commentaire_interne")],
             "finance": [("marches", "objet"), ("subventions", "objet"), ("subventions", "conditions_versement")],
             "hr": [("fonctions", "libelle_fonction"), ("structures", "libelle")]}
PEOPLE = ("agents", "etudiants")
NAIVE_BUDGET_S = 600
NAIVE_SAMPLE = 2000
# Entities both paths can report; LOCATION, ORGANIZATION, DATE_TIME... are not redacted by us.
COMPARED = {"PERSON": "PERSONNE", "NIR": "NIR", "INE": "INE", "IBAN": "IBAN", "TELEPHONE": "TELEPHONE",
            "EMAIL": "EMAIL"}


def ensure_sources(url: str) -> None:
    """Generate the large sources of the three systems unless the database already holds them."""
    from pipelines.synthetic.generate import generate

    present = set(sa.inspect(sa.create_engine(url)).get_table_names())
    for system, columns in FREE_TEXT.items():
        needed = {t for t, _ in columns} | ({"agents"} if system == "hr" else set()) | (
            {"etudiants"} if system == "students" else set())
        if not needed <= present:
            print(f"generating the large {system} source ...", flush=True)
            generate(url, system, "large", replace=True, progress=False)


def read_texts_and_people(url: str) -> tuple[list[str], list[tuple[str, str]]]:
    """Every distinct free text, and (first name, surname) of every person, usual names included."""
    texts: set[str] = set()
    people: list[tuple[str, str]] = []
    with sa.create_engine(url).connect() as conn:
        for columns in FREE_TEXT.values():
            for table, column in columns:
                query = sa.select(sa.column(column)).select_from(sa.table(table)).distinct()
                texts.update(v for (v,) in conn.execute(query) if v)
        for table in PEOPLE:
            query = sa.select(sa.column("prenom"), sa.column("nom"), sa.column("nom_usage")).select_from(
                sa.table(table))
            for first, last, usual in conn.execute(query):
                people.append((first, last))
                if usual:
                    people.append((first, usual))
    return sorted(texts), people


def timed(label: str, func, *args):  # noqa: ANN001, ANN201
    start = time.perf_counter()
    out = func(*args)
    elapsed = time.perf_counter() - start
    print(f"  {label}: {elapsed:.2f} s", flush=True)
    return out, elapsed


def naive_run(texts: list[str], rng: random.Random) -> tuple[list[str], list[list], float, str]:
    """Presidio one cell at a time; on a fixed sample of 2,000 if all texts would take over 10 minutes."""
    analyzer = engine.analyzer()
    probe = texts[:300]
    start = time.perf_counter()
    for text in probe:
        analyzer.analyze(text=text, language="fr")
    projected = (time.perf_counter() - start) / len(probe) * len(texts)
    note = f"all {len(texts):,} texts"
    if projected > NAIVE_BUDGET_S:
        texts = sorted(rng.sample(texts, NAIVE_SAMPLE))
        note = f"a fixed random sample of {NAIVE_SAMPLE:,} texts (all would take ~{projected:.0f} s)"
    start = time.perf_counter()
    results = [analyzer.analyze(text=text, language="fr") for text in texts]
    return texts, results, time.perf_counter() - start, note


def compare(texts: list[str], naive: list[list], ours: FreeTextScanner) -> None:
    """Entity sets per text: naive (mapped) against ours, ignoring what only the deny-list adds."""
    result = ours.scan(texts)
    by_row: dict[int, list] = {}
    for f in result.findings:
        by_row.setdefault(f.row, []).append(f)
    analyzer_lexicon = engine.lexicon()
    same, diffs, rejected = 0, Counter(), 0
    for row, (text, found) in enumerate(zip(texts, naive, strict=True)):
        naive_set = {COMPARED[r.entity_type] for r in found if r.entity_type in COMPARED}
        ours_all = {f.entity for f in by_row.get(row, [])}
        ours_core = {f.entity for f in by_row.get(row, []) if f.source != "deny_list"}
        if ours_core <= naive_set <= ours_all:
            same += 1
            continue
        missing, extra = sorted(naive_set - ours_all), sorted(ours_core - naive_set)
        diffs[(tuple(missing), tuple(extra))] += 1
        if missing == ["PERSONNE"]:
            words = tokens(text)
            flags = name_candidates(text, words, analyzer_lexicon, set())
            spans = [(r.start, r.end) for r in found if r.entity_type == "PERSON"]
            if not any(c and any(a < w.end and w.start < b for a, b in spans) for w, c in zip(words, flags)):
                rejected += 1
    print(f"  same entity set: {same:,} of {len(texts):,} texts ({same / len(texts):.2%})")
    for (missing, extra), n in diffs.most_common(8):
        print(f"    {n:,} texts: only naive found {list(missing) or '-'}; only ours found {list(extra) or '-'}")
    print(f"    of the texts where only naive found a PERSON, {rejected:,} are NER spans holding no name "
          "candidate (\"Relevé\", \"Mme\", \"TP\"): rejected by our documented rule")


def raw_ner_check(texts: list[str], naive: list[list]) -> None:
    """Our batched NER (process_batch, unused pipes off) against naive analyze: PERSON spans, exactly."""
    batched = engine.person_spans(texts)
    identical = sum(sorted((r.start, r.end) for r in found if r.entity_type == "PERSON") == spans
                    for found, spans in zip(naive, batched, strict=True))
    print(f"  batched NER PERSON spans identical to naive analyze(): {identical:,} of {len(texts):,} texts")


def guard_run(url: str) -> None:
    """The leak guard on the large enrolment table, with an index of every identifier and name."""
    import pandas as pd

    from anonymisation.guard import IdentifierIndex, scan_frame

    with sa.create_engine(url).connect() as conn:
        students = pd.read_sql("SELECT ine, nom, nom_usage, prenom, email_perso, telephone FROM etudiants", conn)
        agents = pd.read_sql("SELECT nir, nom, nom_usage, prenom, email_perso, telephone_perso FROM agents", conn)
        frame = pd.read_sql("SELECT * FROM inscriptions", conn)
    index = IdentifierIndex(os.urandom(32))

    def build() -> None:
        index.add("INE", students["ine"])
        index.add("EMAIL", pd.concat([students["email_perso"], agents["email_perso"]]))
        index.add("TELEPHONE", pd.concat([students["telephone"], agents["telephone_perso"]]))
        index.add("NIR", agents["nir"])
        for people in (students, agents):
            index.add_names(zip(people["prenom"].tolist(), people["nom"].tolist()))
            index.add_names(zip(people["prenom"].tolist(), people["nom_usage"].tolist()))

    print(f"leak guard: index of {len(students) + len(agents):,} persons")
    timed("index build", build)
    found, elapsed = timed(f"scan_frame on inscriptions ({len(frame):,} rows x {frame.shape[1]} columns)",
                           lambda: scan_frame(frame, "students/candidate/inscriptions", index,
                                              key_columns=["id_inscription"]))
    print(f"  {len(frame) / elapsed:,.0f} rows/s; {len(found):,} findings "
          f"({dict(Counter(f.rule for f in found))})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sqlite", type=Path, help="SQLite file holding (or to receive) the large sources")
    parser.add_argument("--texts", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{args.sqlite or Path(tmp) / 'sources.sqlite'}"
        ensure_sources(url)
        every, people = read_texts_and_people(url)
        rng = random.Random(args.seed)
        texts = sorted(rng.sample(every, min(args.texts, len(every))))
        public = yaml.safe_load((ROOT / "config" / "public_names.yaml").read_text(encoding="utf-8"))
        print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; {len(every):,} distinct free texts "
              f"in the sources, {len(texts):,} drawn (seed {args.seed}); deny-list of {len(people):,} names")
        timed("engine load (spaCy fr_core_news_sm + Presidio, once per process)", engine.analyzer)

        print("naive: analyzer.analyze(text=..., language='fr') per cell")
        naive_texts, naive, naive_s, note = naive_run(texts, rng)
        naive_rate = len(naive_texts) / naive_s
        print(f"  {naive_rate:,.0f} texts/s on {note}")

        print("ours: FreeTextScanner.scan (distinct values, batched NER only where it can change the result)")
        scanners = {}
        for workers in (1, 2):
            scanners[workers], _ = timed(f"scanner build ({workers} worker(s)), deny-list of {len(people):,} names",
                                         lambda w=workers: FreeTextScanner(people, public, workers=w))
        first, ours_s = timed("scan, 1 worker", scanners[1].scan, texts)
        _, ours2_s = timed("scan, 2 workers", scanners[2].scan, texts)
        print(f"  {len(texts) / ours_s:,.0f} texts/s (1 worker), {len(texts) / ours2_s:,.0f} texts/s (2 workers); "
              f"NER ran on {first.stats['ner_texts']:,} of {first.stats['distinct']:,} texts")
        print(f"  ratio ours / naive: {len(texts) / ours_s / naive_rate:.1f}x (1 worker), "
              f"{len(texts) / ours2_s / naive_rate:.1f}x (2 workers)")
        no_deny = FreeTextScanner((), public)
        plain, plain_s = timed("scan without deny-list (NER must find every person)", no_deny.scan, texts)
        print(f"  {len(texts) / plain_s:,.0f} texts/s without deny-list; NER ran on {plain.stats['ner_texts']:,} "
              f"texts; ratio {len(texts) / plain_s / naive_rate:.1f}x")

        print(f"same entities? compared on {note}. Rule: per text, naive's entity set (PERSON -> PERSONNE; NIR, "
              "INE, IBAN, TELEPHONE, EMAIL as is; SIRET/SIREN left out: legal persons are allowed; LOCATION, "
              "ORGANIZATION, DATE_TIME... left out: not redacted) must lie between ours without the deny-list's "
              "findings and ours with them (public names kept for review count as PERSONNE found).")
        compare(naive_texts, naive, scanners[1])
        raw_ner_check(naive_texts, naive)

        print("repeated values: the same texts repeated 5 times (each distinct text is scanned once)")
        _, repeat_s = timed(f"scan of {5 * len(texts):,} cells", scanners[1].scan, texts * 5)
        print(f"  {repeat_s / ours_s:.2f}x the time of one copy ({5 * len(texts) / repeat_s:,.0f} cells/s)")
        guard_run(url)
        print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

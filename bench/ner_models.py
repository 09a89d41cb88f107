"""Benchmark: the French spaCy NER model of the free-text scanner, small against medium.

    .venv/bin/python bench/ner_models.py [--models fr_core_news_sm fr_core_news_md] [--repeat 3]

Each model runs in its own fresh process (``--worker MODEL``), one after the
other, never in parallel: ``engine.MODEL`` is set and ``engine._ANALYZER``
reset before anything is built. On the evaluation set
(``bench/freetext_eval/texts.jsonl`` with its ``context.yaml``; public names
= ``public_names`` + ``institution_labels``, public addresses =
``institution_addresses``), without a deny-list (persons unknown to the
sources, the case the NER is for) and with a deny-list of the set's own
persons, it measures:

- PERSON spans *fully removed* (every letter and digit inside a redaction
  finding; a ``kept_public_name`` finding is not a redaction), overall and
  per written form;
- the share of hard negatives touched (any redaction finding);
- the same recall with the NER off (``use_ner=False``, the model's lexicon
  given back to the rules), to show what the NER adds;
- texts/s of ``FreeTextScanner.scan`` on all texts, after a warm-up scan of
  50 texts, model load excluded (median of ``--repeat`` runs; wall clock and
  per CPU second of the process, steadier on a shared machine), and of the raw
  NER alone (``engine.person_spans``), and of naive Presidio
  (``analyze(text=...)`` one text at a time) on the first ``--naive`` texts;
- the model load time, the peak RSS of the process and the installed size of
  the model package (``du -sh`` of its site-packages folder).

Only counts and rates are printed, never a text.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SET = ROOT / "bench" / "freetext_eval" / "texts.jsonl"
MODELS = ("fr_core_news_sm", "fr_core_news_md")
WARM_TEXTS = 50


def load() -> tuple[list[dict], dict]:
    with SET.open(encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines]
    return records, yaml.safe_load((SET.parent / "context.yaml").read_text(encoding="utf-8"))


def evaluate(records: list[dict], result) -> dict:  # noqa: ANN001
    """PERSON spans fully removed (overall, per form) and hard negatives touched: counts only."""
    ranges: list[list[tuple[int, int]]] = [[] for _ in records]
    for f in result.findings:
        if not f.kept_public_name:
            ranges[f.row].append((f.start, f.end))
    forms: dict[str, Counter] = defaultdict(Counter)
    negatives = touched = 0
    for r, found in zip(records, ranges, strict=True):
        if r["negative"]:
            negatives += 1
            touched += bool(found)
            continue
        covered = {i for a, b in found for i in range(a, b)}
        for s in r["spans"]:
            if s["type"] != "PERSON":
                continue
            chars = [i for i in range(s["start"], s["end"]) if r["text"][i].isalnum()]
            forms[s["form"]]["spans"] += 1
            forms[s["form"]]["full"] += all(i in covered for i in chars)
    spans = sum(c["spans"] for c in forms.values())
    full = sum(c["full"] for c in forms.values())
    return {"spans": spans, "full": full, "recall": full / spans,
            "forms": {f: dict(c) for f, c in sorted(forms.items())},
            "negatives": negatives, "touched": touched, "touched_share": touched / negatives}


def worker(model: str, repeat: int, naive_n: int) -> dict:
    """Everything for one model, in this (fresh) process; returns figures only."""
    sys.path.insert(0, str(ROOT))
    from anonymisation.freetext import FreeTextScanner, engine

    engine.MODEL = model
    engine._ANALYZER = None
    records, context = load()
    texts = [r["text"] for r in records]
    public = context["public_names"] + context["institution_labels"]
    addresses = context["institution_addresses"]
    deny = sorted({(p[0], p[1]) for r in records for p in r["persons"]})
    out: dict = {"model": model, "texts": len(texts), "load_avg_start": os.getloadavg()[0]}

    start = time.perf_counter()
    engine.analyzer()
    out["load_s"] = time.perf_counter() - start
    import spacy.util
    package = spacy.util.get_package_path(model)
    out["size"] = subprocess.run(["du", "-sh", str(package)], capture_output=True, text=True,
                                 check=True).stdout.split()[0]
    out["version"] = spacy.util.get_package_version(model)

    def timed(scanner) -> tuple[object, float]:  # noqa: ANN001
        scanner.scan(texts[:WARM_TEXTS])
        runs, cpu = [], []
        for _ in range(repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            result = scanner.scan(texts)
            runs.append(len(texts) / (time.perf_counter() - start))
            cpu.append(len(texts) / (time.process_time() - start_cpu))
        return result, statistics.median(runs), statistics.median(cpu)

    for name, names in (("no_deny", []), ("deny", deny)):
        scanner = FreeTextScanner(deny_names=names, public_names=public, public_addresses=addresses)
        result, rate, rate_cpu = timed(scanner)
        out[name] = {**evaluate(records, result), "scan_texts_per_s": rate, "scan_texts_per_cpu_s": rate_cpu,
                     "ner_texts": result.stats["ner_texts"]}
        rules = FreeTextScanner(deny_names=names, public_names=public, public_addresses=addresses, use_ner=False)
        rules._lexicon = engine.lexicon()
        out[f"{name}_rules_only"] = evaluate(records, rules.scan(texts))

    engine.person_spans(texts[:WARM_TEXTS])
    runs, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        engine.person_spans(texts)
        runs.append(len(texts) / (time.perf_counter() - start))
        cpu.append(len(texts) / (time.process_time() - start_cpu))
    out["ner_texts_per_s"], out["ner_texts_per_cpu_s"] = statistics.median(runs), statistics.median(cpu)

    analyzer = engine.analyzer()
    analyzer.analyze(text=texts[0], language="fr")
    start, start_cpu = time.perf_counter(), time.process_time()
    for text in texts[:naive_n]:
        analyzer.analyze(text=text, language="fr")
    out["naive_texts_per_s"] = naive_n / (time.perf_counter() - start)
    out["naive_texts_per_cpu_s"] = naive_n / (time.process_time() - start_cpu)
    out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["load_avg_end"] = os.getloadavg()[0]
    return out


def pct(x: float) -> str:
    return f"{x:.1%}"


def report(results: list[dict]) -> None:
    names = [r["model"] for r in results]
    base_naive, base_cpu = results[0]["naive_texts_per_s"], results[0]["naive_texts_per_cpu_s"]
    print(f"{results[0]['texts']:,} texts, {results[0]['no_deny']['spans']:,} PERSON spans, "
          f"{results[0]['no_deny']['negatives']} hard negatives; {os.cpu_count()} CPUs\n")
    print("| measure | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))

    def row(label: str, cell) -> None:  # noqa: ANN001
        print(f"| {label} | " + " | ".join(cell(r) for r in results) + " |")

    row("package version, installed size", lambda r: f"{r['version']}, {r['size']}")
    row("model load (spaCy + Presidio)", lambda r: f"{r['load_s']:.1f} s")
    for key, label in (("no_deny", "no deny-list"), ("deny", "deny-list of the set's persons")):
        row(f"**PERSON fully removed, {label}**",
            lambda r, k=key: f"**{pct(r[k]['recall'])}** ({r[k]['full']}/{r[k]['spans']})")
        row(f"  same, NER off (rules only), {label}",
            lambda r, k=key: f"{pct(r[k + '_rules_only']['recall'])} ({r[k + '_rules_only']['full']})")
        row(f"  hard negatives touched, {label}",
            lambda r, k=key: f"{pct(r[k]['touched_share'])} ({r[k]['touched']}/{r[k]['negatives']})")
        row(f"  hard negatives touched, NER off, {label}",
            lambda r, k=key: f"{pct(r[k + '_rules_only']['touched_share'])} ({r[k + '_rules_only']['touched']})")
        row(f"  `scan` texts/s wall (per CPU s), {label}; texts sent to the NER",
            lambda r, k=key: f"{r[k]['scan_texts_per_s']:,.0f} ({r[k]['scan_texts_per_cpu_s']:,.0f}); "
                             f"{r[k]['ner_texts']}")
        row(f"  `scan` / naive {names[0]}, wall (CPU), {label}",
            lambda r, k=key: f"{r[k]['scan_texts_per_s'] / base_naive:.1f}x "
                             f"({r[k]['scan_texts_per_cpu_s'] / base_cpu:.1f}x)")
    row("raw NER `engine.person_spans`, all texts, texts/s wall (per CPU s)",
        lambda r: f"{r['ner_texts_per_s']:,.0f} ({r['ner_texts_per_cpu_s']:,.0f})")
    row("naive Presidio `analyze()` one by one, texts/s wall (per CPU s)",
        lambda r: f"{r['naive_texts_per_s']:,.1f} ({r['naive_texts_per_cpu_s']:,.1f})")
    row("peak RSS of the process", lambda r: f"{r['peak_rss_mib']:,.0f} MiB")
    row("load average, start / end", lambda r: f"{r['load_avg_start']:.1f} / {r['load_avg_end']:.1f}")

    print("\nPERSON fully removed per form, no deny-list (NER on; NER off):\n")
    print("| form | spans | " + " | ".join(f"{n} | {n} NER off" for n in names) + " |")
    print("|---|---|" + "---|---|" * len(names))
    for form, counts in results[0]["no_deny"]["forms"].items():
        cells = []
        for r in results:
            for k in ("no_deny", "no_deny_rules_only"):
                c = r[k]["forms"][form]
                cells.append(f"{pct(c['full'] / c['spans'])} ({c['full']})")
        print(f"| {form} | {counts['spans']} | " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", nargs="+", default=list(MODELS))
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per measure (median)")
    parser.add_argument("--naive", type=int, default=300, help="texts for the naive Presidio rate")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.repeat, args.naive)))
        return
    results = []
    for model in args.models:  # one fresh process per model, one after the other
        done = subprocess.run([sys.executable, __file__, "--worker", model, "--repeat", str(args.repeat),
                               "--naive", str(args.naive)], capture_output=True, text=True, check=False)
        if done.returncode:
            # stderr of a failed worker: a traceback never holds a text of the set here, only the last lines
            sys.exit(f"{model}: worker failed ({done.returncode}):\n" + "\n".join(done.stderr.splitlines()[-5:]))
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    report(results)


if __name__ == "__main__":
    main()

"""Benchmark: the free-text scanner on its independent evaluation set, and against naive Presidio.

    .venv/bin/python bench/anonymise_freetext.py [--set PATH] [--only-quality] [--json OUT] [--errors]

The set (bench/freetext_eval/texts.jsonl, README there) holds French texts
of the kinds a university writes, every personal span annotated with its
type and written form, and hard negatives that hold no personal data.
It is written independently of the synthetic generator and of the
scanner. Two configurations are measured, from one run:
- without a deny-list: persons unknown to the sources, the realistic case;
- with a deny-list holding the set's own persons (the ``persons`` field).

A gold span is *fully removed* when every letter and digit of it lies
inside a redaction finding (any entity; a finding with
``kept_public_name`` is not a redaction), *partly removed* when some do,
*missed* otherwise. A hard negative is *touched* when the scanner redacts
anything in it. Over-redaction counts, in texts with personal spans,
findings that overlap no gold span and letters or digits redacted outside
gold spans. Speed: texts/s of ``FreeTextScanner.scan`` over all the set's
(distinct) texts and of ``engine.analyzer().analyze(text=t, language="fr")``
one text at a time, both warmed once, model loads excluded.

Only counts and rates are printed; ``--errors`` prints, for the developer,
the missed and partly removed spans and the touched negatives with their
(fictitious) text.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from anonymisation.freetext import FreeTextScanner, engine  # noqa: E402

SET = ROOT / "bench" / "freetext_eval" / "texts.jsonl"
TARGET_PERSONS, TARGET_STRUCTURED, TARGET_NEGATIVES, TARGET_SPEEDUP = 0.98, 0.99, 0.05, 20.0
WARM = ["Réunion du conseil de perfectionnement le 3 février à 10 h, salle 12.",
        "Contacter Paul Ravier au 06 00 00 00 01 pour la convention."]
STATUSES = ("full", "partial", "missed")


def load(path: Path) -> tuple[list[dict], dict]:
    with path.open(encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines]
    # A fresh draw (build.py --seed N --out elsewhere) uses the committed set's context.
    context_path = path.parent / "context.yaml"
    if not context_path.exists():
        context_path = SET.parent / "context.yaml"
    context = yaml.safe_load(context_path.read_text(encoding="utf-8"))
    return records, context


def make_scanner(deny: list[tuple[str, str]], context: dict) -> FreeTextScanner:
    kwargs = {"deny_names": deny, "public_names": context["public_names"] + context["institution_labels"]}
    if "public_addresses" in inspect.signature(FreeTextScanner).parameters:
        kwargs["public_addresses"] = context["institution_addresses"]
    return FreeTextScanner(**kwargs)


def redacted_ranges(result, n: int) -> list[list[tuple[int, int]]]:  # noqa: ANN001
    ranges: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for f in result.findings:
        if not f.kept_public_name:
            ranges[f.row].append((f.start, f.end))
    return ranges


def evaluate(records: list[dict], ranges: list[list[tuple[int, int]]]) -> dict:
    """Per span status, touched negatives, over-redaction: counts only, and the ids behind them."""
    forms: dict[tuple[str, str], Counter] = defaultdict(Counter)
    wrong: list[tuple[int, dict, str]] = []
    touched: Counter = Counter()
    traps_total: Counter = Counter()
    touched_rows, over_rows, over_chars_rows, over_findings = [], [], 0, 0
    for row, (r, found) in enumerate(zip(records, ranges, strict=True)):
        covered = {i for a, b in found for i in range(a, b)}
        if r["negative"]:
            traps_total.update(r["traps"])
            if found:
                touched_rows.append(row)
                touched.update(r["traps"])
            continue
        gold = {i for s in r["spans"] for i in range(s["start"], s["end"])}
        for s in r["spans"]:
            chars = [i for i in range(s["start"], s["end"]) if r["text"][i].isalnum()]
            hit = sum(i in covered for i in chars)
            status = "full" if hit == len(chars) else "partial" if hit else "missed"
            forms[(s["type"], s["form"])][status] += 1
            if status != "full":
                wrong.append((row, s, status))
        outside = [(a, b) for a, b in found if not any(a < s["end"] and s["start"] < b for s in r["spans"])]
        over_findings += len(outside)
        if outside:
            over_rows.append(row)
        if any(r["text"][i].isalnum() for i in covered - gold if i < len(r["text"])):
            over_chars_rows += 1

    def rate(keys: list[tuple[str, str]]) -> dict:
        total = Counter()
        for key in keys:
            total.update(forms[key])
        n = sum(total.values())
        return {"spans": n, **{s: total[s] for s in STATUSES}, "full_rate": total["full"] / n if n else None}

    persons = [k for k in forms if k[0] == "PERSON"]
    structured = [k for k in forms if k[0] != "PERSON"]
    negatives = sum(r["negative"] for r in records)
    positives = len(records) - negatives
    return {
        "forms": {f"{t}/{f}": rate([(t, f)]) for t, f in sorted(forms)},
        "types": {t: rate([k for k in forms if k[0] == t]) for t in sorted({k[0] for k in forms})},
        "persons": rate(persons), "structured": rate(structured),
        "negatives": {"texts": negatives, "touched": len(touched_rows), "share": len(touched_rows) / negatives,
                      "per_trap": {t: {"texts": traps_total[t], "touched": touched[t]} for t in sorted(traps_total)}},
        "over_redaction": {"positive_texts": positives, "texts_with_finding_outside_gold": len(over_rows),
                           "share": len(over_rows) / positives, "findings_outside_gold": over_findings,
                           "texts_with_characters_outside_gold": over_chars_rows,
                           "share_characters": over_chars_rows / positives},
        "_wrong": wrong, "_touched": touched_rows, "_over": over_rows,
    }


def timed_scan(scanner: FreeTextScanner, texts: list[str]):  # noqa: ANN201
    scanner.scan(WARM)
    start = time.perf_counter()
    result = scanner.scan(texts)
    return result, time.perf_counter() - start


def naive_rate(texts: list[str]) -> float:
    analyzer = engine.analyzer()
    analyzer.analyze(text=WARM[0], language="fr")
    start = time.perf_counter()
    for text in texts:
        analyzer.analyze(text=text, language="fr")
    return len(texts) / (time.perf_counter() - start)


def pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.1%}"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def print_quality(results: dict[str, dict]) -> None:
    names = list(results)
    head = " | ".join(f"{n}: full / partial / missed" for n in names)
    print(f"\n| type / form | spans | {head} |")
    print("|---|---|" + "---|" * len(names))
    first = results[names[0]]
    for type_ in first["types"]:
        rows = [(f"**{type_}**", type_, "types")] + [
            (f"  {key.split('/')[1]}", key, "forms") for key in first["forms"] if key.split("/")[0] == type_]
        for label, key, table in rows:
            cells = [f"{pct(results[n][table][key]['full_rate'])} / {results[n][table][key]['partial']} / "
                     f"{results[n][table][key]['missed']}" for n in names]
            print(f"| {label} | {first[table][key]['spans']} | " + " | ".join(cells) + " |")
    print()
    for n in names:
        r = results[n]
        p, s, neg, over = r["persons"], r["structured"], r["negatives"], r["over_redaction"]
        print(f"{n}:")
        print(f"  persons fully removed      {pct(p['full_rate'])} of {p['spans']} "
              f"(target >= {TARGET_PERSONS:.0%}): {verdict(p['full_rate'] >= TARGET_PERSONS)}")
        print(f"  identifiers, addresses, birth dates fully removed {pct(s['full_rate'])} of {s['spans']} "
              f"(target >= {TARGET_STRUCTURED:.0%}): {verdict(s['full_rate'] >= TARGET_STRUCTURED)}")
        print(f"  hard negatives touched     {pct(neg['share'])} ({neg['touched']} of {neg['texts']}) "
              f"(target <= {TARGET_NEGATIVES:.0%}): {verdict(neg['share'] <= TARGET_NEGATIVES)}")
        print("    per trap kind: " + ", ".join(f"{t} {v['touched']}/{v['texts']}"
                                                 for t, v in neg["per_trap"].items()))
        print(f"  over-redaction in texts with personal spans: {pct(over['share'])} of {over['positive_texts']} "
              f"texts hold a finding that overlaps no gold span ({over['findings_outside_gold']} findings); "
              f"{pct(over['share_characters'])} have letters or digits redacted outside gold spans")


def print_errors(name: str, records: list[dict], result, quality: dict) -> None:  # noqa: ANN001
    """Developer's eyes only: the fictitious texts behind the figures."""
    print(f"\n--- errors, {name} ---")
    for row, span, status in quality["_wrong"]:
        r = records[row]
        print(f"[{r['id']}] {span['type']}/{span['form']} {status}: {r['text'][span['start']:span['end']]!r}\n"
              f"    in:  {r['text']!r}\n    out: {result.texts[row]!r}")
    for row in quality["_touched"]:
        r = records[row]
        print(f"[{r['id']}] negative touched ({', '.join(r['traps'])}):\n    in:  {r['text']!r}\n"
              f"    out: {result.texts[row]!r}")
    for row in quality["_over"]:
        r = records[row]
        print(f"[{r['id']}] redaction outside gold spans:\n    in:  {r['text']!r}\n    out: {result.texts[row]!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", type=Path, default=SET, help="the evaluation set (JSONL, context.yaml beside it)")
    parser.add_argument("--only-quality", action="store_true", help="skip the naive Presidio timing")
    parser.add_argument("--json", type=Path, help="write the figures as JSON")
    parser.add_argument("--errors", action="store_true",
                        help="print missed/partial spans and touched negatives WITH THEIR TEXT (developer only)")
    args = parser.parse_args()
    records, context = load(args.set)
    texts = [r["text"] for r in records]
    deny = sorted({(p[0], p[1]) for r in records for p in r["persons"]})
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; {len(texts):,} distinct texts "
          f"({sum(not r['negative'] for r in records):,} with personal spans, "
          f"{sum(r['negative'] for r in records):,} hard negatives)")
    if "public_addresses" not in inspect.signature(FreeTextScanner).parameters:
        print("note: this scanner takes no public_addresses; the institution's addresses are not given to it")
    start = time.perf_counter()
    engine.analyzer()
    print(f"engine load (spaCy + Presidio, once per process): {time.perf_counter() - start:.2f} s")

    results, speeds, outputs = {}, {}, {}
    for name, names in (("without deny-list", []), (f"deny-list of the set's {len(deny)} persons", deny)):
        start = time.perf_counter()
        scanner = make_scanner(names, context)
        build_s = time.perf_counter() - start
        outputs[name], elapsed = timed_scan(scanner, texts)
        speeds[name] = len(texts) / elapsed
        print(f"{name}: scanner build {build_s:.2f} s; scan {elapsed:.2f} s, {speeds[name]:,.0f} texts/s")
        results[name] = evaluate(records, redacted_ranges(outputs[name], len(texts)))
    print_quality(results)

    figures: dict = {"set": str(args.set), "texts": len(texts), "speed": {"scanner_texts_per_s": speeds}}
    if not args.only_quality:
        naive = naive_rate(texts)
        figures["speed"]["naive_presidio_texts_per_s"] = naive
        figures["speed"]["ratio"] = {n: v / naive for n, v in speeds.items()}
        print(f"\nspeed: naive Presidio analyze() one text at a time: {naive:,.1f} texts/s")
        for n, v in speeds.items():
            print(f"  {n}: {v:,.0f} texts/s, {v / naive:.1f}x (target >= {TARGET_SPEEDUP:.0f}x): "
                  f"{verdict(v / naive >= TARGET_SPEEDUP)}")
    if args.errors:
        for name, quality in results.items():
            print_errors(name, records, outputs[name], quality)
    if args.json:
        figures["configs"] = {n: {k: v for k, v in q.items() if not k.startswith("_")} for n, q in results.items()}
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"\nfigures written to {args.json}")


if __name__ == "__main__":
    main()

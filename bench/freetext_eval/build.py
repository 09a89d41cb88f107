"""Build texts.jsonl, the free-text scanner's evaluation set: seeded, byte for byte reproducible.

    .venv/bin/python bench/freetext_eval/build.py [--out PATH] [--stats] [--seed N]

``--seed`` draws a fresh set from the same templates (the committed one is
SEED): a scanner tuned on texts.jsonl can be checked on texts it has not seen.

Two sources, both written for this set and independent of the synthetic
generator (pipelines/synthetic/) and of the scanner's code:
- templates.py: templates filled with fictitious persons (names.yaml) and
  identifiers whose keys are computed (values.py); every form of every type
  is topped up to at least MIN_PER_FORM spans;
- handwritten.yaml: texts written one by one, each personal value given as
  its exact substring, type and form; a substring found other than exactly
  once fails the build.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from templates import NEGATIVE, POSITIVE, Traps  # noqa: E402
from values import FORMS, PERSON_FREE_FORMS, Piece, Values  # noqa: E402

SEED = 20251204
POSITIVE_ROUNDS = 5
NEGATIVE_ROUNDS = 6
MIN_PER_FORM = 30
KINDS = ("staff_comment", "jury_remark", "contract_subject", "grant_subject", "grant_conditions",
         "event_description", "budget_line", "travel_purpose", "function_label", "structure_label")
TRAP_KINDS = ("eponym_listed", "eponym_unlisted", "lab", "association", "company_legal_form", "company_founder_name",
              "diploma", "role", "prize", "grant_named_after_person", "event_date", "amount", "code", "room",
              "institution_address", "functional_contact", "legal_person_name")
SLOT = re.compile(r"\{(#?[A-Za-z_]+)(?::([A-Za-z0-9_]+))?\}")


class Builder:
    """Renders templates into annotated records, balancing the forms of generic slots."""

    def __init__(self, rng: random.Random, context: dict) -> None:
        self.rng = rng
        self.values = Values(rng)
        self.traps = Traps(rng, context["public_names"], context["institution_addresses"])
        self.counts: Counter[tuple[str, str]] = Counter()
        self.seen: set[str] = set()
        self.records: list[dict] = []

    def _form(self, type_: str, form: str | None) -> str:
        if form:
            return form
        forms = PERSON_FREE_FORMS if type_ == "PERSON" else FORMS[type_]
        return min(forms, key=lambda f: (self.counts[(type_, f)], self.rng.random()))

    def _typography(self) -> dict[str, str]:
        """Per text: French spaces before ':' and ';' (none, no-break, narrow no-break), ' or ’."""
        space = self.rng.choice((" ", " ", "\u00a0", "\u202f"))
        return {" :": space + ":", " ;": space + ";", "'": self.rng.choice(("'", "’"))}

    def render(self, template: str, kind: str, negative: bool) -> dict:
        typo = self._typography()
        pieces: list[Piece] = []
        traps: list[str] = []
        person = None
        pos = 0
        for m in SLOT.finditer(template):
            literal = template[pos:m.start()]
            for old, new in typo.items():
                literal = literal.replace(old, new)
            pieces.append((literal, None))
            pos = m.end()
            name, form = m.group(1), m.group(2)
            if name.startswith("#"):
                value, trap = self.traps.value(name[1:], form)
                pieces.append((value, None))
                traps.append(trap)
                continue
            form = self._form(name, form)
            v = self.values
            if name == "PERSON":
                new, person = v.person_pieces(form)
            elif name == "EMAIL":
                new = v.email(form, person if person and self.rng.random() < 0.6 else None)
            elif name == "TELEPHONE":
                new = v.telephone(form)
            elif name == "NIR":
                new = v.nir(form, person)
            elif name == "INE":
                context, new = v.ine(form)
                new = [(context, None), *new]
            elif name == "BIRTH_DATE":
                new = v.birth_date(form, person)
            else:
                new = {"IBAN": v.iban, "RIB": v.rib, "ADDRESS": v.address}[name](form)
            pieces.extend(new)
        tail = template[pos:]
        for old, new_ in typo.items():
            tail = tail.replace(old, new_)
        pieces.append((tail, None))
        return assemble(pieces, kind, negative, traps)

    def add(self, template: str, kind: str, negative: bool) -> bool:
        """Render until the text is new (the set holds distinct texts only); False if it never is."""
        for _ in range(20):
            record = self.render(template, kind, negative)
            if record["text"] not in self.seen:
                self.seen.add(record["text"])
                self.records.append(record)
                self.counts.update((s["type"], s["form"]) for s in record["spans"])
                return True
        return False


def assemble(pieces: list[Piece], kind: str, negative: bool, traps: list[str]) -> dict:
    text, spans, persons, offset = "", [], [], 0
    for value, annotation in pieces:
        if annotation:
            type_, form, pair = annotation
            spans.append({"start": offset, "end": offset + len(value), "type": type_, "form": form})
            if pair and list(pair) not in persons:
                persons.append(list(pair))
        text += value
        offset += len(value)
    return {"kind": kind, "text": text, "spans": spans, "negative": negative, "traps": sorted(set(traps)),
            "persons": persons}


def can_fill(template: str, type_: str, form: str) -> bool:
    for m in SLOT.finditer(template):
        if m.group(1) == type_ and (m.group(2) == form or (m.group(2) is None and (
                type_ != "PERSON" or form in PERSON_FREE_FORMS))):
            return True
    return False


def generated(context: dict, seed: int) -> list[dict]:
    rng = random.Random(seed)
    builder = Builder(rng, context)
    positive = [(kind, t) for kind in KINDS for t in POSITIVE.get(kind, [])]
    negative = [(kind, t) for kind in KINDS for t in NEGATIVE.get(kind, [])]
    for _ in range(POSITIVE_ROUNDS):
        for kind, template in rng.sample(positive, len(positive)):
            builder.add(template, kind, False)
    for _ in range(5000):
        short = [(builder.counts[key], key) for key in ((t, f) for t, forms in FORMS.items() for f in forms)
                 if builder.counts[key] < MIN_PER_FORM]
        if not short:
            break
        _, (type_, form) = min(short)
        kind, template = rng.choice([(k, t) for k, t in positive if can_fill(t, type_, form)])
        builder.add(template, kind, False)
    for _ in range(NEGATIVE_ROUNDS):
        for kind, template in rng.sample(negative, len(negative)):
            builder.add(template, kind, True)
    return builder.records


def handwritten(path: Path) -> list[dict]:
    """The hand-written texts, their annotated substrings turned into offsets (exactly one match each)."""
    records = []
    for n, entry in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")), 1):
        text, spans, persons = entry["text"].strip(), [], []
        for ann in entry.get("spans", []):
            value = ann["value"]
            if text.count(value) != 1:
                raise SystemExit(f"handwritten text {n}: annotated substring found {text.count(value)} times")
            if ann["type"] not in FORMS or ann["form"] not in FORMS[ann["type"]]:
                raise SystemExit(f"handwritten text {n}: unknown type or form {ann['type']}/{ann['form']}")
            start = text.index(value)
            spans.append({"start": start, "end": start + len(value), "type": ann["type"], "form": ann["form"]})
            if ann["type"] == "PERSON":
                if "person" not in ann:
                    raise SystemExit(f"handwritten text {n}: a PERSON span needs its (first, last) pair")
                if ann["person"] not in persons:
                    persons.append(list(ann["person"]))
        negative = bool(entry.get("negative", False))
        if negative == bool(spans):
            raise SystemExit(f"handwritten text {n}: negative texts have no span, positive texts at least one")
        records.append({"kind": entry["kind"], "text": text, "spans": sorted(spans, key=lambda s: s["start"]),
                        "negative": negative, "traps": sorted(set(entry.get("traps", []))), "persons": persons})
    return records


def build(seed: int = SEED) -> list[dict]:
    context = yaml.safe_load((HERE / "context.yaml").read_text(encoding="utf-8"))
    records = []
    for prefix, part in (("g", generated(context, seed)), ("h", handwritten(HERE / "handwritten.yaml"))):
        for n, record in enumerate(part, 1):
            records.append({"id": f"{prefix}{n:04d}", **record})
    texts = [r["text"] for r in records]
    if len(set(texts)) != len(texts):
        raise SystemExit("the set must hold distinct texts: a hand-written text repeats another one")
    for r in records:
        if r["kind"] not in KINDS or not set(r["traps"]) <= set(TRAP_KINDS):
            raise SystemExit(f"{r['id']}: unknown kind or trap kind")
    return records


def stats(records: list[dict]) -> str:
    """Markdown tables of the counts, for the README."""
    forms = Counter((s["type"], s["form"]) for r in records for s in r["spans"])
    kinds = Counter((r["kind"], r["negative"]) for r in records)
    traps = Counter(t for r in records if r["negative"] for t in r["traps"])
    lines = [f"{sum(not r['negative'] for r in records)} texts with personal spans, "
             f"{sum(r['negative'] for r in records)} hard negatives, {sum(forms.values())} spans.", "",
             "| type | form | spans |", "|---|---|---|"]
    for type_, type_forms in FORMS.items():
        lines += [f"| {type_} | {form} | {forms[(type_, form)]} |" for form in type_forms]
    lines += ["", "| kind | with spans | hard negatives |", "|---|---|---|"]
    lines += [f"| {k} | {kinds[(k, False)]} | {kinds[(k, True)]} |" for k in KINDS]
    lines += ["", "| trap kind (hard negatives) | texts |", "|---|---|"]
    lines += [f"| {t} | {traps[t]} |" for t in TRAP_KINDS]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=HERE / "texts.jsonl")
    parser.add_argument("--stats", action="store_true", help="print the counts per type, form, kind and trap")
    parser.add_argument("--seed", type=int, default=SEED, help="another draw of the generated texts")
    args = parser.parse_args()
    records = build(args.seed)
    with args.out.open("w", encoding="utf-8", newline="\n") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    if args.stats:
        print(stats(records))


if __name__ == "__main__":
    main()

"""Integrity of the free-text evaluation set (bench/freetext_eval/texts.jsonl): no NER, a few seconds.

The set measures the scanner (bench/anonymise_freetext.py); a wrong offset,
an invalid key or a drifted file would make its figures lie.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml
from stdnum import iban
from stdnum.fr import nir

ROOT = Path(__file__).resolve().parents[3]
SET = ROOT / "bench" / "freetext_eval"
KINDS = {"staff_comment", "jury_remark", "contract_subject", "grant_subject", "grant_conditions", "event_description",
         "budget_line", "travel_purpose", "function_label", "structure_label"}
FORMS = {
    "PERSON": {"first_last", "upper_last_first", "last_first", "title_surname", "title_first_last", "initials",
               "particle", "compound", "lowercase", "surname_alone", "role_intro", "foreign_origin", "common_word"},
    "EMAIL": {"plain", "webmail", "obfuscated_bracket", "obfuscated_words"},
    "TELEPHONE": {"spaces", "dots", "dashes", "slashes", "compact", "plus33", "plus33_0", "intl_0033", "irregular",
                  "landline"},
    "NIR": {"spaced", "compact", "corsica"},
    "INE": {"digits_letter_context", "digits_letter_bare", "digits_2letters_context", "digits_2letters_bare",
            "alnum_context", "alnum_bare"},
    "IBAN": {"spaced", "compact"},
    "RIB": {"line", "labelled"},
    "ADDRESS": {"street", "bis_ter", "residence", "lieu_dit", "street_no_town", "upper"},
    "BIRTH_DATE": {"ne_le_numeric", "ne_le_words", "label", "ddn_short", "with_place"},
}
TRAPS = {"eponym_listed", "eponym_unlisted", "lab", "association", "company_legal_form", "company_founder_name",
         "diploma", "role", "prize", "grant_named_after_person", "event_date", "amount", "code", "room",
         "institution_address", "functional_contact", "legal_person_name"}
RIB_LETTERS = {c: d for d, group in enumerate(("AJ", "BKS", "CLT", "DMU", "ENV", "FOW", "GPX", "HQY", "IRZ"), 1)
               for c in group}


def rib_key_valid(bank: str, branch: str, account: str, key: str) -> bool:
    """Written apart from the builder's: 97 - (89 bank + 15 branch + 3 account) mod 97, letters by the RIB table."""
    digits = int("".join(str(RIB_LETTERS.get(c, c)) for c in account.upper()))
    return int(key) == 97 - (89 * int(bank) + 15 * int(branch) + 3 * digits) % 97


@pytest.fixture(scope="module")
def records() -> list[dict]:
    with (SET / "texts.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def values(records: list[dict], type_: str) -> list[str]:
    return [r["text"][s["start"]:s["end"]] for r in records for s in r["spans"] if s["type"] == type_]


def test_fields_kinds_and_ids(records: list[dict]) -> None:
    assert len({r["id"] for r in records}) == len(records)
    assert len({r["text"] for r in records}) == len(records), "texts are distinct (the speed figure needs it)"
    for r in records:
        assert set(r) == {"id", "kind", "text", "spans", "negative", "traps", "persons"}, r["id"]
        assert r["kind"] in KINDS and set(r["traps"]) <= TRAPS, r["id"]


def test_counts(records: list[dict]) -> None:
    assert sum(not r["negative"] for r in records) >= 600
    assert sum(r["negative"] for r in records) >= 300
    forms = Counter((s["type"], s["form"]) for r in records for s in r["spans"])
    short = {key: forms[key] for key in ((t, f) for t, fs in FORMS.items() for f in fs) if forms[key] < 20}
    assert not short, f"forms with fewer than 20 spans: {short}"


def test_spans_inside_and_disjoint(records: list[dict]) -> None:
    for r in records:
        spans = sorted((s["start"], s["end"]) for s in r["spans"])
        for start, end in spans:
            assert 0 <= start < end <= len(r["text"]), r["id"]
            value = r["text"][start:end]
            # A span starts on its first letter or digit ("+33…") and ends on its last ("J.").
            assert value == value.strip() and (value[0].isalnum() or value[0] == "+"), r["id"]
            assert value[-1].isalnum() or value[-1] == ".", r["id"]
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:])), f"{r['id']}: overlapping spans"
        for s in r["spans"]:
            assert s["form"] in FORMS[s["type"]], r["id"]


def test_negatives_have_no_span_and_name_a_trap(records: list[dict]) -> None:
    for r in records:
        if r["negative"]:
            assert not r["spans"] and not r["persons"], r["id"]
        else:
            assert r["spans"], r["id"]
    assert sum(bool(r["traps"]) for r in records if r["negative"]) >= 0.95 * sum(r["negative"] for r in records)


def test_persons_listed_for_the_deny_list(records: list[dict]) -> None:
    for r in records:
        has_person = any(s["type"] == "PERSON" for s in r["spans"])
        assert bool(r["persons"]) == has_person, r["id"]
        assert all(len(p) == 2 and all(isinstance(x, str) and x for x in p) for p in r["persons"]), r["id"]


def test_identifier_keys_are_valid(records: list[dict]) -> None:
    nirs, ibans, ribs = values(records, "NIR"), values(records, "IBAN"), values(records, "RIB")
    assert all(nir.is_valid(v.replace(" ", "")) for v in nirs)
    assert all(iban.is_valid(v) and v.startswith("FR") for v in ibans)
    for v in ribs:
        parts = [p for p in re.findall(r"[0-9A-Z]+", v) if any(c.isdigit() for c in p)]
        assert len(parts) == 4 and [len(p) for p in parts] == [5, 5, 11, 2], "RIB: bank, branch, account, key"
        assert rib_key_valid(*parts)
    assert any("2A" in v or "2B" in v for v in nirs), "Corsica's departments are covered"


def test_ine_formats(records: list[dict]) -> None:
    for r in records:
        for s in r["spans"]:
            if s["type"] != "INE":
                continue
            v = r["text"][s["start"]:s["end"]]
            pattern = {"digits_letter": r"\d{10}[A-Z]", "digits_2letters": r"\d{9}[A-Z]{2}",
                       "alnum": r"[0-9A-Z]{10}[A-Z]"}[s["form"].rsplit("_", 1)[0]]
            assert len(v) == 11 and re.fullmatch(pattern, v), r["id"]


def test_build_reproduces_the_committed_file(tmp_path: Path) -> None:
    out = tmp_path / "texts.jsonl"
    subprocess.run([sys.executable, str(SET / "build.py"), "--out", str(out)], check=True, cwd=ROOT)
    assert out.read_bytes() == (SET / "texts.jsonl").read_bytes()


def test_context_lists() -> None:
    context = yaml.safe_load((SET / "context.yaml").read_text(encoding="utf-8"))
    assert 8 <= len(context["public_names"]) <= 15
    assert 3 <= len(context["institution_addresses"]) <= 5
    assert 10 <= len(context["institution_labels"]) <= 20
    assert "functional_emails" not in context

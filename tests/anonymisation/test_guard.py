"""The leak guard: identifiers and names of the sources, and identifier shapes, found in candidate frames."""

from __future__ import annotations

import datetime as dt
import hmac
import os
import stat
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from anonymisation.guard import (
    AcceptedFileError,
    GuardKeyError,
    IdentifierIndex,
    LeakFinding,
    hmac_key,
    load_accepted,
    scan_frame,
)


def nir(base13: str) -> str:
    return f"{base13}{97 - int(base13) % 97:02d}"


KEY = bytes(range(32))
AGENT_NIR = nir("1850578006084")
BAD_KEY_NIR = AGENT_NIR[:-2] + f"{(int(AGENT_NIR[-2:]) + 1) % 100:02d}"  # a source defect: wrong key
STRANGER_NIR = nir("2991299350123")                                      # valid, not in the sources
INE = "1234567890A"
EMAIL = "Karim.Benali@Gmail.com"
PHONE = "06 12 34 56 78"
IBAN = "FR7630006000011234567890189"
SECRETS = [AGENT_NIR, BAD_KEY_NIR, STRANGER_NIR, INE, EMAIL, PHONE, IBAN, "Karim", "Benali", "Le Gall"]


@pytest.fixture(scope="module")
def index() -> IdentifierIndex:
    idx = IdentifierIndex(KEY)
    idx.add("NIR", [AGENT_NIR, BAD_KEY_NIR, None])
    idx.add("INE", [INE.lower()])                         # the sources hold some INEs in lower case
    idx.add("EMAIL", [EMAIL, None])
    idx.add("TELEPHONE", ["+33 6 12 34 56 78"])
    idx.add("IBAN", ["FR76 3000 6000 0112 3456 7890 189"])
    idx.add_names([("Karim", "Benali"), ("Jean-Pierre", "Le Gall"), ("Lone", None), (None, "Alone")])
    return idx


def rules(findings: list[LeakFinding]) -> list[tuple[str, str, str]]:
    return sorted((f.column, f.row_key, f.rule) for f in findings)


def test_index_holds_keyed_hashes_only(index: IdentifierIndex) -> None:
    assert len(index) == 6 + 4                            # 6 identifiers, 2 full names in both orders
    assert index.digest("0612345678") == hmac.digest(KEY, b"0612345678", "sha256")
    assert index.has("TELEPHONE", "0612345678") and not index.has("TELEPHONE", "0612345679")
    with pytest.raises(ValueError):
        index.add("ADDRESS", ["1 rue X"])


@pytest.mark.parametrize("cell, rule", [
    (AGENT_NIR, "identifier:NIR"),
    (" ".join((AGENT_NIR[0], AGENT_NIR[1:3], AGENT_NIR[3:5], AGENT_NIR[5:7], AGENT_NIR[7:10], AGENT_NIR[10:13],
               AGENT_NIR[13:])), "identifier:NIR"),
    (f"NIR : {AGENT_NIR} (à ne pas conserver)", "identifier:NIR"),
    (BAD_KEY_NIR, "identifier:NIR"),                      # whole value: the sources' own defects count too
    (f"Assuré {STRANGER_NIR}", "pattern:NIR"),            # unknown to the sources, still a NIR
    ("1234567890a", "identifier:INE"),
    (f"dossier {INE} à relancer", "identifier:INE"),      # known INE: no context word needed
    ("INE : 9876543210B", "pattern:INE"),
    ("karim.benali@gmail.com", "identifier:EMAIL"),
    ("écrire à KARIM.BENALI@GMAIL.COM", "identifier:EMAIL"),
    ("contact : someone.else@example.org", "pattern:EMAIL"),
    ("0612345678", "identifier:TELEPHONE"),
    ("rappeler au +33 6 12 34 56 78", "identifier:TELEPHONE"),
    ("rappeler au 06.12.34.56.78", "identifier:TELEPHONE"),
    ("rappeler au 01 44 27 00 00", "pattern:TELEPHONE"),
    ("code 9876543210B", "pattern:INE"),                     # an INE in its national form, even without context
    ("fr76 3000 6000 0112 3456 7890 189", "identifier:IBAN"),
    # A RIB (key checked): a kind the sources never hold, so always a pattern, never a lookup in the index.
    ("RIB : 30004 00123 12345678901 86", "pattern:RIB"),
    ("Karim Benali", "name"),
    ("BENALI Karim", "name"),
    ("Relevé envoyé à karim benali.", "name"),
    ("Dossier de Jean Pierre LE GALL", "name"),
    ("le-gall jéan-pierre", "name"),
])
def test_planted_values_are_found(index: IdentifierIndex, cell: str, rule: str) -> None:
    df = pd.DataFrame({"id": [1, 2], "texte": ["Rien à signaler.", cell]})
    found = scan_frame(df, "demo/open/test", index, key_columns=["id"])
    assert [(f.column, f.row_key, f.rule) for f in found] == [("texte", "2", rule)]


@pytest.mark.parametrize("cell", ["Karim", "Benali", "Lone Alone", "SIRET 197 590 003 00012", "SIREN 197590003",
                                  "code 9876543210b", "standard : 01 44 27 00 00", "2024-09-01", "amphithéâtre Marie Curie", "UFR de chimie"])
def test_clean_values_pass(index: IdentifierIndex, cell: str) -> None:
    df = pd.DataFrame({"texte": [cell]})
    assert scan_frame(df, "d", index, key_columns=[]) == []


def test_every_column_and_row_key(index: IdentifierIndex) -> None:
    df = pd.DataFrame({
        "annee": ["2024", "2024", "2025"],
        "code": ["A", "B", "C"],
        "nom": ["Benali Karim", None, "Curie"],
        "contact": [None, PHONE, "0144270000"],
        "nir": pd.array([None, None, int(AGENT_NIR)], dtype="Int64"),   # a NIR stored as a number
        "categorie": pd.Categorical(["x", EMAIL, "x"]),
    })
    found = scan_frame(df, "d", index, key_columns=["annee", "code"])
    assert rules(found) == [("categorie", "2024|B", "identifier:EMAIL"), ("contact", "2024|B", "identifier:TELEPHONE"),
                            ("contact", "2025|C", "pattern:TELEPHONE"), ("nir", "2025|C", "identifier:NIR"),
                            ("nom", "2024|A", "name")]
    no_key = scan_frame(df, "d", index, key_columns=[], skip_columns={"contact", "nir", "categorie"})
    assert rules(no_key) == [("nom", "0", "name")]


def test_a_flagged_key_is_not_shown(index: IdentifierIndex) -> None:
    df = pd.DataFrame({"ine": ["A-0001", INE], "texte": ["ok", "Karim Benali"]})
    found = scan_frame(df, "d", index, key_columns=["ine"])
    assert rules(found) == [("ine", "1", "identifier:INE"), ("texte", "1", "name")]


def test_repeated_values_are_mapped_back_to_every_row(index: IdentifierIndex) -> None:
    df = pd.DataFrame({"texte": ["ok", PHONE] * 500})
    found = scan_frame(df, "d", index, key_columns=[])
    assert [f.row_key for f in found] == [str(i) for i in range(1, 1000, 2)]


def test_accepted_finding_clears_exactly_its_hash(index: IdentifierIndex, tmp_path: Path) -> None:
    df = pd.DataFrame({"id": [1, 2, 3], "telephone": ["01 44 27 00 00", "01 44 27 99 99", "01 44 27 00 00"]})
    found = scan_frame(df, "hr/open/annuaire", index, key_columns=["id"])
    assert len({f.value_hash for f in found}) == 2 and len(found) == 3
    switchboard = next(f for f in found if f.row_key == "1")
    (tmp_path / "accepted.yaml").write_text(
        "accepted:\n"
        f"  - {{dataset: hr/open/annuaire, column: telephone, rule: 'pattern:TELEPHONE', "
        f"value_hash: {switchboard.value_hash}, reviewer: DPO, date: 2025-01-10, "
        "reason: standard de l'université}\n", encoding="utf-8")
    accepted = load_accepted(tmp_path / "accepted.yaml")
    assert accepted[0].date == dt.date(2025, 1, 10)
    left = scan_frame(df, "hr/open/annuaire", index, key_columns=["id"], accepted=accepted)
    assert [(f.row_key, f.value_hash) for f in left] == [("2", next(f.value_hash for f in found
                                                                      if f.row_key == "2"))]
    # Another dataset or column is not cleared by that acceptance.
    elsewhere = scan_frame(df.rename(columns={"telephone": "tel"}), "hr/open/annuaire", index, key_columns=["id"],
                           accepted=accepted)
    assert len(elsewhere) == 3


@pytest.mark.parametrize("content, message", [
    ("- {dataset: d, column: c, rule: name, value_hash: ab, reviewer: DPO, date: 2025-01-10}", "lacks reason"),
    ("- {dataset: d, column: c, rule: name, value_hash: ab, reviewer: DPO, date: hier, reason: r}", "date"),
    ("accepted: 3", "expected a list"),
    ("- {dataset: d, value_hash: [unclosed", "not valid YAML"),
])
def test_malformed_accepted_file(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "accepted.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(AcceptedFileError, match=message):
        load_accepted(path)


def test_messages_and_findings_never_hold_values(index: IdentifierIndex) -> None:
    df = pd.DataFrame({"texte": [f"{v} et Karim Benali" for v in SECRETS], "k": range(len(SECRETS))})
    found = scan_frame(df, "d", index, key_columns=["k"])
    assert len(found) >= len(SECRETS)
    shown = " ".join(f.message() + repr(f) for f in found)
    for value in SECRETS:
        assert value not in shown and value.replace(" ", "").lower() not in shown.lower()
    assert found[0].message().startswith("dataset d, column ")


def test_hmac_key_file(tmp_path: Path) -> None:
    path = tmp_path / "staging" / "guard.key"
    key = hmac_key(path)
    assert len(key) == 32 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert hmac_key(path) == key
    assert not list(path.parent.glob(".*.tmp"))
    os.chmod(path, 0o644)
    with pytest.raises(GuardKeyError, match="chmod 600") as err:
        hmac_key(path)
    assert key.hex() not in str(err.value)


def test_a_million_rows_take_seconds(index: IdentifierIndex) -> None:
    rng = np.random.default_rng(7)
    n = 1_000_000
    df = pd.DataFrame({
        "id": np.arange(n),
        "annee": rng.choice(["2022", "2023", "2024"], n),
        "diplome": rng.choice([f"Licence {d}" for d in ("de chimie", "d'histoire", "de droit")], n),
        "commentaire": rng.choice(["Rien à signaler.", "Dossier complet.", "Rappeler au 06 12 34 56 78."], n),
        "effectif": rng.integers(0, 500, n),
    }).astype({"annee": "str", "diplome": "str", "commentaire": "str"})
    # CPU time of this process, not wall time: the budget is the scan's own cost, whatever else the
    # machine runs (the other pytest-xdist worker, a neighbour's build).
    start = time.process_time()
    found = scan_frame(df, "d", index, key_columns=["id"])
    elapsed = time.process_time() - start
    assert len(found) == int((df["commentaire"] == "Rappeler au 06 12 34 56 78.").sum())
    assert elapsed < 20, elapsed


def test_a_public_name_after_a_place_word_is_not_a_leak_even_if_a_person_bears_it() -> None:
    """The scanner keeps "amphithéâtre Claude Bernard"; the guard agrees, but still flags the bare name."""
    from anonymisation.freetext.names import PublicNames
    from anonymisation.guard import IdentifierIndex, scan_frame

    index = IdentifierIndex(b"k" * 32)
    index.add_names([("Claude", "Bernard")])
    frame = pd.DataFrame({"objet": ["Travaux de l'amphithéâtre Claude Bernard", "Contact: Claude Bernard"]})
    found = scan_frame(frame, "marches_publics", index, key_columns=[], public_names=PublicNames(["Claude Bernard"]))
    assert [(f.column, f.rule, f.row_key) for f in found] == [("objet", "name", "1")]

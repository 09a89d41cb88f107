"""The French identifier patterns shared by the scanner and the leak guard."""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anonymisation.freetext.recognizers import PRETEST_PATTERN, compact, find_identifiers, may_hold_identifier


def nir(base13: str) -> str:
    """A NIR with its INSEE key (97 - number mod 97; Corsica 2A/2B count as 19/18)."""
    number = int(base13.replace("2A", "19").replace("2B", "18"))
    return f"{base13}{97 - number % 97:02d}"


VALID_NIR = nir("1850578006084")            # 185057800608491
CORSICAN_NIR = nir("28507" + "2A" + "004123")


def spaced(n: str) -> str:
    return " ".join((n[0], n[1:3], n[3:5], n[5:7], n[7:10], n[10:13], n[13:15]))


def found(text: str, **kwargs: bool) -> list[tuple[str, str]]:
    return [(m.entity, text[m.start:m.end]) for m in find_identifiers(text, **kwargs)]


@pytest.mark.parametrize("text, expected", [
    (f"NIR : {spaced(VALID_NIR)} (à ne pas conserver)", [("NIR", spaced(VALID_NIR))]),
    (f"NIR {VALID_NIR}.", [("NIR", VALID_NIR)]),
    (f"né en Corse : {spaced(CORSICAN_NIR)}", [("NIR", spaced(CORSICAN_NIR))]),
    ("NIR : 1 85 05 78 006 084 36", []),                       # wrong key: not a NIR
    (f"NIR : {VALID_NIR[:-2]}{(int(VALID_NIR[-2:]) + 1) % 100:02d}", []),
    (f"référence {VALID_NIR}7", []),                            # 16 digits: no identifier touches a digit
])
def test_nir(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("IBAN FR76 3000 6000 0112 3456 7890 189.", [("IBAN", "FR76 3000 6000 0112 3456 7890 189")]),
    ("IBAN FR7630006000011234567890189", [("IBAN", "FR7630006000011234567890189")]),
    ("iban fr76 3000 6000 0112 3456 7890 189", [("IBAN", "fr76 3000 6000 0112 3456 7890 189")]),
    ("IBAN FR76 3000 6000 0112 3456 7890 188", []),             # check digits fail
])
def test_iban(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize("phone", ["06 12 34 56 78", "06.12.34.56.78", "+33 6 12 34 56 78", "0612345678",
                                   "+33 (0)6 12 34 56 78", "0033 6 12 34 56 78", "06-12-34-56-78",
                                   "01 44 27 12 34"])
def test_phone_spellings(phone: str) -> None:
    text = f"Joignable au {phone}, merci."
    assert found(text) == [("TELEPHONE", phone)]
    assert compact("TELEPHONE", phone) in {"0612345678", "0144271234"}


@pytest.mark.parametrize("text", ["réf. 061234567890", "code 6123456789", "2024-09-01 14:05:00", "+44 20 7946 0958"])
def test_not_a_phone(text: str) -> None:
    assert [e for e, _ in found(text)] == []


@pytest.mark.parametrize("email", ["jean.dupont@univ-demo.example.fr", "JEAN.DUPONT+cv@Gmail.COM",
                                   "marie-christinevincent98@outlook.fr", "élodie.bâton@laposte.net"])
def test_email(email: str) -> None:
    text = f"Dossier transmis par {email}."
    assert found(text) == [("EMAIL", email)]


@pytest.mark.parametrize("text, expected", [
    ("INE : 1234567890A", [("INE", "1234567890A")]),
    ("numéro étudiant 123456789AB, inscrit en L2", [("INE", "123456789AB")]),
    ("n° étudiant : 0123456789z", [("INE", "0123456789z")]),
    ("code 1234567890A du lot", [("INE", "1234567890A")]),      # its national form: an INE anywhere
    ("code 1234567890a du lot", []),                            # lower-case key, no context word: no INE
    ("n° étudiant 6H0YH90B66U", [("INE", "6H0YH90B66U")]),      # alphanumeric form next to its context word
    ("réf. UMR5217CNRS", []),                                   # a letter first, no context: a code
])
def test_ine_forms(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


def test_ine_without_context_on_request() -> None:
    assert found("code 1234567890A du lot", ine_context=False) == [("INE", "1234567890A")]


@pytest.mark.parametrize("text, expected", [
    ("Bénéficiaire SIRET 197 590 003 00012", [("SIRET", "197 590 003 00012")]),
    ("SIREN 197590003", [("SIREN", "197590003")]),
    ("SIRET 19759000300013", []),                               # Luhn fails
])
def test_siret_and_siren_are_recognised(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


def test_overlaps_resolved_by_check_key() -> None:
    text = f"NIR {VALID_NIR} et 0612345678"
    assert [e for e, _ in found(text)] == ["NIR", "TELEPHONE"]


@pytest.mark.parametrize("kind, value, expected", [
    ("NIR", "1 85 05 78 006 084 91", "185057800608491"),
    ("INE", " 1234567890a ", "1234567890A"),
    ("EMAIL", "Jean.Dupont@Univ.FR", "jean.dupont@univ.fr"),
    ("TELEPHONE", "+33 (0)6 12 34 56 78", "0612345678"),
    ("TELEPHONE", "0033612345678", "0612345678"),
    ("IBAN", "fr76 3000 6000 0112 3456 7890 189", "FR7630006000011234567890189"),
])
def test_compact(kind: str, value: str, expected: str) -> None:
    assert compact(kind, value) == expected


SAMPLES = [f"NIR {spaced(VALID_NIR)}", "IBAN FR76 3000 6000 0112 3456 7890 189", "+33 6 12 34 56 78",
           "INE 123456789AB", "a@b.fr", "SIREN 197590003", "rien à signaler", "2024-09-01", f"x{VALID_NIR}"]


@pytest.mark.parametrize("text", SAMPLES)
def test_pretest_agrees_between_python_and_re2(text: str) -> None:
    """The guard runs the pre-test in Arrow (RE2): it must say what Python's re says."""
    arrow = pc.match_substring_regex(pa.array([text]), PRETEST_PATTERN).to_pylist()[0]
    assert arrow == (re.search(PRETEST_PATTERN, text) is not None) == may_hold_identifier(text)


@pytest.mark.parametrize("text", ["prenom.nom chez univ-x.fr", "prenom.nom [  at  ] univ-x point fr",
                                  "prenom.nom\u00a0AT\u00a0univ-x.fr"])
def test_pretest_sees_every_obfuscated_email(text: str) -> None:
    """The guard skips values the pre-test rejects: it must accept every e-mail the patterns find."""
    assert [m.entity for m in find_identifiers(text)] == ["EMAIL"]
    assert may_hold_identifier(text)
    assert pc.match_substring_regex(pa.array([text]), PRETEST_PATTERN).to_pylist()[0]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789 .-+()@AFRabINE:", max_size=40))
def test_pretest_never_misses_an_identifier(text: str) -> None:
    if find_identifiers(text, ine_context=False):
        assert may_hold_identifier(text)


def rib(bank: str, branch: str, account: str) -> str:
    """A RIB with its key: 97 - ((89 bank + 15 branch + 3 account) mod 97)."""
    return f"{bank} {branch} {account} {97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97:02d}"


@pytest.mark.parametrize("text, expected", [
    (f"RIB : {rib('30004', '00123', '00012345678')}.", [("RIB", rib("30004", "00123", "00012345678"))]),
    ("RIB : 30004 00123 00012345678 42", []),                   # wrong key
    ("code banque 30004 code guichet 00123 n° de compte 00012345678 clé RIB 43",
     [("RIB", "30004 code guichet 00123 n° de compte 00012345678 clé RIB 43")]),
    ("IBAN DE89 3704 0044 0532 0130 00 et merci", [("IBAN", "DE89 3704 0044 0532 0130 00")]),
])
def test_bank_details(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("écrire à jean.dupont [at] univ-x.fr", "jean.dupont [at] univ-x.fr"),
    ("écrire à jean.dupont arobase univ-x point fr svp", "jean.dupont arobase univ-x point fr"),
    ("jean.dupont(at)gmail.com", "jean.dupont(at)gmail.com"),
])
def test_obfuscated_email(text: str, expected: str) -> None:
    assert found(text) == [("EMAIL", expected)]
    assert compact("EMAIL", expected) in {"jean.dupont@univ-x.fr", "jean.dupont@gmail.com"}


@pytest.mark.parametrize("text", ["contact : scolarite@univ-demo.fr", "secretariat.master [at] univ-demo.fr",
                                  "standard : 04 76 00 00 00", "accueil : 04.76.00.12.34"])
def test_a_service_contact_is_not_a_person(text: str) -> None:
    assert found(text) == []
    assert found("rappeler au 04 76 00 00 00") == [("TELEPHONE", "04 76 00 00 00")]


@pytest.mark.parametrize("phone", ["06 123 456 78", "0 6 12 34 56 78", "06/12/34/56/78", "+33(0)612345678",
                                   "+33 674729686", "06 12 34 56 78"])
def test_irregular_phone_groups(phone: str) -> None:
    assert found(f"tél. {phone}.") == [("TELEPHONE", phone)]

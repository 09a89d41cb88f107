"""End to end: persons the sources do not know, planted in every free-text column, reach no file the run writes.

Real free text names people who are neither agents, students nor third
parties (a parent, a contractor's contact, an external jury member, a
landlord), so no deny-list and no source-identifier index can know them. The
small synthetic sources are generated into a temporary home, then every
free-text column of the three systems (structure and function labels,
enrolment notes and staff comments, budget line labels, contract subjects,
grant subjects and payment conditions, travel purposes) receives, on rows
that the open datasets select (a contract of the published years with a
valid CPV code, a grant to a legal person, a function shown in today's
directory...), the same fictitious persons written in every form
(``PERSONS``), and e-mails, phones, NIR, INE, IBAN, RIB, personal addresses
and dates of birth in every written form (``IDENTIFIERS``). Beside them,
content that must stay: an eponym on the steward's list, one that is not
("résidence Albert Camus"), an association's registered name and a contract
holder's SIRET.

``opendata demo`` then runs as a user runs it, and every file under the
working folder is searched, case-insensitively and accent-folded (phones,
NIR and account numbers digits only, INE and IBAN letters and digits only),
together with the console output: the output store, candidates, reports and
Dagster's storage, its SQLite event log included (both the database's text
and its raw bytes, where deleted rows linger). Excluded: the sources
themselves, the private staging (``staging/``) and any folder named
``private`` (the data protection officer's review page, when there is one).
Assertion messages name the kind of value and the file, never the value.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
import subprocess
import sys
import unicodedata
from pathlib import Path

import pandas as pd
import pytest
from stdnum import iban as stdnum_iban
from stdnum.fr import nir as stdnum_nir

from anonymisation.policy import POLICY_DIR
from pipelines.synthetic.generate import generate
from resources.common.institution import SYSTEMS, project_root

OPENDATA = str(Path(sys.executable).parent / "opendata")
AS_OF = dt.date.today()
PUBLISHED_SINCE = f"{AS_OF.year - 1}-01-01"  # `--years 2`: this year and last year


def _nir(number13: str) -> str:
    return number13 + f"{97 - int(number13) % 97:02d}"


def _rib_key(bank: str, branch: str, account: str) -> str:
    return f"{97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97:02d}"


def _iban(bank: str, branch: str, account: str) -> str:
    bban = bank + branch + account + _rib_key(bank, branch, account)
    return "FR" + stdnum_iban.calc_check_digits("FR00" + bban) + bban


NIR_SPACED, NIR_COMPACT = _nir("2871169388512"), _nir("1790633063241")
IBAN = _iban("30004", "02817", "58294716302")
RIB = ("20041", "01012", "73815926047")

PHONE_PREFIXES = ("0", "33", "330", "0033", "00330")

# (kind, text as written, value searched, how it is compared: folded text, digits, phone digits, letters and digits)
PERSONS: tuple[tuple[str, str, str, str], ...] = (
    ("surname, role then first_last", "contact : Ysoline Quenardel", "Quenardel", "text"),
    ("surname, upper_last_first", "VARENCOURT Maëlys (mère de l'étudiante)", "Varencourt", "text"),
    ("surname, last_first", "expertise de Brizemaure Octave", "Brizemaure", "text"),
    ("surname, civility and surname", "à l'attention de Mme Ferlandin", "Ferlandin", "text"),
    ("surname, civility and full name", "vu avec M. Aurélien Pouchevet", "Pouchevet", "text"),
    ("surname, Mlle and full name", "Mlle Apolline Verdurand, visiteuse", "Verdurand", "text"),
    ("surname, title Dr.", "membre extérieur du jury : Dr. Solenne Marquebreuil", "Marquebreuil", "text"),
    ("surname, title Pr and surname", "rapport du Pr Trividec", "Trividec", "text"),
    ("surname, title Me", "dossier transmis à Me Gastinelle", "Gastinelle", "text"),
    ("surname, compound initials", "J.-P. Loubressac, propriétaire", "Loubressac", "text"),
    ("surname, one initial", "tuteur de stage : Y. Carmontel", "Carmontel", "text"),
    ("surname, particle de La", "Hortense de La Vauzelle (parent)", "Vauzelle", "text"),
    ("surname, compound with hyphen", "Gaëtan Dupré-Kermadoc, prestataire", "Kermadoc", "text"),
    ("surname, particle Le", "Ronan Le Quintrec, jury externe", "Quintrec", "text"),
    ("surname, lower case", "appel de mathilde orsonval ce matin", "orsonval", "text"),
    ("surname alone after a role word", "suivi par Castagnède", "Castagnède", "text"),
    ("surname, role responsable", "responsable : Florimond Tessandier", "Tessandier", "text"),
)
IDENTIFIERS: tuple[tuple[str, str, str, str], ...] = (
    ("e-mail, plain", "écrire à o.vachevrin@orange.fr", "o.vachevrin", "text"),
    ("e-mail, [at]", "gvillebrune [at] free.fr", "gvillebrune", "text"),
    ("e-mail, (at)", "c.mortagnel(at)yahoo.fr", "c.mortagnel", "text"),
    ("e-mail, arobase point", "lise.brocardiere arobase gmail point com", "lise.brocardiere", "text"),
    ("phone, spaces", "tél. 06 47 83 29 61", "647832961", "phone"),
    ("phone, dots", "07.58.12.94.36", "758129436", "phone"),
    ("phone, dashes", "06-71-39-82-45", "671398245", "phone"),
    ("phone, slashes", "06/82/45/17/93", "682451793", "phone"),
    ("phone, +33", "+33 6 29 74 51 08", "629745108", "phone"),
    ("phone, 0033", "0033 7 64 18 35 92", "764183592", "phone"),
    ("phone, +33 (0)", "+33 (0)6 53 27 91 84", "653279184", "phone"),
    ("phone, no separator", "0641729358", "641729358", "phone"),
    ("phone, irregular groups", "064 172 93 81", "641729381", "phone"),
    ("NIR, spaced", "NIR " + " ".join((NIR_SPACED[0], NIR_SPACED[1:3], NIR_SPACED[3:5], NIR_SPACED[5:7],
                                         NIR_SPACED[7:10], NIR_SPACED[10:13], NIR_SPACED[13:])),
     NIR_SPACED[:13], "digits"),
    ("NIR, compact", f"sécurité sociale {NIR_COMPACT}", NIR_COMPACT[:13], "digits"),
    ("INE with its word", "n° INE 2847561093H", "2847561093H", "alnum"),
    ("INE without context", "dossier (3958271046J) incomplet", "3958271046J", "alnum"),
    ("IBAN, grouped", "IBAN " + " ".join(IBAN[i:i + 4] for i in range(0, len(IBAN), 4)), IBAN, "alnum"),
    ("IBAN account number", "", IBAN[14:25], "digits"),
    ("RIB account number", f"banque {RIB[0]} guichet {RIB[1]} compte {RIB[2]} clé {_rib_key(*RIB)}", RIB[2],
     "digits"),
    ("address, street with bis", "14 bis rue des Quenouillettes, 94300 Vincennes", "Quenouillettes", "text"),
    ("address, résidence", "Résidence Les Amarantes, bât. C, 7 allée des Bergeronnettes, 93200 Saint-Denis",
     "Bergeronnettes", "text"),
    ("address, lieu-dit", "lieu-dit La Combe-Sauvagnat, 63000 Clermont-Ferrand", "Sauvagnat", "text"),
    ("birth date, né le dd/mm/yyyy", "née le 17/04/1993", "17/04/1993", "text"),
    ("birth date, in words", "né le 29 septembre 1987", "29 septembre 1987", "text"),
    ("birth date, date de naissance", "date de naissance : 11.06.1979", "11.06.1979", "text"),
    ("birth date, ISO", "née le 1994-02-23", "1994-02-23", "text"),
)
PLANTED = PERSONS + IDENTIFIERS
FRAGMENTS = [written for _, written, _, _ in PLANTED if written]

LISTED_EPONYM = "rénovation de l'auditorium Lucie Aubrac"
UNLISTED_EPONYM = "hébergement des lauréats à la résidence Albert Camus"
ASSOCIATION = "Les Amis de Jules Verne"

# The nine free-text columns and the rows of each that an open dataset selects (rowids).
FINANCE_ROWS = {
    ("marches", "objet"): "SELECT rowid FROM marches WHERE date_notification >= :since "
                          "AND code_cpv GLOB '[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]*' ORDER BY rowid",
    ("subventions", "objet"): "SELECT s.rowid FROM subventions s JOIN tiers t ON t.id_tiers = s.id_tiers "
                              "WHERE s.date_convention >= :since AND t.type_tiers <> 'personne_physique' "
                              "AND s.pourcentage_subvention BETWEEN 0.01 AND 1 ORDER BY s.rowid",
    ("lignes_budgetaires", "libelle"): "SELECT rowid FROM lignes_budgetaires WHERE exercice = :year "
                                       "ORDER BY rowid LIMIT 200",
    ("frais_deplacement", "motif"): "SELECT rowid FROM frais_deplacement WHERE date_depart >= :since "
                                    "ORDER BY rowid LIMIT 200",
}
FINANCE_ROWS[("subventions", "conditions_versement")] = FINANCE_ROWS[("subventions", "objet")]
HR_ROWS = {
    ("structures", "libelle"): "SELECT rowid FROM structures ORDER BY rowid",
    ("fonctions", "libelle_fonction"): "SELECT rowid FROM fonctions WHERE visible_annuaire = 1 "
                                       "AND date_debut <= :today AND (date_fin IS NULL OR date_fin >= :today) "
                                       "AND matricule NOT IN (SELECT matricule FROM oppositions_agents) ORDER BY rowid",
}
STUDENT_ROWS = {
    ("commentaires", "texte"): "SELECT rowid FROM commentaires ORDER BY date_saisie DESC LIMIT 200",
    ("inscriptions", "commentaire_interne"): "SELECT rowid FROM inscriptions WHERE annee_universitaire = "
                                             "(SELECT max(annee_universitaire) FROM inscriptions) "
                                             "ORDER BY rowid LIMIT 200",
}


def _plant(db: Path, queries: dict[tuple[str, str], str]) -> dict[tuple[str, str], list[int]]:
    """Every fragment into each column, one per selected row (several per row when rows are few)."""
    params = {"since": PUBLISHED_SINCE, "year": AS_OF.year, "today": AS_OF.isoformat()}
    used = {}
    with sqlite3.connect(db) as conn:
        for (table, column), sql in queries.items():
            rows = [r for (r,) in conn.execute(sql, params)]
            assert rows, f"no published row to plant into {table}.{column}"
            count = min(len(rows), len(FRAGMENTS))
            for k in range(count):
                text = " ; ".join(FRAGMENTS[k::count])
                conn.execute(f"UPDATE {table} SET {column} = CASE WHEN {column} IS NULL OR {column} = '' "  # noqa: S608
                             f"THEN ? ELSE {column} || ' - ' || ? END WHERE rowid = ?", (text, text, rows[k]))
            used[(table, column)] = rows
    return used


@pytest.fixture(scope="module")
def planted_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess, str]:
    home = tmp_path_factory.mktemp("home")
    sources = home / "demo" / "sources"
    sources.mkdir(parents=True)
    for system in SYSTEMS:
        generate(f"sqlite:///{sources / system}.sqlite", system, "small", as_of=AS_OF, replace=True, progress=False)
    hr, finance, students = (sources / f"{s}.sqlite" for s in SYSTEMS)
    assert stdnum_nir.is_valid(NIR_SPACED) and stdnum_nir.is_valid(NIR_COMPACT) and stdnum_iban.is_valid(IBAN)
    _plant(hr, HR_ROWS)
    _plant(students, STUDENT_ROWS)
    used = _plant(finance, FINANCE_ROWS)
    # What must stay readable, on published rows of their own (after the rows holding fragments).
    contract = used[("marches", "objet")][len(FRAGMENTS)]
    with sqlite3.connect(finance) as conn:
        grant, tiers = next(row for rowid in used[("subventions", "objet")][len(FRAGMENTS):] for row in conn.execute(
            "SELECT s.rowid, t.id_tiers FROM subventions s JOIN tiers t ON t.id_tiers = s.id_tiers "
            "WHERE s.rowid = ? AND t.type_tiers = 'association'", (rowid,)))
        conn.execute("UPDATE marches SET objet = objet || ? WHERE rowid = ?", (f" - {LISTED_EPONYM}", contract))
        conn.execute("UPDATE subventions SET objet = objet || ? WHERE rowid = ?", (f" - {UNLISTED_EPONYM}", grant))
        conn.execute("UPDATE tiers SET raison_sociale = ? WHERE id_tiers = ?", (ASSOCIATION, tiers))
        holder = conn.execute("SELECT h.id_titulaire FROM marches m JOIN marches_titulaires h "
                              "ON h.id_marche = m.id_marche WHERE m.rowid = ? AND h.type_identifiant = 'SIRET'",
                              (contract,)).fetchone()
    assert holder, "the contract chosen has a holder identified by SIRET"
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("OPENDATA_", "DAGSTER_"))}
    environ["OPENDATA_HOME"] = str(home)
    done = subprocess.run([OPENDATA, "demo", "--years", "2"], cwd=project_root(), env=environ,
                          capture_output=True, text=True, timeout=1500)
    return home, done, holder[0]


def _fold(text: str) -> str:
    """Lower case without accents: "Castagnède" and "CASTAGNEDE" compare equal."""
    plain = unicodedata.normalize("NFKD", text)
    return "".join(c for c in plain if not unicodedata.combining(c)).casefold()


class _Searchable:
    """A file's text prepared for the three comparisons."""

    def __init__(self, text: str) -> None:
        self.folded = _fold(text)
        self.alnum = re.sub(r"[^0-9a-z]", "", self.folded)
        # Digits with the separators numbers are written with ("06 47.83-29/61", "+33 (0)6"), joined.
        self.digits = [re.sub(r"\D", "", run) for run in re.findall(r"\d(?:[ .\-/()]{0,2}\d)*", text)]

    def holds(self, value: str, how: str) -> bool:
        if how == "digits":
            return any(value in run for run in self.digits)
        if how == "phone":
            # The nine digits after the 0 or +33, as a whole number: a timestamp holding them by chance is no phone.
            return any(run.endswith(value) and run[:-len(value)] in PHONE_PREFIXES for run in self.digits)
        if how == "alnum":
            return re.sub(r"[^0-9a-z]", "", _fold(value)) in self.alnum
        return _fold(value) in self.folded


def _written_text(home: Path) -> dict[str, str]:
    """Every file the run wrote, as text, except the sources, the private staging and private folders."""
    texts = {}
    for path in sorted(home.rglob("*")):
        parts = set(path.relative_to(home).parts)
        if not path.is_file() or {"staging", "sources", "private"} & parts:
            continue
        name = str(path.relative_to(home))
        raw = path.read_bytes()
        if path.suffix == ".parquet":
            texts[name] = pd.read_parquet(path).to_csv(index=False)
            continue
        texts[name] = raw.decode("utf-8", errors="replace")
        if raw.startswith(b"SQLite format 3\x00"):
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
                texts[name] += "\n".join(conn.iterdump())
    return texts


def _strings(node: object) -> list[str]:
    """Every string value of a parsed JSON document."""
    if isinstance(node, dict):
        return [s for value in node.values() for s in _strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in _strings(value)]
    return [node] if isinstance(node, str) else []


def test_the_run_publishes_every_dataset(planted_run) -> None:
    home, done, _ = planted_run
    publications = home / "demo" / "reports" / AS_OF.isoformat() / "publication"
    decisions = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in publications.glob("*.json")}
    withheld = sorted(name for name, decision in decisions.items() if not decision.get("published"))
    assert done.returncode == 0 and not withheld, (
        f"opendata demo exited {done.returncode}; datasets not published (leak guard or checks): "
        f"{', '.join(withheld) or 'none recorded'}")
    assert len(decisions) == len(list(POLICY_DIR.glob("*.yaml")))  # one per policy


def test_no_unknown_person_or_identifier_reaches_any_written_file_or_the_console(planted_run) -> None:
    home, done, _ = planted_run
    texts = _written_text(home)
    texts["console stdout"], texts["console stderr"] = done.stdout, done.stderr
    assert len(texts) > 20
    searchable = {name: _Searchable(text) for name, text in texts.items()}
    leaks = [f"{kind} in {name}" for kind, _, value, how in PLANTED
             for name, text in searchable.items() if text.holds(value, how)]
    assert not leaks, f"{len(leaks)} planted values found:\n" + "\n".join(leaks)


def test_eponyms_and_legal_persons_stay_readable_in_the_published_files(planted_run) -> None:
    home, _, holder = planted_run
    store = home / "demo" / "store"
    for dataset in ("marches_publics", "subventions"):
        assert (store / dataset / "latest").is_dir(), f"{dataset} was not published"
    contracts = (store / "marches_publics" / "latest" / "marches_publics.csv").read_text(encoding="utf-8")
    decp = _strings(json.loads((store / "marches_publics" / "latest" / "marches_publics.json").read_text(
        encoding="utf-8")))
    grants = pd.read_csv(store / "subventions" / "latest" / "subventions.csv", dtype=str)
    # Booleans first: pytest would otherwise print whole published files into the CI log.
    kept = {
        "listed eponym in marches_publics.csv": LISTED_EPONYM in contracts,
        "listed eponym in marches_publics.json": any(LISTED_EPONYM in value for value in decp),
        "holder SIRET in marches_publics.csv": holder in contracts,
        "holder SIRET in marches_publics.json": holder in decp,
        "eponym after a place word in subventions.csv": bool(
            grants["objet"].str.contains(UNLISTED_EPONYM, regex=False).any()),
        "association's registered name in subventions.csv": bool((grants["nomBeneficiaire"] == ASSOCIATION).any()),
    }
    lost = [what for what, found in kept.items() if not found]
    assert not lost, "altered or missing: " + "; ".join(lost)

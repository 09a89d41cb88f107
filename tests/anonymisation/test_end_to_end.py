"""End to end: identifiers planted in every kind of source column never reach anything the run writes.

The sources are the synthetic small scale; identifiers of REAL source persons
(so the leak guard's index knows them) are planted in the free text that IS
published (contract and subsidy subjects, payment conditions, function
titles, structure labels), in a new source column, in a staff comment, and a
NIR is written with spaces. Then `opendata demo` runs as a user runs it, and
every file under the working folder except the private staging, plus its
console output, is searched.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from anonymisation.policy import POLICY_DIR
from pipelines.synthetic.generate import generate
from resources.common.institution import SYSTEMS, project_root

OPENDATA = str(Path(sys.executable).parent / "opendata")
AS_OF = dt.date.today()
POLICIES = sorted(path.stem for path in POLICY_DIR.glob("*.yaml"))  # one dataset each


def _one(db: Path, sql: str) -> tuple:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchone()


def _exec(db: Path, *statements: tuple[str, tuple]) -> None:
    with sqlite3.connect(db) as conn:
        for sql, params in statements:
            conn.execute(sql, params)


def _spaced_nir(nir: str) -> str:
    return f"{nir[0]} {nir[1:3]} {nir[3:5]} {nir[5:7]} {nir[7:10]} {nir[10:13]} {nir[13:]}"


@pytest.fixture(scope="module")
def planted_run(tmp_path_factory) -> tuple[Path, dict[str, str], subprocess.CompletedProcess, tuple[str, str]]:
    home = tmp_path_factory.mktemp("home")
    sources = home / "demo" / "sources"
    sources.mkdir(parents=True)
    for system in SYSTEMS:
        generate(f"sqlite:///{sources / system}.sqlite", system, "small", as_of=AS_OF, replace=True, progress=False)
    hr, finance, students = (sources / f"{s}.sqlite" for s in SYSTEMS)
    agent = _one(hr, "SELECT matricule, nom, prenom, nir, telephone_perso, email_perso FROM agents "
                     "WHERE matricule NOT IN (SELECT matricule FROM fonctions) "
                     "AND matricule NOT IN (SELECT matricule FROM tableaux_avancement) LIMIT 1")
    student = _one(students, "SELECT numero_etudiant, nom, prenom, ine, email_perso, telephone FROM etudiants "
                             "WHERE numero_etudiant NOT IN (SELECT numero_etudiant FROM resultats WHERE diplome_delivre = 1) "
                             "AND nom_usage IS NULL LIMIT 1")
    person = _one(finance, "SELECT nom, prenom, iban FROM tiers WHERE type_tiers = 'personne_physique' AND iban IS NOT NULL LIMIT 1")
    opposed = _one(students, "SELECT r.numero_etudiant, e.nom, e.prenom FROM resultats r JOIN etudiants e "
                             "ON e.numero_etudiant = r.numero_etudiant WHERE r.diplome_delivre = 1 AND e.nom_usage IS NULL "
                             "AND r.numero_etudiant NOT IN (SELECT numero_etudiant FROM oppositions_etudiants) LIMIT 1")
    # Source defects on personal columns, so the source suites fail on them and
    # Great Expectations sees the values: a NIR with a wrong key, an INE
    # shared by two students, an INE in lower case.
    bad_nir = agent[3][:13] + f"{(int(agent[3][13:]) % 97) + 1:02d}"
    other_agent = _one(hr, f"SELECT matricule FROM agents WHERE matricule <> '{agent[0]}' AND nir IS NOT NULL LIMIT 1")[0]
    twins = _one(students, f"SELECT min(numero_etudiant), max(numero_etudiant) FROM etudiants WHERE numero_etudiant <> '{student[0]}'")
    bad_ine = student[3][:9] + "zq"
    planted = {
        "invalid NIR": bad_nir, "lower-case INE": bad_ine,
        "agent NIR": agent[3], "agent NIR with spaces": _spaced_nir(agent[3]), "agent phone": agent[4],
        "agent e-mail": agent[5], "agent name": f"{agent[2]} {agent[1]}", "student INE": student[3],
        "student e-mail": student[4], "student phone": student[5], "student name": f"{student[1].upper()} {student[2]}",
        "IBAN": person[2], "natural person": f"{person[1]} {person[0]}",
    }
    _exec(finance,
          ("UPDATE marches SET objet = objet || ? WHERE rowid IN (SELECT rowid FROM marches "
           f"WHERE date_notification >= '{AS_OF.year - 1}-01-01' LIMIT 3)",
           (f" Contact: {planted['agent name']}, {planted['agent phone']}, NIR {planted['agent NIR with spaces']}",)),
          ("UPDATE subventions SET objet = objet || ?, conditions_versement = conditions_versement || ? "
           f"WHERE rowid IN (SELECT rowid FROM subventions WHERE date_convention >= '{AS_OF.year - 1}-01-01' LIMIT 3)",
           (f" pour {planted['student name']} ({planted['student e-mail']})", f" RIB {planted['IBAN']} de {planted['natural person']}")))
    _exec(hr,
          ("UPDATE fonctions SET libelle_fonction = libelle_fonction || ? WHERE visible_annuaire = 1 "
           "AND (date_fin IS NULL OR date_fin >= date('now')) AND date_debut <= date('now')",
           (f" (suppléant: {planted['student name']}, tél. {planted['student phone']})",)),
          ("UPDATE structures SET libelle = libelle || ? WHERE rowid IN (SELECT rowid FROM structures LIMIT 4)",
           (f" - écrire à {planted['agent e-mail']}, INE {planted['student INE']}",)),
          ("UPDATE structures SET libelle = 'Amphithéâtre Marie Curie' WHERE rowid = (SELECT max(rowid) FROM structures)", ()),
          ("UPDATE agents SET nir = ? WHERE matricule = ?", (bad_nir, other_agent)),
          ("ALTER TABLE agents ADD COLUMN numero_secu_bis TEXT", ()),
          ("UPDATE agents SET numero_secu_bis = nir", ()))
    _exec(students,
          ("UPDATE commentaires SET texte = texte || ? WHERE rowid IN (SELECT rowid FROM commentaires LIMIT 5)",
           (f" vu avec {planted['agent name']} {planted['agent NIR']}",)),
          ("UPDATE etudiants SET ine = ? WHERE numero_etudiant = ?", (student[3], twins[0])),
          ("UPDATE etudiants SET ine = ? WHERE numero_etudiant = ?", (bad_ine, twins[1])),
          ("INSERT INTO oppositions_etudiants (numero_etudiant, date_opposition) VALUES (?, ?)", (opposed[0], "2026-01-05")))
    planted_opposed = (opposed[1], opposed[2])
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("OPENDATA_", "DAGSTER_"))}
    environ["OPENDATA_HOME"] = str(home)
    done = subprocess.run([OPENDATA, "demo", "--years", "2"], cwd=project_root(), env=environ,
                          capture_output=True, text=True, timeout=900)
    return home, planted, done, planted_opposed


def _written_text(home: Path) -> dict[Path, str]:
    """Every file the run wrote outside the private staging and the sources, as text."""
    texts = {}
    for path in home.rglob("*"):
        if not path.is_file() or {"staging", "sources"} & set(path.relative_to(home).parts):
            continue
        if path.suffix == ".parquet":
            texts[path] = pd.read_parquet(path).to_csv(index=False)
        else:
            texts[path] = path.read_bytes().decode("utf-8", errors="replace")
    return texts


def test_the_run_succeeds_and_writes_candidates_and_reports(planted_run) -> None:
    home, _, done, _ = planted_run
    assert done.returncode == 0, done.stderr[-3000:]
    candidates = {p.parent.parent.name for p in (home / "demo" / "candidates").rglob("*.parquet")}
    assert len(candidates) == len(POLICIES)
    reports = list((home / "demo" / "reports").rglob("anonymisation/*.json"))
    assert len(reports) == len(POLICIES)


def test_no_planted_identifier_reaches_any_written_file_or_the_console(planted_run) -> None:
    home, planted, done, _ = planted_run
    texts = _written_text(home)
    texts[Path("stdout")], texts[Path("stderr")] = done.stdout, done.stderr
    assert len(texts) > 20
    for label, value in planted.items():
        for path, text in texts.items():
            assert value.lower() not in text.lower(), f"{label} found in {path}"


def test_the_source_suites_saw_the_planted_defects_and_reported_counts_only(planted_run) -> None:
    home, _, done, _ = planted_run
    quality = home / "demo" / "reports" / AS_OF.isoformat() / "quality"

    def unexpected(suite: str, expectation: str, column: str) -> int:
        findings = json.loads((quality / f"{suite}.json").read_text(encoding="utf-8"))["findings"]
        return sum(f["unexpected_count"] or 0 for f in findings
                   if f["expectation"] == expectation and f["column"] == column and not f["success"])

    assert unexpected("source.hr.agents", "ExpectColumnValuesToBeValidFrenchCode", "nir") >= 1
    assert unexpected("source.students.etudiants", "ExpectColumnValuesToBeUnique", "ine") >= 2
    assert unexpected("source.students.etudiants", "ExpectColumnValuesToMatchRegex", "ine") >= 1
    assert "Source checks (warnings)" in done.stdout


def test_exceptions_still_publish_and_the_eponym_keeps_its_name(planted_run) -> None:
    home, _, _, opposed = planted_run

    def latest(dataset: str) -> pd.DataFrame:
        return pd.read_parquet(sorted((home / "demo" / "candidates" / dataset).rglob("*.parquet"))[-1])
    assert len(latest("annuaire")) > 10 and latest("annuaire")["nom"].notna().all()
    assert len(latest("laureats")) > 10 and latest("tableau_avancement")["prenom"].notna().all()
    assert "Amphithéâtre Marie Curie" in set(latest("structures")["libelle"])
    assert "[TELEPHONE]" in " ".join(latest("annuaire")["fonction"].dropna())
    assert latest("marches_publics")["objet"].str.contains(r"\[NIR\]").any()
    assert latest("subventions")["conditionsVersement"].str.contains(r"\[IBAN\]").any()
    headline = latest("effectifs_etudiants")  # published in full, as the national file: counts of 1 included
    assert (headline["effectif_statut"] == "publie").all() and (headline["effectif"] >= 1).all()
    counts = latest("effectifs_etudiants_boursiers")  # a sensitive cross: small cells withheld
    published = counts[counts["effectif_statut"] == "publie"]["effectif"]
    assert (published >= 5).all() and counts.loc[counts["effectif_statut"] != "publie", "effectif"].isna().all()


def test_an_opposition_removes_the_graduate(planted_run) -> None:
    home, _, _, (last, first) = planted_run
    graduates = pd.read_parquet(sorted((home / "demo" / "candidates" / "laureats").rglob("*.parquet"))[-1])
    assert not ((graduates["nom"] == last) & (graduates["prenom"] == first)).any()
    report = sorted((home / "demo" / "reports").rglob("anonymisation/laureats.json"))[-1].read_text(encoding="utf-8")
    assert '"opposition_removed": 0' not in report


def test_nominative_candidates_keep_only_their_latest_version_and_are_not_indexed(planted_run) -> None:
    home, _, _, _ = planted_run
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("OPENDATA_", "DAGSTER_"))}
    environ["OPENDATA_HOME"] = str(home)
    again = subprocess.run([OPENDATA, "demo", "--years", "2"], cwd=project_root(), env=environ,
                           capture_output=True, text=True, timeout=900)
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-2000:]
    folder = home / "demo" / "candidates"
    assert len(list((folder / "laureats").glob("*/*.parquet"))) == 1
    assert len(list((folder / "effectifs_etudiants").glob("*/*.parquet"))) == 2
    report = sorted((home / "demo" / "reports").rglob("anonymisation/annuaire.json"))[-1].read_text(encoding="utf-8")
    assert '"noindex": true' in report


def test_each_rule_that_withholds_names_its_risk_in_the_published_readme(planted_run) -> None:
    home, _, done, _ = planted_run
    assert done.returncode == 0, done.stderr[-3000:]
    readme = (home / "demo" / "store" / "execution_budgetaire" / "latest" / "README.md").read_text(encoding="utf-8")
    rules = [line for line in readme.splitlines() if line.startswith("  - `")]
    assert rules and all("; risque écarté: " in line for line in rules), rules


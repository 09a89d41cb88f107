"""The register of documents (CRPA L322-6, R322-7) on a tiny store: two datasets (one nominative, whose old
versions the store pruned) and the DCAT catalogue, rows computed by hand; a closed year kept as the previous
register published it; a dataset never published; the kind's refusals and its open suite."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from anonymisation.apply import ApplyContext, apply
from anonymisation.datasets import Establishment
from anonymisation.kinds.repertoire import FIELDS
from anonymisation.dictionary import load_dictionary
from anonymisation.policy import POLICY_DIR, PolicyError, load_policy
from anonymisation.policy_model import Policy
from assets.anonymising import run_dataset
from quality.engine import great_expectations, validate
from quality.open_suites import Expectations, open_suite
from resources.candidates import CandidateArea
from resources.common.errors import OpenDataError
from resources.publishing.register import RegisterError, register_frame
from resources.staging import StagingArea
from tests.anonymisation.test_policy import _variant

TODAY = dt.date(2026, 12, 5)
BASE = "https://donnees.example.fr/open-data/"
LICENCE = "Licence Ouverte / Open Licence version 2.0"
SERVICES = {"reference": "Direction générale des services", "hr": "Direction des ressources humaines",
            "catalogue": "Direction du numérique (données ouvertes)"}
CATALOGUE_TTL = f"""@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
<{BASE}catalog> a dcat:Catalog ;
    dct:title "Catalogue des données ouvertes : Université"@fr ;
    dct:description "Catalogue des jeux publiés."@fr .
"""


@pytest.fixture
def register() -> Policy:
    return load_policy(POLICY_DIR / "repertoire_documents.yaml")


@pytest.fixture
def catalogue(register: Policy) -> dict[str, Policy]:
    """Two datasets, one of them nominative, and the register itself (which never lists itself)."""
    return {name: load_policy(POLICY_DIR / f"{name}.yaml") for name in ("structures", "annuaire")} | {
        register.dataset: register}


def _package(name: str, version: str, versions: list[str], formats: tuple[str, ...]) -> dict:
    return {"name": name, "version": version, "homepage": f"{BASE}{name}/latest/", "licenses": [{"title": LICENCE}],
            "resources": [{"path": f"{name}.{f}", "format": f} for f in formats],
            "x_opendata": {"versions": versions}}


def _version(store: Path, name: str, day: str, versions: list[str], formats: tuple[str, ...], latest: bool) -> None:
    for folder in (day, "latest") if latest else (day,):
        path = store / name / folder
        path.mkdir(parents=True, exist_ok=True)
        (path / "datapackage.json").write_text(json.dumps(_package(name, day, versions, formats)), encoding="utf-8")


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """structures: three versions (2025-03-01, 2025-11-20, 2026-02-10); annuaire (nominative): the store keeps its
    latest only (2026-06-30), whose data package still names the pruned 2026-01-15."""
    store = tmp_path / "store"
    _version(store, "structures", "2025-03-01", ["2025-03-01"], ("csv", "parquet", "md"), False)
    _version(store, "structures", "2025-11-20", ["2025-03-01", "2025-11-20"], ("csv", "parquet", "md"), False)
    _version(store, "structures", "2026-02-10", ["2025-03-01", "2025-11-20", "2026-02-10"],
             ("csv", "parquet", "md"), True)
    _version(store, "annuaire", "2026-06-30", ["2026-01-15", "2026-06-30"], ("csv", "parquet", "md"), True)
    (store / "catalog.ttl").write_text(CATALOGUE_TTL, encoding="utf-8")
    (store / "catalog.jsonld").write_text("{}", encoding="utf-8")
    return store


def _published(register: Policy, frame: pd.DataFrame) -> pd.DataFrame:
    context = ApplyContext(as_of=TODAY, run_id="run", code_version="v", dictionary=load_dictionary())
    out, report = apply(frame, register, context)
    assert report.kind == "repertoire" and report.rows_out == len(out)
    return out


def _row(year: int, name: str, created: str, updated: str, versions: int, policy: Policy | None) -> dict:
    """One expected row; ``policy`` None for the catalogue."""
    if policy is None:
        return {"annee": year, "identifiant": "catalogue", "titre": "Catalogue des données ouvertes : Université",
                "objet": "Catalogue des jeux publiés.", "nature": "catalogue", "domaine": "catalogue",
                "service_detenteur": SERVICES["catalogue"],
                "base_legale": ("Catalogue DCAT-AP des jeux de données publiés (CRPA L312-1-1 et L322-6), moissonné "
                                "par data.gouv.fr; les jeux nominatifs n'y figurent pas (délibération CNIL 2018-101)."),
                "conditions_reutilisation": LICENCE, "date_creation": dt.date.fromisoformat(created),
                "date_mise_a_jour": dt.date.fromisoformat(updated), "nombre_versions": versions,
                "objet_mises_a_jour": ("Chaque mise à jour ajoute ou remplace la description d'un jeu publié: son "
                                       "objet est celui de la ligne de ce jeu."),
                "frequence_mise_a_jour": "à chaque publication d'un jeu de données", "formats": "Turtle, JSON-LD",
                "url": f"{BASE}catalog.ttl", "en_ligne": True}
    return {"annee": year, "identifiant": name, "titre": policy.title, "objet": policy.description,
            "nature": "jeu_de_donnees_nominatif" if policy.nominative else "jeu_de_donnees",
            "domaine": {"hr": "personnels", "reference": "référentiel"}[policy.domain],
            "service_detenteur": SERVICES[policy.domain], "base_legale": policy.legal_basis,
            "conditions_reutilisation": LICENCE, "date_creation": dt.date.fromisoformat(created),
            "date_mise_a_jour": dt.date.fromisoformat(updated), "nombre_versions": versions,
            # The fixture's packages predate the changelog: all that is known is that each version replaced the set.
            "objet_mises_a_jour": f"{versions} version(s) antérieure(s) au journal des modifications, chacune "
                                  "remplaçant le jeu entier",
            "frequence_mise_a_jour": {"annual": "chaque année", "irregular": "à chaque changement des données"}[
                policy.frequency],
            "formats": "CSV, Parquet", "url": f"{BASE}{name}/latest/", "en_ligne": True}


def _expected(register: Policy, rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=[c.name for c in register.columns])
    types = {"annee": "Int64", "nombre_versions": "Int64", "en_ligne": "boolean"}
    return frame.astype({**{c: "str" for c in frame.columns if c not in types and "date" not in c}, **types})


def test_rows_per_document_and_year_match_the_store_exactly(register: Policy, catalogue: dict[str, Policy],
                                                             store: Path) -> None:
    out = _published(register, register_frame(register, catalogue, store, TODAY))
    structures, annuaire = catalogue["structures"], catalogue["annuaire"]
    expected = _expected(register, [
        # 2025: structures' two versions; the catalogue, dated by the datasets it describes.
        _row(2025, "catalogue", "2025-03-01", "2025-11-20", 2, None),
        _row(2025, "structures", "2025-03-01", "2025-11-20", 2, structures),
        # 2026: annuaire created on its pruned first version; the catalogue follows structures only (the
        # nominative annuaire is not in it); structures' last update is its version of 2026.
        _row(2026, "annuaire", "2026-01-15", "2026-06-30", 2, annuaire),
        _row(2026, "catalogue", "2025-03-01", "2026-02-10", 1, None),
        _row(2026, "structures", "2025-03-01", "2026-02-10", 1, structures),
    ])
    pd.testing.assert_frame_equal(out, expected)
    assert "repertoire_documents" not in set(out["identifiant"])


def test_the_nominative_dataset_is_listed_with_its_nature_and_nothing_of_its_rows(
        register: Policy, catalogue: dict[str, Policy], store: Path) -> None:
    frame = register_frame(register, catalogue, store, TODAY)
    row = frame[frame["repertoire._identifiant"] == "annuaire"].iloc[0]
    assert row["repertoire._nature"] == "jeu_de_donnees_nominatif"
    assert "D312-1-3" in row["repertoire._base_legale"]
    # Its files are never read (the fixture has none): the register says what the document is, not what it holds.
    assert set(frame.columns) == {f"repertoire._{f}" for f in FIELDS}


def test_a_closed_year_stays_as_the_previous_register_published_it(register: Policy, catalogue: dict[str, Policy],
                                                                   store: Path) -> None:
    previous = _published(register, register_frame(register, catalogue, store, TODAY))
    previous.loc[previous["annee"] == 2025, "titre"] = "Titre de 2025"  # as the 2025 edition named it
    # The store has since pruned structures' versions of 2025: the register still knows when it was created.
    for day in ("2025-03-01", "2025-11-20"):
        for path in (store / "structures" / day).iterdir():
            path.unlink()
        (store / "structures" / day).rmdir()
    package = store / "structures" / "latest" / "datapackage.json"
    package.write_text(json.dumps(_package("structures", "2026-02-10", ["2026-02-10"], ("csv",))), encoding="utf-8")
    again = _published(register, register_frame(register, catalogue, store, TODAY, previous))
    pd.testing.assert_frame_equal(again[again["annee"] == 2025], previous[previous["annee"] == 2025])
    now = again[again["annee"] == 2026].set_index("identifiant")
    assert now.loc["structures", "date_creation"] == dt.date(2025, 3, 1)
    assert now.loc["catalogue", "date_creation"] == dt.date(2025, 3, 1)
    assert now.loc["structures", "formats"] == "CSV"


def test_a_dataset_never_published_is_listed_this_year_not_online(register: Policy, catalogue: dict[str, Policy],
                                                                  store: Path) -> None:
    catalogue["laureats"] = load_policy(POLICY_DIR / "laureats.yaml")
    out = _published(register, register_frame(register, catalogue, store, TODAY))
    rows = out[out["identifiant"] == "laureats"]
    assert rows["annee"].tolist() == [2026]
    row = rows.iloc[0]
    assert not row["en_ligne"] and pd.isna(row["url"]) and pd.isna(row["date_creation"])
    assert row["nombre_versions"] == 0 and row["conditions_reutilisation"] == LICENCE
    assert pd.isna(row["objet_mises_a_jour"])


def _with_changelog(store: Path, entries: list[dict]) -> None:
    path = store / "structures" / "latest" / "datapackage.json"
    package = json.loads(path.read_text(encoding="utf-8"))
    package["x_opendata"]["changelog"] = entries
    path.write_text(json.dumps(package), encoding="utf-8")


def test_the_object_of_each_update_comes_from_the_changelog(register: Policy, catalogue: dict[str, Policy],
                                                            store: Path) -> None:
    """R322-7 "date et objet des mises à jour": one clause per version of the year, as CHANGELOG.md words it."""
    _with_changelog(store, [
        {"version": "2025-03-01", "previous_version": None, "rows": 12},
        {"version": "2025-11-20", "previous_version": "2025-03-01", "rows": 13, "added": 2, "removed": 1,
         "changed": 3, "columns_added": ["ror"], "columns_removed": [], "corrections": [{"id": "c1"}]},
    ])
    out = _published(register, register_frame(register, catalogue, store, TODAY)).set_index(["annee", "identifiant"])
    assert out.loc[(2025, "structures"), "objet_mises_a_jour"] == (
        "2025-03-01: Première version publiée: 12 ligne(s). | 2025-11-20: Par rapport à la version du 2025-03-01: "
        "2 ligne(s) ajoutée(s), 1 retirée(s), 3 modifiée(s); colonnes: 1 ajoutée(s), 0 retirée(s); 1 correction(s) "
        "de réutilisateurs appliquée(s).")
    # 2026-02-10 has no entry in this package: it is said to have replaced the whole dataset.
    assert out.loc[(2026, "structures"), "objet_mises_a_jour"] == (
        "1 version(s) antérieure(s) au journal des modifications, chacune remplaçant le jeu entier")


def test_a_year_of_many_updates_gives_their_sums_and_points_to_the_changelog(
        register: Policy, catalogue: dict[str, Policy], store: Path) -> None:
    days = [f"2026-{m:02d}-{d:02d}" for m in range(1, 8) for d in (1, 15)]  # 14 versions in 2026
    entries = [{"version": day, "previous_version": "2025-12-31", "rows": 10, "added": 1, "removed": 2, "changed": 3}
               for day in days]
    _with_changelog(store, entries)
    path = store / "structures" / "latest" / "datapackage.json"
    package = json.loads(path.read_text(encoding="utf-8"))
    package["x_opendata"]["versions"] = days
    package["version"] = days[-1]
    path.write_text(json.dumps(package), encoding="utf-8")
    out = _published(register, register_frame(register, catalogue, store, TODAY)).set_index(["annee", "identifiant"])
    text = out.loc[(2026, "structures"), "objet_mises_a_jour"]
    assert text.startswith("1 version(s) antérieure(s) au journal")  # 2026-02-10, a folder without an entry
    assert text.endswith("14 versions du 2026-01-01 au 2026-07-15: 14 ligne(s) ajoutée(s), 28 ligne(s) retirée(s), "
                         "42 ligne(s) modifiée(s) au total; chaque version est décrite dans CHANGELOG.md, à côté du "
                         "dossier latest/")


def test_a_domain_without_a_service_stops_the_register_naming_it(register: Policy, catalogue: dict[str, Policy],
                                                                 store: Path) -> None:
    catalogue["execution_budgetaire"] = load_policy(POLICY_DIR / "execution_budgetaire.yaml")
    lean = dataclasses.replace(register, settings={"services": SERVICES})
    with pytest.raises(RegisterError, match=r"repertoire_documents: dataset execution_budgetaire is of domain "
                                            r"'finance', which has no service"):
        register_frame(lean, catalogue, store, TODAY)


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda r: r.update(inputs=["hr.agents"]), r"its 'inputs' stay empty \(rule: policy format\)"),
    (lambda r: r["columns"].pop(2), r"every document's titre \(rule: CRPA R322-7\)"),
    (lambda r: r["columns"][0].update(source="repertoire._age"), r"keeps one of the builder's fields"),
    (lambda r: r["columns"][9].update(type="string"), r"holds date_creation, of type date"),
    (lambda r: r["repertoire"]["services"].pop("catalogue"), r"and the catalogue's \(key 'catalogue'\)"),
])
def test_the_loader_refuses_a_register_that_breaks_its_shape(tmp_path: Path, mutate, message: str) -> None:
    with pytest.raises(PolicyError, match=r"repertoire_documents\.-: .*" + message):
        load_policy(_variant(tmp_path, "repertoire_documents", mutate))


def test_the_open_suite_passes_and_blocks_a_duplicate_or_an_online_row_without_address(
        register: Policy, catalogue: dict[str, Policy], store: Path) -> None:
    out = _published(register, register_frame(register, catalogue, store, TODAY))
    great_expectations()
    suite = open_suite(register, Expectations(2006, TODAY.year))
    outcome, _ = validate(out, suite, register.dataset)
    assert outcome.passed, [(f.expectation, f.column) for f in outcome.failed]
    duplicated = pd.concat([out, out.iloc[[0]]], ignore_index=True)
    outcome, _ = validate(duplicated, suite, register.dataset)
    assert {f.expectation for f in outcome.failed} == {"ExpectCompoundColumnsToBeUnique"}
    lost = out.copy()
    lost.loc[0, "url"] = None
    outcome, _ = validate(lost, suite, register.dataset)
    assert [(f.expectation, f.column) for f in outcome.failed] == [("ExpectColumnValuesToNotBeNull", "url, en_ligne")]


def test_the_register_is_never_built_from_staging(register: Policy, tmp_path: Path) -> None:
    with pytest.raises(OpenDataError, match=r"repertoire_documents: built from the catalogue and the store, never "
                                            r"from staging"):
        run_dataset(register, StagingArea(root=str(tmp_path / "staging")),
                    CandidateArea(root=str(tmp_path / "candidates"), reports=str(tmp_path / "reports")), "run",
                    TODAY, Establishment("Université", "19759000300012"))
    assert not (tmp_path / "candidates").exists()

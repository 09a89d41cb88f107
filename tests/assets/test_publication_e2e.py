"""Publication end to end, on a demo run as a user runs it: files, metadata, catalogue, data.gouv.fr.

- every CSV validates against its own Table Schema (frictionless); `subventions`
  against the official SCDL 2.1.1 schema and the DECP JSON against the official
  DECP 2.0.3 JSON Schema, both read from ../shared/schemas (not our copies);
- every checksum matches, in every version and in latest/;
- the DCAT catalogue parses and carries the mandatory DCAT-AP properties;
- every dataset's metadata scores 10/10 on data.gouv.fr's criteria;
- a re-run with unchanged data writes no new version;
- the data.gouv.fr dry run wrote each dataset's requests once, and a real run
  against a local udata server creates each dataset once, then only updates;
  the API key is in no file.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import shutil
from pathlib import Path

import dagster as dg
import jsonschema
import pytest
import yaml
from rdflib import Graph
from rdflib.namespace import DCAT, DCTERMS, RDF

from anonymisation.policy import load_catalogue
from pipelines.definitions import build_definitions
from quality.metadata_score import score, total
from resources.common.institution import config_dir, load_institution, project_root
from resources.datagouv import udata_payload
from resources.publishing.csv_file import validate_csv
from resources.publishing.integrity import read_sums, verify
from tests.quality.conftest import DemoRun, run_opendata
from tests.resources.udata_server import UdataServer

SHARED = project_root().parent / "shared" / "schemas"
TODAY = dt.date.today()


def _packages(store: Path) -> dict[str, dict]:
    return {p.parent.parent.name: json.loads(p.read_text(encoding="utf-8")) for p in store.glob("*/latest/datapackage.json")}


def test_every_dataset_is_published_with_its_files_and_metadata(clean_demo: DemoRun) -> None:
    assert clean_demo.done.returncode == 0, clean_demo.done.stderr[-3000:]
    packages = _packages(clean_demo.demo / "store")
    assert set(packages) == set(load_catalogue())
    for name, package in packages.items():
        files = {r["path"] for r in package["resources"]}
        assert {f"{name}.csv", f"{name}.parquet", "README.md"} <= files
        assert package["licenses"][0]["name"] == "etalab-2.0" and package["x_opendata"]["anonymisation"]["policy_hash"]
        assert package["version"] == TODAY.isoformat()
    assert packages["effectifs_etudiants"]["x_opendata"]["temporal_coverage"]["start"].endswith("-09-01")
    assert packages["execution_budgetaire"]["x_opendata"]["temporal_coverage"]["start"].endswith("-01-01")
    assert "catalog.ttl" in clean_demo.done.stdout.replace("\n", "")


def test_every_csv_validates_against_its_own_table_schema(clean_demo: DemoRun) -> None:
    for name, package in _packages(clean_demo.demo / "store").items():
        csv = next(r for r in package["resources"] if r["path"].endswith(".csv"))
        assert validate_csv(clean_demo.demo / "store" / name / "latest" / csv["path"], csv["schema"]) == [], name


def test_national_schemas_win_and_validate_against_the_official_files(clean_demo: DemoRun) -> None:
    latest = clean_demo.demo / "store"
    scdl = json.loads((SHARED / "scdl-subventions" / "schema-2.1.1.json").read_text(encoding="utf-8"))
    subventions = latest / "subventions" / "latest" / "subventions.csv"
    assert subventions.read_text(encoding="utf-8").splitlines()[0] == ",".join(f["name"] for f in scdl["fields"])
    assert validate_csv(subventions, scdl) == []
    official = json.loads((SHARED / "decp" / "schema_decp_v2.0.3.json").read_text(encoding="utf-8"))
    document = json.loads((latest / "marches_publics" / "latest" / "marches_publics.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(official).validate(document)
    holders = [t["titulaire"] for m in document["marches"]["marche"] for t in m["titulaires"]]
    assert holders and all(set(h) == {"typeIdentifiant", "id"} for h in holders)  # holders by identifier only


def test_every_checksum_matches_in_every_version_and_in_latest(clean_demo: DemoRun) -> None:
    store = clean_demo.demo / "store"
    folders = [p for p in store.glob("*/*") if p.is_dir()]
    assert len(folders) >= 2 * len(load_catalogue())
    for folder in folders:
        sums = read_sums(folder)
        assert sums and verify(folder) == [], folder
        package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        for resource in package["resources"]:
            assert resource["hash"] == f"sha256:{sums[resource['path']]}"
            assert resource["bytes"] == (folder / resource["path"]).stat().st_size


def test_the_dcat_catalogue_parses_and_carries_the_mandatory_properties(clean_demo: DemoRun) -> None:
    store = clean_demo.demo / "store"
    ttl = Graph().parse(store / "catalog.ttl", format="turtle")
    jsonld = Graph().parse(store / "catalog.jsonld", format="json-ld")
    assert len(ttl) == len(jsonld) > 0
    (catalog,) = ttl.subjects(RDF.type, DCAT.Catalog)
    assert all(ttl.value(catalog, p) is not None for p in (DCTERMS.title, DCTERMS.description, DCTERMS.publisher))
    datasets = list(ttl.objects(catalog, DCAT.dataset))
    public = [p for p in load_catalogue().values() if not p.nominative]
    assert len(datasets) == len(public)
    base = load_institution("demo").public_base_url
    for dataset in datasets:
        assert ttl.value(dataset, DCTERMS.title) and ttl.value(dataset, DCTERMS.description)
        for distribution in ttl.objects(dataset, DCAT.distribution):
            assert str(ttl.value(distribution, DCAT.accessURL)).startswith(base)
            assert "/latest/" in str(ttl.value(distribution, DCAT.accessURL))


def test_every_dataset_scores_ten_out_of_ten_on_data_gouv_fr_criteria(clean_demo: DemoRun) -> None:
    institution = load_institution("demo")
    store = clean_demo.demo / "store"
    for name, package in _packages(store).items():
        dataset, files = udata_payload(package, institution.datagouv.organization, institution.public_base_url,
                                       folder=store / name / "latest")
        resources = [{"title": f.title, "description": f.description, "type": f.type, "format": f.format,
                      "url": f.url, "filesize": f.filesize, "path": str(f.path)} for f in files]
        dataset["last_update"] = package["created"]
        criteria = score(dataset, resources, dt.datetime.now(dt.UTC))
        assert total(criteria) == 10, (name, {k: v for k, v in criteria.items() if not v})


def test_the_dry_run_wrote_each_pushed_dataset_once_and_no_nominative_one(clean_demo: DemoRun) -> None:
    lines = [json.loads(x) for x in (clean_demo.demo / "datagouv" / "requests.jsonl").read_text(encoding="utf-8").splitlines()]
    created = [x["dataset"] for x in lines if x["method"] == "POST" and x["path"] == "/datasets/"]
    public = sorted(p.dataset for p in load_catalogue().values() if not p.nominative)
    assert sorted(created) == public


def _copy(run: DemoRun, target: Path) -> Path:
    shutil.copytree(run.home, target, symlinks=True)
    return target


def test_an_unchanged_rerun_writes_no_new_version(clean_demo: DemoRun, tmp_path: Path) -> None:
    home = _copy(clean_demo, tmp_path / "home")
    store = home / "demo" / "store"
    before = {str(p.relative_to(store)) for p in store.rglob("*") if p.is_file() and "catalog" not in p.name}
    done = run_opendata(["demo", "--years", "2"], home)
    assert done.returncode == 0, done.stderr[-3000:]
    after = {str(p.relative_to(store)) for p in store.rglob("*") if p.is_file() and "catalog" not in p.name}
    assert after == before
    for package in _packages(store).values():
        assert package["created"] == _packages(clean_demo.demo / "store")[package["name"]]["created"]


def test_a_real_push_to_a_local_udata_creates_once_then_updates_and_writes_no_key(
    clean_demo: DemoRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    home = _copy(clean_demo, tmp_path / "home")
    key = f"dgk-{secrets.token_hex(16)}"
    raw = yaml.safe_load((config_dir() / "institutions" / "demo.yaml").read_text(encoding="utf-8"))
    with UdataServer(api_key=key, organization=raw["datagouv"]["organization"]) as server:
        raw["datagouv"].update({"dry_run": False, "api_url": server.api_url, "api_key_env": "OPENDATA_TEST_UDATA_KEY"})
        config = tmp_path / "demo-push.yaml"
        config.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
        monkeypatch.setenv("OPENDATA_HOME", str(home))
        monkeypatch.setenv("OPENDATA_TEST_UDATA_KEY", key)
        defs = build_definitions(load_institution(str(config)))
        pushes = [a for a in defs.assets if isinstance(a, dg.AssetsDefinition) and a.key.path[1] == "datagouv"]
        public = [p for p in load_catalogue().values() if not p.nominative]
        assert len(pushes) == len(public)
        for _ in range(2):
            result = dg.materialize(pushes, resources=defs.resources, raise_on_error=False)
            assert result.success
        assert len(server.calls("POST", r"/datasets/$")) == len(public)  # created once, never duplicated
        assert len(server.calls("PUT", r"/datasets/[^/]+/$")) == len(public)  # the second run updates
        uploads = server.calls("POST", r"/upload/$")
        assert uploads and len(uploads) == len({(r["path"], r["file"]["name"]) for r in uploads})  # each file once
        links = server.calls("POST", r"/resources/$")  # Parquet and README: links to our store
        assert links and all(r["json"]["url"].startswith(load_institution("demo").public_base_url) for r in links)
    written = [p for p in home.rglob("*") if p.is_file()] + [config]
    assert all(key.encode() not in p.read_bytes() for p in written)
    assert os.environ["OPENDATA_TEST_UDATA_KEY"] == key

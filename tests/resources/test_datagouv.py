"""The data.gouv.fr publisher against a local udata 17.18 stand-in, and the metadata score."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from quality.metadata_score import CRITERIA, score, total, udata_score
from resources.common.errors import ConfigurationError
from resources.datagouv import DatagouvError, DatagouvPublisher, ResourceFile, udata_payload
from tests.resources.udata_server import UdataServer

ORG = "5e8f3a2b9c1d4e6f7a8b9c0d"
BASE_URL = "https://opendata.univ.example/"
KEY_ENV = "OPENDATA_TEST_DATAGOUV_KEY"
NAME = "effectifs_etudiants"
PARQUET, README = f"{NAME}.parquet", "README.md"
LINKS = r"^/api/1/datasets/[0-9a-f]{24}/resources/$"  # ResourcesAPI.post: remote resources only
DESCRIPTION = ("Effectifs d'étudiants inscrits à l'université par diplôme, discipline et année "
               "universitaire, après anonymisation et suppression des petits effectifs (moins de 11).")


@pytest.fixture
def key() -> str:
    return f"dgk-{secrets.token_hex(20)}"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A version folder: three files and the datapackage.json describing them (our spec)."""
    latest = tmp_path / "store" / NAME / "latest"
    latest.mkdir(parents=True)
    (latest / f"{NAME}.csv").write_text("annee,diplome,effectif\n2024,licence,1250\n", encoding="utf-8")
    # Bytes of every value, CR and LF included: the multipart body must carry them untouched.
    (latest / f"{NAME}.parquet").write_bytes(b"PAR1" + bytes(range(256)) * 4 + b"\r\n--x\r\nPAR1")
    (latest / "README.md").write_text("# Effectifs étudiants\n\nDocumentation des colonnes.\n", encoding="utf-8")
    write_package(latest)
    return latest


def write_package(latest: Path, **extra: Any) -> dict[str, Any]:
    def described(path: str, fmt: str, mediatype: str, title: str, **more: Any) -> dict[str, Any]:
        data = (latest / path).read_bytes()
        return {"name": path.rsplit(".", 1)[0].replace("_", "-"), "path": path, "format": fmt,
                "mediatype": mediatype, "title": title, "description": f"{title} : une ligne par groupe.",
                "bytes": len(data), "hash": f"sha256:{hashlib.sha256(data).hexdigest()}", **more}

    package = {
        "profile": "tabular-data-package", "name": NAME, "id": f"{BASE_URL}{NAME}/latest/datapackage.json",
        "title": "Effectifs d'étudiants inscrits", "description": DESCRIPTION, "version": "2025-01-15",
        "created": "2025-01-15T02:00:00+00:00", "homepage": f"{BASE_URL}{NAME}/latest/",
        "keywords": ["étudiants", "Enseignement supérieur", "ue"],
        "licenses": [{"name": "etalab-2.0", "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
                      "title": "Licence Ouverte / Open Licence version 2.0"}],
        "sources": [{"title": "Apogée"}],
        "contributors": [{"title": "Université Exemple", "role": "publisher", "email": "opendata@univ.example"}],
        "x_opendata": {
            "producer": {"name": "Université Exemple", "siret": "19750000000000", "uai": "0750000A",
                         "contact": "opendata@univ.example", "datagouv_organization": ORG},
            "frequency": "annual", "temporal_coverage": {"start": "2020-09-01", "end": "2024-08-31"},
            "spatial": {"zones": ["fr:departement:75"], "granularity": "poi"}, "legal_basis": "CRPA L312-1-1",
            "anonymisation": {"policy_hash": "abc"}, "nominative": False, "last_checked": "2025-01-15",
            "national_schema": None, "versions": ["2025-01-15"], **extra,
        },
        "resources": [
            described(f"{NAME}.csv", "csv", "text/csv", "Effectifs (CSV)", encoding="utf-8"),
            described(f"{NAME}.parquet", "parquet", "application/vnd.apache.parquet", "Effectifs (Parquet)"),
            described("README.md", "md", "text/markdown", "Documentation", x_type="documentation"),
        ],
    }
    (latest / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    return package


def payload(latest: Path, **extra: Any) -> tuple[dict[str, Any], list[Any]]:
    return udata_payload(write_package(latest, **extra), ORG, BASE_URL, folder=latest)


@pytest.fixture
def server(key: str) -> Iterator[UdataServer]:
    # udata's default ALLOWED_RESOURCES_EXTENSIONS: neither parquet nor md may be uploaded,
    # so any attempt to upload the Parquet or the README would fail here.
    with UdataServer(key, ORG) as running:
        yield running


def publisher(state: Path, api_url: str, *, dry_run: bool = False, retries: int = 2) -> DatagouvPublisher:
    return DatagouvPublisher(api_url=api_url, api_key_env=KEY_ENV, dry_run=dry_run, state_dir=str(state),
                             retries=retries, backoff_s=0.0, timeout_s=10.0)


def state_of(state: Path) -> dict[str, Any]:
    return json.loads((state / "state.json").read_text(encoding="utf-8"))["datasets"][NAME]


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def uploaded_names(server: UdataServer) -> list[str]:
    """The file names of every upload the server received (either upload route)."""
    return [r["file"]["name"] for r in server.calls("POST", r"/upload/$") if "file" in r]


def test_dry_run_writes_the_requests_and_sends_nothing(tmp_path: Path, folder: Path, server: UdataServer) -> None:
    dataset, files = payload(folder)
    result = publisher(tmp_path / "state", server.api_url, dry_run=True).publish(NAME, dataset, files)
    assert server.requests == []
    assert not (tmp_path / "state" / "state.json").exists()
    assert result.dataset == "created" and result.dataset_id is None and result.requests == 5
    lines = [json.loads(line) for line in (tmp_path / "state" / "requests.jsonl").read_text().splitlines()]
    assert [(r["method"], r["path"], r["step"]) for r in lines] == [
        ("POST", "/datasets/", "create dataset"),
        ("POST", "/datasets/{dataset_id}/upload/", f"upload {NAME}.csv"),
        ("PUT", "/datasets/{dataset_id}/resources/{resource_id}/", f"describe {NAME}.csv"),
        ("POST", "/datasets/{dataset_id}/resources/", f"link {PARQUET}"),
        ("POST", "/datasets/{dataset_id}/resources/", f"link {README}")]
    assert lines[0]["json"] == dataset
    assert lines[1]["file"] == {"name": f"{NAME}.csv", "size": files[0].filesize,
                                "checksum": {"type": "sha256", "value": files[0].checksum}}
    assert lines[2]["json"]["title"] == "Effectifs (CSV)"


def test_dry_run_lists_the_link_requests(tmp_path: Path, folder: Path, server: UdataServer) -> None:
    dataset, files = payload(folder)
    publisher(tmp_path / "state", server.api_url, dry_run=True).publish(NAME, dataset, files)
    lines = [json.loads(line) for line in (tmp_path / "state" / "requests.jsonl").read_text().splitlines()]
    links = {r["step"]: r for r in lines if r["path"] == "/datasets/{dataset_id}/resources/"}
    assert set(links) == {f"link {PARQUET}", f"link {README}"}
    parquet = links[f"link {PARQUET}"]
    assert parquet["method"] == "POST" and "file" not in parquet
    assert parquet["json"] == {
        "title": "Effectifs (Parquet)", "description": "Effectifs (Parquet) : une ligne par groupe.", "type": "main",
        "filetype": "remote", "url": f"{BASE_URL}{NAME}/latest/{PARQUET}", "format": "parquet",
        "mime": "application/vnd.apache.parquet", "filesize": (folder / PARQUET).stat().st_size,
        "checksum": {"type": "sha256", "value": sha256_of(folder / PARQUET)}}
    assert links[f"link {README}"]["json"]["url"] == f"{BASE_URL}{NAME}/latest/{README}"
    assert links[f"link {README}"]["json"]["type"] == "documentation"
    assert not [r for r in lines if "file" in r and r["file"]["name"] in (PARQUET, README)]


def test_first_run_creates_the_dataset_and_its_resources(tmp_path: Path, folder: Path, server: UdataServer,
                                                         key: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, key)
    dataset, files = payload(folder)
    result = publisher(tmp_path / "state", server.api_url).publish(NAME, dataset, files)
    assert result.dataset == "created" and result.by_action("created") == sorted(f.key for f in files)
    assert len(server.calls("POST", r"^/api/1/datasets/$")) == 1
    assert uploaded_names(server) == [f"{NAME}.csv"] and len(server.calls("PUT", r"/resources/")) == 1
    assert len(server.calls("POST", LINKS)) == 2
    assert all(r["has_key"] for r in server.requests) and all(r["status"] < 400 for r in server.requests)
    online = server.datasets[result.dataset_id]
    assert online["license"] == "lov2" and online["frequency"] == "annual"
    by_title = {r["title"]: r for r in online["resources"]}
    assert set(by_title) == {"Effectifs (CSV)", "Effectifs (Parquet)", "Documentation"}
    assert by_title["Documentation"]["type"] == "documentation"
    assert by_title["Effectifs (CSV)"]["filetype"] == "file"
    saved = state_of(tmp_path / "state")
    # The server holds the very bytes of the hosted file (multipart parsed, nothing altered).
    assert list(server.files) == [saved["resources"][f"{NAME}.csv"]["id"]]
    assert server.files[saved["resources"][f"{NAME}.csv"]["id"]] == (folder / f"{NAME}.csv").read_bytes()
    assert saved["dataset_id"] == result.dataset_id
    assert {r["id"] for r in online["resources"]} == {entry["id"] for entry in saved["resources"].values()}


def test_parquet_and_readme_are_published_as_links_to_the_store(
        tmp_path: Path, folder: Path, server: UdataServer, key: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, key)
    result = publisher(tmp_path / "state", server.api_url).publish(NAME, *payload(folder))
    assert result.resources == {f"{NAME}.csv": "created", PARQUET: "created", README: "created"}
    links = server.calls("POST", LINKS)
    assert [r["status"] for r in links] == [201, 201]
    sent = {r["json"]["url"]: r["json"] for r in links}
    assert set(sent) == {f"{BASE_URL}{NAME}/latest/{PARQUET}", f"{BASE_URL}{NAME}/latest/{README}"}
    for file_name in (PARQUET, README):
        body = sent[f"{BASE_URL}{NAME}/latest/{file_name}"]
        assert body["filetype"] == "remote"
        assert body["checksum"] == {"type": "sha256", "value": sha256_of(folder / file_name)}
        assert body["filesize"] == (folder / file_name).stat().st_size
    assert PARQUET not in uploaded_names(server) and README not in uploaded_names(server)
    saved = state_of(tmp_path / "state")["resources"]
    online = {r["id"]: r for r in server.datasets[result.dataset_id]["resources"]}
    parquet = online[saved[PARQUET]["id"]]
    assert (parquet["filetype"], parquet["url"], parquet["format"]) == (
        "remote", f"{BASE_URL}{NAME}/latest/{PARQUET}", "parquet")
    assert parquet["checksum"] == {"type": "sha256", "value": sha256_of(folder / PARQUET)}
    readme = online[saved[README]["id"]]
    assert (readme["filetype"], readme["type"], readme["title"]) == ("remote", "documentation", "Documentation")
    assert saved[PARQUET]["sha256"] == sha256_of(folder / PARQUET)
    assert saved[README]["sha256"] == sha256_of(folder / README)


def test_unchanged_links_send_no_request(tmp_path: Path, folder: Path, server: UdataServer, key: str,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, key)
    first = publisher(tmp_path / "state", server.api_url).publish(NAME, *payload(folder))
    before = len(server.requests)
    second = publisher(tmp_path / "state", server.api_url).publish(NAME, *payload(folder))
    assert second.resources[PARQUET] == "skipped" and second.resources[README] == "skipped"
    assert not [r for r in server.requests[before:] if "/resources/" in r["path"] or "upload" in r["path"]]
    assert len(server.calls("POST", LINKS)) == 2
    assert len(server.datasets[first.dataset_id]["resources"]) == 3


def test_a_changed_parquet_updates_its_link_in_place(tmp_path: Path, folder: Path, server: UdataServer, key: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, key)
    first = publisher(tmp_path / "state", server.api_url).publish(NAME, *payload(folder))
    rid = state_of(tmp_path / "state")["resources"][PARQUET]["id"]
    old = sha256_of(folder / PARQUET)
    (folder / PARQUET).write_bytes(b"PAR1" + b"a new version of the table" * 10 + b"PAR1")
    new = sha256_of(folder / PARQUET)
    assert new != old
    before = len(server.requests)
    result = publisher(tmp_path / "state", server.api_url).publish(NAME, *payload(folder))  # rewrites the hash
    assert result.resources == {f"{NAME}.csv": "skipped", PARQUET: "updated", README: "skipped"}
    later = server.requests[before:]
    assert [(r["method"], r["path"], r["status"]) for r in later] == [
        ("PUT", f"/api/1/datasets/{first.dataset_id}/", 200),
        ("PUT", f"/api/1/datasets/{first.dataset_id}/resources/{rid}/", 200)]
    body = later[1]["json"]
    assert body["filetype"] == "remote" and body["url"] == f"{BASE_URL}{NAME}/latest/{PARQUET}"
    assert body["checksum"] == {"type": "sha256", "value": new}
    assert body["filesize"] == (folder / PARQUET).stat().st_size
    assert len(server.calls("POST", LINKS)) == 2 and PARQUET not in uploaded_names(server)
    online = next(r for r in server.datasets[first.dataset_id]["resources"] if r["id"] == rid)
    assert online["checksum"] == {"type": "sha256", "value": new}
    assert len(server.datasets[first.dataset_id]["resources"]) == 3
    saved = state_of(tmp_path / "state")["resources"][PARQUET]
    assert (saved["id"], saved["sha256"]) == (rid, new)


def test_a_link_deleted_online_is_published_anew_when_its_file_changes(tmp_path: Path, folder: Path,
                                                                        server: UdataServer, key: str,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, key)
    first = publisher(tmp_path / "state", server.api_url).publish(NAME, *payload(folder))
    rid = state_of(tmp_path / "state")["resources"][PARQUET]["id"]
    online = server.datasets[first.dataset_id]["resources"]
    online[:] = [r for r in online if r["id"] != rid]  # a steward deleted the link on data.gouv.fr
    (folder / PARQUET).write_bytes(b"PAR1" + b"changed after the deletion" * 10 + b"PAR1")
    result = publisher(tmp_path / "state", server.api_url).publish(NAME, *payload(folder))
    assert result.resources[PARQUET] == "created"
    assert len(server.calls("POST", LINKS)) == 3  # the two first links, then the Parquet's again
    saved = state_of(tmp_path / "state")["resources"][PARQUET]
    assert saved["id"] != rid and saved["sha256"] == sha256_of(folder / PARQUET)
    assert len(server.datasets[first.dataset_id]["resources"]) == 3


def test_second_run_updates_and_never_duplicates(tmp_path: Path, folder: Path, server: UdataServer, key: str,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, key)
    dataset, files = payload(folder)
    first = publisher(tmp_path / "state", server.api_url).publish(NAME, dataset, files)
    before = len(server.requests)
    second = publisher(tmp_path / "state", server.api_url).publish(NAME, dataset, files)
    later = server.requests[before:]
    assert [(r["method"], r["path"]) for r in later] == [("PUT", f"/api/1/datasets/{first.dataset_id}/")]
    assert second.dataset == "updated" and second.by_action("skipped") == sorted(f.key for f in files)
    assert len(server.datasets) == 1 and len(server.datasets[first.dataset_id]["resources"]) == 3
    # A new description only: the metadata is set again, the file is not sent.
    files[0] = dataclasses.replace(files[0], description="Une autre description du fichier CSV.")
    third = publisher(tmp_path / "state", server.api_url).publish(NAME, dataset, files)
    assert third.resources[files[0].key] == "updated" and not server.calls("POST", r"upload/$")[3:]


def test_a_changed_file_is_uploaded_again_on_its_resource(tmp_path: Path, folder: Path, server: UdataServer,
                                                          key: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, key)
    first = publisher(tmp_path / "state", server.api_url).publish(NAME, *payload(folder))
    rid = state_of(tmp_path / "state")["resources"][f"{NAME}.csv"]["id"]
    (folder / f"{NAME}.csv").write_text("annee,diplome,effectif\n2025,licence,1300\n", encoding="utf-8")
    result = publisher(tmp_path / "state", server.api_url).publish(NAME, *payload(folder))
    assert result.resources == {f"{NAME}.csv": "replaced", f"{NAME}.parquet": "skipped", "README.md": "skipped"}
    assert [r["path"] for r in server.calls("POST", r"upload/$")][-1] == \
        f"/api/1/datasets/{first.dataset_id}/resources/{rid}/upload/"
    resource = next(r for r in server.datasets[first.dataset_id]["resources"] if r["id"] == rid)
    assert resource["title"] == "Effectifs (CSV)"  # udata renames it after the file; the PUT restores it
    assert server.files[rid] == (folder / f"{NAME}.csv").read_bytes()
    assert len(server.datasets[first.dataset_id]["resources"]) == 3


def test_a_resource_deleted_online_is_uploaded_anew(tmp_path: Path, folder: Path, server: UdataServer, key: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, key)
    first = publisher(tmp_path / "state", server.api_url).publish(NAME, *payload(folder))
    server.datasets[first.dataset_id]["resources"] = []
    (folder / f"{NAME}.csv").write_text("annee,diplome,effectif\n2025,master,80\n", encoding="utf-8")
    result = publisher(tmp_path / "state", server.api_url).publish(NAME, *payload(folder))
    assert result.resources[f"{NAME}.csv"] == "created"
    assert [r["title"] for r in server.datasets[first.dataset_id]["resources"]] == ["Effectifs (CSV)"]


def test_a_failing_upload_is_retried_then_succeeds(tmp_path: Path, folder: Path, server: UdataServer, key: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, key)
    server.fail_next_uploads(2)
    result = publisher(tmp_path / "state", server.api_url, retries=2).publish(NAME, *payload(folder))
    uploads = server.calls("POST", r"/upload/$")
    assert [(r["file"]["name"], r["status"]) for r in uploads] == [(f"{NAME}.csv", 500)] * 2 + [(f"{NAME}.csv", 201)]
    assert result.by_action("created") == sorted([f"{NAME}.csv", PARQUET, README])
    assert len(server.datasets[result.dataset_id]["resources"]) == 3
    assert server.files[state_of(tmp_path / "state")["resources"][f"{NAME}.csv"]["id"]] == \
        (folder / f"{NAME}.csv").read_bytes()


def test_a_file_online_but_not_described_is_not_marked_published(
        tmp_path: Path, folder: Path, server: UdataServer, key: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, key)
    server.fail_next_describes(1000)
    with pytest.raises(DatagouvError, match=r"describe effectifs_etudiants\.csv.*HTTP 500"):
        publisher(tmp_path / "state", server.api_url).publish(NAME, *payload(folder))
    pending = state_of(tmp_path / "state")["resources"]
    csv = pending[f"{NAME}.csv"]
    assert csv["id"] and csv["sha256"] is None  # kept: no duplicate, but not marked published
    assert pending[PARQUET]["sha256"] == sha256_of(folder / PARQUET)  # the links need no describe
    server.fail_next_describes(0)
    result = publisher(tmp_path / "state", server.api_url).publish(NAME, *payload(folder))
    assert result.resources == {f"{NAME}.csv": "replaced", PARQUET: "skipped", README: "skipped"}
    assert len(server.calls("POST", r"^/api/1/datasets/[0-9a-f]{24}/upload/$")) == 1
    assert server.calls("POST", r"/upload/$")[-1]["path"].endswith(f"/resources/{csv['id']}/upload/")
    assert len(server.calls("POST", LINKS)) == 2
    assert len(server.datasets[result.dataset_id]["resources"]) == 3
    assert state_of(tmp_path / "state")["resources"][f"{NAME}.csv"]["sha256"] == sha256_of(folder / f"{NAME}.csv")


def test_a_failing_upload_raises_keeps_state_clean_and_the_key_secret(
        tmp_path: Path, folder: Path, server: UdataServer, key: str, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv(KEY_ENV, key)
    caplog.set_level(logging.DEBUG)
    state = tmp_path / "state"
    publisher(state, server.api_url, dry_run=True).publish(NAME, *payload(folder))
    server.fail_next_uploads(1000)
    with pytest.raises(DatagouvError) as failure:
        publisher(state, server.api_url, retries=2).publish(NAME, *payload(folder))
    message = str(failure.value)
    assert NAME in message and f"upload {NAME}.csv" in message and "HTTP 500 after 3 attempt(s)" in message
    assert uploaded_names(server) == [f"{NAME}.csv"] * 3  # the one hosted file, three attempts
    saved = state_of(state)
    # The CSV is not recorded; the links, which did succeed, are (with their checksum).
    assert saved["dataset_id"] and set(saved["resources"]) == {PARQUET, README}
    assert saved["resources"][PARQUET]["sha256"] == sha256_of(folder / PARQUET)
    texts = [p.read_text(encoding="utf-8") for p in state.rglob("*") if p.is_file()]
    assert len(texts) >= 2  # state.json and requests.jsonl at least
    for text in (*texts, message, repr(failure.value), caplog.text,
                 str(failure.value.__cause__), str(failure.value.__context__)):
        assert key not in text
    server.fail_next_uploads(0)
    result = publisher(state, server.api_url).publish(NAME, *payload(folder))
    assert result.resources == {f"{NAME}.csv": "created", PARQUET: "skipped", README: "skipped"}
    assert len(server.calls("POST", LINKS)) == 2 and len(server.datasets[result.dataset_id]["resources"]) == 3


def test_a_refused_extension_is_not_retried(tmp_path: Path, folder: Path, server: UdataServer, key: str,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, key)
    # An instance narrower than udata's defaults: it refuses txt, one of the formats we upload.
    server.allowed_extensions.discard("txt")
    notes = folder / "notes.txt"
    notes.write_text("Notes de version.\n", encoding="utf-8")
    extra = ResourceFile(title="Notes", description="Notes de version.", path=notes, format="txt",
                         mime="text/plain", type="documentation", checksum=sha256_of(notes),
                         filesize=notes.stat().st_size, url=f"{BASE_URL}{NAME}/latest/notes.txt")
    assert not extra.remote
    dataset, files = payload(folder)
    with pytest.raises(DatagouvError, match=r"upload notes\.txt.*HTTP 400 after 1 attempt"):
        publisher(tmp_path / "state", server.api_url, retries=2).publish(NAME, dataset, [*files, extra])
    assert [r["status"] for r in server.calls("POST", r"/upload/$") if r["file"]["name"] == "notes.txt"] == [400]
    assert set(state_of(tmp_path / "state")["resources"]) == {f"{NAME}.csv", PARQUET, README}


def test_an_invalid_payload_names_the_refused_fields(tmp_path: Path, folder: Path, server: UdataServer, key: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, key)
    dataset, files = payload(folder)
    with pytest.raises(DatagouvError, match=r"create dataset.*HTTP 400.*fields refused: frequency, license"):
        publisher(tmp_path / "state", server.api_url).publish(
            NAME, {**dataset, "license": "etalab-2.0", "frequency": "yearly"}, files)
    assert not (tmp_path / "state" / "state.json").exists()


def test_a_missing_key_is_named_when_publishing(tmp_path: Path, folder: Path, server: UdataServer,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    resource = publisher(tmp_path / "state", server.api_url)  # configuring it needs no key
    with pytest.raises(ConfigurationError, match=KEY_ENV):
        resource.publish(NAME, *payload(folder))
    assert server.requests == []


def test_a_file_not_matching_its_checksum_is_not_sent(tmp_path: Path, folder: Path, server: UdataServer) -> None:
    dataset, files = payload(folder)
    (folder / "README.md").write_text("changed after the datapackage was written\n", encoding="utf-8")
    with pytest.raises(DatagouvError, match="README.md does not match its declared SHA-256"):
        publisher(tmp_path / "state", server.api_url, dry_run=True).publish(NAME, dataset, files)
    assert not (tmp_path / "state" / "requests.jsonl").exists()


def test_udata_payload_uses_udata_ids(folder: Path) -> None:
    dataset, files = payload(folder, national_schema="scdl-subventions-2.1.1", frequency="biannual")
    assert dataset["license"] == "lov2" and dataset["frequency"] == "semiannual"  # a legacy id, mapped
    assert dataset["spatial"] == {"zones": ["fr:departement:75"], "granularity": "poi"}
    assert dataset["tags"] == ["etudiants", "enseignement-superieur"]  # udata slugs; "ue" is too short
    assert dataset["organization"] == ORG and dataset["private"] is False
    assert [(f.type, f.schema) for f in files] == [
        ("main", {"name": "scdl/subventions", "version": "2.1.1"}), ("main", None), ("documentation", None)]
    assert files[0].url == f"{BASE_URL}{NAME}/latest/{NAME}.csv"
    assert [(f.key, f.remote) for f in files] == [(f"{NAME}.csv", False), (PARQUET, True), (README, True)]
    with pytest.raises(ConfigurationError, match="24 hex"):
        udata_payload(write_package(folder), "universite-exemple", BASE_URL)
    with pytest.raises(ConfigurationError, match="frequency"):
        payload(folder, frequency="yearly")


def _criteria(folder: Path, now: dt.datetime | None = None, **changes: Any) -> dict[str, bool]:
    dataset, files = payload(folder)
    resources = [dataclasses.asdict(f) for f in files]
    return score({**dataset, **changes}, resources, now or dt.datetime(2025, 1, 16, tzinfo=dt.UTC))


def test_a_complete_payload_meets_the_ten_criteria(folder: Path) -> None:
    criteria = _criteria(folder)
    assert set(criteria) == set(CRITERIA) and total(criteria) == 10 and udata_score(criteria) == 1.0


@pytest.mark.parametrize(("changes", "missed"), [
    ({"description": "x" * 100}, {"dataset_description_quality"}),  # udata wants strictly more than 100
    ({"frequency": None}, {"update_frequency", "update_fulfilled_in_time"}),
    ({"frequency": "unknown"}, {"update_frequency", "update_fulfilled_in_time"}),
    ({"frequency": "daily", "last_update": "2025-01-10T00:00:00"}, {"update_fulfilled_in_time"}),
    ({"frequency": "irregular", "last_update": "2001-01-01"}, set()),  # no delay expected
    ({"license": None}, {"license"}),
    ({"temporal_coverage": None}, {"temporal_coverage"}),
    ({"spatial": None}, {"spatial"}),
])
def test_missing_metadata_costs_points(folder: Path, changes: dict[str, Any], missed: set[str]) -> None:
    criteria = _criteria(folder, **changes)
    assert {name for name, met in criteria.items() if not met} == missed
    assert total(criteria) == 10 - len(missed)


def test_resource_criteria_follow_udata(folder: Path) -> None:
    dataset, files = payload(folder)
    now = dt.datetime(2025, 1, 16)
    assert total(score(dataset, [], now)) == 6  # has_resources gates the three resource criteria
    closed = [{"format": "xlsx", "description": "Tableau", "type": "main"}, {"format": None, "type": "main"}]
    assert not score(dataset, closed, now)["has_open_format"]
    one_described = [{"format": "csv", "type": "main", "description": "Le fichier"}, {"format": "csv", "type": "main"}]
    assert score(dataset, one_described, now)["resources_documentation"]  # one description suffices
    assert not score(dataset, [{"format": "csv", "type": "main", "description": ""}], now)["resources_documentation"]
    gone = [dataclasses.asdict(f) for f in files]
    (folder / "README.md").unlink()
    assert not score(dataset, gone, now)["all_resources_available"]
    remote = [{"format": "csv", "filetype": "remote", "url": "https://x.example/a.csv",
               "extras": {"check:available": False}}]
    assert not score(dataset, remote, now)["all_resources_available"]

"""Every published file's metadata names the establishment as the ministry's files do: UAI, SIREN, Paysage, ROR..."""

from __future__ import annotations

import datetime as dt

from anonymisation.policy_model import Column, Policy
from resources.publishing.metadata import Producer, VersionInfo, datapackage, table_schema
from resources.publishing.readme import readme

IDS = {"paysage": "dEm0A", "ror": "0xd3m0064", "wikidata": "Q999999901", "eter": "FR9901"}
PRODUCER = Producer("Université de Démonstration", "19759000300012", "0759000A", "opendata@example.org",
                    "6a1f0c2e9b3d4e5f60718293", "https://data.example.org/", identifiers=IDS)
POLICY = Policy(
    dataset="effectifs", domain="students", title="Effectifs", description="Étudiants inscrits.",
    legal_basis="CRPA L312-1-2", frequency="annual", builder="effectifs_etudiants",
    inputs=("students.inscriptions",), kind="aggregate", exception=None, hash="sha256:0",
    columns=(Column("rentree", "keep", "year", "Année de rentrée.", "inscriptions.annee_universitaire",
                    role="dimension", required=True),
             Column("effectif", "count", "integer", "Nombre d'étudiants.", role="measure")),
)
INFO = VersionInfo(day=dt.date(2026, 12, 5), created=dt.datetime(2026, 12, 5, 4, tzinfo=dt.UTC), rows=3,
                   years=(2025,), academic=True)


def test_the_datapackage_carries_every_identifier_and_the_pages_that_have_one() -> None:
    package = datapackage(POLICY, PRODUCER, INFO, [])
    producer = package["x_opendata"]["producer"]
    assert producer["identifiers"] == {"uai": "0759000A", "siret": "19759000300012", "siren": "197590003", **IDS}
    assert producer["pages"] == {"ror": "https://ror.org/0xd3m0064",
                                 "wikidata": "https://www.wikidata.org/entity/Q999999901",
                                 "paysage": "https://paysage.enseignementsup-recherche.gouv.fr/structures/dEm0A"}
    assert package["contributors"][0]["path"] == "https://ror.org/0xd3m0064"


def test_without_identifiers_the_registers_ids_remain_and_no_page_is_invented() -> None:
    bare = Producer(PRODUCER.name, PRODUCER.siret, PRODUCER.uai, PRODUCER.contact, PRODUCER.datagouv_organization,
                    PRODUCER.public_base_url)
    package = datapackage(POLICY, bare, INFO, [])
    assert package["x_opendata"]["producer"]["identifiers"] == {"uai": "0759000A", "siret": "19759000300012",
                                                                "siren": "197590003"}
    assert package["x_opendata"]["producer"]["pages"] == {} and "path" not in package["contributors"][0]


def test_the_readme_producer_lines_give_the_identifiers_with_their_links() -> None:
    text = readme(POLICY, PRODUCER, INFO, table_schema(POLICY), ["effectifs.csv"])
    head = text.split("## Fichiers")[0]
    assert "- Producteur: Université de Démonstration (SIRET 19759000300012, UAI 0759000A)" in head
    assert ("- Identifiants de l'établissement: SIREN 197590003, "
            "Paysage [dEm0A](https://paysage.enseignementsup-recherche.gouv.fr/structures/dEm0A), "
            "ROR [0xd3m0064](https://ror.org/0xd3m0064), "
            "Wikidata [Q999999901](https://www.wikidata.org/entity/Q999999901), ETER FR9901") in head


def test_the_producer_stays_hashable_with_its_identifiers() -> None:
    assert hash(PRODUCER) == hash(Producer(*[getattr(PRODUCER, f) for f in (
        "name", "siret", "uai", "contact", "datagouv_organization", "public_base_url")]))

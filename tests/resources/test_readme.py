"""The README's "what was withheld" section carries the utility figures, and a table of the exact totals."""

from __future__ import annotations

import dataclasses
import datetime as dt

from anonymisation.policy_model import Column, Policy
from anonymisation.utility import PERSONS, measure
from resources.publishing.metadata import Producer, VersionInfo, table_schema
from resources.publishing.readme import TOTALS_SHOWN, readme

PRODUCER = Producer("Université de Démonstration", "19759000300012", "0759999A", "opendata@example.org",
                    "universite-demo", "https://data.example.org/")
# A tiny aggregate written here: the README is about the report's figures, not about a reviewed policy.
POLICY = Policy(
    dataset="effectifs", domain="students", title="Effectifs", description="Étudiants inscrits.",
    legal_basis="CRPA L312-1-2", frequency="annual", builder="effectifs_etudiants",
    inputs=("students.inscriptions",), kind="aggregate", exception=None, hash="sha256:0",
    columns=(Column("rentree", "keep", "year", "Année de rentrée.", "inscriptions.annee_universitaire",
                    role="dimension", required=True),
             Column("effectif", "count", "integer", "Nombre d'étudiants.", role="measure"),
             Column("effectif_statut", "status", "string", "Statut.", role="measure", required=True)),
)


def _readme(anonymisation: dict) -> str:
    policy = POLICY
    info = VersionInfo(day=dt.date(2026, 12, 5), created=dt.datetime(2026, 12, 5, 4, tzinfo=dt.UTC), rows=3,
                       years=(2025,), academic=True, anonymisation=anonymisation)
    return readme(policy, PRODUCER, info, table_schema(policy), ["effectifs_etudiants.csv"])


def _section(text: str, title: str) -> str:
    start = text.index(f"## {title}")
    end = text.find("\n## ", start + 3)
    return text[start:] if end < 0 else text[start:end]


def test_the_withheld_section_gives_the_utility_figures() -> None:
    kept = measure([987, 13], [False, True], unit=PERSONS, totals_exact=True)
    withheld = _section(_readme({"withheld": {"effectif_faible": 1}, "utility": kept.as_dict()}),
                        "Ce qui a été retiré, et pourquoi")
    assert ("- Ce qui reste aux réutilisateurs: 50,0 % des cellules publiées (1 sur 2), qui comptent 98,7 % des "
            "personnes; totaux par année exacts.") in withheld


def test_the_totals_table_lists_each_total() -> None:
    totals = [{"by": {"rentree": 2024}, "measure": "effectif", "value": 1961},
              {"by": {"rentree": 2025}, "measure": "effectif", "value": 2012}]
    section = _section(_readme({"totals": totals}), "Totaux")
    assert "| `rentree` | mesure | valeur |\n|---|---|---|\n| 2024 | `effectif` | 1\u00a0961 |\n| 2025 | `effectif` | 2\u00a0012 |" in section
    assert "datapackage.json" not in section


def test_a_long_list_of_totals_is_cut_and_says_where_the_rest_is() -> None:
    totals = [{"by": {"rentree": 2000 + i % 5, "code_diplome": f"D{i}"}, "measure": "effectif", "value": i}
              for i in range(TOTALS_SHOWN + 7)]
    section = _section(_readme({"totals": totals}), "Totaux")
    assert section.count("| `effectif` |") == TOTALS_SHOWN
    assert "Les 7 autres totaux sont dans `datapackage.json` (`x_opendata.anonymisation.totals`)." in section


def test_without_utility_nor_totals_the_readme_says_nothing_of_them() -> None:
    text = _readme({"withheld": {"effectif_faible": 4}})
    assert "## Totaux" not in text and "réutilisateurs" not in text


def test_the_texts_a_policy_encodes_are_listed_with_whether_they_were_read() -> None:
    """A reuser sees which rule was read in its official source and which only in secondary publications."""
    texts = {"seuil": "Décret 2023-1136, art. 1. Lu.", "bareme": "Tranches non lues. À vérifier sur le texte."}
    policy = dataclasses.replace(POLICY, settings={"sources_texte": texts})
    info = VersionInfo(day=dt.date(2026, 12, 5), created=dt.datetime(2026, 12, 5, 4, tzinfo=dt.UTC), rows=3,
                       years=(2025,), academic=True, anonymisation={})
    section = _section(readme(policy, PRODUCER, info, table_schema(policy), ["effectifs.csv"]),
                       "Textes appliqués et leur vérification")
    assert "- **seuil**: Décret 2023-1136, art. 1. Lu.\n- **bareme**: Tranches non lues. À vérifier sur le texte." \
        in section
    assert "## Textes appliqués" not in _readme({})

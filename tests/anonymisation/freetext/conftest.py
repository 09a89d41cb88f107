"""Shared fixtures: one real French analyzer per test session, the steward's public names, generator texts.

spaCy's model takes seconds to load: the scanner fixture is session-wide
and the engine is cached per process, so every test reuses it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from anonymisation.freetext import FreeTextScanner

ROOT = Path(__file__).resolve().parents[3]
# Persons of the sources with no publication exception, in the spellings sources use.
DENY = [("Jean", "Dupont"), ("Jean-Pierre", "Le Gall"), ("Éloïse", "Martin-Lefèvre"), ("Marie", "Curie"),
        ("Karim", "Benali")]
FREE_TEXT_COLUMNS = {
    "students": [("commentaires", "texte"), ("inscriptions", "commentaire_interne")],
    "finance": [("marches", "objet"), ("subventions", "objet"), ("subventions", "conditions_versement")],
    "hr": [("fonctions", "libelle_fonction"), ("structures", "libelle")],
}


@pytest.fixture(scope="session")
def public_names() -> list[str]:
    return yaml.safe_load((ROOT / "config" / "public_names.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def scanner(public_names: list[str]) -> FreeTextScanner:
    return FreeTextScanner(DENY, public_names)


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> sa.Engine:
    """The small synthetic sources of the three systems in one SQLite file."""
    from pipelines.synthetic.generate import generate

    url = f"sqlite:///{tmp_path_factory.mktemp('sources') / 'sources.sqlite'}"
    for system in FREE_TEXT_COLUMNS:
        generate(url, system, "small", replace=True, progress=False)
    return sa.create_engine(url)


@pytest.fixture(scope="session")
def generator_texts(generated: sa.Engine) -> list[str]:
    """Every distinct free text of the small synthetic sources, in a stable order."""
    texts: set[str] = set()
    with generated.connect() as conn:
        for columns in FREE_TEXT_COLUMNS.values():
            for table, column in columns:
                rows = conn.execute(sa.select(sa.column(column)).select_from(sa.table(table)))
                texts.update(value for (value,) in rows if value)
    return sorted(texts)


@pytest.fixture(scope="session")
def generator_people(generated: sa.Engine) -> list[tuple[str, str]]:
    """(first name, surname) of every agent and student of the small sources, usual names included."""
    people: list[tuple[str, str]] = []
    with generated.connect() as conn:
        for table in ("agents", "etudiants"):
            for first, last, usual in conn.execute(
                    sa.select(sa.column("prenom"), sa.column("nom"), sa.column("nom_usage")).select_from(
                        sa.table(table))):
                people.append((first, last))
                if usual:
                    people.append((first, usual))
    return people

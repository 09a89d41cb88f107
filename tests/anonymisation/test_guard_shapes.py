"""The leak guard's second line: person-shaped text blocks a dataset even when the sources do not know the person."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pandas as pd
import pytest

from anonymisation.freetext.addresses import PublicAddresses
from anonymisation.freetext.names import PublicNames
from anonymisation.guard import AcceptedFinding, IdentifierIndex, scan_frame
from anonymisation.guard_shapes import PersonShapes
from anonymisation.review_page import review_dir, write_review_page

KEY = bytes(range(32))
SHAPES = PersonShapes(PublicNames(["Jean Perrin"]), PublicAddresses(["621 avenue Centrale, 38400 Saint-Martin-d'Hères"]))


@pytest.mark.parametrize("text, rule", [
    ("Contact technique : Solène Quenardel.", "shape:PERSONNE"),
    ("Dossier de QUENARDEL Marie.", "shape:PERSONNE"),
    ("Avis de Mme Quenardel.", "shape:PERSONNE"),
    ("Courrier au 12 bis rue des Lilas, 38000 Grenoble.", "shape:ADRESSE"),
    ("Étudiante née le 12/03/2001.", "shape:DATE_NAISSANCE"),
])
def test_person_shapes_are_found(text: str, rule: str) -> None:
    assert [r for r, _, _ in SHAPES.find(text)] == [rule]


@pytest.mark.parametrize("text", [
    "Stage au laboratoire Jean Perrin ; contact : [PERSONNE], [TELEPHONE].",
    "Hommage à Jean Perrin.", "Résidence Albert Camus ; prix Irène Joliot-Curie.",
    "Marché attribué à Dupuis Frères SARL et Antoine Martins S.A.R.L.",
    "Séminaire au 621 avenue Centrale, 38400 Saint-Martin-d'Hères le 12 mars 2025.",
    "Madame la Présidente de l'université.", "Master Économie du développement",
])
def test_what_is_not_a_person_passes(text: str) -> None:
    assert SHAPES.find(text) == []


def test_a_shape_blocks_the_dataset_until_the_dpo_accepts_it(tmp_path: Path) -> None:
    index = IdentifierIndex(KEY)
    frame = pd.DataFrame({"nom": ["Quenardel", "Dupuis"], "objet": ["Achat ; contact : Solène Quenardel", "Achat"]})
    found = scan_frame(frame, "marches_publics", index, key_columns=[], shapes=SHAPES, skip_columns=())
    assert [(f.column, f.rule, f.row_key) for f in found] == [("objet", "shape:PERSONNE", "0")]
    message = found[0].message()
    assert "Quenardel" not in message and "Solène" not in message and "row 0" in message
    # The DPO reads the text on a private page, outside the store, and accepts it by its hash.
    page = write_review_page(review_dir(tmp_path / "staging", dt.date(2026, 12, 4)), "marches_publics", frame, found,
                             index)
    assert page is not None and "Solène Quenardel" in page.read_text(encoding="utf-8")
    assert os.stat(page).st_mode & 0o077 == 0 and os.stat(page.parent).st_mode & 0o077 == 0
    accepted = [AcceptedFinding("marches_publics", "objet", "shape:PERSONNE", found[0].value_hash, "DPO",
                                dt.date(2026, 12, 4), "nom d'une entreprise")]
    assert scan_frame(frame, "marches_publics", index, key_columns=[], shapes=SHAPES, accepted=accepted) == []
    assert write_review_page(page.parent, "marches_publics", frame, [], index) is None and not page.exists()


def test_a_nominative_column_is_not_searched() -> None:
    frame = pd.DataFrame({"nom": ["Quenardel"], "prenom": ["Ysoline"], "fonction": ["Président de Mme Quenardel"]})
    found = scan_frame(frame, "annuaire", IdentifierIndex(KEY), key_columns=[], shapes=SHAPES,
                       skip_columns=("nom", "prenom"))
    assert [(f.column, f.rule) for f in found] == [("fonction", "shape:PERSONNE")]

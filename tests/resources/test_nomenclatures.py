"""The reviewed nomenclature files: their rules, their links to one another, and the loader's errors."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipelines.synthetic import hr, students
from pipelines.synthetic.context import Context
from pipelines.synthetic.ref_hr import BAP_SHARES
from resources.common.institution import config_dir
from resources.common.nomenclatures import REQUIRED, NomenclatureError, codes, labels, nomenclature_path, table


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_every_file_loads_with_its_columns_and_one_row_per_code(name: str) -> None:
    frame = table(name)
    assert set(REQUIRED[name]) <= set(frame.columns)
    assert frame["code"].is_unique and (frame["code"] != "").all() and len(frame) > 0
    assert all(frame[c].map(type).eq(str).all() for c in frame.columns)
    assert (frame["libelle"] != "").all()


def test_the_folder_holds_only_known_nomenclatures_and_their_readme() -> None:
    folder = config_dir() / "nomenclatures"
    assert {p.stem for p in folder.glob("*.csv")} == set(REQUIRED)
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert all(f"`{name}.csv`" in readme for name in REQUIRED)


def test_codes_keep_their_leading_zeros_and_empty_cells_are_empty_strings() -> None:
    assert labels("discipline_sise")["01"] == "Droit, sciences politiques"
    assert table("classe_age").set_index("code").loc["56+", "max_age"] == ""
    assert "01" in codes("sections_cnu") and "1" not in codes("sections_cnu")


def test_every_discipline_has_a_group_and_every_sector_a_discipline() -> None:
    groups, disciplines = codes("groupe_discipline_sise"), codes("discipline_sise")
    assert set(table("discipline_sise")["groupe"]) <= groups
    assert set(table("secteur_disciplinaire_sise")["discipline"]) <= disciplines


def test_every_diploma_type_and_level_has_its_cursus() -> None:
    cursus = codes("cursus_lmd")
    assert cursus == {"L", "M", "D"}
    assert set(table("type_diplome_sise")["cursus_lmd"]) <= cursus
    levels = table("niveau")
    assert set(levels["cursus_lmd"]) <= cursus
    assert all(code[0] == lmd for code, lmd in zip(levels["code"], levels["cursus_lmd"], strict=True))


def test_the_types_named_by_the_reference_are_there() -> None:
    types = table("type_diplome_sise").set_index("code")
    assert types.loc["XA", "cursus_lmd"] == "L" and types.loc["DP", "cursus_lmd"] == "L"
    assert types.loc["XB", "cursus_lmd"] == "M" and types.loc["YB", "cursus_lmd"] == "D"


def test_corps_describe_staff_type_category_and_filiere_consistently() -> None:
    corps = table("corps")
    assert set(corps["type_personnel"]) == {"enseignant", "BIATSS"}
    assert set(corps["categorie"]) <= {"A", "B", "C", ""}
    assert {"PR", "MCF", "IGR", "IGE", "ASI", "TECH", "ADJT", "CONTRACTUEL"} <= set(corps["code"])
    filieres = corps.loc[corps["filiere"] != "", ["filiere", "filiere_lib"]].drop_duplicates()
    assert filieres["filiere"].is_unique and (filieres["filiere_lib"] != "").all()
    assert (corps.loc[corps["type_personnel"] == "enseignant", "filiere"] == "").all()


def test_bap_are_the_eight_branches_of_referens_iii() -> None:
    assert codes("bap") == set("ABCDEFGJ")


def test_age_classes_are_contiguous_and_only_the_last_is_open() -> None:
    ages = table("classe_age")
    low, high = ages["min_age"].astype(int).tolist(), ages["max_age"].tolist()
    assert high[-1] == "" and all(h != "" for h in high[:-1])
    assert all(int(h) + 1 == nxt for h, nxt in zip(high[:-1], low[1:], strict=True))


def test_cnu_sections_are_two_digits_and_each_group_has_one_label() -> None:
    sections = table("sections_cnu")
    assert all(re.fullmatch(r"\d{2}", c) for c in sections["code"])
    assert sections.groupby("groupe")["groupe_lib"].nunique().eq(1).all()
    assert labels("sections_cnu")["27"] == "Informatique"


@pytest.fixture
def config_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the configuration folder, read instead of the repository's."""
    target = tmp_path / "config"
    shutil.copytree(config_dir() / "nomenclatures", target / "nomenclatures")
    monkeypatch.setenv("OPENDATA_CONFIG_DIR", str(target))
    return target / "nomenclatures"


def test_a_missing_file_is_refused_naming_it(config_copy: Path) -> None:
    (config_copy / "bap.csv").unlink()
    with pytest.raises(NomenclatureError, match=r"nomenclature 'bap': file .*bap\.csv does not exist"):
        labels("bap")


def test_a_duplicate_code_is_refused_naming_file_code_and_rule(config_copy: Path) -> None:
    path = config_copy / "cursus_lmd.csv"
    path.write_text(path.read_text(encoding="utf-8") + "L,Licence bis\n", encoding="utf-8")
    with pytest.raises(NomenclatureError, match=r"cursus_lmd.*cursus_lmd\.csv lists code\(s\) L more than once "
                                                r"\(rule: one row per code\)"):
        table("cursus_lmd")


def test_a_missing_required_column_is_refused_naming_it(config_copy: Path) -> None:
    (config_copy / "discipline_sise.csv").write_text("code,libelle\n01,Droit\n", encoding="utf-8")
    with pytest.raises(NomenclatureError, match=r"discipline_sise\.csv lacks column\(s\) groupe"):
        table("discipline_sise")


def test_a_row_without_code_is_refused(config_copy: Path) -> None:
    (config_copy / "bap.csv").write_text("code,libelle\n,Sans code\n", encoding="utf-8")
    with pytest.raises(NomenclatureError, match=r"bap.*row without a code"):
        codes("bap")


def test_the_file_is_read_from_the_configured_folder(config_copy: Path) -> None:
    (config_copy / "bap.csv").write_text("code,libelle\nA,Autre libellé\n", encoding="utf-8")
    assert nomenclature_path("bap") == config_copy / "bap.csv"
    assert labels("bap") == {"A": "Autre libellé"}


def test_callers_cannot_change_the_cached_copy() -> None:
    frame, mapping = table("bap"), labels("bap")
    frame.loc[0, "libelle"], mapping["A"] = "changé", "changé"
    assert table("bap").loc[0, "libelle"] != "changé" and labels("bap")["A"] != "changé"


@pytest.fixture(scope="module")
def generated() -> dict[str, pd.DataFrame]:
    """The synthetic sources' coded tables, generated in memory at small scale."""
    ctx = Context(20161007, "small", dt.date(2025, 3, 14))
    wanted = {"diplomes", "inscriptions", "situations"}
    out = {}
    for build in (students.build, hr.build):
        for table_output in build(ctx):
            if table_output.name in wanted:
                out[table_output.name] = pd.concat(list(table_output.chunks), ignore_index=True)
    return out


def _present(values: pd.Series) -> set[str]:
    return {str(v) for v in values.dropna() if str(v) != ""}


def test_every_diploma_code_the_generator_writes_has_its_label(generated: dict[str, pd.DataFrame]) -> None:
    diplomas = generated["diplomes"]
    assert _present(diplomas["type_diplome_sise"]) <= codes("type_diplome_sise")
    assert _present(diplomas["code_discipline"]) <= codes("discipline_sise")
    assert _present(diplomas["secteur_disciplinaire"]) <= codes("secteur_disciplinaire_sise")
    sector_discipline = table("secteur_disciplinaire_sise").set_index("code")["discipline"]
    assert (diplomas["secteur_disciplinaire"].map(sector_discipline) == diplomas["code_discipline"]).all()
    # N_DIPLOME_SISE shape: 7 digits, 1 for the licence cursus, 2 for masters, 42 for doctorates.
    cursus = diplomas["type_diplome_sise"].map(table("type_diplome_sise").set_index("code")["cursus_lmd"])
    first = {"L": ("1",), "M": ("2",), "D": ("42",)}
    assert diplomas["code_diplome"].str.fullmatch(r"\d{7}").all()
    assert all(code.startswith(first[lmd]) for code, lmd in zip(diplomas["code_diplome"], cursus, strict=True))


def test_every_enrolment_code_the_generator_writes_has_its_label(generated: dict[str, pd.DataFrame]) -> None:
    enrolments = generated["inscriptions"]
    assert _present(enrolments["niveau"]) == codes("niveau")
    assert _present(enrolments["code_discipline"]) <= codes("discipline_sise")
    assert _present(enrolments["secteur_disciplinaire"]) <= codes("secteur_disciplinaire_sise")
    sector = enrolments["secteur_disciplinaire"].astype("str")
    known = enrolments["secteur_disciplinaire"].notna()
    sector_discipline = table("secteur_disciplinaire_sise").set_index("code")["discipline"]
    assert (sector[known].map(sector_discipline) == enrolments.loc[known, "code_discipline"].astype("str")).all()


def test_every_staff_code_the_generator_writes_has_its_label(generated: dict[str, pd.DataFrame]) -> None:
    situations = generated["situations"]
    assert _present(situations["corps"]) == codes("corps")
    assert _present(situations["section_cnu"]) <= codes("sections_cnu")
    assert _present(situations["bap"]) <= codes("bap")
    # Exactly the ITRF agents have a BAP, and the branches are spread as in a university (several of them).
    itrf = set(table("corps").query("filiere == 'ITRF'")["code"])
    has_bap = situations["bap"].notna()
    assert (has_bap == situations["corps"].isin(itrf)).all()
    assert len(_present(situations["bap"])) >= 6
    assert set(BAP_SHARES) == itrf

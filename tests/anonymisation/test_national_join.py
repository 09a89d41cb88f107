"""Our headline enrolment table joins the ministry's: a sample written in the national file's layout
(legal-and-standards.md section 8, fr-esr-sise-effectifs-d-etudiants-inscrits-esr-public), put under our
published file, gives one label per code in every code column, and every code we publish is in its BCN
nomenclature."""

from __future__ import annotations

import pandas as pd
import pytest

from resources.common.nomenclatures import codes

DATASET = "effectifs_etudiants"
# The national file's columns (section 8), codes beside labels.
NATIONAL = ["rentree", "rentree_lib", "etablissement_id_paysage", "etablissement_lib", "identifiant_eter", "bac_lib",
            "attrac_intern_lib", "dn_de_lib", "typ_diplome", "typ_diplome_lib", "cursus_lmd", "cursus_lmd_lib",
            "diplome", "diplome_lib", "niveau", "niveau_lib", "gd_disciscipline", "gd_disciscipline_lib", "discipline",
            "discipline_lib", "sect_disciplinaire", "sect_disciplinaire_lib", "sexe", "effectif"]
# A few rows as another university appears in the national file: written by hand from the codes the
# ministry's files use (types XA, XB, DP, YB; cursus L, M, D; levels 01-03 and XX for the doctorate).
SAMPLE = [
    ["2023", "2023-24", "f7x4Q", "Université d'ailleurs", "FR0099", "Bacheliers généraux", "Étudiants français",
     "Diplômes nationaux", "XA", "Licence", "L", "Licence", "2500001", "Licence Droit", "01", "1ère année",
     "01", "Droit, sciences économiques, AES", "01", "Droit, sciences politiques", "01", "Sciences juridiques", "F", "212"],
    ["2023", "2023-24", "f7x4Q", "Université d'ailleurs", "FR0099", "Bacheliers technologiques", "Étudiants français",
     "Diplômes nationaux", "DP", "Licence professionnelle", "L", "Licence", "2400001", "LP Gestion", "XX",
     "3ème année", "01", "Droit, sciences économiques, AES", "02", "Sciences économiques, gestion", "05",
     "Sciences de gestion", "M", "2"],
    ["2023", "2023-24", "f7x4Q", "Université d'ailleurs", "FR0099", "Bacheliers généraux",
     "Étudiants étrangers en mobilité internationale", "Diplômes nationaux", "XB", "Master", "M", "Master", "4500001",
     "Master Mathématiques", "02", "2ème année", "03", "Sciences et sciences de l'ingénieur", "08",
     "Sciences fondamentales et applications", "27", "Mathématiques", "M", "1"],
]
# Each code column, its label column, and the BCN nomenclature its codes come from.
CODES = {"typ_diplome": ("typ_diplome_lib", "type_diplome_sise"), "cursus_lmd": ("cursus_lmd_lib", "cursus_lmd"),
         "gd_disciscipline": ("gd_disciscipline_lib", "groupe_discipline_sise"),
         "discipline": ("discipline_lib", "discipline_sise"),
         "sect_disciplinaire": ("sect_disciplinaire_lib", "secteur_disciplinaire_sise")}


@pytest.fixture(scope="module")
def ours(clean_demo) -> pd.DataFrame:
    assert clean_demo.done.returncode == 0, clean_demo.done.stderr[-3000:]
    return pd.read_csv(clean_demo.demo / "store" / DATASET / "latest" / f"{DATASET}.csv", dtype="str",
                       keep_default_na=False)


def test_our_table_carries_the_national_columns_it_can(ours: pd.DataFrame) -> None:
    shared = [c for c in NATIONAL if c in ours.columns]
    # What we cannot fill: the ETER id, bac and mobility (in the protected crosses), the diploma family.
    assert set(NATIONAL) - set(shared) == {"identifiant_eter", "bac_lib", "attrac_intern_lib", "dn_de_lib"}
    assert (ours["etablissement_id_paysage"] != "").all() and ours["rentree_lib"].str.fullmatch(r"\d{4}-\d{2}").all()


def test_every_code_joins_its_label_beside_the_national_file(ours: pd.DataFrame) -> None:
    national = pd.DataFrame(SAMPLE, columns=NATIONAL)
    both = pd.concat([national, ours[[c for c in NATIONAL if c in ours.columns]]], ignore_index=True)
    assert len(both) == len(national) + len(ours) and both["effectif"].astype(int).sum() > 0
    # The enrolment in a diploma the catalogue does not know (a source defect the source suite reports) has
    # no diploma type, hence no cursus: those codes are empty, never invented; its discipline is its own.
    from_catalogue = ("typ_diplome", "cursus_lmd")
    unknown = ~ours["diplome"].isin(set(ours.loc[ours["typ_diplome"] != "", "diplome"]))
    assert ours.loc[unknown, "diplome"].nunique() == 1 and (ours.loc[unknown, list(from_catalogue)] == "").all().all()
    for code, (label, nomenclature) in CODES.items():
        # An empty code is one the source does not give (a sector left empty): missing, not a wrong code.
        published = set(ours.loc[~unknown, code] if code in from_catalogue else ours[code]) - {""}
        assert published <= codes(nomenclature), f"{code}: {sorted(published - codes(nomenclature))} not in BCN"
        pairs = both[[code, label]].drop_duplicates()
        assert not pairs[code].duplicated().any(), f"{code}: a code with two labels across the two files"
    levels = set(ours["niveau"])
    assert levels <= {"01", "02", "03", "XX"} and len(levels) > 1


def test_a_reuser_can_add_our_rows_to_the_national_totals(ours: pd.DataFrame) -> None:
    national = pd.DataFrame(SAMPLE, columns=NATIONAL)
    both = pd.concat([national, ours], ignore_index=True).assign(effectif=lambda f: pd.to_numeric(f["effectif"]))
    by_type = both.groupby("typ_diplome_lib")["effectif"].sum()
    assert by_type["Licence"] == 212 + ours.loc[ours["typ_diplome"] == "XA", "effectif"].astype(int).sum()

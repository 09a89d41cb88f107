"""Policies: the catalogue loads; every broken rule is refused naming dataset, column and rule."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from anonymisation.dictionary import load_dictionary
from anonymisation.kinds.registry import kind_of
from anonymisation.policy import POLICY_DIR, PolicyError, content_hash, load_catalogue, load_policy
from resources.common.institution import SYSTEMS, config_dir
from resources.sourcing.contracts import load_contract


def test_the_whole_catalogue_loads_reviewed() -> None:
    catalogue = load_catalogue()
    assert set(catalogue) == {path.stem for path in POLICY_DIR.glob("*.yaml")}  # one dataset per file, none skipped
    for policy in catalogue.values():
        assert policy.hash.startswith("sha256:") and policy.reviewer and policy.reviewed_on
    assert {p.dataset for p in catalogue.values() if p.nominative} == {"annuaire", "tableau_avancement", "laureats"}


def test_every_contract_column_is_classified() -> None:
    dictionary = load_dictionary()
    for system in SYSTEMS:
        for table in load_contract(config_dir() / "contracts" / "default", system).tables.values():
            for column in table.columns:
                dictionary.get(system, table.name, column.name)


def test_every_policy_source_is_extracted() -> None:
    """A policy reads only what the contract extracts (data minimisation), and nothing is missing."""
    contracts = {s: load_contract(config_dir() / "contracts" / "default", s) for s in SYSTEMS}
    for policy in load_catalogue().values():
        systems = {i.split(".")[1]: i.split(".")[0] for i in policy.inputs}
        sources = [c.source for c in policy.columns if c.source] + kind_of(policy.kind).section_sources(policy)
        for source in filter(None, sources):
            table, column = source.split(".")
            if column.startswith("_"):
                continue
            spec = next(c for c in contracts[systems[table]].tables[table].columns if c.name == column)
            assert spec.extracted, f"{policy.dataset}: {source} is not extracted"


def _variant(tmp_path: Path, dataset: str, mutate, *, restamp: bool = True) -> Path:
    raw = yaml.safe_load((POLICY_DIR / f"{dataset}.yaml").read_text(encoding="utf-8"))
    mutate(raw)
    if restamp:
        raw["review"]["hash"] = content_hash(raw)
    path = tmp_path / f"{dataset}.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def _col(raw: dict, name: str) -> dict:
    return next(c for c in raw["columns"] if c["name"] == name)


def test_a_policy_edited_since_its_review_is_refused(tmp_path: Path) -> None:
    path = _variant(tmp_path, "effectifs_etudiants", lambda r: r["aggregate"].update(threshold=3), restamp=False)
    with pytest.raises(PolicyError, match=r"effectifs_etudiants: policy edited since its review .* \(rule: reviewed policy"):
        load_policy(path)


ADD_NIR = {"name": "nir", "source": "agents.nir", "treatment": "keep", "type": "string", "description": "x"}
BOURSIER = {"name": "boursier", "source": "etudiants.echelon_bourse", "treatment": "generalise", "rule": "flag",
            "type": "string", "role": "dimension", "description": "x"}
NATIONALITY_KEPT = {"name": "nationalite", "source": "etudiants.nationalite", "treatment": "keep", "type": "string",
                    "role": "dimension", "description": "x"}
AGE_CLASS = {"name": "classe_age", "source": "agents.date_naissance", "treatment": "generalise", "rule": "classe_age",
             "type": "string", "role": "dimension", "description": "x"}
ADD_BIRTH = {"name": "date_naissance", "source": "agents.date_naissance", "treatment": "keep", "type": "date", "description": "x"}


@pytest.mark.parametrize(
    ("dataset", "mutate", "message"),
    [
        ("annuaire", lambda r: r["columns"].append(ADD_NIR), r"annuaire\.nir: publishes a direct identifier .*CRPA L312-1-2"),
        ("effectifs_personnels", lambda r: r["columns"].append({**ADD_NIR}), r"effectifs_personnels\.nir: .*CRPA L312-1-2"),
        ("annuaire", lambda r: r["columns"].append(ADD_BIRTH), r"annuaire\.date_naissance: a sensitive column .*CRPA L311-6"),
        ("effectifs_personnels_age", lambda r: _col(r, "classe_age").update(treatment="keep", rule=None),
         r"effectifs_personnels_age\.classe_age: a sensitive column .*CRPA L311-6"),
        ("effectifs_personnels_age", lambda r: _col(r, "classe_age").update(role="attribute"),
         r"effectifs_personnels_age\.classe_age: .*generalised dimension"),
        ("effectifs_etudiants_boursiers", lambda r: _col(r, "boursier").update(treatment="keep", rule=None),
         r"effectifs_etudiants_boursiers\.boursier: .*CRPA L311-6"),
        # Published in full: only public dimensions, and a reason.
        ("effectifs_etudiants", lambda r: r["columns"].insert(0, BOURSIER),
         r"effectifs_etudiants\.boursier: a table published in full crosses only public dimensions.*section 4"),
        ("effectifs_etudiants", lambda r: r["columns"].insert(0, NATIONALITY_KEPT),
         r"effectifs_etudiants\.nationalite: a table published in full crosses only public dimensions"),
        ("effectifs_personnels", lambda r: r["columns"].insert(0, AGE_CLASS),
         r"effectifs_personnels\.classe_age: a table published in full crosses only public dimensions"),
        ("effectifs_etudiants", lambda r: r["aggregate"].pop("justification"), r"says why no person is exposed"),
        ("effectifs_etudiants", lambda r: r["aggregate"].update(threshold=5), r"has no 'threshold' nor 'homogeneity'"),
        # Every rule that withholds names the risk it removes.
        ("effectifs_etudiants_boursiers", lambda r: r["aggregate"]["risks"].pop("seuil"),
         r"effectifs_etudiants_boursiers\.-: the protection rule 'seuil' withholds figures.*\(rule: named risks\)"),
        ("effectifs_etudiants_boursiers", lambda r: r["aggregate"]["risks"].pop("homogeneite"),
         r"protection rule 'homogeneite'"),
        ("effectifs_etudiants_boursiers", lambda r: r["aggregate"]["risks"].update(dominance="une règle inconnue ici"),
         r"'risks' names 'dominance', a rule this policy does not apply"),
        ("execution_budgetaire", lambda r: r["amounts"].pop("risks"), r"protection rule 'regle_dominance'"),
        ("effectifs_etudiants_bac", lambda r: r["aggregate"].update(totals=[["inconnue"]]),
         r"the total over \['inconnue'\] names columns that are not dimensions"),
        ("marches_publics", lambda r: _col(r, "objet").update(treatment="keep"), r"marches_publics\.objet: free text .*free-text scan"),
        ("laureats", lambda r: r["exception"].update(article="CRPA D312-1-3 9°"), r"laureats\.-: .*declared exception"),
        ("laureats", lambda r: r["exception"].pop("opposition"), r"laureats\.-: .*GDPR art\. 21"),
        ("laureats", lambda r: r.pop("exception"), r"laureats\.nom: publishes a direct identifier"),
        ("laureats", lambda r: r["exception"].update(columns=["prenom", "mention"]), r"laureats\.nom: .*CRPA L312-1-2"),
        ("catalogue_formations", lambda r: _col(r, "libelle_diplome").update(source="diplomes.inconnue"),
         r"catalogue_formations\.libelle_diplome: .*classified source"),
        ("structures", lambda r: _col(r, "uai").update(name="UAI"), r"structures\.UAI: .*snake_case"),
        ("effectifs_etudiants", lambda r: r["columns"].pop(), r"exactly one count and its status"),
        ("structures", lambda r: _col(r, "uai").pop("description"), r"structures\.uai: every published column needs a description"),
    ],
)
def test_broken_rules_are_refused(tmp_path: Path, dataset: str, mutate, message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        load_policy(_variant(tmp_path, dataset, mutate))

"""The register of the main documents the institution publishes (CRPA L322-6, R322-7), one row per document and year.

CRPA L322-6: an administration that produces or holds public information
keeps a register of the main documents in which it is found, and publishes
an updated version of it every year. R322-7: for each document, its exact
title, its object, the date it was created, the conditions of its reuse and,
where it has any, the date and object of its updates (``objet_mises_a_jour``:
what each version of the year changed, from the dataset's changelog); the register is online
when the administration has a website.

This kind reads no source system. Its builder
(``resources/publishing/register.py``) makes every field from the catalogue
of datasets (their reviewed policies: title, object, legal basis, frequency,
domain) and from the output store (each dataset's dated versions, formats,
address), so its anonymised asset runs after every other dataset's
publication (``reads_catalogue``). Its fields are the builder's own
(``repertoire._<field>``): a policy of this kind chooses among ``FIELDS``
and names them, nothing else. A nominative dataset is listed with its nature
and its legal basis; nothing personal is read, none of its rows.

Its row count follows the catalogue, not a source: a new dataset adds a row,
so no drift rule compares it with the version online.

Policy section ``repertoire:``:
- ``services``: the service that holds the documents of each domain of the
  catalogue (``hr``, ``finance``, ``students``, ``reference``...), and the
  catalogue's (key ``catalogue``): reviewed data, as the institution names
  its services.
"""

from __future__ import annotations

from anonymisation.kinds.base import Kind, SuiteRule
from anonymisation.kinds.cells import require
from anonymisation.policy_model import Policy

NAME = "repertoire"
TABLE = "repertoire"  # the builder's frame names its fields repertoire._<field>
# What the builder makes, in its order; a policy of this kind publishes some of them, under names of its choice.
FIELDS = ("annee", "identifiant", "titre", "objet", "nature", "domaine", "service_detenteur", "base_legale",
          "conditions_reutilisation", "date_creation", "date_mise_a_jour", "nombre_versions",
          "objet_mises_a_jour", "frequence_mise_a_jour", "formats", "url", "en_ligne")
# What R322-7 asks of every document, and the key of a row (document and year): a policy cannot leave them out.
REQUIRED = ("annee", "identifiant", "titre", "objet", "date_creation", "date_mise_a_jour",
            "objet_mises_a_jour", "conditions_reutilisation", "url", "en_ligne")
DATASET, NOMINATIVE, CATALOGUE = "jeu_de_donnees", "jeu_de_donnees_nominatif", "catalogue"
NATURES = (DATASET, NOMINATIVE, CATALOGUE)
FIELD_TYPES = {"annee": "year", "date_creation": "date", "date_mise_a_jour": "date", "nombre_versions": "integer",
               "en_ligne": "boolean"}


def source(field: str) -> str:
    """The builder's column holding ``field``, as a policy's ``source`` names it."""
    return f"{TABLE}._{field}"


def field_of(source_column: str | None) -> str | None:
    """The field a policy column reads (None if it reads anything else)."""
    prefix = f"{TABLE}._"
    if source_column and source_column.startswith(prefix) and source_column[len(prefix):] in FIELDS:
        return source_column[len(prefix):]
    return None


def published(policy: Policy) -> dict[str, str]:
    """Field -> the published column that holds it, for the fields the policy publishes."""
    return {f: c.name for c in policy.columns if (f := field_of(c.source)) is not None}


def check_shape(policy: Policy) -> None:
    require(policy, not policy.inputs, "policy format",
            "a register reads the catalogue and the store, no source table: its 'inputs' stay empty")
    for column in policy.columns:
        field = field_of(column.source)
        require(policy, column.treatment == "keep" and field is not None, "policy format",
                f"column '{column.name}' of a register keeps one of the builder's fields "
                f"({', '.join(source(f) for f in FIELDS)})")
        expected = FIELD_TYPES.get(field or "", "string")
        require(policy, column.type == expected, "policy format",
                f"column '{column.name}' holds {field}, of type {expected}")
    missing = [f for f in REQUIRED if f not in published(policy)]
    require(policy, not missing, "CRPA R322-7",
            f"the register gives every document's {', '.join(missing)}")
    services = policy.settings.get("services")
    require(policy, isinstance(services, dict) and CATALOGUE in services
            and all(isinstance(v, str) and v.strip() for v in services.values()), "policy format",
            "'services' names the service holding each domain's documents, and the catalogue's (key 'catalogue')")


def suite_rules(policy: Policy) -> list[SuiteRule]:
    """One row per document and year; updated no earlier than created; an online document has its address."""
    names = published(policy)
    online = {"row_condition": f"`{names['en_ligne']}` == True", "condition_parser": "pandas"}
    return [
        SuiteRule("ExpectCompoundColumnsToBeUnique", {"column_list": [names["annee"], names["identifiant"]]},
                  "Une ligne par document et par année du répertoire."),
        SuiteRule("ExpectColumnPairValuesAToBeGreaterThanB",
                  {"column_A": names["date_mise_a_jour"], "column_B": names["date_creation"], "or_equal": True,
                   "ignore_row_if": "either_value_is_missing"},
                  "La dernière mise à jour n'est pas antérieure à la création."),
        SuiteRule("ExpectColumnValuesToNotBeNull", {"column": names["url"], **online},
                  "Un document en ligne a son adresse (CRPA R322-7)."),
        SuiteRule("ExpectColumnValuesToNotBeNull", {"column": names["date_creation"], **online},
                  "Un document en ligne a sa date de création (CRPA R322-7)."),
    ]


KIND = Kind(name=NAME, summary="register of the documents published (CRPA L322-6, R322-7), built from the "
            "catalogue and the store", settings=frozenset({"services"}), check_shape=check_shape,
            suite_rules=suite_rules, reads_catalogue=True)

"""The words that several rooms write, written once: a typo in one of them is a file that no check matches.

- The status of a published cell (``publie`` / ``secret_statistique``, and
  ``denominateur_insuffisant`` for a rate not computed): written
  by the suppression, read by the open-data suites, the disclosure audit, the
  README and the Table Schema.
- The year column of a staged row (``_partition``): added by the staged reader,
  read by the dataset builders.
- The layers of an asset key ``[domain, layer, table]`` and the one function
  that builds its path (``dg.AssetKey(key_path(...))`` in the Dagster rooms).
- The national schemas a policy may name: the run-time copy's file, its
  schema.data.gouv.fr URL and title for the catalogue, its name and version
  on udata, and the format of the file that follows it.

Plain values only: every room may import this module, the anonymisation
library included.
"""

from __future__ import annotations

from dataclasses import dataclass

# The status column of an aggregate's measure: shown, or withheld by statistical secrecy.
PUBLISHED = "publie"
WITHHELD = "secret_statistique"
# A rate's denominator is shown but under the minimum (20, the education ministry's practice): no rate computed.
INSUFFICIENT_DENOMINATOR = "denominateur_insuffisant"

# The year a staged row was extracted for (absent for reference tables).
PARTITION = "_partition"

# The layers of the asset keys [domain, layer, table], in the order data flows through them.
EXTRACTED = "extracted"
ANONYMISED = "anonymised"
OPEN = "open"
DATAGOUV = "datagouv"
LAYERS = (EXTRACTED, ANONYMISED, OPEN, DATAGOUV)


def key_path(domain: str, layer: str, table: str) -> list[str]:
    """The path of an asset key: ``students/extracted/inscriptions``, ``students/open/effectifs_etudiants``."""
    if layer not in LAYERS:
        raise ValueError(f"unknown asset layer {layer!r}; known: {', '.join(LAYERS)}")
    return [domain, layer, table]


def source_key_path(qualified: str) -> list[str]:
    """The extraction asset's key path of a source table named ``system.table`` (a policy's input)."""
    system, table = qualified.split(".")
    return key_path(system, EXTRACTED, table)


@dataclass(frozen=True)
class NationalSchema:
    """A national schema our files follow (schema.data.gouv.fr): where each room finds what it needs of it."""

    file: str  # the run-time copy under config/schemas/: publication never depends on the network
    url: str  # udata and DCAT recognise the schema by this URL (dct:conformsTo)
    title: str
    udata_name: str  # the schema's name and version in udata's schema catalogue
    udata_version: str
    format: str  # the format of the file that follows it: csv (a Table Schema) or json (a JSON Schema)


SCDL_SUBVENTIONS = "scdl-subventions-2.1.1"
DECP = "decp-2.0.3"
HAUTES_REMUNERATIONS = "hautes-remunerations-0.1.0"
# A policy's ``national_schema`` value -> the schema.
NATIONAL_SCHEMAS: dict[str, NationalSchema] = {
    SCDL_SUBVENTIONS: NationalSchema(
        "scdl-subventions-2.1.1.json", "https://schema.data.gouv.fr/schemas/scdl/subventions/2.1.1/schema.json",
        "SCDL Subventions 2.1.1", "scdl/subventions", "2.1.1", "csv"),
    DECP: NationalSchema(
        "decp-2.0.3.json", "https://schema.data.gouv.fr/schemas/139bercy/format-commande-publique/2.0.3/marches.json",
        "Données essentielles de la commande publique (DECP) 2.0.3", "139bercy/format-commande-publique", "2.0.3",
        "json"),
    HAUTES_REMUNERATIONS: NationalSchema(
        "hautes-remunerations-0.1.0.json",
        "https://schema.data.gouv.fr/schemas/etalab/schema-hautes-remunerations/0.1.0/schema.json",
        "Hautes rémunérations dans la fonction publique 0.1.0", "etalab/schema-hautes-remunerations", "0.1.0", "csv"),
}

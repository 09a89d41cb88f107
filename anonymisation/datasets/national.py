"""National codes and labels beside our own, as the ministry's files name them.

The source systems (Apogée, Pégase, HR) carry the codes of the BCN
nomenclatures (legal-and-standards section 8); their labels, and the codes
derived from them (the LMD cursus of a diploma type, the discipline group
of a discipline), come from the reviewed extracts in ``config/nomenclatures/``.
The establishment's identifiers (UAI, Paysage, ROR, Wikidata) come from the
institution file, so a reuser can put our rows beside the national ones.
Every column added here is builder-made (``table._name``): codes and labels,
never a person's value.
"""

from __future__ import annotations

import pandas as pd

from anonymisation.datasets.base import Establishment
from resources.common.nomenclatures import labels, table

# The establishment's columns, named as the ministry's files name them, and the identifier each holds.
ESTABLISHMENT = {"etablissement_id_uai": "uai", "etablissement_id_paysage": "paysage",
                 "etablissement_id_ror": "ror", "etablissement_id_wikidata": "wikidata"}


def _lookup(codes: pd.Series, mapping: dict[str, str]) -> pd.Series:
    """Each code's entry in a nomenclature; an unknown or empty code gets an empty label."""
    return codes.astype("str").map(mapping).fillna("").astype("str").where(codes.notna(), "")


def with_establishment(frame: pd.DataFrame, prefix: str, institution: Establishment) -> pd.DataFrame:
    """The establishment's name and identifiers, constant columns ``<prefix>._etablissement_*``."""
    added = {f"{prefix}._etablissement_lib": institution.name}
    added |= {f"{prefix}._{column}": institution.identifiers.get(key, "") for column, key in ESTABLISHMENT.items()}
    return frame.assign(**added)


def with_sise(frame: pd.DataFrame, prefix: str, *, diploma_type: str, discipline: str, sector: str,
              level: str | None = None) -> pd.DataFrame:
    """The SISE labels of a diploma's type, discipline and sector, its LMD cursus and discipline group.

    The arguments name the frame's code columns; the results are ``<prefix>._typ_diplome_lib``,
    ``_cursus_lmd`` and ``_cursus_lmd_lib``, ``_discipline_lib``, ``_gd_discipline`` and
    ``_gd_discipline_lib``, ``_sect_disciplinaire_lib`` and, with ``level``, ``_niveau_lib`` and ``_niveau_sise``.
    """
    types = table("type_diplome_sise").set_index("code")
    disciplines = table("discipline_sise").set_index("code")
    cursus = _lookup(frame[diploma_type], types["cursus_lmd"].to_dict())
    group = _lookup(frame[discipline], disciplines["groupe"].to_dict())
    added = {
        f"{prefix}._typ_diplome_lib": _lookup(frame[diploma_type], types["libelle"].to_dict()),
        f"{prefix}._cursus_lmd": cursus,
        f"{prefix}._cursus_lmd_lib": _lookup(cursus, labels("cursus_lmd")),
        f"{prefix}._discipline_lib": _lookup(frame[discipline], disciplines["libelle"].to_dict()),
        f"{prefix}._gd_discipline": group,
        f"{prefix}._gd_discipline_lib": _lookup(group, labels("groupe_discipline_sise")),
        f"{prefix}._sect_disciplinaire_lib": _lookup(frame[sector], labels("secteur_disciplinaire_sise")),
    }
    if level is not None:  # the year of study the source carries (L1...) and the national level code (01... or XX)
        levels = table("niveau").set_index("code")
        added[f"{prefix}._niveau_lib"] = _lookup(frame[level], levels["libelle"].to_dict())
        added[f"{prefix}._niveau_sise"] = _lookup(frame[level], levels["niveau_sise"].to_dict())
    return frame.assign(**added)


def with_staff_labels(frame: pd.DataFrame, prefix: str, *, corps: str, section: str, bap: str) -> pd.DataFrame:
    """The labels of a corps (with its filière), a CNU section and a BAP: ``<prefix>._corps_lib``, ``_code_filiere``,
    ``_filiere_lib``, ``_section_cnu_lib`` and ``_bap_lib``."""
    bodies = table("corps").set_index("code")
    return frame.assign(**{
        f"{prefix}._corps_lib": _lookup(frame[corps], bodies["libelle"].to_dict()),
        f"{prefix}._code_filiere": _lookup(frame[corps], bodies["filiere"].to_dict()),
        f"{prefix}._filiere_lib": _lookup(frame[corps], bodies["filiere_lib"].to_dict()),
        f"{prefix}._section_cnu_lib": _lookup(frame[section], labels("sections_cnu")),
        f"{prefix}._bap_lib": _lookup(frame[bap], labels("bap")),
    })


def academic_year_label(years: pd.Series) -> pd.Series:
    """The national files' label of an academic year: 2024 becomes "2024-25"."""
    whole = pd.to_numeric(years).astype("Int64")
    return (whole.astype("str") + "-" + ((whole + 1) % 100).astype("str").str.zfill(2)).where(whole.notna(), "")

"""The national nomenclatures our codes come from, as reviewed files: ``config/nomenclatures/<name>.csv``.

No package ships the BCN nomenclatures (type of diploma, discipline, sector
of the SISE files), the corps of university staff, the BAP of ITRF agents, the
CNU sections or the national files' age classes. The few codes the product
needs are kept as small CSV extracts, each naming its public source in
``config/nomenclatures/README.md``, and read here: a label is written once,
in its file, and every table, suite and README takes it from there.

A file is UTF-8 with a header line; every column is read as text (a code
such as ``01`` keeps its leading zero) and an empty cell is ``""``. Its first
rule is one row per code. The folder is found like every configuration file
(``OPENDATA_CONFIG_DIR``, else the repository's ``config/``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

from resources.common.errors import ConfigurationError
from resources.common.institution import config_dir

FOLDER = "nomenclatures"
# The columns each nomenclature must have (a file may have more); every other file needs code and libelle.
REQUIRED: dict[str, tuple[str, ...]] = {
    "type_diplome_sise": ("code", "libelle", "cursus_lmd"),
    "cursus_lmd": ("code", "libelle"),
    "discipline_sise": ("code", "libelle", "groupe", "groupe_doctorat"),
    "groupe_doctorat": ("code", "libelle"),
    "groupe_discipline_sise": ("code", "libelle"),
    "secteur_disciplinaire_sise": ("code", "libelle"),
    "niveau": ("code", "libelle"),
    "corps": ("code", "libelle", "categorie", "type_personnel", "filiere", "filiere_lib"),
    "bap": ("code", "libelle"),
    "classe_age": ("code", "libelle", "min_age", "max_age"),
    "sections_cnu": ("code", "libelle", "groupe", "groupe_lib"),
}
DEFAULT_REQUIRED = ("code", "libelle")


class NomenclatureError(ConfigurationError):
    """A nomenclature file is missing or breaks one of its rules; the message names the file and the rule."""


def nomenclature_path(name: str) -> Path:
    """Where the nomenclature ``name`` is read from."""
    return config_dir() / FOLDER / f"{name}.csv"


def table(name: str) -> pd.DataFrame:
    """The nomenclature as a frame, every column as text (empty cells are ``""``), one row per code."""
    return _load(name, nomenclature_path(name)).copy()


def labels(name: str) -> dict[str, str]:
    """Code -> label (``libelle``) of a nomenclature."""
    return dict(_labels(name, nomenclature_path(name)))


def codes(name: str) -> frozenset[str]:
    """The codes of a nomenclature."""
    return frozenset(code for code, _ in _labels(name, nomenclature_path(name)))


@cache
def _labels(name: str, path: Path) -> tuple[tuple[str, str], ...]:
    frame = _load(name, path)
    return tuple(zip(frame["code"], frame["libelle"], strict=True))


@cache
def _load(name: str, path: Path) -> pd.DataFrame:
    """Read and check one file; cached by its path, so another configuration folder is read afresh."""
    if not path.is_file():
        raise NomenclatureError(f"nomenclature '{name}': file {path} does not exist "
                                f"(rule: every nomenclature is a reviewed file under config/{FOLDER}/)")
    try:
        frame = pd.read_csv(path, dtype="str", keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise NomenclatureError(f"nomenclature '{name}': file {path} is not a UTF-8 CSV with a header line "
                                f"({type(exc).__name__})") from None
    missing = [c for c in REQUIRED.get(name, DEFAULT_REQUIRED) if c not in frame.columns]
    if missing:
        raise NomenclatureError(f"nomenclature '{name}': file {path} lacks column(s) {', '.join(missing)} "
                                "(rule: required columns of the nomenclature)")
    frame = frame.astype("str")
    if (frame["code"] == "").any():
        raise NomenclatureError(f"nomenclature '{name}': file {path} has a row without a code "
                                "(rule: every row has a code)")
    doubled = sorted(set(frame.loc[frame["code"].duplicated(), "code"]))
    if doubled:
        raise NomenclatureError(f"nomenclature '{name}': file {path} lists code(s) {', '.join(doubled)} more than "
                                "once (rule: one row per code)")
    return frame

"""The institution configuration: one YAML file per institution under ``config/institutions/``.

Every stage reads the institution's identity (name, SIRET, UAI, its national
identifiers, data.gouv.fr organisation, contact), its three source databases
and its output store from here. A second institution is a second file. See
``docs/configuration.md``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from stdnum.fr import siret as siret_code

from resources.common.errors import ConfigurationError
from resources.common.identifiers import is_valid_eter, is_valid_paysage, is_valid_ror, is_valid_wikidata
from resources.common.uai import is_valid_uai

SYSTEMS: tuple[str, ...] = ("hr", "finance", "students")
DEFAULT_URL_ENV = {system: f"OPENDATA_{system.upper()}_URL" for system in SYSTEMS}
_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,40}$")
# The identifiers an institution file may give under ``identifiers:``, and the format each must have.
IDENTIFIER_RULES: dict[str, tuple[Callable[[str], bool], str]] = {
    "paysage": (is_valid_paysage, "Paysage id, 5 letters or digits"),
    "ror": (is_valid_ror, "ROR, 0 + 6 base-32 characters + 2 check digits (ISO 7064 mod 97-10)"),
    "wikidata": (is_valid_wikidata, "Wikidata item, Q and digits"),
    "siren": (lambda value: bool(re.fullmatch(r"\d{9}", value)), "SIREN, the SIRET's first 9 digits"),
    "eter": (is_valid_eter, "ETER id, country code and 4 digits"),
}


def project_root() -> Path:
    """The repository holding ``config/`` (the package is installed in editable mode)."""
    return Path(__file__).resolve().parents[2]  # resources/common/institution.py -> the repository


def config_dir() -> Path:
    """Folder of institution files and source contracts (``OPENDATA_CONFIG_DIR``)."""
    return Path(os.environ.get("OPENDATA_CONFIG_DIR") or project_root() / "config").resolve()


def opendata_home() -> Path:
    """Working folder of runs: demo sources, staging, candidates, store, reports (``OPENDATA_HOME``)."""
    return Path(os.environ.get("OPENDATA_HOME") or "open-data").resolve()


@dataclass(frozen=True)
class SourceConfig:
    """Where one source system lives: a URL without password, or an environment variable holding it."""

    system: str
    url: str | None
    url_env: str

    def env_url(self) -> str | None:
        """The URL from the environment, when its variable is set (it wins over the file)."""
        return os.environ.get(self.url_env) or None

    def resolved_url(self) -> str:
        """The URL the pipeline will use: environment first, then the file."""
        url = self.env_url() or self.url
        if not url:
            raise ConfigurationError(
                f"source '{self.system}': no URL in the institution file and {self.url_env} is not set"
            )
        return url


@dataclass(frozen=True)
class DatagouvSettings:
    """How the datasets reach data.gouv.fr: one channel only, so a dataset never appears twice."""

    organization: str
    channel: str = "harvest"  # "harvest": data.gouv.fr harvests our DCAT catalogue; "api": we push with the udata API
    api_url: str = "https://www.data.gouv.fr/api/1/"
    api_key_env: str = "OPENDATA_DATAGOUV_API_KEY"  # the key is read from this variable, never from a file
    dry_run: bool = True  # write the requests that would be sent to a file instead of sending them
    push_nominative: bool = False  # nominative datasets (CRPA D312-1-3) are pushed only if the institution opts in


@dataclass(frozen=True)
class Institution:
    """Identity, sources and storage of one institution."""

    id: str
    name: str
    siret: str
    uai: str
    datagouv_organization: str
    contact_email: str
    public_base_url: str
    sources: dict[str, SourceConfig]
    contracts_dir: Path
    first_year: int
    store_dir: Path
    work_dir: Path
    row_drift: float = 0.2  # tolerated relative change of an open dataset's rows against the version online
    datagouv: DatagouvSettings | None = None
    spatial_zones: tuple[str, ...] = ()  # udata zone ids covered by the datasets (spatial coverage)
    spatial_granularity: str = "poi"  # udata granularity of the rows: an establishment is a point of interest
    store_retention: int | None = None  # dated versions kept per dataset; None keeps all (nominative: latest only)
    policies_dir: Path | None = None  # the institution's reviewed policies; None: the product's (anonymisation/policies)
    corrections_path: Path | None = None  # reusers' corrections (docs/corrections.md); None: <work_dir>/corrections
    # uai, siret, siren and, when the file gives them, paysage, ror, wikidata, eter (see ``identifiers``).
    identifiers: dict[str, str] = field(default_factory=dict)

    @property
    def staging_dir(self) -> Path:
        """Private extraction staging (0700), never inside the store."""
        return self.work_dir / "staging"

    @property
    def candidates_dir(self) -> Path:
        """Anonymised files waiting for their checks, never inside the store."""
        return self.work_dir / "candidates"

    @property
    def datagouv_dir(self) -> Path:
        """data.gouv.fr state (dataset and resource ids) and dry-run requests, beside the store."""
        return self.work_dir / "datagouv"

    @property
    def corrections_dir(self) -> Path:
        """Reusers' corrections, one YAML file each, reviewed before the night applies them."""
        return self.corrections_path or self.work_dir / "corrections"

    @property
    def reports_dir(self) -> Path:
        """Quality and anonymisation reports for the data stewards."""
        return self.work_dir / "reports"


def institution_path(name_or_path: str | None = None) -> Path:
    """Resolve an institution id (``demo``) or a YAML path; default ``OPENDATA_INSTITUTION`` or ``demo``."""
    value = name_or_path or os.environ.get("OPENDATA_INSTITUTION") or "demo"
    if value.endswith((".yaml", ".yml")) or os.sep in value:
        return Path(value).resolve()
    return config_dir() / "institutions" / f"{value}.yaml"


def load_institution(name_or_path: str | None = None) -> Institution:
    """Read and validate an institution file; errors name the file and the setting."""
    path = institution_path(name_or_path)
    if not path.is_file():
        raise ConfigurationError(f"institution file {path} does not exist (set OPENDATA_INSTITUTION)")
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return _parse(raw, path)


def _required(raw: dict, key: str, path: Path) -> str:
    value = raw.get(key)
    if value in (None, ""):
        raise ConfigurationError(f"{path.name}: setting '{key}' is required")
    return str(value)


def _expand(value: str, home: Path) -> str:
    return value.replace("{home}", str(home))


def _parse(raw: dict, path: Path) -> Institution:
    home = opendata_home()
    ident = _required(raw, "id", path)
    if not _ID_PATTERN.match(ident):
        raise ConfigurationError(f"{path.name}: id '{ident}' must be lower-case letters, digits and dashes")
    siret = _required(raw, "siret", path).replace(" ", "")
    if not siret_code.is_valid(siret):
        raise ConfigurationError(f"{path.name}: siret fails its check key (rule: SIRET Luhn key)")
    uai = _required(raw, "uai", path)
    if not is_valid_uai(uai):
        raise ConfigurationError(f"{path.name}: uai fails its check letter (rule: UAI key)")
    contact = _required(raw, "contact", path)
    if "@" not in contact:
        raise ConfigurationError(f"{path.name}: contact must be a functional e-mail address")
    base_url = _required(raw, "public_base_url", path)
    if not re.match(r"^https?://", base_url):
        raise ConfigurationError(f"{path.name}: public_base_url must be an http(s) URL")
    datagouv = raw.get("datagouv") or {}
    work_dir = Path(_expand(str(raw.get("work_dir") or f"{{home}}/{ident}"), home)).resolve()
    store_dir = Path(_expand(str((raw.get("store") or {}).get("path") or f"{work_dir}/store"), home)).resolve()
    institution = Institution(
        id=ident,
        name=_required(raw, "name", path),
        siret=siret,
        uai=uai,
        datagouv_organization=_required(datagouv, "organization", path),
        contact_email=contact,
        public_base_url=base_url.rstrip("/") + "/",
        sources=_parse_sources(raw.get("sources") or {}, path, home),
        contracts_dir=(config_dir() / str(raw.get("contracts") or "contracts/default")).resolve(),
        first_year=int((raw.get("history") or {}).get("first_year") or 2006),
        store_dir=store_dir,
        work_dir=work_dir,
        row_drift=_drift(raw, path),
        datagouv=_datagouv(datagouv, path),
        spatial_zones=tuple(str(z) for z in (raw.get("spatial") or {}).get("zones") or ()),
        spatial_granularity=str((raw.get("spatial") or {}).get("granularity") or "poi"),
        store_retention=_retention(raw, path),
        policies_dir=(config_dir() / str(raw["policies"])).resolve() if raw.get("policies") else None,
        # {home} expands; a relative folder is beside the configuration, kept under version control like it.
        corrections_path=(config_dir() / _expand(str(raw["corrections"]), home)).resolve() if raw.get("corrections") else None,
        identifiers=_identifiers(raw.get("identifiers"), path, uai=uai, siret=siret),
    )
    _check_layout(institution, path)
    return institution


def _identifiers(raw: object, path: Path, *, uai: str, siret: str) -> dict[str, str]:
    """The establishment's identifiers: UAI, SIRET and SIREN always, the others as the file gives them."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigurationError(f"{path.name}: identifiers must be a mapping (paysage, ror, wikidata, siren, eter)")
    out = {"uai": uai, "siret": siret, "siren": siret[:9]}
    for key, value in raw.items():
        if key not in IDENTIFIER_RULES:
            raise ConfigurationError(f"{path.name}: identifiers.{key} is not an identifier this product knows "
                                     f"(known: {', '.join(IDENTIFIER_RULES)}; uai and siret are settings of their own)")
        text = str(value).strip() if value is not None else ""
        valid, rule = IDENTIFIER_RULES[key]
        if not valid(text):
            raise ConfigurationError(f"{path.name}: identifiers.{key} is not well formed (rule: {rule})")
        out[key] = text
    if out["siren"] != siret[:9]:
        raise ConfigurationError(f"{path.name}: identifiers.siren differs from the SIRET's first 9 digits "
                                 "(rule: the SIRET is the SIREN and an establishment number)")
    return out


def _datagouv(raw: dict, path: Path) -> DatagouvSettings:
    channel = str(raw.get("channel") or "harvest")
    if channel not in ("harvest", "api"):
        raise ConfigurationError(f"{path.name}: datagouv.channel must be 'harvest' or 'api' (one channel, never both)")
    if "api_key" in raw:
        raise ConfigurationError(f"{path.name}: datagouv.api_key must not be written in a file; "
                                 "put it in the variable named by datagouv.api_key_env")
    api_url = str(raw.get("api_url") or DatagouvSettings.api_url)
    if not re.match(r"^https?://", api_url):
        raise ConfigurationError(f"{path.name}: datagouv.api_url must be an http(s) URL")
    organization = _required(raw, "organization", path)
    if not re.fullmatch(r"[0-9a-f]{24}", organization):
        # udata resolves an organisation by its id only (udata/forms/fields.py); its slug is refused.
        raise ConfigurationError(f"{path.name}: datagouv.organization must be the organisation's id on "
                                 "data.gouv.fr (24 hex digits), not its slug")
    return DatagouvSettings(
        organization=organization, channel=channel, api_url=api_url.rstrip("/") + "/",
        api_key_env=str(raw.get("api_key_env") or DatagouvSettings.api_key_env),
        dry_run=bool(raw.get("dry_run", True)), push_nominative=bool(raw.get("push_nominative", False)),
    )


def _retention(raw: dict, path: Path) -> int | None:
    value = (raw.get("store") or {}).get("retention")
    if value in (None, "all"):
        return None
    if not isinstance(value, int) or value < 1:
        raise ConfigurationError(f"{path.name}: store.retention must be a number of versions (1 or more) or 'all'")
    return value


def _drift(raw: dict, path: Path) -> float:
    value = (raw.get("quality") or {}).get("row_drift", 0.2)
    try:
        drift = float(value)
    except (TypeError, ValueError):
        drift = -1.0
    if not 0 < drift < 10:
        raise ConfigurationError(f"{path.name}: quality.row_drift must be a fraction such as 0.2 (20 %)")
    return drift


def _parse_sources(raw: dict, path: Path, home: Path) -> dict[str, SourceConfig]:
    sources = {}
    for system in SYSTEMS:
        entry = raw.get(system) or {}
        url = entry.get("url")
        if url:
            url = _expand(str(url), home)
            try:
                parsed = make_url(url)
            except ArgumentError:
                raise ConfigurationError(f"{path.name}: sources.{system}.url is not a database URL") from None
            # A password written in a file ends up in backups and in the Dagster UI:
            # it must come from the environment variable instead.
            if parsed.password:
                raise ConfigurationError(
                    f"{path.name}: sources.{system}.url holds a password; put the URL in an "
                    f"environment variable and name it in sources.{system}.url_env"
                )
        sources[system] = SourceConfig(system, url, str(entry.get("url_env") or DEFAULT_URL_ENV[system]))
    return sources


def _inside(child: Path, parent: Path) -> bool:
    return child == parent or parent in child.parents


def _check_layout(inst: Institution, path: Path) -> None:
    """Staging and candidates never live inside the output store (docs/layout.md)."""
    for label, folder in (("staging", inst.staging_dir), ("candidates", inst.candidates_dir)):
        if _inside(folder, inst.store_dir) or _inside(inst.store_dir, folder):
            raise ConfigurationError(f"{path.name}: {label} folder {folder} overlaps the output store")

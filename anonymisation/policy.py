"""Publication policies: one reviewed YAML file per open dataset (``anonymisation/policies/``).

The policy is the single source of truth of a dataset: every output column,
its source, treatment, type and description. Anything it does not list is
dropped (allow-list). The loader refuses a policy that breaks the law as
encoded here, naming dataset, column and rule, and a policy edited since its
review (content hash).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import yaml

from anonymisation.dictionary import Dictionary, load_dictionary
from anonymisation.kinds.registry import KINDS, known
from anonymisation.policy_model import Column, Exception_, Policy, PolicyError, SensitiveUse, SiteMap
from anonymisation.rules import enforce
from anonymisation.treatments import GENERALISATIONS
from resources.common.references import LOCAL, references

POLICY_DIR = Path(__file__).resolve().parent / "policies"
TREATMENTS = {"keep", "generalise", "scan", "count", "status", "sum", "label", "constant", "computed"}
TYPES = {"string", "integer", "number", "date", "boolean", "year"}


def content_hash(raw: dict) -> str:
    """SHA-256 of the policy without its review block, in a canonical form."""
    body = {k: v for k, v in raw.items() if k != "review"}
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def policy_path(dataset: str, folder: Path = POLICY_DIR) -> Path:
    return folder / f"{dataset}.yaml"


def load_policy(path: Path, dictionary: Dictionary | None = None, *, check_review: bool = True) -> Policy:
    """Read, check the review hash, parse and enforce the rules of one policy file."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    name = str(raw.get("dataset") or path.stem)
    review = raw.get("review") or {}
    if check_review:
        if not review.get("hash"):
            raise PolicyError(f"{name}: policy has never been reviewed (rule: reviewed policy)")
        if review["hash"] != content_hash(raw):
            raise PolicyError(
                f"{name}: policy edited since its review on {review.get('date')} by {review.get('reviewer')} "
                f"(rule: reviewed policy; re-review it with `opendata policy review`)"
            )
    kind = raw.get("kind")
    if kind and kind not in KINDS:
        raise PolicyError(f"{name}: {path} declares kind '{kind}', which is not registered "
                          f"(known: {', '.join(known())}; anonymisation/kinds/registry.py) (rule: policy format)")
    policy = _parse(name, raw, review)
    enforce(policy, dictionary or load_dictionary(), KINDS[policy.kind])
    return policy


def load_catalogue(folder: Path = POLICY_DIR, dictionary: Dictionary | None = None) -> dict[str, Policy]:
    """Every policy of the open-data catalogue, by dataset name."""
    dictionary = dictionary or load_dictionary()
    policies = [load_policy(p, dictionary) for p in sorted(folder.glob("*.yaml"))]
    return {p.dataset: p for p in policies}


def _parse(name: str, raw: dict, review: dict) -> Policy:
    def need(key: str) -> str:
        if not raw.get(key):
            raise PolicyError(f"{name}: '{key}' is required (rule: policy format)")
        return str(raw[key])

    kind = need("kind")
    columns = tuple(_column(name, c or {}) for c in raw.get("columns") or [])
    if not columns:
        raise PolicyError(f"{name}: no columns (rule: policy format)")
    exc = raw.get("exception")
    exception = None
    if exc:
        exception = Exception_(
            article=str(exc.get("article")),
            columns=tuple(exc.get("columns") or ()),
            opposition=exc.get("opposition"),
            person_key=exc.get("person_key"),
        )
    return Policy(
        dataset=name,
        domain=need("domain"),
        title=need("title"),
        description=need("description"),
        legal_basis=need("legal_basis"),
        frequency=str(raw.get("frequency") or "annual"),
        builder=need("builder"),
        inputs=tuple(raw.get("inputs") or ()),
        kind=kind,
        columns=columns,
        exception=exception,
        settings=dict(raw.get(kind) or {}),
        sensitive_use=_sensitive_use(name, raw.get("sensitive_use")),
        relations=tuple(raw.get("relations") or ()),
        national_schema=raw.get("national_schema"),
        keys=_keys(name, raw.get("keys"), columns, exception is not None),
        geojson=_site_map(name, raw.get("geojson"), columns),
        reviewer=str(review.get("reviewer") or ""),
        reviewed_on=str(review.get("date") or ""),
        hash=str(review.get("hash") or ""),
    )


# Treatments whose values a reviewed policy publishes as they are, so a changelog may name them as keys.
KEY_TREATMENTS = {"keep", "label", "constant", "computed"}


def _keys(dataset: str, raw: object, columns: tuple[Column, ...], nominative: bool) -> tuple[str, ...]:
    """The ``keys`` list: published, unscanned columns naming one row; never on a nominative dataset."""
    keys = tuple(str(k) for k in raw or ())
    if keys and nominative:
        raise PolicyError(f"{dataset}.{keys[0]}: a nominative dataset's changelog gives counts only, never the keys "
                          "of its rows (rule: no personal value in a changelog)")
    treatments = {c.name: c.treatment for c in columns}
    for key in keys:
        if treatments.get(key) not in KEY_TREATMENTS:
            raise PolicyError(f"{dataset}.{key}: a key must be a published column kept as it is "
                              f"({', '.join(sorted(KEY_TREATMENTS))}) (rule: changelog keys)")
    return keys


def _site_map(dataset: str, raw: object, columns: tuple[Column, ...]) -> SiteMap | None:
    """The ``geojson`` block: the published number columns holding latitude and longitude."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise PolicyError(f"{dataset}.-: 'geojson' names its latitude and longitude columns (rule: policy format)")
    types = {c.name: c.type for c in columns}
    site = SiteMap(latitude=str(raw.get("latitude") or ""), longitude=str(raw.get("longitude") or ""))
    for name in (site.latitude, site.longitude):
        if types.get(name) != "number":
            raise PolicyError(f"{dataset}.{name or '?'}: a GeoJSON coordinate is a published number column "
                              "(rule: geojson)")
    return site


def _sensitive_use(dataset: str, raw: object) -> SensitiveUse | None:
    """The ``sensitive_use`` block: the article that allows using sensitive sources, and the columns it covers."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise PolicyError(f"{dataset}.-: 'sensitive_use' names an article and its columns (rule: policy format)")
    return SensitiveUse(article=str(raw.get("article") or "").strip(), columns=tuple(raw.get("columns") or ()))


def _column(dataset: str, raw: dict) -> Column:
    name = str(raw.get("name") or "")
    where = f"{dataset}.{name or '?'}"
    treatment = raw.get("treatment")
    if treatment not in TREATMENTS:
        raise PolicyError(f"{where}: treatment '{treatment}' is unknown (rule: policy format)")
    if raw.get("type") not in TYPES:
        raise PolicyError(f"{where}: type '{raw.get('type')}' is unknown (rule: policy format)")
    if not raw.get("description"):
        raise PolicyError(f"{where}: every published column needs a description (rule: documented column)")
    if treatment == "generalise" and raw.get("rule") not in GENERALISATIONS:
        raise PolicyError(f"{where}: generalisation rule '{raw.get('rule')}' is unknown (rule: policy format)")
    if treatment in ("keep", "generalise", "scan", "label", "sum") and not raw.get("source"):
        raise PolicyError(f"{where}: treatment '{treatment}' needs a source (rule: policy format)")
    if treatment == "constant" and (raw.get("value") is None or raw.get("source") or not _fits(raw["value"], raw["type"])):
        raise PolicyError(f"{where}: treatment 'constant' needs a value of type {raw['type']}, the same in every row, "
                          "and no source (rule: policy format)")
    return Column(
        name=name,
        treatment=treatment,
        type=raw["type"],
        description=str(raw["description"]).strip(),
        source=raw.get("source"),
        rule=raw.get("rule"),
        role=str(raw.get("role") or "attribute"),
        values=tuple(str(v) for v in raw.get("values") or ()),
        required=bool(raw.get("required", False)),
        value=raw.get("value"),
        reference=_reference(where, raw),
    )


def _reference(where: str, raw: dict) -> str | None:
    """The column's national reference: an id of the references file, or ``local``; a typo is refused."""
    if raw.get("reference") is None:
        return None
    ref = str(raw["reference"])
    known = references()
    if ref != LOCAL and ref not in known:
        raise PolicyError(f"{where}: reference '{ref}' is unknown (known: {LOCAL}, {', '.join(sorted(known))}; "
                          "config/nomenclatures/references.yaml) (rule: linked code)")
    if raw.get("type") != "string":
        raise PolicyError(f"{where}: a code column with a reference is of type string, not {raw.get('type')} "
                          "(a code keeps its leading zeros) (rule: linked code)")
    return ref


def _fits(value: object, kind: str) -> bool:
    """Whether a constant's reviewed value is of its column's type (so the run cannot fail on it)."""
    text = str(value).strip()
    checks = {"integer": r"-?\d+", "year": r"\d{4}", "number": r"-?\d+(\.\d+)?", "boolean": r"true|false",
              "date": r"\d{4}-\d{2}-\d{2}"}
    return bool(text) and (kind not in checks or re.fullmatch(checks[kind], text.lower()) is not None)

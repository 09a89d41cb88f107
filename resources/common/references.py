"""The national references our code columns point to, read from ``config/nomenclatures/references.yaml``.

Tim Berners-Lee's fifth star, as the ministry uses it: a file is linked to
other data when its codes (UAI, SIREN/SIRET, COG codes, SISE diploma codes,
CNU sections, CPV codes...) say which national reference they come from. Each
reference is written once in that file: its label in French, the class of
what its codes identify (the Table Schema's ``rdfType``), the URI of one code
where the reference publishes one, the page of the reference, and a note
where the form could not be verified. A policy's code column names a
reference by its id, or says ``local`` for the institution's own codes.

The file is found like every configuration file (``OPENDATA_CONFIG_DIR``,
else the repository's ``config/``), and read once per folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from resources.common.errors import ConfigurationError
from resources.common.institution import config_dir

FILE = Path("nomenclatures") / "references.yaml"
# What a policy writes for a code column that is the institution's own (or a value its publication
# defines): nothing national to link to, said on purpose rather than forgotten.
LOCAL = "local"
PLACEHOLDER = "{code}"


class ReferencesError(ConfigurationError):
    """The references file breaks one of its rules; the message names the reference and the rule."""


@dataclass(frozen=True)
class Reference:
    """One national reference: what its codes identify and where a reuser reads each of them."""

    id: str
    label: str
    rdf_type: str
    page: str
    example: str
    verified: bool
    uri_template: str | None = None
    same_as: bool = False  # the URI is the thing itself (owl:sameAs), not a page about it
    note: str = ""

    def uri(self, code: str) -> str | None:
        """The URI of one code, or None when the reference publishes no address per code."""
        return self.uri_template.replace(PLACEHOLDER, code) if self.uri_template else None


def references_path() -> Path:
    return config_dir() / FILE


def references() -> dict[str, Reference]:
    """Every national reference, by id."""
    return dict(_load(references_path()))


def reference(ref_id: str) -> Reference:
    """One reference by id; an unknown id is refused, naming it."""
    known = references()
    if ref_id not in known:
        raise ReferencesError(f"reference '{ref_id}' is not in {references_path()} "
                              f"(known: {', '.join(sorted(known))}; rule: one national reference, listed once)")
    return known[ref_id]


def same_as_kinds() -> tuple[str, ...]:
    """The references whose URI is the thing itself (ROR, Wikidata, Paysage), in the file's order.

    The establishment's identifiers of these kinds are ``owl:sameAs`` links of
    the catalogue's publisher and the ``pages`` of every data package.
    """
    return tuple(ref_id for ref_id, ref in references().items() if ref.same_as and ref.uri_template)


def page(kind: str, value: str) -> str:
    """The web address of one identifier (``ror``, ``wikidata``, ``paysage``...), from its reference."""
    address = reference(kind).uri(value)
    if address is None:
        raise ReferencesError(f"reference '{kind}' publishes no address per code (rule: a page is never invented)")
    return address


@cache
def _load(path: Path) -> tuple[tuple[str, Reference], ...]:
    if not path.is_file():
        raise ReferencesError(f"references file {path} does not exist (rule: the national references are "
                              f"a reviewed file, config/{FILE})")
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return tuple((ref_id, _parse(ref_id, entry or {})) for ref_id, entry in raw.items())


def _parse(ref_id: str, entry: dict) -> Reference:
    where = f"reference '{ref_id}'"
    if ref_id == LOCAL:
        raise ReferencesError(f"{where}: '{LOCAL}' says a column has no national reference; it cannot be one")
    missing = [k for k in ("label", "rdf_type", "page", "example", "verified") if entry.get(k) in (None, "")]
    if missing:
        raise ReferencesError(f"{where} lacks {', '.join(missing)} (rule: every reference says what it is)")
    template = entry.get("uri_template")
    if template is not None and str(template).count(PLACEHOLDER) != 1:
        raise ReferencesError(f"{where}: its uri_template must hold {PLACEHOLDER} once (rule: one URI per code)")
    note = " ".join(str(entry.get("note") or "").split())
    if not note and (not entry["verified"] or template is None):
        raise ReferencesError(f"{where}: a form not verified, or a reference without a URI per code, says why "
                              "in its note (rule: never invent silently)")
    return Reference(id=ref_id, label=str(entry["label"]), rdf_type=str(entry["rdf_type"]), page=str(entry["page"]),
                     example=str(entry["example"]), verified=bool(entry["verified"]),
                     uri_template=str(template) if template is not None else None,
                     same_as=bool(entry.get("same_as", False)), note=note)

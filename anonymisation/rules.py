"""The legal rules a policy must satisfy, checked when it is loaded.

Each rule cites what it implements (../shared/reference/legal-and-standards.md):
- a direct identifier is published only under a declared exception that
  lists it (CRPA L312-1-2, D312-1-3; décret 2017-779 and the DECP texts name
  legal persons, never natural ones);
- a sensitive column, or one derived from a birth date, appears only as a
  generalised dimension of a kind that protects its cells (CRPA L311-6),
  even under an exception, unless a declared legal basis for that use
  (``sensitive_use``, an article this product knows) covers it; that basis
  names no one and does not make the dataset nominative; a kind that does
  not protect cells may use it only to compute figures over at least 10
  persons (the ten highest salaries of CGFP L716-1; the equality index's
  pay gaps), never to publish one person's value;
- a table published in full, without a small-cell rule, has only the
  dimensions the national statistics publish unmasked (section 4): no
  generalised dimension (a generalised value exists because its source is
  sensitive or quasi-identifying), no sensitive source, and among the
  quasi-identifiers only those the ministry's own files cross unmasked;
- free text is published only through the free-text scanner;
- an exception naming persons honours an opposition list (GDPR art. 21).
"""

from __future__ import annotations

import re

from anonymisation.dictionary import Dictionary, DictionaryError
from anonymisation.kinds.base import Kind
from anonymisation.policy_model import Column, Policy, PolicyError
from anonymisation.treatments import BIRTH_DATE_RULES

# Bases that allow naming a person (legal-and-standards.md, section 2).
EXCEPTIONS = {
    "CRPA D312-1-3 1°": "organisation de l'administration: annuaires, tableaux d'avancement",
    "CRPA D312-1-3 4°": "enseignement et recherche: résultats d'examens, lauréats",
    "CRPA D312-1-3 6°": "vie politique: élus des conseils (exception configurable)",
}
# Bases that allow publishing a value drawn from a sensitive source, without naming anyone
# (legal-and-standards.md, section 7).
SENSITIVE_BASES = {
    "CGFP L716-1": "somme des dix plus hautes rémunérations et nombre de femmes et d'hommes (loi 2019-828 art. 37)",
    "CGFP L132-9-3": "index de l'égalité professionnelle: écarts de rémunération entre femmes et hommes",
}
# Quasi-identifying source columns that the ministry's statistics cross unmasked with public dimensions
# (legal-and-standards.md section 4: the SISE establishment file and the staff files count by sex).
PUBLISHED_NATIONALLY = frozenset({"students.etudiants.sexe", "hr.agents.sexe"})
# The fewest persons a figure drawn from a sensitive value may be computed over, outside a kind protecting its
# cells: the law's own group for the highest salaries (CGFP L716-1: the sum of the ten highest), and the
# minimum of 10 women and 10 men of the pay-gap indicators (décret 2024-802, art. 9, for the same index).
SENSITIVE_MIN_GROUP = 10
SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")


def _fail(policy: Policy, column: str, rule: str, detail: str) -> PolicyError:
    return PolicyError(f"{policy.dataset}.{column}: {detail} (rule: {rule})")


def source_class(policy: Policy, column: Column, dictionary: Dictionary) -> str | None:
    """Dictionary class of a column's source, resolved through the policy's inputs."""
    return _class_of(policy, column.name, column.source, dictionary) if column.source else None


def _class_of(policy: Policy, published: str, source: str, dictionary: Dictionary) -> str:
    """Dictionary class of a source ``table.column`` that ``published`` (a column or a setting) reads."""
    table, _, name = source.partition(".")
    if name.startswith("_"):
        return "non_personal"  # made by the builder from codes and dates: a year, a period
    systems = [i.split(".")[0] for i in policy.inputs if i.split(".")[1] == table]
    if not systems:
        raise _fail(policy, published, "policy format", f"source table '{table}' is not among the inputs")
    try:
        return dictionary.get(systems[0], table, name).cls
    except DictionaryError as exc:
        raise _fail(policy, published, "classified source", str(exc)) from None


def enforce(policy: Policy, dictionary: Dictionary, kind: Kind) -> None:
    """Raise PolicyError on the first rule the policy breaks; ``kind`` is the policy's registered kind."""
    for entry in policy.inputs:
        system, _, table = entry.partition(".")
        if not any(k.startswith(f"{system}.{table}.") for k in dictionary.entries):
            raise _fail(policy, "-", "policy format", f"input '{entry}' is not a known source table")
    _check_exception(policy)
    _check_sensitive_use(policy)
    covered = set(policy.sensitive_use.columns) if policy.sensitive_use else set()
    for column in policy.columns:
        if not SNAKE.match(column.name) and policy.national_schema is None:
            raise _fail(policy, column.name, "Etalab CSV conventions", "column names are lower-case ASCII snake_case")
        if column.treatment == "computed" and not kind.computes:
            raise _fail(policy, column.name, "policy format", f"the '{kind.name}' kind computes no column of its own "
                        "(treatment 'computed')")
        cls = source_class(policy, column, dictionary)
        if cls == "direct_identifier":
            if policy.exception is None or column.name not in policy.exception.columns:
                raise _fail(policy, column.name, "CRPA L312-1-2",
                            "publishes a direct identifier without a declared exception covering it")
        elif cls == "sensitive" or column.rule in BIRTH_DATE_RULES:
            protected = kind.protects_cells and column.treatment == "generalise" and column.role == "dimension"
            if not (protected or column.name in covered):
                raise _fail(policy, column.name, "CRPA L311-6",
                            "a sensitive column (or one derived from a birth date) may only be a generalised "
                            "dimension of a protected aggregate, or be covered by a declared 'sensitive_use'")
        elif cls == "free_text" and column.treatment != "scan":
            raise _fail(policy, column.name, "free-text scan", "free text is published only after scanning")
    for source in kind.section_sources(policy):
        # A figure computed under a condition on a sensitive value (a rate of successes "by health status")
        # publishes that value as surely as a column does.
        if _class_of(policy, source, source, dictionary) == "sensitive" and policy.sensitive_use is None:
            raise _fail(policy, source, "CRPA L311-6", "a figure is computed from a sensitive column: "
                        "only under a declared 'sensitive_use'")
    if policy.sensitive_use is not None and not kind.protects_cells:
        _check_sensitive_group(policy, kind)
    kind.check_settings(policy)
    kind.check_shape(policy)
    if kind.publishes_in_full(policy):
        _check_public_dimensions(policy, dictionary)


def _check_public_dimensions(policy: Policy, dictionary: Dictionary) -> None:
    """A table published in full crosses only dimensions that reveal nothing the national statistics keep secret."""
    for column in policy.by_role("dimension"):
        cls = source_class(policy, column, dictionary)
        system = next((i.split(".")[0] for i in policy.inputs if column.source and
                       i.split(".")[1] == column.source.partition(".")[0]), "")
        national = f"{system}.{column.source}" in PUBLISHED_NATIONALLY
        if column.treatment != "keep" or cls in ("sensitive", "direct_identifier") or (
                cls == "quasi_identifier" and not national):
            raise _fail(policy, column.name, "small cells, legal-and-standards section 4",
                        "a table published in full crosses only public dimensions: a generalised, sensitive or "
                        "quasi-identifying one goes to a protected table ('protection: secret_statistique')")


def _check_sensitive_use(policy: Policy) -> None:
    use = policy.sensitive_use
    if use is None:
        return
    if not use.article:
        raise _fail(policy, "-", "declared sensitive use", "'sensitive_use' cites the article that allows it")
    if use.article not in SENSITIVE_BASES:
        raise _fail(policy, "-", "declared sensitive use", f"'{use.article}' is not a basis this product knows "
                    f"for using a sensitive value ({', '.join(sorted(SENSITIVE_BASES))})")
    names = {col.name for col in policy.columns}
    if not use.columns or any(c not in names for c in use.columns):
        raise _fail(policy, next((c for c in use.columns if c not in names), "-"), "declared sensitive use",
                    "'sensitive_use' lists the published columns it covers")


def _check_sensitive_group(policy: Policy, kind: Kind) -> None:
    """A sensitive value enters only figures computed over enough persons that none of them shows a person's value."""
    column = policy.sensitive_use.columns[0] if policy.sensitive_use and policy.sensitive_use.columns else "-"
    group = kind.min_group(policy)
    if group is None:
        raise _fail(policy, column, "CRPA L311-6", f"the '{kind.name}' kind neither protects its cells nor computes "
                    "its figures over a guaranteed number of persons: a sensitive value would be published as it is")
    if group < SENSITIVE_MIN_GROUP:
        raise _fail(policy, column, "CRPA L311-6", f"figures computed over groups of {group} persons could reveal "
                    f"a person's value: at least {SENSITIVE_MIN_GROUP}")


def _check_exception(policy: Policy) -> None:
    exc = policy.exception
    if exc is None:
        return
    if exc.article not in EXCEPTIONS:
        raise _fail(policy, "-", "declared exception", f"'{exc.article}' is not an exception this product knows")
    if not exc.opposition or not exc.person_key:
        raise _fail(policy, "-", "GDPR art. 21", "a nominative exception needs an opposition list and a person key")
    unknown = [c for c in exc.columns if c not in {col.name for col in policy.columns}]
    if unknown:
        raise _fail(policy, unknown[0], "declared exception", "the exception lists a column the policy does not publish")

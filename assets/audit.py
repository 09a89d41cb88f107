"""What the disclosure audit reads: the candidates of a group of datasets, and the relations between them.

One file may be safe alone and unsafe beside another: the list of graduates
(a nominative file, D312-1-3 4°) counts graduates per diploma, which is a
margin of "diplomas awarded" summed over sex; a protected cross (enrolments
by scholarship) sums, per year, cursus and discipline group, to the
headline enrolment table. The audit solves,
for every withheld cell of every candidate, the interval its true value can
take given everything published (a linear programme), and fails when a cell
is determined. It runs as the blocking check ``secret_statistique`` of each
audited dataset (``assets.candidate_checks``): publication waits for it.
"""

import pandas as pd

from anonymisation.kinds.registry import kind_of
from anonymisation.policy import Policy
from anonymisation.sdc import PublishedTable, Relation
from resources.common.vocabulary import PUBLISHED
from resources.publishing.candidate_folders import CandidateFolders


def _counts(policy: Policy, frame: pd.DataFrame, by: tuple[str, ...]) -> PublishedTable:
    """A row-level list seen as the counts it reveals per group."""
    counts = frame.groupby(list(by), dropna=False).size().rename("effectif").reset_index()
    counts["effectif_statut"] = PUBLISHED
    return PublishedTable(policy.dataset, counts, by)


def audit_inputs(catalogue: dict[str, Policy], candidates: CandidateFolders) -> tuple[list[PublishedTable], list[Relation]]:
    """Published tables and the relations between them, from the latest candidates.

    Each table's own margins were audited when it was protected (with its true
    counts); this audit adds what one file reveals about another.
    """
    tables, relations = [], []
    for policy in catalogue.values():
        path = candidates.latest(policy.dataset)
        if path is None:
            continue
        frame = pd.read_parquet(path)
        view = kind_of(policy.kind).audit_view(policy, frame)  # the table the kind's cells make, if any
        if view is not None:
            tables.append(view)
        for relation in policy.relations:
            by = tuple(relation["by"])
            if view is None:  # a list of rows relates by the counts it reveals; a table of cells by its cells' sums
                tables.append(_counts(policy, frame, by))
            # "left <= right" is written for the audit as "right >= left".
            op = ">=" if relation.get("op") == "<=" else "=="
            relations.append(Relation(left=relation["right"], right=relation["left"], by=by, op=op))
    return tables, relations

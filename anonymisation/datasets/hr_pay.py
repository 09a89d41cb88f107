"""HR datasets drawn from individual pay: the ten highest salaries (CGFP L716-1) and the equality index (L132-9-3).

Pay is sensitive (CRPA L311-6): the builder only joins each yearly pay
statement with the agent's sex; what leaves is decided by the kinds
``top_n`` and ``index_egalite``, which compute figures over groups of at
least 10 persons.
"""

from __future__ import annotations

import pandas as pd

from anonymisation.datasets.base import PARTITION, Builder, BuildContext, Reader, prefixed


def remunerations(read: Reader, ctx: BuildContext) -> pd.DataFrame:
    """One row per agent and completed year: the yearly pay statement, the agent's sex, the employer's SIREN and name.

    A year still being paid (that of the run) is left out: its sums would be
    a part of a year's pay, not comparable with the others.
    """
    pay = read("hr", "remunerations").drop(columns=[PARTITION], errors="ignore").drop_duplicates("id_remuneration")
    pay = pay[pd.to_numeric(pay["annee"]) < ctx.as_of.year]
    agents = read("hr", "agents").drop_duplicates("matricule")[["matricule", "sexe"]]
    frame = prefixed(pay, "remunerations").merge(prefixed(agents, "agents"), left_on="remunerations.matricule",
                                                 right_on="agents.matricule", how="left")
    institution = ctx.institution
    # The SIREN is the SIRET's first 9 digits (the institution file checks that they agree).
    frame["remunerations._siren"] = institution.identifiers.get("siren") or institution.siret[:9]
    frame["remunerations._denomination"] = institution.name
    return frame


# The builders of this domain, by the name a policy writes in ``builder:``.
BUILDERS: dict[str, Builder] = {"remunerations": remunerations}

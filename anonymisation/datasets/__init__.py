"""Dataset builders: from staged source tables to the frame a policy selects from.

A builder joins and filters the staged tables (census dates, principal
enrolments, active functions...) and names every column ``table.column`` as
the policies reference them. It decides nothing about publication: the
policy's allow-list does.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from anonymisation.datasets.base import BuildContext, Reader
from anonymisation.datasets.finance import execution_budgetaire, marches_publics, subventions
from anonymisation.datasets.hr import annuaire, effectifs_personnels, tableau_avancement
from anonymisation.datasets.students import (
    catalogue_formations,
    diplomes_delivres,
    effectifs_etudiants,
    laureats,
    structures,
)

Builder = Callable[[Reader, BuildContext], pd.DataFrame]
BUILDERS: dict[str, Builder] = {
    "effectifs_personnels": effectifs_personnels,
    "annuaire": annuaire,
    "tableau_avancement": tableau_avancement,
    "execution_budgetaire": execution_budgetaire,
    "marches_publics": marches_publics,
    "subventions": subventions,
    "effectifs_etudiants": effectifs_etudiants,
    "diplomes_delivres": diplomes_delivres,
    "laureats": laureats,
    "catalogue_formations": catalogue_formations,
    "structures": structures,
}

__all__ = ["BUILDERS", "BuildContext", "Builder", "Reader"]

"""How each doctoral student's thesis is funded, as the registrar records it on every doctoral enrolment.

About two thirds of first-year doctoral students in France have a funding
for their thesis, most in the sciences and fewer in the humanities and law
(the ministry's doctoral statistics). A funding is drawn once per doctoral
student and holds for every year of the thesis: a doctoral contract, an
industrial agreement (CIFRE) or another funding (region, foreign
government, research body); empty when the thesis is not funded. Enrolments
below the doctorate have no value.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.synthetic.context import Context

# Share of doctoral students funded, by SISE discipline (sciences and health higher, humanities lower).
FUNDED_SHARE = {"01": 0.45, "02": 0.50, "04": 0.35, "05": 0.40, "06": 0.40, "08": 0.88, "09": 0.85, "11": 0.55,
                "14": 0.80}
DEFAULT_FUNDED_SHARE = 0.6
# Among funded theses: doctoral contract, CIFRE, another funding.
FUNDINGS: tuple[tuple[str, float], ...] = (("contrat_doctoral", 0.62), ("cifre", 0.13), ("autre", 0.25))


def thesis_funding(ctx: Context, enrolments: pd.DataFrame) -> np.ndarray:
    """The funding of each enrolment's thesis (``None`` below the doctorate or when unfunded), from its own stream."""
    rng = ctx.rng("students", "inscriptions", "financement_these")
    doctoral = enrolments["niveau"].astype("str").str.startswith("D").to_numpy()
    students = np.unique(enrolments["numero_etudiant"].to_numpy()[doctoral])
    discipline = (enrolments.loc[doctoral].drop_duplicates("numero_etudiant").set_index("numero_etudiant")
                  ["code_discipline"].astype("str").reindex(students))
    share = discipline.map(FUNDED_SHARE).fillna(DEFAULT_FUNDED_SHARE).to_numpy(dtype=float)
    funded = rng.random(len(students)) < share
    kinds = np.array([k for k, _ in FUNDINGS], dtype=object)
    drawn = kinds[rng.choice(len(kinds), size=len(students), p=[w for _, w in FUNDINGS])]
    by_student = dict(zip(students.tolist(), np.where(funded, drawn, None).tolist(), strict=True))
    out = np.full(len(enrolments), None, dtype=object)
    out[doctoral] = [by_student[n] for n in enrolments["numero_etudiant"].to_numpy()[doctoral]]
    return out

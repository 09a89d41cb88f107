"""The scale of the professional equality index, read from its policy: points per result, weights, target, objectives.

Everything here is data of the reviewed policy (section ``index_egalite:``),
never a number written in Python: the decree's scale changes by decree, the
policy changes with it and is reviewed again.

- ``bareme_ecart``: rows ``[bound, points]`` read in order: a pay gap whose
  absolute value (in %, rounded to a tenth) is at most ``bound`` gets
  ``points`` out of ``bareme_ecart_sur``; the last row's bound is empty (any
  gap). The first row's bound 0 means "equal to 0".
- ``bareme_hautes_remunerations``: rows ``[count, points]``: the number of the
  under-represented sex among the ten highest paid, and its points.
- ``points_ecarts``: the points the two pay-gap indicators share, pro rata of
  their populations (full-time equivalent); ``points_hautes_remunerations``
  those of the third indicator.
- ``cible``: the target; under it, ``objectifs`` (templates) say what each
  indicator must reach for the index to meet it, within ``delai_annees``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

from anonymisation.policy_model import Policy, PolicyError


class Weights(NamedTuple):
    """The weights of one period of pay years: shared pro rata (``shared``) or fixed (``tenured``, ``contract``)."""

    first: int | None
    last: int | None
    shared: float | None
    tenured: float | None
    contract: float | None
    top: float


class Scale(NamedTuple):
    gap_rows: tuple[tuple[float | None, float], ...]
    gap_out_of: float
    top_rows: tuple[tuple[int, float], ...]
    top_out_of: float
    periods: tuple[Weights, ...]
    target: float
    computable_min: float
    delay: int
    objectives: dict[str, str]


def half_up(value: float, decimals: int = 0) -> float:
    """Rounded half away from zero, as a reader rounds by hand (Python's round() rounds half to even)."""
    factor = 10 ** decimals
    return math.copysign(math.floor(abs(value) * factor + 0.5) / factor, value)


def _fail(policy: Policy, setting: str, detail: str) -> PolicyError:
    return PolicyError(f"{policy.dataset}.-: the scale's '{setting}' {detail} (rule: index scale as reviewed data)")


def scale(policy: Policy) -> Scale:
    """The scale of the policy; a ``PolicyError`` naming the setting when a part is missing or malformed."""
    s = policy.settings

    def rows(name: str) -> list[list]:
        value = s.get(name)
        if not isinstance(value, list) or not value or any(not isinstance(r, list) or len(r) != 2 for r in value):
            raise _fail(policy, name, "is a list of [bound, points] rows")
        return value

    gap = rows("bareme_ecart")
    bounds = [r[0] for r in gap]
    if bounds[-1] is not None or any(b is None for b in bounds[:-1]) or bounds[:-1] != sorted(bounds[:-1]):
        raise _fail(policy, "bareme_ecart", "has increasing bounds and an empty last bound (any gap)")
    top = rows("bareme_hautes_remunerations")
    if [r[0] for r in top] != list(range(len(top))):
        raise _fail(policy, "bareme_hautes_remunerations", "lists the counts 0, 1, 2... in order")
    for name in ("bareme_ecart_sur", "bareme_hautes_remunerations_sur", "cible"):
        if not isinstance(s.get(name), (int, float)):
            raise _fail(policy, name, "is a number")
    return Scale(
        gap_rows=tuple((None if b is None else float(b), float(p)) for b, p in gap),
        gap_out_of=float(s["bareme_ecart_sur"]), top_rows=tuple((int(c), float(p)) for c, p in top),
        top_out_of=float(s["bareme_hautes_remunerations_sur"]), periods=_periods(policy),
        target=float(s["cible"]), computable_min=float(s.get("min_points_calculables", s["cible"])),
        delay=int(s.get("delai_annees", 3)), objectives={str(k): str(v) for k, v in (s.get("objectifs") or {}).items()},
    )


def _periods(policy: Policy) -> tuple[Weights, ...]:
    """The weights' periods, checked: contiguous, covering every year, each shared or fixed, numbers."""
    raw = policy.settings.get("ponderations")
    if not isinstance(raw, list) or not raw or not all(isinstance(p, dict) for p in raw):
        raise _fail(policy, "ponderations", "is a list of periods")
    periods = []
    for p in raw:
        numbers = {k: p.get(k) for k in ("ecarts_au_prorata", "ecart_fonctionnaires", "ecart_contractuels",
                                         "hautes_remunerations") if p.get(k) is not None}
        fixed = "ecart_fonctionnaires" in numbers and "ecart_contractuels" in numbers
        if not all(isinstance(v, (int, float)) and v >= 0 for v in numbers.values()) \
                or "hautes_remunerations" not in numbers or fixed == ("ecarts_au_prorata" in numbers):
            raise _fail(policy, "ponderations", "gives each period 'hautes_remunerations' and either "
                        "'ecarts_au_prorata' or both 'ecart_fonctionnaires' and 'ecart_contractuels'")
        periods.append(Weights(p.get("a_partir_de"), p.get("jusqu_a"), numbers.get("ecarts_au_prorata"),
                               numbers.get("ecart_fonctionnaires"), numbers.get("ecart_contractuels"),
                               float(numbers["hautes_remunerations"])))
    ends = [(w.first, w.last) for w in periods]
    joined = all(a[1] is not None and b[0] == a[1] + 1 for a, b in zip(ends, ends[1:], strict=False))
    if ends[0][0] is not None or ends[-1][1] is not None or not joined:
        raise _fail(policy, "ponderations", "covers every year: the first period has no 'a_partir_de', the last no "
                    "'jusqu_a', and each starts the year after the one before ends")
    return tuple(periods)


def weights(sc: Scale, year: int) -> Weights:
    """The weights of pay year ``year``."""
    return next(w for w in sc.periods if (w.first is None or year >= w.first) and (w.last is None or year <= w.last))


def gap_score(sc: Scale, gap_percent: float) -> float:
    """Points (out of ``bareme_ecart_sur``) of a pay gap in %, read on its absolute value rounded to a tenth."""
    size = abs(half_up(gap_percent, 1))
    return next(p for bound, p in sc.gap_rows if bound is None or size <= bound)


def top_score(sc: Scale, under_represented: int, maximum: float) -> float:
    """Points of the number of the under-represented sex among the ten highest paid, brought to ``maximum``."""
    return half_up(sc.top_rows[min(under_represented, len(sc.top_rows) - 1)][1] / sc.top_out_of * maximum, 2)


def maxima(sc: Scale, year: int, tenured: float, contract: float) -> list[float]:
    """The maximum points of the three indicators in ``year``: fixed, or the gaps' shared pro rata of their FTE."""
    w = weights(sc, year)
    if w.shared is None:
        return [float(w.tenured or 0), float(w.contract or 0), w.top]
    total = tenured + contract
    first = half_up(w.shared * tenured / total) if total else w.shared
    return [first, w.shared - first, w.top]


def index(points: Sequence[float | None], maxima: Sequence[float], sc: Scale) -> float | None:
    """The index out of 100 over the computable indicators; None when they weigh less than the minimum (out of 100
    of the period's weights)."""
    weight = sum(m for p, m in zip(points, maxima, strict=True) if p is not None)
    if weight == 0 or 100 * weight / sum(maxima) < sc.computable_min:
        return None
    return half_up(100 * sum(p for p in points if p is not None) / weight, 1)


def gap_objective(sc: Scale, points: list[float | None], maxima: list[float], at: int) -> tuple[float, float]:
    """The largest absolute gap (bound) at which indicator ``at`` alone lifts the index to the target, and its
    points; the best row when no gap does."""
    best = sc.gap_rows[0]
    for bound, p in reversed(sc.gap_rows[:-1]):
        trial = list(points)
        trial[at] = half_up(p / sc.gap_out_of * maxima[at], 2)
        score = index(trial, maxima, sc)
        if score is not None and score >= sc.target:
            return float(bound), half_up(p / sc.gap_out_of * maxima[at], 2)
    return float(best[0] or 0), half_up(best[1] / sc.gap_out_of * maxima[at], 2)


def top_objective(sc: Scale, points: list[float | None], maxima: list[float], at: int) -> tuple[int, float]:
    """The smallest count of the under-represented sex at which indicator ``at`` alone lifts the index to the target."""
    for count, _ in sc.top_rows:
        trial = list(points)
        trial[at] = top_score(sc, count, maxima[at])
        score = index(trial, maxima, sc)
        if score is not None and score >= sc.target and trial[at] > (points[at] or 0):
            return count, trial[at]
    return sc.top_rows[-1][0], top_score(sc, sc.top_rows[-1][0], maxima[at])

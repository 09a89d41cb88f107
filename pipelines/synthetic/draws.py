"""Weighted random draws, shared by the name pools (``people``) and every table's generator.

Apart from ``context`` because the run's context holds the name pools, which
draw with it: each module imports the other's way down, never back up.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def weighted(rng: np.random.Generator, weights: Sequence[float], size: int) -> np.ndarray:
    """Indices drawn with the given (unnormalised) weights."""
    p = np.asarray(weights, dtype=float)
    return rng.choice(len(p), size=size, p=p / p.sum())

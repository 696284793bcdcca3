"""Adjusting p-values across the links of the mechanism (Holm 1979).

Holm's step-down adjustment controls the family-wise error rate under any dependence
between the tests: the i-th smallest of m p-values is multiplied by (m - i + 1), the running
maximum keeps the adjusted values monotone in the raw ones, and values are capped at 1.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def holm(pvalues: Sequence[float]) -> list[float]:
    """Holm-adjusted p-values, in the order given.

    Parameters
    ----------
    pvalues : sequence of float
        Raw p-values in [0, 1]; NaN (a link that could not be tested) passes through as NaN
        and does not count in the number of tests m.

    Returns
    -------
    list of float
        Adjusted p-values: ``max_{j <= i} min(1, (m - j + 1) p_(j))`` for the i-th smallest.

    Raises
    ------
    ValueError
        A p-value outside [0, 1].

    Examples
    --------
    >>> holm([0.01, 0.04, 0.03])
    [0.03, 0.06, 0.06]
    """
    vals = [float(p) for p in pvalues]
    for i, p in enumerate(vals):
        if not math.isnan(p) and not 0.0 <= p <= 1.0:
            raise ValueError(f"p-value {i} must be in [0, 1] or NaN, got {p}")
    order = sorted((i for i, p in enumerate(vals) if not math.isnan(p)), key=lambda i: vals[i])
    m = len(order)
    out = [float("nan")] * len(vals)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * vals[i]))
        out[i] = running
    return out

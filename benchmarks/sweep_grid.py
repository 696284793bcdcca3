"""What the benchmark sweeps vary, and a synthetic market to sweep without benchmark data.

:func:`sweep_grid` varies the default rotation over factor windows x rules x rebalance
calendars x thresholds (:data:`DEFAULT_AXES`, :data:`TINY_AXES`), with as many thresholds
as it takes to reach a requested number of variants; :func:`factor_pairs` lists the factor
windows the benchmark data must hold. :func:`synthetic_market` makes random-walk closes and
an AR(1) factor of any length (the long-history sweep, the compile measurement).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

DEFAULT_AXES: dict[str, list[Any]] = {
    "zscore_window": [0, 252, 504],
    "change_window": [21, 63, 126],
    "rule": ["switch", "tilt", "longshort"],
    "rebalance": ["weekly", "monthly"],
}
TINY_AXES: dict[str, list[Any]] = {
    "zscore_window": [0],
    "change_window": [63],
    "rule": ["switch", "tilt", "longshort"],
    "rebalance": ["weekly", "monthly"],
}


def axes_size(axes: dict[str, list[Any]]) -> int:
    """Return the number of combinations of the axes (variants per threshold)."""
    return math.prod(len(v) for v in axes.values())


def sweep_grid(n_variants: int, axes: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """Return the axes plus ``ceil(n / axes_size)`` thresholds evenly spread over [-1, 1].

    The grid has the smallest multiple of ``axes_size(axes)`` variants >= ``n_variants``.
    """
    m = max(1, math.ceil(int(n_variants) / axes_size(axes)))
    thresholds = [0.0] if m == 1 else [round(float(x), 6) for x in np.linspace(-1.0, 1.0, m)]
    return {**{k: list(v) for k, v in axes.items()}, "threshold": thresholds}


def factor_pairs(axes: dict[str, list[Any]]) -> list[tuple[int, int]]:
    """Every ``(zscore_window, change_window)`` pair of the axes."""
    return [(int(z), int(c)) for z in axes["zscore_window"] for c in axes["change_window"]]


def bench_config():
    """Return the project's default configuration (imported on first use)."""
    from data.config import load_config

    return load_config()


def synthetic_market(n_bars: int, *, seed: int = 0):
    """Random-walk closes of the default tickers and an AR(1) factor over ``n_bars`` days.

    Business days ending 2025-12-31; SNDK starts a third of the way in. Returns
    ``(prices, factor_fn)`` with ``factor_fn(zw, cw)`` the factor shifted by ``cw / 500``.
    """
    import pandas as pd

    from backtests.rotation.spec import RotationSpec

    rng = np.random.default_rng(seed)
    cols = list(RotationSpec().tickers)
    idx = pd.bdate_range(end="2025-12-31", periods=int(n_bars), name="date")
    rets = rng.normal(0.0003, 0.02, (len(idx), len(cols)))
    px = pd.DataFrame(100 * np.exp(np.cumsum(rets, axis=0)), index=idx, columns=cols)
    px.iloc[: len(idx) // 3, cols.index("SNDK")] = np.nan
    shocks = rng.normal(0, 0.15, len(idx))
    f = np.empty(len(idx))
    f[0] = 0.0
    for t in range(1, len(idx)):
        f[t] = 0.98 * f[t - 1] + shocks[t]
    base = pd.Series(f, index=idx)
    base.iloc[: min(len(idx) // 10, 252)] = np.nan

    def factor_fn(zscore_window: int, change_window: int) -> pd.Series:
        return base + change_window / 500 + zscore_window / 5000

    return px, factor_fn

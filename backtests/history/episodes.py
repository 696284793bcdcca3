"""Capex booms of the long history, found by a configured rule (a description, not a signal)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from data.config import Config
from data.history import HistoryData


def episodes(
    market: HistoryData, cfg: Config, spread: pd.Series, strategy: pd.Series, fac: pd.Series
) -> list[dict[str, Any]]:
    """Capex booms found by the configured rule (not typed-in dates).

    A quarter qualifies when the year-on-year log growth of ``targets.episode_series``
    is above the ``episode_percentile`` of its previous ``episode_window_quarters``
    quarters (at least half of them present); an episode is a run of at least
    ``episode_min_quarters`` qualifying quarters. Each episode runs from the first day of its
    first quarter to the last day of its last quarter; returns are compounded over the
    trading days inside it, ``factor_mean`` is the factor's mean there.

    Caution: drawn ex post from revised data, a description of history, not a signal.
    """
    t = cfg.targets
    x = market.macro[str(t.episode_series)].dropna()
    g = np.log(x / x.shift(4)).dropna()
    win = int(t.episode_window_quarters)
    q = float(t.episode_percentile)
    thresh = g.shift(1).rolling(win, min_periods=max(4, win // 2)).quantile(q)
    above = (g > thresh).to_numpy()
    out = []
    i, n = 0, len(g)
    while i < n:
        if not above[i]:
            i += 1
            continue
        j = i
        while j + 1 < n and above[j + 1]:
            j += 1
        if j - i + 1 >= int(t.episode_min_quarters):
            # quarter dated on the first day of its last month
            start = (g.index[i] - pd.offsets.MonthBegin(2)).normalize()
            end = g.index[j] + pd.offsets.MonthEnd(0)
            sl = slice(start, end)
            out.append(
                {
                    "start": start.strftime("%Y-%m-%d"),
                    "end": end.strftime("%Y-%m-%d"),
                    "quarters": int(j - i + 1),
                    "spread_return": _compound(spread.loc[sl]),
                    "strategy_return": _compound(strategy.loc[sl]),
                    "factor_mean": _mean(fac.loc[sl]),
                }
            )
        i = j + 1
    return out


def _compound(r: pd.Series) -> float | None:
    return float((1.0 + r.fillna(0.0)).prod() - 1.0) if len(r) else None


def _mean(x: pd.Series) -> float | None:
    x = x.dropna()
    return float(x.mean()) if len(x) else None

"""Funding price: trailing changes in yields and credit spreads, and the repo spread.

Timing
------
Inputs go through :func:`data.pit.macro_known_at`; a change at t is the known value at t
minus the known value ``change_window`` business days earlier.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from data.config import Config
from data.pit import macro_known_at
from signals.transforms import trailing_change

CHANGES = {
    "nominal_10y_change": "DGS10",
    "real_10y_change": "DFII10",
    "curve_change": "T10Y2Y",
    "baa_spread_change": "BAA10Y",
    "ig_spread_change": "BAMLC0A0CM",
    "hy_spread_change": "BAMLH0A0HYM2",
}


def funding_price(
    macro: pd.DataFrame, index: pd.DatetimeIndex, cfg: Config, *, change_window: int | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Daily funding-price components on ``index`` and their ages.

    Parameters
    ----------
    macro : DataFrame
        Raw macro table (observation dates).
    index : DatetimeIndex
        Business days.
    cfg : Config
        Release lags and ``factor.change_window``.
    change_window : int, optional
        Overrides ``factor.change_window`` (business days).

    Returns
    -------
    components : DataFrame
        One column per entry of :data:`CHANGES` (percentage points over the window) and
        ``repo_spread`` = SOFR minus the policy rate (IORB; DFF where IORB is not yet
        published or stale), in percentage points.
    age_days : DataFrame
        Age of the (oldest) input behind each value.

    Timing
    ------
    Values at t use observations released on or before t.
    """
    w = int(change_window if change_window is not None else cfg.factor.change_window)
    wanted = [*CHANGES.values(), "SOFR", "IORB", "DFF"]
    present = [s for s in wanted if s in macro.columns]
    vals, ages = macro_known_at(macro[present], cfg, index)
    for s in wanted:
        if s not in vals.columns:
            vals[s] = np.nan
            ages[s] = np.nan
    comp = pd.DataFrame(index=vals.index)
    age = pd.DataFrame(index=vals.index)
    for name, s in CHANGES.items():
        comp[name] = trailing_change(vals[s], w)
        age[name] = ages[s]
    limit = float(cfg.factor.staleness_days["daily"])
    iorb_ok = vals["IORB"].notna() & (ages["IORB"] <= limit)
    policy = vals["IORB"].where(iorb_ok, vals["DFF"])
    policy_age = ages["IORB"].where(iorb_ok, ages["DFF"])
    comp["repo_spread"] = vals["SOFR"] - policy
    age["repo_spread"] = pd.concat([ages["SOFR"], policy_age], axis=1).max(axis=1, skipna=False)
    return comp, age

"""Idle liquidity: ON RRP, bank reserves, net liquidity, and the "idle money exhausted" regime.

Units are converted explicitly to billions of dollars using each series' configured units
(``millions_usd`` divided by 1,000; ``billions_usd`` as is).

Timing
------
Every input goes through :func:`data.pit.macro_known_at`, so a value at t is the latest
observation released on or before t (each series' release lag from the configuration).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from data.config import Config
from data.errors import DataError
from data.pit import macro_known_at
from signals.transforms import trailing_change, trailing_max

TO_BILLIONS = {"billions_usd": 1.0, "millions_usd": 1e-3}


def to_billions(values: pd.Series, units: str, *, series: str) -> pd.Series:
    """Convert a dollar series to billions from its configured units.

    Raises
    ------
    DataError
        When ``units`` is not a dollar unit.
    """
    if units not in TO_BILLIONS:
        raise DataError(f"units {units!r} are not millions_usd or billions_usd", source=series)
    return values * TO_BILLIONS[units]


def _known(macro: pd.DataFrame, cfg: Config, index: pd.DatetimeIndex, series: list[str]):
    present = [s for s in series if s in macro.columns]
    vals, ages = macro_known_at(macro[present], cfg, index)
    for s in series:
        if s not in vals.columns:
            vals[s] = np.nan
            ages[s] = np.nan
    return vals, ages


def exhausted_regime(
    rrp_bn: pd.Series, *, threshold_bn: float, peak_fraction: float, peak_window: int
) -> pd.Series:
    """Flag ON RRP below ``threshold_bn`` or below ``peak_fraction`` of its trailing peak.

    The trailing peak is the maximum over the last ``peak_window`` rows including t. The flag
    is False where RRP is unknown.

    Timing
    ------
    Uses RRP values at or before t.
    """
    peak = trailing_max(rrp_bn, peak_window)
    flag = (rrp_bn < threshold_bn) | (rrp_bn < peak_fraction * peak)
    return flag.where(rrp_bn.notna(), False).astype(bool).rename("idle_exhausted")


def idle_liquidity(
    macro: pd.DataFrame, index: pd.DatetimeIndex, cfg: Config
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """Daily idle-liquidity components on ``index``, their ages, and the exhaustion regime.

    Parameters
    ----------
    macro : DataFrame
        Raw macro table (observation dates) with RRPONTSYD, WRESBAL, WALCL, WTREGEN.
    index : DatetimeIndex
        Business days.
    cfg : Config
        Units, release lags, ``factor.change_window`` and the regime thresholds.

    Returns
    -------
    components : DataFrame
        ``rrp_level`` (bn), ``reserves_level`` (bn), ``net_liquidity`` (bn: WALCL - WTREGEN -
        RRP), ``net_liquidity_change`` (bn over ``change_window`` business days).
    age_days : DataFrame
        Age of the oldest input behind each value.
    regime : Series of bool
        Idle money exhausted.

    Timing
    ------
    Each value at t uses observations released on or before t.
    """
    f = cfg.factor
    series = ["RRPONTSYD", "WRESBAL", "WALCL", "WTREGEN"]
    vals, ages = _known(macro, cfg, index, series)
    bn = {
        s: to_billions(vals[s], cfg.macro_units(s), series=s) if s in cfg.macro.series else vals[s]
        for s in series
    }
    comp = pd.DataFrame(index=vals.index)
    age = pd.DataFrame(index=vals.index)
    comp["rrp_level"] = bn["RRPONTSYD"]
    age["rrp_level"] = ages["RRPONTSYD"]
    comp["reserves_level"] = bn["WRESBAL"]
    age["reserves_level"] = ages["WRESBAL"]
    comp["net_liquidity"] = bn["WALCL"] - bn["WTREGEN"] - bn["RRPONTSYD"]
    age["net_liquidity"] = ages[["WALCL", "WTREGEN", "RRPONTSYD"]].max(axis=1, skipna=False)
    w = int(f.change_window)
    comp["net_liquidity_change"] = trailing_change(comp["net_liquidity"], w)
    age["net_liquidity_change"] = age["net_liquidity"]
    regime = exhausted_regime(
        comp["rrp_level"],
        threshold_bn=float(f.rrp_exhausted_bn),
        peak_fraction=float(f.rrp_peak_fraction),
        peak_window=int(f.rrp_peak_window),
    )
    return comp, age, regime

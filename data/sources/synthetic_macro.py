"""Macro series of the synthetic market: idle liquidity, rates and spreads, FRED calendars.

:func:`simulate_liquidity` draws the ON RRP balance, Fed assets, the TGA and reserves;
:func:`simulate_rates` the policy, Treasury, repo and credit-spread series and VIX, moved by
the latent scarcity; :func:`fred_layout` puts each business-day array on its FRED calendar.
The institutional shapes (policy-rate path, Fed balance sheet, currency in circulation) are
stylized anchor tables here, interpolated over the simulated dates (flat outside the anchors).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.tseries.holiday import USFederalHolidayCalendar
from scipy.signal import lfilter

from data.config import Config
from data.errors import ConfigError
from data.sources.synthetic_prices import FACTOR_VOLS
from data.sources.synthetic_primitives import (
    ar1,
    config_date,
    config_number,
    interp_anchors,
    last_of_period,
)

# stylized institutional paths: (date, value)
POLICY_FLOOR = (("2015-10-01", 0.0), ("2019-01-01", 2.45), ("2019-07-01", 2.45),
                ("2020-02-15", 1.55), ("2020-03-20", 0.0), ("2022-02-15", 0.0),
                ("2023-08-01", 5.45), ("2024-08-15", 5.45), ("2025-01-01", 4.45),
                ("2025-12-31", 3.70))  # fmt: skip
"""Lower bound of the policy range, percent (rounded down to 25 bp steps)."""
FED_ASSETS_TN = (("2014-01-01", 4.0), ("2014-11-01", 4.45), ("2017-10-01", 4.45),
                 ("2019-09-01", 3.8), ("2020-02-15", 4.2), ("2020-06-15", 7.1),
                 ("2022-04-15", 8.95), ("2025-06-01", 6.7), ("2025-12-31", 6.6))  # fmt: skip
CURRENCY_TN = (("2014-01-01", 1.25), ("2025-12-31", 2.40))
TGA_TN = (("2020-03-01", 0.15), ("2020-07-01", 0.75))
SOFR_START, IORB_START = pd.Timestamp("2018-04-03"), pd.Timestamp("2021-07-29")

HOLIDAY_BLANK = ("DGS10", "DFII10", "DGS2", "DGS3MO", "T10Y2Y", "T10Y3M", "BAA10Y", "BAMLC0A0CM",
                 "BAMLH0A0HYM2", "SOFR", "RRPONTSYD", "THREEFYTP10", "VIXCLS")  # fmt: skip
"""Daily series written with an empty cell on US federal holidays (as FRED does)."""
DECIMALS = {"RRPONTSYD": 3, "WALCL": 0, "WTREGEN": 0, "WRESBAL": 1, "THREEFYTP10": 4,
            "ACMTP10": 4}  # fmt: skip
"""Decimals of each written series (2 when absent)."""


def simulate_liquidity(cfg: Config, days: pd.DatetimeIndex, rng: np.random.Generator) -> dict:
    """RRP (billions), Fed assets and TGA (millions), reserves (billions) on business days.

    The ON RRP balance follows a shape (``rrp_base_bn`` until ``rrp_fill_start``, filling to
    ``rrp_peak_bn`` by ``rrp_peak_start``, a plateau, a drain to ``rrp_floor_bn`` by
    ``rrp_drain_end``) times log-AR(1) noise, plus quarter-end spikes. Reserves are the
    residual: Fed assets - TGA - RRP - currency - 250 bn of other liabilities (floor 300 bn).
    """
    names = ("rrp_fill_start", "rrp_peak_start", "rrp_drain_start", "rrp_drain_end")
    defaults = ("2021-03-01", "2021-12-01", "2023-03-01", "2024-09-30")
    d = [config_date(cfg, n, v) for n, v in zip(names, defaults, strict=True)]
    if not d[0] <= d[1] <= d[2] <= d[3]:
        raise ConfigError(
            f"`synthetic` RRP dates must be in order {names}, got {[str(x.date()) for x in d]}"
        )
    base = config_number(cfg, "rrp_base_bn", 120.0, 0.0, 1e5)
    peak = config_number(cfg, "rrp_peak_bn", 2200.0, 0.0, 1e5)
    floor = config_number(cfg, "rrp_floor_bn", 5.0, 0.0, 1e5)
    anchors = tuple(zip(d, (base, peak, peak, floor), strict=True))
    shape = interp_anchors(days, anchors)
    n = len(days)
    qend = last_of_period(days, "Q")
    spike = qend * rng.uniform(0.2, 0.6, n) * (shape + 100.0)
    rrp = np.maximum(shape * np.exp(ar1(rng, n, 0.97, 0.04)) + spike, 0.0)
    rrp = np.round(rrp, 3)
    walcl = np.round(interp_anchors(days, FED_ASSETS_TN) * 1e6 * np.exp(ar1(rng, n, 0.99, 0.0015)))
    tga = np.round(interp_anchors(days, TGA_TN) * 1e6 * np.exp(ar1(rng, n, 0.98, 0.05)))
    currency = interp_anchors(days, CURRENCY_TN) * 1e3
    reserves = np.maximum((walcl - tga) / 1e3 - rrp - currency - 250.0, 300.0)
    return {"RRPONTSYD": rrp, "WALCL": walcl, "WTREGEN": tga, "WRESBAL": np.round(reserves, 1)}


def simulate_rates(
    cfg: Config, days: pd.DatetimeIndex, liq: dict, s: np.ndarray, h_next: np.ndarray, rng
) -> tuple[dict, np.ndarray]:
    """Simulate yields, spreads, policy and repo rates, term premium and VIX (percent).

    Expected short rates are forward averages of the policy path; the 10-year yield adds a
    term premium and an AR(1) level whose daily innovations are the return factor ``rate``.
    Scarcity ``s`` raises yields (``yield_response`` pp per unit) and spreads
    (``spread_response``); market variance ``h_next`` drives VIX and credit spreads.
    Returns the series and the standardized rate shocks.
    """
    n = len(days)
    k10 = config_number(cfg, "yield_response", 0.25, -5.0, 5.0)
    kcs = config_number(cfg, "spread_response", 0.10, -5.0, 5.0)
    floor_ = np.floor(interp_anchors(days, POLICY_FLOOR) / 0.25 + 1e-9) * 0.25
    csum = np.r_[0.0, np.cumsum(np.r_[floor_, np.full(504, floor_[-1])])]

    def fwd(w: int) -> np.ndarray:
        return (csum[np.arange(n) + w] - csum[:n]) / w

    level_shock = rng.normal(0.0, 0.035, n)
    level = lfilter([1.0], [1.0, -0.995], level_shock)
    tp = 0.2 + ar1(rng, n, 0.997, 0.02) + 0.6 * k10 * s
    r3m = np.maximum(fwd(63) + 0.04 + ar1(rng, n, 0.9, 0.015), 0.0)
    r2 = np.maximum(0.9 * fwd(504) + 0.15 + ar1(rng, n, 0.99, 0.03) + 0.2 * k10 * s, 0.05)
    r10 = 1.9 + 0.5 * fwd(504) + tp + level + 0.4 * k10 * s
    be = 1.9 + ar1(rng, n, 0.997, 0.02)
    stress = np.log(h_next)
    exhaustion = np.clip(1 - liq["RRPONTSYD"] / 250, 0, 1) * np.clip(
        (3500 - liq["WRESBAL"]) / 1500, 0, 1
    )
    month_end = last_of_period(days, "M")
    out = {
        "DGS10": r10,
        "DFII10": r10 - be,
        "DGS2": r2,
        "DGS3MO": r3m,
        "BAA10Y": np.maximum(1.9 + 0.45 * stress + ar1(rng, n, 0.997, 0.02) + kcs * s, 0.8),
        "BAMLC0A0CM": np.maximum(
            1.0 + 0.35 * stress + ar1(rng, n, 0.997, 0.015) + 0.6 * kcs * s, 0.4
        ),
        "BAMLH0A0HYM2": np.maximum(
            3.6 + 1.6 * stress + ar1(rng, n, 0.997, 0.05) + 2 * kcs * s, 2.0
        ),
        "SOFR": floor_
        + 0.05
        + 0.12 * exhaustion
        + np.abs(rng.normal(0, 0.01, n))
        + month_end * rng.uniform(0.0, 0.08, n),
        "THREEFYTP10": tp,
        "ACMTP10": tp + 0.15 + ar1(rng, n, 0.99, 0.02),
        "VIXCLS": np.maximum(
            100
            * FACTOR_VOLS["market"]
            * np.sqrt(252 * h_next)
            * 1.15
            * np.exp(ar1(rng, n, 0.95, 0.05)),
            9.0,
        ),
        "DFF": floor_ + 0.08 + rng.normal(0.0, 0.01, n),
        "IORB": floor_ + 0.15,
    }
    out = {k: np.round(v, DECIMALS.get(k, 2)) for k, v in out.items()}
    out["T10Y2Y"] = np.round(out["DGS10"] - out["DGS2"], 2)
    out["T10Y3M"] = np.round(out["DGS10"] - out["DGS3MO"], 2)
    return out, level_shock / 0.035


def fred_layout(
    series: dict[str, np.ndarray], days: pd.DatetimeIndex, cal: pd.DatetimeIndex
) -> dict:
    """Put each business-day array on its FRED calendar (daily, 7-day, weekly, month-end)."""
    holidays = USFederalHolidayCalendar().holidays(days[0], days[-1])
    out = {}
    for name, values in series.items():
        s = pd.Series(values, index=days, name=name, dtype="float64")
        if name in ("WALCL", "WTREGEN", "WRESBAL"):
            s = s[days.day_of_week == 2]
        elif name == "ACMTP10":
            s = s[last_of_period(days, "M")]
            s.index = s.index.to_period("M").to_timestamp(how="end").normalize()
        elif name in ("DFF", "IORB"):
            s = s.reindex(cal).ffill().bfill()
        elif name in HOLIDAY_BLANK:
            s = s.where(~s.index.isin(holidays))
        if name == "SOFR":
            s = s[s.index >= SOFR_START]
        elif name == "IORB":
            s = s[s.index >= IORB_START]
        s.index.name = "date"
        out[name] = s
    return out

"""The structural simulator behind :mod:`data.sources.synthetic` (in memory, no I/O).

:func:`simulate_market` draws one synthetic world from a seed; the writer in
:mod:`data.sources.synthetic` turns it into mirror files. The model is documented there.
Every random component has its own stream (``numpy.random.SeedSequence(seed).spawn``), so
the planted ``effect_size`` changes asset drifts only: the same seed with another effect size
gives the same innovations, macro series and filings.

The institutional shapes (policy-rate path, Fed balance sheet, currency in circulation) are
stylized anchor tables in this module, interpolated over the simulated dates (flat outside
the anchors); the thesis-relevant knobs (capex boom, RRP fill and drain, tails, clustering,
scarcity weights and responses) are ``[synthetic]`` configuration keys.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.tseries.holiday import USFederalHolidayCalendar
from pandas.tseries.offsets import BDay
from scipy.signal import lfilter

from data.config import Config
from data.errors import ConfigError
from data.pit import available_date, next_business_day

STREAMS = ("capex", "liquidity", "rates", "factors", "idio", "crypto", "filings", "extra")
"""Named random streams, spawned in this order from the seed (a new stream goes last, so
the earlier ones, and the worlds they draw, do not change)."""

FISCAL_YEAR_END = {"MSFT": 6, "ORCL": 5}
"""Fiscal-year-end month per company (December when absent)."""

# company: (capex per quarter at the first simulated month in USD, OCF / capex then,
#           boom intensity); made-up magnitudes
COMPANIES = {
    "MSFT": (1.5e9, 1.8, 1.0),
    "GOOGL": (2.2e9, 1.6, 0.9),
    "AMZN": (1.8e9, 1.3, 0.9),
    "META": (0.45e9, 1.7, 1.2),
    "ORCL": (0.2e9, 1.9, 1.7),
}
_COMPANY_DEFAULT = (1.0e9, 2.5, 1.0)

FACTOR_VOLS = {"market": 0.0095, "tech": 0.008, "semis": 0.010, "spec": 0.010, "rate": 0.004}
"""Daily volatility of each return factor (loading 1)."""

# ticker: (drift p.a., vol p.a., market, tech, semis, spec, rate, first price); crypto vols
# and drifts are per 365 calendar days, the others per 252 business days
ASSETS = {
    "SPY": (0.09, 0.16, 1.00, 0.0, 0.0, 0.0, 0.0, 180.0),
    "QQQ": (0.12, 0.21, 1.10, 0.9, 0.0, 0.0, -0.3, 85.0),
    "MSFT": (0.15, 0.26, 1.00, 1.0, 0.0, 0.0, -0.2, 35.0),
    "GOOGL": (0.14, 0.29, 1.05, 1.0, 0.0, 0.0, -0.2, 28.0),
    "AMZN": (0.16, 0.33, 1.10, 1.1, 0.0, 0.0, -0.3, 20.0),
    "META": (0.16, 0.40, 1.20, 1.1, 0.0, 0.0, -0.3, 55.0),
    "ORCL": (0.10, 0.28, 0.90, 0.6, 0.0, 0.0, 0.0, 33.0),
    "MU": (0.12, 0.45, 1.40, 0.7, 1.0, 0.0, 0.0, 22.0),
    "WDC": (0.08, 0.42, 1.30, 0.6, 0.8, 0.0, 0.0, 60.0),
    "STX": (0.08, 0.38, 1.20, 0.5, 0.7, 0.0, 0.0, 45.0),
    "SNDK": (0.10, 0.55, 1.40, 0.6, 1.0, 0.0, 0.0, 40.0),
    "ARKK": (0.10, 0.40, 1.40, 0.8, 0.0, 1.2, -0.8, 20.0),
    "IGV": (0.11, 0.26, 1.10, 0.9, 0.0, 0.5, -0.5, 90.0),
    "BTC-USD": (0.30, 0.70, 0.50, 0.0, 0.0, 1.0, -0.5, 800.0),
    # robustness-basket members ([universe.robustness]), drawn from the "extra" stream
    "VTV": (0.08, 0.15, 0.90, -0.2, 0.0, 0.0, 0.1, 80.0),
    "XLE": (0.06, 0.27, 0.90, -0.3, 0.0, 0.0, 0.3, 70.0),
    "ETH-USD": (0.35, 0.90, 0.50, 0.0, 0.0, 1.2, -0.6, 10.0),
    "WCLD": (0.10, 0.35, 1.20, 1.0, 0.0, 0.8, -0.7, 30.0),
}
_ASSET_TEMPLATE = {"near": "STX", "long": "ARKK", "crypto": "BTC-USD", "other": "SPY"}

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


@dataclass(frozen=True)
class SimulatedMarket:
    """One simulated world, in memory.

    Attributes
    ----------
    prices : dict[str, Series]
        Per ticker, closes on its own calendar (crypto: calendar days; others: Mon-Fri),
        from its first day; rounded to 6 decimals as written.
    macro : dict[str, Series]
        Per series, values by observation date in the series' units (NaN = empty cell).
    quarters : DataFrame
        One row per fiscal quarter and company: ``ticker, fiscal_year, fiscal_quarter,
        fy_start, period_start, period_end, filed, form, capex, ocf, debt`` (USD, discrete).
    scarcity : Series
        Latent capital scarcity on business days, known at close t (NaN where undefined).
    components : DataFrame
        ``capex_growth, rrp_bn, capex_z, rrp_z`` on business days, known at t.
    expected_spread : Series
        Planted expected near-minus-long return realized on each business day
        (``effect_size * scarcity`` of the previous business day).
    spread : Series
        Realized equal-weight near-minus-long business-day return.
    """

    prices: dict[str, pd.Series]
    macro: dict[str, pd.Series]
    quarters: pd.DataFrame
    scarcity: pd.Series
    components: pd.DataFrame
    expected_spread: pd.Series
    spread: pd.Series


def _date(cfg: Config, key: str, default: str) -> pd.Timestamp:
    raw = cfg.synthetic.get(key, default)
    try:
        ts = pd.Timestamp(raw)
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"`synthetic.{key}` must be a date, got {raw!r}") from exc
    if pd.isna(ts):
        raise ConfigError(f"`synthetic.{key}` must be a date, got {raw!r}")
    return ts.normalize()


def _num(cfg: Config, key: str, default: float, lo: float, hi: float) -> float:
    val = cfg.synthetic.get(key, default)
    if isinstance(val, bool) or not isinstance(val, int | float) or not lo <= val <= hi:
        raise ConfigError(f"`synthetic.{key}` must be a number in [{lo}, {hi}], got {val!r}")
    return float(val)


def _interp(dates: pd.DatetimeIndex, anchors: tuple) -> np.ndarray:
    x = pd.to_datetime([a[0] for a in anchors]).asi8
    return np.interp(dates.asi8, x, [a[1] for a in anchors])


def _ar1(rng: np.random.Generator, n: int, phi: float, sd: float) -> np.ndarray:
    return lfilter([1.0], [1.0, -phi], rng.normal(0.0, sd, n))


def _t(rng: np.random.Generator, shape: tuple[int, ...], df: float) -> np.ndarray:
    """Student-t draws scaled to unit variance, clipped at 7 standard deviations."""
    return np.clip(rng.standard_t(df, shape) * np.sqrt((df - 2.0) / df), -7.0, 7.0)


def _garch(z: np.ndarray, alpha: float, beta: float) -> tuple[np.ndarray, np.ndarray]:
    """GARCH(1,1) with unit unconditional variance: shocks (T, K) and variances (T + 1, K).

    The variance is capped at 6 (2.45 times the unconditional volatility).
    """
    h = np.empty((z.shape[0] + 1, z.shape[1]))
    eps = np.empty_like(z)
    h[0] = 1.0
    omega = 1.0 - alpha - beta
    for t in range(z.shape[0]):
        eps[t] = np.sqrt(h[t]) * z[t]
        h[t + 1] = np.minimum(omega + alpha * eps[t] ** 2 + beta * h[t], 6.0)
    return eps, h


def _last_of_period(days: pd.DatetimeIndex, freq: str) -> np.ndarray:
    """Mask of the last day of each month (``"M"``) or quarter (``"Q"``) in ``days``."""
    per = days.to_period(freq).asi8
    return np.r_[per[1:] != per[:-1], True]


def simulate_quarters(cfg: Config, rng: np.random.Generator) -> pd.DataFrame:
    """Discrete fiscal quarters of capex, operating cash flow and debt issuance, with filings.

    Capex (log) = base growth + boom (accelerating from ``capex_boom_start`` over
    ``capex_boom_ramp_quarters``, scaled by a company intensity) + a common AR(1) cycle + a
    fiscal seasonal + noise. OCF grows a little faster than base capex and less in the boom.
    Debt issuance = lumpy bonds + 1.2 x the funding gap ``max(0, capex - 0.85 OCF)``.
    10-Qs are filed 25-40 days after a fiscal Q1-Q3 end, 10-Ks 30-60 days after the year end
    (weekends roll to Monday). Values are rounded to USD millions.
    """
    s = cfg.synthetic
    start, end = _date(cfg, "start", "2014-01-01"), _date(cfg, "end", "2025-12-31")
    lead = _num(cfg, "fundamentals_lead_years", 3, 0, 20)
    growth = _num(cfg, "capex_base_growth", 0.03, -0.2, 0.2)
    boom_g = _num(cfg, "capex_boom_growth", 0.08, 0.0, 0.5)
    ramp = _num(cfg, "capex_boom_ramp_quarters", 4, 0.5, 40)
    boom_on = s.get("capex_boom", True)
    if not isinstance(boom_on, bool):
        raise ConfigError(f"`synthetic.capex_boom` must be true or false, got {boom_on!r}")
    origin = (start - pd.DateOffset(months=int(round(12 * lead)))).to_period("M")
    months = pd.period_range(origin, end.to_period("M"), freq="M")
    k = np.arange(len(months), dtype=float)
    cycle = _ar1(rng, len(months), 0.9, 0.015)
    kb = (months.asi8 - _date(cfg, "capex_boom_start", "2023-01-01").to_period("M").ordinal) / 3
    boom = np.where(kb < 0, 0.0, np.where(kb < ramp, kb**2 / (2 * ramp), kb - ramp / 2))
    boom = boom * boom_g * boom_on
    rows = []
    for ticker in cfg.universe.hyperscalers:
        fye = FISCAL_YEAR_END.get(ticker, 12)
        scale, ratio, intensity = COMPANIES.get(ticker, _COMPANY_DEFAULT)
        # quarter ends from the first fiscal Q1 that starts on or after the origin
        qi = [i for i in range(2, len(months)) if (months[i].month - fye) % 3 == 0]
        first = next(i for i in qi if (months[i].month - fye) % 12 == 3)
        qi = [i for i in qi if i >= first]
        n = len(qi)
        e_c, e_o = rng.normal(0, 0.05, n), rng.normal(0, 0.06, n)
        bond, bond_size = rng.random(n) < 0.25, rng.lognormal(0.0, 0.5, n)
        lag_q, lag_k = rng.integers(25, 41, n), rng.integers(30, 61, n)
        for j, i in enumerate(qi):
            m = months[i]
            fq = 4 - ((fye - m.month) % 12) // 3
            season = {1: -0.04, 4: 0.06}.get(fq, 0.0)
            capex = scale * np.exp(
                growth * k[i] / 3 + intensity * boom[i] + cycle[i] + season + e_c[j]
            )
            ocf = (
                scale
                * ratio
                * np.exp((growth + 0.003) * k[i] / 3 + 0.3 * boom[i] + 0.5 * cycle[i] + e_o[j])
            )
            debt = 1.2 * max(0.0, capex - 0.85 * ocf)
            debt += bond[j] * 1.5 * scale * bond_size[j] * np.exp(growth * k[i] / 3)
            period_end = m.end_time.normalize()
            lag = lag_k[j] if fq == 4 else lag_q[j]
            filed = period_end + pd.Timedelta(days=int(lag))
            filed = filed + BDay(0) if filed.day_of_week >= 5 else filed
            fy_end = m + (fye - m.month) % 12
            rows.append(
                {
                    "ticker": ticker,
                    "fiscal_year": fy_end.year,
                    "fiscal_quarter": fq,
                    "fy_start": (fy_end - 11).start_time,
                    "period_start": (m - 2).start_time,
                    "period_end": period_end,
                    "filed": filed,
                    "form": "10-K" if fq == 4 else "10-Q",
                    "capex": round(capex / 1e6) * 1e6,
                    "ocf": round(ocf / 1e6) * 1e6,
                    "debt": round(debt / 1e6) * 1e6,
                }
            )
    out = pd.DataFrame(rows)
    return out[out["filed"] <= end].reset_index(drop=True)


def capex_growth_known(quarters: pd.DataFrame, index: pd.DatetimeIndex) -> pd.Series:
    """Aggregate trailing-4-quarter capex growth (log, vs. the 4 quarters before), known at t.

    Timing
    ------
    A quarter counts from the business day after its filing date. Each company contributes
    its latest known trailing sums; NaN until every company has eight known quarters.
    """
    now = np.zeros(len(index))
    prev = np.zeros(len(index))
    for _, g in quarters.sort_values("period_end").groupby("ticker", sort=True):
        c = g["capex"].to_numpy()
        ttm = pd.Series(c).rolling(4).sum().to_numpy()
        ttm_prev = np.r_[np.full(4, np.nan), ttm[:-4]] if len(c) > 4 else np.full(len(c), np.nan)
        avail = next_business_day(pd.DatetimeIndex(g["filed"]))
        pos = avail.searchsorted(index, side="right") - 1
        ok = pos >= 0
        p = pos.clip(min=0)
        now += np.where(ok, ttm[p], np.nan)
        prev += np.where(ok, ttm_prev[p], np.nan)
    return pd.Series(np.log(now / prev), index=index, name="capex_growth")


def simulate_liquidity(cfg: Config, days: pd.DatetimeIndex, rng: np.random.Generator) -> dict:
    """RRP (billions), Fed assets and TGA (millions), reserves (billions) on business days.

    The ON RRP balance follows a shape (``rrp_base_bn`` until ``rrp_fill_start``, filling to
    ``rrp_peak_bn`` by ``rrp_peak_start``, a plateau, a drain to ``rrp_floor_bn`` by
    ``rrp_drain_end``) times log-AR(1) noise, plus quarter-end spikes. Reserves are the
    residual: Fed assets - TGA - RRP - currency - 250 bn of other liabilities (floor 300 bn).
    """
    names = ("rrp_fill_start", "rrp_peak_start", "rrp_drain_start", "rrp_drain_end")
    defaults = ("2021-03-01", "2021-12-01", "2023-03-01", "2024-09-30")
    d = [_date(cfg, n, v) for n, v in zip(names, defaults, strict=True)]
    if not d[0] <= d[1] <= d[2] <= d[3]:
        raise ConfigError(
            f"`synthetic` RRP dates must be in order {names}, got {[str(x.date()) for x in d]}"
        )
    base = _num(cfg, "rrp_base_bn", 120.0, 0.0, 1e5)
    peak = _num(cfg, "rrp_peak_bn", 2200.0, 0.0, 1e5)
    floor = _num(cfg, "rrp_floor_bn", 5.0, 0.0, 1e5)
    anchors = tuple(zip(d, (base, peak, peak, floor), strict=True))
    shape = _interp(days, anchors)
    n = len(days)
    qend = _last_of_period(days, "Q")
    spike = qend * rng.uniform(0.2, 0.6, n) * (shape + 100.0)
    rrp = np.maximum(shape * np.exp(_ar1(rng, n, 0.97, 0.04)) + spike, 0.0)
    rrp = np.round(rrp, 3)
    walcl = np.round(_interp(days, FED_ASSETS_TN) * 1e6 * np.exp(_ar1(rng, n, 0.99, 0.0015)))
    tga = np.round(_interp(days, TGA_TN) * 1e6 * np.exp(_ar1(rng, n, 0.98, 0.05)))
    currency = _interp(days, CURRENCY_TN) * 1e3
    reserves = np.maximum((walcl - tga) / 1e3 - rrp - currency - 250.0, 300.0)
    return {"RRPONTSYD": rrp, "WALCL": walcl, "WTREGEN": tga, "WRESBAL": np.round(reserves, 1)}


def scarcity_truth(
    cfg: Config, quarters: pd.DataFrame, rrp: pd.Series, days: pd.DatetimeIndex
) -> tuple[pd.Series, pd.DataFrame]:
    """Latent scarcity = w_c z(capex growth) - w_r z(RRP level), standardized.

    Timing
    ------
    Both inputs are as known at close t: filings from the business day after ``filed``,
    RRP observations from their release (``[macro.series.RRPONTSYD] lag``). The z-scores use
    the full-sample mean and standard deviation: a constant affine map, so the truth's time
    variation uses only information at t, but its level is not a tradable signal.
    """
    growth = capex_growth_known(quarters, days)
    lag = cfg.macro.series.get("RRPONTSYD", {}).get("lag", "1B")
    obs = rrp.dropna()
    pos = available_date(obs.index, lag).searchsorted(days, side="right") - 1
    rrp_known = pd.Series(np.where(pos >= 0, obs.to_numpy()[pos.clip(min=0)], np.nan), index=days)

    def z(x: pd.Series) -> pd.Series:
        return (x - x.mean()) / x.std()

    w_c = _num(cfg, "scarcity_capex_weight", 1.0, 0.0, 10.0)
    w_r = _num(cfg, "scarcity_rrp_weight", 1.0, 0.0, 10.0)
    if w_c + w_r == 0:
        raise ConfigError("`synthetic.scarcity_capex_weight` and `scarcity_rrp_weight` are both 0")
    comps = pd.DataFrame(
        {"capex_growth": growth, "rrp_bn": rrp_known, "capex_z": z(growth), "rrp_z": z(rrp_known)}
    )
    raw = w_c * comps["capex_z"].fillna(0.0) - w_r * comps["rrp_z"].fillna(0.0)
    raw[comps[["capex_z", "rrp_z"]].isna().any(axis=1)] = np.nan
    comps.index.name = "date"
    return z(raw).rename("scarcity"), comps


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
    k10 = _num(cfg, "yield_response", 0.25, -5.0, 5.0)
    kcs = _num(cfg, "spread_response", 0.10, -5.0, 5.0)
    floor_ = np.floor(_interp(days, POLICY_FLOOR) / 0.25 + 1e-9) * 0.25
    csum = np.r_[0.0, np.cumsum(np.r_[floor_, np.full(504, floor_[-1])])]

    def fwd(w: int) -> np.ndarray:
        return (csum[np.arange(n) + w] - csum[:n]) / w

    level_shock = rng.normal(0.0, 0.035, n)
    level = lfilter([1.0], [1.0, -0.995], level_shock)
    tp = 0.2 + _ar1(rng, n, 0.997, 0.02) + 0.6 * k10 * s
    r3m = np.maximum(fwd(63) + 0.04 + _ar1(rng, n, 0.9, 0.015), 0.0)
    r2 = np.maximum(0.9 * fwd(504) + 0.15 + _ar1(rng, n, 0.99, 0.03) + 0.2 * k10 * s, 0.05)
    r10 = 1.9 + 0.5 * fwd(504) + tp + level + 0.4 * k10 * s
    be = 1.9 + _ar1(rng, n, 0.997, 0.02)
    stress = np.log(h_next)
    exhaustion = np.clip(1 - liq["RRPONTSYD"] / 250, 0, 1) * np.clip(
        (3500 - liq["WRESBAL"]) / 1500, 0, 1
    )
    month_end = _last_of_period(days, "M")
    out = {
        "DGS10": r10,
        "DFII10": r10 - be,
        "DGS2": r2,
        "DGS3MO": r3m,
        "BAA10Y": np.maximum(1.9 + 0.45 * stress + _ar1(rng, n, 0.997, 0.02) + kcs * s, 0.8),
        "BAMLC0A0CM": np.maximum(
            1.0 + 0.35 * stress + _ar1(rng, n, 0.997, 0.015) + 0.6 * kcs * s, 0.4
        ),
        "BAMLH0A0HYM2": np.maximum(
            3.6 + 1.6 * stress + _ar1(rng, n, 0.997, 0.05) + 2 * kcs * s, 2.0
        ),
        "SOFR": floor_
        + 0.05
        + 0.12 * exhaustion
        + np.abs(rng.normal(0, 0.01, n))
        + month_end * rng.uniform(0.0, 0.08, n),
        "THREEFYTP10": tp,
        "ACMTP10": tp + 0.15 + _ar1(rng, n, 0.99, 0.02),
        "VIXCLS": np.maximum(
            100
            * FACTOR_VOLS["market"]
            * np.sqrt(252 * h_next)
            * 1.15
            * np.exp(_ar1(rng, n, 0.95, 0.05)),
            9.0,
        ),
        "DFF": floor_ + 0.08 + rng.normal(0.0, 0.01, n),
        "IORB": floor_ + 0.15,
    }
    out = {k: np.round(v, DECIMALS.get(k, 2)) for k, v in out.items()}
    out["T10Y2Y"] = np.round(out["DGS10"] - out["DGS2"], 2)
    out["T10Y3M"] = np.round(out["DGS10"] - out["DGS3MO"], 2)
    return out, level_shock / 0.035


def _shock_params(cfg: Config) -> tuple[float, float, float]:
    """Student-t degrees of freedom and GARCH alpha, beta of every return shock (validated)."""
    df = _num(cfg, "student_df", 5.0, 2.5, 1000.0)
    alpha = _num(cfg, "garch_alpha", 0.06, 0.0, 1.0)
    beta = _num(cfg, "garch_beta", 0.92, 0.0, 1.0)
    if alpha + beta >= 1:
        raise ConfigError(f"`synthetic.garch_alpha + garch_beta` must be < 1, got {alpha + beta}")
    return df, alpha, beta


def _asset_params(ticker: str, role: str) -> tuple:
    return ASSETS.get(ticker, ASSETS[_ASSET_TEMPLATE[role]])


def simulate_prices(
    cfg: Config,
    days: pd.DatetimeIndex,
    cal: pd.DatetimeIndex,
    factors: np.ndarray,
    rate_z: np.ndarray,
    drift: np.ndarray,
    streams: dict[str, np.random.Generator],
) -> dict[str, pd.Series]:
    """Simulate closes per ticker: factor model, GARCH Student-t shocks and the planted drift.

    Business-day simple return of ticker i on day t: ``mu_i + sum_k load_ik vol_k f_kt +
    sd_i e_it + role_i drift_t / 2`` with ``role`` +1 for the near basket, -1 for the long
    basket, 0 otherwise (clipped at -90%). Crypto trades every calendar day: weekday returns
    carry the business-day factors and drift, weekends only its own shocks, so a business-day
    sample sees the weekend in Monday's return and the drift exactly once. Members of the
    robustness baskets (``cfg.robustness_tickers``) take the role of their side and draw
    their shocks from the ``extra`` stream.
    """
    s = cfg.synthetic
    df, alpha, beta = _shock_params(cfg)
    near, long = set(cfg.universe.near), set(cfg.universe.long)
    rob = cfg.robustness_baskets
    rob_near = {t for names in rob["near"].values() for t in names} - long
    rob_long = {t for names in rob["long"].values() for t in names} - near
    crypto = set(cfg.data.crypto)
    late = str(s.get("late_ticker", "SNDK"))
    late_start = _date(cfg, "late_start", "2025-02-24")
    vols = np.array([FACTOR_VOLS[k] for k in ("market", "tech", "semis", "spec", "rate")])
    fac = np.column_stack([factors, rate_z]) * vols  # (T, 5) daily factor returns
    weekday = cal.day_of_week < 5
    bpos = days.searchsorted(cal[weekday])
    out: dict[str, pd.Series] = {}
    # the configured tickers from the "idio"/"crypto" streams, then the robustness members
    # from the "extra" stream (so adding those leaves the others' draws unchanged)
    groups = [(list(cfg.tickers), streams["idio"], streams["crypto"], near, long)]
    if cfg.robustness_tickers:
        groups.append(
            (list(cfg.robustness_tickers), streams["extra"], streams["extra"], rob_near, rob_long)
        )
    for tickers, rng_eq, rng_cr, g_near, g_long in groups:
        is_crypto = [t in crypto or t.endswith("-USD") for t in tickers]
        eq = [t for t, c in zip(tickers, is_crypto, strict=True) if not c]
        cr = [t for t, c in zip(tickers, is_crypto, strict=True) if c]
        idio_eq, _ = _garch(_t(rng_eq, (len(days), len(eq)), df), alpha, beta)
        idio_cr, _ = _garch(_t(rng_cr, (len(cal), len(cr)), df), alpha, beta)
        for t in tickers:
            role = "near" if t in g_near else "long" if t in g_long else None
            crypt = t in cr
            mu, vol, *load, p0 = _asset_params(t, role or ("crypto" if crypt else "other"))
            load = np.array(load)
            sys_var = float(np.sum((load * vols) ** 2))
            sign = {"near": 0.5, "long": -0.5}.get(role or "", 0.0)
            if crypt:
                tot = vol / np.sqrt(365)
                sd = np.sqrt(max(tot**2 - sys_var * 5 / 7, (0.25 * tot) ** 2))
                r = mu / 365 + sd * idio_cr[:, cr.index(t)]
                r[weekday] += fac[bpos] @ load + sign * drift[bpos]
                index = cal
            else:
                tot = vol / np.sqrt(252)
                sd = np.sqrt(max(tot**2 - sys_var, (0.25 * tot) ** 2))
                r = mu / 252 + fac @ load + sd * idio_eq[:, eq.index(t)] + sign * drift
                index = days
            r = np.maximum(r, -0.9)
            first = 0
            if t == late and index[0] < late_start <= index[-1]:
                first = int(index.searchsorted(late_start))
            r[first] = 0.0
            px = np.round(p0 * np.cumprod(1.0 + r[first:]), 6)
            out[t] = pd.Series(px, index=index[first:], name=t)
    return out


def spread_returns(prices: dict[str, pd.Series], cfg: Config, days: pd.DatetimeIndex) -> pd.Series:
    """Equal-weight near minus long business-day return (members count from their first day)."""

    def basket(names: tuple) -> pd.Series:
        frame = pd.DataFrame({n: prices[n].reindex(days) for n in names if n in prices})
        return frame.pct_change(fill_method=None).mean(axis=1)

    return (basket(cfg.universe.near) - basket(cfg.universe.long)).rename("spread")


def _layout(series: dict[str, np.ndarray], days: pd.DatetimeIndex, cal: pd.DatetimeIndex) -> dict:
    """Put each business-day array on its FRED calendar (daily, 7-day, weekly, month-end)."""
    holidays = USFederalHolidayCalendar().holidays(days[0], days[-1])
    out = {}
    for name, values in series.items():
        s = pd.Series(values, index=days, name=name, dtype="float64")
        if name in ("WALCL", "WTREGEN", "WRESBAL"):
            s = s[days.day_of_week == 2]
        elif name == "ACMTP10":
            s = s[_last_of_period(days, "M")]
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


def simulate_market(cfg: Config, *, seed: int, effect_size: float) -> SimulatedMarket:
    """Simulate the whole synthetic world for ``seed`` with the planted ``effect_size``.

    Parameters
    ----------
    cfg : Config
        ``[synthetic]`` model parameters and dates, ``[universe]`` tickers, the RRP lag.
    seed : int, keyword-only
        Seed of ``numpy.random.SeedSequence``; one stream per :data:`STREAMS`.
    effect_size : float, keyword-only
        Expected near-minus-long return on business day t+1 per unit of ``scarcity_t``.

    Returns
    -------
    SimulatedMarket
    """
    start, end = _date(cfg, "start", "2014-01-01"), _date(cfg, "end", "2025-12-31")
    days = pd.bdate_range(start, end, name="date")
    if len(days) < 300:
        raise ConfigError(
            f"`synthetic.start`..`end` must span at least 300 business days, got {len(days)}"
        )
    cal = pd.date_range(days[0], end, freq="D", name="date")
    seqs = np.random.SeedSequence(seed).spawn(len(STREAMS))
    streams = {k: np.random.default_rng(q) for k, q in zip(STREAMS, seqs, strict=True)}
    quarters = simulate_quarters(cfg, streams["capex"])
    liq = simulate_liquidity(cfg, days, streams["liquidity"])
    rrp = _layout({"RRPONTSYD": liq["RRPONTSYD"]}, days, cal)["RRPONTSYD"]
    scarcity, comps = scarcity_truth(cfg, quarters, rrp, days)
    s = scarcity.fillna(0.0).to_numpy()
    df, alpha, beta = _shock_params(cfg)
    factors, h = _garch(_t(streams["factors"], (len(days), 4), df), alpha, beta)
    rates, rate_z = simulate_rates(cfg, days, liq, s, h[1:, 0], streams["rates"])
    drift = np.r_[0.0, effect_size * s[:-1]]
    prices = simulate_prices(cfg, days, cal, factors, rate_z, drift, streams)
    return SimulatedMarket(
        prices=prices,
        macro=_layout({**rates, **liq}, days, cal),
        quarters=quarters,
        scarcity=scarcity,
        components=comps,
        expected_spread=pd.Series(drift, index=days, name="expected_spread"),
        spread=spread_returns(prices, cfg, days),
    )

"""Hyperscaler fundamentals of the synthetic market: capex, cash flow, debt and filings.

:func:`simulate_quarters` draws each company's discrete fiscal quarters (capex, operating cash
flow, debt issuance) with the dates they are filed; :func:`capex_growth_known` aggregates
the capex into the growth known at each business day, the capex input of the latent scarcity.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.tseries.offsets import BDay

from data.config import Config
from data.errors import ConfigError
from data.pit import next_business_day
from data.sources.synthetic_primitives import ar1, config_date, config_number

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
COMPANY_DEFAULT = (1.0e9, 2.5, 1.0)


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
    start, end = config_date(cfg, "start", "2014-01-01"), config_date(cfg, "end", "2025-12-31")
    lead = config_number(cfg, "fundamentals_lead_years", 3, 0, 20)
    growth = config_number(cfg, "capex_base_growth", 0.03, -0.2, 0.2)
    boom_g = config_number(cfg, "capex_boom_growth", 0.08, 0.0, 0.5)
    ramp = config_number(cfg, "capex_boom_ramp_quarters", 4, 0.5, 40)
    boom_on = s.get("capex_boom", True)
    if not isinstance(boom_on, bool):
        raise ConfigError(f"`synthetic.capex_boom` must be true or false, got {boom_on!r}")
    origin = (start - pd.DateOffset(months=int(round(12 * lead)))).to_period("M")
    months = pd.period_range(origin, end.to_period("M"), freq="M")
    k = np.arange(len(months), dtype=float)
    cycle = ar1(rng, len(months), 0.9, 0.015)
    kb = (
        months.asi8 - config_date(cfg, "capex_boom_start", "2023-01-01").to_period("M").ordinal
    ) / 3
    boom = np.where(kb < 0, 0.0, np.where(kb < ramp, kb**2 / (2 * ramp), kb - ramp / 2))
    boom = boom * boom_g * boom_on
    rows = []
    for ticker in cfg.universe.hyperscalers:
        fye = FISCAL_YEAR_END.get(ticker, 12)
        scale, ratio, intensity = COMPANIES.get(ticker, COMPANY_DEFAULT)
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

"""The structural simulator behind :mod:`data.sources.synthetic` (in memory, no I/O).

:func:`simulate_market` draws one synthetic world from a seed; the writer in
:mod:`data.sources.synthetic` turns it into mirror files. The model is documented there.
Every random component has its own stream (``numpy.random.SeedSequence(seed).spawn``), so
the planted ``effect_size`` changes asset drifts only: the same seed with another effect size
gives the same innovations, macro series and filings.

This module holds the world as a whole: the random streams, the latent scarcity that links
the parts, and their assembly. The parts are sibling modules: the hyperscalers' filings
(:mod:`~data.sources.synthetic_capex`), idle liquidity, rates and FRED calendars
(:mod:`~data.sources.synthetic_macro`), asset prices (:mod:`~data.sources.synthetic_prices`)
and their building blocks (:mod:`~data.sources.synthetic_primitives`). The institutional
shapes are stylized anchor tables, the thesis-relevant knobs (capex boom, RRP fill and
drain, tails, clustering, scarcity weights and responses) ``[synthetic]`` configuration keys.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.config import Config
from data.errors import ConfigError
from data.pit import available_date
from data.sources.synthetic_capex import (
    COMPANIES,
    COMPANY_DEFAULT,
    FISCAL_YEAR_END,
    capex_growth_known,
    simulate_quarters,
)
from data.sources.synthetic_macro import (
    CURRENCY_TN,
    DECIMALS,
    FED_ASSETS_TN,
    HOLIDAY_BLANK,
    IORB_START,
    POLICY_FLOOR,
    SOFR_START,
    TGA_TN,
    fred_layout,
    simulate_liquidity,
    simulate_rates,
)
from data.sources.synthetic_prices import (
    ASSET_TEMPLATE,
    ASSETS,
    FACTOR_VOLS,
    asset_params,
    simulate_prices,
    spread_returns,
)
from data.sources.synthetic_primitives import (
    ar1,
    config_date,
    config_number,
    garch,
    interp_anchors,
    last_of_period,
    shock_params,
    student_t,
)

STREAMS = ("capex", "liquidity", "rates", "factors", "idio", "crypto", "filings", "extra")
"""Named random streams, spawned in this order from the seed (a new stream goes last, so
the earlier ones, and the worlds they draw, do not change)."""


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

    w_c = config_number(cfg, "scarcity_capex_weight", 1.0, 0.0, 10.0)
    w_r = config_number(cfg, "scarcity_rrp_weight", 1.0, 0.0, 10.0)
    if w_c + w_r == 0:
        raise ConfigError("`synthetic.scarcity_capex_weight` and `scarcity_rrp_weight` are both 0")
    comps = pd.DataFrame(
        {"capex_growth": growth, "rrp_bn": rrp_known, "capex_z": z(growth), "rrp_z": z(rrp_known)}
    )
    raw = w_c * comps["capex_z"].fillna(0.0) - w_r * comps["rrp_z"].fillna(0.0)
    raw[comps[["capex_z", "rrp_z"]].isna().any(axis=1)] = np.nan
    comps.index.name = "date"
    return z(raw).rename("scarcity"), comps


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
    start, end = config_date(cfg, "start", "2014-01-01"), config_date(cfg, "end", "2025-12-31")
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
    rrp = fred_layout({"RRPONTSYD": liq["RRPONTSYD"]}, days, cal)["RRPONTSYD"]
    scarcity, comps = scarcity_truth(cfg, quarters, rrp, days)
    s = scarcity.fillna(0.0).to_numpy()
    df, alpha, beta = shock_params(cfg)
    factors, h = garch(student_t(streams["factors"], (len(days), 4), df), alpha, beta)
    rates, rate_z = simulate_rates(cfg, days, liq, s, h[1:, 0], streams["rates"])
    drift = np.r_[0.0, effect_size * s[:-1]]
    prices = simulate_prices(cfg, days, cal, factors, rate_z, drift, streams)
    return SimulatedMarket(
        prices=prices,
        macro=fred_layout({**rates, **liq}, days, cal),
        quarters=quarters,
        scarcity=scarcity,
        components=comps,
        expected_spread=pd.Series(drift, index=days, name="expected_spread"),
        spread=spread_returns(prices, cfg, days),
    )


# The parts' former private names here, kept for importers of this module.
_COMPANY_DEFAULT, _ASSET_TEMPLATE = COMPANY_DEFAULT, ASSET_TEMPLATE
_date, _num, _shock_params = config_date, config_number, shock_params
_interp, _ar1, _t, _garch, _last_of_period = interp_anchors, ar1, student_t, garch, last_of_period
_asset_params, _layout = asset_params, fred_layout

__all__ = [
    "ASSETS",
    "COMPANIES",
    "CURRENCY_TN",
    "DECIMALS",
    "FACTOR_VOLS",
    "FED_ASSETS_TN",
    "FISCAL_YEAR_END",
    "HOLIDAY_BLANK",
    "IORB_START",
    "POLICY_FLOOR",
    "SOFR_START",
    "STREAMS",
    "TGA_TN",
    "SimulatedMarket",
    "capex_growth_known",
    "scarcity_truth",
    "simulate_liquidity",
    "simulate_market",
    "simulate_prices",
    "simulate_quarters",
    "simulate_rates",
    "spread_returns",
]

"""What a run trades over: its dates, the cash rate and the near-minus-long spread.

Timing
------
The window ends on the last date on which every basket member has a fresh price, leaving out
members whose prices stop (:mod:`data.stops`: they leave their basket instead); the cash rate
at each date is the one known then (:func:`data.pit.cash_rate_known_at`).
"""

from __future__ import annotations

import pandas as pd

from backtests.engines.result import BacktestResult
from backtests.rotation.prices import Prices
from data.assemble import basket_members
from data.calendar import fresh_end
from data.config import Config
from data.errors import DataError
from data.loaders import MarketData
from data.stops import stop_limits, stops_for


def backtest_window(
    prices: pd.DataFrame, cfg: Config, factor: pd.Series | None = None
) -> pd.DataFrame:
    """Prices restricted to ``[run.start, run.end]`` (end empty: the last date).

    When ``factor`` is given the window starts no earlier than its first defined date, so a
    strategy is never scored over days on which it had no signal.
    """
    start = pd.Timestamp(cfg.run.start)
    if factor is not None:
        first = factor.first_valid_index()
        if first is None:
            raise DataError("the factor is not defined on any date", source="signals")
        start = max(start, pd.Timestamp(first))
    end = pd.Timestamp(cfg.run.end) if cfg.run.end else prices.index[-1]
    stopped = stops_for(prices.loc[:end], cfg)  # they leave their baskets instead
    counted = [t for t in basket_members(cfg) if t not in stopped]
    fresh = fresh_end(prices.loc[:end], counted)[0]  # stale tails end the period
    end = min(end, fresh) if fresh is not None else end
    out = prices.loc[start:end]
    if len(out) < 30:
        raise DataError(
            f"only {len(out)} business days of prices between {start.date()} and {end.date()}",
            source="run.start/run.end",
        )
    return out


def window_prices(window: pd.DataFrame, cfg: Config) -> Prices:
    """Check the window once; its members whose prices stop are :attr:`Prices.stops`.

    Parameters
    ----------
    window : DataFrame
        From :func:`backtest_window`.
    cfg : Config
        Baskets (main and ``[universe.robustness]``) and ``[data.staleness_days]``.

    Returns
    -------
    Prices
        The checked window; a stopped member leaves its basket after its last price, which
        is carried to the window's end so its position can be closed.
    """
    stops = stops_for(window, cfg)
    return Prices(window, stops=stops, grace=stop_limits(cfg, list(stops)))


def start_note(cfg: Config, factor: pd.Series, prices: pd.DataFrame) -> str:
    """Say why the backtest starts on its first date (``run.start`` or a later one)."""
    asked = pd.Timestamp(cfg.run.start)
    first = prices.index[0]
    fac_first = factor.first_valid_index()
    if fac_first is not None and pd.Timestamp(fac_first) >= first and first > asked:
        return (
            f"backtest starts on {first.date()}, not run.start = {asked.date()}: the factor "
            f"is first defined then (each component needs factor.min_periods of history)"
        )
    if first - asked <= pd.Timedelta(days=7):
        return f"backtest starts on {first.date()}, the first trading day from run.start"
    return f"backtest starts on {first.date()}, not run.start = {asked.date()}: no prices earlier"


def cash_rate_series(market: MarketData, cfg: Config, index: pd.DatetimeIndex) -> pd.Series | None:
    """Return the configured cash rate (annual percent) known at each date, or None."""
    from data.pit import cash_rate_known_at  # DFF, then EFFR or IORB when it is stale

    return cash_rate_known_at(market.macro, cfg, index)[0]


def spread_returns(benchmarks: dict[str, BacktestResult]) -> pd.Series:
    """Near-minus-long basket daily return from the always-near and always-long benchmarks."""
    return (benchmarks["always_near"].returns - benchmarks["always_long"].returns).rename("spread")

"""Within-basket weights, day by day.

A basket (near-term cash flow or long-duration speculative) is a list of tickers. A member
counts from the first day it has a price; before any member has one the basket is empty
(all weights 0, so whatever share the rule gives it stays in cash). A member whose prices
stop (``stops``, from :func:`data.stops.price_stops`) leaves its basket from the session
after its last price.

Timing
------
The weights on row t use prices up to and including close t only (the trailing window of
returns ends at t). They are decisions at close t, traded later by the engine.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from backtests.rotation.spec import Weighting
from data.errors import DataError


def _check_members(prices: pd.DataFrame, members: tuple[str, ...] | list[str]) -> list[str]:
    members = list(members)
    if not members:
        raise DataError("a basket needs at least one ticker, got none", source="baskets")
    missing = [m for m in members if m not in prices.columns]
    if missing:
        raise DataError(
            f"basket member(s) {missing} have no price column (columns: {list(prices.columns)})",
            source="prices",
        )
    return members


def active_members(
    prices: pd.DataFrame,
    members: tuple[str, ...] | list[str],
    *,
    stops: Mapping[str, pd.Timestamp] | None = None,
) -> pd.DataFrame:
    """Boolean table: True from the first day each member has a price (to its stop, if any).

    Parameters
    ----------
    prices : DataFrame
        Wide adjusted closes, DatetimeIndex ``date``.
    members : sequence of str
        Basket tickers (each must be a column of ``prices``).
    stops : mapping of str to Timestamp, keyword-only, optional
        Members whose prices stop, with the date of their last price
        (:func:`data.stops.price_stops`): False after that date.

    Returns
    -------
    DataFrame
        Same index, one bool column per member.

    Timing
    ------
    Row t is known at close t (a price at t or before; a stopped member has none at t).

    Examples
    --------
    >>> idx = pd.bdate_range("2024-01-01", periods=3, name="date")
    >>> px = pd.DataFrame({"A": [1.0, 1.0, 1.0], "B": [2.0, 2.0, 2.0]}, index=idx)
    >>> active_members(px, ["A", "B"], stops={"B": idx[0]})["B"].tolist()
    [True, False, False]
    """
    members = _check_members(prices, members)
    active = prices[members].notna().cummax()
    for t, last in (stops or {}).items():
        if t in active.columns:
            active.loc[active.index > pd.Timestamp(last), t] = False
    return active


def trailing_returns(prices: pd.DataFrame) -> pd.DataFrame:
    """Compute simple daily returns of forward-filled prices (NaN before a ticker's second price).

    Timing
    ------
    The return on row t is close t over the last close at or before t-1: known at close t.
    """
    filled = prices.ffill()
    return filled / filled.shift(1) - 1.0


def basket_weights(
    prices: pd.DataFrame,
    members: tuple[str, ...] | list[str],
    *,
    weighting: Weighting = "equal",
    vol_window: int = 63,
    stops: Mapping[str, pd.Timestamp] | None = None,
) -> pd.DataFrame:
    """Weights of each member within its basket on each day.

    Parameters
    ----------
    prices : DataFrame
        Wide adjusted closes (DatetimeIndex ``date``), NaN before a ticker exists.
    members : sequence of str
        Basket tickers.
    weighting : {"equal", "inverse_vol"}, keyword-only
        ``equal``: 1/n over active members. ``inverse_vol``: proportional to 1 / the
        standard deviation (ddof 1) of the member's daily returns over the trailing
        ``vol_window`` days ending at t, defined once ``max(2, vol_window // 4)`` returns are
        available; an active member without an estimate yet (or with zero volatility) gets
        the mean inverse volatility of the members that have one, and when none has one the
        basket is equally weighted.
    vol_window : int, keyword-only
        Trailing window for ``inverse_vol`` (>= 2).
    stops : mapping of str to Timestamp, keyword-only, optional
        Members whose prices stop and their last price date: out of the basket after it
        (see :func:`active_members`).

    Returns
    -------
    DataFrame
        Same index, one column per member; each row sums to 1 over the active members, or is
        all zero before the first member has a price.

    Timing
    ------
    Row t uses prices up to close t only (trailing window, no centring, no future).

    Examples
    --------
    >>> idx = pd.bdate_range("2024-01-01", periods=3, name="date")
    >>> px = pd.DataFrame({"A": [1.0, 1.1, 1.2], "B": [None, 2.0, 2.1]}, index=idx)
    >>> basket_weights(px, ["A", "B"])["A"].tolist()
    [1.0, 0.5, 0.5]
    """
    members = _check_members(prices, members)
    if weighting not in ("equal", "inverse_vol"):
        raise DataError(f"`weighting` must be equal or inverse_vol, got {weighting!r}")
    if int(vol_window) < 2:
        raise DataError(f"`vol_window` must be >= 2, got {vol_window}")
    active = active_members(prices, members, stops=stops).to_numpy()
    if weighting == "equal":
        raw = active.astype(float)
    else:
        rets = trailing_returns(prices[members])
        min_periods = max(2, int(vol_window) // 4)
        vol = rets.rolling(int(vol_window), min_periods=min_periods).std(ddof=1).to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            inv = np.where(np.isfinite(vol) & (vol > 0), 1.0 / vol, np.nan)
        inv = np.where(active, inv, np.nan)
        known = np.isfinite(inv)
        n_known = known.sum(axis=1)
        mean_inv = np.where(n_known > 0, np.nansum(np.where(known, inv, 0.0), axis=1), 0.0)
        mean_inv = np.divide(mean_inv, n_known, out=np.zeros_like(mean_inv), where=n_known > 0)
        filled = np.where(known, inv, mean_inv[:, None])
        # no estimate for anyone yet: equal weights over the active members
        filled = np.where((n_known == 0)[:, None], 1.0, filled)
        raw = np.where(active, filled, 0.0)
    total = raw.sum(axis=1)
    weights = np.divide(raw, total[:, None], out=np.zeros_like(raw), where=total[:, None] > 0)
    return pd.DataFrame(weights, index=prices.index, columns=members)

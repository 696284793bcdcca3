"""What the rule held and what each holding earned: the switch log, attribution, stress windows.

Pure functions of the run's holdings (``weights.csv``: end-of-day holdings after that day's
trades, as fractions of equity), daily asset returns (from the checked prices) and daily
simple returns (``returns.csv``).

Timing: a holding chosen at the close of day ``d`` earns from day ``d + 1`` on. So the
contribution of ticker ``i`` on day ``t`` is ``w[t-1, i] * r[t, i]`` (the weight held at the
previous close times the day's return), and a switch dated ``d`` (the first close holding
the new basket) earns from ``d + 1`` to the next switch's date inclusive.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

from data.errors import ConfigError
from data.stress_windows import StressWindow, parse_stress_windows

__all__ = [
    "StressWindow",
    "attribution_by_period",
    "contributions",
    "held_basket",
    "parse_stress_windows",
    "stress_returns",
    "switch_log",
]

Holding = Literal["near", "long", "none"]


def _day(x: Any) -> str:
    return pd.Timestamp(x).strftime("%Y-%m-%d")


def held_basket(
    weights: pd.DataFrame, near: tuple[str, ...], long: tuple[str, ...], *, tol: float = 1e-9
) -> pd.Series:
    """Return the basket held at each close: ``"near"``, ``"long"`` or ``"none"``.

    The basket with the larger summed weight (shorts count negative); ``"none"`` when
    neither is larger by more than ``tol`` (all cash, or an even mix).
    """
    n = weights.reindex(columns=list(near)).fillna(0.0).sum(axis=1)
    g = weights.reindex(columns=list(long)).fillna(0.0).sum(axis=1)
    out = pd.Series("none", index=weights.index, dtype=object)
    out[n > g + tol] = "near"
    out[g > n + tol] = "long"
    return out.rename("held")


def switch_log(
    held: pd.Series, spread: pd.Series, strategy: pd.Series | None = None
) -> list[dict[str, Any]]:
    """One row per change of the held basket, with what the new holding earned.

    Parameters
    ----------
    held : Series
        The basket held at each close (:func:`held_basket`).
    spread : Series
        Daily near-minus-long return (always-near minus always-long).
    strategy : Series, optional
        Daily strategy returns; adds ``strategy_return`` (compounded while held).

    Returns
    -------
    list of dict
        ``{date, from, to, days_held, spread_return, paid, open}``: ``date`` the first close
        holding the new basket; ``days_held`` the business days it earned (to the next
        switch's date inclusive, or to the last day); ``spread_return`` the sum of the
        daily near-minus-long returns over those days (the quantity the predictive
        regressions forecast); ``paid`` whether the spread went the holding's way (positive
        while holding near, negative while holding long; ``None`` for ``"none"``); ``open``
        true for the holding still held at the end.

    Examples
    --------
    >>> idx = pd.bdate_range("2024-01-01", periods=5)
    >>> held = pd.Series(["none", "near", "near", "long", "long"], idx)
    >>> rows = switch_log(held, pd.Series([0.0, 0.0, 0.02, 0.01, -0.03], idx))
    >>> [(r["to"], r["days_held"], round(r["spread_return"], 4), r["paid"]) for r in rows]
    [('near', 2, 0.03, True), ('long', 1, -0.03, True)]
    """
    h = held.dropna()
    s = spread.reindex(h.index).fillna(0.0)
    change = h.ne(h.shift())
    change.iloc[0] = False
    dates = list(h.index[change])
    if not dates:
        return []
    pos = {d: i for i, d in enumerate(h.index)}
    rows = []
    for k, d in enumerate(dates):
        a = pos[d]
        b = pos[dates[k + 1]] if k + 1 < len(dates) else len(h) - 1
        window = s.iloc[a + 1 : b + 1]
        total = float(window.sum())
        to = str(h.iloc[a])
        paid = (
            None
            if to == "none" or len(window) == 0
            else bool(total > 0 if to == "near" else total < 0)
        )
        row = {
            "date": _day(d),
            "from": str(h.iloc[a - 1]),
            "to": to,
            "days_held": int(b - a),
            "spread_return": total,
            "paid": paid,
            "open": k + 1 == len(dates),
        }
        if strategy is not None:
            st = strategy.reindex(h.index).fillna(0.0).iloc[a + 1 : b + 1]
            row["strategy_return"] = float((1.0 + st).prod() - 1.0)
        rows.append(row)
    return rows


def contributions(weights: pd.DataFrame, asset_returns: pd.DataFrame) -> pd.DataFrame:
    """Daily contribution of each ticker: previous close's weight times the day's return.

    Parameters
    ----------
    weights : DataFrame
        End-of-day holdings (``weights.csv``); a ``cash`` column is ignored.
    asset_returns : DataFrame
        Daily simple returns per ticker (NaN where the ticker does not trade: no
        contribution).

    Returns
    -------
    DataFrame
        Dates of ``weights`` by the tickers held at some close; the row sum is the
        portfolio's return before costs and cash interest.
    """
    cols = [c for c in weights.columns if c != "cash" and c in asset_returns.columns]
    missing = [c for c in weights.columns if c != "cash" and c not in asset_returns.columns]
    held_missing = [c for c in missing if (weights[c].abs() > 1e-12).any()]
    if held_missing:
        raise ConfigError(f"no returns for held tickers {held_missing} (weights.csv columns)")
    w = weights[cols].shift(1).fillna(0.0)
    r = asset_returns.reindex(index=weights.index, columns=cols).fillna(0.0)
    c = w * r
    return c.loc[:, (weights[cols].abs() > 1e-12).any()]


def attribution_by_period(
    contrib: pd.DataFrame, *, freq: Literal["year", "month"] = "year"
) -> pd.DataFrame:
    """Sum the daily contributions per calendar year (``"2025"``) or month (``"2025-09"``)."""
    idx = contrib.index
    if freq == "year":
        keys = idx.strftime("%Y")
    elif freq == "month":
        keys = idx.strftime("%Y-%m")
    else:
        raise ConfigError(f"`freq` must be 'year' or 'month', got {freq!r}")
    return contrib.groupby(keys).sum()


def stress_returns(
    strategy: pd.Series, benchmark: pd.Series, windows: list[StressWindow]
) -> list[dict[str, Any]]:
    """Compounded strategy, benchmark and active return inside each declared window.

    ``active`` is the relative wealth ``(1 + R_strategy) / (1 + R_benchmark) - 1`` (as in
    the calendar-year table). A window is clipped to the period; one entirely outside it
    has ``n_days`` 0 and ``None`` returns, and ``note`` says so.

    Returns
    -------
    list of dict
        ``{name, start, end, first, last, n_days, strategy, benchmark, active, note}``:
        ``start``/``end`` as declared, ``first``/``last`` the business days used.
    """
    s, b = strategy.align(benchmark, join="inner")
    rows = []
    for w in windows:
        part = s.loc[w.start : w.end]
        row: dict[str, Any] = {
            "name": w.name,
            "start": _day(w.start),
            "end": _day(w.end),
            "n_days": len(part),
        }
        if part.empty:
            row.update(
                first=None,
                last=None,
                strategy=None,
                benchmark=None,
                active=None,
                note="outside the backtest period",
            )
        else:
            rs = float(np.prod(1.0 + part.fillna(0.0)) - 1.0)
            rb = float(np.prod(1.0 + b.loc[w.start : w.end].fillna(0.0)) - 1.0)
            clipped = w.start < s.index[0] or w.end > s.index[-1]
            row.update(
                first=_day(part.index[0]),
                last=_day(part.index[-1]),
                strategy=rs,
                benchmark=rb,
                active=float((1.0 + rs) / (1.0 + rb) - 1.0),
                note="partly outside the backtest period" if clipped else "",
            )
        rows.append(row)
    return rows

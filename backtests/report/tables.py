"""Tables a portfolio manager expects, as pure functions of daily returns and holdings.

Each function takes DataFrames or Series with a DatetimeIndex (daily simple returns net of
costs, as in ``returns.csv``; holdings as in ``weights.csv``) and returns a DataFrame or a
JSON-ready dict. Nothing here reads files or knows the pipeline: the report writer calls
them, and the tests recompute them from ``returns.csv`` and ``weights.csv``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def calendar_years(strategy: pd.Series, benchmark: pd.Series) -> dict[str, dict[str, float]]:
    """Compounded return of each calendar year: strategy, benchmark and active.

    ``active`` is the relative wealth ``(1 + R_strategy) / (1 + R_benchmark) - 1`` of the year.
    Every year with at least one day in the period appears (a partial first or last year is
    the part inside the period).

    Examples
    --------
    >>> idx = pd.to_datetime(["2023-12-29", "2024-01-02"])
    >>> s, b = pd.Series([0.1, 0.1], idx), pd.Series([0.0, 0.21], idx)
    >>> round(calendar_years(s, b)["2024"]["active"], 6)
    -0.090909
    """
    s, b = strategy.align(benchmark, join="inner")
    out: dict[str, dict[str, float]] = {}
    for year, part in pd.DataFrame({"s": s, "b": b}).groupby(s.index.year):
        rs = float((1.0 + part["s"]).prod() - 1.0)
        rb = float((1.0 + part["b"]).prod() - 1.0)
        out[str(int(year))] = {
            "strategy": rs,
            "benchmark": rb,
            "active": float((1.0 + rs) / (1.0 + rb) - 1.0),
        }
    return out


def monthly_returns(returns: pd.Series) -> pd.DataFrame:
    """Compounded monthly returns as a year x month table (columns 1..12, NaN outside)."""
    r = returns.dropna()
    m = (1.0 + r).groupby([r.index.year, r.index.month]).prod() - 1.0
    table = m.unstack()
    table = table.reindex(columns=range(1, 13))
    table.index.name, table.columns.name = "year", "month"
    return table


def worst_drawdowns(returns: pd.Series, n: int = 5) -> list[dict[str, Any]]:
    """Return the ``n`` deepest drawdowns: start (last peak), trough, recovery, depth.

    Drawdown episodes do not overlap: each runs from a running peak of the equity curve to
    the day it is regained.
    """
    r = returns.fillna(0.0)
    equity = (1.0 + r).cumprod()
    peak = equity.cummax()
    dd = equity / peak - 1.0
    episodes: list[dict[str, Any]] = []
    in_dd = False
    start = trough = None
    depth = 0.0
    prev_day = None
    for day, value in dd.items():
        if value < 0 and not in_dd:
            in_dd, start, trough, depth = True, prev_day if prev_day is not None else day, day, 0.0
        if in_dd:
            if value < depth:
                depth, trough = float(value), day
            if value >= 0:
                episodes.append({"start": start, "trough": trough, "recovery": day, "depth": depth})
                in_dd = False
        prev_day = day
    if in_dd:
        episodes.append({"start": start, "trough": trough, "recovery": None, "depth": depth})
    episodes.sort(key=lambda e: e["depth"])

    def d(x: Any) -> str | None:
        return None if x is None else pd.Timestamp(x).strftime("%Y-%m-%d")

    return [
        {
            "start": d(e["start"]),
            "trough": d(e["trough"]),
            "recovery": d(e["recovery"]),
            "depth": e["depth"],
        }
        for e in episodes[:n]
    ]


def rolling_beta(strategy: pd.Series, benchmark: pd.Series, window: int = 126) -> pd.Series:
    """Trailing OLS beta of the strategy's daily returns on the benchmark's."""
    s, b = strategy.align(benchmark, join="inner")
    cov = s.rolling(window).cov(b)
    var = b.rolling(window).var()
    return (cov / var.where(var > 0)).rename("beta")


def _sharpe(x: pd.Series) -> float | None:
    x = x.dropna()
    if len(x) < 2 or x.std(ddof=1) == 0:
        return None
    return float(x.mean() / x.std(ddof=1) * np.sqrt(252))


def by_regime(
    strategy: pd.Series,
    benchmark: pd.Series,
    regime: pd.Series,
    samples: dict[str, Any],
) -> list[dict[str, Any]]:
    """Strategy, benchmark and active results inside and outside the "exhausted" regime.

    Parameters
    ----------
    strategy, benchmark : Series
        Daily returns.
    regime : Series of bool
        True where idle money was exhausted (known at the close: the return of day t is
        attributed to the regime known at the close of t - 1, the day the position was set).
    samples : dict of str to Sample
        The samples to split (:func:`backtests.inference.samples.split_samples`).

    Returns
    -------
    list of dict
        One row per sample and regime: ``sample, regime, n_days, strategy_sharpe,
        benchmark_sharpe, active_sharpe, strategy_return, benchmark_return`` (annualized
        mean returns).
    """
    s, b = strategy.align(benchmark, join="inner")
    known = regime.reindex(s.index).shift(1).fillna(False).astype(bool)
    rows = []
    for name, smp in samples.items():
        if smp.empty:
            continue
        for flag, label in ((True, "exhausted"), (False, "not exhausted")):
            mask = smp.take(known) == flag
            idx = mask[mask].index
            ss, bb = s.reindex(idx), b.reindex(idx)
            rows.append(
                {
                    "sample": name,
                    "regime": label,
                    "n_days": int(len(idx)),
                    "strategy_sharpe": _sharpe(ss),
                    "benchmark_sharpe": _sharpe(bb),
                    "active_sharpe": _sharpe(ss - bb),
                    "strategy_return": float(ss.mean() * 252) if len(idx) else None,
                    "benchmark_return": float(bb.mean() * 252) if len(idx) else None,
                }
            )
    return rows


def trade_dates(weights: pd.DataFrame) -> pd.DatetimeIndex:
    """Dates on which the held basket changed (holdings moved by more than a quarter of equity)."""
    w = weights.drop(columns="cash", errors="ignore")
    changed = (w.diff().abs().sum(axis=1) > 0.25) & w.notna().all(axis=1)
    return pd.DatetimeIndex(w.index[changed.to_numpy()])


def basket_members(prices: pd.DataFrame, baskets: dict[str, tuple[str, ...]]) -> list[dict]:
    """Each basket member and the dates it counts (its first and last price in the window)."""
    rows = []
    for basket, tickers in baskets.items():
        for t in tickers:
            col = prices[t] if t in prices.columns else pd.Series(dtype=float)
            valid = col.dropna()
            rows.append(
                {
                    "basket": basket,
                    "ticker": t,
                    "from": None if valid.empty else valid.index[0].strftime("%Y-%m-%d"),
                    "to": None if valid.empty else valid.index[-1].strftime("%Y-%m-%d"),
                }
            )
    return rows


def capex_coverage(capex: pd.DataFrame, hyperscalers: tuple[str, ...] | list[str]) -> list[dict]:
    """Return which companies have capex, from and until when, and from which sources.

    Parameters
    ----------
    capex : DataFrame
        Capex quarters (point-in-time vintages: ``ticker, concept, period_end, available_at,
        source``).
    hyperscalers : sequence of str
        The companies the factor asks for; those without capex are listed as absent.

    Returns
    -------
    list of dict
        ``{ticker, first_quarter, last_quarter, last_available, quarters, sources}`` (dates
        None for an absent company).
    """
    rows = []
    cap = capex[capex["concept"] == "capex"] if len(capex) else capex
    for t in hyperscalers:
        part = cap[cap["ticker"] == t] if len(cap) else cap
        if part is None or part.empty:
            rows.append(
                {
                    "ticker": t,
                    "first_quarter": None,
                    "last_quarter": None,
                    "last_available": None,
                    "quarters": 0,
                    "sources": "absent",
                }
            )
            continue
        rows.append(
            {
                "ticker": t,
                "first_quarter": part["period_end"].min().strftime("%Y-%m-%d"),
                "last_quarter": part["period_end"].max().strftime("%Y-%m-%d"),
                "last_available": part["available_at"].max().strftime("%Y-%m-%d"),
                "quarters": int(part["period_end"].nunique()),
                "sources": ", ".join(sorted({str(x) for x in part["source"]})),
            }
        )
    return rows


def component_coverage(availability: pd.DataFrame) -> list[dict]:
    """Return the components' availability table as rows (first and last active, share)."""
    out = []
    for name, r in availability.iterrows():
        row = {"component": str(name)}
        for k, v in r.items():
            if isinstance(v, pd.Timestamp):
                v = v.strftime("%Y-%m-%d")
            elif isinstance(v, float | np.floating):
                v = None if not np.isfinite(v) else float(v)
            row[str(k)] = v
        out.append(row)
    return out


def events_count(events: pd.DataFrame | None, index: pd.DatetimeIndex) -> dict[str, int]:
    """Capex announcements in all and inside the report's window (``available_at`` in it).

    Returns ``{total, in_window}``; the events figure's caption counts the same window.
    """
    if events is None or len(events) == 0 or len(index) == 0:
        return {"total": 0 if events is None else len(events), "in_window": 0}
    at = pd.to_datetime(events["available_at"])
    inside = int(((at >= index[0]) & (at <= index[-1])).sum())
    return {"total": len(events), "in_window": inside}

"""Capex demand: hyperscaler capex as known at each date, its growth, funding need and surprises.

Inputs are the data layer's point-in-time capex quarters (``[ticker, concept, period_start,
period_end, value, filed, available_at, source]``, several vintages per quarter allowed).

Timing
------
A quarter enters on its ``available_at`` date (the first business day after its filing, or
after the configured lag for capex tables); a restated quarter replaces the earlier value only
from its own ``available_at``. Values are snapshots taken at each ``available_at`` and carried
forward, so a value at t depends only on rows with ``available_at <= t``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from signals._quarters import (
    QUARTER_GAP_DAYS,
    Vintages,
    check_quarters,
    matched_growth,
    quarter_slots,
    ticker_window,
)
from signals.capex_events import EVENT_COLUMNS, capex_events, surprise_component

__all__ = [
    "EVENT_COLUMNS",
    "MEASURE_END",
    "QUARTER_GAP_DAYS",
    "SNAPSHOT_COLUMNS",
    "Vintages",
    "capex_demand",
    "capex_events",
    "capex_snapshots",
    "matched_growth",
    "quarter_slots",
    "surprise_component",
    "ticker_window",
]

_DAY = np.timedelta64(1, "D")


def _snapshot(
    v: Vintages, tickers: list[str], n: int, at: np.datetime64, stale: int, max_missing: int
) -> dict:
    ends: dict[str, list[np.datetime64]] = {"capex": [], "growth": [], "ocf": [], "debt": []}
    sums = {"capex": 0.0, "growth": [0.0, 0.0], "ocf": [0.0, 0.0], "debt": [0.0, 0.0]}
    n_capex = 0
    window = range(0, -n, -1)
    for t in tickers:
        known = v.known(t, "capex", at)
        if len(known[0]) == 0 or (at - known[0][-1]) / _DAY > stale:
            continue  # no data yet, or the company stopped reporting
        gro = matched_growth(*known, known[0][-1], window, n, max_missing=max_missing)
        if gro is not None and gro[0] > 0 and gro[1] > 0:
            sums["growth"][0] += gro[0]
            sums["growth"][1] += gro[1]
            ends["growth"].append(known[0][-1])
        cap = ticker_window(*known, n)
        if cap is None:
            continue  # the level needs the last n quarters, consecutive
        n_capex += 1
        ends["capex"].append(cap[2])
        sums["capex"] += cap[0]
        ocf = ticker_window(*v.known(t, "ocf", at), n)
        if ocf is not None and ocf[2] == cap[2] and ocf[0] > 0:
            sums["ocf"][0] += cap[0]
            sums["ocf"][1] += ocf[0]
            ends["ocf"].append(cap[2])
        debt = ticker_window(*v.known(t, "debt_issuance", at), n)
        if debt is not None and debt[2] == cap[2]:
            sums["debt"][0] += debt[0]
            sums["debt"][1] += cap[0]
            ends["debt"].append(cap[2])
    g, o, d = sums["growth"], sums["ocf"], sums["debt"]

    def last(key: str) -> pd.Timestamp:
        return pd.Timestamp(max(ends[key])) if ends[key] else pd.NaT

    return {
        "capex_ttm_bn": sums["capex"] / 1e9 if n_capex else np.nan,
        "capex_growth": g[0] / g[1] - 1.0 if g[1] > 0 else np.nan,
        "capex_to_ocf": o[0] / o[1] if o[1] > 0 else np.nan,
        "debt_to_capex": d[0] / d[1] if d[1] > 0 else np.nan,
        "n_companies": float(n_capex),
        "n_growth": float(len(ends["growth"])),
        "latest_period_end": last("capex"),
        "growth_period_end": last("growth"),
        "ocf_period_end": last("ocf"),
        "debt_period_end": last("debt"),
    }


SNAPSHOT_COLUMNS = [
    "capex_ttm_bn",
    "capex_growth",
    "capex_to_ocf",
    "debt_to_capex",
    "n_companies",
    "n_growth",
    "latest_period_end",
    "growth_period_end",
    "ocf_period_end",
    "debt_period_end",
]
# the quarter end behind each measure (its age is counted from it)
MEASURE_END = {
    "capex_ttm_bn": "latest_period_end",
    "capex_growth": "growth_period_end",
    "capex_to_ocf": "ocf_period_end",
    "debt_to_capex": "debt_period_end",
    "n_companies": "latest_period_end",
    "n_growth": "growth_period_end",
}


def capex_snapshots(
    capex: pd.DataFrame,
    tickers: Sequence[str],
    *,
    quarters: int = 4,
    stale_days: int = 200,
    max_missing: int = 0,
) -> pd.DataFrame:
    """Aggregate capex measures as known at each ``available_at`` date.

    Parameters
    ----------
    capex : DataFrame
        Capex quarters (point-in-time vintages).
    tickers : list of str
        Companies to aggregate (the hyperscalers).
    quarters : int
        Window length in quarters (4: trailing twelve months).
    stale_days : int
        A company whose latest known quarter ended more than this many days before the
        snapshot is left out of the aggregate (it stopped reporting, or its data ends).
    max_missing : int
        Quarters of a company's growth window that may be missing (growth over matched
        pairs, see :func:`matched_growth`); the TTM level always needs all ``quarters``.

    Returns
    -------
    DataFrame
        Indexed by snapshot date: ``capex_ttm_bn`` (sum of trailing-4-quarter capex, USD bn,
        over companies whose last ``quarters`` quarters are known and consecutive),
        ``capex_growth`` (the last ``quarters`` quarters over the ``quarters`` before them,
        minus one, both summed over the same companies and the same matched quarters, so a
        company entering the data, or a quarter missing from it, is not growth),
        ``capex_to_ocf`` (TTM capex over TTM operating cash flow, companies with both),
        ``debt_to_capex`` (TTM debt issuance over TTM capex, companies with both),
        ``n_companies`` (companies in the TTM level: the availability column), ``n_growth``
        (companies in the growth), ``latest_period_end`` (latest quarter end of any company
        in the level) and, per measure, the latest quarter end of the companies behind it:
        ``growth_period_end``, ``ocf_period_end``, ``debt_period_end``.
        Snapshots are taken at every ``available_at`` date and on the day a known quarter
        becomes older than ``stale_days`` (so a company that stops reporting leaves the
        aggregate on that day, not at the next filing of another company).

    Timing
    ------
    The row at date d uses only quarters with ``available_at <= d``.
    """
    tickers = list(tickers)
    if quarters < 1:
        raise ValueError(f"`quarters` must be >= 1, got {quarters}")
    if not 0 <= max_missing < quarters:
        raise ValueError(f"`max_missing` must be in [0, quarters - 1], got {max_missing}")
    sub = capex[capex["ticker"].isin(tickers)]
    v = Vintages(sub)
    av = sub["available_at"].to_numpy(dtype="datetime64[D]")
    expiry = sub["period_end"].to_numpy(dtype="datetime64[D]") + np.timedelta64(stale_days + 1, "D")
    # an expiry date counts only for a quarter known before it expires (otherwise its own
    # available_at is already a snapshot date), so rows filed after t add no date before t
    known_first = ~np.isnat(av) & ~np.isnat(expiry) & (av <= expiry)
    dates = np.unique(np.r_[av[~np.isnat(av)], expiry[known_first]])
    rows = [
        _snapshot(v, tickers, quarters, d, stale_days, max_missing) | {"date": pd.Timestamp(d)}
        for d in dates
    ]
    if not rows:
        return pd.DataFrame(columns=SNAPSHOT_COLUMNS, index=pd.DatetimeIndex([], name="date"))
    return pd.DataFrame(rows).set_index("date")[SNAPSHOT_COLUMNS]


def capex_demand(
    capex: pd.DataFrame,
    index: pd.DatetimeIndex,
    tickers: Sequence[str],
    *,
    quarters: int = 4,
    stale_days: int = 200,
    surprise_window_days: int = 100,
    trend_quarters: int | None = None,
    max_missing: int = 0,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Daily capex-demand components on ``index`` with their ages.

    Parameters
    ----------
    capex : DataFrame
        Capex quarters (point-in-time vintages).
    index : DatetimeIndex
        Business days.
    tickers : sequence of str
        Companies to aggregate (the hyperscalers).
    quarters : int
        TTM window in quarters (``factor.capex_growth_quarters``).
    stale_days : int
        A company whose latest quarter ended longer ago leaves the aggregate
        (``factor.staleness_days.quarterly``).
    surprise_window_days : int
        How long a company's latest surprise counts (``factor.surprise_window_days``).
    trend_quarters : int, optional
        Trend window of the surprise (``factor.surprise_trend_quarters``; default
        ``quarters``).
    max_missing : int
        Quarters that may be missing from a company's growth and surprise trend windows
        (``factor.capex_max_missing_quarters``).

    Returns
    -------
    components : DataFrame
        ``capex_ttm_bn``, ``capex_growth``, ``capex_to_ocf``, ``debt_to_capex``,
        ``capex_surprise``, ``n_companies``, ``n_growth``.
    age_days : DataFrame
        Calendar days since the latest quarter end behind each value (for the surprise:
        since the latest event).
    events : DataFrame
        The capex announcement table (:func:`capex_events`).

    Timing
    ------
    Values change only on ``available_at`` dates and are carried forward.
    """
    idx = pd.DatetimeIndex(index)
    check_quarters(capex, "capex_demand")
    tickers = list(tickers)
    snaps = capex_snapshots(
        capex, tickers, quarters=quarters, stale_days=stale_days, max_missing=max_missing
    )
    cols = list(MEASURE_END)
    comp = pd.DataFrame(index=idx, columns=cols, dtype=float)
    age = pd.DataFrame(index=idx, columns=cols, dtype=float)
    if not snaps.empty:
        pos = snaps.index.searchsorted(idx, side="right") - 1
        ok = pos >= 0
        p = pos.clip(min=0)
        for c in cols:
            end = pd.DatetimeIndex(snaps[MEASURE_END[c]].to_numpy()[p])
            a = np.where(ok, (idx - end).days, np.nan)
            comp[c] = np.where(ok, snaps[c].to_numpy(dtype=float)[p], np.nan)
            age[c] = np.where(np.isfinite(comp[c].to_numpy()), a, np.nan)
    trend = quarters if trend_quarters is None else trend_quarters
    events = capex_events(capex, tickers, quarters=trend, max_missing=min(max_missing, trend - 1))
    sv, sa = surprise_component(events, idx, window_days=surprise_window_days)
    comp["capex_surprise"] = sv
    age["capex_surprise"] = sa
    comp.index.name = age.index.name = "date"
    return comp, age, events

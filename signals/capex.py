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

import numpy as np
import pandas as pd

from data.fundamentals import as_of

QUARTER_GAP_DAYS = (70, 110)  # consecutive quarter ends are 3 months apart


def _consecutive(ends: pd.Series) -> bool:
    d = ends.diff().dt.days.dropna()
    return bool(((d >= QUARTER_GAP_DAYS[0]) & (d <= QUARTER_GAP_DAYS[1])).all())


def ticker_window(q: pd.DataFrame, n: int) -> tuple[float, float, pd.Timestamp] | None:
    """Sum of the last ``n`` and of the ``n`` before them, for one ticker's known quarters.

    Parameters
    ----------
    q : DataFrame
        One ticker's known quarters of one concept, sorted by ``period_end``.
    n : int
        Quarters per window (4 for trailing twelve months).

    Returns
    -------
    tuple or None
        ``(last_sum, previous_sum, latest_period_end)``; ``previous_sum`` is NaN when fewer
        than ``2 n`` consecutive quarters are known; None when the last ``n`` are not
        consecutive.
    """
    if len(q) < n:
        return None
    last = q.iloc[-n:]
    if not _consecutive(last["period_end"]):
        return None
    prev_sum = np.nan
    if len(q) >= 2 * n and _consecutive(q["period_end"].iloc[-2 * n :]):
        prev_sum = float(q["value"].iloc[-2 * n : -n].sum())
    return float(last["value"].sum()), prev_sum, pd.Timestamp(last["period_end"].iloc[-1])


def _snapshot(known: pd.DataFrame, tickers: list[str], n: int, at: pd.Timestamp, stale: int):
    rows = {}
    latest: list[pd.Timestamp] = []
    sums = {"capex": [0.0, 0.0], "growth": [0.0, 0.0], "ocf": [0.0, 0.0], "debt": [0.0, 0.0]}
    n_capex = 0
    for t in tickers:
        kq = known[known["ticker"] == t]
        cap = ticker_window(kq[kq["concept"] == "capex"], n)
        if cap is None or (at - cap[2]).days > stale:
            continue
        n_capex += 1
        latest.append(cap[2])
        sums["capex"][0] += cap[0]
        if np.isfinite(cap[1]) and cap[1] > 0:
            sums["growth"][0] += cap[0]
            sums["growth"][1] += cap[1]
        ocf = ticker_window(kq[kq["concept"] == "ocf"], n)
        if ocf is not None and ocf[2] == cap[2] and ocf[0] > 0:
            sums["ocf"][0] += cap[0]
            sums["ocf"][1] += ocf[0]
        debt = ticker_window(kq[kq["concept"] == "debt_issuance"], n)
        if debt is not None and debt[2] == cap[2]:
            sums["debt"][0] += debt[0]
            sums["debt"][1] += cap[0]
    rows["capex_ttm_bn"] = sums["capex"][0] / 1e9 if n_capex else np.nan
    g = sums["growth"]
    rows["capex_growth"] = g[0] / g[1] - 1.0 if g[1] > 0 else np.nan
    o = sums["ocf"]
    rows["capex_to_ocf"] = o[0] / o[1] if o[1] > 0 else np.nan
    d = sums["debt"]
    rows["debt_to_capex"] = d[0] / d[1] if d[1] > 0 else np.nan
    rows["n_companies"] = float(n_capex)
    rows["latest_period_end"] = max(latest) if latest else pd.NaT
    return rows


def capex_snapshots(capex: pd.DataFrame, tickers: list[str], *, quarters: int = 4,
                    stale_days: int = 200) -> pd.DataFrame:
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

    Returns
    -------
    DataFrame
        Indexed by snapshot date: ``capex_ttm_bn`` (sum of trailing-4-quarter capex, USD bn,
        over companies with data), ``capex_growth`` (TTM over the previous TTM, minus one,
        summed over the companies that have both windows, so a company entering the data is
        not growth), ``capex_to_ocf`` (TTM capex over TTM operating cash flow, companies with
        both), ``debt_to_capex``, ``n_companies``, ``latest_period_end``.

    Timing
    ------
    The row at date d uses only quarters with ``available_at <= d``.
    """
    sub = capex[capex["ticker"].isin(tickers)]
    dates = sorted(pd.DatetimeIndex(sub["available_at"].dropna().unique()))
    rows = []
    for d in dates:
        known = as_of(sub, d)
        rows.append(_snapshot(known, tickers, quarters, d, stale_days) | {"date": d})
    out = pd.DataFrame(rows)
    if out.empty:
        cols = ["capex_ttm_bn", "capex_growth", "capex_to_ocf", "debt_to_capex", "n_companies",
                "latest_period_end"]
        return pd.DataFrame(columns=cols, index=pd.DatetimeIndex([], name="date"))
    return out.set_index("date")


def capex_events(capex: pd.DataFrame, tickers: list[str], *, quarters: int = 4) -> pd.DataFrame:
    """One row per capex announcement: the first filing of each discrete quarter.

    The surprise compares the quarter with what its own history implied just before the
    filing: expected = the same quarter a year earlier x (trailing ``quarters``-quarter sum /
    the ``quarters`` before it), i.e. last year's seasonal level grown at the trailing yearly
    rate. ``surprise = log(actual / expected)``; NaN when fewer than ``quarters + 4``
    consecutive quarters were known before the filing.

    Parameters
    ----------
    capex : DataFrame
        Capex quarters (point-in-time vintages).
    tickers : list of str
        Companies to include.
    quarters : int
        Quarters in the trailing growth window.

    Returns
    -------
    DataFrame
        ``available_at, ticker, period_end, capex_usd, surprise``, sorted by date.

    Timing
    ------
    The expectation uses only quarters with ``available_at`` strictly before the event's.
    """
    cap = capex[(capex["concept"] == "capex") & capex["ticker"].isin(tickers)]
    first = cap.sort_values("available_at").drop_duplicates(["ticker", "period_end"])
    rows = []
    for _, ev in first.iterrows():
        before = as_of(cap[cap["ticker"] == ev["ticker"]], ev["available_at"] - pd.Timedelta(days=1))
        before = before[before["period_end"] < ev["period_end"]]
        surprise = np.nan
        need = max(quarters, 4) + 4
        hist = before.iloc[-need:]
        if len(hist) == need and _consecutive(pd.concat([hist["period_end"],
                                                         pd.Series([ev["period_end"]])],
                                                        ignore_index=True)):
            v = hist["value"].to_numpy(dtype=float)
            recent, prior = v[-quarters:].sum(), v[-2 * quarters:-quarters].sum()
            year_ago = v[-4]
            if recent > 0 and prior > 0 and year_ago > 0 and ev["value"] > 0:
                expected = year_ago * recent / prior
                surprise = float(np.log(ev["value"] / expected))
        rows.append({
            "available_at": ev["available_at"],
            "ticker": ev["ticker"],
            "period_end": ev["period_end"],
            "capex_usd": float(ev["value"]),
            "surprise": surprise,
        })
    cols = ["available_at", "ticker", "period_end", "capex_usd", "surprise"]
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["available_at", "ticker"], kind="stable").reset_index(drop=True)


def surprise_component(events: pd.DataFrame, index: pd.DatetimeIndex, *,
                       window_days: int = 100) -> tuple[pd.Series, pd.Series]:
    """Daily capex surprise: the mean of each company's latest surprise within ``window_days``.

    Returns
    -------
    value : Series
        Mean surprise over companies whose latest event is at most ``window_days`` old.
    age_days : Series
        Days since the most recent event used (NaN when none).

    Timing
    ------
    An event counts from its ``available_at`` date.
    """
    per = {}
    ages = {}
    idx = pd.DatetimeIndex(index)
    for ticker, grp in events.dropna(subset=["surprise"]).groupby("ticker"):
        s = grp.drop_duplicates("available_at", keep="last").set_index("available_at")["surprise"]
        pos = s.index.searchsorted(idx, side="right") - 1
        ok = pos >= 0
        p = pos.clip(min=0)
        age = np.where(ok, (idx - s.index[p]).days, np.nan)
        val = np.where(ok, s.to_numpy()[p], np.nan)
        fresh = ok & (age <= window_days)
        per[ticker] = np.where(fresh, val, np.nan)
        ages[ticker] = np.where(fresh, age, np.nan)
    if not per:
        nan = pd.Series(np.nan, index=idx)
        return nan.rename("capex_surprise"), nan.rename("capex_surprise")
    vals = pd.DataFrame(per, index=idx)
    age = pd.DataFrame(ages, index=idx).min(axis=1)
    return vals.mean(axis=1).rename("capex_surprise"), age.rename("capex_surprise")


def capex_demand(capex: pd.DataFrame, index: pd.DatetimeIndex, tickers: list[str], *,
                 quarters: int = 4, stale_days: int = 200,
                 surprise_window_days: int = 100) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Daily capex-demand components on ``index`` with their ages.

    Returns
    -------
    components : DataFrame
        ``capex_ttm_bn``, ``capex_growth``, ``capex_to_ocf``, ``debt_to_capex``,
        ``capex_surprise``, ``n_companies``.
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
    snaps = capex_snapshots(capex, tickers, quarters=quarters, stale_days=stale_days)
    cols = ["capex_ttm_bn", "capex_growth", "capex_to_ocf", "debt_to_capex", "n_companies"]
    comp = pd.DataFrame(index=idx, columns=cols, dtype=float)
    age = pd.DataFrame(index=idx, columns=cols, dtype=float)
    if not snaps.empty:
        pos = snaps.index.searchsorted(idx, side="right") - 1
        ok = pos >= 0
        p = pos.clip(min=0)
        latest = pd.DatetimeIndex(snaps["latest_period_end"].to_numpy()[p])
        a = np.where(ok, (idx - latest).days, np.nan)
        for c in cols:
            comp[c] = np.where(ok, snaps[c].to_numpy(dtype=float)[p], np.nan)
            age[c] = np.where(np.isfinite(comp[c].to_numpy()), a, np.nan)
    events = capex_events(capex, tickers, quarters=quarters)
    sv, sa = surprise_component(events, idx, window_days=surprise_window_days)
    comp["capex_surprise"] = sv
    age["capex_surprise"] = sa
    comp.index.name = age.index.name = "date"
    return comp, age, events

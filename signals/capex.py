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

from data.config import Config
from data.errors import DataError
from data.tables import QUARTERS_COLUMNS


QUARTER_GAP_DAYS = (70, 110)  # consecutive quarter ends are 3 months apart
_DAY = np.timedelta64(1, "D")


class Vintages:
    """Point-in-time quarters of one table as small numpy arrays per ``(ticker, concept)``.

    ``known(ticker, concept, d)`` returns the latest vintage of every quarter with
    ``available_at <= d`` (the same rows as :func:`data.fundamentals.as_of`), as arrays of
    period ends (datetime64[D]) and values, sorted by period end.
    """

    def __init__(self, quarters: pd.DataFrame):
        q = quarters.sort_values(["ticker", "concept", "period_end", "available_at"],
                                 kind="stable")
        self.groups: dict[tuple[str, str], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        for (t, c), g in q.groupby(["ticker", "concept"], sort=False):
            self.groups[(str(t), str(c))] = (
                g["period_end"].to_numpy(dtype="datetime64[D]"),
                g["available_at"].to_numpy(dtype="datetime64[D]"),
                g["value"].to_numpy(dtype=float),
            )

    def known(self, ticker: str, concept: str, d: np.datetime64) -> tuple[np.ndarray, np.ndarray]:
        """Quarter ends and values of the latest vintages available on or before ``d``."""
        g = self.groups.get((ticker, concept))
        if g is None:
            return np.array([], dtype="datetime64[D]"), np.array([], dtype=float)
        pe, av, val = g
        idx = np.nonzero(av <= d)[0]
        if len(idx) == 0:
            return pe[:0], val[:0]
        p = pe[idx]
        last = idx[np.r_[p[1:] != p[:-1], True]]
        return pe[last], val[last]


def _consecutive(ends: np.ndarray) -> bool:
    d = np.diff(ends) / _DAY
    return bool(np.all((d >= QUARTER_GAP_DAYS[0]) & (d <= QUARTER_GAP_DAYS[1])))


def ticker_window(ends: np.ndarray, values: np.ndarray, n: int
                  ) -> tuple[float, float, np.datetime64] | None:
    """Sum of the last ``n`` quarters and of the ``n`` before them, for one company.

    Parameters
    ----------
    ends, values : ndarray
        One company's known quarter ends and values of one concept, sorted by end.
    n : int
        Quarters per window (4 for trailing twelve months).

    Returns
    -------
    tuple or None
        ``(last_sum, previous_sum, latest_period_end)``; ``previous_sum`` is NaN when fewer
        than ``2 n`` consecutive quarters are known; None when the last ``n`` are not
        consecutive.
    """
    if len(ends) < n or not _consecutive(ends[-n:]):
        return None
    prev_sum = np.nan
    if len(ends) >= 2 * n and _consecutive(ends[-2 * n :]):
        prev_sum = float(values[-2 * n : -n].sum())
    return float(values[-n:].sum()), prev_sum, ends[-1]


def _snapshot(v: Vintages, tickers: list[str], n: int, at: np.datetime64, stale: int) -> dict:
    ends: dict[str, list[np.datetime64]] = {"capex": [], "growth": [], "ocf": [], "debt": []}
    sums = {"capex": 0.0, "growth": [0.0, 0.0], "ocf": [0.0, 0.0], "debt": [0.0, 0.0]}
    n_capex = 0
    for t in tickers:
        cap = ticker_window(*v.known(t, "capex", at), n)
        if cap is None or (at - cap[2]) / _DAY > stale:
            continue
        n_capex += 1
        ends["capex"].append(cap[2])
        sums["capex"] += cap[0]
        if np.isfinite(cap[1]) and cap[1] > 0:
            sums["growth"][0] += cap[0]
            sums["growth"][1] += cap[1]
            ends["growth"].append(cap[2])
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
        "latest_period_end": last("capex"),
        "growth_period_end": last("growth"),
        "ocf_period_end": last("ocf"),
        "debt_period_end": last("debt"),
    }


SNAPSHOT_COLUMNS = ["capex_ttm_bn", "capex_growth", "capex_to_ocf", "debt_to_capex",
                    "n_companies", "latest_period_end", "growth_period_end", "ocf_period_end",
                    "debt_period_end"]
# the quarter end behind each measure (its age is counted from it)
MEASURE_END = {
    "capex_ttm_bn": "latest_period_end",
    "capex_growth": "growth_period_end",
    "capex_to_ocf": "ocf_period_end",
    "debt_to_capex": "debt_period_end",
    "n_companies": "latest_period_end",
}


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
        both), ``debt_to_capex``, ``n_companies``, ``latest_period_end`` (latest quarter end
        of any company in the aggregate) and, per measure, the latest quarter end of the
        companies behind it: ``growth_period_end``, ``ocf_period_end``, ``debt_period_end``.
        Snapshots are taken at every ``available_at`` date and on the day a known quarter
        becomes older than ``stale_days`` (so a company that stops reporting leaves the
        aggregate on that day, not at the next filing of another company).

    Timing
    ------
    The row at date d uses only quarters with ``available_at <= d``.
    """
    sub = capex[capex["ticker"].isin(tickers)]
    v = Vintages(sub)
    av = sub["available_at"].to_numpy(dtype="datetime64[D]")
    expiry = sub["period_end"].to_numpy(dtype="datetime64[D]") + np.timedelta64(stale_days + 1, "D")
    # an expiry date counts only for a quarter known before it expires (otherwise its own
    # available_at is already a snapshot date), so rows filed after t add no date before t
    known_first = ~np.isnat(av) & ~np.isnat(expiry) & (av <= expiry)
    dates = np.unique(np.r_[av[~np.isnat(av)], expiry[known_first]])
    rows = [_snapshot(v, tickers, quarters, d, stale_days) | {"date": pd.Timestamp(d)}
            for d in dates]
    if not rows:
        return pd.DataFrame(columns=SNAPSHOT_COLUMNS, index=pd.DatetimeIndex([], name="date"))
    return pd.DataFrame(rows).set_index("date")[SNAPSHOT_COLUMNS]


def _check_quarters(capex: pd.DataFrame, what: str) -> None:
    missing = [c for c in QUARTERS_COLUMNS if c not in capex.columns]
    if missing:
        raise DataError(f"capex quarters lack columns {missing}", source=what)


def capex_events(capex: pd.DataFrame, tickers: Config | Sequence[str], *,
                 quarters: int | None = None) -> pd.DataFrame:
    """One row per capex announcement: the first filing of each discrete quarter.

    The surprise compares the quarter with what its own history implied just before the
    filing: expected = the same quarter a year earlier x (trailing ``quarters``-quarter sum /
    the ``quarters`` before it), i.e. last year's seasonal level grown at the trailing
    ``quarters``-quarter rate. ``surprise = log(actual / expected)``; NaN when the
    ``max(2 quarters, 4)`` quarters before it were not all known and consecutive before the
    filing (or any of the values is not positive).

    Parameters
    ----------
    capex : DataFrame
        Capex quarters (point-in-time vintages).
    tickers : Config or sequence of str
        Companies to include; a :class:`~data.config.Config` means its
        ``universe.hyperscalers``, with ``quarters`` defaulting to
        ``factor.surprise_trend_quarters``.
    quarters : int, optional
        Quarters in the trailing trend window (default 4, or the configured value).

    Returns
    -------
    DataFrame
        ``available_at, ticker, period_end, capex_usd, surprise``, sorted by date.

    Timing
    ------
    The expectation uses only quarters with ``available_at`` strictly before the event's.
    """
    if isinstance(tickers, Config):
        if quarters is None:
            quarters = int(tickers.factor.surprise_trend_quarters)
        tickers = list(tickers.universe.hyperscalers)
    quarters = 4 if quarters is None else int(quarters)
    if quarters < 1:
        raise ValueError(f"`quarters` must be >= 1, got {quarters}")
    _check_quarters(capex, "capex_events")
    cap = capex[(capex["concept"] == "capex") & capex["ticker"].isin(list(tickers))]
    v = Vintages(cap)
    first = cap.sort_values("available_at", kind="stable").drop_duplicates(
        ["ticker", "period_end"]
    )
    need = max(2 * quarters, 4)  # both growth windows and the quarter a year earlier
    rows = []
    for t, pe, av, val in zip(first["ticker"].astype(str), first["period_end"],
                              first["available_at"], first["value"].astype(float), strict=True):
        ends, vals = v.known(t, "capex", np.datetime64(av, "D") - 1)
        keep = ends < np.datetime64(pe, "D")
        ends, vals = ends[keep][-need:], vals[keep][-need:]
        surprise = np.nan
        if len(ends) == need and _consecutive(np.r_[ends, np.datetime64(pe, "D")]):
            recent, prior = vals[-quarters:].sum(), vals[-2 * quarters : -quarters].sum()
            year_ago = vals[-4]
            if recent > 0 and prior > 0 and year_ago > 0 and val > 0:
                surprise = float(np.log(val / (year_ago * recent / prior)))
        rows.append({"available_at": av, "ticker": t, "period_end": pe, "capex_usd": val,
                     "surprise": surprise})
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


def capex_demand(capex: pd.DataFrame, index: pd.DatetimeIndex, tickers: Sequence[str], *,
                 quarters: int = 4, stale_days: int = 200, surprise_window_days: int = 100,
                 trend_quarters: int | None = None
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
    _check_quarters(capex, "capex_demand")
    tickers = list(tickers)
    snaps = capex_snapshots(capex, tickers, quarters=quarters, stale_days=stale_days)
    cols = ["capex_ttm_bn", "capex_growth", "capex_to_ocf", "debt_to_capex", "n_companies"]
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
    events = capex_events(capex, tickers, quarters=trend)
    sv, sa = surprise_component(events, idx, window_days=surprise_window_days)
    comp["capex_surprise"] = sv
    age["capex_surprise"] = sa
    comp.index.name = age.index.name = "date"
    return comp, age, events

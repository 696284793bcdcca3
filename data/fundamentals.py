"""Discrete quarters from year-to-date EDGAR facts, as point-in-time vintages.

10-Q cash-flow facts are year-to-date (3, 6, 9 months), the 10-K fact covers the fiscal
year. A discrete quarter is the difference of two facts that share a start date and whose
ends are one quarter apart (Q2 = 6M - 3M, Q3 = 9M - 6M, Q4 = FY - 9M); a fact that itself
spans one quarter (Q1, or a company reporting three-month cash flows) is used directly.
Periods are matched on dates, never on fiscal labels, so fiscal years ending in June
(Microsoft) or May (Oracle) need nothing special.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd

from data.pit import next_business_day
from data.sources.edgar import CONCEPT_TAGS
from data.tables import (
    QUARTERS_COLUMNS,
    empty_quarters,
    validate_fundamentals,
    validate_quarters,
)

QUARTER_DAYS = (80, 100)  # a quarter (13 weeks +- a few days; 52/53-week years included)
START_TOLERANCE_DAYS = 3  # YTD facts of one fiscal year share a start date (+- a few days)

Period = tuple[pd.Timestamp, pd.Timestamp]


def _history(group: pd.DataFrame) -> dict[Period, list[tuple[pd.Timestamp, float]]]:
    """Per period (start, end): its (filed, value) vintages, one per filing date, by date."""
    hist: dict[Period, list[tuple[pd.Timestamp, float]]] = {}
    g = group.sort_values(["period_start", "period_end", "filed", "accession"])
    for (start, end), rows in g.groupby(["period_start", "period_end"], sort=True):
        by_date = rows.drop_duplicates("filed", keep="last")
        hist[(start, end)] = list(zip(by_date["filed"], by_date["value"], strict=True))
    return hist


def _routes(hist: dict[Period, list]) -> dict[pd.Timestamp, list[tuple[pd.Timestamp, tuple]]]:
    """Per quarter end: the ways to get it, ``(quarter start, (plus period[, minus period]))``."""
    lo, hi = QUARTER_DAYS
    routes: dict[pd.Timestamp, list[tuple[pd.Timestamp, tuple]]] = defaultdict(list)
    periods = sorted(hist)
    for start, end in periods:
        if lo <= (end - start).days <= hi:
            routes[end].append((start, ((start, end),)))
    for start, end in periods:
        if (end - start).days <= hi:
            continue
        for s2, e2 in periods:
            if abs((s2 - start).days) <= START_TOLERANCE_DAYS and lo <= (end - e2).days <= hi:
                routes[end].append((e2 + pd.Timedelta(days=1), ((start, end), (s2, e2))))
    return routes


def _value_at(hist: dict[Period, list], period: Period, t: pd.Timestamp) -> float | None:
    """Return the latest value of ``period`` filed on or before ``t`` (None before any)."""
    best = None
    for filed, value in hist[period]:
        if filed > t:
            break
        best = value
    return best


def _vintages(hist: dict, routes: list[tuple[pd.Timestamp, tuple]]) -> list[tuple]:
    """Rows (period_start, value, filed) each time the best available value changes."""
    events = sorted({f for _, parts in routes for p in parts for f, _ in hist[p]})
    out: list[tuple] = []
    last = None
    for t in events:
        for start, parts in routes:
            vals = [_value_at(hist, p, t) for p in parts]
            if any(v is None for v in vals):
                continue
            value = vals[0] - (vals[1] if len(vals) == 2 else 0.0)
            if last is None or last[0] != start or abs(last[1] - value) > 0.5:
                out.append((start, value, t))
                last = (start, value)
            break
    return out


def quarterly_from_ytd(fundamentals: pd.DataFrame, *, source: str = "edgar") -> pd.DataFrame:
    """Derive discrete quarters, with their point-in-time vintages, from reported facts.

    Parameters
    ----------
    fundamentals : DataFrame
        The fundamentals long table (:func:`data.sources.edgar.parse_companyfacts`), any
        number of tickers and CIKs (facts of predecessor CIKs mapped to the same ticker are
        combined).
    source : str, keyword-only
        Value of the ``source`` column.

    Returns
    -------
    DataFrame
        Capex quarters ``[ticker, concept, period_start, period_end, value, filed,
        available_at, source]`` for every concept present, sorted by ticker, concept,
        period_end, available_at. ``attrs["gaps"]``: one note per ticker and concept with
        holes between its first and last derived quarter.

    Notes
    -----
    Each vintage uses only facts filed on or before its own filing. When a tag of higher
    preference (see :data:`data.sources.edgar.CONCEPT_TAGS`) or a direct three-month fact is
    available it is used; otherwise the difference of year-to-date facts. A restated input
    (same period, later filing, different value) yields a new row from that filing on; a
    restatement of the full year alone (without the 9-month comparative) lands entirely in Q4.

    Timing
    ------
    ``filed`` is the later of the filings used; ``available_at`` the next business day.

    Examples
    --------
    For a fiscal year starting 2023-07-01, the 6-month fact (ending 2023-12-31, filed
    2024-01-30) minus the 3-month fact gives Q2 = (2023-10-01, 2023-12-31), available
    2024-01-31.
    """
    validate_fundamentals(fundamentals)
    facts = fundamentals.dropna(subset=["period_start", "period_end", "filed", "value"])
    rows: list[tuple] = []
    gaps: list[str] = []
    for (ticker, concept), group in facts.groupby(["ticker", "concept"], sort=True):
        order = {tag: i for i, tag in enumerate(CONCEPT_TAGS.get(concept, ()))}
        tagged = sorted(group["tag"].unique(), key=lambda t: (order.get(t, len(order)), t))
        per_end: dict[pd.Timestamp, list] = defaultdict(list)
        hists = {}
        for tag in tagged:
            hist = _history(group[group["tag"] == tag])
            hists[tag] = hist
            for end, rts in _routes(hist).items():
                # direct facts before differences, within a tag; tags in preference order
                rts = sorted(rts, key=lambda r: len(r[1]))
                per_end[end].extend((tag, start, parts) for start, parts in rts)
        ends = sorted(per_end)
        for end in ends:
            hist = {}
            for tag, _, parts in per_end[end]:
                hist.update({(tag, p): hists[tag][p] for p in parts})
            routes = [(start, tuple((tag, p) for p in parts)) for tag, start, parts in per_end[end]]
            for start, value, filed in _vintages(hist, routes):
                rows.append((ticker, concept, start, end, value, filed, None, source))
        if len(ends) > 1:
            step = np.diff(pd.DatetimeIndex(ends).asi8) / 86_400e9
            holes = [(ends[i], ends[i + 1]) for i in np.flatnonzero(step > QUARTER_DAYS[1])]
            if holes:
                gaps.append(
                    f"{ticker} {concept}: no discrete quarter derivable in {len(holes)} "
                    "stretch(es) of missing year-to-date facts: "
                    + ", ".join(f"after {a.date()} until {b.date()}" for a, b in holes[:6])
                    + (" ..." if len(holes) > 6 else "")
                )
    if not rows:
        out = empty_quarters()
    else:
        out = pd.DataFrame(rows, columns=list(QUARTERS_COLUMNS))
        for col in ("period_start", "period_end", "filed"):
            out[col] = pd.to_datetime(out[col]).astype("datetime64[ns]")
        out["available_at"] = next_business_day(pd.DatetimeIndex(out["filed"])).astype(
            "datetime64[ns]"
        )
        out["value"] = out["value"].astype("float64")
        out = out.sort_values(["ticker", "concept", "period_end", "available_at"])
        out = out.reset_index(drop=True)
    out.attrs["gaps"] = gaps
    return validate_quarters(out)


def as_of(quarters: pd.DataFrame, t: str | pd.Timestamp) -> pd.DataFrame:
    """Return the latest vintage of every quarter known at ``t``.

    Parameters
    ----------
    quarters : DataFrame
        Capex quarters (several vintages per quarter allowed).
    t : str or Timestamp
        The date of use.

    Returns
    -------
    DataFrame
        Per ``(ticker, concept, period_end)`` the row with the latest ``available_at <= t``,
        sorted by ticker, concept, period_end.

    Timing
    ------
    Only rows with ``available_at <= t`` are read: nothing filed after t changes the result.
    """
    validate_quarters(quarters)
    t = pd.Timestamp(t)
    known = quarters[quarters["available_at"] <= t]
    known = known.sort_values(["ticker", "concept", "period_end", "available_at"], kind="stable")
    known = known.drop_duplicates(["ticker", "concept", "period_end"], keep="last")
    return known.reset_index(drop=True)


def combine_capex(
    edgar_quarters: pd.DataFrame, table_quarters: pd.DataFrame, *, min_overlap_days: int = 45
) -> pd.DataFrame:
    """Merge EDGAR-derived quarters with capex-table quarters; EDGAR wins where both exist.

    A table row is dropped when an EDGAR row of the same ticker and concept covers at least
    ``min_overlap_days`` of its period: matching quarters (period ends within a few days)
    and fiscal quarters offset from calendar quarters (Oracle's end in Feb/May/Aug/Nov)
    alike, so a quarter is never counted twice.

    Parameters
    ----------
    edgar_quarters, table_quarters : DataFrame
        Capex quarters from :func:`quarterly_from_ytd` and
        :func:`data.sources.capex_table.parse_capex_table`.
    min_overlap_days : int, keyword-only
        Overlap (days) that makes two quarters the same; default 45 (half a quarter).

    Returns
    -------
    DataFrame
        The union, sorted by ticker, concept, period_end, available_at.
    """
    validate_quarters(edgar_quarters, "edgar quarters")
    validate_quarters(table_quarters, "table quarters")
    keep = np.ones(len(table_quarters), dtype=bool)
    ed = edgar_quarters.groupby(["ticker", "concept"])
    groups = {k: g for k, g in ed}
    for i, row in enumerate(table_quarters.itertuples(index=False)):
        g = groups.get((row.ticker, row.concept))
        if g is None:
            continue
        lo = np.maximum(g["period_start"].to_numpy(), np.datetime64(row.period_start))
        hi = np.minimum(g["period_end"].to_numpy(), np.datetime64(row.period_end))
        overlap = (hi - lo) / np.timedelta64(1, "D") + 1
        if (overlap >= min_overlap_days).any():
            keep[i] = False
    parts = [p for p in (edgar_quarters, table_quarters[keep]) if len(p)]
    if not parts:
        return empty_quarters()
    out = pd.concat(parts, ignore_index=True)
    out = out.sort_values(["ticker", "concept", "period_end", "available_at"], kind="stable")
    out = out.reset_index(drop=True)
    out.attrs["gaps"] = list(edgar_quarters.attrs.get("gaps", [])) + list(
        table_quarters.attrs.get("gaps", [])
    )
    return out

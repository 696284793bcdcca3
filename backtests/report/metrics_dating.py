"""How each company's capex quarters were dated, and whose capex is still live at the end.

Two blocks of ``metrics.json`` come from here:

- ``coverage.capex_dating``: per hyperscaler, how many quarters its earnings release, its
  10-Q/10-K filing or the capex table's lag dated, with the first and last quarter of each
  (:func:`data.capex_dates.dating_coverage`), and ``coverage.capex_dating_note`` saying why
  no quarter is dated by a release when none is (the synthetic market simulates no SEC
  filing index; a mirror may lack it; ``capex_known_at = "filing"`` turns releases off);
- ``now.capex_live``, ``now.stale_components`` and ``now.coverage_sentence``: at the last
  date of the run, which companies' capex is live (their latest quarter known by then ended
  within ``[factor.staleness_days] quarterly`` days, the limit the capex components use), and
  which factor components are stale. The sentence is added to the verdict and the Today block.

Timing
------
A quarter counts at the end date only when its ``available_at`` is on or before that date.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from data.capex_dates import DATED_BY, dating_coverage, releases_config


def _day(x: Any) -> str | None:
    return None if x is None or pd.isna(x) else pd.Timestamp(x).strftime("%Y-%m-%d")


def capex_dating_rows(capex: pd.DataFrame, hyperscalers: Sequence[str]) -> list[dict[str, Any]]:
    """Per company: quarters dated by release, filing and lag, first and last of each.

    Parameters
    ----------
    capex : DataFrame
        Capex quarters with ``dated_by`` (:func:`data.capex_dates.date_capex`; without it,
        EDGAR quarters count as filing and table quarters as lag).
    hyperscalers : sequence of str
        The companies the factor asks for, in order; a company without capex has ``n = 0``.

    Returns
    -------
    list of dict
        ``{ticker, n, n_release, first_release, last_release, n_filing, first_filing,
        last_filing, n_lag, first_lag, last_lag}`` (period ends as ``YYYY-MM-DD`` or None).
    """
    cov = dating_coverage(capex) if len(capex) else pd.DataFrame()
    rows = []
    for t in hyperscalers:
        row: dict[str, Any] = {"ticker": str(t), "n": 0}
        r = cov.loc[t] if t in cov.index else None
        if r is not None:
            row["n"] = int(r["n"])
        for src in DATED_BY:
            row[f"n_{src}"] = 0 if r is None else int(r[f"n_{src}"])
            row[f"first_{src}"] = None if r is None else _day(r[f"first_{src}"])
            row[f"last_{src}"] = None if r is None else _day(r[f"last_{src}"])
        rows.append(row)
    return rows


def dating_note(rows: Sequence[Mapping[str, Any]], *, synthetic: bool, known_at: str) -> str:
    """Say plainly why no quarter is dated by an earnings release ('' when some are)."""
    if any(r["n_release"] for r in rows) or not any(r["n"] for r in rows):
        return ""
    if synthetic:
        return (
            "Synthetic market: it simulates no SEC filing index (no earnings releases), so no "
            "quarter is dated by a release; each is dated by its simulated 10-Q/10-K filing "
            "or, without one, the capex table's lag."
        )
    if known_at == "filing":
        return (
            "No quarter is dated by an earnings release: [data.releases] capex_known_at = "
            '"filing" dates each at its 10-Q/10-K filing or the lag.'
        )
    return (
        "No quarter is dated by an earnings release: the data hold no SEC filing index "
        "(edgar/submissions), so each is dated by its 10-Q/10-K filing or the lag."
    )


def capex_live(
    capex: pd.DataFrame,
    hyperscalers: Sequence[str],
    *,
    end: pd.Timestamp | str,
    stale_days: int,
) -> dict[str, Any]:
    """Whose capex is live at ``end``: the latest quarter known by then is recent enough.

    A company is live when the period end of its latest quarter with ``available_at <= end``
    is at most ``stale_days`` calendar days before ``end`` (the staleness rule of
    :func:`signals.capex.capex_snapshots`).

    Returns
    -------
    dict
        ``{date, stale_days, n_live, n_companies, live: [ticker], not_live: [{ticker,
        last_quarter}]}`` (``last_quarter`` None when no quarter is known by ``end``).
    """
    end = pd.Timestamp(end)
    cap = capex[capex["concept"] == "capex"] if len(capex) else capex
    live, not_live = [], []
    for t in hyperscalers:
        part = cap[(cap["ticker"] == t) & (cap["available_at"] <= end)] if len(cap) else cap
        last = part["period_end"].max() if len(part) else None
        if last is not None and (end - last).days <= int(stale_days):
            live.append(str(t))
        else:
            not_live.append({"ticker": str(t), "last_quarter": _day(last)})
    return {
        "date": end.strftime("%Y-%m-%d"),
        "stale_days": int(stale_days),
        "n_live": len(live),
        "n_companies": len(live) + len(not_live),
        "live": live,
        "not_live": not_live,
    }


def stale_components(components: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Return the components stale at the end (``now.components``), with their last usable date."""
    return [
        {"component": str(k), "last_usable": c.get("as_of")}
        for k, c in components.items()
        if c.get("stale")
    ]


def live_sentence(live: Mapping[str, Any], stale: Sequence[Mapping[str, Any]]) -> str:
    """One sentence: how many hyperscalers' capex is live (and "no component is stale" if so).

    The stale components themselves are named, sample by sample, by
    :func:`backtests.report.stale_components.stale_sentence` (one list, not two).

    Examples
    --------
    >>> live = {"date": "2026-01-30", "stale_days": 200, "n_live": 1, "n_companies": 3,
    ...         "live": ["MSFT"], "not_live": [{"ticker": "META", "last_quarter": "2021-03-31"},
    ...                                        {"ticker": "ORCL", "last_quarter": None}]}
    >>> live_sentence(live, [{"component": "capex_to_ocf", "last_usable": "2021-10-15"}])
    ... # doctest: +NORMALIZE_WHITESPACE
    'At the end of the data (2026-01-30) the capex of 1 of 3 hyperscalers is live (MSFT; a
     quarter is live for 200 days after it ends): META ends with the quarter of 2021-03-31,
     ORCL has none.'
    """
    names = ", ".join(live["live"]) or "none"
    text = (
        f"At the end of the data ({live['date']}) the capex of {live['n_live']} of "
        f"{live['n_companies']} hyperscalers is live ({names}; a quarter is live for "
        f"{live['stale_days']} days after it ends)"
    )
    gone = [
        f"{r['ticker']} ends with the quarter of {r['last_quarter']}"
        if r["last_quarter"]
        else f"{r['ticker']} has none"
        for r in live["not_live"]
    ]
    if gone:
        text += ": " + ", ".join(gone)
    if not stale:
        text += "; no factor component is stale"
    return text + "."


def dating_metrics(result: Any, now: Mapping[str, Any]) -> dict[str, Any]:
    """Return the coverage and today additions of a run (``{"coverage": {...}, "now": {...}}``)."""
    cfg = result.cfg
    hyper = list(cfg.universe.hyperscalers)
    capex = result.market.capex
    rows = capex_dating_rows(capex, hyper)
    known_at, _ = releases_config(cfg)
    end = now.get("date") or result.backtest.weights.index[-1]
    live = capex_live(capex, hyper, end=end, stale_days=int(cfg.factor.staleness_days["quarterly"]))
    stale = stale_components(now.get("components") or {})
    return {
        "coverage": {
            "capex_dating": rows,
            "capex_dating_note": dating_note(
                rows, synthetic=bool(result.market.synthetic), known_at=known_at
            ),
        },
        "now": {
            "capex_live": live,
            "stale_components": stale,
            "coverage_sentence": live_sentence(live, stale),
        },
    }

"""The capex event study as the reader sees it: which announcements count, and why not the rest.

Each capex announcement (one row of ``FactorResult.events``: the first vintage of a
company's quarter, dated by its earnings release, its 10-Q/10-K or the table lag, see
:mod:`data.capex_dates`) is either *included* in the event study of the near-minus-long
spread, or excluded for exactly one reason, checked in this order:

1. ``undated``: no ``available_at``;
2. ``before_start``: day ``window[0]`` of its window comes before the spread's first return
   (announced before the spread starts, or fewer than ``-window[0]`` sessions after it);
3. ``near_end``: day ``window[1]`` comes after the spread's last return (too close to the end,
   or after it);
4. ``no_surprise``: the surprise is undefined (no quarter a year earlier, or the trend window
   lacks quarters: :func:`signals.capex_events.capex_events`), so the event has no sign;
5. ``zero_surprise``: the surprise is exactly zero (neither sign);
6. ``duplicate_date``: another included event of the same sign has the same day 0 (two
   companies announcing on one session give one spread path, counted once).

Day 0 is the first spread date on or after ``available_at`` (as in
:func:`signals.diagnostics.event_study`), so the counts here are exactly the events behind the
mean paths. The ``events`` block of ``metrics.json`` holds the counts and the mean cumulative
return at the window end per surprise sign; :func:`event_caption` says it in words.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from signals.diagnostics import event_study

SIGNS = ("positive", "negative")
DATED_BY = ("release", "filing", "lag")
REASONS: dict[str, str] = {
    "undated": "without a date",
    "before_start": "before the spread starts (day {lo} would precede its first return)",
    "near_end": "too close to the end (fewer than {hi} sessions of spread after day 0)",
    "no_surprise": "with no surprise defined (no quarter a year earlier or too few in the "
    "trend window)",
    "zero_surprise": "with a surprise of exactly zero",
    "duplicate_date": "on the same session as another included event of the same sign "
    "(one spread path per date)",
}


def account_events(
    events: pd.DataFrame, spread: pd.Series, window: Sequence[int] = (-5, 20)
) -> pd.DataFrame:
    """Mark each announcement as included in the event study or excluded, with the reason.

    Parameters
    ----------
    events : DataFrame
        ``available_at, ticker, surprise`` and optionally ``dated_by`` (one row per
        announcement, :attr:`FactorResult.events`).
    spread : Series
        Daily near-minus-long return (NaN rows are dropped, as in the event study).
    window : (int, int)
        Business days ``(start <= 0, end >= 0)`` around day 0 (``[inference] event_window``).

    Returns
    -------
    DataFrame
        ``events`` sorted by ``available_at, ticker`` with ``day0`` (the spread date of day 0,
        NaT when outside the spread), ``sign`` (``positive``, ``negative``, ``zero``,
        ``undefined``) and ``status`` (``included`` or a key of :data:`REASONS`).

    Examples
    --------
    >>> idx = pd.bdate_range("2024-01-01", periods=10)
    >>> ev = pd.DataFrame({"available_at": idx[[0, 5, 5, 9]], "ticker": list("ABCD"),
    ...                    "surprise": [0.1, 0.2, 0.3, -0.1]})
    >>> account_events(ev, pd.Series(0.0, idx), (-2, 2))["status"].tolist()
    ['before_start', 'included', 'duplicate_date', 'near_end']
    """
    lo, hi = int(window[0]), int(window[1])
    if lo > 0 or hi < lo:
        raise ValueError(f"`window` must satisfy start <= 0 <= end, got {tuple(window)}")
    idx = spread.dropna().index
    ev = events.copy()
    ev["available_at"] = pd.to_datetime(ev["available_at"])
    ev = ev.sort_values(["available_at", "ticker"], kind="stable").reset_index(drop=True)
    at = ev["available_at"]
    valid = at.notna().to_numpy()
    p0 = np.full(len(ev), len(idx), dtype=np.int64)  # undated: past the end
    p0[valid] = idx.searchsorted(pd.DatetimeIndex(at[valid]))
    sur = pd.to_numeric(ev["surprise"], errors="coerce").to_numpy(dtype=float)
    sign = np.select([sur > 0, sur < 0, sur == 0], ["positive", "negative", "zero"], "undefined")
    status = np.full(len(ev), "included", dtype=object)
    for reason, hit in (
        ("undated", at.isna().to_numpy()),
        ("before_start", p0 + lo < 0),
        ("near_end", p0 + hi >= len(idx)),
        ("no_surprise", sign == "undefined"),
        ("zero_surprise", sign == "zero"),
    ):
        status[(status == "included") & hit] = reason
    inc = status == "included"
    dup = np.zeros(len(ev), dtype=bool)  # the first included event of a (sign, day 0) stays
    dup[inc] = pd.DataFrame({"sign": sign, "p0": p0})[inc].duplicated().to_numpy()
    status[dup] = "duplicate_date"
    ev["day0"] = pd.DatetimeIndex([idx[p] if p < len(idx) else pd.NaT for p in p0])
    ev["sign"], ev["status"] = sign, status
    return ev


def sign_cars(
    accounted: pd.DataFrame, spread: pd.Series, window: Sequence[int] = (-5, 20)
) -> dict[str, pd.DataFrame | None]:
    """Mean cumulative spread return around the included events, per surprise sign.

    Returns
    -------
    dict
        ``{"positive": car, "negative": car}``, each the ``car`` frame of
        :func:`signals.diagnostics.event_study` (None when the sign has no included event).
    """
    out: dict[str, pd.DataFrame | None] = {}
    inc = accounted[accounted["status"] == "included"]
    for s in SIGNS:
        sub = inc[inc["sign"] == s]
        out[s] = event_study(spread, sub, window=tuple(window)).car if len(sub) else None
    return out


def _counts(frame: pd.DataFrame, column: str, keys: Sequence[str]) -> dict[str, int]:
    vc = frame[column].value_counts() if len(frame) else pd.Series(dtype=int)
    return {k: int(vc.get(k, 0)) for k in keys}


def events_block(
    events: pd.DataFrame,
    spread: pd.Series,
    window: Sequence[int] = (-5, 20),
    *,
    synthetic: bool = False,
) -> dict[str, Any]:
    """Build the ``events`` block of ``metrics.json``.

    Returns
    -------
    dict
        ``window`` ``[lo, hi]``; ``spread_start``, ``spread_end``; ``n`` (all announcements);
        ``by_dated_by`` ``{release, filing, lag}``; ``by_ticker`` ``{ticker: {release,
        filing, lag}}``; ``by_sign`` ``{positive, negative, zero, undefined}`` (all);
        ``included`` ``{total, positive, negative, by_dated_by}``; ``excluded`` ``{reason:
        n}`` for every key of :data:`REASONS` (``included.total`` plus these is ``n``);
        ``car_end`` ``{sign: {car, lo, hi, n}}``: the mean cumulative return from day
        ``lo`` to day ``hi`` with its 95% band; ``synthetic``; ``caption``
        (:func:`event_caption`).
    """
    lo, hi = int(window[0]), int(window[1])
    ev = events if "dated_by" in events else events.assign(dated_by="filing")
    acc = account_events(ev, spread, (lo, hi))
    inc = acc[acc["status"] == "included"]
    cars = sign_cars(acc, spread, (lo, hi))
    car_end: dict[str, Any] = {}
    for s in SIGNS:
        c = cars[s]
        last = c.iloc[-1] if c is not None else None
        car_end[s] = {
            "car": None if last is None else float(last["car"]),
            "lo": None if last is None else float(last["lo"]),
            "hi": None if last is None else float(last["hi"]),
            "n": 0 if last is None else int(last["n"]),
        }
    idx = spread.dropna().index
    block: dict[str, Any] = {
        "window": [lo, hi],
        "spread_start": idx[0].strftime("%Y-%m-%d") if len(idx) else None,
        "spread_end": idx[-1].strftime("%Y-%m-%d") if len(idx) else None,
        "n": int(len(acc)),
        "by_dated_by": _counts(acc, "dated_by", DATED_BY),
        "by_ticker": {
            str(t): _counts(g, "dated_by", DATED_BY) for t, g in acc.groupby("ticker", sort=True)
        },
        "by_sign": _counts(acc, "sign", ("positive", "negative", "zero", "undefined")),
        "included": {
            "total": int(len(inc)),
            **_counts(inc, "sign", SIGNS),
            "by_dated_by": _counts(inc, "dated_by", DATED_BY),
        },
        "excluded": _counts(acc, "status", tuple(REASONS)),
        "car_end": car_end,
        "synthetic": bool(synthetic),
    }
    block["caption"] = event_caption(block)
    return block


def _p(x: float | None) -> str:
    return "n/a" if x is None else f"{x * 100:+.2f}%"


def event_caption(block: dict[str, Any]) -> str:
    """Say which announcements the event study counts, why the others are left out, and its ends.

    Examples
    --------
    >>> b = {"window": [-5, 20], "n": 3, "spread_start": "2015-01-02",
    ...      "spread_end": "2026-01-30", "by_dated_by": {"release": 3, "filing": 0, "lag": 0},
    ...      "included": {"total": 2, "positive": 1, "negative": 1},
    ...      "excluded": {"no_surprise": 1}, "synthetic": False,
    ...      "car_end": {"positive": {"car": 0.01, "n": 1}, "negative": {"car": -0.02, "n": 1}}}
    >>> event_caption(b)  # doctest: +NORMALIZE_WHITESPACE
    '3 capex announcements (day 0 at the first session after the news: 3 earnings releases,
     0 10-Q/10-K filings, 0 at the table lag). 2 inside the event window [-5, +20] of the
     spread (2015-01-02..2026-01-30): 1 positive and 1 negative surprises. Excluded: 1 with
     no surprise defined (no quarter a year earlier or too few in the trend window). Mean
     cumulative near-minus-long return from day -5 to day +20: positive surprises +1.00%
     (n=1), negative -2.00% (n=1).'
    """
    lo, hi = block["window"]
    d = block["by_dated_by"]
    inc = block["included"]
    text = (
        f"{block['n']} capex announcements (day 0 at the first session after the news: "
        f"{d['release']} earnings releases, {d['filing']} 10-Q/10-K filings, {d['lag']} at the "
        f"table lag). {inc['total']} inside the event window [{lo:+d}, {hi:+d}] of the spread "
        f"({block['spread_start']}..{block['spread_end']}): {inc['positive']} positive and "
        f"{inc['negative']} negative surprises."
    )
    why = [
        f"{n} " + REASONS[k].format(lo=lo, hi=hi)
        for k, n in (block.get("excluded") or {}).items()
        if n
    ]
    text += " Excluded: " + ("; ".join(why) if why else "none") + "."
    c = block["car_end"]
    text += (
        f" Mean cumulative near-minus-long return from day {lo:+d} to day {hi:+d}: positive "
        f"surprises {_p(c['positive']['car'])} (n={c['positive']['n']}), negative "
        f"{_p(c['negative']['car'])} (n={c['negative']['n']})."
    )
    if block.get("synthetic") and d["release"] == 0:
        text += (
            " Synthetic market: it simulates no SEC filing index, so no announcement is dated "
            "by an earnings release; each is dated by its simulated 10-Q/10-K filing or the lag."
        )
    return text


def events_metrics(result: Any) -> dict[str, Any]:
    """Build the ``events`` block of a :class:`~backtests.study.pipeline.PipelineResult`."""
    ev = getattr(result.factor, "events", None)
    if ev is None:
        ev = pd.DataFrame(columns=["available_at", "ticker", "surprise", "dated_by"])
    window = tuple(result.cfg.inference.event_window)
    return events_block(ev, result.spread, window, synthetic=bool(result.market.synthetic))

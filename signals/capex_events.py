"""Capex announcements: one event per first filing of a quarter, its surprise, and a daily mean.

Timing
------
An event is dated by its ``available_at`` (the first business day it may be traded on); its
surprise uses only quarters available strictly before that date; the daily component at t
averages the latest surprises with ``available_at <= t``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from data.config import Config
from signals._quarters import Vintages, check_quarters, matched_growth, quarter_slots

EVENT_COLUMNS = [
    "available_at",
    "ticker",
    "period_end",
    "capex_usd",
    "surprise",
    "dated_by",
    "accepted_at",
]


def capex_events(
    capex: pd.DataFrame,
    tickers: Config | Sequence[str],
    *,
    quarters: int | None = None,
    max_missing: int | None = None,
) -> pd.DataFrame:
    """One row per capex announcement: the first filing of each discrete quarter.

    The surprise compares the quarter with what its own history implied just before the
    filing: expected = the same quarter a year earlier x (sum of the ``quarters`` quarters
    before it / sum of the ``quarters`` before those), i.e. last year's seasonal level grown
    at the trailing ``quarters``-quarter rate, and ``surprise = log(actual / expected)``.
    The trend ratio is taken over matched pairs of quarters (:func:`matched_growth`): up to
    ``max_missing`` of the ``quarters`` slots may lack a known quarter or its match. NaN
    when the quarter a year earlier is unknown, more slots are unmatched, or a value is not
    positive.

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
    max_missing : int, optional
        Unmatched slots allowed in the trend window (default 0, or the configured
        ``factor.capex_max_missing_quarters``).

    Returns
    -------
    DataFrame
        ``available_at, ticker, period_end, capex_usd, surprise, dated_by, accepted_at``,
        sorted by date. ``dated_by`` says what dated the event (``release``, ``filing``,
        ``lag``: see :mod:`data.capex_dates`), ``accepted_at`` the UTC acceptance time of
        that release or filing (NaT for a lag).

    Timing
    ------
    The expectation uses only quarters with ``available_at`` strictly before the event's.
    """
    if isinstance(tickers, Config):
        f = tickers.factor
        if quarters is None:
            quarters = int(f.surprise_trend_quarters)
        if max_missing is None:
            max_missing = int(f.get("capex_max_missing_quarters", 0))
        tickers = list(tickers.universe.hyperscalers)
    quarters = 4 if quarters is None else int(quarters)
    max_missing = 0 if max_missing is None else int(max_missing)
    if quarters < 1:
        raise ValueError(f"`quarters` must be >= 1, got {quarters}")
    if not 0 <= max_missing < quarters:
        raise ValueError(f"`max_missing` must be in [0, quarters - 1], got {max_missing}")
    check_quarters(capex, "capex_events")
    cap = capex[(capex["concept"] == "capex") & capex["ticker"].isin(list(tickers))]
    v = Vintages(cap)
    first = cap.sort_values("available_at", kind="stable").drop_duplicates(["ticker", "period_end"])
    if "dated_by" in first.columns:
        dated_by = first["dated_by"].astype(str).tolist()
        accepted = pd.to_datetime(first["accepted_at"], utc=True).tolist()
    else:  # quarters not dated by data.capex_dates: EDGAR facts by filing, tables by lag
        dated_by = np.where(first["filed"].notna(), "filing", "lag").tolist()
        accepted = [pd.NaT] * len(first)
    trend = range(-1, -quarters - 1, -1)  # the quarters before the event's
    rows = []
    for t, pe, av, val, by, acc in zip(
        first["ticker"].astype(str),
        first["period_end"],
        first["available_at"],
        first["value"].astype(float),
        dated_by,
        accepted,
        strict=True,
    ):
        end = np.datetime64(pe, "D")
        ends, vals = v.known(t, "capex", np.datetime64(av, "D") - 1)
        keep = ends < end
        ends, vals = ends[keep], vals[keep]
        surprise = np.nan
        year_ago = vals[quarter_slots(ends, end) == -4]
        m = matched_growth(ends, vals, end, trend, quarters, max_missing=max_missing)
        if m is not None and len(year_ago):
            recent, prior, _ = m
            if recent > 0 and prior > 0 and year_ago[-1] > 0 and val > 0:
                surprise = float(np.log(val / (year_ago[-1] * recent / prior)))
        rows.append(
            {
                "available_at": av,
                "ticker": t,
                "period_end": pe,
                "capex_usd": val,
                "surprise": surprise,
                "dated_by": by,
                "accepted_at": acc,
            }
        )
    out = pd.DataFrame(rows, columns=EVENT_COLUMNS)
    out["accepted_at"] = pd.to_datetime(out["accepted_at"], utc=True)
    return out.sort_values(["available_at", "ticker"], kind="stable").reset_index(drop=True)


def surprise_component(
    events: pd.DataFrame, index: pd.DatetimeIndex, *, window_days: int = 100
) -> tuple[pd.Series, pd.Series]:
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

"""Point-in-time quarter arithmetic shared by the capex aggregates and the capex events.

Timing
------
:class:`Vintages` returns, at a date d, only quarters with ``available_at <= d`` (the rows of
:func:`data.fundamentals.as_of`); every other helper works on what it is given.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from data.errors import DataError
from data.tables import QUARTERS_COLUMNS

QUARTER_GAP_DAYS = (70, 110)  # consecutive quarter ends are 3 months apart
QUARTER_DAYS = 365.25 / 4
_DAY = np.timedelta64(1, "D")


def check_quarters(capex: pd.DataFrame, what: str) -> None:
    """Raise :class:`~data.errors.DataError` naming ``what`` when a canonical column is missing."""
    missing = [c for c in QUARTERS_COLUMNS if c not in capex.columns]
    if missing:
        raise DataError(f"capex quarters lack columns {missing}", source=what)


class Vintages:
    """Point-in-time quarters of one table as small numpy arrays per ``(ticker, concept)``.

    ``known(ticker, concept, d)`` returns the latest vintage of every quarter with
    ``available_at <= d`` (the same rows as :func:`data.fundamentals.as_of`, checked by a
    property test), as arrays of period ends (datetime64[D]) and values, sorted by period end.
    """

    def __init__(self, quarters: pd.DataFrame):
        q = quarters.sort_values(["ticker", "concept", "period_end", "available_at"], kind="stable")
        self.groups: dict[tuple[str, str], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        for (t, c), g in q.groupby(["ticker", "concept"], sort=False):
            self.groups[(str(t), str(c))] = (
                g["period_end"].to_numpy(dtype="datetime64[D]"),
                g["available_at"].to_numpy(dtype="datetime64[D]"),
                g["value"].to_numpy(dtype=float),
            )

    def known(self, ticker: str, concept: str, d: np.datetime64) -> tuple[np.ndarray, np.ndarray]:
        """Return quarter ends and values of the latest vintages available on or before ``d``."""
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


def consecutive(ends: np.ndarray) -> bool:
    """Return True when successive quarter ends are all about three months apart."""
    d = np.diff(ends) / _DAY
    return bool(np.all((d >= QUARTER_GAP_DAYS[0]) & (d <= QUARTER_GAP_DAYS[1])))


def quarter_slots(ends: np.ndarray, ref: np.datetime64) -> np.ndarray:
    """Whole quarters from ``ref`` to each end: 0 for ``ref``, -1 the quarter before, ...

    Rounded from calendar days (a quarter is 365.25 / 4 days), so fiscal quarters ending on
    odd dates (the last Saturday of a month) fall in the right slot.
    """
    return np.rint((ends - ref) / _DAY / QUARTER_DAYS).astype(int)


def ticker_window(
    ends: np.ndarray, values: np.ndarray, n: int
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
    if len(ends) < n or not consecutive(ends[-n:]):
        return None
    prev_sum = np.nan
    if len(ends) >= 2 * n and consecutive(ends[-2 * n :]):
        prev_sum = float(values[-2 * n : -n].sum())
    return float(values[-n:].sum()), prev_sum, ends[-1]


def matched_growth(
    ends: np.ndarray,
    values: np.ndarray,
    ref: np.datetime64,
    slots: range,
    lag: int,
    *,
    max_missing: int = 0,
) -> tuple[float, float, int] | None:
    """Return sums over matched pairs of quarters: each slot of ``slots`` and ``lag`` before it.

    Parameters
    ----------
    ends, values : ndarray
        One company's known quarter ends and values, sorted by end.
    ref : datetime64
        The quarter end that is slot 0 (see :func:`quarter_slots`).
    slots : range
        The recent window, e.g. ``range(0, -4, -1)`` for the last four quarters up to ``ref``.
    lag : int
        Quarters between a recent slot and its match (the window length: 4 compares a
        trailing year with the year before).
    max_missing : int
        How many slots of the window may lack a known quarter or its match.

    Returns
    -------
    tuple or None
        ``(recent_sum, prior_sum, n_matched)`` over the slots known together with their
        match; None when more than ``max_missing`` slots are unmatched. With
        ``max_missing = 0`` and consecutive quarters this is :func:`ticker_window`'s pair of
        sums; with one quarter missing (a company whose data lacks, say, every calendar Q2)
        it is still a like-for-like growth over the quarters present in both windows.
    """
    if len(ends) == 0:
        return None
    val = dict(zip(quarter_slots(ends, ref).tolist(), values.tolist(), strict=True))
    pairs = [s for s in slots if s in val and s - lag in val]
    if not pairs or len(pairs) < len(slots) - max_missing:
        return None
    return (
        float(sum(val[s] for s in pairs)),
        float(sum(val[s - lag] for s in pairs)),
        len(pairs),
    )

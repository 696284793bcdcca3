"""Walk-forward selection and the held-out tail.

:func:`walk_forward` re-tunes at regular steps: at the start of each test window it picks
the trial with the best metric on the training window that ends the day before, holds it for
the test window, and stitches the test windows into one out-of-sample return series.
:func:`held_out` and :func:`split_is_oos` separate the period used for tuning from the final
stretch (``run.oos_start``) that no tuning may see.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from backtests.inference._common import (
    METRICS,
    PERIODS_PER_YEAR,
    as_returns,
    as_trial_frame,
    check_before,
    check_choice,
    check_positive_int,
    fmt,
    metric_values,
    return_stats,
)
from data.errors import DataError

Frame = pd.Series | pd.DataFrame


def split_is_oos(frame: Frame, oos_start: Any) -> tuple[Frame, Frame]:
    """Split rows into in-sample (dates before ``oos_start``) and out-of-sample (on or after).

    Parameters
    ----------
    frame : pandas.Series or pandas.DataFrame
        Anything with a sorted DatetimeIndex.
    oos_start : date-like
        First held-out date.

    Returns
    -------
    (in_sample, out_of_sample)
        Views of ``frame``; ``in_sample.index < oos_start <= out_of_sample.index``.
    """
    if not isinstance(frame.index, pd.DatetimeIndex):
        raise DataError(f"needs a DatetimeIndex, got {type(frame.index).__name__}", source="frame")
    if not frame.index.is_monotonic_increasing:
        raise DataError("index must be sorted ascending", source="frame")
    try:
        start = pd.Timestamp(oos_start)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"`oos_start` must be a date, got {oos_start!r}") from exc
    mask = frame.index < start
    return frame.loc[mask], frame.loc[~mask]


def held_out(
    returns: pd.Series, oos_start: Any, *, periods_per_year: int = PERIODS_PER_YEAR
) -> dict[str, Any]:
    """In-sample vs. held-out statistics of one return series, side by side.

    Parameters
    ----------
    returns : pandas.Series
        Daily returns of the strategy over the whole period.
    oos_start : date-like
        First held-out date.
    periods_per_year : int
        Annualization factor.

    Returns
    -------
    dict
        ``{"oos_start": "YYYY-MM-DD", "is": stats, "oos": stats}`` (in-sample: dates
        before ``oos_start``; held out: on or after), each stats dict with ``start, end,
        n_days, total_return, cagr, ann_vol, sharpe, max_drawdown`` (None where undefined,
        e.g. an empty tail).
    """
    r = as_returns(returns, "returns", min_obs=1)
    ins, oos = split_is_oos(r, oos_start)
    return {
        "oos_start": pd.Timestamp(oos_start).date().isoformat(),
        "is": return_stats(ins, periods_per_year=periods_per_year),
        "oos": return_stats(oos, periods_per_year=periods_per_year),
    }


@dataclass(frozen=True)
class WalkForwardResult:
    """Stitched out-of-sample returns of walk-forward selection.

    Attributes
    ----------
    returns : pandas.Series
        The selected trial's returns in each test window, concatenated (name ``walkforward``).
    choices : pandas.DataFrame
        One row per window: ``train_start, train_end, test_start, test_end, trial,
        train_metric``.
    metric : str
        Selection metric.
    expanding : bool
        Expanding (True) or rolling training window.
    train_days, test_days : int
        Window lengths in rows.
    """

    returns: pd.Series = field(repr=False, compare=False)
    choices: pd.DataFrame = field(repr=False, compare=False)
    metric: str = "sharpe"
    expanding: bool = True
    train_days: int = 0
    test_days: int = 0
    periods_per_year: int = PERIODS_PER_YEAR

    @property
    def n_windows(self) -> int:
        """Number of test windows."""
        return len(self.choices)

    def stats(self) -> dict[str, Any]:
        """Statistics of the stitched returns plus ``n_windows`` and ``n_switches``."""
        out = return_stats(self.returns, periods_per_year=self.periods_per_year)
        trials = self.choices["trial"].tolist()
        out["n_windows"] = len(trials)
        out["n_switches"] = int(sum(a != b for a, b in zip(trials[:-1], trials[1:], strict=True)))
        return out

    def summary(self) -> str:
        """One line: stitched Sharpe and return, windows, switches."""
        st = self.stats()
        kind = "expanding" if self.expanding else "rolling"
        return (
            f"walk-forward ({kind} {self.train_days}d train / {self.test_days}d test, "
            f"{self.metric}): Sharpe {fmt(st['sharpe'], '.2f')}, total "
            f"{fmt(st['total_return'], '+.1%')} over {st['n_windows']} windows "
            f"({st['n_switches']} switches), {st['start']} .. {st['end']}"
        )

    def __str__(self) -> str:
        return self.summary()


def walk_forward(
    trial_returns: pd.DataFrame,
    *,
    train_days: int,
    test_days: int,
    metric: Literal["sharpe", "mean", "total_return"] = "sharpe",
    expanding: bool = True,
    oos_start: Any = None,
    periods_per_year: int = PERIODS_PER_YEAR,
) -> WalkForwardResult:
    """Pick the best trial on each training window, hold it for the next test window.

    Parameters
    ----------
    trial_returns : pandas.DataFrame
        Dates x trials daily returns (``SweepResult.returns``), no NaN.
    train_days : int
        Rows in the first training window (and in every window if ``expanding=False``).
    test_days : int
        Rows per test window; the last window may be shorter.
    metric : {"sharpe", "mean", "total_return"}
        Selection metric on the training window. Ties go to the first column; a trial with
        an undefined metric (zero variance) is never preferred to a defined one.
    expanding : bool
        True: training starts at the first row; False: the ``train_days`` rows before the
        test window.
    oos_start : date-like, optional
        When given, ``trial_returns`` must end before it (:class:`LookAheadError`): the
        selection then never sees the held-out tail.
    periods_per_year : int
        Annualization factor for :meth:`WalkForwardResult.stats`.

    Returns
    -------
    WalkForwardResult

    Notes
    -----
    Timing: the trial for a test window starting at row ``t`` is chosen from rows before
    ``t`` only. Row ``t``'s return is earned from close ``t-1`` to close ``t``, so the choice
    is known at close ``t-1``, the same close at which a trial's own targets for ``t`` are
    set (each trial's returns already include its execution lag).

    Examples
    --------
    >>> wf = walk_forward(sweep.returns, train_days=756, test_days=126)  # doctest: +SKIP
    >>> wf.stats()["sharpe"]  # doctest: +SKIP
    """
    f = as_trial_frame(trial_returns, "trial_returns", min_trials=1)
    check_before(f, oos_start, "trial_returns")
    train_days = check_positive_int(train_days, "train_days", minimum=2)
    test_days = check_positive_int(test_days, "test_days")
    metric = check_choice(metric, "metric", METRICS)
    T = len(f)
    if T <= train_days:
        raise DataError(
            f"`train_days` {train_days} leaves no test window in {T} rows", source="trial_returns"
        )
    x = f.to_numpy()
    cols = list(f.columns)
    pieces: list[np.ndarray] = []
    rows = []
    for t0 in range(train_days, T, test_days):
        t1 = min(t0 + test_days, T)
        a = 0 if expanding else t0 - train_days
        m = np.asarray(metric_values(x[a:t0], metric, axis=0), dtype=float)
        if np.isnan(m).all():
            j = 0
        else:
            j = int(np.argmax(np.where(np.isnan(m), -np.inf, m)))
        pieces.append(x[t0:t1, j])
        rows.append(
            {
                "train_start": f.index[a],
                "train_end": f.index[t0 - 1],
                "test_start": f.index[t0],
                "test_end": f.index[t1 - 1],
                "trial": cols[j],
                "train_metric": float(m[j]) if math.isfinite(m[j]) else np.nan,
            }
        )
    stitched = pd.Series(np.concatenate(pieces), index=f.index[train_days:], name="walkforward")
    return WalkForwardResult(
        returns=stitched,
        choices=pd.DataFrame(rows),
        metric=metric,
        expanding=bool(expanding),
        train_days=train_days,
        test_days=test_days,
        periods_per_year=periods_per_year,
    )

"""The samples every statistic is shown on: in-sample, held-out, post-registration, full.

- **in-sample** (``in_sample``): from the first backtest date to the day before
  ``run.oos_start``. Every tuning step (sweep, deflation, PBO, SPA) sees only this.
- **held-out** (``held_out``): from ``run.oos_start`` to ``run.registered``. No tuning step
  looked at it, but whoever chose the specification had seen it: it is a
  *pseudo*-out-of-sample check.
- **post-registration** (``post_registration``): after ``run.registered``, the date the
  thesis was published and the specification frozen: the only data nobody had seen.
- **full** (``full``): everything.

A sample may be empty (for example post-registration on data that ends on the
registration date); its statistics are then None, never a number from another sample.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

SAMPLE_NAMES: tuple[str, ...] = ("in_sample", "held_out", "post_registration", "full")
SAMPLE_LABELS: dict[str, str] = {
    "in_sample": "in-sample",
    "held_out": "held-out (pseudo-out-of-sample)",
    "post_registration": "post-registration",
    "full": "full",
}


@dataclass(frozen=True)
class Sample:
    """One sample: a name and the closed date range ``[start, end]`` (None when empty).

    Attributes
    ----------
    name : str
        One of :data:`SAMPLE_NAMES`.
    start, end : pandas.Timestamp or None
        First and last dates of the sample on the backtest index.
    n_days : int
        Business days in the sample.
    """

    name: str
    start: pd.Timestamp | None
    end: pd.Timestamp | None
    n_days: int

    @property
    def label(self) -> str:
        """Human-readable name."""
        return SAMPLE_LABELS[self.name]

    @property
    def empty(self) -> bool:
        """True when the sample holds no date."""
        return self.n_days == 0

    def take(self, x: pd.Series | pd.DataFrame) -> pd.Series | pd.DataFrame:
        """Rows of ``x`` inside the sample (an empty slice when the sample is empty)."""
        if self.empty:
            return x.iloc[0:0]
        return x.loc[self.start : self.end]

    def summary(self) -> str:
        """One line: name, dates and length."""
        if self.empty:
            return f"{self.label}: empty"
        return f"{self.label}: {self.start.date()} .. {self.end.date()} ({self.n_days} days)"

    def __str__(self) -> str:
        return self.summary()


def split_samples(
    index: pd.DatetimeIndex, oos_start: str | pd.Timestamp, registered: str | pd.Timestamp
) -> dict[str, Sample]:
    """Cut a backtest index into the four samples.

    Parameters
    ----------
    index : DatetimeIndex
        The backtest dates (sorted).
    oos_start : date-like
        First held-out date (``run.oos_start``).
    registered : date-like
        Registration date (``run.registered``): post-registration starts the day after.

    Returns
    -------
    dict of str to Sample
        Keyed by :data:`SAMPLE_NAMES`, in that order.

    Raises
    ------
    ValueError
        When ``registered`` is before ``oos_start``.

    Examples
    --------
    >>> idx = pd.bdate_range("2024-01-01", "2024-01-31")
    >>> s = split_samples(idx, "2024-01-15", "2024-01-24")
    >>> [s[k].n_days for k in SAMPLE_NAMES]
    [10, 8, 5, 23]
    """
    idx = pd.DatetimeIndex(index)
    oos = pd.Timestamp(oos_start)
    reg = pd.Timestamp(registered)
    if reg < oos:
        raise ValueError(
            f"`run.registered` ({reg.date()}) must not be before `run.oos_start` ({oos.date()})"
        )
    masks = {
        "in_sample": idx < oos,
        "held_out": (idx >= oos) & (idx <= reg),
        "post_registration": idx > reg,
        "full": idx == idx,
    }
    out: dict[str, Sample] = {}
    for name in SAMPLE_NAMES:
        days = idx[masks[name]]
        if len(days):
            out[name] = Sample(name, days[0], days[-1], len(days))
        else:
            out[name] = Sample(name, None, None, 0)
    return out

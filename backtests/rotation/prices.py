"""Validated prices: check a price table once at the public boundary, trust it inside.

:func:`check_prices` is the one check of a wide price table (the canonical shape of
:func:`data.tables.validate_wide` and positive prices). :class:`Prices` holds a table that has
passed it; its constructor is the only place that runs the check. Public functions
(:func:`backtests.rotation.targets.target_weights`,
:func:`backtests.engines.engine.run_backtest`, :func:`backtests.study.benchmarks.run_benchmarks`,
:func:`backtests.sweep.core.run_sweep`) accept a plain DataFrame, checked on entry through
:func:`as_prices`, or a :class:`Prices`, trusted as it is; they pass the :class:`Prices` on
to each other, so one pipeline run checks its prices once.

A column subset (:meth:`Prices.select`) and a row slice (:meth:`Prices.between`,
:meth:`Prices.take`) of a checked table are checked tables too (sorted, unique dates, positive
float prices), so they are returned as :class:`Prices` without a second check.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pandas as pd

from data.errors import DataError
from data.tables import validate_wide


class RowSample(Protocol):
    """Anything whose ``take`` returns the rows of a frame inside a date range.

    :class:`backtests.inference.samples.Sample` is one.
    """

    def take(self, x: pd.DataFrame) -> pd.DataFrame:
        """Return the rows of ``x`` inside the sample (a row slice)."""
        ...


def check_prices(prices: pd.DataFrame | Prices) -> pd.DataFrame:
    """Validate a wide price table (canonical shape, positive prices); return it as float.

    Parameters
    ----------
    prices : DataFrame or Prices
        Wide adjusted closes, DatetimeIndex ``date``, one column per ticker, NaN before a
        ticker exists. A :class:`Prices` is already checked: its frame is returned as it is.

    Returns
    -------
    DataFrame
        The table with index ``date`` and float64 values.

    Raises
    ------
    DataError
        When :func:`data.tables.validate_wide` rejects the table, or a price is zero or
        negative (the error names the ticker and the date).

    Examples
    --------
    >>> idx = pd.bdate_range("2024-01-01", periods=2, name="date")
    >>> check_prices(pd.DataFrame({"A": [1, 2]}, index=idx))["A"].dtype
    dtype('float64')
    """
    if isinstance(prices, Prices):
        return prices.frame
    prices = validate_wide(prices, "prices")
    values = prices.to_numpy()
    bad = np.argwhere(~np.isnan(values) & ~(values > 0))
    if len(bad):
        i, j = bad[0]
        raise DataError(
            f"price must be positive, got {float(values[i, j])!r} for {prices.columns[j]}",
            source="prices",
            row=str(prices.index[i].date()),
        )
    return prices


@dataclass(frozen=True, eq=False)
class Prices:
    """A wide price table that has passed :func:`check_prices` (checked on construction).

    Parameters
    ----------
    frame : DataFrame
        Wide adjusted closes; replaced by the checked float64 table.
    stops : mapping of str to Timestamp, optional
        Tickers whose prices stop before the table's end, with the date of their last price
        (:func:`data.stops.price_stops`). Each leaves its basket after that date
        (:func:`backtests.rotation.baskets.active_members`), and its last price is carried to
        the table's end so that a position in it can be closed (at that price, with a zero
        return after the stop).

    Attributes
    ----------
    frame : DataFrame, shape (T, n_tickers)
        Index ``date`` (sorted, unique, tz-naive), one float64 column per ticker, positive
        prices or NaN. Treat it as read-only: code that holds a :class:`Prices` trusts it.
    stops : dict of str to Timestamp
        As given (empty: no ticker stops).
    grace : dict of str to int
        Per stopped ticker, the calendar days its last price may be old before the stop is
        known (its staleness limit, ``[data.staleness_days]``; default 0).
    leaves : dict of str to Timestamp
        Per stopped ticker, the last date it is still a member: its last price plus its
        ``grace``. Only then is the stop known (a shorter gap could be a ragged edge), so the
        member leaves its basket after that date, never earlier.

    Raises
    ------
    DataError
        As :func:`check_prices` (the error names the ticker and the date), or a stop that
        names no column or is not a ticker's last price.

    Examples
    --------
    >>> idx = pd.bdate_range("2024-01-01", periods=3, name="date")
    >>> px = Prices(pd.DataFrame({"A": [1, 2, 3], "B": [4.0, 5.0, 6.0]}, index=idx))
    >>> px.select(["B"]).frame["B"].tolist(), len(px.between(end=idx[1]).frame)
    ([4.0, 5.0, 6.0], 2)
    """

    frame: pd.DataFrame
    stops: Mapping[str, pd.Timestamp] = field(default_factory=dict)
    grace: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Run the check (the one place a :class:`Prices` is validated)."""
        frame = check_prices(self.frame)
        stops = {str(t): pd.Timestamp(d) for t, d in dict(self.stops).items()}
        if stops:
            frame = _carry_stopped(frame, stops)
        object.__setattr__(self, "frame", frame)
        object.__setattr__(self, "stops", stops)
        object.__setattr__(self, "grace", {t: int(g) for t, g in dict(self.grace).items()})

    @classmethod
    def _trusted(
        cls,
        frame: pd.DataFrame,
        stops: Mapping[str, pd.Timestamp],
        grace: Mapping[str, int] | None = None,
    ) -> Prices:
        """Wrap a frame derived from a checked one without checking it again."""
        out = object.__new__(cls)
        object.__setattr__(out, "frame", frame)
        object.__setattr__(out, "grace", dict(grace or {}))
        object.__setattr__(out, "stops", dict(stops))
        return out

    @property
    def leaves(self) -> dict[str, pd.Timestamp]:
        """Per stopped ticker, the last date it is a member (last price + grace days)."""
        return {t: d + pd.Timedelta(days=int(self.grace.get(t, 0))) for t, d in self.stops.items()}

    @property
    def index(self) -> pd.DatetimeIndex:
        """The dates (``date``)."""
        return self.frame.index

    @property
    def columns(self) -> pd.Index:
        """The tickers."""
        return self.frame.columns

    def __len__(self) -> int:
        """Return the number of dates."""
        return len(self.frame)

    def select(self, columns: Sequence[str]) -> Prices:
        """Return the columns ``columns`` (in that order), still checked.

        Raises
        ------
        KeyError
            When a ticker has no column.
        """
        keep = {t: d for t, d in self.stops.items() if t in set(columns)}
        return self._trusted(self.frame[list(columns)], keep, self.grace)

    def between(self, start: pd.Timestamp | None = None, end: pd.Timestamp | None = None) -> Prices:
        """Return the rows dated ``start`` to ``end`` (both included; None: open), still checked."""
        return self._trusted(self.frame.loc[start:end], self.stops, self.grace)

    def take(self, sample: RowSample) -> Prices:
        """Return the rows inside ``sample`` (a row slice), still checked.

        ``sample`` is e.g. a :class:`backtests.inference.samples.Sample`; its ``take`` must
        return a row slice of the frame it is given.
        """
        return self._trusted(sample.take(self.frame), self.stops, self.grace)


def _carry_stopped(frame: pd.DataFrame, stops: dict[str, pd.Timestamp]) -> pd.DataFrame:
    """Carry each stopped ticker's last price to the table's end (checked first)."""
    out = frame.copy()
    for t, last in stops.items():
        if t not in out.columns:
            raise DataError(f"stopped ticker {t!r} has no price column", source="prices")
        col = out[t]
        if last not in col.index or not np.isfinite(col.loc[last]) or col.loc[last:].count() > 1:
            raise DataError(
                f"stop of {t} on {last.date()} is not its last price "
                f"(last price {col.last_valid_index()})",
                source="prices",
            )
        out.loc[out.index > last, t] = float(col.loc[last])
    return out


def as_prices(prices: pd.DataFrame | Prices) -> Prices:
    """Return ``prices`` as :class:`Prices`: a DataFrame is checked, a :class:`Prices` trusted.

    Parameters
    ----------
    prices : DataFrame or Prices
        A wide price table (see :func:`check_prices`).

    Returns
    -------
    Prices

    Raises
    ------
    DataError
        As :func:`check_prices`, for a DataFrame that fails the check.
    """
    return prices if isinstance(prices, Prices) else Prices(prices)

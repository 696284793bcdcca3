"""Plausibility checks at ingestion: values a parser accepts but no market produces.

A parser checks the *form* of a file (dates, numbers, order); these checks look at the
*values*, with thresholds from ``[data.plausibility]`` and ``[data.units]`` of the
configuration. A clear violation raises :class:`~data.errors.PlausibilityError` naming the
file, the row, the value and the rule; a borderline value returns a note that the loaders
list under the data notes (``MarketData.gaps``) and the report prints.

Rules
-----
``one-day-move``
    ``|log(close_t / close_{t-1})|`` above ``<class>_max_move`` is an error, above
    ``<class>_warn_move`` a note (class ``crypto`` for ``[data] crypto`` tickers, else
    ``equity``). A close typed x1000 for one day moves by log(1000) = 6.9.
``future-date`` / ``too-early``
    A row dated more than ``future_days`` after today, or before the earliest date the
    source can have (``<source>_earliest``).
``unit-range``
    A macro value outside the inclusive range ``[data.units].<unit>`` of its declared unit
    (``[macro.series.<id>] units``): ON RRP in millions instead of billions lands far outside.
``capex-vs-history``
    A capex-table quarter more than ``capex_max_ratio`` times (or less than its inverse)
    the median quarter of the same company in that table is an error, beyond
    ``capex_warn_ratio`` a note.
``increasing-dates``
    A long-history table (Ken French, FRED-MD, FRED-QD) whose dates do not increase
    strictly (the parsers refuse such files; this also guards tables read back from the
    cache).
``daily-return``
    A Ken French daily return (after the percent -> simple conversion) beyond
    ``+-french_max_return`` is an error, beyond ``+-french_warn_return`` a note. The worst day
    of any factor since 1926 is below 20%; a value left in percent lands far outside.
``empty-vintage`` / ``empty-series``
    A FRED-MD or FRED-QD vintage without a single observation, or a series the
    configuration reads that has no value in it. Its values are checked against their
    declared unit with ``unit-range``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from data.errors import PlausibilityError

DEFAULTS: dict[str, Any] = {
    "equity_max_move": 1.1,
    "equity_warn_move": 0.5,
    "crypto_max_move": 1.1,
    "crypto_warn_move": 0.6,
    "future_days": 1,
    "prices_earliest": "1900-01-01",
    "fred_earliest": "1800-01-01",
    "edgar_earliest": "1993-01-01",
    "capex_max_ratio": 100.0,
    "capex_warn_ratio": 20.0,
    "french_max_return": 0.5,
    "french_warn_return": 0.2,
    "french_earliest": "1926-07-01",
    "mccracken_ng_earliest": "1959-01-01",
}
UNIT_DEFAULTS: dict[str, tuple[float, float]] = {
    "percent": (-50.0, 100.0),
    "billions_usd": (0.0, 50_000.0),
    "millions_usd": (0.0, 50_000_000.0),
    "index": (0.0, 10_000.0),
}


@dataclass(frozen=True)
class Rules:
    """Thresholds of the plausibility checks (see the module docstring).

    Build it with :meth:`from_config`; the defaults equal ``data/default.toml``.
    """

    values: dict[str, Any]
    units: dict[str, tuple[float, float]]
    crypto: frozenset[str]
    series_units: dict[str, str]

    @classmethod
    def from_config(cls, cfg: Any) -> Rules:
        """Read ``[data.plausibility]``, ``[data.units]``, ``[data] crypto`` and series units."""
        d = cfg.data
        values = {**DEFAULTS, **dict(d.get("plausibility", {}) or {})}
        units = {**UNIT_DEFAULTS}
        for k, v in dict(d.get("units", {}) or {}).items():
            units[k] = (float(v[0]), float(v[1]))
        series_units = {s: str(spec.get("units", "")) for s, spec in cfg.macro.series.items()}
        return cls(values, units, frozenset(d.get("crypto", ())), series_units)

    def asset_class(self, ticker: str) -> str:
        """``crypto`` or ``equity`` (equities and ETFs)."""
        return "crypto" if ticker in self.crypto else "equity"

    def today(self) -> pd.Timestamp:
        """Latest admissible date: today plus ``future_days``."""
        days = int(self.values["future_days"])
        return pd.Timestamp.today().normalize() + pd.Timedelta(days=days)


def _row(lines: Any, i: int, index: pd.Index) -> int | str:
    if lines is not None and i < len(lines):
        return int(lines[i])
    return str(pd.Timestamp(index[i]).date())


def check_dates(
    index: pd.DatetimeIndex, rules: Rules, *, kind: str, source: str, lines: Any = None
) -> None:
    """Raise on a date after today (+ ``future_days``) or before ``<kind>_earliest``."""
    if not len(index):
        return
    hi = rules.today()
    lo = pd.Timestamp(rules.values.get(f"{kind}_earliest", "1800-01-01"))
    if index[-1] > hi:
        i = int(np.argmax(index > hi))
        raise PlausibilityError(
            f"rule future-date: date {index[i].date()} is after today + "
            f"{rules.values['future_days']} day(s) ({hi.date()})",
            source=source,
            row=_row(lines, i, index),
        )
    if index[0] < lo:
        raise PlausibilityError(
            f"rule too-early: date {index[0].date()} is before {lo.date()}, the earliest "
            f"date a {kind} file can hold (data.plausibility.{kind}_earliest)",
            source=source,
            row=_row(lines, 0, index),
        )


def check_prices(
    close: pd.Series, ticker: str, rules: Rules, *, source: str, lines: Any = None
) -> list[str]:
    """Check one ticker's closes; return notes for borderline moves.

    Parameters
    ----------
    close : Series
        Positive closes on a sorted DatetimeIndex (NaN rows already dropped).
    ticker : str
        Selects the asset class (crypto or equity) of the move limits.
    rules : Rules
        Thresholds.
    source : str, keyword-only
        File named in errors.
    lines : sequence of int, keyword-only, optional
        File line of each row (errors name the line; else the date).

    Returns
    -------
    list of str
        One note per move between the warning and the error limit.

    Raises
    ------
    PlausibilityError
        A move beyond ``<class>_max_move``, or a date out of range.
    """
    check_dates(close.index, rules, kind="prices", source=source, lines=lines)
    if len(close) < 2:
        return []
    cls = rules.asset_class(ticker)
    hard = float(rules.values[f"{cls}_max_move"])
    soft = float(rules.values[f"{cls}_warn_move"])
    vals = close.to_numpy(dtype="float64")
    move = np.abs(np.diff(np.log(vals)))
    bad = np.flatnonzero(move > hard)
    if bad.size:
        i = int(bad[0]) + 1
        raise PlausibilityError(
            f"rule one-day-move: close {vals[i]:.6g} after {vals[i - 1]:.6g} is a move of "
            f"x{np.exp(move[i - 1]):.3g} (|log| {move[i - 1]:.2f} > {hard} = "
            f"data.plausibility.{cls}_max_move); a typo or a unit change?",
            source=source,
            row=_row(lines, i, close.index),
        )
    notes = []
    for j in np.flatnonzero(move > soft):
        i = int(j) + 1
        notes.append(
            f"{source}, row {_row(lines, i, close.index)}: {ticker} moved x"
            f"{np.exp(np.log(vals[i] / vals[i - 1])):.3g} in one day ({vals[i - 1]:.6g} -> "
            f"{vals[i]:.6g}; above data.plausibility.{cls}_warn_move = {soft}); check it"
        )
    return notes


def check_series(
    values: pd.Series, series: str, rules: Rules, *, source: str, lines: Any = None
) -> None:
    """Raise when a macro value lies outside the range of its declared unit, or a date is off."""
    check_dates(values.index, rules, kind="fred", source=source, lines=lines)
    unit = rules.series_units.get(series, "")
    if unit not in rules.units:
        return
    lo, hi = rules.units[unit]
    arr = values.to_numpy(dtype="float64")
    out = np.flatnonzero(~np.isnan(arr) & ((arr < lo) | (arr > hi)))
    if out.size:
        i = int(out[0])
        raise PlausibilityError(
            f"rule unit-range: {series} = {arr[i]:.6g} is outside [{lo:g}, {hi:g}], the range "
            f"of its declared unit {unit!r} (data.units.{unit}); wrong units in the file?",
            source=source,
            row=_row(lines, i, values.index),
        )


def check_capex_table(quarters: pd.DataFrame, rules: Rules, *, source: str) -> list[str]:
    """Compare each capex quarter with the median quarter of the same company.

    Returns notes for ratios beyond ``capex_warn_ratio``; raises beyond ``capex_max_ratio``.
    The row is named ``<ticker> <year>Q<quarter>``.
    """
    if quarters.empty:
        return []
    hard = float(rules.values["capex_max_ratio"])
    soft = float(rules.values["capex_warn_ratio"])
    notes = []
    for ticker, g in quarters[quarters["concept"] == "capex"].groupby("ticker", sort=True):
        vals = g["value"].to_numpy(dtype="float64")
        pos = vals[vals > 0]
        if len(pos) < 4:
            continue
        med = float(np.median(pos))
        for end, v in zip(g["period_end"], vals, strict=True):
            if v <= 0:
                continue
            ratio = max(v / med, med / v)
            if ratio <= soft:
                continue
            where = f"{ticker} {end.year}Q{(end.month - 1) // 3 + 1}"
            msg = f"capex {v:,.0f} is x{v / med:.3g} the company's median quarter {med:,.0f}"
            if ratio > hard:
                raise PlausibilityError(
                    f"rule capex-vs-history: {msg} (beyond data.plausibility.capex_max_ratio "
                    f"= {hard:g}); a unit slip (thousands vs. dollars)?",
                    source=source,
                    row=where,
                )
            notes.append(
                f"{source}, row {where}: {msg} (beyond data.plausibility.capex_warn_ratio "
                f"= {soft:g}); check it"
            )
    return notes


def check_increasing(index: pd.DatetimeIndex, *, source: str) -> None:
    """Raise unless ``index`` increases strictly (rule ``increasing-dates``)."""
    if len(index) < 2:
        return
    step = np.diff(index.asi8)
    if (step > 0).all():
        return
    i = int(np.argmax(step <= 0)) + 1
    raise PlausibilityError(
        f"rule increasing-dates: date {index[i].date()} follows {index[i - 1].date()}; the "
        "dates of a table must increase strictly (unsorted or duplicate rows)",
        source=source,
        row=str(index[i].date()),
    )


def check_daily_returns(frame: pd.DataFrame, rules: Rules, *, source: str) -> list[str]:
    """Check a Ken French table of simple daily returns; return notes for borderline days.

    Parameters
    ----------
    frame : DataFrame
        Dates x factors (``Mkt-RF``, ``HML``, ...), simple daily returns (the file's
        percent / 100), NaN where missing.
    rules : Rules
        ``french_max_return``, ``french_warn_return``, ``french_earliest``, ``future_days``.
    source : str, keyword-only
        File named in errors and notes.

    Returns
    -------
    list of str
        One note per factor with days between the warning and the error limit.

    Raises
    ------
    PlausibilityError
        Dates that do not increase, a date out of range, or a return beyond
        ``+-french_max_return``; the message names the file, the factor, the day and the value.

    Examples
    --------
    >>> idx = pd.DatetimeIndex(["1963-07-01", "1963-07-02"], name="date")
    >>> check_daily_returns(pd.DataFrame({"HML": [0.01, -0.02]}, index=idx),
    ...                     Rules(DEFAULTS, UNIT_DEFAULTS, frozenset(), {}), source="f.csv")
    []
    """
    check_increasing(frame.index, source=source)
    check_dates(frame.index, rules, kind="french", source=source)
    hard = float(rules.values["french_max_return"])
    soft = float(rules.values["french_warn_return"])
    notes = []
    for col in frame.columns:
        vals = frame[col].to_numpy(dtype="float64")
        size = np.abs(np.nan_to_num(vals, nan=0.0))
        bad = np.flatnonzero(size > hard)
        if bad.size:
            i = int(bad[0])
            raise PlausibilityError(
                f"rule daily-return: {col} = {vals[i]:.6g} ({vals[i]:+.1%} in one day) is "
                f"beyond +-{hard:g} (data.plausibility.french_max_return) after the percent -> "
                "simple-return conversion; a value not in percent, or a typo?",
                source=source,
                row=str(frame.index[i].date()),
            )
        warn = np.flatnonzero(size > soft)
        if warn.size:
            days = ", ".join(f"{frame.index[j].date()} ({vals[j]:+.1%})" for j in warn[:3])
            notes.append(
                f"{source}: {col} has {warn.size} day(s) beyond +-{soft:g} "
                f"(data.plausibility.french_warn_return): {days}"
                f"{', ...' if warn.size > 3 else ''}; check them"
            )
    return notes


def check_vintage(
    frame: pd.DataFrame, columns: dict[str, str], rules: Rules, *, source: str
) -> None:
    """Check one FRED-MD or FRED-QD vintage and the series read from it.

    Parameters
    ----------
    frame : DataFrame
        The parsed ``current.csv``: dates x series, in the series' own units.
    columns : dict
        Series id (``[macro.series]``) -> its column in ``frame``; each is checked against
        the range of its declared unit (``unit-range``). Columns absent from ``frame`` are
        left to the caller (a missing series is not a plausibility question).
    rules : Rules
        Unit ranges, ``mccracken_ng_earliest``, ``future_days``.
    source : str, keyword-only
        File named in errors.

    Raises
    ------
    PlausibilityError
        Dates that do not increase or lie out of range, a vintage with no observation
        (``empty-vintage``), a series without a value (``empty-series``) or outside its
        unit's range (``unit-range``).
    """
    check_increasing(frame.index, source=source)
    check_dates(frame.index, rules, kind="mccracken_ng", source=source)
    if frame.empty or not frame.notna().to_numpy().any():
        raise PlausibilityError(
            f"rule empty-vintage: the vintage has no observations ({len(frame)} dated rows, "
            "every value empty); a truncated or failed download?",
            source=source,
        )
    for sid, column in columns.items():
        if column not in frame.columns:
            continue
        values = frame[column]
        if not values.notna().any():
            raise PlausibilityError(
                f"rule empty-series: {column} ({sid} in [macro.series]) has no value in this "
                "vintage",
                source=source,
            )
        check_series(values.dropna(), sid, rules, source=source)

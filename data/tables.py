"""Canonical table shapes, their validation and their provenance attributes.

Every loader returns one of these shapes; :func:`validate_wide` and :func:`validate_long`
check them at the boundary so the layers above can rely on them:

- **wide** (prices, macro): a DataFrame with a sorted, unique, tz-naive DatetimeIndex named
  ``date`` and float columns;
- **fundamentals** (long): the columns of :data:`FUNDAMENTALS_COLUMNS`;
- **capex quarters** (long, point-in-time vintages): the columns of :data:`QUARTERS_COLUMNS`.

Provenance (source, request, fetched_at, sha256 of the raw payload) travels in ``.attrs``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from data.errors import DataError

FUNDAMENTALS_COLUMNS: tuple[str, ...] = (
    "ticker",
    "cik",
    "concept",
    "period_start",
    "period_end",
    "fiscal_year",
    "fiscal_period",
    "form",
    "filed",
    "accession",
    "value",
    "tag",
)
"""Columns of the fundamentals long table (``tag`` is the us-gaap tag behind ``concept``)."""

QUARTERS_COLUMNS: tuple[str, ...] = (
    "ticker",
    "concept",
    "period_start",
    "period_end",
    "value",
    "filed",
    "available_at",
    "source",
)
"""Columns of the capex-quarters long table (one row per vintage of a discrete quarter)."""

CONCEPTS: tuple[str, ...] = ("capex", "ocf", "debt_issuance")
"""Canonical concept names of the fundamentals and capex-quarters tables."""

_FUND_DATES = ("period_start", "period_end", "filed")
_QUARTER_DATES = ("period_start", "period_end", "filed", "available_at")


def sha256_bytes(raw: bytes | str) -> str:
    """Return the hex sha256 of a raw payload (text is encoded as UTF-8)."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    return hashlib.sha256(raw).hexdigest()


def utc_now() -> str:
    """Return the current UTC time as an ISO-8601 string (seconds precision)."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def set_provenance(obj: pd.DataFrame | pd.Series, **info: Any) -> pd.DataFrame | pd.Series:
    """Merge provenance keys (source, request, fetched_at, sha256, ...) into ``obj.attrs``."""
    obj.attrs.update({k: v for k, v in info.items() if v is not None})
    return obj


def validate_wide(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Check a wide table: sorted, unique, tz-naive DatetimeIndex named ``date``, float values.

    Parameters
    ----------
    frame : DataFrame
        The table to check.
    name : str
        What the table is (``"prices"``, ``"macro"``), used in error messages.

    Returns
    -------
    DataFrame
        The same frame (index renamed ``date`` and values cast to float when needed).

    Raises
    ------
    DataError
        When the index is not a DatetimeIndex, carries a time zone, is unsorted or has
        duplicates, or a column is not numeric.
    """
    if not isinstance(frame, pd.DataFrame):
        raise DataError(f"expected a DataFrame, got {type(frame).__name__}", source=name)
    idx = frame.index
    if not isinstance(idx, pd.DatetimeIndex):
        raise DataError(f"index must be a DatetimeIndex, got {type(idx).__name__}", source=name)
    if idx.tz is not None:
        raise DataError(
            f"index must be tz-naive, got tz={idx.tz}; use .tz_localize(None)", source=name
        )
    if idx.has_duplicates:
        dup = idx[idx.duplicated()][0]
        raise DataError(f"duplicate date {dup.date()}", source=name, row=str(dup.date()))
    if not idx.is_monotonic_increasing:
        raise DataError("dates are not sorted ascending", source=name)
    for col in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[col]):
            raise DataError(f"column {col!r} is not numeric ({frame[col].dtype})", source=name)
    if idx.name != "date" or idx.unit != "ns":
        frame = frame.set_axis(idx.as_unit("ns").rename("date"), axis=0)
    return frame.astype("float64") if len(frame.columns) else frame


def _validate_long(frame: pd.DataFrame, name: str, columns: tuple[str, ...], dates: tuple) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise DataError(f"expected a DataFrame, got {type(frame).__name__}", source=name)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(f"missing columns {missing}", source=name)
    for col in dates:
        s = frame[col]
        if not pd.api.types.is_datetime64_any_dtype(s):
            raise DataError(f"column {col!r} must hold dates, got {s.dtype}", source=name)
        if getattr(s.dt, "tz", None) is not None:
            raise DataError(f"column {col!r} must be tz-naive", source=name)
    if not pd.api.types.is_numeric_dtype(frame["value"]):
        raise DataError(f"column 'value' is not numeric ({frame['value'].dtype})", source=name)
    bad = set(frame["concept"].dropna().unique()) - set(CONCEPTS)
    if bad:
        raise DataError(f"unknown concepts {sorted(bad)}; expected {list(CONCEPTS)}", source=name)


def validate_fundamentals(frame: pd.DataFrame, name: str = "fundamentals") -> pd.DataFrame:
    """Check the fundamentals long table (columns, date dtypes, known concepts)."""
    _validate_long(frame, name, FUNDAMENTALS_COLUMNS, _FUND_DATES)
    return frame


def validate_quarters(frame: pd.DataFrame, name: str = "capex quarters") -> pd.DataFrame:
    """Check the capex-quarters long table (columns, date dtypes, known concepts)."""
    _validate_long(frame, name, QUARTERS_COLUMNS, _QUARTER_DATES)
    if frame["available_at"].isna().any():
        raise DataError("every row needs an `available_at` date", source=name)
    return frame


def empty_fundamentals() -> pd.DataFrame:
    """Return an empty fundamentals table with the canonical columns and dtypes."""
    return _empty(FUNDAMENTALS_COLUMNS, _FUND_DATES, {"fiscal_year": "Int64"})


def empty_quarters() -> pd.DataFrame:
    """Return an empty capex-quarters table with the canonical columns and dtypes."""
    return _empty(QUARTERS_COLUMNS, _QUARTER_DATES, {})


def _empty(columns: tuple[str, ...], dates: tuple, extra: Mapping[str, str]) -> pd.DataFrame:
    out = pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    for c in dates:
        out[c] = pd.Series(dtype="datetime64[ns]")
    out["value"] = pd.Series(dtype="float64")
    for c, dt in extra.items():
        out[c] = pd.Series(dtype=dt)
    return out

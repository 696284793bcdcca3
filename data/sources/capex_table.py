"""A user-supplied capex table: ``ticker,year,quarter,payments_usd`` in calendar quarters.

``quarter`` 1-4 is a calendar quarter, 0 the calendar-year total. The table has no filing
dates, so each value is assumed public only after a conservative lag past its period end
(the SEC deadlines for large accelerated filers: 40 days for a 10-Q, 60 for a 10-K).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from data.errors import ParseError
from data.pit import next_business_day
from data.sources._text import find_column, parse_numbers, read_payload, read_rows
from data.tables import QUARTERS_COLUMNS, empty_quarters, set_provenance, sha256_bytes

HEADERS = ("ticker", "year", "quarter", "payments_usd")


def _int(cell: str, name: str, line: str, column: str, lo: int, hi: int) -> int:
    try:
        v = int(float(cell))
        if v != float(cell):
            raise ValueError(cell)
    except ValueError as exc:
        raise ParseError(
            f"column {column!r}: not an integer: {cell!r}", source=name, row=line
        ) from exc
    if not lo <= v <= hi:
        raise ParseError(f"column {column!r}: {v} not in [{lo}, {hi}]", source=name, row=line)
    return v


def _quarter_bounds(year: int, q: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    start = pd.Timestamp(year=year, month=3 * q - 2, day=1)
    return start, start + pd.offsets.QuarterEnd(0)


def parse_capex_table(
    text_or_path: str | bytes | Path,
    *,
    source: str | None = None,
    quarter_lag_days: int = 40,
    annual_lag_days: int = 60,
) -> pd.DataFrame:
    """Parse a capex table into capex quarters (point-in-time rows, concept ``capex``).

    Parameters
    ----------
    text_or_path : str, bytes or Path
        CSV with columns ``ticker,year,quarter,payments_usd`` (any order, any case).
    source : str, keyword-only, optional
        Name used in errors, provenance and the ``source`` column (``capex_table:<name>``).
    quarter_lag_days, annual_lag_days : int, keyword-only
        Days after a quarter's (or the year's) end before its value is assumed public.

    Returns
    -------
    DataFrame
        Capex quarters ``[ticker, concept, period_start, period_end, value, filed,
        available_at, source]``, ``filed`` NaT (unknown). A missing Q4 is derived as the year
        total minus Q1..Q3 when those three exist (available after the annual lag); other
        missing quarters stay missing and are listed in ``attrs["gaps"]`` (one note per
        ticker), as are year totals that disagree with their four quarters by more than 0.5%.

    Raises
    ------
    ParseError
        Missing column, malformed row, non-integer year or quarter outside 0-4, a
        non-numeric or negative payment, a duplicate (ticker, year, quarter); names the
        file and line.

    Timing
    ------
    ``available_at`` is the business day after ``period_end + lag``: known at the filing
    deadline, tradable the next business day.
    """
    if quarter_lag_days < 1 or annual_lag_days < 1:
        raise ValueError(
            f"lags must be >= 1 day, got quarter_lag_days={quarter_lag_days}, "
            f"annual_lag_days={annual_lag_days}"
        )
    text, name, raw = read_payload(text_or_path, source)
    header, lines, rows = read_rows(text, name)
    pos = {}
    for col in HEADERS:
        i = find_column(header, (col,))
        if i is None:
            raise ParseError(f"missing column {col!r} in header {header}", source=name)
        pos[col] = i
    pay = parse_numbers([r[pos["payments_usd"]] for r in rows], lines, name, "payments_usd")
    table: dict[tuple[str, int, int], float] = {}
    for r, line, v in zip(rows, lines, pay, strict=True):
        ticker = r[pos["ticker"]].strip().upper()
        if not ticker:
            raise ParseError("empty ticker", source=name, row=line)
        year = _int(r[pos["year"]], name, line, "year", 1900, 2200)
        q = _int(r[pos["quarter"]], name, line, "quarter", 0, 4)
        if v < 0:
            raise ParseError(f"negative payments_usd {v}", source=name, row=line)
        key = (ticker, year, q)
        if key in table:
            raise ParseError(
                f"duplicate row for {ticker} {year} quarter {q}", source=name, row=line
            )
        if not np.isnan(v):
            table[key] = float(v)
    label = f"capex_table:{Path(name).stem if name != '<text>' else name}"
    qlag, ylag = pd.Timedelta(days=quarter_lag_days), pd.Timedelta(days=annual_lag_days)
    out, gaps = [], []
    for ticker in sorted({k[0] for k in table}):
        years = sorted({k[1] for k in table if k[0] == ticker})
        quarters = [(y, q) for y in years for q in (1, 2, 3, 4)]
        have = [yq for yq in quarters if (ticker, *yq) in table]
        first, last = min(have, default=None), max(have, default=None)
        missing = []
        for y, q in quarters:
            start, end = _quarter_bounds(y, q)
            v = table.get((ticker, y, q))
            lag = qlag
            if v is None and q == 4:
                parts = [table.get((ticker, y, k)) for k in (0, 1, 2, 3)]
                if all(p is not None for p in parts):
                    v, lag = parts[0] - sum(parts[1:]), ylag
                    if v < 0:
                        gaps.append(f"{label}: {ticker} {y}Q4 derived negative ({v:.0f})")
            if v is None:
                if first is not None and first <= (y, q) <= last:
                    missing.append(f"{y}Q{q}")
                continue
            avail = next_business_day(end + lag)
            out.append((ticker, "capex", start, end, v, pd.NaT, avail, label))
        for y in years:
            qs = [table.get((ticker, y, k)) for k in (1, 2, 3, 4)]
            total = table.get((ticker, y, 0))
            if total and all(x is not None for x in qs) and abs(sum(qs) - total) > 0.005 * total:
                gaps.append(
                    f"{label}: {ticker} {y} quarters sum to {sum(qs):.0f}, total {total:.0f}"
                )
        if missing:
            gaps.append(
                f"{label}: {ticker} capex missing for {len(missing)} quarter(s): "
                + ", ".join(missing)
            )
    if out:
        result = pd.DataFrame(out, columns=list(QUARTERS_COLUMNS))
        for col in ("period_start", "period_end", "filed", "available_at"):
            result[col] = pd.to_datetime(result[col]).astype("datetime64[ns]")
        result["value"] = result["value"].astype("float64")
    else:
        result = empty_quarters()
    return set_provenance(result, source=name, sha256=sha256_bytes(raw), gaps=gaps)

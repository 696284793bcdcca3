"""Shared strict helpers for the text parsers (CSV payloads from files or HTTP answers)."""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from data.errors import ParseError

MISSING = frozenset({"", ".", "nan", "NaN", "null", "NULL", "NA", "N/A"})
"""Cells read as a missing value (FRED writes ``.``, others leave the cell empty)."""


def read_payload(text_or_path: str | bytes | Path, source: str | None) -> tuple[str, str, bytes]:
    """Return ``(text, source name, raw bytes)`` for a file path, raw bytes or a text payload.

    A :class:`~pathlib.Path`, or a one-line string naming an existing file, is read from disk
    and named by its path; anything else is the payload itself, named ``source`` (default
    ``"<text>"``).
    """
    if isinstance(text_or_path, Path) or (
        isinstance(text_or_path, str)
        and "\n" not in text_or_path
        and len(text_or_path) < 4096
        and os.path.isfile(text_or_path)
    ):
        path = Path(text_or_path)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise ParseError(f"cannot read file: {exc}", source=str(path)) from exc
        name = source or str(path)
    elif isinstance(text_or_path, bytes):
        raw, name = text_or_path, source or "<bytes>"
    elif isinstance(text_or_path, str):
        raw, name = text_or_path.encode("utf-8"), source or "<text>"
    else:
        raise ParseError(
            f"expected text, bytes or a path, got {type(text_or_path).__name__}",
            source=source or "<input>",
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(f"not UTF-8 text: {exc}", source=name) from exc
    return text, name, raw


def read_rows(text: str, source: str) -> tuple[list[str], list[int], list[list[str]]]:
    """Split CSV text into a header, the 1-based line number of each data row, and the rows.

    Blank lines are skipped; cells are stripped of surrounding spaces.

    Raises
    ------
    ParseError
        Empty payload, or a row whose number of cells differs from the header (its line
        number is named).
    """
    reader = csv.reader(io.StringIO(text))
    try:
        if '"' in text:  # quoted cells may span lines: ask the reader for line numbers
            recs, nums = [], []
            for rec in reader:
                recs.append(rec)
                nums.append(reader.line_num)
        else:
            recs = list(reader)
            nums = range(1, len(recs) + 1)
    except csv.Error as exc:
        raise ParseError(f"malformed CSV: {exc}", source=source, row=reader.line_num) from exc
    kept = [(n, r) for n, r in zip(nums, recs, strict=True) if r and any(r)]
    if " " in text or "\t" in text:
        kept = [(n, [c.strip() for c in r]) for n, r in kept]
        kept = [(n, r) for n, r in kept if any(r)]
    if not kept:
        raise ParseError("empty payload (no header)", source=source)
    header = kept[0][1]
    lines = [n for n, _ in kept[1:]]
    body = [r for _, r in kept[1:]]
    width = len(header)
    for n, rec in zip(lines, body, strict=True):
        if len(rec) != width:
            raise ParseError(
                f"expected {width} cells as in the header {header}, got {len(rec)}: {rec}",
                source=source,
                row=n,
            )
    return header, lines, body


DATE_FORMATS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("YYYY-MM-DD", re.compile(r"^\d{4}-\d{2}-\d{2}$")),
    ("YYYY-MM-DD hh:mm[:ss][offset]", re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}.*$")),
    ("YYYYMMDD", re.compile(r"^\d{8}$")),
    ("M/D/YYYY", re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$")),
    ("YYYY/MM/DD", re.compile(r"^\d{4}/\d{1,2}/\d{1,2}$")),
    ("D.M.YYYY", re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4}$")),
)
"""Date layouts told apart by :func:`check_one_date_format` (a file keeps to one of them)."""


def _date_format(cell: str) -> str:
    for label, pattern in DATE_FORMATS:
        if pattern.match(cell):
            return label
    return "other"


def check_one_date_format(cells: list[str], lines: list[int], source: str) -> None:
    """Raise :class:`ParseError` at the first date cell written in another layout.

    A file mixing ``2024-01-05`` and ``01/06/2024`` is ambiguous (day or month first?) and
    usually a hand edit or two exports pasted together, so it is refused.
    """
    first: str | None = None
    for cell, line in zip(cells, lines, strict=True):
        fmt = _date_format(cell)
        if fmt == "other":  # not a date at all, or a free-form one: the parser decides
            continue
        if first is None:
            first = fmt
        elif fmt != first:
            raise ParseError(
                f"rule one-date-format: date {cell!r} is written as {fmt}, earlier rows as "
                f"{first}; write every date the same way",
                source=source,
                row=line,
            )


def parse_dates(cells: list[str], lines: list[int], source: str) -> pd.DatetimeIndex:
    """Parse date cells strictly (ISO dates, optional time and offset) into tz-naive dates.

    Raises
    ------
    ParseError
        A cell that is not a date, or dates written in more than one layout
        (:func:`check_one_date_format`); names the file and line.
    """
    fast = pd.to_datetime(pd.Index(cells, dtype=object), format="%Y-%m-%d", errors="coerce")
    if not fast.isna().any():
        return pd.DatetimeIndex(fast, name="date").as_unit("ns")
    check_one_date_format(cells, lines, source)
    out = []
    for cell, line in zip(cells, lines, strict=True):
        try:
            ts = pd.Timestamp(cell)
        except (ValueError, TypeError) as exc:
            raise ParseError(f"not a date: {cell!r}", source=source, row=line) from exc
        if ts is pd.NaT or pd.isna(ts):
            raise ParseError(f"not a date: {cell!r}", source=source, row=line)
        if ts.tzinfo is not None:
            ts = ts.tz_localize(None)
        out.append(ts.normalize())
    return pd.DatetimeIndex(out, name="date").as_unit("ns")


def check_sorted_unique(dates: pd.DatetimeIndex, lines: list[int], source: str) -> None:
    """Raise :class:`ParseError` at the first duplicate or out-of-order date."""
    if len(dates) < 2:
        return
    step = np.diff(dates.asi8)
    bad = np.flatnonzero(step <= 0)
    if bad.size:
        i = int(bad[0]) + 1
        what = "duplicate" if step[i - 1] == 0 else "unsorted (earlier than the row before)"
        raise ParseError(f"{what} date {dates[i].date()}", source=source, row=lines[i])


def parse_numbers(
    cells: list[str], lines: list[int], source: str, column: str, *, positive: bool = False
) -> np.ndarray:
    """Parse numeric cells; blanks and ``.`` are NaN, anything else non-numeric is an error."""
    arr = np.asarray(cells, dtype=object)
    missing = np.isin(arr, list(MISSING)) if len(arr) else np.zeros(0, dtype=bool)
    out = np.full(len(arr), np.nan)
    values = pd.to_numeric(pd.Series(arr[~missing], dtype=object), errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan
    )
    out[~missing] = values
    has_underscore = "_" in "".join(arr[~missing].tolist())  # float() accepts "1_000"
    bad = (~missing & ~np.isfinite(out)) | (positive & ~missing & (out <= 0))
    if bad.any() or has_underscore:
        for i in range(len(arr)):
            cell = arr[i]
            if missing[i]:
                continue
            if not bad[i] and "_" not in cell:
                continue
            if positive and np.isfinite(out[i]) and "_" not in cell:
                msg = f"column {column!r}: price must be positive, got {cell!r}"
            else:
                msg = f"column {column!r}: not a (finite) number: {cell!r}"
            raise ParseError(msg, source=source, row=lines[i])
    return out


def find_column(header: list[str], candidates: tuple[str, ...]) -> int | None:
    """Return the position of the first header matching a candidate (case/space-insensitive)."""
    norm = [h.strip().lower().replace("_", " ") for h in header]
    for cand in candidates:
        c = cand.lower().replace("_", " ")
        if c in norm:
            return norm.index(c)
    return None

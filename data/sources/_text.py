"""Shared strict helpers for the text parsers (CSV payloads from files or HTTP answers)."""

from __future__ import annotations

import csv
import io
import os
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


def read_rows(text: str, source: str) -> tuple[list[str], list[list[str]]]:
    """Split CSV text into a header and rows of equal width (blank lines skipped).

    Raises
    ------
    ParseError
        Empty payload, or a row whose number of cells differs from the header (its 1-based
        line number is named).
    """
    reader = csv.reader(io.StringIO(text))
    rows: list[list[str]] = []
    lines: list[int] = []
    try:
        for rec in reader:
            if not rec or all(not c.strip() for c in rec):
                continue
            rows.append([c.strip() for c in rec])
            lines.append(reader.line_num)
    except csv.Error as exc:
        raise ParseError(f"malformed CSV: {exc}", source=source, row=reader.line_num) from exc
    if not rows:
        raise ParseError("empty payload (no header)", source=source)
    header, body = rows[0], rows[1:]
    for rec, line in zip(body, lines[1:], strict=True):
        if len(rec) != len(header):
            raise ParseError(
                f"expected {len(header)} cells as in the header {header}, got {len(rec)}: {rec}",
                source=source,
                row=line,
            )
    return header, [[str(line), *rec] for rec, line in zip(body, lines[1:], strict=True)]


def parse_dates(cells: list[str], lines: list[str], source: str) -> pd.DatetimeIndex:
    """Parse date cells strictly (ISO dates, optional time and offset) into tz-naive dates."""
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


def check_sorted_unique(dates: pd.DatetimeIndex, lines: list[str], source: str) -> None:
    """Raise :class:`ParseError` at the first duplicate or out-of-order date."""
    if len(dates) < 2:
        return
    d = dates.asi8
    step = np.diff(d)
    bad = np.flatnonzero(step <= 0)
    if bad.size:
        i = int(bad[0]) + 1
        what = "duplicate" if step[i - 1] == 0 else "unsorted (earlier than the row before)"
        raise ParseError(f"{what} date {dates[i].date()}", source=source, row=lines[i])


def parse_numbers(
    cells: list[str], lines: list[str], source: str, column: str, *, positive: bool = False
) -> np.ndarray:
    """Parse numeric cells; blanks and ``.`` are NaN, anything else non-numeric is an error."""
    out = np.empty(len(cells), dtype="float64")
    for i, (cell, line) in enumerate(zip(cells, lines, strict=True)):
        if cell in MISSING:
            out[i] = np.nan
            continue
        try:
            if "_" in cell:  # float() accepts "1_000"; a data file should not
                raise ValueError(cell)
            v = float(cell)
        except ValueError as exc:
            raise ParseError(
                f"column {column!r}: not a number: {cell!r}", source=source, row=line
            ) from exc
        if not np.isfinite(v):
            raise ParseError(f"column {column!r}: not finite: {cell!r}", source=source, row=line)
        if positive and v <= 0:
            raise ParseError(
                f"column {column!r}: price must be positive, got {cell!r}", source=source, row=line
            )
        out[i] = v
    return out


def find_column(header: list[str], candidates: tuple[str, ...]) -> int | None:
    """Return the position of the first header matching a candidate (case/space-insensitive)."""
    norm = [h.strip().lower().replace("_", " ") for h in header]
    for cand in candidates:
        c = cand.lower().replace("_", " ")
        if c in norm:
            return norm.index(c)
    return None

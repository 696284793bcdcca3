"""FRED-MD and FRED-QD (McCracken and Ng): the monthly and quarterly macro databases.

One parser, :func:`parse_mccracken_ng` (wrapped by :func:`parse_fred_md` and
:func:`parse_fred_qd`), reads a ``current.csv`` as the databases publish it, whether it comes
from a live download (:func:`fetch_fred_md`, :func:`fetch_fred_qd`) or from a mirror file
(``<mirror>/fred-md/current.csv``, ``<mirror>/fred-qd/current.csv``).

Layout::

    sasdate,RPI,W875RX1,...          <- names (first cell "sasdate")
    Transform:,5,5,...               <- FRED-MD: transformation codes 1..7
    factors,0,0,1,...                <- FRED-QD: factor-estimation flags ...
    transform,5,5,...                <- ... and transformation codes
    1/1/1959,2583.56,2426,...        <- M/D/YYYY, first day of the month (QD: of the
                                        quarter's last month, so 3/1/1959 is 1959Q1)
    8/1/2025,20646.475,,...          <- ragged: the last rows lack values not yet out

Values are kept in the series' own units (no transformation is applied: the codes travel in
``attrs["transform"]``). A row with fewer cells than the header is padded with NaN (ragged
rows); more cells than the header is an error. An all-empty row is skipped.

Timing
------
A file is one vintage of *revised* history, not real-time data. An observation dated d is
usable only after its release: the configuration gives each series a release lag (about the
middle of the next month for FRED-MD, about a month after the quarter for FRED-QD), applied
by :func:`data.pit.macro_known_at`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from data.errors import FetchError, ParseError
from data.sources._http import http_get
from data.sources._text import check_sorted_unique, parse_numbers, read_payload
from data.tables import set_provenance, sha256_bytes, utc_now

Kind = Literal["md", "qd"]
FRED_MD_URL = (
    "https://www.stlouisfed.org/-/media/project/frbstl/stlouisfed/research/fred-md/monthly/"
    "current.csv"
)
FRED_QD_URL = (
    "https://www.stlouisfed.org/-/media/project/frbstl/stlouisfed/research/fred-md/quarterly/"
    "current.csv"
)
_META_ROWS: dict[str, tuple[str, ...]] = {"md": ("transform:",), "qd": ("factors", "transform")}


def _split(text: str, name: str) -> list[tuple[int, list[str]]]:
    import csv
    import io

    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise ParseError(f"malformed CSV: {exc}", source=name) from exc
    return [
        (i + 1, [c.strip() for c in r])
        for i, r in enumerate(rows)
        if r and any(c.strip() for c in r)
    ]


def _codes(cells: list[str], names: list[str], line: int, name: str, what: str) -> dict[str, int]:
    out = {}
    for col, cell in zip(names, cells[1:], strict=False):
        if cell == "":
            continue
        try:
            value = float(cell)
        except ValueError as exc:
            raise ParseError(
                f"{what} row: not a number for {col!r}: {cell!r}", source=name, row=line
            ) from exc
        if not value.is_integer():
            raise ParseError(
                f"{what} row: {col!r} code {cell!r} is not an integer", source=name, row=line
            )
        out[col] = int(value)
    return out


def parse_mccracken_ng(
    text_or_path: str | bytes | Path, kind: Kind, *, source: str | None = None
) -> pd.DataFrame:
    r"""Parse a FRED-MD (``kind="md"``) or FRED-QD (``kind="qd"``) ``current.csv``.

    Parameters
    ----------
    text_or_path : str, bytes or Path
        The CSV text or a path to it.
    kind : {"md", "qd"}
        Which layout: MD has one ``Transform:`` row, QD a ``factors`` and a ``transform``
        row.
    source : str, keyword-only, optional
        Name used in errors and provenance.

    Returns
    -------
    DataFrame
        DatetimeIndex ``date`` (the observation date as written: the first of the month,
        for QD the first of the quarter's last month), one float column per series, NaN
        where a cell is empty. ``attrs``: ``source``, ``sha256``, ``kind``, ``transform``
        (series -> code 1..7), ``factors`` (QD: series -> 0/1), ``last_observation``
        (the last date with any value) and ``vintage`` (None: a file does not name it).

    Raises
    ------
    ParseError
        A missing header or transform row, a date that is not M/D/YYYY, unsorted or
        duplicate dates, a row longer than the header, a non-numeric value; the message
        names the file and the line.

    Timing
    ------
    One vintage of revised history; apply the configured release lags before use.

    Examples
    --------
    >>> text = "sasdate,A,B\nTransform:,5,2\n1/1/1959,1.5,2\n2/1/1959,1.6\n"
    >>> df = parse_fred_md(text)
    >>> df["A"].tolist(), bool(df["B"].isna().iloc[1]), df.attrs["transform"]
    ([1.5, 1.6], True, {'A': 5, 'B': 2})
    """
    if kind not in _META_ROWS:
        raise ValueError(f"`kind` must be 'md' or 'qd', got {kind!r}")
    text, name, raw = read_payload(text_or_path, source)
    rows = _split(text, name)
    label = "FRED-MD" if kind == "md" else "FRED-QD"
    if not rows or rows[0][1][0].lower() != "sasdate":
        got = rows[0][1][:3] if rows else []
        raise ParseError(f"{label}: first header cell must be 'sasdate', got {got}", source=name)
    names = rows[0][1][1:]
    if any(n == "" for n in names) or len(set(names)) != len(names):
        raise ParseError(f"{label}: empty or repeated series names in the header", source=name)
    meta: dict[str, dict[str, int]] = {}
    pos = 1
    for want in _META_ROWS[kind]:
        if pos >= len(rows) or rows[pos][1][0].lower() != want:
            line = rows[pos][0] if pos < len(rows) else None
            got = rows[pos][1][0] if pos < len(rows) else "end of file"
            raise ParseError(
                f"{label}: expected a {want!r} row after the header, got {got!r}",
                source=name,
                row=line,
            )
        meta[want.rstrip(":")] = _codes(rows[pos][1], names, rows[pos][0], name, want)
        pos += 1
    width = len(names) + 1
    lines, dates, body = [], [], []
    for line, cells in rows[pos:]:
        if len(cells) > width:
            raise ParseError(
                f"{label}: {len(cells)} cells, more than the {width} of the header",
                source=name,
                row=line,
            )
        lines.append(line)
        dates.append(cells[0])
        body.append(cells[1:] + [""] * (width - len(cells)))
    if not body:
        raise ParseError(f"{label}: no data rows", source=name)
    idx = pd.to_datetime(pd.Index(dates, dtype=object), format="%m/%d/%Y", errors="coerce")
    if idx.isna().any():
        k = int(np.flatnonzero(idx.isna())[0])
        raise ParseError(f"{label}: not an M/D/YYYY date: {dates[k]!r}", source=name, row=lines[k])
    idx = pd.DatetimeIndex(idx, name="date").as_unit("ns")
    check_sorted_unique(idx, lines, name)
    cols = {n: parse_numbers([r[j] for r in body], lines, name, n) for j, n in enumerate(names)}
    frame = pd.DataFrame(cols, index=idx)
    has = frame.notna().any(axis=1)
    last = frame.index[has.to_numpy()][-1].strftime("%Y-%m-%d") if has.any() else None
    return set_provenance(
        frame,
        source=name,
        sha256=sha256_bytes(raw),
        kind=kind,
        transform=meta.get("transform", {}),
        factors=meta.get("factors", {}),
        last_observation=last,
        vintage=None,
    )


def parse_fred_md(text_or_path: str | bytes | Path, *, source: str | None = None) -> pd.DataFrame:
    """Parse a FRED-MD ``current.csv`` (see :func:`parse_mccracken_ng`)."""
    return parse_mccracken_ng(text_or_path, "md", source=source)


def parse_fred_qd(text_or_path: str | bytes | Path, *, source: str | None = None) -> pd.DataFrame:
    """Parse a FRED-QD ``current.csv`` (see :func:`parse_mccracken_ng`)."""
    return parse_mccracken_ng(text_or_path, "qd", source=source)


def _fetch(url: str, kind: Kind, **http) -> pd.DataFrame:
    resp = http_get(url, what=f"fred-{kind}", **http)
    if resp.content.lstrip()[:15].lower().startswith((b"<!doctype", b"<html")):
        raise FetchError("answered with an HTML page, not CSV", source=url)
    out = parse_mccracken_ng(resp.content, kind, source=url)
    return set_provenance(out, request=url, fetched_at=utc_now())


def fetch_fred_md(
    *, timeout_s: float = 30.0, retries: int = 3, backoff_s: float = 1.0
) -> pd.DataFrame:
    """Download the current FRED-MD vintage and parse it (see :func:`parse_fred_md`).

    Raises
    ------
    FetchError
        HTTP failure or an HTML page instead of CSV.
    """
    return _fetch(FRED_MD_URL, "md", timeout_s=timeout_s, retries=retries, backoff_s=backoff_s)


def fetch_fred_qd(
    *, timeout_s: float = 30.0, retries: int = 3, backoff_s: float = 1.0
) -> pd.DataFrame:
    """Download the current FRED-QD vintage and parse it (see :func:`parse_fred_qd`).

    Raises
    ------
    FetchError
        HTTP failure or an HTML page instead of CSV.
    """
    return _fetch(FRED_QD_URL, "qd", timeout_s=timeout_s, retries=retries, backoff_s=backoff_s)

"""Ken French data library: the daily factor files (Mkt-RF, SMB, HML, RMW, CMA, RF, Mom).

One parser, :func:`parse_french_csv`, reads the text exactly as the library distributes it
inside its zips, whether it comes from a live download (:func:`fetch_french`, which unzips
the library's ``<FILE>_CSV.zip``) or from a mirror file (``<mirror>/french/<FILE>.csv``).

The native layout::

    This file was created by using the 202601 CRSP database.     <- vintage line (provenance)
    ...more preamble lines (1 to 12 in all)...
                                                                  <- blank
    ,Mkt-RF,SMB,HML,RF                                            <- header, first cell empty
    19260701,    0.09,   -0.25,   -0.27,    0.01                  <- YYYYMMDD, percent per day
    ...
                                                                  <- blank
    Copyright 2026 Eugene F. Fama and Kenneth R. French

CRLF line endings and space padding are normal; ``-99.99`` (or ``-999``) marks a missing
value. Values are converted from percent to simple daily returns in exactly one place,
:func:`percent_to_return`.

Timing
------
Caution: the factors are built from CRSP data at month ends and published weeks later, so a
daily row is *not* public on its own date. These files are fit to score the traded returns
of a paper long-short portfolio (what the row's date earned), never to be a signal input.
Each file is one vintage of revised history (later vintages revise some days slightly).
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from data.errors import FetchError, ParseError
from data.sources._http import http_get
from data.sources._text import check_sorted_unique, parse_numbers, read_payload
from data.tables import set_provenance, sha256_bytes, utc_now

log = logging.getLogger(__name__)

FRENCH_URL = "https://mba.tuck.dartmouth.edu/pages/faculty/ken.french/ftp/{file}_CSV.zip"
FILES: dict[str, str] = {
    "three": "F-F_Research_Data_Factors_daily",
    "five": "F-F_Research_Data_5_Factors_2x3_daily",
    "momentum": "F-F_Momentum_Factor_daily",
}
"""The daily files the project reads, by role."""

MISSING_CODES: tuple[float, ...] = (-99.99, -999.0)
"""Values the library writes for a missing observation."""

PERCENT = 100.0
"""The files are in percent per day; divide by this to get simple daily returns."""

_DATE = re.compile(r"^\d{8}$")
_VINTAGE = re.compile(r"(\d{6})\s+CRSP", re.IGNORECASE)


def percent_to_return(values: np.ndarray) -> np.ndarray:
    """Convert percent per day to simple daily returns (the one place this is done).

    Examples
    --------
    >>> percent_to_return(np.array([1.5, -0.27])).tolist()
    [0.015, -0.0027]
    """
    return np.asarray(values, dtype="float64") / PERCENT


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.split(",")]


def parse_french_csv(
    text_or_path: str | bytes | Path, *, source: str | None = None
) -> pd.DataFrame:
    r"""Parse one Ken French daily factor file into simple daily returns.

    Parameters
    ----------
    text_or_path : str, bytes or Path
        The file's text (CRLF or LF) or a path to it.
    source : str, keyword-only, optional
        Name used in errors and provenance.

    Returns
    -------
    DataFrame
        DatetimeIndex ``date`` (sorted, unique), one float column per factor named as in
        the header (``Mkt-RF``, ``SMB``, ``HML``, ``RF``, ``RMW``, ``CMA``, ``Mom``) holding
        **simple daily returns** (the file's percent / 100); NaN where the file has
        ``-99.99``. ``attrs``: ``source``, ``sha256`` of the raw bytes, ``vintage_line``
        (the preamble's first line), ``vintage`` (``"YYYYMM"`` of the CRSP database, or
        None), ``preamble`` (all preamble lines), ``units = "simple_return"``.

    Raises
    ------
    ParseError
        No header row with an empty first cell, a date that is not ``YYYYMMDD``, unsorted
        or duplicate dates, a row with the wrong number of cells, a non-numeric value,
        data rows after the table has ended; the message names the file and the line.

    Timing
    ------
    Caution: a daily row is built from month-end CRSP data published weeks later; it is not
    known on its own date (use it as a traded return, never as a signal).

    Examples
    --------
    >>> text = "Made by the 202601 CRSP database.\r\n\r\n,HML,RF\r\n20240102,  1.50,  0.02\r\n"
    >>> parse_french_csv(text)["HML"].tolist()
    [0.015]
    """
    text, name, raw = read_payload(text_or_path, source)
    lines = text.splitlines()
    head_at = None
    for i, line in enumerate(lines):
        cells = _cells(line)
        if len(cells) >= 2 and cells[0] == "" and any(cells[1:]):
            head_at = i
            break
        if cells and _DATE.match(cells[0]):
            raise ParseError(
                "data row before the header (expected a header whose first cell is empty, "
                "such as ',Mkt-RF,SMB,HML,RF')",
                source=name,
                row=i + 1,
            )
    if head_at is None:
        raise ParseError(
            "no header row whose first cell is empty (',Mkt-RF,SMB,HML,RF'): "
            "not a Ken French data-library file",
            source=name,
        )
    header = _cells(lines[head_at])[1:]
    if any(h == "" for h in header) or len(set(header)) != len(header):
        raise ParseError(f"empty or repeated factor names in the header {header}", source=name)
    preamble = [ln.strip() for ln in lines[:head_at] if ln.strip()]
    dates, nums, rows = [], [], []
    ended_at = None
    for i in range(head_at + 1, len(lines)):
        cells = _cells(lines[i])
        if not any(cells):
            if rows:
                ended_at = i
                break
            continue
        if not _DATE.match(cells[0]):
            if rows and not cells[0][:1].isdigit():  # text such as the copyright ends it
                ended_at = i
                break
            raise ParseError(f"not a YYYYMMDD date: {cells[0]!r}", source=name, row=i + 1)
        if len(cells) != len(header) + 1:
            raise ParseError(
                f"expected {len(header) + 1} cells (date + {header}), got {len(cells)}",
                source=name,
                row=i + 1,
            )
        dates.append(cells[0])
        nums.append(i + 1)
        rows.append(cells[1:])
    if ended_at is not None:
        for j in range(ended_at, len(lines)):
            first = _cells(lines[j])[0]
            if _DATE.match(first):
                raise ParseError(
                    "data row after the end of the table (a blank line or text ended it); "
                    "a file with more than one table is not a daily factor file",
                    source=name,
                    row=j + 1,
                )
    if not rows:
        raise ParseError("the table has a header but no data rows", source=name)
    idx = pd.to_datetime(pd.Index(dates, dtype=object), format="%Y%m%d", errors="coerce")
    if idx.isna().any():
        k = int(np.flatnonzero(idx.isna())[0])
        raise ParseError(f"not a calendar date: {dates[k]!r}", source=name, row=nums[k])
    idx = pd.DatetimeIndex(idx, name="date").as_unit("ns")
    check_sorted_unique(idx, nums, name)
    out = {}
    for j, col in enumerate(header):
        vals = parse_numbers([r[j] for r in rows], nums, name, col)
        vals[np.isin(vals, MISSING_CODES)] = np.nan
        out[col] = percent_to_return(vals)
    frame = pd.DataFrame(out, index=idx)
    vintage_line = preamble[0] if preamble else ""
    m = _VINTAGE.search(vintage_line)
    return set_provenance(
        frame,
        source=name,
        sha256=sha256_bytes(raw),
        vintage_line=vintage_line,
        vintage=m.group(1) if m else None,
        preamble=preamble,
        units="simple_return",
    )


def unzip_single_csv(payload: bytes, *, source: str) -> bytes:
    """Return the bytes of the one CSV inside a data-library zip.

    Raises
    ------
    ParseError
        Not a zip, or not exactly one ``.csv`` member.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(payload)) as zf:
            members = [n for n in zf.namelist() if n.lower().endswith(".csv")]
            if len(members) != 1:
                raise ParseError(
                    f"expected one .csv inside the zip, found {zf.namelist()}", source=source
                )
            return zf.read(members[0])
    except zipfile.BadZipFile as exc:
        raise ParseError(f"not a zip archive: {exc}", source=source) from exc


def fetch_french(
    file: str,
    *,
    timeout_s: float = 30.0,
    retries: int = 3,
    backoff_s: float = 1.0,
) -> pd.DataFrame:
    """Download one daily file from the Ken French data library and parse it.

    Parameters
    ----------
    file : str
        The file's stem, e.g. ``"F-F_Research_Data_Factors_daily"`` (see :data:`FILES`).
    timeout_s, retries, backoff_s : keyword-only
        HTTP settings (see :func:`data.sources._http.http_get`).

    Returns
    -------
    DataFrame
        As :func:`parse_french_csv`; ``attrs`` add ``request``, ``fetched_at`` and
        ``sha256`` of the downloaded zip.

    Raises
    ------
    FetchError
        HTTP failure, or an HTML page instead of a zip.
    ParseError
        A zip without exactly one CSV, or a CSV that does not parse.
    """
    url = FRENCH_URL.format(file=file)
    resp = http_get(url, what=file, timeout_s=timeout_s, retries=retries, backoff_s=backoff_s)
    body = resp.content
    if body[:2] != b"PK":
        if body.lstrip()[:15].lower().startswith((b"<!doctype", b"<html")):
            raise FetchError("the data library answered with an HTML page, not a zip", source=url)
    csv_bytes = unzip_single_csv(body, source=url)
    out = parse_french_csv(csv_bytes, source=f"{url}:{file}.csv")
    return set_provenance(out, request=url, fetched_at=utc_now(), zip_sha256=sha256_bytes(body))

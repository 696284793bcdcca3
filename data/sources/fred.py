"""FRED series: the fredgraph CSV (no key) and the FRED API (when ``FRED_API_KEY`` is set).

Both give the same canonical Series: DatetimeIndex ``date`` = observation date, float values
in the series' own units, NaN where FRED has no value (``.`` or an empty cell). fredgraph
serves only the latest vintage of a series: revisions are not point-in-time (the release
lag in the configuration is applied by :func:`data.pit.macro_known_at`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd

from data.errors import FetchError, ParseError
from data.sources._http import http_get
from data.sources._text import (
    check_sorted_unique,
    parse_dates,
    parse_numbers,
    read_payload,
    read_rows,
)
from data.tables import set_provenance, sha256_bytes, utc_now

FREDGRAPH_URL = "https://fred.stlouisfed.org/graph/fredgraph.csv"
FRED_API_URL = "https://api.stlouisfed.org/fred/series/observations"
DATE_HEADERS = ("date", "observation_date")


def parse_fredgraph_csv(
    text_or_path: str | bytes | Path, series: str, *, source: str | None = None
) -> pd.Series:
    r"""Parse a fredgraph CSV (``observation_date,<SERIES>`` or the older ``DATE,<SERIES>``).

    Columns are read by position (date first, value second), so a renamed header does not
    matter; a first header other than ``DATE``/``observation_date`` is an error (it is
    probably not a fredgraph file).

    Parameters
    ----------
    text_or_path : str, bytes or Path
        The CSV text or a path to it.
    series : str
        Name of the result (the FRED series id).
    source : str, keyword-only, optional
        Name used in errors and provenance.

    Returns
    -------
    Series
        Named ``series``, DatetimeIndex ``date``, float; ``.`` and blanks are NaN.
        ``attrs``: ``source``, ``sha256`` of the raw bytes, ``series``, ``lines`` (file line of
        each row).

    Raises
    ------
    ParseError
        Fewer than two columns, a bad date, unsorted or duplicate dates, a non-numeric value
        (the message names the file and line).

    Examples
    --------
    >>> s = parse_fredgraph_csv("observation_date,X\n2024-01-02,1.5\n2024-01-03,.\n", "X")
    >>> s.tolist()[0], bool(s.isna().iloc[1])
    (1.5, True)
    """
    text, name, raw = read_payload(text_or_path, source)
    header, lines, rows = read_rows(text, name)
    if len(header) < 2:
        raise ParseError(f"expected two columns (date, {series}), got header {header}", source=name)
    if header[0].strip().lower() not in DATE_HEADERS:
        raise ParseError(
            f"first column must be DATE or observation_date, got {header[0]!r}", source=name
        )
    dates = parse_dates([r[0] for r in rows], lines, name)
    check_sorted_unique(dates, lines, name)
    values = parse_numbers([r[1] for r in rows], lines, name, header[1])
    out = pd.Series(values, index=dates, name=series, dtype="float64")
    return set_provenance(
        out, source=name, sha256=sha256_bytes(raw), series=series, lines=tuple(lines)
    )


def _api_to_csv(payload: bytes, series: str, where: str) -> str:
    try:
        doc = json.loads(payload)
        obs = doc["observations"]
        lines = [f"observation_date,{series}"]
        lines += [f"{o['date']},{o['value']}" for o in obs]
    except (ValueError, KeyError, TypeError) as exc:
        raise ParseError(f"not a FRED observations answer: {exc!r}", source=where) from exc
    return "\n".join(lines) + "\n"


def fetch_series(
    series: str,
    start: str | pd.Timestamp | None = None,
    *,
    timeout_s: float = 30.0,
    retries: int = 3,
    backoff_s: float = 1.0,
    api_key: str | None = None,
) -> pd.Series:
    """Download one FRED series.

    Uses the FRED API (``series/observations``, JSON) when ``api_key`` or the environment
    variable ``FRED_API_KEY`` is set, else the key-less fredgraph CSV
    (``fredgraph.csv?id=SERIES``). Both answers go through :func:`parse_fredgraph_csv`.

    Parameters
    ----------
    series : str
        FRED series id, e.g. ``"DGS10"``.
    start : str or Timestamp, optional
        First observation date wanted (None: the whole history).
    timeout_s, retries, backoff_s : keyword-only
        Per-request timeout, retries on 429/5xx/timeouts, first backoff (doubled each time).
    api_key : str, keyword-only, optional
        Overrides ``FRED_API_KEY``.

    Returns
    -------
    Series
        Canonical series; ``attrs`` ``source="fred"``, ``request`` (key redacted),
        ``fetched_at``, ``sha256`` of the raw answer.

    Raises
    ------
    FetchError
        404 (unknown series), throttled or failing after retries; names the series.
    """
    key = api_key if api_key is not None else os.environ.get("FRED_API_KEY", "")
    lo = pd.Timestamp(start).strftime("%Y-%m-%d") if start is not None else None
    common = {"what": series, "timeout_s": timeout_s, "retries": retries, "backoff_s": backoff_s}
    if key:
        params = {"series_id": series, "api_key": key, "file_type": "json"}
        if lo:
            params["observation_start"] = lo
        resp = http_get(FRED_API_URL, params=params, redact=(key,), **common)
        request = f"{FRED_API_URL}?series_id={series}" + (f"&observation_start={lo}" if lo else "")
        text = _api_to_csv(resp.content, series, request)
    else:
        params = {"id": series}
        if lo:
            params["cosd"] = lo
        resp = http_get(FREDGRAPH_URL, params=params, **common)
        request = f"{FREDGRAPH_URL}?id={series}" + (f"&cosd={lo}" if lo else "")
        text = resp.text
        if text.lstrip().lower().startswith(("<!doctype", "<html")):
            raise FetchError("fredgraph answered with an HTML page, not CSV", source=series)
    out = parse_fredgraph_csv(text, series, source=request)
    out.attrs.pop("lines", None)  # rows are named by date once the start is cut
    if lo:
        out = out[out.index >= pd.Timestamp(lo)]
    return set_provenance(
        out, source="fred", request=request, fetched_at=utc_now(), sha256=sha256_bytes(resp.content)
    )

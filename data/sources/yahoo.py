"""Yahoo Finance daily prices: the yfinance download frame and price CSV files.

Both paths end in the canonical wide price table: DatetimeIndex ``date`` (tz-naive, sorted,
unique), one float column per ticker holding the adjusted close (yfinance
``auto_adjust=True``: splits and dividends), NaN where a ticker has no row.
"""

from __future__ import annotations

import ast
import logging
import random
import re
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd

from data.errors import FetchError, ParseError
from data.sources._text import (
    check_sorted_unique,
    find_column,
    parse_dates,
    parse_numbers,
    read_payload,
    read_rows,
)
from data.tables import set_provenance, sha256_bytes, utc_now

log = logging.getLogger(__name__)

DATE_HEADERS = ("date", "datetime", "timestamp", "observation_date", "time")
CLOSE_HEADERS = ("adj close", "adjclose", "adjusted close", "adj_close", "close", "value", "price")
EXTRA_HEADERS = ("open", "high", "low", "volume")


class PriceDownload(NamedTuple):
    """What :func:`fetch_prices` returns.

    Attributes
    ----------
    prices : DataFrame
        Canonical wide adjusted-close table of the tickers that returned data.
    raw : dict[str, str]
        Per ticker, the download written as a mirror CSV (``Date,Close[,Open,High,Low,Volume]``):
        the raw payload whose sha256 the cache records, and what a mirror would hold.
    missing : list[str]
        Requested tickers without data (only when ``missing="skip"``).
    """

    prices: pd.DataFrame
    raw: dict[str, str]
    missing: list[str]


def _split_levels(frame: pd.DataFrame) -> tuple[int, int]:
    cols = frame.columns
    if not isinstance(cols, pd.MultiIndex) or cols.nlevels != 2:
        raise ParseError(
            "expected (Price, Ticker) MultiIndex columns from yfinance.download "
            f"(pass multi_level_index=True), got {type(cols).__name__}",
            source="yfinance",
        )
    for lvl in (0, 1):
        if "Close" in set(cols.get_level_values(lvl)):
            return lvl, 1 - lvl
    raise ParseError(
        f"no 'Close' field in the download columns {list(cols)[:6]}", source="yfinance"
    )


def _download_index(frame: pd.DataFrame) -> pd.DatetimeIndex:
    idx = pd.DatetimeIndex(frame.index)
    if idx.tz is not None:
        idx = idx.tz_localize(None)
    return idx.normalize().rename("date").as_unit("ns")


def parse_yahoo_download(
    frame: pd.DataFrame,
    *,
    tickers: Sequence[str] | None = None,
    missing: Literal["raise", "skip"] = "raise",
) -> pd.DataFrame:
    """Turn a ``yfinance.download(..., auto_adjust=True)`` frame into the wide Close table.

    Parameters
    ----------
    frame : DataFrame
        The download: (Price, Ticker) MultiIndex columns (yfinance keeps them even for one
        ticker), a DatetimeIndex of trading days (tz-aware or naive).
    tickers : sequence of str, keyword-only, optional
        The tickers that were requested; one absent from the frame counts as missing.
    missing : {"raise", "skip"}, keyword-only
        What to do with a ticker that has no data (empty frame, absent or all-NaN column:
        unknown or delisted symbol): raise :class:`FetchError` naming it, or drop it
        (listed in ``result.attrs["missing"]``).

    Returns
    -------
    DataFrame
        DatetimeIndex ``date``, one column per ticker with data, adjusted close.

    Examples
    --------
    >>> idx = pd.to_datetime(["2024-01-02", "2024-01-03"]).rename("Date")
    >>> cols = pd.MultiIndex.from_product([["Close", "Volume"], ["SPY"]], names=["Price", "Ticker"])
    >>> f = pd.DataFrame([[1.0, 10], [2.0, 20]], index=idx, columns=cols)
    >>> parse_yahoo_download(f)["SPY"].tolist()
    [1.0, 2.0]
    """
    requested = [str(t) for t in tickers] if tickers is not None else []
    if frame is None or frame.shape[1] == 0 or frame.shape[0] == 0:
        names = requested or sorted({str(c[-1]) for c in getattr(frame, "columns", [])})
        raise FetchError(
            f"yfinance returned no rows for {names or 'the request'} "
            "(unknown or delisted ticker, or throttled)",
            source=", ".join(names) if names else "yfinance",
        )
    price_lvl, tick_lvl = _split_levels(frame)
    close = frame.xs("Close", axis=1, level=price_lvl)
    close.index = _download_index(frame)
    close.columns = [str(c) for c in close.columns]
    if close.index.has_duplicates:
        dup = close.index[close.index.duplicated()][0]
        raise ParseError(f"duplicate date {dup.date()} in the download", source="yfinance")
    close = close.sort_index().apply(pd.to_numeric, errors="raise").astype("float64")
    absent = [t for t in requested if t not in close.columns]
    empty = [c for c in close.columns if close[c].isna().all()]
    lost = absent + empty
    if lost and missing == "raise":
        raise FetchError(
            f"no price data for {lost} (unknown or delisted ticker, or throttled)",
            source=", ".join(lost),
        )
    bad = (close <= 0).any()
    if bad.any():
        t = bad[bad].index[0]
        d = close.index[(close[t] <= 0).to_numpy()][0]
        raise ParseError(f"non-positive close for {t}", source="yfinance", row=str(d.date()))
    out = close.drop(columns=empty)
    out.columns.name = None
    out.attrs["missing"] = lost
    return out


def download_to_csv(frame: pd.DataFrame) -> dict[str, str]:
    """Write each ticker of a yfinance download as mirror-layout CSV text.

    The columns are ``Date,Close`` then whichever of Open, High, Low, Volume are present;
    rows without a close are left out. This text is the raw payload the cache hashes.
    """
    if frame is None or frame.empty:
        return {}
    price_lvl, tick_lvl = _split_levels(frame)
    idx = _download_index(frame)
    out: dict[str, str] = {}
    for t in dict.fromkeys(frame.columns.get_level_values(tick_lvl)):
        sub = frame.xs(t, axis=1, level=tick_lvl)
        sub.index = idx
        fields = ["Close"] + [f for f in ("Open", "High", "Low", "Volume") if f in sub.columns]
        sub = sub[fields].dropna(subset=["Close"])
        if sub.empty:
            continue
        sub = sub.rename_axis("Date").sort_index()
        out[str(t)] = sub.to_csv(date_format="%Y-%m-%d", float_format="%.10g")
    return out


def parse_price_csv(
    text_or_path: str | bytes | Path, ticker: str, *, source: str | None = None
) -> pd.DataFrame:
    """Parse a price CSV (``Date,Close[,Open,High,Low,Volume]`` or with ``Adj Close``).

    Parameters
    ----------
    text_or_path : str, bytes or Path
        The CSV text, or a path to it.
    ticker : str
        Column name of the result.
    source : str, keyword-only, optional
        Name used in errors and provenance (default: the path, or ``"<text>"``).

    Returns
    -------
    DataFrame
        One column ``ticker``: the adjusted close (``Adj Close`` when both it and ``Close``
        are present), DatetimeIndex ``date``; rows with a blank close are dropped.
        ``attrs``: ``source``, ``sha256`` of the raw bytes, ``ticker``, ``lines`` (file line
        of each row) and ``blank_lines`` (lines of the dropped blank closes).

    Raises
    ------
    ParseError
        Missing date or close column, malformed row, a non-date, unsorted or duplicate dates,
        a non-numeric or non-positive price; the message names the file and row.
    """
    text, name, raw = read_payload(text_or_path, source)
    header, lines, rows = read_rows(text, name)
    di = find_column(header, DATE_HEADERS)
    di = 0 if di is None else di
    ci = find_column(header, CLOSE_HEADERS)
    if ci is None or ci == di:
        raise ParseError(
            f"no close column in header {header} (expected one of Close, Adj Close, value)",
            source=name,
        )
    dates = parse_dates([r[di] for r in rows], lines, name)
    check_sorted_unique(dates, lines, name)
    close = parse_numbers([r[ci] for r in rows], lines, name, header[ci], positive=True)
    keep = ~np.isnan(close)
    out = pd.DataFrame({ticker: close[keep]}, index=dates[keep])
    kept = tuple(n for n, k in zip(lines, keep, strict=True) if k)
    blank = tuple(n for n, k in zip(lines, keep, strict=True) if not k)
    return set_provenance(
        out, source=name, sha256=sha256_bytes(raw), ticker=ticker, lines=kept, blank_lines=blank
    )


_sleep = time.sleep  # the backoff's sleep (tests replace it; yfinance's own sleeps stay)


class _Capture(logging.Handler):
    """Collect yfinance's own error lines (it logs per-ticker failures instead of raising)."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def _reasons(lines: list[str]) -> dict[str, str]:
    """Map ticker -> yfinance's error text (lines like ``['SPY']: YFRateLimitError(...)``)."""
    out: dict[str, str] = {}
    for line in lines:
        m = re.match(r"^\s*(\[[^\]]*\]):\s*(.*)$", line, flags=re.S)
        if not m:
            continue
        try:
            names = ast.literal_eval(m.group(1))
        except (ValueError, SyntaxError):
            continue
        for t in names if isinstance(names, list) else []:
            out[str(t)] = m.group(2).strip()
    return out


TRANSIENT = re.compile(
    r"RateLimit|Too Many Requests|429|\b5\d\d\b|Internal Server|Bad Gateway|Unavailable"
)


def is_transient(reason: str) -> bool:
    """Whether yfinance's reason for an empty ticker is throttling or a 5xx (worth a retry)."""
    return bool(TRANSIENT.search(reason))


def fetch_prices(
    tickers: Sequence[str],
    start: str | pd.Timestamp,
    end: str | pd.Timestamp | None = None,
    *,
    retries: int = 3,
    backoff_s: float = 2.0,
    timeout_s: float = 30.0,
    missing: Literal["raise", "skip"] = "raise",
    session: object | None = None,
) -> PriceDownload:
    """Download daily adjusted closes with yfinance.

    Calls ``yfinance.download(tickers, start, end + 1 day, auto_adjust=True, progress=False,
    multi_level_index=True)`` (yfinance's ``end`` is exclusive). ``yfinance.download``
    never raises for a ticker: it logs the error (rate limits included) and returns that
    ticker empty (no column, an all-NaN column, or a frame with no rows). So the tickers
    that come back empty are retried as such, and only when yfinance's logged reason is
    throttling or a server error, up to ``retries`` times with exponential backoff and
    jitter (``backoff_s * 2**attempt * U(1, 1.5)`` seconds); a ticker reported as unknown or
    delisted is not retried.

    Parameters
    ----------
    tickers : sequence of str
        Yahoo symbols (``"SPY"``, ``"BTC-USD"``).
    start, end : str or Timestamp
        Inclusive date range; ``end=None`` means today.
    retries, backoff_s, timeout_s : keyword-only
        Retries of throttled tickers, the first backoff, and the per-request timeout.
    missing : {"raise", "skip"}, keyword-only
        See :func:`parse_yahoo_download`.
    session : requests or curl_cffi Session, keyword-only, optional
        Passed to yfinance (tests stub the HTTP layer with it).

    Returns
    -------
    PriceDownload
        ``prices`` (wide table, ``attrs`` with source, request, fetched_at, ``reasons``),
        ``raw`` CSV text per ticker, ``missing`` tickers.

    Raises
    ------
    FetchError
        ``yfinance.download`` itself failed, or (``missing="raise"``) a ticker without
        data after the retries; the message names the tickers and yfinance's reason.
    """
    import yfinance  # heavy import, only needed for a live download

    tickers = [str(t) for t in tickers]
    if not tickers:
        raise FetchError("no tickers requested", source="yfinance")
    if retries < 0:
        raise ValueError(f"`retries` must be >= 0, got {retries}")
    lo = pd.Timestamp(start).normalize()
    hi = pd.Timestamp(end).normalize() if end is not None else pd.Timestamp.today().normalize()
    request = f"yfinance.download({','.join(tickers)}, {lo.date()}..{hi.date()}, auto_adjust=True)"
    kw = {"session": session} if session is not None else {}
    pending, parts, raw, reasons = list(tickers), [], {}, {}
    for attempt in range(retries + 1):
        cap = _Capture()
        ylog = logging.getLogger("yfinance")
        ylog.addHandler(cap)
        try:
            frame = yfinance.download(
                pending,
                start=lo.strftime("%Y-%m-%d"),
                end=(hi + pd.Timedelta(days=1)).strftime("%Y-%m-%d"),
                auto_adjust=True,
                progress=False,
                multi_level_index=True,
                actions=False,
                threads=True,
                timeout=timeout_s,
                **kw,
            )
        except Exception as exc:  # yfinance raises only for bad arguments or its own bugs
            raise FetchError(
                f"yfinance download failed: {exc!r}", source=", ".join(pending)
            ) from exc
        finally:
            ylog.removeHandler(cap)
        reasons.update(_reasons(cap.lines))
        if frame is None or frame.shape[0] == 0 or frame.shape[1] == 0:
            got = pd.DataFrame(index=pd.DatetimeIndex([], name="date"))
        else:
            got = parse_yahoo_download(frame, tickers=pending, missing="skip")
            raw.update({t: v for t, v in download_to_csv(frame).items() if t in got.columns})
        parts.append(got)
        for t in got.columns:
            reasons.pop(t, None)
        lost = [t for t in pending if t not in got.columns]
        retry = [t for t in lost if is_transient(reasons.get(t, ""))]
        if not retry or attempt == retries:
            break
        wait = backoff_s * 2**attempt * (1.0 + 0.5 * random.random())
        log.warning(
            "yahoo: %d ticker(s) came back empty (%s: %s); retry %d/%d in %.1f s",
            len(retry),
            ", ".join(retry),
            reasons.get(retry[0], "?"),
            attempt + 1,
            retries,
            wait,
        )
        _sleep(wait)
        pending = retry
    parts = [p for p in parts if p.shape[1]]
    prices = pd.concat(parts, axis=1, sort=True) if parts else pd.DataFrame()
    prices = prices[[t for t in tickers if t in prices.columns]]
    prices.index = pd.DatetimeIndex(prices.index, name="date")
    lost = [t for t in tickers if t not in prices.columns]
    why = {t: reasons.get(t, "no rows returned") for t in lost}
    if lost and (missing == "raise" or not prices.shape[1]):
        detail = "; ".join(f"{t}: {r}" for t, r in why.items())
        raise FetchError(
            f"no price data for {lost} after {attempt + 1} attempt(s) (yfinance: {detail})",
            source=", ".join(lost),
        )
    set_provenance(prices, source="yahoo", request=request, fetched_at=utc_now(), reasons=why)
    return PriceDownload(prices=prices, raw=raw, missing=lost)

"""SEC EDGAR ``submissions``: the filing index of a company (form, items, acceptance time).

The main file ``CIK##########.json`` holds the company header and ``filings.recent``, a set
of parallel arrays (``accessionNumber, filingDate, reportDate, acceptanceDateTime, form,
items, ...``); ``filings.files`` lists older pages (``CIK##########-submissions-NNN.json``),
each holding the same parallel arrays at its top level. One parser reads the main file and
its pages (live downloads and the mirror's ``edgar/submissions/`` alike) into the canonical
``filings`` table, deduplicated on the accession number (pages may overlap by a day).

Timing
------
``accepted_at`` is the UTC time EDGAR accepted the filing: the moment it became public.
``filed`` is SEC's filing date (a filing accepted after 17:30 New York time is dated the next
business day). :mod:`data.releases` turns ``accepted_at`` into the first tradable session.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from data.errors import ParseError, PlausibilityError
from data.sources._http import http_get
from data.sources.edgar import EDGAR_START, pad_cik, sec_request
from data.tables import set_provenance, sha256_bytes, utc_now

SUBMISSIONS_URL = "https://data.sec.gov/submissions/CIK{cik}.json"
PAGE_URL = "https://data.sec.gov/submissions/{name}"

FILINGS_COLUMNS: tuple[str, ...] = (
    "ticker",
    "cik",
    "form",
    "items",
    "filed",
    "accepted_at",
    "report_date",
    "accession",
)
"""Columns of the canonical ``filings`` table."""

REQUIRED_ARRAYS = ("accessionNumber", "filingDate", "acceptanceDateTime", "form")
OPTIONAL_ARRAYS = ("reportDate", "items")
PAGE_NAME = re.compile(r"^CIK\d{10}-submissions-\d{3}\.json$")
DATING_FORMS = r"^(8-K|10-Q|10-K)"  # forms whose acceptance time dates an announcement
ACCEPT_BEFORE_DAYS = 1  # UTC acceptance after 20:00 NY falls on the next UTC day
ACCEPT_AFTER_DAYS = 6  # a filing accepted late on a Friday before a long weekend


def _decode(raw: bytes, name: str) -> dict:
    try:
        doc = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ParseError(f"invalid or truncated JSON: {exc}", source=name) from exc
    if not isinstance(doc, dict):
        raise ParseError(f"expected a JSON object, got {type(doc).__name__}", source=name)
    return doc


def _raw(payload: Any, name: str) -> bytes:
    if isinstance(payload, dict):
        return json.dumps(payload, sort_keys=True).encode()
    if isinstance(payload, Path):
        try:
            return payload.read_bytes()
        except OSError as exc:
            raise ParseError(f"cannot read file: {exc}", source=str(payload)) from exc
    if isinstance(payload, bytes):
        return payload
    if isinstance(payload, str):
        return payload.encode()
    raise ParseError(f"unsupported payload type {type(payload).__name__}", source=name)


def _dates(values: list, name: str, field: str, *, utc: bool, blank_ok: bool) -> pd.Series:
    s = pd.Series(values, dtype="object")
    blank = s.isna() | (s.astype(str).str.strip() == "")
    fmt = "ISO8601" if utc else "%Y-%m-%d"
    out = pd.to_datetime(s.where(~blank), format=fmt, errors="coerce", utc=utc)
    bad = out.isna() & ~(blank & blank_ok)
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise ParseError(
            f"`{field}` is not a date: {values[i]!r}", source=name, row=f"{field}[{i}]"
        )
    return out


def _block(arrays: Any, name: str) -> pd.DataFrame:
    """One set of parallel arrays (``filings.recent`` or a page) as a frame."""
    if not isinstance(arrays, dict):
        raise ParseError("filing arrays are not an object", source=name)
    lost = [k for k in REQUIRED_ARRAYS if k not in arrays]
    if lost:
        raise ParseError(f"not a submissions file: arrays {lost} missing", source=name)
    keys = [k for k in (*REQUIRED_ARRAYS, *OPTIONAL_ARRAYS) if k in arrays]
    for k in keys:
        if not isinstance(arrays[k], list):
            raise ParseError(f"`{k}` is not a list", source=name)
    lengths = {k: len(arrays[k]) for k in keys}
    if len(set(lengths.values())) > 1:
        raise ParseError(f"parallel arrays of unequal length: {lengths}", source=name)
    n = lengths["accessionNumber"]
    blank = [""] * n
    accepted = _dates(
        arrays["acceptanceDateTime"], name, "acceptanceDateTime", utc=True, blank_ok=False
    )
    return pd.DataFrame(
        {
            "form": [str(f) for f in arrays["form"]],
            "items": [str(i or "") for i in arrays.get("items", blank)],
            "filed": _dates(arrays["filingDate"], name, "filingDate", utc=False, blank_ok=False),
            "accepted_at": accepted.dt.tz_convert("UTC").astype("datetime64[ns, UTC]"),
            "report_date": _dates(
                arrays.get("reportDate", blank), name, "reportDate", utc=False, blank_ok=True
            ),
            "accession": [str(a) for a in arrays["accessionNumber"]],
            "_file": name,
            "_row": range(n),
        }
    )


def page_names(main: dict | str | bytes | Path, *, source: str | None = None) -> list[str]:
    """Return the page file names listed in a main file's ``filings.files``.

    Raises
    ------
    ParseError
        Truncated JSON, no ``filings`` object, or a listed name that is not of the form
        ``CIK##########-submissions-NNN.json`` (a path is never followed).
    """
    name = source or (str(main) if isinstance(main, Path) else "<submissions>")
    doc = main if isinstance(main, dict) else _decode(_raw(main, name), name)
    filings = doc.get("filings")
    if not isinstance(filings, dict) or "recent" not in filings:
        raise ParseError("not a submissions file (needs `filings.recent`)", source=name)
    names = []
    for i, f in enumerate(filings.get("files", []) or []):
        page = f.get("name") if isinstance(f, dict) else None
        if not isinstance(page, str) or not PAGE_NAME.match(page):
            raise ParseError(
                f"filings.files[{i}] is not a page name CIK##########-submissions-NNN.json: "
                f"{page!r}",
                source=name,
            )
        names.append(page)
    return names


def parse_submissions(
    main: dict | str | bytes | Path,
    pages: Mapping[str, dict | str | bytes | Path] | None = None,
    ticker: str | None = None,
    *,
    source: str | None = None,
) -> pd.DataFrame:
    """Parse a submissions main file and its pages into the ``filings`` table.

    Parameters
    ----------
    main : dict, str, bytes or Path
        The main file ``CIK##########.json`` (decoded, its text, or its path).
    pages : mapping of str to payload, optional
        Page name -> payload of the pages listed in ``filings.files`` (those absent are
        listed in ``attrs["missing_pages"]``).
    ticker : str, optional
        Value of the ``ticker`` column (default: the company's first ticker, else the CIK).
    source : str, keyword-only, optional
        Name of the main file in errors and provenance.

    Returns
    -------
    DataFrame
        Columns ``ticker, cik, form, items, filed (date), accepted_at (UTC Timestamp),
        report_date (date or NaT), accession``; one row per accession number, sorted by
        ``accepted_at``. ``attrs``: ``source``, ``sha256`` (of the main file and pages),
        ``cik``, ``entity``, ``pages``, ``missing_pages``.

    Raises
    ------
    ParseError
        Truncated JSON, missing arrays, parallel arrays of unequal length, a date that does
        not parse (names the file and ``field[index]``).
    PlausibilityError
        A filing dated before EDGAR existed, or accepted far from its filing date.

    Examples
    --------
    >>> f = parse_submissions(Path("edgar/submissions/CIK0000789019.json"))  # doctest: +SKIP
    """
    name = source or (str(main) if isinstance(main, Path) else "<submissions>")
    raw = _raw(main, name)
    doc = main if isinstance(main, dict) else _decode(raw, name)
    if "cik" not in doc:
        raise ParseError("not a submissions file (needs `cik`)", source=name)
    cik = pad_cik(doc["cik"])
    listed = page_names(doc, source=name)
    blocks = [_block(doc["filings"]["recent"], name)]
    digests = [raw]
    pages = dict(pages or {})
    for page in listed:
        if page not in pages:
            continue
        pname = str(pages[page]) if isinstance(pages[page], Path) else page
        praw = _raw(pages[page], pname)
        pdoc = pages[page] if isinstance(pages[page], dict) else _decode(praw, pname)
        blocks.append(_block(pdoc, pname))
        digests.append(praw)
    out = pd.concat(blocks, ignore_index=True)
    out = out.drop_duplicates("accession", keep="first")
    _check(out)
    tickers = doc.get("tickers") or []
    out.insert(0, "cik", cik)
    out.insert(0, "ticker", ticker or (str(tickers[0]) if tickers else cik))
    out = out.sort_values(["accepted_at", "accession"], kind="stable").reset_index(drop=True)
    out = out[list(FILINGS_COLUMNS)]
    out["filed"] = out["filed"].astype("datetime64[ns]")
    out["report_date"] = out["report_date"].astype("datetime64[ns]")
    return set_provenance(
        out,
        source=name,
        sha256=sha256_bytes(b"".join(digests)),
        cik=cik,
        entity=doc.get("name"),
        pages=[p for p in listed if p in pages],
        missing_pages=[p for p in listed if p not in pages],
    )


def _check(frame: pd.DataFrame) -> None:
    """Plausibility: no filing before EDGAR; a dating form accepted near its filing date.

    Only the forms used to date announcements (8-K, 10-Q, 10-K and their variants) are held
    to the acceptance rule: SEC-generated rows (correspondence, paper filings) are accepted
    weeks after their nominal date and are never used.
    """
    early = frame["filed"] < EDGAR_START
    accepted = frame["accepted_at"].dt.tz_localize(None).dt.normalize()
    gap = (frame["filed"] - accepted).dt.days
    dating = frame["form"].str.match(DATING_FORMS)
    off = dating & ((gap < -ACCEPT_BEFORE_DAYS) | (gap > ACCEPT_AFTER_DAYS))
    for bad, rule in ((early, "too-early"), (off, "accepted-near-filed")):
        if bad.any():
            r = frame[bad].iloc[0]
            raise PlausibilityError(
                f"rule {rule}: filing {r['accession']} dated {r['filed'].date()} was accepted "
                f"{r['accepted_at']} (EDGAR starts {EDGAR_START.date()}; acceptance must be "
                f"within -{ACCEPT_BEFORE_DAYS}..+{ACCEPT_AFTER_DAYS} days of the filing date)",
                source=str(r["_file"]),
                row=int(r["_row"]),
            )


def read_submissions_dir(
    folder: str | Path, cik: str | int, ticker: str | None = None
) -> pd.DataFrame:
    """Parse ``CIK##########.json`` in ``folder`` with the pages it lists (mirror layout).

    A listed page absent from ``folder`` is left out and named in ``attrs["missing_pages"]``.

    Raises
    ------
    ParseError
        See :func:`parse_submissions`; the main file missing.
    """
    folder = Path(folder)
    main = folder / f"CIK{pad_cik(cik)}.json"
    if not main.is_file():
        raise ParseError("submissions file not found", source=str(main))
    names = page_names(main, source=str(main))
    pages = {n: folder / n for n in names if (folder / n).is_file()}
    return parse_submissions(main, pages, ticker, source=str(main))


def fetch_submissions(
    cik: str | int,
    *,
    ticker: str | None = None,
    user_agent: str | None = None,
    max_per_s: float = 10.0,
    timeout_s: float = 30.0,
    retries: int = 3,
    backoff_s: float = 1.0,
) -> pd.DataFrame:
    """Download ``submissions/CIK##########.json`` and every page it lists, then parse them.

    Conventions of :func:`data.sources.edgar.fetch_companyfacts`: a User-Agent naming a
    contact (``user_agent`` or ``SEC_USER_AGENT``), the process-wide SEC rate limiter
    (``max_per_s`` <= 10), retries on 429/5xx. Nothing is returned unless the main file and
    every page downloaded and parsed, so a caller storing the result never replaces a good
    cached copy with a partial one.

    Returns
    -------
    DataFrame
        The ``filings`` table; ``attrs`` ``source="edgar-submissions"``, ``request`` (the
        main URL), ``fetched_at``, ``sha256`` of the raw payloads.

    Raises
    ------
    FetchError
        No User-Agent, 404, throttling or server errors after retries (names the CIK).
    ParseError
        A payload is truncated or malformed (names the URL).
    """
    padded = pad_cik(cik)
    get = sec_request(padded, user_agent, max_per_s, timeout_s, retries, backoff_s)
    url = SUBMISSIONS_URL.format(cik=padded)
    main = http_get(url, what=f"CIK{padded} submissions", **get).content
    pages = {}
    for name in page_names(main, source=url):
        purl = PAGE_URL.format(name=name)
        pages[name] = http_get(purl, what=f"CIK{padded} {name}", **get).content
    out = parse_submissions(main, pages, ticker, source=url)
    return set_provenance(out, source="edgar-submissions", request=url, fetched_at=utc_now())

"""SEC EDGAR ``companyfacts``: capex, operating cash flow and debt issuance with filing dates.

The parser turns the companyfacts JSON (``facts -> us-gaap -> <tag> -> units -> USD -> [...]``)
into the fundamentals long table, one row per reported fact, as reported: 10-Q cash-flow
facts are year-to-date, a fact is repeated in later filings as a comparative, and a restated
value appears with its own (later) ``filed`` date. Point-in-time work keys on ``filed``
(see :mod:`data.fundamentals`).
"""

from __future__ import annotations

import json
import os
import threading
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from data.errors import DataError, DataWarning, FetchError, ParseError, PlausibilityError
from data.sources._http import RateLimiter, http_get
from data.tables import (
    FUNDAMENTALS_COLUMNS,
    empty_fundamentals,
    set_provenance,
    sha256_bytes,
    utc_now,
)

COMPANYFACTS_URL = "https://data.sec.gov/api/xbrl/companyfacts/CIK{cik}.json"

CONCEPT_TAGS: dict[str, tuple[str, ...]] = {
    "capex": (
        "PaymentsToAcquirePropertyPlantAndEquipment",
        "PaymentsToAcquireProductiveAssets",
    ),
    "ocf": (
        "NetCashProvidedByUsedInOperatingActivities",
        "NetCashProvidedByUsedInOperatingActivitiesContinuingOperations",
    ),
    "debt_issuance": (
        "ProceedsFromIssuanceOfLongTermDebt",
        "ProceedsFromIssuanceOfDebt",
        "ProceedsFromIssuanceOfSeniorLongTermDebt",
        "ProceedsFromIssuanceOfUnsecuredDebt",
        "ProceedsFromIssuanceOfSecuredDebt",
        "ProceedsFromDebtNetOfIssuanceCosts",
        "ProceedsFromIssuanceOfLongTermDebtAndCapitalSecuritiesNet",
        "ProceedsFromIssuanceOfNotesPayable",
    ),
}
"""us-gaap tags read for each canonical concept, in order of preference."""

REQUIRED_FIELDS = ("end", "val", "accn", "form", "filed")
EDGAR_START = pd.Timestamp("1993-01-01")  # the first electronic filings


def pad_cik(cik: str | int) -> str:
    """Return the 10-digit zero-padded CIK (``"789019"`` -> ``"0000789019"``)."""
    digits = str(cik).strip().upper().removeprefix("CIK")
    if not digits.isdigit() or len(digits) > 10:
        raise DataError(f"a CIK is up to 10 digits, got {cik!r}", source="edgar")
    return digits.zfill(10)


def _load(payload: Any, source: str | None) -> tuple[dict, str, str]:
    if isinstance(payload, dict):
        raw = json.dumps(payload, sort_keys=True).encode()
        return payload, source or "<companyfacts>", sha256_bytes(raw)
    if isinstance(payload, Path) or (
        isinstance(payload, str) and not payload.lstrip().startswith("{") and len(payload) < 4096
    ):
        path = Path(payload)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise ParseError(f"cannot read file: {exc}", source=str(path)) from exc
        name = source or str(path)
    elif isinstance(payload, bytes | str):
        raw = payload.encode() if isinstance(payload, str) else payload
        name = source or "<companyfacts>"
    else:
        raise ParseError(f"unsupported payload type {type(payload).__name__}", source=source)
    try:
        doc = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ParseError(f"invalid or truncated JSON: {exc}", source=name) from exc
    if not isinstance(doc, dict):
        raise ParseError(f"expected a JSON object, got {type(doc).__name__}", source=name)
    return doc, name, sha256_bytes(raw)


def _date(value: Any, name: str, where: str, field: str) -> pd.Timestamp:
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise ParseError(
            f"field {field!r} is not a date: {value!r}", source=name, row=where
        ) from exc
    if pd.isna(ts):
        raise ParseError(f"field {field!r} is not a date: {value!r}", source=name, row=where)
    return ts


def _usd_facts(tag: str, concept: str, spec: Any, name: str) -> list:
    units = spec.get("units") if isinstance(spec, dict) else None
    if not isinstance(units, dict) or not units:
        raise ParseError(f"{tag}: no `units` object", source=name)
    others = [u for u in units if u != "USD"]
    if "USD" not in units:
        raise DataError(
            f"{concept} ({tag}) is reported in {others}, not USD; convert it before use",
            source=name,
        )
    if others:
        warnings.warn(
            f"{name}: {concept} ({tag}) also has units {others}; only USD is read",
            DataWarning,
            stacklevel=3,
        )
    facts = units["USD"]
    if not isinstance(facts, list):
        raise ParseError(f"{tag}: units.USD is not a list", source=name)
    return facts


def parse_companyfacts(
    payload: dict | str | bytes | Path,
    ticker: str | None = None,
    *,
    source: str | None = None,
    require_capex: bool = True,
) -> pd.DataFrame:
    """Parse SEC companyfacts JSON into the fundamentals long table.

    Parameters
    ----------
    payload : dict, str, bytes or Path
        The decoded JSON, its text, or a path to the file.
    ticker : str, optional
        Value of the ``ticker`` column (default: the 10-digit CIK).
    source : str, keyword-only, optional
        Name used in errors and provenance.
    require_capex : bool, keyword-only
        Raise when the company has none of the capex tags (default True).

    Returns
    -------
    DataFrame
        Columns ``ticker, cik, concept, period_start, period_end, fiscal_year,
        fiscal_period, form, filed, accession, value, tag``; ``concept`` in ``capex``,
        ``ocf``, ``debt_issuance`` (see :data:`CONCEPT_TAGS`); ``fiscal_year``/``fiscal_period``
        are those of the *filing* (SEC ``fy``/``fp``), not of the period. Sorted by concept,
        tag, period_end, filed. ``attrs``: ``source``, ``sha256``, ``cik``, ``entity``.

    Raises
    ------
    ParseError
        Invalid or truncated JSON, a fact without ``end, val, accn, form, filed``, a bad date
        or value (names the file and ``tag[index]``).
    DataError
        A concept reported only in a unit other than USD; no capex tag (names the CIK).

    Warns
    -----
    DataWarning
        A concept reported in USD and in another unit (the other unit is skipped).

    Timing
    ------
    A fact is public from ``filed``; see :func:`data.fundamentals.quarterly_from_ytd`.
    """
    doc, name, sha = _load(payload, source)
    if "cik" not in doc or not isinstance(doc.get("facts"), dict):
        raise ParseError("not a companyfacts document (needs `cik` and `facts`)", source=name)
    cik = pad_cik(doc["cik"])
    gaap = doc["facts"].get("us-gaap", {})
    if not isinstance(gaap, dict):
        raise ParseError("facts.us-gaap is not an object", source=name)
    records: list[dict[str, Any]] = []
    for concept, tags in CONCEPT_TAGS.items():
        for tag in tags:
            if tag not in gaap:
                continue
            for i, f in enumerate(_usd_facts(tag, concept, gaap[tag], name)):
                where = f"{tag}[{i}]"
                if not isinstance(f, dict):
                    raise ParseError("fact is not an object", source=name, row=where)
                lost = [k for k in REQUIRED_FIELDS if k not in f or f[k] in (None, "")]
                if lost:
                    raise ParseError(f"fact lacks required fields {lost}", source=name, row=where)
                val = f["val"]
                if (
                    isinstance(val, bool)
                    or not isinstance(val, int | float)
                    or not np.isfinite(val)
                ):
                    raise ParseError(f"`val` is not a number: {val!r}", source=name, row=where)
                fy = f.get("fy")
                end = _date(f["end"], name, where, "end")
                filed = _date(f["filed"], name, where, "filed")
                if filed < end:
                    raise PlausibilityError(
                        f"rule filed-after-period: {tag} value {val!r} for the period ending "
                        f"{end.date()} is filed {filed.date()}, before the period ends",
                        source=name,
                        row=where,
                    )
                if filed < EDGAR_START:
                    raise PlausibilityError(
                        f"rule too-early: filed {filed.date()} is before EDGAR existed "
                        f"({EDGAR_START.date()})",
                        source=name,
                        row=where,
                    )
                records.append(
                    {
                        "ticker": ticker or cik,
                        "cik": cik,
                        "concept": concept,
                        "period_start": _date(f["start"], name, where, "start")
                        if f.get("start")
                        else pd.NaT,
                        "period_end": end,
                        "fiscal_year": int(fy) if isinstance(fy, int | float) else pd.NA,
                        "fiscal_period": f.get("fp"),
                        "form": str(f["form"]),
                        "filed": filed,
                        "accession": str(f["accn"]),
                        "value": float(val),
                        "tag": tag,
                    }
                )
    if require_capex and not any(t in gaap for t in CONCEPT_TAGS["capex"]):
        raise DataError(
            f"CIK {cik} reports no capex concept (none of {list(CONCEPT_TAGS['capex'])})",
            source=name,
        )
    if not records:
        out = empty_fundamentals()
    else:
        out = pd.DataFrame.from_records(records, columns=list(FUNDAMENTALS_COLUMNS))
        for col in ("period_start", "period_end", "filed"):
            out[col] = pd.to_datetime(out[col]).astype("datetime64[ns]")
        out["fiscal_year"] = out["fiscal_year"].astype("Int64")
        out = out.sort_values(["concept", "tag", "period_end", "period_start", "filed"])
        out = out.reset_index(drop=True)
    return set_provenance(out, source=name, sha256=sha, cik=cik, entity=doc.get("entityName"))


_LIMITERS: dict[float, RateLimiter] = {}
_LIMITERS_LOCK = threading.Lock()


def sec_rate_limiter(max_per_s: float = 10.0) -> RateLimiter:
    """Return the process-wide SEC rate limiter for ``max_per_s`` (SEC allows at most 10/s).

    One limiter per rate is shared by every caller in the process, so concurrent fetches
    together stay under the limit.
    """
    if not 0 < max_per_s <= 10:
        raise ValueError(f"`max_per_s` must be in (0, 10] (SEC fair-access rule), got {max_per_s}")
    with _LIMITERS_LOCK:
        if max_per_s not in _LIMITERS:
            _LIMITERS[max_per_s] = RateLimiter(max_per_s)
        return _LIMITERS[max_per_s]


def sec_request(
    padded: str,
    user_agent: str | None,
    max_per_s: float,
    timeout_s: float,
    retries: int,
    backoff_s: float,
) -> dict[str, Any]:
    """Return :func:`~data.sources._http.http_get`'s keyword arguments for data.sec.gov.

    The User-Agent is ``user_agent`` or ``SEC_USER_AGENT``; the limiter is the process-wide
    one (:func:`sec_rate_limiter`).

    Raises
    ------
    FetchError
        No User-Agent: the SEC answers 403 to anonymous requests (names CIK ``padded``).
    """
    ua = user_agent if user_agent is not None else os.environ.get("SEC_USER_AGENT", "")
    if not ua.strip():
        raise FetchError(
            "SEC_USER_AGENT is not set: data.sec.gov answers 403 to requests without a "
            "User-Agent naming a contact; set e.g. SEC_USER_AGENT='Jane Doe jane@example.com'",
            source=f"CIK{padded}",
        )
    return {
        "headers": {"User-Agent": ua, "Accept-Encoding": "gzip, deflate"},
        "timeout_s": timeout_s,
        "retries": retries,
        "backoff_s": backoff_s,
        "limiter": sec_rate_limiter(max_per_s),
    }


def fetch_companyfacts(
    cik: str | int,
    *,
    ticker: str | None = None,
    user_agent: str | None = None,
    max_per_s: float = 10.0,
    timeout_s: float = 30.0,
    retries: int = 3,
    backoff_s: float = 1.0,
    require_capex: bool = True,
) -> pd.DataFrame:
    """Download and parse ``companyfacts/CIK##########.json`` from data.sec.gov.

    Parameters
    ----------
    cik : str or int
        The company's CIK (padded to 10 digits here).
    ticker : str, keyword-only, optional
        Written into the ``ticker`` column.
    user_agent : str, keyword-only, optional
        Overrides the environment variable ``SEC_USER_AGENT``, e.g.
        ``"Jane Doe jane@example.com"``.
    max_per_s, timeout_s, retries, backoff_s : keyword-only
        Rate limit (process-wide, at most 10 requests/s), timeout, retries on 429/5xx,
        first backoff.
    require_capex : bool, keyword-only
        See :func:`parse_companyfacts`.

    Returns
    -------
    DataFrame
        The fundamentals long table; ``attrs`` ``source="edgar"``, ``request`` (the URL),
        ``fetched_at``, ``sha256`` of the raw JSON.

    Raises
    ------
    FetchError
        No User-Agent (the SEC answers 403 to anonymous requests), 404, throttling or server
        errors after retries; names the CIK.
    """
    padded = pad_cik(cik)
    get = sec_request(padded, user_agent, max_per_s, timeout_s, retries, backoff_s)
    url = COMPANYFACTS_URL.format(cik=padded)
    resp = http_get(url, what=f"CIK{padded}", **get)
    out = parse_companyfacts(resp.content, ticker, source=url, require_capex=require_capex)
    return set_provenance(out, source="edgar", request=url, fetched_at=utc_now())

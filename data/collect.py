"""Gather raw items from a mirror, the cache, or live downloads (and store them in the cache)."""

from __future__ import annotations

import logging
import os
import socket
import threading
from pathlib import Path

import pandas as pd

from data.assemble import Collected, requested
from data.cache import Cache
from data.collect_common import cache_label, live_label, mirror_layout_message, store_staged
from data.config import Config
from data.errors import DataError, FetchError, NetworkError
from data.plausibility import Rules, check_prices, check_series
from data.progress import track
from data.sources.edgar import fetch_companyfacts
from data.sources.fred import fetch_series
from data.sources.mirror import Mirror
from data.sources.submissions import fetch_submissions
from data.sources.yahoo import fetch_prices, parse_price_csv
from data.tables import sha256_bytes

log = logging.getLogger(__name__)


def progress_bar(items: list, desc: str, progress: bool):
    """Iterate over ``items`` with progress: a bar on a terminal, one log line elsewhere."""
    return track(items, desc, unit="item", enabled=progress)


def _put(cache: Cache, key: str, table, *, source: str, request: str, sha: str, **extra) -> None:
    """Store an item unless the cache already holds the same raw payload from the same source."""
    entry = cache.entry(key)
    if entry is not None and entry.get("raw_sha256") == sha and entry.get("source") == source:
        if cache.intact(key):
            return
    cache.put(key, table, source=source, request=request, raw_sha256=sha, **extra)


def collect_mirror(
    root: str | Path,
    cfg: Config,
    cache: Cache | None,
    *,
    synthetic: bool = False,
    progress: bool = False,
) -> Collected:
    """Read every requested item (and every capex table) from a mirror; store them in ``cache``."""
    m = Mirror(root, rules=Rules.from_config(cfg))
    req = requested(cfg)
    got = Collected()
    pending: list[tuple] = []
    label = f"{'synthetic' if synthetic else 'mirror'}:{m.root}"
    got.label = "synthetic" if synthetic else "mirror"
    qlag, ylag = int(cfg.data.capex_quarter_lag_days), int(cfg.data.capex_annual_lag_days)
    steps = [("prices", t) for t in req.tickers] + [("fred", s) for s in req.series]
    steps += [("edgar", c) for c in req.ciks] + [("edgar?", c) for c in req.optional_ciks]
    steps += [("capex", n) for n in m.capex_tables()]
    if m.has_submissions():
        steps += [("submissions", c) for c in req.ciks]
        steps += [("submissions?", c) for c in req.optional_ciks]
    for kind, name in progress_bar(steps, "mirror", progress):
        if kind == "prices":
            read = m.read_prices([name], warn=False)
        elif kind == "fred":
            read = m.read_series([name], warn=False)
        elif kind.rstrip("?") in ("edgar", "submissions"):
            opt = [name] if kind.endswith("?") else []
            reader = m.read_edgar if kind.startswith("edgar") else m.read_submissions
            read = reader([name], tickers=req.cik_ticker, warn=False, optional=opt)
        else:
            read = m.read_capex([name], quarter_lag_days=qlag, annual_lag_days=ylag, warn=False)
        if kind != "capex":  # a capex table's own notes travel in its attrs["gaps"]
            got.gaps.extend(read.gaps)
        for it in read.items:
            key = f"{kind.rstrip('?')}/{it.name}"
            got.add(key, it.table, request=str(it.path), sha=it.sha256)
            extra = {}
            if kind == "capex":
                gaps = list(it.table.attrs.get("gaps", []))
                extra = {"quarter_lag_days": qlag, "annual_lag_days": ylag, "gaps": gaps}
            pending.append((key, it.table, str(it.path), it.sha256, extra))
    if not (got.prices or got.macro or got.edgar or got.capex):
        raise DataError(mirror_layout_message(req, m.root), source=str(m.root))
    # everything parsed and checked: only now is the cache touched, in one transaction
    if cache is not None:
        with cache.transaction() as tx:
            for key, table, request, sha, extra in pending:
                _put(
                    tx,
                    key,
                    table,
                    source=label,
                    request=request,
                    sha=sha,
                    synthetic=synthetic,
                    **extra,
                )
    return got


def collect_cache(cfg: Config, cache: Cache) -> Collected:
    """Read every requested item (and every cached capex table); absent items become gap notes.

    Raises
    ------
    CacheError
        A cached file is corrupt (hash mismatch) or unreadable.
    """
    with cache.reading():  # one generation throughout, even with a writer waiting
        return _collect_cache(cfg, cache)


def _collect_cache(cfg: Config, cache: Cache) -> Collected:
    req = requested(cfg)
    got = Collected()
    want = (int(cfg.data.capex_quarter_lag_days), int(cfg.data.capex_annual_lag_days))
    optional = {f"edgar/{c}" for c in req.optional_ciks}
    sources = []
    missing: list[str] = []
    for key in req.keys() + cache.keys("capex/") + cache.keys("submissions/"):
        entry = cache.entry(key)
        if entry is None:
            if key not in optional:
                missing.append(key)
            continue
        sources.append(str(entry.get("source", "")))
        table = cache.get(key)
        if key.startswith("fred/"):
            table = table.iloc[:, 0]
        if key.startswith("capex/"):
            lags = (entry.get("quarter_lag_days"), entry.get("annual_lag_days"))
            if lags != want:
                got.gaps.append(f"{key}: cached with lags {lags} days, config asks {want}; refresh")
            table.attrs["gaps"] = list(entry.get("gaps", []))
        got.add(key, table, request=entry["request"], sha=entry["raw_sha256"])
    got.label = cache_label(sources)
    origin = {src.split(":")[0].split(" ")[0] for src in sources if src}
    where = "absent from the mirror" if origin == {"mirror"} else "not in the cache"
    for key in missing:
        got.gaps.append(f"{key}: {where} (cache {cache.root})")
    return got


def probe(host: str, port: int = 443, timeout_s: float = 3.0) -> str | None:
    """Open one TCP connection to ``host``; return None when it opens, else why not.

    The reasons are ``sockets disabled``, ``DNS lookup failed``, ``connection refused``,
    ``timed out after N s`` or the OS message; a caller does not retry any of them.
    """
    try:
        socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
    except Exception:  # pytest-socket and sandboxes raise their own types
        return "sockets disabled"
    result: dict[str, str | None] = {}

    def attempt() -> None:
        try:
            socket.create_connection((host, port), timeout=timeout_s).close()
            result["why"] = None
        except socket.gaierror:
            result["why"] = "DNS lookup failed"
        except ConnectionRefusedError:
            result["why"] = "connection refused"
        except TimeoutError:
            result["why"] = f"timed out after {timeout_s:g} s"
        except OSError as exc:
            result["why"] = exc.strerror or str(exc)

    t = threading.Thread(target=attempt, daemon=True)
    t.start()
    t.join(timeout_s + 1.0)
    return result.get("why", f"timed out after {timeout_s:g} s")


def online(host: str = "query1.finance.yahoo.com", port: int = 443, timeout_s: float = 3.0) -> bool:
    """Return whether a TCP connection to ``host`` opens within ``timeout_s``.

    False at once when sockets are disabled (tests, sandboxes).
    """
    return probe(host, port, timeout_s) is None


HOSTS = {
    "yahoo": "query1.finance.yahoo.com",
    "fred": "fred.stlouisfed.org",
    "fred-api": "api.stlouisfed.org",
    "edgar": "data.sec.gov",
}


def _reachable(kinds: list[str]) -> dict[str, str | None]:
    """One reachability probe per host needed: kind -> None (reachable) or the reason."""
    out = {}
    for kind in kinds:
        host = HOSTS["fred-api" if kind == "fred" and os.environ.get("FRED_API_KEY") else kind]
        out[kind] = probe(host)
    return out


def network_notes(reach: dict[str, str | None], *, fix: str, what: str) -> list[str]:
    """Return notes for the unreachable hosts of a live load; raise when none answers.

    Parameters
    ----------
    reach : dict of str to str or None
        Host -> None (it answered) or why not (:func:`probe`).
    fix : str
        What to use instead, for the error (``"--source cache or --mirror DIR"``).
    what : str
        What a host's download holds, for the notes (``"items"``, ``"files"``).

    Raises
    ------
    NetworkError
        Every host needed is unreachable: nothing is retried.
    """
    if reach and all(reach.values()):
        why = "; ".join(f"{h}: {r}" for h, r in reach.items())
        raise NetworkError(
            f"the network is unreachable ({why}); nothing was retried; use {fix}",
            source="live",
        )
    return [
        f"live: {h} unreachable ({why}); its {what} were not fetched"
        for h, why in reach.items()
        if why
    ]


def collect_live(
    cfg: Config, cache: Cache, *, refresh: bool = False, progress: bool = False
) -> Collected:
    """Download what the cache lacks (everything with ``refresh``), store it, read all back.

    One reachability probe per host first: when no host answers this fails at once with
    :class:`~data.errors.NetworkError`; a single unreachable host turns its items into gap
    notes without a request. Prices come from yfinance (empty tickers retried as such),
    FRED series and EDGAR companies one request each (EDGAR only when ``SEC_USER_AGENT``
    is set, else a gap note). Every download is parsed and checked before the cache is
    touched; the successful ones are stored in one transaction. A failed item keeps its
    previous cached copy, counted in the label ``live (cached, N items stale)``.

    Raises
    ------
    NetworkError
        No host reachable (DNS failure, connection refused, sockets disabled).
    FetchError
        When, after downloading, the cache holds no price at all.
    """
    req = requested(cfg)
    end = pd.Timestamp.today().normalize()
    d = cfg.data
    rules = Rules.from_config(cfg)
    http = {"timeout_s": float(d.http_timeout_s), "retries": int(d.http_retries)}
    keys = req.keys() + [f"submissions/{c}" for c in (*req.ciks, *req.optional_ciks)]
    todo = set(keys if refresh else cache.missing(keys, end=end))
    notes: list[str] = []
    ua = os.environ.get("SEC_USER_AGENT", "").strip()
    tickers = [t for t in req.tickers if f"prices/{t}" in todo]
    series = [s for s in req.series if f"fred/{s}" in todo]
    ciks = [c for c in (*req.ciks, *req.optional_ciks) if f"edgar/{c}" in todo]
    subs = [c for c in (*req.ciks, *req.optional_ciks) if f"submissions/{c}" in todo]
    kinds = [
        k
        for k, need in (("yahoo", tickers), ("fred", series), ("edgar", (ciks or subs) and ua))
        if need
    ]
    reach = _reachable(kinds)
    notes += network_notes(
        {HOSTS[k]: r for k, r in reach.items()},
        fix="--source cache, --mirror DIR or --source synthetic",
        what="items",
    )
    staged: list[tuple[str, object, str, str, str, dict]] = []
    failed: set[str] = {f"prices/{t}" for t in tickers} | {f"fred/{s}" for s in series}
    if tickers and not reach.get("yahoo"):
        try:
            dl = fetch_prices(tickers, req.start, end, missing="skip", **http)
            notes += [f"live: no Yahoo data for {t}" for t in dl.missing]
            for t in dl.prices.columns:
                raw = dl.raw.get(t, "")
                try:
                    table = parse_price_csv(raw, t, source=f"yahoo:{t}")
                    lines = table.attrs.pop("lines", None)
                    table.attrs.pop("blank_lines", None)
                    notes += check_prices(table[t], t, rules, source=f"yahoo:{t}", lines=lines)
                except DataError as exc:
                    notes.append(f"live: Yahoo data for {t} rejected: {exc}")
                    continue
                staged.append(
                    (
                        f"prices/{t}",
                        table,
                        "live:yahoo",
                        dl.prices.attrs["request"],
                        sha256_bytes(raw),
                        {},
                    )
                )
        except FetchError as exc:
            notes.append(f"live: Yahoo download failed: {exc}")
    steps = [("fred", s) for s in series] if not reach.get("fred") else []
    if ua and not reach.get("edgar"):
        steps += [("edgar", c) for c in ciks] + [("submissions", c) for c in subs]
    elif (ciks or subs) and not ua:
        notes.append("live: SEC_USER_AGENT not set, EDGAR skipped (the SEC requires a contact)")
    for kind, name in progress_bar(steps, "download", progress):
        try:
            if kind == "fred":
                table = fetch_series(name, req.start, **http)
                check_series(table, name, rules, source=table.attrs["request"])
            else:
                fetch = fetch_companyfacts if kind == "edgar" else fetch_submissions
                table = fetch(
                    name,
                    ticker=req.cik_ticker.get(name),
                    user_agent=ua,
                    max_per_s=float(d.sec_max_requests_per_s),
                    **http,
                )
        except NetworkError as exc:  # the host went away mid-run: do not hammer it
            notes.append(f"live: {kind} {name} failed: {exc}")
            break
        except DataError as exc:  # FetchError and ParseError included
            if kind != "fred" and name in req.optional_ciks and "404" in str(exc):
                continue
            notes.append(f"live: {kind} {name} failed: {exc}")
            continue
        staged.append(
            (
                f"{kind}/{name}",
                table,
                f"live:{kind}",
                table.attrs["request"],
                table.attrs["sha256"],
                {},
            )
        )
    store_staged(cache, staged, request_end=str(end.date()))
    failed -= {key for key, *_ in staged}
    got = collect_cache(cfg, cache)
    stale = sorted(k for k in failed if cache.has(k))
    got.label = live_label(stale, notes, "item(s)", limit=10)
    got.gaps = notes + got.gaps
    if not got.prices:
        raise FetchError(
            "live: no price data could be downloaded or found in the cache", source="live"
        )
    return got

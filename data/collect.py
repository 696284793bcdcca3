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
from data.config import Config
from data.errors import DataError, FetchError
from data.progress import track
from data.sources.edgar import fetch_companyfacts
from data.sources.fred import fetch_series
from data.sources.mirror import Mirror
from data.sources.yahoo import fetch_prices
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
    m = Mirror(root)
    req = requested(cfg)
    got = Collected()
    label = f"{'synthetic' if synthetic else 'mirror'}:{m.root}"
    qlag, ylag = int(cfg.data.capex_quarter_lag_days), int(cfg.data.capex_annual_lag_days)
    steps = [("prices", t) for t in req.tickers] + [("fred", s) for s in req.series]
    steps += [("edgar", c) for c in req.ciks] + [("edgar?", c) for c in req.optional_ciks]
    steps += [("capex", n) for n in m.capex_tables()]
    for kind, name in progress_bar(steps, "mirror", progress):
        if kind == "prices":
            read = m.read_prices([name], warn=False)
        elif kind == "fred":
            read = m.read_series([name], warn=False)
        elif kind in ("edgar", "edgar?"):
            opt = [name] if kind == "edgar?" else []
            read = m.read_edgar([name], tickers=req.cik_ticker, warn=False, optional=opt)
        else:
            read = m.read_capex([name], quarter_lag_days=qlag, annual_lag_days=ylag, warn=False)
        if kind != "capex":  # a capex table's own notes travel in its attrs["gaps"]
            got.gaps.extend(read.gaps)
        for it in read.items:
            key = f"{kind.rstrip('?')}/{it.name}"
            got.add(key, it.table, request=str(it.path), sha=it.sha256)
            if cache is not None:
                extra = {}
                if kind == "capex":
                    gaps = list(it.table.attrs.get("gaps", []))
                    extra = {"quarter_lag_days": qlag, "annual_lag_days": ylag, "gaps": gaps}
                _put(
                    cache,
                    key,
                    it.table,
                    source=label,
                    request=str(it.path),
                    sha=it.sha256,
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
    req = requested(cfg)
    got = Collected()
    want = (int(cfg.data.capex_quarter_lag_days), int(cfg.data.capex_annual_lag_days))
    optional = {f"edgar/{c}" for c in req.optional_ciks}
    for key in req.keys() + cache.keys("capex/"):
        entry = cache.entry(key)
        if entry is None:
            if key not in optional:
                got.gaps.append(f"cache {cache.root}: {key} not cached")
            continue
        table = cache.get(key)
        if key.startswith("fred/"):
            table = table.iloc[:, 0]
        if key.startswith("capex/"):
            lags = (entry.get("quarter_lag_days"), entry.get("annual_lag_days"))
            if lags != want:
                got.gaps.append(f"{key}: cached with lags {lags} days, config asks {want}; refresh")
            table.attrs["gaps"] = list(entry.get("gaps", []))
        got.add(key, table, request=entry["request"], sha=entry["raw_sha256"])
    return got


def online(host: str = "query1.finance.yahoo.com", port: int = 443, timeout_s: float = 3.0) -> bool:
    """Return whether a TCP connection to ``host`` opens within ``timeout_s``.

    False at once when sockets are disabled (tests, sandboxes).
    """
    try:
        socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
    except Exception:  # pytest-socket and sandboxes raise their own types
        return False
    result: dict[str, bool] = {}

    def probe() -> None:
        try:
            socket.create_connection((host, port), timeout=timeout_s).close()
            result["ok"] = True
        except Exception:
            result["ok"] = False

    t = threading.Thread(target=probe, daemon=True)
    t.start()
    t.join(timeout_s + 1.0)
    return result.get("ok", False)


def collect_live(
    cfg: Config, cache: Cache, *, refresh: bool = False, progress: bool = False
) -> Collected:
    """Download what the cache lacks (everything with ``refresh``), store it, read all back.

    Prices come from yfinance in one call; FRED series and EDGAR companies one request each
    (EDGAR only when ``SEC_USER_AGENT`` is set, else a gap note). A failed item is a gap note;
    the previous cached copy, if any, is kept and used.

    Raises
    ------
    FetchError
        When, after downloading, the cache holds no price at all.
    """
    req = requested(cfg)
    end = pd.Timestamp.today().normalize()
    d = cfg.data
    http = {"timeout_s": float(d.http_timeout_s), "retries": int(d.http_retries)}
    todo = set(req.keys() if refresh else cache.missing(req.keys(), end=end))
    notes: list[str] = []
    tickers = [t for t in req.tickers if f"prices/{t}" in todo]
    if tickers:
        try:
            dl = fetch_prices(tickers, req.start, end, missing="skip", **http)
            notes += [f"live: no Yahoo data for {t}" for t in dl.missing]
            for t in dl.prices.columns:
                table = dl.prices[[t]].dropna()
                cache.put(
                    f"prices/{t}",
                    table,
                    source="live:yahoo",
                    request=dl.prices.attrs["request"],
                    raw_sha256=sha256_bytes(dl.raw.get(t, "")),
                    request_end=str(end.date()),
                )
        except FetchError as exc:
            notes.append(f"live: Yahoo download failed: {exc}")
    steps = [("fred", s) for s in req.series if f"fred/{s}" in todo]
    ua = os.environ.get("SEC_USER_AGENT", "").strip()
    ciks = [c for c in (*req.ciks, *req.optional_ciks) if f"edgar/{c}" in todo]
    if ua:
        steps += [("edgar", c) for c in ciks]
    elif ciks:
        notes.append("live: SEC_USER_AGENT not set, EDGAR skipped (the SEC requires a contact)")
    for kind, name in progress_bar(steps, "download", progress):
        try:
            if kind == "fred":
                table = fetch_series(name, req.start, **http)
            else:
                table = fetch_companyfacts(
                    name,
                    ticker=req.cik_ticker.get(name),
                    user_agent=ua,
                    max_per_s=float(d.sec_max_requests_per_s),
                    **http,
                )
        except DataError as exc:  # FetchError and ParseError included
            if kind == "edgar" and name in req.optional_ciks and "404" in str(exc):
                continue
            notes.append(f"live: {kind} {name} failed: {exc}")
            continue
        cache.put(
            f"{kind}/{name}",
            table,
            source=f"live:{kind}",
            request=table.attrs["request"],
            raw_sha256=table.attrs["sha256"],
            request_end=str(end.date()),
        )
    got = collect_cache(cfg, cache)
    got.gaps = notes + got.gaps
    if not got.prices:
        raise FetchError(
            "live: no price data could be downloaded or found in the cache", source="live"
        )
    return got

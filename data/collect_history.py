"""Gather the long-history files (Ken French, FRED-MD, FRED-QD): mirror, cache or live.

The same three ways, with the same cache, as the main sources (:mod:`data.collect`):

- :func:`collect_history_mirror` parses the mirror's files, checks them, and only then
  stores them in the cache, in one transaction (an unchanged payload is not rewritten);
- :func:`collect_history_cache` reads them back (each file's sha256 checked against the
  manifest: a corrupt entry is a :class:`~data.errors.CacheError`);
- :func:`collect_history_live` downloads what the cache lacks or holds from an earlier day
  (everything with ``refresh``), checks each download, stores the good ones in one
  transaction and reads everything back: a failed download keeps the previous good copy
  (label ``live (cached, N items stale)``).

Cache keys: ``french/<FILE>`` (one per Ken French file of ``[targets] french_files``),
``fred-md/current`` and ``fred-qd/current``. Each entry keeps the file's vintage line (French)
or last observation (FRED-MD/QD) and, for French files, the factor names. ``scarcity cache
verify`` checks them with every other entry.

Every table is checked whatever its origin (:func:`data.plausibility.check_daily_returns`,
:func:`data.plausibility.check_vintage`): a violation is a
:class:`~data.errors.PlausibilityError` naming the file, the series and the value.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from data.cache import Cache
from data.collect import _put, cache_label, live_label, network_notes, probe, store_staged
from data.config import Config
from data.errors import CacheError, DataError, FetchError, NetworkError
from data.plausibility import Rules, check_daily_returns, check_vintage
from data.sources.fredmd import fetch_fred_md, fetch_fred_qd
from data.sources.french import fetch_french
from data.sources.mirror import Mirror

log = logging.getLogger(__name__)

LONG_SOURCES = ("fred-md", "fred-qd")
HISTORY_KINDS = ("french", *LONG_SOURCES)
"""Cache kinds (key prefixes) of the long-history files."""

HOSTS = {
    "french": "mba.tuck.dartmouth.edu",
    "fred-md": "www.stlouisfed.org",
    "fred-qd": "www.stlouisfed.org",
}


@dataclass
class HistoryItems:
    """The long-history tables of one load, before they are assembled.

    Attributes
    ----------
    tables : dict
        Cache key (``french/<FILE>``, ``fred-md/current``) -> parsed table, with ``attrs``
        ``vintage_line`` (French) or ``last_observation`` (FRED-MD/QD).
    provenance : dict
        File path or URL -> sha256 of the raw payload.
    gaps : list of str
        Data notes (absent files, borderline values, stale items).
    label : str
        Where the data came from: ``mirror``, ``mirror (cached)``, ``live``, ...
    """

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    provenance: dict[str, str] = field(default_factory=dict)
    gaps: list[str] = field(default_factory=list)
    label: str = ""


def history_series(cfg: Config) -> dict[str, tuple[str, str]]:
    """Series id -> (file kind, column) for every long-history macro series of the config."""
    out = {}
    for sid, spec in cfg.macro.series.items():
        src = spec.get("source", "")
        if src in LONG_SOURCES:
            out[sid] = (src, str(spec.get("column", sid)))
    return out


def history_keys(cfg: Config) -> list[str]:
    """Cache keys of the config's long-history files (French files, then FRED-MD/QD)."""
    kinds = sorted({kind for kind, _ in history_series(cfg).values()})
    return [f"french/{f}" for f in cfg.targets.french_files] + [f"{k}/current" for k in kinds]


def is_history_key(key: str) -> bool:
    """Whether a cache key belongs to the long-history files."""
    return key.split("/", 1)[0] in HISTORY_KINDS


def _extra(kind: str, table: pd.DataFrame) -> dict[str, Any]:
    """Manifest fields that travel with an entry (the parquet file drops ``attrs``)."""
    if kind == "french":
        return {
            "columns": [str(c) for c in table.columns],
            "vintage_line": str(table.attrs.get("vintage_line", "")),
        }
    return {"last_observation": table.attrs.get("last_observation")}


def check_table(key: str, table: pd.DataFrame, cfg: Config, rules: Rules, *, source: str):
    """Run the plausibility checks of one long-history table; return its data notes."""
    kind = key.split("/", 1)[0]
    if kind == "french":
        return check_daily_returns(table, rules, source=source)
    cols = {sid: col for sid, (k, col) in history_series(cfg).items() if k == kind}
    check_vintage(table, cols, rules, source=source)
    return []


def missing_spreads(cfg: Config, columns: dict[str, list[str]]) -> list[str]:
    """Spreads of ``[targets] spreads`` that none of the French files (file -> columns) holds."""
    have = {c for cols in columns.values() for c in cols}
    return [s for s in cfg.targets.spreads if s not in have]


def history_cache_complete(cfg: Config, cache: Cache) -> bool:
    """Whether the cache holds every FRED-MD/QD file and French files with every spread."""
    entries = cache.manifest()["entries"]
    keys = history_keys(cfg)
    if any(k not in entries for k in keys if not k.startswith("french/")):
        return False
    cols = {k: list(entries[k].get("columns", [])) for k in keys if k in entries}
    return not missing_spreads(cfg, cols)


def collect_history_mirror(root: str | Path, cfg: Config, cache: Cache | None) -> HistoryItems:
    """Read the long-history files from a mirror, check them, store them in ``cache``.

    Nothing is written unless every file parsed and passed its checks.

    Raises
    ------
    ParseError
        A file that does not parse (:class:`~data.errors.PlausibilityError` for a value
        that no market produces).
    CacheWriteError
        The cache cannot be written.
    """
    m = Mirror(root)
    rules = Rules.from_config(cfg)
    got = HistoryItems(label="mirror")
    reads = [("french", m.read_french(list(cfg.targets.french_files), warn=False))]
    for kind in sorted({k for k, _ in history_series(cfg).values()}):
        reads.append((kind, m.read_mccracken_ng(kind, warn=False)))
    pending = []
    for kind, read in reads:
        got.gaps.extend(read.gaps)
        for it in read.items:
            key = f"{kind}/{it.name}"
            got.gaps.extend(check_table(key, it.table, cfg, rules, source=str(it.path)))
            got.tables[key] = it.table
            got.provenance[str(it.path)] = it.sha256
            pending.append((key, it.table, str(it.path), it.sha256, _extra(kind, it.table)))
    if cache is not None:  # everything parsed and checked: only now is the cache touched
        label = f"mirror:{m.root}"
        with cache.transaction() as tx:
            for key, table, request, sha, extra in pending:
                _put(tx, key, table, source=label, request=request, sha=sha, **extra)
    return got


def collect_history_cache(cfg: Config, cache: Cache) -> HistoryItems:
    """Read the config's long-history files back from the cache (absent ones: gap notes).

    Raises
    ------
    CacheError
        A cached file is missing, corrupt (hash mismatch) or unreadable.
    PlausibilityError
        A cached table breaks a plausibility rule (a changed threshold, an old entry).
    """
    rules = Rules.from_config(cfg)
    got = HistoryItems()
    sources = []
    with cache.reading():  # one generation throughout
        for key in history_keys(cfg):
            entry = cache.entry(key)
            if entry is None:
                got.gaps.append(f"{key}: not in the cache ({cache.root})")
                continue
            table = cache.get(key)
            for name in ("vintage_line", "last_observation"):
                if name in entry:
                    table.attrs[name] = entry[name]
            where = f"{entry['request']} (cached as {key} in {cache.root})"
            got.gaps.extend(check_table(key, table, cfg, rules, source=where))
            got.tables[key] = table
            got.provenance[entry["request"]] = entry["raw_sha256"]
            sources.append(str(entry.get("source", "")))
    got.label = cache_label(sources)
    return got


def require_complete(got: HistoryItems, cfg: Config, *, where: str, fix: str) -> None:
    """Raise when ``got`` lacks a FRED-MD/QD file or a French file for some spread.

    Raises
    ------
    DataError
        ``CacheError`` when ``where`` is ``"cache"``, else ``FetchError``, naming what is
        missing and ``fix``.
    """
    lost = [k for k in history_keys(cfg) if not k.startswith("french/") and k not in got.tables]
    french = {k: list(t.columns) for k, t in got.tables.items() if k.startswith("french/")}
    lost += [f"a French file with {s}" for s in missing_spreads(cfg, french)]
    if lost:
        cls = CacheError if where == "cache" else FetchError
        raise cls(f"long history: {where} lacks {', '.join(lost)}; {fix}", source=where)


def _download(key: str, http: dict[str, Any]) -> tuple[pd.DataFrame, str, str]:
    kind, _, name = key.partition("/")
    if kind == "french":
        t = fetch_french(name, **http)
        return t, t.attrs["request"], t.attrs["zip_sha256"]
    t = (fetch_fred_md if kind == "fred-md" else fetch_fred_qd)(**http)
    return t, t.attrs["request"], t.attrs["sha256"]


def collect_history_live(cfg: Config, cache: Cache, *, refresh: bool = False) -> HistoryItems:
    """Download the long-history files the cache lacks (all with ``refresh``); read all back.

    A file is downloaded when it is not cached or was fetched before today (a mirror copy
    counts as older). One reachability probe per host first. Each download is parsed and
    checked before the cache is touched; the good ones are stored in one transaction. A
    failed download (HTTP error, bad payload, implausible value) keeps the cached copy:
    a data note and the label ``live (cached, N items stale)``.

    Raises
    ------
    NetworkError
        No host reachable.
    FetchError
        A FRED-MD/QD file, or a French file some spread needs, is neither downloadable nor
        cached.
    """
    end = pd.Timestamp.today().normalize()
    rules = Rules.from_config(cfg)
    d = cfg.data
    http = {"timeout_s": float(d.http_timeout_s), "retries": int(d.http_retries)}
    keys = history_keys(cfg)
    todo = keys if refresh else cache.missing(keys, end=end)
    hosts = sorted({HOSTS[k.split("/", 1)[0]] for k in todo})
    reach = {h: probe(h) for h in hosts}
    notes = network_notes(reach, fix="--source cache or --mirror DIR", what="files")
    staged, failed = [], []
    for i, key in enumerate(todo):
        kind = key.split("/", 1)[0]
        if reach[HOSTS[kind]]:
            failed.append(key)
            continue
        try:
            table, request, sha = _download(key, http)
            notes += check_table(key, table, cfg, rules, source=request)
        except NetworkError as exc:  # the host went away mid-run: do not hammer it
            notes.append(f"live: {key} failed: {exc}")
            failed += todo[i:]
            break
        except DataError as exc:  # FetchError, ParseError, PlausibilityError
            notes.append(f"live: {key} failed: {exc}")
            failed.append(key)
            continue
        staged.append((key, table, f"live:{kind}", request, sha, _extra(kind, table)))
    store_staged(cache, staged, request_end=str(end.date()))
    got = collect_history_cache(cfg, cache)
    stale = sorted(k for k in failed if k in got.tables)
    got.label = live_label(stale, notes, "long-history file(s)")
    got.gaps = notes + [g for g in got.gaps if not g.endswith(f"({cache.root})")]
    require_complete(
        got,
        cfg,
        where="live",
        fix="not downloadable and not cached (" + "; ".join(notes or ["no note"]) + ")",
    )
    return got

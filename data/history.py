"""Load the long-history tables: Ken French spreads, FRED-MD and FRED-QD macro series.

Selected by ``[targets] kind = "spreads"`` (``configs/long_history.toml``). The macro
series are those of ``[macro.series]`` whose ``source`` is ``fred-md`` or ``fred-qd`` (their
column in that file is ``column``, default the series id); the spreads are
``[targets] spreads``, read from the first of ``[targets] french_files`` that holds them.

The result is a :class:`HistoryData`, a :class:`data.loaders.MarketData` whose ``prices``
hold each spread's total-return index (the compounded simple returns, base 1 on the day
before its first return) and whose ``spreads`` hold the returns themselves.

Timing
------
Caution: the French rows are built from month-end CRSP data published weeks later; they are
used only as the traded returns of paper long-short portfolios, never as a signal input.
FRED-MD and FRED-QD values are one vintage of revised history, made usable only after their
configured release lags (:func:`data.pit.macro_known_at`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from data.assemble import MarketData
from data.cache import Cache
from data.collect import online
from data.collect_history import (
    HOSTS,
    LONG_SOURCES,
    HistoryItems,
    collect_history_cache,
    collect_history_live,
    collect_history_mirror,
    history_cache_complete,
    history_keys,
    history_series,
    require_complete,
)
from data.config import Config
from data.errors import CacheError, ConfigError, DataError
from data.loaders import mirror_root, resolve_cache
from data.tables import empty_fundamentals, empty_quarters, sha256_bytes

log = logging.getLogger(__name__)

HISTORY_SOURCES: tuple[str, ...] = ("auto", "mirror", "live", "cache")
__all__ = [
    "HISTORY_SOURCES",
    "HistoryData",
    "content_hash",
    "history_series",
    "load_history",
    "total_return_index",
]


@dataclass
class HistoryData(MarketData):
    """Long-history tables (see the module docstring).

    Attributes
    ----------
    spreads : DataFrame
        Daily simple returns of each target spread (French dates), one column per spread.
    vintages : dict
        File -> its vintage line (French) or last observation (FRED-MD/QD).
    """

    spreads: pd.DataFrame = field(default_factory=pd.DataFrame)
    vintages: dict[str, str] = field(default_factory=dict)


def total_return_index(returns: pd.DataFrame) -> pd.DataFrame:
    """Compound simple returns into an index (1.0 before the first return, NaN before that)."""
    out = (1.0 + returns.fillna(0.0)).cumprod()
    return out.where(returns.notna().cummax())


def _pick_spreads(tables: dict[str, pd.DataFrame], cfg: Config) -> pd.DataFrame:
    spreads = list(cfg.targets.spreads)
    cols = {}
    for name in spreads:
        for file in cfg.targets.french_files:
            t = tables.get(file)
            if t is not None and name in t.columns:
                cols[name] = t[name]
                break
        else:
            raise DataError(
                f"spread {name!r} is in none of the French files {list(tables)}",
                source="targets.spreads",
            )
    return pd.DataFrame(cols).dropna(how="all")


def _cached(got: HistoryItems, cfg: Config, store: Cache) -> HistoryItems:
    require_complete(
        got,
        cfg,
        where="cache",
        fix=f"fill the cache {store.root} from a mirror (--source mirror --mirror DIR) or "
        "live (--source live)",
    )
    return got


def _gather(
    cfg: Config, source: str, root: Path | None, store: Cache, *, refresh: bool
) -> HistoryItems:
    """Gather the files from ``source``; ``auto`` as :func:`data.loaders.load_market`."""
    has_mirror = root is not None and (root / "french").is_dir()
    if source == "mirror":
        if not has_mirror:
            raise ConfigError(
                f"long history: no french/ directory in the mirror {str(root)!r} "
                "(--mirror or SCARCITY_MIRROR)"
            )
        return collect_history_mirror(root, cfg, store)
    if source == "cache":
        return _cached(collect_history_cache(cfg, store), cfg, store)
    if source == "live":
        return collect_history_live(cfg, store, refresh=refresh)
    # auto: the cache when complete, else the mirror, else live, never around a fault
    if root is not None and not root.is_dir():
        raise ConfigError(
            f"mirror directory not found: {root} (from --mirror or SCARCITY_MIRROR); "
            "fix the path or unset it"
        )
    broken = None
    try:
        complete = history_cache_complete(cfg, store)
        partial = any(store.has(k) for k in history_keys(cfg))
    except CacheError as exc:  # corrupt manifest
        complete, partial, broken = False, True, str(exc)
    if complete and not refresh:
        try:
            got = _cached(collect_history_cache(cfg, store), cfg, store)
            log.info("long history, auto: using the cache at %s", store.root)
            return got
        except CacheError as exc:
            broken = str(exc)
            log.warning("long history, auto: cache unusable (%s)", exc)
    if has_mirror:
        log.info("long history, auto: reading the mirror at %s", root)
        return collect_history_mirror(root, cfg, store)
    if broken is not None:
        raise CacheError(
            f"long history, auto: the cache is broken ({broken}) and no mirror holds the "
            "long-history files; repair it (`scarcity cache verify --repair`, then "
            "`--source live` or `--mirror DIR`)",
            source=str(store.root),
        )
    if online(HOSTS["french"]):
        return collect_history_live(cfg, store, refresh=refresh)
    where = "the cache lacks some of them" if partial else "the cache holds none of them"
    raise CacheError(
        f"long history, auto: no mirror with french/ ({root or 'none configured'}), no "
        f"network, and {where} ({', '.join(history_keys(cfg))}); use --mirror DIR or "
        "--source cache to see what is missing",
        source=str(store.root),
    )


def load_history(
    cfg: Config,
    source: str = "auto",
    mirror: str | Path | None = None,
    cache: Cache | str | Path | None = None,
    refresh: bool = False,
) -> HistoryData:
    """Load the long-history tables from the mirror, the cache or live, and fill the cache.

    The same sources, cache and labels as :func:`data.loaders.load_market`: every file is
    checked (:mod:`data.plausibility`) before the cache is touched, and stored in it in one
    transaction (:mod:`data.collect_history`).

    Parameters
    ----------
    cfg : Config
        ``[targets]`` (spreads, French files) and ``[macro.series]`` (sources and lags).
    source : {"auto", "mirror", "live", "cache"}
        ``mirror``: the mirror's ``french/``, ``fred-md/``, ``fred-qd/`` files. ``live``:
        the publishers' files the cache lacks or holds from an earlier day (all of them
        with ``refresh``); a failed download keeps the cached copy. ``cache``: the cache
        alone. ``auto``: the cache when it holds every file, else the mirror when it holds
        ``french/``, else live when the network answers; a broken cache with nothing to
        rebuild it from is an error.
    mirror : str or Path, optional
        Mirror directory (``$SCARCITY_MIRROR`` when None).
    cache : Cache, str or Path, optional
        The cache (default as :func:`data.loaders.resolve_cache`).
    refresh : bool
        ``live`` and ``auto``: download every file again.

    Returns
    -------
    HistoryData
        ``source`` is ``mirror``, ``mirror (cached)``, ``live``, ``live (cached)`` or
        ``live (cached, N items stale)``.

    Raises
    ------
    ConfigError
        No long-history series in the config, an unsupported source, or ``mirror``
        without ``french/`` in the mirror.
    CacheError
        ``cache`` (or ``auto`` without mirror and network) with a file missing or corrupt.
    PlausibilityError
        A value no market produces (the message names the file, the series and the rule).
    DataError
        A requested spread or series is missing.
    """
    wanted = history_series(cfg)
    if not wanted:
        raise ConfigError("no [macro.series] entry has source = 'fred-md' or 'fred-qd'")
    if source not in HISTORY_SOURCES:
        raise ConfigError(
            f"long history: `source` must be one of {HISTORY_SOURCES}, got {source!r}"
        )
    store = resolve_cache(cfg, cache)
    root = mirror_root(mirror)
    got = _gather(cfg, source, root, store, refresh=refresh)
    french = {k.split("/", 1)[1]: t for k, t in got.tables.items() if k.startswith("french/")}
    macro_files = {k.split("/", 1)[0]: t for k, t in got.tables.items() if k not in french}
    macro_files = {k: t for k, t in macro_files.items() if k in LONG_SOURCES}
    prov = got.provenance
    label = got.label
    spreads = _pick_spreads(french, cfg)
    cols = {}
    for sid, (kind, column) in wanted.items():
        table = macro_files.get(kind)
        if table is None or column not in table.columns:
            raise DataError(f"series {column!r} not found in {kind}/current.csv", source=sid)
        cols[sid] = table[column]
    macro = pd.DataFrame(cols).sort_index()
    macro.index.name = "date"
    prices = total_return_index(spreads)
    prices.index.name = "date"
    vintages = {f: str(t.attrs.get("vintage_line", "")) for f, t in french.items()}
    vintages.update(
        {
            f"{k}/current.csv": f"last observation {t.attrs.get('last_observation')}"
            for k, t in macro_files.items()
        }
    )
    for table, kind in ((prices, "french"), (macro, "fred-")):
        table.attrs = {
            "source": label,
            "synthetic": False,
            "provenance": {k: v for k, v in prov.items() if kind in k},
        }
    log.info(
        "long history (%s): %d spreads, %d macro series", label, spreads.shape[1], macro.shape[1]
    )
    return HistoryData(
        prices=prices,
        macro=macro,
        fundamentals=empty_fundamentals(),
        capex=empty_quarters(),
        source=label,
        synthetic=False,
        provenance=prov,
        gaps=got.gaps,
        spreads=spreads,
        vintages=vintages,
    )


def content_hash(frame: pd.DataFrame) -> str:
    """Return a short hash of a frame's values and dates (for tests and provenance)."""
    arr = np.ascontiguousarray(frame.to_numpy(dtype=float))
    return sha256_bytes(arr.tobytes() + frame.index.asi8.tobytes())[:16]

"""Load the market: prices, macro, fundamentals and capex quarters from one source.

``load_market(cfg, source=...)`` reads a mirror directory, downloads live data, reads the
cache, or generates a synthetic market, fills the cache, and returns validated canonical
tables in a :class:`MarketData` with provenance and gap notes. Assembling the tables from the
raw items is in :mod:`data.assemble`; gathering them (mirror, cache, live) in
:mod:`data.collect`.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from data.assemble import Collected, MarketData, assemble, requested, table_lines
from data.cache import Cache, default_cache_dir
from data.collect import collect_cache, collect_live, collect_mirror, online
from data.collect_history import is_history_key
from data.config import Config
from data.errors import CacheError, ConfigError
from data.sources.mirror import check_layout
from data.tables import sha256_bytes

log = logging.getLogger(__name__)

Source = Literal["auto", "live", "mirror", "synthetic", "cache"]
SOURCES: tuple[str, ...] = ("auto", "live", "mirror", "synthetic", "cache")


def _cache_complete(cfg: Config, cache: Cache) -> bool:
    req = requested(cfg)
    need = [f"prices/{t}" for t in req.tickers if t not in req.optional_tickers]
    need += [f"fred/{s}" for s in req.series]
    return bool(_main_keys(cache)) and not cache.missing(need)


def _main_keys(cache: Cache) -> list[str]:
    """Return the cached keys of the main sources (the long-history files do not count)."""
    return [k for k in cache.keys() if not is_history_key(k)]


def _synthetic_key(cfg: Config) -> str:
    d = cfg.to_dict()
    part = {k: d[k] for k in ("synthetic", "universe", "macro", "data")}
    return sha256_bytes(json.dumps(part, sort_keys=True, default=str))[:16]


def _load_synthetic(cfg: Config, cache: Cache, *, progress: bool) -> tuple[Collected, object]:
    ns = cache.namespace("synthetic")
    key = _synthetic_key(cfg)
    meta = ns.meta() if ns.manifest_path.is_file() else {}
    if meta.get("config_key") == key and _cache_complete(cfg, ns):
        try:
            log.info("synthetic market read from the cache at %s", ns.root)
            return collect_cache(cfg, ns), None
        except CacheError as exc:
            log.warning("synthetic cache unusable (%s); regenerating", exc)
    from data.sources.synthetic import write_synthetic_mirror  # written by another module

    root = ns.root / "mirror"
    root.mkdir(parents=True, exist_ok=True)
    truth = write_synthetic_mirror(
        root, cfg, seed=int(cfg.synthetic.seed), effect_size=float(cfg.synthetic.effect_size)
    )
    got = collect_mirror(root, cfg, ns, synthetic=True, progress=progress)
    ns.set_meta(
        synthetic=True,
        config_key=key,
        seed=int(cfg.synthetic.seed),
        effect_size=float(cfg.synthetic.effect_size),
    )
    return got, truth


def _cache(cfg: Config, cache: Cache | str | Path | None) -> Cache:
    """Return the given cache, else ``$SCARCITY_CACHE``, else ``[data] cache_dir``."""
    if isinstance(cache, Cache):
        return cache
    if cache is not None or os.environ.get("SCARCITY_CACHE", "").strip():
        return Cache(cache)
    path = Path(str(cfg.data.get("cache_dir", "") or "data/cache")).expanduser()
    if not path.is_absolute():
        path = default_cache_dir().parents[1] / path
    return Cache(path)


def resolve_cache(cfg: Config, cache: Cache | str | Path | None = None) -> Cache:
    """Return the cache a load would use: ``cache``, else ``$SCARCITY_CACHE``, else config."""
    return _cache(cfg, cache)


def mirror_root(mirror: str | Path | None) -> Path | None:
    """Return the mirror directory: ``mirror``, else ``$SCARCITY_MIRROR``, else None.

    Raises
    ------
    DataError
        The directory exists but holds none of the mirror's subfolders (prices/, fred/,
        edgar/, capex/, french/, fred-md/, fred-qd/): checked here, before anything runs.
    """
    if mirror is None:
        env = os.environ.get("SCARCITY_MIRROR", "").strip()
        mirror = env or None
    return check_layout(Path(mirror).expanduser()) if mirror is not None else None


def load_market(
    cfg: Config,
    source: Source = "auto",
    mirror: str | Path | None = None,
    cache: Cache | str | Path | None = None,
    refresh: bool = False,
    *,
    progress: bool = False,
) -> MarketData:
    """Load the canonical tables from one source and fill the cache.

    Parameters
    ----------
    cfg : Config
        Tickers (``cfg.tickers``), macro series (``[macro.series]``), CIKs
        (``[universe.cik]`` and predecessors in ``[universe.cik_history]``), history start.
    source : {"auto", "live", "mirror", "synthetic", "cache"}
        ``mirror``: read the mirror directory. ``live``: yfinance, FRED and (with
        ``SEC_USER_AGENT``) EDGAR, only what the cache lacks unless ``refresh``.
        ``cache``: the cache alone. ``synthetic``: generate a market with
        ``data.sources.synthetic`` (reused from the cache when the config is unchanged).
        ``auto``: the cache when it holds every price and macro series, else the mirror when
        one is configured, else live when the network answers, else synthetic (logged) --
        but only when no real cache or mirror was configured: a broken one is an error.
    mirror : str or Path, optional
        Mirror directory (default: ``$SCARCITY_MIRROR``).
    cache : Cache, str or Path, optional
        The cache (default: ``$SCARCITY_CACHE``, else ``[data] cache_dir`` relative to the
        repository, i.e. ``data/cache``).
    refresh : bool
        ``live``: download everything again, not only what is missing or stale.
    progress : bool, keyword-only
        Show a progress bar over items (only on a terminal).

    Returns
    -------
    MarketData

    Raises
    ------
    ConfigError
        Unknown source, or ``mirror`` without a mirror directory.
    CacheError
        ``cache`` with an empty or corrupt cache.
    FetchError
        ``live`` with nothing downloadable.
    """
    if source not in SOURCES:
        raise ConfigError(f"`source` must be one of {SOURCES}, got {source!r}")
    store = _cache(cfg, cache)
    root = mirror_root(mirror)
    if source == "auto":
        return _auto(cfg, root, store, refresh=refresh, progress=progress)
    truth = None
    if source == "mirror":
        if root is None:
            raise ConfigError(
                "source 'mirror' needs a mirror directory (--mirror or SCARCITY_MIRROR)"
            )
        got = collect_mirror(root, cfg, store, progress=progress)
    elif source == "cache":
        if not _main_keys(store):
            raise CacheError(
                "the cache is empty; run `scarcity fetch` first", source=str(store.root)
            )
        got = collect_cache(cfg, store)
    elif source == "live":
        got = collect_live(cfg, store, refresh=refresh, progress=progress)
    else:
        got, truth = _load_synthetic(cfg, store, progress=progress)
    label = got.label or source
    return assemble(got, cfg, source=label, synthetic=source == "synthetic", truth=truth)


def _auto(
    cfg: Config, root: Path | None, store: Cache, *, refresh: bool, progress: bool
) -> MarketData:
    """Use the cache, else the mirror, else live, else synthetic; never around a fault.

    A configured mirror that does not exist, or a real-data cache that is corrupt or
    incomplete with no mirror to rebuild it from and no network, is an error naming the
    problem and the fix; synthetic data is used only when nothing real was configured.
    """
    if root is not None and not root.is_dir():
        raise ConfigError(
            f"mirror directory not found: {root} (from --mirror or SCARCITY_MIRROR); "
            "fix the path or unset it"
        )
    broken: str | None = None
    try:
        complete = _cache_complete(cfg, store)
        has_real = bool(_main_keys(store))
    except CacheError as exc:  # corrupt manifest
        complete, has_real, broken = False, True, str(exc)
    if not refresh and complete:
        try:
            got = collect_cache(cfg, store)
            log.info("auto: using the cache at %s", store.root)
            return assemble(got, cfg, source=got.label or "cache", synthetic=False)
        except CacheError as exc:
            broken = str(exc)
            log.warning("auto: cache unusable (%s)", exc)
    if root is not None:
        log.info("auto: reading the mirror at %s", root)
        got = collect_mirror(root, cfg, store, progress=progress)
        return assemble(got, cfg, source="mirror", synthetic=False)
    if broken is not None:
        raise CacheError(
            f"auto: the cache is broken ({broken}) and no mirror is configured; repair it "
            "(`scarcity cache verify --repair`, then `scarcity fetch --source live` or "
            "`--mirror DIR`), or ask for `--source synthetic` explicitly",
            source=str(store.root),
        )
    if online():
        got = collect_live(cfg, store, refresh=refresh, progress=progress)
        log.info("auto: downloaded live data")
        return assemble(got, cfg, source=got.label or "live", synthetic=False)
    if has_real:
        req = requested(cfg)
        lost = store.missing(
            [f"prices/{t}" for t in req.tickers if t not in req.optional_tickers]
            + [f"fred/{s}" for s in req.series]
        )
        raise CacheError(
            f"auto: the cache lacks {len(lost)} item(s) ({', '.join(lost[:5])}"
            f"{', ...' if len(lost) > 5 else ''}), there is no mirror and no network; use "
            "`--source cache` to run on what is there, `--mirror DIR`, or `--source synthetic`",
            source=str(store.root),
        )
    log.warning("auto: no cache, no mirror and no network; using SYNTHETIC data")
    got, truth = _load_synthetic(cfg, store, progress=progress)
    return assemble(got, cfg, source="synthetic", synthetic=True, truth=truth)


@dataclass
class FetchReport:
    """What ``scarcity fetch`` did: the loaded market and where it went."""

    market: MarketData
    cache_root: Path

    def summary(self) -> str:
        """One line per source/table (counts, date ranges), then the gaps."""
        md = self.market
        tag = " (SYNTHETIC)" if md.synthetic else ""
        head = f"source: {md.source}{tag} -> cache {self.cache_root}"
        lines = [head, *table_lines(md), f"gaps: {len(md.gaps)} note(s)"]
        lines += [f"  - {g}" for g in md.gaps]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def fetch(
    cfg: Config,
    source: Source = "auto",
    mirror: str | Path | None = None,
    *,
    progress: bool = True,
    cache: Cache | str | Path | None = None,
    refresh: bool = False,
) -> FetchReport:
    """Fill the cache from ``source`` (see :func:`load_market`) and report what is there.

    Used by ``scarcity fetch``; the progress bar shows only on a terminal.

    Returns
    -------
    FetchReport
        ``.summary()``: one line per table with counts and date ranges, then the gap notes.
    """
    store = _cache(cfg, cache)
    md = load_market(cfg, source, mirror, store, refresh, progress=progress)
    return FetchReport(market=md, cache_root=store.root)

"""The Fama–French five factors and momentum (daily) for the main report's alpha test.

Read through the long history's machinery (:mod:`data.collect_history`): from
``<mirror>/french/`` when the mirror holds the files (parsed, checked, then stored in the
cache under ``french/<FILE>``), else from the cache; None when neither has them (the report
then says "no data"). Never from the network: the main report runs offline.

Timing
------
The French rows are published weeks after their dates from month-end CRSP data; they are used
only as realized returns in an after-the-fact regression, never as a signal input.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from data.cache import Cache
from data.collect_history import collect_history_cache, collect_history_mirror
from data.config import Config
from data.errors import CacheError, DataError
from data.loaders import mirror_root, resolve_cache

log = logging.getLogger(__name__)

FF_FILES: tuple[str, ...] = ("F-F_Research_Data_5_Factors_2x3_daily", "F-F_Momentum_Factor_daily")
FF_COLUMNS: tuple[str, ...] = ("Mkt-RF", "SMB", "HML", "RMW", "CMA", "Mom")


@dataclass(frozen=True)
class FrenchFactors:
    """Daily factor returns (decimal) and where they came from.

    Attributes
    ----------
    returns : DataFrame
        Index ``date``; columns :data:`FF_COLUMNS` (rows where all are present).
    source : str
        ``mirror`` or ``cache``.
    provenance : dict
        File path or request -> sha256.
    vintages : dict
        File -> the vintage line of the file.
    """

    returns: pd.DataFrame
    source: str
    provenance: dict[str, str] = field(default_factory=dict)
    vintages: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        """One line: columns, dates, source."""
        idx = self.returns.index
        return (
            f"French factors {', '.join(self.returns.columns)}: {idx[0].date()} .. "
            f"{idx[-1].date()} ({len(idx)} days, {self.source})"
        )


def _french_cfg(cfg: Config) -> Config:
    """Return the configuration with the factor files as ``[targets] french_files`` (no macro)."""
    return cfg.replace(targets={"french_files": list(FF_FILES), "spreads": ["Mkt-RF"]})


def _assemble(tables: dict[str, pd.DataFrame]) -> pd.DataFrame | None:
    cols = {}
    for key, t in tables.items():
        if not key.startswith("french/"):
            continue
        for c in t.columns:
            if c in FF_COLUMNS and c not in cols:
                cols[c] = t[c]
    if any(c not in cols for c in FF_COLUMNS):
        return None
    out = pd.DataFrame({c: cols[c] for c in FF_COLUMNS}).dropna()
    out.index.name = "date"
    return out if len(out) else None


def load_french_factors(
    cfg: Config,
    *,
    mirror: str | Path | None = None,
    cache: Cache | str | Path | None = None,
) -> FrenchFactors | None:
    """Return the five factors and momentum from the mirror or the cache, else None.

    Parameters
    ----------
    cfg : Config
        Plausibility rules (``[data.plausibility]``) and the cache location.
    mirror : str or Path, optional
        Mirror directory (default ``$SCARCITY_MIRROR``); used when it holds ``french/``.
    cache : Cache, str or Path, optional
        The cache (default as :func:`data.loaders.load_market`).

    Returns
    -------
    FrenchFactors or None
        None when neither the mirror nor the cache holds both files (logged, not raised).

    Raises
    ------
    ParseError, PlausibilityError
        A mirror file that is there but does not parse or holds an impossible value.
    """
    fcfg = _french_cfg(cfg)
    store = resolve_cache(cfg, cache)
    root = mirror_root(mirror)
    if root is not None and (root / "french").is_dir():
        got = collect_history_mirror(root, fcfg, store)
        source = "mirror"
    else:
        try:
            got = collect_history_cache(fcfg, store)
        except (CacheError, DataError) as exc:
            log.info("French factors: cache unusable (%s)", exc)
            return None
        source = "cache"
    rets = _assemble(got.tables)
    if rets is None:
        log.info("French factors: %s lacks %s", source, ", ".join(FF_FILES))
        return None
    vint = {
        k.split("/", 1)[1]: str(t.attrs.get("vintage_line", ""))
        for k, t in got.tables.items()
        if k.startswith("french/")
    }
    return FrenchFactors(rets, source, dict(got.provenance), vint)

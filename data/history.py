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
from data.config import Config
from data.errors import ConfigError, DataError
from data.sources.fredmd import fetch_fred_md, fetch_fred_qd
from data.sources.french import fetch_french
from data.sources.mirror import Mirror
from data.tables import empty_fundamentals, empty_quarters, sha256_bytes

log = logging.getLogger(__name__)

LONG_SOURCES = ("fred-md", "fred-qd")


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


def history_series(cfg: Config) -> dict[str, tuple[str, str]]:
    """Series id -> (file kind, column) for every long-history macro series of the config."""
    out = {}
    for sid, spec in cfg.macro.series.items():
        src = spec.get("source", "")
        if src in LONG_SOURCES:
            out[sid] = (src, str(spec.get("column", sid)))
    return out


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


def load_history(
    cfg: Config, source: str = "auto", mirror: str | Path | None = None
) -> HistoryData:
    """Load the long-history tables from the mirror (or live from the publishers).

    Parameters
    ----------
    cfg : Config
        ``[targets]`` (spreads, French files) and ``[macro.series]`` (sources and lags).
    source : {"auto", "mirror", "live"}
        ``auto``: the mirror when it holds the files, else live.
    mirror : str or Path, optional
        Mirror directory (``$SCARCITY_MIRROR`` when None).

    Returns
    -------
    HistoryData

    Raises
    ------
    ConfigError
        No long-history series in the config, or an unsupported source.
    DataError
        A requested spread or series is missing.
    """
    import os

    wanted = history_series(cfg)
    if not wanted:
        raise ConfigError("no [macro.series] entry has source = 'fred-md' or 'fred-qd'")
    if source not in ("auto", "mirror", "live"):
        raise ConfigError(f"long history: `source` must be auto, mirror or live, got {source!r}")
    root = mirror if mirror is not None else os.environ.get("SCARCITY_MIRROR") or None
    has_mirror = root is not None and (Path(root) / "french").is_dir()
    if source == "mirror" and not has_mirror:
        raise ConfigError(f"long history: no french/ directory in the mirror {root!r}")
    use_mirror = source == "mirror" or (source == "auto" and has_mirror)
    files = list(cfg.targets.french_files)
    french: dict[str, pd.DataFrame] = {}
    macro_files: dict[str, pd.DataFrame] = {}
    prov: dict[str, str] = {}
    gaps: list[str] = []
    if use_mirror:
        m = Mirror(root)
        read = m.read_french(files, warn=False)
        gaps += read.gaps
        for it in read.items:
            french[it.name] = it.table
            prov[str(it.path)] = it.sha256
        for kind in sorted({k for k, _ in wanted.values()}):
            r = m.read_mccracken_ng(kind, warn=False)
            gaps += r.gaps
            for it in r.items:
                macro_files[kind] = it.table
                prov[str(it.path)] = it.sha256
        label = "mirror"
    else:
        for file in files:
            french[file] = fetch_french(file)
            prov[french[file].attrs["request"]] = french[file].attrs["zip_sha256"]
        for kind in sorted({k for k, _ in wanted.values()}):
            t = fetch_fred_md() if kind == "fred-md" else fetch_fred_qd()
            macro_files[kind] = t
            prov[t.attrs["request"]] = t.attrs["sha256"]
        label = "live"
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
        gaps=gaps,
        spreads=spreads,
        vintages=vintages,
    )


def content_hash(frame: pd.DataFrame) -> str:
    """Return a short hash of a frame's values and dates (for tests and provenance)."""
    arr = np.ascontiguousarray(frame.to_numpy(dtype=float))
    return sha256_bytes(arr.tobytes() + frame.index.asi8.tobytes())[:16]

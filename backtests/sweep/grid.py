"""Sweep grids and results: reading a grid, expanding it into trials, the result object.

A grid maps parameter names to lists of values; every combination is a trial. Names are
``zscore_window`` and ``change_window`` (the factor's windows, handed to the caller's factor
builder) and any field of :class:`backtests.rotation.spec.RotationSpec`.
:func:`backtests.sweep.core.run_sweep` runs the trials.
"""

from __future__ import annotations

import itertools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from backtests.rotation.spec import FIELD_NAMES
from data.errors import ConfigError

FACTOR_KEYS: tuple[str, ...] = ("zscore_window", "change_window")
NON_PARAMETER_KEYS: tuple[str, ...] = ("chunk_size", "engine")


@dataclass(frozen=True)
class SweepResult:
    """All trials of a sweep.

    Attributes
    ----------
    table : DataFrame
        One row per trial: ``trial``, the parameters, then the statistics of
        :data:`backtests.engines.stats.STAT_NAMES`.
    returns : DataFrame or None
        Daily net returns, dates x trials (columns = ``trial`` ids), for inference
        (deflated Sharpe, PBO, walk-forward, SPA); a read-only memory map when the sweep
        wrote them to ``returns_path``; None when run with ``keep_returns=False``.
    grid : dict
        The expanded grid (name -> values).
    engine : str
    info : dict
        ``chunks``, ``n_days`` and engine details.
    moments : dict or None
        Numba engine: per trial and block of bars, ``n``, ``sum`` and ``sumsq`` of the
        net returns (arrays of shape (trials, blocks)) and ``block_start`` (the first date
        of each block); see :meth:`block_sharpe`.
    """

    table: pd.DataFrame
    returns: pd.DataFrame | None
    grid: dict[str, list[Any]]
    engine: str
    info: dict[str, Any] = field(default_factory=dict)
    moments: dict[str, Any] | None = None

    def block_sharpe(self, blocks: Any = None, *, periods_per_year: int = 252) -> np.ndarray:
        """Annualized Sharpe ratio of every trial over a union of blocks, from the moments.

        Parameters
        ----------
        blocks : array of bool or int, optional
            Which blocks of ``moments["block_start"]`` to pool (default: all).
        periods_per_year : int, keyword-only

        Returns
        -------
        ndarray, shape (trials,)
            mean / std (ddof 1) x sqrt(periods_per_year); NaN without variance.
        """
        if self.moments is None:
            raise ValueError("this sweep has no moments (engine='numba' computes them)")
        sel = slice(None) if blocks is None else np.asarray(blocks)
        n = self.moments["n"][:, sel].sum(axis=1)
        s = self.moments["sum"][:, sel].sum(axis=1)
        ss = self.moments["sumsq"][:, sel].sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = s / n
            var = (ss - n * mean * mean) / (n - 1)
            return np.where(var > 0, mean / np.sqrt(var) * np.sqrt(periods_per_year), np.nan)

    @property
    def n_trials(self) -> int:
        """Number of trials (rows of ``table``)."""
        return len(self.table)

    def best(self, metric: str = "sharpe") -> pd.Series:
        """Return the trial with the highest ``metric``."""
        return self.table.loc[self.table[metric].idxmax()]

    def summary(self) -> str:
        """Trials, parameters varied, and the spread of Sharpe ratios."""
        sr = self.table["sharpe"]
        varied = {k: v for k, v in self.grid.items() if len(v) > 1}
        best = self.best("sharpe") if sr.notna().any() else None
        lines = [
            f"Sweep: {self.n_trials} trials ({self.engine}), "
            f"{self.info.get('n_days', 0 if self.returns is None else len(self.returns))} "
            f"days, varied: {', '.join(varied) or 'nothing'}",
            f"Sharpe: median {sr.median():.2f}  min {sr.min():.2f}  max {sr.max():.2f}",
        ]
        if best is not None:
            params = ", ".join(f"{k}={best[k]}" for k in self.grid)
            lines.append(f"best trial {int(best['trial'])}: {params}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def load_grid(path: str | Path) -> dict[str, list[Any]]:
    """Read a sweep grid from TOML: the ``[sweep]`` table, or the top level without one.

    Scalars become one-value lists; ``chunk_size`` is kept as given (not a parameter).

    Examples
    --------
    A file with ``[sweep]`` and ``threshold = [-0.5, 0.5]`` gives
    ``{"threshold": [-0.5, 0.5]}``.
    """
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"sweep grid file not found: {p}")
    try:
        with p.open("rb") as fh:
            doc = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{p}: not valid TOML: {exc}") from exc
    table = doc.get("sweep", doc)
    if not isinstance(table, dict) or not table:
        raise ConfigError(f"{p}: no sweep parameters found (expected a [sweep] table)")
    out: dict[str, Any] = {}
    for key, value in table.items():
        out[key] = value if key in NON_PARAMETER_KEYS or isinstance(value, list) else [value]
    return out


def _as_param(key: str, value: Any) -> Any:
    if key in ("near", "long", "crypto"):
        if isinstance(value, str):
            raise ConfigError(f"grid `{key}` must list baskets (lists of tickers), got {value!r}")
        return tuple(value)
    return value


def expand_grid(grid: Mapping[str, Any], cfg: Any) -> pd.DataFrame:
    """Every combination of the grid as a table (one row per trial, ``trial`` = 0..n-1).

    Factor windows missing from the grid take ``cfg.factor`` values. Unknown names raise
    :class:`ConfigError` naming them.
    """
    axes: dict[str, list[Any]] = {}
    for key, values in grid.items():
        if key in NON_PARAMETER_KEYS:
            continue
        if key not in FACTOR_KEYS and key not in FIELD_NAMES:
            raise ConfigError(
                f"unknown sweep parameter `{key}`; valid: {', '.join(FACTOR_KEYS + FIELD_NAMES)}"
            )
        vals = list(values) if isinstance(values, list | tuple) else [values]
        if key in ("near", "long", "crypto") and vals and isinstance(vals[0], str):
            vals = [vals]  # a single basket given as a flat list of tickers
        if not vals:
            raise ConfigError(f"sweep parameter `{key}` has no values")
        axes[key] = [_as_param(key, v) for v in vals]
    for key in FACTOR_KEYS:
        if key not in axes:
            axes[key] = [int(cfg.factor[key])] if cfg is not None else [0]
    names = list(axes)
    rows = list(itertools.product(*(axes[n] for n in names)))
    table = pd.DataFrame(rows, columns=names)
    table.insert(0, "trial", np.arange(len(table)))
    return table

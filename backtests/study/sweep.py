"""The study's sweep: the configured grid over the in-sample window, and its inference.

:func:`run_sweep_for` sweeps ``[sweep]`` (or a grid file) over the dates before
``run.oos_start``, reusing the default factor; :func:`sweep_inference` deflates the best
trial's Sharpe ratio, and runs PBO and walk-forward over the trials.

Timing
------
Every trial's factor uses only data public at each close; nothing at or after
``run.oos_start`` is swept.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from backtests.engines.stats import sharpe as sharpe_ratio
from backtests.inference import deflated_sharpe, pbo, walk_forward
from backtests.rotation.prices import Prices
from backtests.study.window import backtest_window, cash_rate_series, window_prices
from backtests.sweep.core import SweepResult, run_sweep
from data.config import Config
from data.loaders import MarketData
from signals.composite import build_capex_block, build_factor_tables


def factor_function(
    market: MarketData,
    cfg: Config,
    *,
    default: pd.Series | None = None,
    built: Mapping[tuple[int, int], pd.Series] | None = None,
) -> Callable[[int, int], pd.Series]:
    """Return a cached ``(zscore_window, change_window) -> factor`` callable for sweeps.

    ``default``, when given, is the factor already built with ``cfg``'s own windows, and
    ``built`` factors already built for other windows (:func:`grid_factors`); they seed the
    cache so that those factors are not built again.
    """
    cache: dict[tuple[int, int], pd.Series] = dict(built or {})
    if default is not None:
        cache[(int(cfg.factor.zscore_window), int(cfg.factor.change_window))] = default
    capex: list[tuple[Any, ...]] = []  # the capex block reads neither window: built once

    def factor_fn(zscore_window: int, change_window: int) -> pd.Series:
        key = (int(zscore_window), int(change_window))
        if key not in cache:
            alt = cfg.replace(factor={"zscore_window": key[0], "change_window": key[1]})
            if not capex:
                capex.append(build_capex_block(market.capex, market.prices.index, cfg))
            cache[key] = build_factor_tables(
                market.macro, market.capex, market.prices.index, alt, capex_block=capex[0]
            ).factor
        return cache[key]

    return factor_fn


def grid_factors(
    market: MarketData, cfg: Config, default: pd.Series | None = None
) -> dict[tuple[int, int], pd.Series]:
    """Build the factor of every window pair of ``[sweep]`` (the pipeline's sweep grid).

    The pipeline runs this in a background child from the signal stage on
    (:class:`data.background.Background`) and hands the result to :func:`run_sweep_for`
    (``factors=``): the same builds, done while the backtest stage runs.
    """
    grid = cfg.sweep.to_dict()

    def values(name: str) -> list[int]:
        v = grid.get(name, cfg.factor[name])
        return [int(x) for x in (v if isinstance(v, list | tuple) else [v])]

    fn = factor_function(market, cfg, default=default)
    return {(z, c): fn(z, c) for z in values("zscore_window") for c in values("change_window")}


def run_sweep_for(
    cfg: Config,
    market: MarketData,
    *,
    prices: pd.DataFrame | Prices | None = None,
    cash_rate: pd.Series | None = None,
    grid_path: str | None = None,
    chunk_size: int | None = None,
    scheduler: str | None = None,
    progress: bool = False,
    factor: pd.Series | None = None,
    returns_path: str | None = None,
    factors: Mapping[tuple[int, int], pd.Series] | None = None,
) -> SweepResult:
    """Run the configured (or a TOML file's) grid on the in-sample window, before ``oos_start``.

    Parameters
    ----------
    cfg : Config
        Configuration; ``[sweep]`` is the default grid.
    market : MarketData
        Loaded tables.
    prices : DataFrame or Prices, optional
        Prices to sweep over (default: the backtest window before ``run.oos_start``); a
        :class:`~backtests.rotation.prices.Prices` is not checked again.
    cash_rate : Series, optional
        Cash rate (annual percent) known at each date.
    grid_path : str, optional
        A TOML grid file with a ``[sweep]`` table.
    chunk_size : int, optional
        Trials per chunk (default ``sweep.chunk_size``).
    scheduler : str, optional
        Dask scheduler address or ``"local"``.
    progress : bool
        Show a progress bar over chunks.
    factor : Series, optional
        The factor already built with ``cfg``'s windows (reused, not rebuilt).
    returns_path : str, optional
        Stream the returns to this ``.npy`` file and map it (numba engine only).
    factors : mapping, optional
        Factors already built by window pair (:func:`grid_factors`), reused.

    Returns
    -------
    SweepResult
    """
    from backtests.sweep.core import load_grid

    factor_fn = factor_function(market, cfg, default=factor, built=factors)
    if prices is None:
        default = factor_fn(int(cfg.factor.zscore_window), int(cfg.factor.change_window))
        window = backtest_window(market.prices, cfg, default)
        oos = pd.Timestamp(cfg.run.oos_start)
        prices = window_prices(window, cfg).between(end=oos - pd.Timedelta(days=1))
        cash_rate = cash_rate_series(market, cfg, prices.index)
    grid = load_grid(grid_path) if grid_path else cfg.sweep.to_dict()
    return run_sweep(
        prices,
        factor_fn,
        grid,
        cfg,
        chunk_size=int(chunk_size or cfg.sweep.chunk_size),
        engine=str(cfg.sweep.get("engine", "numba")),
        scheduler=scheduler,
        progress=progress,
        cash_rate=cash_rate,
        returns_path=returns_path,
    )


def sweep_inference(
    sweep: SweepResult | None, cfg: Config, *, observed: pd.Series | None = None
) -> tuple[Any, Any, Any, int]:
    """Deflated Sharpe, PBO and walk-forward over a sweep's in-sample trials.

    Parameters
    ----------
    sweep : SweepResult or None
        The sweep (its return matrix must end before ``run.oos_start``).
    cfg : Config
        ``[inference]`` settings and ``run.oos_start``.
    observed : Series, optional
        Returns whose Sharpe is deflated (default: the best trial of the sweep).

    Returns
    -------
    tuple
        ``(deflated, pbo, walk_forward, n_trials)``; the first three are None when the
        sweep has fewer than two trials.
    """
    if sweep is None or sweep.n_trials < 2:
        return None, None, None, 1
    inf = cfg.inference
    oos_start = pd.Timestamp(cfg.run.oos_start)
    trial_rets = sweep.returns.dropna(how="all").fillna(0.0)
    trial_sr = np.asarray([sharpe_ratio(trial_rets[c]) for c in trial_rets.columns])
    if observed is None:
        observed = trial_rets.iloc[:, int(np.nanargmax(trial_sr))]
    deflated = deflated_sharpe(observed, trial_sr, oos_start=oos_start)
    pbo_res = pbo(
        trial_rets,
        n_splits=int(inf.pbo_splits),
        metric=str(inf.get("pbo_metric", "sharpe")),
        oos_start=oos_start,
    )
    wf = walk_forward(
        trial_rets,
        train_days=int(inf.walkforward_train_days),
        test_days=int(inf.walkforward_test_days),
        metric=str(inf.get("walkforward_metric", "sharpe")),
        expanding=bool(inf.get("walkforward_expanding", True)),
        oos_start=oos_start,
    )
    return deflated, pbo_res, wf, int(sweep.n_trials)

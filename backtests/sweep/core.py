"""Parameter sweeps: many rotation variants simulated together, chunked, optionally on Dask.

A grid maps parameter names to lists of values; every combination is a trial. Names are
``zscore_window`` and ``change_window`` (passed to the caller's ``factor_fn``, which builds
the factor: this module never imports ``signals``) and any field of
:class:`backtests.rotation.spec.RotationSpec` (``threshold``, ``rule``, ``rebalance``, ``band``,
``weighting``, ``near``/``long`` basket variants as lists of ticker lists, costs, ...).

With ``engine="numba"`` (the fast path) no Python runs per trial: the grid becomes
parameter arrays (:mod:`backtests.sweep.plan`) and one compiled call per chunk decides,
simulates and summarizes every trial of the chunk (:mod:`backtests.sweep.kernels`, the arithmetic
of :mod:`backtests.rotation.rules` and :mod:`backtests.engines.nb` operation for operation); the
returns matrix is optional (kept by default, streamed to a ``.npy`` file, or dropped) and
per-block return moments are kept for every trial (:mod:`backtests.sweep.chunks`). With
``"vectorbt"`` and ``"reference"`` trials are decided with the same functions as a single
backtest (:func:`backtests.rotation.targets.decide`), lagged by
:func:`backtests.engines.engine.lag_targets` and simulated as a dense target tensor: one
``Portfolio.from_orders`` call per chunk with trials as column groups, or the reference engine
trial by trial. Chunks bound memory (``chunk_size`` trials at a time) and are independent
tasks, so chunked, unchunked and Dask runs give identical tables.

Timing
------
As for a single backtest: decisions at close t, traded at close t + ``execution_lag``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from backtests.engines.engine import lag_targets
from backtests.engines.simulation import net_returns
from backtests.engines.stats import STAT_NAMES, summary_stats
from backtests.rotation import rules
from backtests.rotation.costs import carry_accruals, day_fractions
from backtests.rotation.prices import Prices, as_prices
from backtests.rotation.spec import FIELD_NAMES, RotationSpec
from backtests.rotation.targets import RotationInputs, decide, rotation_inputs
from backtests.sweep.chunks import client_for, run_plan
from backtests.sweep.grid import FACTOR_KEYS, SweepResult, expand_grid, load_grid
from backtests.sweep.memory import check_sweep_fits
from backtests.sweep.plan import build_plan, validated_values
from data.errors import ConfigError, DataError

__all__ = ["SweepResult", "expand_grid", "load_grid", "run_sweep"]

log = logging.getLogger(__name__)

SweepEngine = Literal["numba", "vectorbt", "reference"]
FactorFn = Callable[[int, int], pd.Series]


@dataclass
class _Context:
    """Everything a chunk needs (picklable; sent once to Dask workers)."""

    prices: pd.DataFrame
    columns: tuple[str, ...]
    factors: dict[tuple[int, int], np.ndarray]
    base: RotationSpec
    cash_accrual: np.ndarray
    day_frac: np.ndarray
    engine: str
    stops: dict[str, pd.Timestamp] = field(default_factory=dict)
    _inputs: dict[Any, RotationInputs] = field(default_factory=dict)
    _vols: dict[Any, np.ndarray] = field(default_factory=dict)
    _masks: dict[str, np.ndarray] = field(default_factory=dict)

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_inputs"], state["_vols"], state["_masks"] = {}, {}, {}
        return state

    def inputs(self, spec: RotationSpec) -> RotationInputs:
        key = (spec.near, spec.long, spec.weighting, spec.basket_vol_window)
        if key not in self._inputs:
            self._inputs[key] = rotation_inputs(
                self.prices,
                spec.near,
                spec.long,
                weighting=spec.weighting,
                basket_vol_window=spec.basket_vol_window,
                stops=self.stops,
            )
        return self._inputs[key]

    def vol(self, spec: RotationSpec) -> np.ndarray | None:
        if spec.rule != "longshort":
            return None
        key = (spec.near, spec.long, spec.weighting, spec.basket_vol_window, spec.vol_window)
        if key not in self._vols:
            self._vols[key] = self.inputs(spec).spread_vol(spec.vol_window)
        return self._vols[key]

    def mask(self, spec: RotationSpec) -> np.ndarray:
        if spec.rebalance not in self._masks:
            self._masks[spec.rebalance] = rules.rebalance_mask(self.prices.index, spec.rebalance)
        return self._masks[spec.rebalance]


def _trial_spec(base: RotationSpec, row: Mapping[str, Any]) -> RotationSpec:
    overrides = {k: v for k, v in row.items() if k in FIELD_NAMES}
    return base.replace(**overrides) if overrides else base


def _run_chunk(
    ctx: _Context, trials: list[tuple[dict[str, Any], RotationSpec]]
) -> tuple[pd.DataFrame, np.ndarray]:
    """Simulate one chunk of trials; return its table rows and its (k, T) net returns."""
    n_rows, n_cols = len(ctx.prices), len(ctx.columns)
    col_pos = {c: j for j, c in enumerate(ctx.columns)}
    k = len(trials)
    size = np.full((k, n_rows, n_cols), np.nan)
    fees = np.empty((k, n_cols))
    slip = np.empty((k, n_cols))
    cash0 = np.empty(k)
    borrow = np.empty(k)
    for t, (row, spec) in enumerate(trials):
        factor = ctx.factors[(int(row["zscore_window"]), int(row["change_window"]))]
        decided = decide(factor, ctx.inputs(spec), spec, vol=ctx.vol(spec), mask=ctx.mask(spec))
        where = [col_pos[c] for c in spec.tickers]
        if where == list(range(len(where))):
            size[t, :, : len(where)] = lag_targets(decided, spec.execution_lag)
        else:
            size[t][:, where] = lag_targets(decided, spec.execution_lag)
        fees[t] = [spec.fee_rate(c) for c in ctx.columns]
        slip[t] = spec.slippage
        cash0[t] = spec.init_cash
        borrow[t] = spec.borrow_bps_annual / 1e4
    close = ctx.prices[list(ctx.columns)].to_numpy(dtype=float)
    agg = _simulate(ctx.engine, close, size, fees, slip, cash0)
    del size
    # aggregates are (k, T); the accounting functions take time first: pass transposed views
    borrow_acc = (borrow[:, None] * ctx.day_frac[None, :]).T
    rets = net_returns(
        agg["value"].T, agg["cash"].T, agg["short"].T, cash0, ctx.cash_accrual, borrow_acc
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        turnover = np.where(agg["traded"] == 0, 0.0, agg["traded"] / (2.0 * agg["value"]))
        gross = agg["gross"] / agg["value"]
    st = summary_stats(rets, turnover=turnover.T, gross=gross.T, n_rebalances=agg["n_trade_bars"])
    table = pd.DataFrame([row for row, _ in trials]).reset_index(drop=True)
    for name in STAT_NAMES:
        table[name] = np.asarray(st[name])
    table["n_rebalances"] = table["n_rebalances"].astype(np.int64)
    return table, np.ascontiguousarray(rets.T)


def _simulate(engine, close, size, fees, slip, cash0) -> dict[str, np.ndarray]:
    if engine == "numba":
        from backtests.engines.nb import simulate_many

        return simulate_many(close, size, fees, slip, cash0)
    if engine == "vectorbt":
        from backtests.engines.vbt import simulate_many

        if np.unique(cash0).size != 1:
            raise ConfigError("engine='vectorbt' sweeps need one `init_cash` for every trial")
        return simulate_many(close, size, fees, slip, float(cash0[0]))
    if engine == "reference":
        return _simulate_reference(close, size, fees, slip, cash0)
    raise ConfigError(f"`engine` must be numba, vectorbt or reference, got {engine!r}")


def _simulate_reference(close, size, fees, slip, cash0) -> dict[str, np.ndarray]:
    from backtests.engines.reference import simulate
    from backtests.engines.simulation import position_values

    k, n_rows = size.shape[0], size.shape[1]
    out = {n: np.zeros((k, n_rows)) for n in ("value", "cash", "short", "gross", "traded")}
    out["n_trade_bars"] = np.zeros(k, dtype=np.int64)
    for t in range(k):
        sim = simulate(close, size[t], fees[t], slip[t], float(cash0[t]))
        pv = position_values(sim, close)
        o = sim.orders
        out["value"][t] = sim.value
        out["cash"][t] = sim.cash
        out["short"][t] = np.maximum(-pv, 0.0).sum(axis=1)
        out["gross"][t] = np.abs(pv).sum(axis=1)
        np.add.at(out["traded"][t], o["idx"], np.abs(o["size"] * o["price"]))
        out["n_trade_bars"][t] = np.unique(o["idx"]).size
    return out


def run_sweep(
    prices: pd.DataFrame | Prices,
    factor_fn: FactorFn,
    grid: Mapping[str, Any],
    cfg: Any,
    *,
    chunk_size: int | None = None,
    engine: SweepEngine = "vectorbt",
    scheduler: Any = None,
    progress: bool | str = False,
    cash_rate: pd.Series | None = None,
    keep_returns: bool = True,
    returns_path: str | Path | None = None,
    moment_blocks: int = 16,
    split: Any = None,
) -> SweepResult:
    """Run every combination of ``grid``; one table row and one return column per trial.

    Parameters
    ----------
    prices : DataFrame or Prices
        Wide adjusted closes (basket members of every trial as columns). A DataFrame is
        checked (:func:`backtests.rotation.prices.check_prices`), a
        :class:`~backtests.rotation.prices.Prices` is trusted.
    factor_fn : callable
        ``factor_fn(zscore_window, change_window) -> Series`` (the caller builds the factor,
        e.g. with ``signals.build_factor``); called once per distinct pair and reindexed to
        ``prices.index``.
    grid : mapping
        Parameter -> list of values (see the module docstring); a ``chunk_size`` key is
        used when the argument is None.
    cfg : Config
        Base configuration: every parameter not in the grid comes from it.
    chunk_size : int, optional, keyword-only
        Trials simulated together (memory ~ chunk_size x days x tickers x 8 bytes); default
        ``grid["chunk_size"]``, else ``cfg.sweep.chunk_size``, else 500.
    engine : {"vectorbt", "numba", "reference"}, keyword-only
        ``numba`` is the fast path for large grids (decisions, simulation and statistics
        in compiled code, see :mod:`backtests.sweep.kernels`); all three agree to 1e-10.
    scheduler : str or distributed.Client, optional, keyword-only
        Run chunks as Dask tasks: ``"local"`` (a 2-worker LocalCluster), a scheduler address,
        or a Client. Dask is imported only then.
    progress : bool or str, keyword-only
        Show progress over chunks (a bar on a terminal, a closing log line elsewhere, see
        :mod:`data.progress`); a string names it (default ``"sweep"``).
    cash_rate : Series, optional, keyword-only
        Annual percent paid on cash (as for :func:`backtests.engines.engine.run_backtest`).

    keep_returns : bool, keyword-only
        Keep the dates x trials returns matrix in memory (``SweepResult.returns``; the
        default, needed by trial dedup, SPA, PBO and DSR on the full matrix). False: only
        the table and the per-block moments are kept, so memory does not grow with the
        trials (numba engine).
    returns_path : str or Path, optional, keyword-only
        Write the returns to this ``.npy`` file (trials x dates, float64) chunk by chunk
        and return them as a read-only memory map (numba engine); memory stays flat.
    moment_blocks : int, keyword-only
        Equal blocks of bars over which count, sum and sum of squares of every trial's
        returns are accumulated (``SweepResult.moments``: CSCV and split Sharpe ratios
        without the returns matrix).
    split : date, optional, keyword-only
        An extra block boundary (e.g. the first held-out date).

    Returns
    -------
    SweepResult

    Timing
    ------
    Each trial's targets are decided at close t from the factor and prices up to t and
    traded at close t + ``execution_lag``.
    """
    checked = as_prices(prices)
    prices, stops = checked.frame, dict(checked.leaves)
    if chunk_size is None:
        chunk_size = grid.get("chunk_size") if isinstance(grid, Mapping) else None
    if chunk_size is None and cfg is not None:
        chunk_size = cfg.sweep.get("chunk_size")
    chunk_size = 500 if chunk_size is None else int(chunk_size)
    if chunk_size < 1:
        raise ConfigError(f"`chunk_size` must be >= 1, got {chunk_size}")
    if engine not in ("numba", "vectorbt", "reference"):
        raise ConfigError(f"`engine` must be numba, vectorbt or reference, got {engine!r}")
    if engine != "numba" and (not keep_returns or returns_path is not None):
        raise ConfigError("`keep_returns=False` and `returns_path` need engine='numba'")
    base = RotationSpec.from_config(cfg) if cfg is not None else RotationSpec()
    trials = expand_grid(grid, cfg)
    check_sweep_fits(trials, prices, engine, chunk_size, keep_returns, returns_path, moment_blocks)
    if engine == "numba":
        values = validated_values(base, trials)  # every trial checked before any work
        tickers = [t for b in ("near", "long") for basket in set(values[b]) for t in basket]
    else:
        rows = trials.to_dict("records")
        specs = [_trial_spec(base, r) for r in rows]  # validates every trial before any work
        tickers = [c for s in specs for c in s.tickers]
    columns: dict[str, None] = {}
    for c in tickers:
        if c not in prices.columns:
            raise DataError(f"sweep basket ticker {c!r} has no price column", source="prices")
        columns[c] = None
    if engine == "numba":  # first-seen order of the trials' tickers, as the other engines
        order = {c: i for i, c in enumerate(dict.fromkeys(_trial_tickers(values)))}
        columns = dict.fromkeys(sorted(columns, key=order.__getitem__))
    factors: dict[tuple[int, int], np.ndarray] = {}
    for zw, cw in trials[list(FACTOR_KEYS)].drop_duplicates().itertuples(index=False):
        f = factor_fn(int(zw), int(cw))
        if not isinstance(f, pd.Series):
            raise DataError(f"factor_fn({zw}, {cw}) must return a Series, got {type(f).__name__}")
        factors[(int(zw), int(cw))] = f.reindex(prices.index).to_numpy(dtype=float)
    cash_acc, _ = carry_accruals(prices.index, base, cash_rate)
    index = prices.index.rename("date")
    trial_ids = pd.Index(trials["trial"].to_numpy(), name="trial")
    grid_used = {c: list(dict.fromkeys(trials[c])) for c in trials.columns if c != "trial"}
    if engine == "numba":
        edges = [] if split is None else [int(index.searchsorted(pd.Timestamp(split)))]
        plan = build_plan(
            prices,
            tuple(columns),
            factors,
            trials,
            base,
            cash_acc,
            day_fractions(prices.index),
            n_blocks=moment_blocks,
            block_edges=edges,
            stops=stops,
        )
        table, returns, moments, n_chunks = run_plan(
            plan,
            trials,
            index,
            trial_ids,
            chunk_size=chunk_size,
            keep_returns=keep_returns,
            returns_path=returns_path,
            scheduler=scheduler,
            progress=progress,
        )
        moments["block_start"] = index[plan.shared["block_start"]]
        log.info("sweep: %d trials in %d chunks (numba)", len(trials), n_chunks)
        return SweepResult(
            table=table,
            returns=returns,
            grid=grid_used,
            engine=engine,
            info={"chunks": n_chunks, "n_days": len(index), "returns_path": returns_path},
            moments=moments,
        )
    ctx = _Context(
        prices=prices,
        columns=tuple(columns),
        factors=factors,
        base=base,
        cash_accrual=cash_acc,
        day_frac=day_fractions(prices.index),
        engine=engine,
        stops=stops,
    )
    pairs = list(zip(rows, specs, strict=True))
    chunks = [pairs[i : i + chunk_size] for i in range(0, len(pairs), chunk_size)]
    parts = _run_chunks(ctx, chunks, scheduler=scheduler, progress=progress)
    table = pd.concat([p[0] for p in parts], ignore_index=True)
    by_trial = parts[0][1] if len(parts) == 1 else np.concatenate([p[1] for p in parts], axis=0)
    returns = pd.DataFrame(by_trial.T, index=index, columns=trial_ids, copy=False)
    log.info("sweep: %d trials in %d chunks (%s)", len(rows), len(chunks), engine)
    return SweepResult(
        table=table,
        returns=returns,
        grid=grid_used,
        engine=engine,
        info={"chunks": len(chunks), "n_days": len(index)},
    )


def _trial_tickers(values: dict[str, np.ndarray]):
    """Tickers in the order the trials first name them (near then long, trial by trial)."""
    seen: dict[tuple, None] = dict.fromkeys(zip(values["near"], values["long"], strict=True))
    for near, long in seen:
        yield from near
        yield from long


def _run_chunks(ctx: _Context, chunks: list, *, scheduler: Any, progress: bool | str) -> list:
    from data.progress import Progress

    desc = progress if isinstance(progress, str) else "sweep"
    bar = Progress(desc, len(chunks), unit="chunk", enabled=bool(progress))
    try:
        if scheduler is None:
            parts = []
            for chunk in chunks:
                parts.append(_run_chunk(ctx, chunk))
                bar.update(1)
            return parts
        client, closers = client_for(scheduler)
        try:
            ctx_future = client.scatter(ctx, broadcast=True)
            futures = [client.submit(_run_chunk, ctx_future, c, pure=False) for c in chunks]
            from distributed import as_completed

            for _ in as_completed(futures):
                bar.update(1)
            return client.gather(futures)
        finally:
            for obj in closers or ():
                obj.close()
    finally:
        bar.close()

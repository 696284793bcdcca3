"""The main job as one function: data -> factor -> rotation -> benchmarks -> sweep -> inference.

:func:`run_pipeline` is what ``scarcity report`` and the research notebooks call. It holds no
statistics or accounting of its own: it wires the public functions of ``data``, ``signals``
and ``backtests`` together in the order a researcher would, keeping the held-out tail
(``run.oos_start``) out of every tuning step.

Timing
------
The factor at close t uses only data public at t (``signals``); target weights decided at
close t trade at close t + ``execution_lag`` (``backtests.engines.engine``, the one place the lag is
applied). Sweeps, deflation, PBO and walk-forward see only dates before ``oos_start``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from backtests.ablation import run_ablation
from backtests.assess import Assessment, assess, factor_variant_sharpes  # noqa: F401 (public re-export)
from backtests.benchmarks import run_benchmarks
from backtests.engines.engine import run_backtest
from backtests.engines.result import BacktestResult
from backtests.inference import (
    InferenceReport,
    deflated_sharpe,
    pbo,
    walk_forward,
)
from backtests.inference.samples import split_samples
from backtests.rotation.spec import RotationSpec
from backtests.rotation.targets import target_weights
from backtests.stats import sharpe as sharpe_ratio
from backtests.sweep.core import SweepResult, run_sweep
from backtests.universes import run_universe_grid
from data.assemble import basket_members
from data.calendar import fresh_end
from data.config import Config
from data.errors import DataError
from data.loaders import MarketData, load_market
from signals import build_factor
from signals.diagnostics import event_study, predictive_regression

log = logging.getLogger(__name__)

Stage = Callable[[str], None]
COST_MULTIPLES = (1.0, 2.0, 5.0)
COST_FIELDS = ("equity_bps", "crypto_bps", "slippage_bps", "borrow_bps_annual")


@dataclass
class PipelineResult:
    """Everything one run produced, ready for :func:`backtests.report.write_report`.

    Attributes
    ----------
    cfg : Config
        The configuration used.
    market : MarketData
        The canonical tables, their source and provenance.
    factor : signals.composite.FactorResult
        Factor, regime, components, events.
    spec : RotationSpec
        The default rotation.
    backtest : BacktestResult
        The default rotation's result over the backtest period.
    benchmarks : dict of str to BacktestResult
        Always-near, always-long, 50/50, SPY, QQQ (those with data).
    spread : pandas.Series
        Daily near-minus-long basket return (always-near minus always-long).
    predictive, events : object
        Signal diagnostics (predictive regressions, event study).
    sweep : SweepResult or None
        The in-sample sweep (dates before ``oos_start``).
    inference : InferenceReport
        Benchmark-relative HAC alpha, Sharpe CI, deflated Sharpe, PBO, placebo,
        walk-forward, held-out tail (on active returns against ``inference.benchmark``).
    assessment : Assessment, optional
        Samples, per-sample statistics, in-sample predictive regressions, trial counts,
        SPA and StepM (:func:`backtests.assess.assess`).
    start_note : str
        Why the backtest starts where it does (``run.start`` or the factor's first date).
    """

    cfg: Config
    market: MarketData
    factor: Any
    spec: RotationSpec
    backtest: BacktestResult
    benchmarks: dict[str, BacktestResult]
    spread: pd.Series
    predictive: Any
    events: Any
    sweep: SweepResult | None
    inference: InferenceReport
    assessment: Assessment | None = None
    start_note: str = ""
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def synthetic(self) -> bool:
        """True when the run used the synthetic market."""
        return bool(self.market.synthetic)

    def summary(self) -> str:
        """One screen of text: data, factor, strategy, inference."""
        lines = []
        if self.synthetic:
            lines.append("*** SYNTHETIC DATA: simulated market, not real history ***")
        idx = self.backtest.returns.index
        lines.append(
            f"data: {self.market.source}  period: {idx[0].date()} .. {idx[-1].date()}"
            f"  ({len(idx)} business days)"
        )
        st = self.backtest.stats()
        lines.append(
            f"strategy ({self.spec.rule}, {self.spec.rebalance}): total {st['total_return']:+.1%}"
            f"  CAGR {st['cagr']:+.1%}  Sharpe {st['sharpe']:.2f}  maxDD {st['max_drawdown']:.1%}"
        )
        if self.start_note:
            lines.append(self.start_note)
        if self.assessment is not None:
            lines.append(str(self.assessment.summary()))
        else:
            lines.append(str(self.inference.summary()))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def _noop(_: str) -> None:
    return None


def backtest_window(
    prices: pd.DataFrame, cfg: Config, factor: pd.Series | None = None
) -> pd.DataFrame:
    """Prices restricted to ``[run.start, run.end]`` (end empty: the last date).

    When ``factor`` is given the window starts no earlier than its first defined date, so a
    strategy is never scored over days on which it had no signal.
    """
    start = pd.Timestamp(cfg.run.start)
    if factor is not None:
        first = factor.first_valid_index()
        if first is None:
            raise DataError("the factor is not defined on any date", source="signals")
        start = max(start, pd.Timestamp(first))
    end = pd.Timestamp(cfg.run.end) if cfg.run.end else prices.index[-1]
    fresh = fresh_end(prices, basket_members(cfg))[0]  # stale tails end the period
    end = min(end, fresh) if fresh is not None else end
    out = prices.loc[start:end]
    if len(out) < 30:
        raise DataError(
            f"only {len(out)} business days of prices between {start.date()} and {end.date()}",
            source="run.start/run.end",
        )
    return out


def start_note(cfg: Config, factor: pd.Series, prices: pd.DataFrame) -> str:
    """Say why the backtest starts on its first date (``run.start`` or a later one)."""
    asked = pd.Timestamp(cfg.run.start)
    first = prices.index[0]
    fac_first = factor.first_valid_index()
    if fac_first is not None and pd.Timestamp(fac_first) >= first and first > asked:
        return (
            f"backtest starts on {first.date()}, not run.start = {asked.date()}: the factor "
            f"is first defined then (each component needs factor.min_periods of history)"
        )
    if first - asked <= pd.Timedelta(days=7):
        return f"backtest starts on {first.date()}, the first trading day from run.start"
    return f"backtest starts on {first.date()}, not run.start = {asked.date()}: no prices earlier"


def cash_rate_series(market: MarketData, cfg: Config, index: pd.DatetimeIndex) -> pd.Series | None:
    """Return the configured cash rate (annual percent) known at each date, or None."""
    from data.pit import cash_rate_known_at  # DFF, then EFFR or IORB when it is stale

    return cash_rate_known_at(market.macro, cfg, index)[0]


def spread_returns(benchmarks: dict[str, BacktestResult]) -> pd.Series:
    """Near-minus-long basket daily return from the always-near and always-long benchmarks."""
    return (benchmarks["always_near"].returns - benchmarks["always_long"].returns).rename("spread")


def factor_function(
    market: MarketData, cfg: Config, *, default: pd.Series | None = None
) -> Callable[[int, int], pd.Series]:
    """Return a cached ``(zscore_window, change_window) -> factor`` callable for sweeps.

    ``default``, when given, is the factor already built with ``cfg``'s own windows; it
    seeds the cache so that factor is not built again.
    """
    cache: dict[tuple[int, int], pd.Series] = {}
    if default is not None:
        cache[(int(cfg.factor.zscore_window), int(cfg.factor.change_window))] = default

    def factor_fn(zscore_window: int, change_window: int) -> pd.Series:
        key = (int(zscore_window), int(change_window))
        if key not in cache:
            alt = cfg.replace(factor={"zscore_window": key[0], "change_window": key[1]})
            cache[key] = build_factor(market, alt).factor
        return cache[key]

    return factor_fn


def run_sweep_for(
    cfg: Config,
    market: MarketData,
    *,
    prices: pd.DataFrame | None = None,
    cash_rate: pd.Series | None = None,
    grid_path: str | None = None,
    chunk_size: int | None = None,
    scheduler: str | None = None,
    progress: bool = False,
    factor: pd.Series | None = None,
    returns_path: str | None = None,
) -> SweepResult:
    """Run the configured (or a TOML file's) grid on the in-sample window, before ``oos_start``.

    Parameters
    ----------
    cfg : Config
        Configuration; ``[sweep]`` is the default grid.
    market : MarketData
        Loaded tables.
    prices : DataFrame, optional
        Prices to sweep over (default: the backtest window before ``run.oos_start``).
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

    Returns
    -------
    SweepResult
    """
    from backtests.sweep.core import load_grid

    factor_fn = factor_function(market, cfg, default=factor)
    if prices is None:
        default = factor_fn(int(cfg.factor.zscore_window), int(cfg.factor.change_window))
        window = backtest_window(market.prices, cfg, default)
        prices = window.loc[: pd.Timestamp(cfg.run.oos_start) - pd.Timedelta(days=1)]
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


def run_pipeline(
    cfg: Config,
    *,
    source: str = "auto",
    mirror: str | None = None,
    market: MarketData | None = None,
    with_sweep: bool = True,
    with_ablation: bool = True,
    with_universes: bool = True,
    stage: Stage = _noop,
    progress: bool = False,
) -> PipelineResult:
    """Run the whole study once.

    Parameters
    ----------
    cfg : Config
        Configuration (``data.config.load_config``).
    source : {"auto", "live", "mirror", "synthetic", "cache"}
        Where the data comes from (see ``data.loaders.load_market``).
    mirror : str, optional
        Mirror directory for ``source="mirror"`` or ``"auto"``.
    market : MarketData, optional
        Already loaded tables (skips loading).
    with_sweep : bool
        Run the parameter sweep (needed for deflated Sharpe, PBO and walk-forward).
    with_ablation : bool
        Run the ablation variants (:mod:`backtests.ablation`; counted as trials).
    with_universes : bool
        Run the universe robustness grid (:mod:`backtests.universes`; counted as trials).
    stage : callable, optional
        Called with the name of each stage as it starts (the CLI drives a progress bar).
    progress : bool
        Progress over the sweep's chunks: a bar on a terminal, one log line elsewhere
        (:mod:`data.progress`; bootstrap and placebo draws follow
        :func:`data.progress.showing_progress`).

    Returns
    -------
    PipelineResult
    """
    stage("data")
    if market is None:
        market = load_market(cfg, source=source, mirror=mirror)
    stage("signal")
    factor = build_factor(market, cfg)
    prices = backtest_window(market.prices, cfg, factor.factor)
    fac = factor.factor.reindex(prices.index)
    spec = RotationSpec.from_config(cfg)
    cash = cash_rate_series(market, cfg, prices.index)

    stage("backtest")
    targets = target_weights(fac, prices, spec)
    result = run_backtest(prices, targets, spec, engine="vectorbt", cash_rate=cash)
    benches = run_benchmarks(prices, spec, cfg, cash_rate=cash)
    spread = spread_returns(benches)
    inf = cfg.inference
    predictive = predictive_regression(
        spread, fac, horizons=tuple(inf.horizons), lags=int(inf.hac_lags) or None
    )
    events = event_study(spread, factor.events, window=tuple(inf.event_window))

    oos_start = pd.Timestamp(cfg.run.oos_start)
    is_prices = prices.loc[: oos_start - pd.Timedelta(days=1)]
    sweep: SweepResult | None = None
    if with_sweep:
        stage("sweep")
        sweep = run_sweep_for(
            cfg, market, prices=is_prices, cash_rate=cash, factor=factor.factor, progress=progress
        )

    ablation = None
    if with_ablation:
        stage("ablation")
        bench = benches.get(str(inf.get("benchmark", "fifty_fifty")))
        if bench is not None:
            samples = split_samples(prices.index, oos_start, cfg.run.registered)
            ablation = run_ablation(
                market, cfg, factor, prices, bench.returns, spread, samples, cash
            )
    universes = None
    if with_universes:
        stage("universes")
        samples = split_samples(prices.index, oos_start, cfg.run.registered)
        universes = run_universe_grid(cfg, fac, prices, spec, samples, cash, benches)
    stage("inference")
    assessment = assess(
        cfg,
        result,
        benches,
        fac,
        spread,
        prices,
        spec,
        cash,
        sweep,
        extra_trials=(ablation.n_trials if ablation is not None else 0)
        + (universes.n_trials if universes is not None else 0),
    )
    costs = {1.0: result}
    for mult in COST_MULTIPLES[1:]:
        costly = spec.replace(**{k: getattr(spec, k) * mult for k in COST_FIELDS})
        costs[mult] = run_backtest(prices, targets, costly, engine="vectorbt", cash_rate=cash)
    return PipelineResult(
        cfg=cfg,
        market=market,
        factor=factor,
        spec=spec,
        backtest=result,
        benchmarks=benches,
        spread=spread,
        predictive=predictive,
        events=events,
        sweep=sweep,
        inference=assessment.report,
        assessment=assessment,
        start_note=start_note(cfg, factor.factor, prices),
        extras={"ablation": ablation, "universes": universes, "costs": costs, "prices": prices},
    )


def run_rotation(
    cfg: Config, market: MarketData, *, engine: Literal["vectorbt", "reference"] = "vectorbt"
) -> BacktestResult:
    """Run the configured rotation alone (no benchmarks, no inference) with a chosen engine.

    The same factor, window, spec and cash rate as :func:`run_pipeline`; used by
    ``scarcity backtest``.

    Parameters
    ----------
    cfg : Config
        Configuration.
    market : MarketData
        Loaded tables.
    engine : {"vectorbt", "reference"}, keyword-only
        Simulation engine (the two agree to 1e-10 on daily returns).

    Returns
    -------
    BacktestResult
    """
    factor = build_factor(market, cfg)
    prices = backtest_window(market.prices, cfg, factor.factor)
    fac = factor.factor.reindex(prices.index)
    spec = RotationSpec.from_config(cfg)
    cash = cash_rate_series(market, cfg, prices.index)
    return run_backtest(
        prices, target_weights(fac, prices, spec), spec, engine=engine, cash_rate=cash
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

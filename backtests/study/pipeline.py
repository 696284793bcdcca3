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
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import pandas as pd

from backtests.engines.engine import Engine, run_backtest
from backtests.engines.result import BacktestResult
from backtests.inference import (
    InferenceReport,
)
from backtests.inference.samples import split_samples
from backtests.rotation.spec import RotationSpec
from backtests.rotation.targets import target_weights
from backtests.study.ablation import run_ablation, variant_factors
from backtests.study.assess import Assessment, assess
from backtests.study.benchmarks import run_benchmarks
from backtests.study.competing import N_TRIALS as N_TREND_TRIALS
from backtests.study.competing import french_for, run_competing, trend_active
from backtests.study.forecasts import run_forecasts
from backtests.study.mechanism import main_mechanism, mechanism_enabled
from backtests.study.sweep import grid_factors, run_sweep_for
from backtests.study.universes import run_universe_grid
from backtests.study.variants import factor_variant_sharpes  # noqa: F401 (public re-export)
from backtests.study.window import (
    backtest_window,
    cash_rate_series,
    spread_returns,
    start_note,
    window_prices,
)
from backtests.sweep.core import SweepResult
from data.background import Background
from data.config import Config
from data.loaders import MarketData, load_market
from data.registration import registered_date
from signals import build_factor
from signals.diagnostics import event_study, predictive_regression

log = logging.getLogger(__name__)

Stage = Callable[[str], None]
COST_MULTIPLES = (1.0, 2.0, 5.0)
COST_FIELDS = ("equity_bps", "crypto_bps", "slippage_bps", "borrow_bps_annual")
# The report's backtests (strategy, benchmarks, cost multiples): the reference engine gives
# vectorbt's numbers bit for bit here (tests/backtests/study/test_pipeline.py) without
# importing vectorbt (about 3 s of a warm report).
ENGINE: Engine = "reference"


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
        SPA and StepM (:func:`backtests.study.assess.assess`).
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


def run_pipeline(
    cfg: Config,
    *,
    source: str = "auto",
    mirror: str | None = None,
    market: MarketData | Callable[[], MarketData] | None = None,
    with_sweep: bool = True,
    with_ablation: bool = True,
    with_universes: bool = True,
    stage: Stage = _noop,
    progress: bool = False,
    on_partial: Callable[[PipelineResult], Any] | None = None,
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
    market : MarketData or callable, optional
        Already loaded tables (skips loading), or a callable returning them, called at the
        data stage (``scarcity report`` passes a background load's ``result``).
    with_sweep : bool
        Run the parameter sweep (needed for deflated Sharpe, PBO and walk-forward).
    with_ablation : bool
        Run the ablation variants (:mod:`backtests.study.ablation`; counted as trials).
    with_universes : bool
        Run the universe robustness grid (:mod:`backtests.study.universes`; counted as trials).
    stage : callable, optional
        Called with the name of each stage as it starts (the CLI drives a progress bar).
    progress : bool
        Progress over the sweep's chunks: a bar on a terminal, one log line elsewhere
        (:mod:`data.progress`; bootstrap and placebo draws follow
        :func:`data.progress.showing_progress`).
    on_partial : callable, optional
        Called with a partial result as soon as figures can be drawn from it, twice: after
        the sweep (data, factor, spec, backtest, benchmarks, spread, predictive, events and
        sweep are final; ``inference`` and ``assessment`` are None and ``extras`` is empty),
        then after the forecasts stage (run before the ablation, whose numbers do not
        depend on the order) with ``extras`` holding ``forecasts`` and ``mechanism``.
        ``scarcity report`` draws the report's figures from them in background processes
        while the study goes on (:class:`backtests.report.figure_jobs.FigureJob`); the
        callback must not change them.

    Returns
    -------
    PipelineResult

    Notes
    -----
    Two pieces run in forked children (:class:`data.background.Background`; in this process
    where forking is unavailable) while this process goes on: the sweep's factors for its
    other window pairs (:func:`backtests.study.sweep.grid_factors`, from the signal stage,
    collected by the sweep) and the mechanism study (:mod:`backtests.study.mechanism`: the
    factor, the macro table and the spread; from the end of the backtest stage, collected
    after the forecasts). Their numbers do not depend on where they ran.
    """
    stage("data")
    if callable(market):
        market = market()
    if market is None:
        market = load_market(cfg, source=source, mirror=mirror)
    stage("signal")
    factor = build_factor(market, cfg)
    factors_job = (  # the sweep's other factor windows, built while the backtest stage runs
        Background(grid_factors, market, cfg, factor.factor, name="sweep factors")
        if with_sweep
        else None
    )
    prices = backtest_window(market.prices, cfg, factor.factor)
    checked = window_prices(prices, cfg)  # the one price check of the run: every step trusts it
    fac = factor.factor.reindex(prices.index)
    spec = RotationSpec.from_config(cfg)
    cash = cash_rate_series(market, cfg, prices.index)

    stage("backtest")
    targets = target_weights(fac, checked, spec)
    result = run_backtest(checked, targets, spec, engine=ENGINE, cash_rate=cash)
    benches = run_benchmarks(checked, spec, cfg, engine=ENGINE, cash_rate=cash)
    spread = spread_returns(benches)
    inf = cfg.inference
    predictive = predictive_regression(
        spread, fac, horizons=tuple(inf.horizons), lags=int(inf.hac_lags) or None
    )
    events = event_study(spread, factor.events, window=tuple(inf.event_window))
    mech_job = (  # the thesis's links, month by month (signals.mechanism); trades nothing
        Background(main_mechanism, cfg, factor, market, spread, name="mechanism study")
        if mechanism_enabled(cfg)
        else None
    )

    oos_start = pd.Timestamp(cfg.run.oos_start)
    is_prices = checked.between(end=oos_start - pd.Timedelta(days=1))
    sweep: SweepResult | None = None
    if with_sweep:
        stage("sweep")
        sweep = run_sweep_for(
            cfg, market, prices=is_prices, cash_rate=cash, factor=factor.factor,
            progress=progress, factors=factors_job.result() if factors_job else None,
        )  # fmt: skip

    partial = PipelineResult(
        cfg=cfg, market=market, factor=factor, spec=spec, backtest=result, benchmarks=benches,
        spread=spread, predictive=predictive, events=events, sweep=sweep, inference=None,
        start_note=start_note(cfg, factor.factor, prices),
    )  # fmt: skip
    if on_partial is not None:
        on_partial(partial)
    samples = split_samples(prices.index, oos_start, registered_date(cfg, prices.index))
    stage("forecasts")  # out-of-sample forecasts against the historical mean
    variants = variant_factors(cfg, factor)  # also the ablation's
    forecasts = run_forecasts(cfg, {k: v[0] for k, v in variants.items()}, spread, samples)
    mechanism = mech_job.result() if mech_job is not None else None
    if on_partial is not None:  # the forecasts and the mechanism study are final too
        on_partial(replace(partial, extras={"forecasts": forecasts, "mechanism": mechanism}))
    ablation = None
    if with_ablation:
        stage("ablation")
        bench = benches.get(str(inf.get("benchmark", "fifty_fifty")))
        if bench is not None:
            ablation = run_ablation(
                cfg, factor, checked, bench.returns, spread, samples, cash, variants=variants
            )
    universes = None
    if with_universes:
        stage("universes")
        universes = run_universe_grid(cfg, fac, checked, spec, samples, cash, benches)
    stage("competing")  # rivals of the factor; the trend rotation is one more trial
    bench_c = benches.get(str(inf.get("benchmark", "fifty_fifty")))
    competing = None
    if bench_c is not None:
        competing = run_competing(
            cfg, fac, spread, samples, prices=checked, cash=cash, strategy=result.returns,
            benchmark=bench_c.returns, dgs10=market.macro.get("DGS10"),
            french=french_for(market, cfg, mirror),
        )  # fmt: skip
    stage("inference")
    assessment = assess(
        cfg,
        result,
        benches,
        fac,
        spread,
        checked,
        spec,
        cash,
        sweep,
        extra_trials=(ablation.n_trials if ablation is not None else 0)
        + (universes.n_trials if universes is not None else 0)
        + (N_TREND_TRIALS if competing is not None else 0),
        extra_active={
            "ablation": getattr(ablation, "active", None),
            "universe": getattr(universes, "active", None),
            "competing": trend_active(competing, bench_c),
        },
        known_placebos={"in_sample": getattr(ablation, "composite_placebo", None)},
    )
    costs = {1.0: result}
    for mult in COST_MULTIPLES[1:]:
        costly = spec.replace(**{k: getattr(spec, k) * mult for k in COST_FIELDS})
        costs[mult] = run_backtest(checked, targets, costly, engine=ENGINE, cash_rate=cash)
    if mech_job is not None:
        stage("mechanism")  # collected after the forecasts (above)
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
        extras={
            "ablation": ablation,
            "universes": universes,
            "costs": costs,
            "prices": prices,
            "mechanism": mechanism,
            "forecasts": forecasts,
            "competing": competing,
        },
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
    prices = window_prices(backtest_window(market.prices, cfg, factor.factor), cfg)
    fac = factor.factor.reindex(prices.index)
    spec = RotationSpec.from_config(cfg)
    cash = cash_rate_series(market, cfg, prices.index)
    return run_backtest(
        prices, target_weights(fac, prices, spec), spec, engine=engine, cash_rate=cash
    )

"""The pipeline's inference stage: benchmark-relative tests, per sample, with honest trials.

:func:`assess` takes the default rotation, its benchmarks, the factor and the in-sample
sweep and returns an :class:`Assessment`: the :class:`~backtests.inference.InferenceReport`
(its ``metrics.json`` block) computed on **active returns** against ``inference.benchmark``,
the per-sample blocks (``samples``), the robust predictive regressions on the in-sample
window, the trial counts and the data-snooping tests over the sweep.

Timing
------
Everything that tunes or selects (sweep, deflation, PBO, SPA/StepM, walk-forward, the
headline predictive test) sees only dates before ``run.oos_start``. The placebo of a sample
shifts the factor within that sample only, so no held-out factor value enters the
in-sample placebo.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from backtests.engines.result import BacktestResult
from backtests.inference import (
    InferenceReport,
    hac_alpha,
    held_out,
    placebo_test_vectorized,
    sharpe_ci,
    tstat_hurdle,
)
from backtests.inference.samples import Sample, split_samples
from backtests.rotation.prices import Prices, as_prices
from backtests.rotation.spec import RotationSpec
from backtests.study.evidence import active_returns, sample_blocks
from backtests.study.trial_set import (  # noqa: F401 (grid_trial_count, selection_tests: re-exported)
    grid_trial_count,
    selection_tests,
    trial_inference,
)
from backtests.study.variants import factor_variant_sharpes
from backtests.sweep.core import SweepResult
from data.config import Config
from data.errors import ConfigError, DataError
from data.registration import registered_date
from signals.diagnostics import predictive_regression

log = logging.getLogger(__name__)

HEADLINE_TEST = "one-sided IVX Wald test (Kostakis, Magdalinos & Stamatogiannis 2015)"


def predictive_headline(pred: Any, horizon: int) -> tuple[float | None, str]:
    """Return the headline predictive p-value at ``horizon`` (None if undefined) and its test."""
    p = pred.headline_pvalue(horizon)
    return (None if not np.isfinite(p) else float(p)), HEADLINE_TEST


@dataclass
class Assessment:
    """The inference stage's results (see the module docstring).

    Attributes
    ----------
    report : InferenceReport
        Benchmark-relative inference (``metrics.json`` ``inference`` block).
    benchmark : str
        The declared benchmark's name.
    samples : dict of str to Sample
        The four samples.
    sample_metrics : dict
        ``metrics.json`` ``samples`` block.
    predictive_in_sample : PredictiveResult
        Predictive regressions of the spread on the factor before ``run.oos_start``.
    placebos : dict of str to PlaceboResult
        Per-sample placebo tests (samples too short for one are absent).
    extras : dict
        ``trials``, ``spa``, ``stepm``, ``deflated_best``, ``hurdle_raw``, ``start_note``.
    """

    report: InferenceReport
    benchmark: str
    samples: dict[str, Sample]
    sample_metrics: dict[str, dict[str, Any]]
    predictive_in_sample: Any
    placebos: dict[str, Any] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> str:
        """Several lines: samples with the active Sharpe difference, then the report."""
        lines = [f"benchmark-relative inference against {self.benchmark}:"]
        for name, smp in self.samples.items():
            blk = self.sample_metrics[name]
            diff = blk["active"].get("sharpe_diff")
            pl = blk.get("placebo_pvalue")
            lines.append(
                f"  {smp.summary()}; Sharpe difference "
                f"{'n/a' if diff is None else format(diff, '+.2f')}, placebo p "
                f"{'n/a' if pl is None else format(pl, '.3f')}"
            )
        lines.append(str(self.report.summary()))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def _placebo_for(
    cfg: Config,
    fac: pd.Series,
    prices: Prices,
    cash: pd.Series | None,
    bench: pd.Series,
    store: dict[str, Any],
    known: dict[str, Any] | None = None,
):
    inf = cfg.inference

    def run(smp: Sample) -> float | None:
        if known and known.get(smp.name) is not None:  # computed already (the ablation's)
            store[smp.name] = known[smp.name]
            return float(known[smp.name].pvalue)
        p = prices.take(smp)
        f = smp.take(fac)
        b = smp.take(bench)
        c = None if cash is None else smp.take(cash)
        try:
            res = placebo_test_vectorized(
                lambda frames: factor_variant_sharpes(frames, p, cfg, c, benchmark=b),
                f,
                reps=int(inf.placebo_reps),
                method=inf.placebo_method,
                block=int(inf.get("placebo_block", 21)),
                min_shift=int(inf.get("placebo_min_shift", 63)),
                seed=int(inf.seed),
            )
        except (DataError, ValueError) as exc:
            log.info("placebo on %s not computed: %s", smp.name, exc)
            return None
        store[smp.name] = res
        return float(res.pvalue)

    return run


def _held_out_active(block: dict[str, Any]) -> dict[str, Any]:
    """Return the held-out sample's dates and active Sharpe (the console's held-out line)."""
    act = block["active"]
    keep = ("start", "end", "n_days")
    return {
        **{k: block[k] for k in keep},
        "sharpe": act["sharpe"],
        "sharpe_diff": act["sharpe_diff"],
    }


def assess(
    cfg: Config,
    result: BacktestResult,
    benches: dict[str, BacktestResult],
    fac: pd.Series,
    spread: pd.Series,
    prices: pd.DataFrame | Prices,
    spec: RotationSpec,
    cash: pd.Series | None,
    sweep: SweepResult | None,
    *,
    extra_trials: int = 0,
    extra_active: dict[str, pd.DataFrame | None] | None = None,
    known_placebos: dict[str, Any] | None = None,
) -> Assessment:
    """Run the benchmark-relative inference of one pipeline run.

    Parameters
    ----------
    cfg : Config
        ``[inference]``, ``[run]`` (``oos_start``, ``registered``).
    result : BacktestResult
        The default rotation over the backtest window.
    benches : dict of str to BacktestResult
        Benchmarks over the same window; ``inference.benchmark`` names the declared one.
    fac : Series
        The factor on the backtest dates.
    spread : Series
        Near-minus-long daily spread return (the predictive regressions' target).
    prices : DataFrame or Prices
        Backtest prices (a DataFrame is checked once here; the placebos reuse the check).
    spec : RotationSpec
        The default rotation.
    cash : Series or None
        Cash rate known at each date.
    sweep : SweepResult or None
        The in-sample sweep.
    extra_trials : int, keyword-only
        Further variants tried outside the sweep (ablations, universes): added to the raw
        trial count.
    extra_active : dict of str to DataFrame, keyword-only, optional
        Their daily active returns by group: they join the sweep's trials in the effective
        count, the deflation, SPA, StepM and PBO (:mod:`backtests.study.trial_set`).
    known_placebos : dict of str to PlaceboResult, keyword-only, optional
        Placebo results by sample name computed already with exactly these inputs (the
        pipeline passes the ablation's composite in-sample placebo); not run again.

    Returns
    -------
    Assessment

    Raises
    ------
    ConfigError
        When ``inference.benchmark`` is not a benchmark of this run.
    """
    inf = cfg.inference
    name = str(inf.get("benchmark", "fifty_fifty"))
    if name not in benches:
        raise ConfigError(
            f"[inference] benchmark = {name!r} is not a benchmark of this run; "
            f"choose one of {sorted(benches)}"
        )
    bench, prices = benches[name], as_prices(prices)
    oos_start = pd.Timestamp(cfg.run.oos_start)
    samples = split_samples(prices.index, oos_start, registered_date(cfg, prices.index))
    lags = int(inf.hac_lags) or None
    level = float(inf.get("ci_level", 0.95))
    block = float(inf.get("bootstrap_block_length", 0.0)) or None
    seed = int(inf.seed)
    rets = result.returns
    active = active_returns(rets, bench.returns)

    placebos: dict[str, Any] = {}
    sample_metrics = sample_blocks(
        result,
        bench,
        samples,
        placebo=_placebo_for(cfg, fac, prices, cash, bench.returns, placebos, known_placebos),
        reps=int(inf.bootstrap_reps),
        level=level,
        block_length=block,
        hac_lags=lags,
        seed=seed,
    )
    ins = samples["in_sample"]
    horizons = tuple(int(h) for h in inf.horizons)
    predictive_is = predictive_regression(
        ins.take(spread), ins.take(fac), horizons=horizons, lags=lags
    )
    alpha = hac_alpha(active, bench.returns.rename(name).to_frame(), lags=lags)
    ci = sharpe_ci(active, reps=int(inf.bootstrap_reps), seed=seed, level=level, block_length=block)
    trials = trial_inference(
        sweep, cfg, ins.take(bench.returns), ins.take(rets), oos_start, extra_trials, extra_active
    )
    hurdle_alpha = float(inf.get("hurdle_alpha", 0.05))
    method = str(inf.get("hurdle_method", "bonferroni"))
    hurdle = tstat_hurdle(trials["n_hurdle"], alpha=hurdle_alpha, method=method)
    hurdle_raw = tstat_hurdle(int(trials["trials"]["raw"]), alpha=hurdle_alpha, method=method)
    report = InferenceReport(
        alpha=alpha,
        sharpe_ci=ci,
        deflated=trials["deflated"],
        pbo=trials["pbo"],
        placebo=placebos.get("in_sample"),
        walkforward=trials["walkforward"],
        held_out=held_out(rets, oos_start),
        hurdle=hurdle,
        n_trials=int(trials["trials"]["raw"]),
        hurdle_trials=trials["n_hurdle"],
        in_sample=sample_metrics["in_sample"]["active"],
        held_out_active=_held_out_active(sample_metrics["held_out"]),
    )
    extras = {
        "trials": trials["trials"],
        "trials_note": trials.get("trials_note"),
        "trial_count": trials.get("trial_count"),
        "null_count": trials.get("null_count"),
        "spa": trials["spa"],
        "stepm": trials["stepm"],
        "deflated_best": trials["deflated_best"],
        "hurdle_raw": hurdle_raw,
        "n_hurdle": trials["n_hurdle"],
    }
    return Assessment(
        report=report,
        benchmark=name,
        samples=samples,
        sample_metrics=sample_metrics,
        predictive_in_sample=predictive_is,
        placebos=placebos,
        extras=extras,
    )

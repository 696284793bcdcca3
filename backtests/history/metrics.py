"""``metrics.json`` of the long-history study: the main report's contract for spread targets.

The same benchmark-relative inference as the main report (:mod:`backtests.study.assess`), with the
static spread as the benchmark: per-sample blocks (:func:`backtests.study.evidence.sample_blocks`),
robust predictive regressions, HAC alpha and a bootstrap Sharpe interval of the active
return, the trials (every target x off-position variant and the ablation variants) with their
raw, distinct and effective counts, the deflated Sharpe, PBO, walk-forward, Hansen's SPA and
Romano-Wolf StepM, the multiple-testing t-hurdle, then the verdict of the ``[verdict]`` rule.
The PM keys of the main report (``now``, ``calendar_years``, ``ablation``) are filled for
the spread, so the file validates against the same ``schema.json``.

Timing
------
Everything is computed from the returns of :func:`backtests.history.run.run_history`, whose
factor at close t uses only FRED-MD/QD values released by t (configured lags).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from backtests.engines.stats import sharpe as sharpe_ratio
from backtests.engines.stats import sharpe_or_none
from backtests.history.episodes import episodes
from backtests.history.result import HistoryResult
from backtests.history.spreads import run_spread, spread_strategy_returns
from backtests.inference import (
    InferenceReport,
    count_trials,
    deflated_sharpe,
    hac_alpha,
    held_out,
    sharpe_ci,
    tstat_hurdle,
)
from backtests.inference.samples import split_samples
from backtests.inference.trial_null import null_trial_count
from backtests.inference.verdict import decide_verdict
from backtests.report.metrics_mechanism import mechanism_block
from backtests.rotation.rules import rebalance_mask
from backtests.rotation.spec import RotationSpec
from backtests.study.ablation import nested_block
from backtests.study.assess import selection_tests
from backtests.study.evidence import active_returns, sample_blocks
from backtests.study.forecasts import run_forecasts
from backtests.study.trial_set import NULL_SIMS
from data.config import Config
from data.registration import read_registration, registered_date
from signals.composite import reweight
from signals.diagnostics import persistence, predictive_regression
from signals.macro import component_specs

log = logging.getLogger(__name__)


def _placebo(fac: pd.Series, spread: pd.Series, spec: RotationSpec, cfg: Config):
    """Sample -> p-value of the active Sharpe against circularly shifted factors.

    The returned function takes ``(sample)``, or ``(sample, other)`` for the placebo of
    another factor (an ablation variant) on the same spread.
    """
    inf = cfg.inference
    reps = int(inf.placebo_reps)
    min_shift = int(inf.get("placebo_min_shift", 63))
    off = str(cfg.targets.off_position)
    cost = float(cfg.targets.cost_bps)

    def pvalue(smp, other: pd.Series | None = None) -> float | None:
        f = smp.take(fac if other is None else other)
        s = smp.take(spread)
        n = len(f)
        if n < 2 * min_shift + 2:
            return None
        sv = s.fillna(0.0).to_numpy()
        vals = f.to_numpy(dtype=float)
        mask = rebalance_mask(pd.DatetimeIndex(f.index), spec.rebalance)

        def active_sharpe(x: np.ndarray) -> float:
            r = spread_strategy_returns(sv, x, f.index, spec, off=off, cost_bps=cost, mask=mask)
            return float(sharpe_ratio(r - sv))

        real = active_sharpe(vals)
        rng = np.random.default_rng(int(inf.seed))
        shifts = rng.integers(min_shift, n - min_shift, size=reps)
        null = np.array([active_sharpe(np.roll(vals, int(sh))) for sh in shifts])
        return float((1 + np.sum(null >= real)) / (1 + reps))

    return pvalue


def _predictive(spread: pd.Series, fac: pd.Series, cfg: Config, sample) -> dict[str, Any]:
    from backtests.study.assess import predictive_headline

    horizons = tuple(int(h) for h in cfg.inference.horizons)
    pred = predictive_regression(sample.take(spread), sample.take(fac), horizons=horizons)
    h = int(cfg.inference.get("headline_horizon", 21))
    p, test = predictive_headline(pred, h)
    rows = pred.rows()
    head = next((r for r in rows if r["horizon"] == h), {})
    return {
        "rows": rows,
        "pvalue": p,
        "test": test,
        "beta": head.get("beta"),
        "tstat": head.get("tstat_nw"),
    }


def _ablation(
    res: HistoryResult, spec: RotationSpec, samples
) -> tuple[list[dict[str, Any]], dict[str, pd.Series]]:
    """Rebuild the factor per block and without capex demand: does capex add anything.

    Each row has the main report's ablation keys (``name, components,
    in_sample_active_sharpe, held_out_active_sharpe, predictive_pvalue, placebo_pvalue``,
    all in-sample but the held-out Sharpe) and, per half, ``{active_sharpe,
    predictive_tstat, predictive_pvalue}`` under ``in_sample`` and ``held_out``. Also returns
    each variant's factor (name -> series on the spread's dates).
    """
    cfg = res.cfg
    recipes = component_specs(cfg)
    weights = {k: float(v) for k, v in cfg.factor.weights.items()}
    variants = {
        "all": set(),
        "without capex": {n for n, r in recipes.items() if r.block == "capex"},
        "capex only": {n for n, r in recipes.items() if r.block != "capex"},
        "funding only": {n for n, r in recipes.items() if r.block != "funding"},
        "liquidity only": {n for n, r in recipes.items() if r.block != "liquidity"},
    }
    spread = res.targets[res.headline]
    placebo = _placebo(res.fac, spread, spec, cfg)
    out = []
    factors: dict[str, pd.Series] = {}
    for name, drop in variants.items():
        w = {k: (0.0 if k in drop else v) for k, v in weights.items()}
        fac = res.fac if not drop else reweight(res.factor, cfg, w).reindex(spread.index)
        strat = run_spread(
            spread,
            fac,
            spec,
            off=str(cfg.targets.off_position),
            cost_bps=float(cfg.targets.cost_bps),
        )
        names = sorted(set(recipes) - drop)
        blocks = sorted({recipes[n].block for n in names})
        row: dict[str, Any] = {"name": name, "components": " + ".join(blocks)}
        row["component_names"] = names
        for key in ("in_sample", "held_out"):
            smp = samples[key]
            act = smp.take(strat.returns) - smp.take(spread)
            pr = _predictive(spread, fac, cfg, smp)
            row[key] = {
                "active_sharpe": sharpe_or_none(act),
                "predictive_tstat": pr["tstat"],
                "predictive_pvalue": pr["pvalue"],
            }
        row["in_sample_active_sharpe"] = row["in_sample"]["active_sharpe"]
        row["held_out_active_sharpe"] = row["held_out"]["active_sharpe"]
        row["predictive_pvalue"] = row["in_sample"]["predictive_pvalue"]
        row["placebo_pvalue"] = placebo(samples["in_sample"], fac)
        out.append(row)
        factors[name] = fac
    return out, factors


def _trials(res: HistoryResult, ins, n_ablation: int) -> dict[str, Any]:
    """Count the variants; DSR (default and best), PBO, walk-forward, SPA and StepM on them.

    The variants are every target spread x off position (their active returns against their
    own static spread, in-sample); the ablation variants add to the raw count.
    """
    oos_start = pd.Timestamp(res.cfg.run.oos_start)
    active = pd.DataFrame(
        {
            f"{c}/{o}": ins.take(r.returns) - ins.take(res.targets[c].fillna(0.0))
            for (c, o), r in res.trials.items()
        }
    ).fillna(0.0)
    counted = count_trials(active)
    kept = active[list(counted.kept)]
    null = null_trial_count(active, n_sims=NULL_SIMS, seed=int(res.cfg.inference.seed))
    n_eff = max(1.0, float(null.null_equivalent))  # the count the deflation uses, unrounded
    trial_sr = np.asarray([sharpe_ratio(kept[c]) for c in kept.columns], dtype=float)
    head = active_returns(ins.take(res.strategy.returns), ins.take(res.benchmark.returns))
    out: dict[str, Any] = {
        "trials": {
            "raw": int(counted.raw) + int(n_ablation),
            "distinct": int(counted.distinct),
            "effective": n_eff,
            "participation": float(null.participation),
            "clusters": int(null.clusters),
            "null_equivalent": float(null.null_equivalent),
        },
        "n_hurdle": n_eff,
        "deflated": deflated_sharpe(head, trial_sr, n_trials=n_eff),
        "deflated_best": deflated_sharpe(
            kept.iloc[:, int(np.nanargmax(trial_sr))], trial_sr, n_trials=n_eff
        ),
    }
    out.update(
        selection_tests(kept, kept, pd.Series(0.0, index=kept.index), res.cfg, oos_start=oos_start)
    )
    return out


def _now(res: HistoryResult, spec: RotationSpec) -> dict[str, Any]:
    """Today's reading of the long-history factor and the headline position.

    The main report's ``now`` block plus ``factor_last_date`` and ``factor_last_value``: the
    monthly and quarterly inputs end weeks before the last spread date, so the factor may be
    undefined on the last day (the position is then the one last decided).
    """
    from backtests.report.today import now_block

    out = now_block(
        res.factor,
        res.strategy.weights,
        near=(res.headline,),
        long=(),
        rule=spec.rule,
        threshold=float(spec.threshold),
        band=float(spec.band),
    )
    last = res.factor.factor.loc[: res.strategy.weights.index[-1]].dropna()
    out["factor_last_date"] = None if last.empty else last.index[-1].strftime("%Y-%m-%d")
    out["factor_last_value"] = None if last.empty else float(last.iloc[-1])
    return out


def history_metrics(
    res: HistoryResult,
    spec: RotationSpec,
    *,
    mechanism: Callable[[], Any] | None = None,
) -> dict[str, Any]:
    """Build ``metrics.json`` of the long-history report (the main keys plus ``episodes``).

    ``mechanism``, when given, returns the mechanism study; it is called (and its value
    stored in ``res.mechanism``) only when the block is written, after the rest of the
    study, so that :func:`backtests.history.run.run_history` can compute it meanwhile.
    """
    from backtests.report import tables as T
    from backtests.report.metrics import clean, spec_hash, stat_block

    cfg, inf = res.cfg, res.cfg.inference
    idx = res.targets.index
    oos_start = pd.Timestamp(cfg.run.oos_start)
    samples = split_samples(idx, cfg.run.oos_start, registered_date(cfg, idx))
    spread = res.targets[res.headline]
    seed = int(inf.seed)
    lags = int(inf.hac_lags) or None
    block = float(inf.get("bootstrap_block_length", 0.0)) or None
    level = float(inf.get("ci_level", 0.95))
    placebo = _placebo(res.fac, spread, spec, cfg)
    blocks = sample_blocks(
        res.strategy,
        res.benchmark,
        samples,
        placebo=placebo,
        reps=int(inf.bootstrap_reps),
        level=level,
        block_length=block,
        hac_lags=lags,
        seed=seed,
    )
    ins = samples["in_sample"]
    pred = {
        k: _predictive(spread, res.fac, cfg, samples[k]) for k in ("in_sample", "held_out", "full")
    }
    ablation, variant_factors = _ablation(res, spec, samples)
    named = {("composite" if k == "all" else k): f for k, f in variant_factors.items()}
    res.forecasts = run_forecasts(cfg, named, spread, samples)  # against the historical mean
    tr = _trials(res, ins, n_ablation=len(ablation) - 1)
    active = active_returns(res.strategy.returns, res.benchmark.returns)
    bench = res.benchmark.returns.rename(res.headline).to_frame()
    hurdle_alpha = float(inf.get("hurdle_alpha", 0.05))
    method = str(inf.get("hurdle_method", "bonferroni"))
    report = InferenceReport(
        alpha=hac_alpha(active, bench, lags=lags),
        sharpe_ci=sharpe_ci(
            active, reps=int(inf.bootstrap_reps), seed=seed, level=level, block_length=block
        ),
        deflated=tr["deflated"],
        pbo=tr["pbo"],
        placebo=None,
        walkforward=tr["walkforward"],
        held_out=held_out(res.strategy.returns, oos_start),
        hurdle=tstat_hurdle(tr["n_hurdle"], alpha=hurdle_alpha, method=method),
        n_trials=int(tr["trials"]["raw"]),
        hurdle_trials=tr["n_hurdle"],
    )
    spa, stepm = tr["spa"], tr["stepm"]
    inference = report.to_metrics()
    inference.update(
        {
            "benchmark": f"static {res.headline}",
            "placebo_pvalue": blocks["in_sample"].get("placebo_pvalue"),
            "spa_pvalue": float(spa.pvalue),
            "spa_pvalue_lower": float(spa.pvalue_lower),
            "spa_pvalue_upper": float(spa.pvalue_upper),
            "stepm_better": [str(b) for b in stepm.better],
            "trials": tr["trials"],
            "tstat_hurdle_raw": tstat_hurdle(
                int(tr["trials"]["raw"]), alpha=hurdle_alpha, method=method
            ),
            "hurdle_trials": tr["n_hurdle"],
            "deflated_sharpe_best": float(tr["deflated_best"].dsr),
            "active": True,
        }
    )
    strat_full = res.strategy.stats()
    period = {"start": idx[0].strftime("%Y-%m-%d"), "end": idx[-1].strftime("%Y-%m-%d")}
    bench_stats = {
        c: stat_block(
            run_spread(
                res.targets[c], None, spec, cost_bps=0.0, name=c, position=pd.Series(1.0, index=idx)
            ).stats()
        )
        for c in res.targets.columns
    }
    eps = episodes(res.market, cfg, spread, res.strategy.returns, res.fac)
    persist = persistence(res.fac.dropna())
    m: dict[str, Any] = {
        "data_source": res.market.source,
        "synthetic": False,
        "long_history": True,
        "caveat": "FRED-MD and FRED-QD are one vintage of revised history, not real-time data; "
        "the Ken French rows are built from month-end CRSP data published weeks later and are "
        "used only as the traded returns of the spreads, never as a signal input.",
        "target": res.headline,
        "off_position": str(cfg.targets.off_position),
        "period": period,
        "strategy": stat_block(strat_full),
        "benchmarks": bench_stats,
        "inference": inference,
        "samples": blocks,
        "factor": {
            "predictive": pred["in_sample"]["rows"],
            "predictive_pvalue": pred["in_sample"]["pvalue"],
            "predictive_test": pred["in_sample"]["test"],
            "predictive_beta": pred["in_sample"]["beta"],
            "predictive_tstat_hac": pred["in_sample"]["tstat"],
            "predictive_held_out": pred["held_out"]["rows"],
            "predictive_full": pred["full"]["rows"],
            "persistence": float(persist.phi),
            "first_date": None
            if res.factor.first_date is None
            else res.factor.first_date.strftime("%Y-%m-%d"),
            "availability": res.factor.availability.reset_index().to_dict(orient="records"),
        },
        "oos": {
            "start": str(cfg.run.oos_start),
            "sharpe": (blocks["held_out"]["strategy"] or {}).get("sharpe"),
            "total_return": (blocks["held_out"]["strategy"] or {}).get("total_return"),
        },
        "episodes": eps,
        "late_1990s_episode": any(
            e["start"] <= "1999-12-31" and e["end"] >= "1997-01-01" for e in eps
        ),
        "ablation": ablation,
        "capex_beyond_funding": nested_block(spread, variant_factors, samples, cfg),
        "oos_forecast": res.forecasts.rows(),
        "now": _now(res, spec),
        "calendar_years": T.calendar_years(res.strategy.returns, res.benchmark.returns),
        "vintages": res.market.vintages,
        "provenance": dict(res.market.provenance),
        "spec_hash": spec_hash(cfg),
        "registration": read_registration(cfg).to_metrics(),
    }
    if mechanism is not None:
        res.mechanism = mechanism()
    m.update(mechanism_block(res.mechanism))  # before the verdict, whose sentence names it
    rule = cfg.verdict.to_dict() if hasattr(cfg, "verdict") else {}
    m["verdict"] = decide_verdict(m, rule, benchmark_label=f"holding {res.headline} (static)")
    return clean(m)

"""The metrics of a run as one JSON-ready dict, and the verdict generated from them.

The keys follow the report contract (``metrics.json``): ``data_source``, ``synthetic``,
``period``, ``strategy``, ``benchmarks``, ``inference``, ``factor``, ``oos``, ``provenance``,
plus ``verdict``. Numbers are plain floats (``None`` where undefined, never NaN), so the file
validates against ``schema.json`` beside this module.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from backtests.engines.stats import STAT_NAMES
from backtests.engines.stats import sharpe as sharpe_of
from backtests.inference.verdict import decide_verdict
from backtests.report import tables as T
from backtests.report.mechanism_files import mechanism_of
from backtests.report.metrics_dating import dating_metrics
from backtests.report.metrics_events import events_metrics
from backtests.report.metrics_forecast import forecast_metrics
from backtests.report.metrics_mechanism import mechanism_block
from backtests.report.metrics_samples import name_samples
from backtests.report.metrics_tearsheet import tearsheet_metrics
from backtests.report.stale_components import stale_components, stale_sentence
from backtests.report.today import now_block
from backtests.study.assess import predictive_headline
from backtests.study.benchmarks import benchmark_label
from data.registration import NON_RESULT_KEYS, read_registration, spec_hash

__all__ = ["NON_RESULT_KEYS", "build_metrics", "clean", "spec_hash", "validate_metrics"]

# the report contract's statistics: the engine's, less exposure and the rebalance count
STAT_KEYS = tuple(k for k in STAT_NAMES if k not in ("exposure", "n_rebalances"))
SCHEMA_PATH = Path(__file__).with_name("schema.json")


def clean(value: Any) -> Any:
    """Convert numpy scalars, NaN and infinities into JSON-safe Python values."""
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        f = float(value)
        return f if math.isfinite(f) else None
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return value


def stat_block(stats: dict[str, Any]) -> dict[str, Any]:
    """Return the contract's subset of a result's ``stats()``."""
    return {k: clean(stats.get(k)) for k in STAT_KEYS}


def _predictive_headline(predictive: Any, horizon: int) -> tuple[float | None, float | None, int]:
    table = predictive.table
    if horizon in table.index:
        row = table.loc[horizon]
    else:
        horizon = int(table.index[0])
        row = table.iloc[0]
    return clean(row["beta"]), clean(row["tstat_hac"]), horizon


# keys of the configuration that cannot change a result (names, paths, network settings and
# chunking, which is tested to give identical tables)


def _predictive_block(result: Any, horizon: int) -> dict[str, Any]:
    """``factor.predictive`` (in-sample rows), ``persistence`` and the headline p-value."""
    assessment = getattr(result, "assessment", None)
    pred = assessment.predictive_in_sample if assessment is not None else result.predictive
    pvalue, test = predictive_headline(pred, horizon)
    return {
        "predictive": clean(pred.rows()),
        "persistence": clean(getattr(pred, "persistence", None)),
        "predictive_pvalue": clean(pvalue),
        "predictive_test": test,
        "predictive_full": clean(result.predictive.rows()),
    }


def _assessment_metrics(result: Any) -> dict[str, Any]:
    """Return the benchmark-relative additions to the ``inference`` block."""
    a = getattr(result, "assessment", None)
    if a is None:
        return {}
    x = a.extras
    spa, stepm, best = x.get("spa"), x.get("stepm"), x.get("deflated_best")
    return {
        "benchmark": a.benchmark,
        "spa_pvalue": spa.pvalue if spa is not None else None,
        "spa_pvalue_lower": spa.pvalue_lower if spa is not None else None,
        "spa_pvalue_upper": spa.pvalue_upper if spa is not None else None,
        "spa_studentized": spa.studentized if spa is not None else None,
        "spa_pvalue_unstudentized": spa.pvalue_unstudentized if spa is not None else None,
        "stepm_better": [str(b) for b in stepm.better] if stepm is not None else None,
        "trials": x["trials"],
        "trials_note": x.get("trials_note"),
        "tstat_hurdle_raw": x.get("hurdle_raw"),
        "hurdle_trials": x.get("n_hurdle"),
        "deflated_sharpe_best": best.dsr if best is not None else None,
        "active": True,
    }


def build_metrics(result: Any) -> dict[str, Any]:
    """Collect the metrics of a :class:`backtests.study.pipeline.PipelineResult`.

    Parameters
    ----------
    result : PipelineResult
        A finished run.

    Returns
    -------
    dict
        JSON-ready metrics (see the module docstring).
    """
    cfg = result.cfg
    rets = result.backtest.returns
    oos_start = pd.Timestamp(cfg.run.oos_start)
    inf_metrics = clean({**result.inference.to_metrics(), **_assessment_metrics(result)})
    horizon = int(cfg.inference.get("headline_horizon", 21))
    beta, tstat, horizon = _predictive_headline(result.predictive, horizon)
    tail = result.inference.held_out
    oos = {
        "start": oos_start.strftime("%Y-%m-%d"),
        "sharpe": clean(tail.get("oos", {}).get("sharpe")),
        "total_return": clean(tail.get("oos", {}).get("total_return")),
        "n_days": clean(tail.get("oos", {}).get("n_days")),
        "is_sharpe": clean(tail.get("is", {}).get("sharpe")),
        "is_total_return": clean(tail.get("is", {}).get("total_return")),
    }
    market = result.market
    metrics: dict[str, Any] = {
        "data_source": market.source,
        "synthetic": bool(market.synthetic),
        "period": {
            "start": rets.index[0].strftime("%Y-%m-%d"),
            "end": rets.index[-1].strftime("%Y-%m-%d"),
            "n_days": len(rets),
            "start_note": getattr(result, "start_note", ""),
        },
        "strategy": {
            **stat_block(result.backtest.stats()),
            "rule": result.spec.rule,
            "rebalance": result.spec.rebalance,
        },
        "benchmarks": {
            name: stat_block(res.stats()) for name, res in sorted(result.benchmarks.items())
        },
        "inference": inf_metrics,
        "factor": {
            "predictive_beta": beta,
            "predictive_tstat_hac": tstat,
            "horizon_days": horizon,
            "first_date": clean(result.factor.factor.first_valid_index()),
            **_predictive_block(result, horizon),
        },
        "oos": oos,
        "provenance": {str(k): str(v) for k, v in sorted(market.provenance.items())},
        "gaps": [str(g) for g in market.gaps],
    }
    if market.synthetic:
        metrics["synthetic_params"] = {
            "seed": clean(cfg.synthetic.seed),
            "effect_size": clean(cfg.synthetic.effect_size),
        }
    a = getattr(result, "assessment", None)
    if a is not None:
        metrics["samples"] = clean(a.sample_metrics)
    metrics.update(pm_tables(result))
    dating = dating_metrics(result, metrics["now"])  # capex dating, live capex, stale parts
    metrics["coverage"].update(dating["coverage"])
    metrics["now"].update(dating["now"])
    metrics["events"] = events_metrics(result)
    metrics.update(mechanism_block(mechanism_of(result)))  # the thesis's links, when studied
    metrics.update(forecast_metrics(result))  # oos_forecast, competing
    metrics.update(tearsheet_metrics(result))  # tail, drawdowns (with durations), switches, ...
    metrics["spec_hash"] = spec_hash(cfg)
    metrics["registration"] = read_registration(cfg).to_metrics()
    metrics = name_samples(metrics, result)  # every statistic names its sample
    metrics["stale_components"] = stale_components(metrics)
    metrics["verdict"] = decide_verdict(
        clean(metrics),
        dict(cfg.verdict.to_dict()),
        benchmark_label=benchmark_label(metrics["inference"].get("benchmark")),
    )
    stale = stale_sentence(metrics)  # the traded factor: parts tested in-sample, stale later
    if stale:
        metrics["verdict"]["sentence"] = f"{metrics['verdict']['sentence']} {stale}"
    return clean(metrics)


def _fmt(x: float | None, spec: str) -> str:
    return "n/a" if x is None else format(x, spec)


def pm_tables(result: Any) -> dict[str, Any]:
    """``now``, ``ablation``, ``calendar_years`` and the other tables a PM reads first.

    Keys: ``now`` (:func:`backtests.report.today.now_block`), ``ablation`` (list of rows,
    :mod:`backtests.study.ablation`), ``calendar_years`` (``{year: {strategy, benchmark,
    active}}``), ``drawdowns`` (five worst), ``by_regime`` (per sample and regime),
    ``cost_sensitivity`` (``[{multiple, sharpe, total_return, active_sharpe}]`` at 1x, 2x
    and 5x the configured costs) and ``basket_members`` (each member and the dates it
    counts).
    """
    a = getattr(result, "assessment", None)
    bench_name = a.benchmark if a is not None else "fifty_fifty"
    bench = result.benchmarks[bench_name].returns
    rets = result.backtest.returns
    spec = result.spec
    out: dict[str, Any] = {
        "now": now_block(
            result.factor,
            result.backtest.weights,
            near=spec.near,
            long=spec.long,
            rule=spec.rule,
            threshold=float(spec.threshold),
            band=float(spec.band),
        ),
        "calendar_years": T.calendar_years(rets, bench),
        "drawdowns": T.worst_drawdowns(rets, 5),
    }
    if a is not None:
        out["by_regime"] = T.by_regime(rets, bench, result.factor.regime, a.samples)
    extras = getattr(result, "extras", {}) or {}
    abl = extras.get("ablation")
    out["ablation"] = list(abl.rows) if abl is not None else []
    if abl is not None:
        out.update(abl.nested)  # capex_beyond_funding, liquidity_beyond_funding
    grid = extras.get("universes")
    out["universes"] = list(grid.rows) if grid is not None else []
    costs = extras.get("costs") or {}
    out["cost_sensitivity"] = []
    for k, v in sorted(costs.items()):
        st = stat_block(v.stats())
        out["cost_sensitivity"].append(
            {
                "multiple": float(k),
                "sharpe": st["sharpe"],
                "total_return": st["total_return"],
                "active_sharpe": float(sharpe_of(v.returns - bench.reindex(v.returns.index))),
            }
        )
    out["coverage"] = {
        "capex": T.capex_coverage(result.market.capex, list(result.cfg.universe.hyperscalers)),
        "components": T.component_coverage(result.factor.availability),
        "factor_first_date": clean(result.factor.factor.first_valid_index()),
        "start_note": getattr(result, "start_note", ""),
        "capex_events": T.events_count(result.factor.events, rets.index),
    }
    prices = extras.get("prices")
    if prices is not None:
        out["basket_members"] = T.basket_members(prices, {"near": spec.near, "long": spec.long})
    return clean(out)


def validate_metrics(metrics: dict[str, Any]) -> None:
    """Validate a metrics dict against ``schema.json`` (raises ``jsonschema.ValidationError``).

    ``jsonschema.validate`` without its check of the schema against the meta-schema (0.2 s
    a report; ``tests/backtests/report/test_schema_valid.py`` checks the file instead).
    """
    from jsonschema.exceptions import best_match
    from jsonschema.validators import validator_for

    schema = json.loads(SCHEMA_PATH.read_text())
    error = best_match(validator_for(schema)(schema).iter_errors(metrics))
    if error is not None:
        raise error

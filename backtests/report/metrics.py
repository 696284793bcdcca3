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

from backtests.stats import STAT_NAMES

# the report contract's statistics: the engine's, less exposure and the rebalance count
STAT_KEYS = tuple(k for k in STAT_NAMES if k not in ("exposure", "n_rebalances"))
SCHEMA_PATH = Path(__file__).with_name("schema.json")
DSR_PASS = 0.95
PBO_PASS = 0.5
PLACEBO_PASS = 0.05


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


def build_metrics(result: Any) -> dict[str, Any]:
    """Collect the metrics of a :class:`backtests.pipeline.PipelineResult`.

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
    inf_metrics = clean(result.inference.to_metrics())
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
    metrics["verdict"] = verdict(metrics)
    return clean(metrics)


def _fmt(x: float | None, spec: str) -> str:
    return "n/a" if x is None else format(x, spec)


def verdict(m: dict[str, Any]) -> dict[str, Any]:
    """Generate the verdict sentence from the statistics, with the checks behind it.

    The thesis counts as supported only when every available check passes: the HAC alpha
    t-statistic clears the multiple-testing hurdle, the deflated Sharpe probability is at
    least 0.95, PBO is below 0.5, the placebo p-value is below 0.05 and the held-out tail has
    a positive Sharpe ratio. Checks that could not be computed are listed as unavailable.
    """
    inf = m["inference"]
    checks: dict[str, bool | None] = {}
    t, hurdle = inf.get("hac_alpha_tstat"), inf.get("tstat_hurdle")
    checks["alpha_clears_hurdle"] = None if t is None or hurdle is None else bool(t > hurdle)
    dsr = inf.get("deflated_sharpe")
    checks["survives_deflation"] = None if dsr is None else bool(dsr >= DSR_PASS)
    p = inf.get("pbo")
    checks["low_overfitting"] = None if p is None else bool(p < PBO_PASS)
    pv = inf.get("placebo_pvalue")
    checks["beats_placebo"] = None if pv is None else bool(pv < PLACEBO_PASS)
    oos_sr = m["oos"].get("sharpe")
    checks["positive_held_out"] = None if oos_sr is None else bool(oos_sr > 0)
    known = [v for v in checks.values() if v is not None]
    if known and all(known):
        label = "supported"
    elif any(known):
        label = "mixed"
    else:
        label = "not supported"
    conclusion = {
        "supported": "the evidence supports the capital-scarcity rotation",
        "mixed": "the evidence is mixed: some checks pass and others fail",
        "not supported": "the evidence does not support the capital-scarcity rotation",
    }[label]
    s = m["strategy"]
    data = "SYNTHETIC" if m["synthetic"] else m["data_source"]
    ci = inf.get("sharpe_ci95") or [None, None]
    sentence = (
        f"On {data} data from {m['period']['start']} to {m['period']['end']}, the "
        f"{s.get('rule')} rotation had a Sharpe ratio of {_fmt(s['sharpe'], '.2f')} "
        f"(95% CI {_fmt(ci[0], '.2f')} to {_fmt(ci[1], '.2f')}) after costs; its HAC alpha "
        f"t-statistic of {_fmt(t, '.2f')} "
        f"{'clears' if checks['alpha_clears_hurdle'] else 'does not clear'} the hurdle of "
        f"{_fmt(hurdle, '.2f')} for {inf.get('n_trials')} trials, the deflated Sharpe "
        f"probability is {_fmt(dsr, '.2f')}, PBO is {_fmt(p, '.2f')}, the placebo p-value is "
        f"{_fmt(pv, '.3f')}, and the held-out period from {m['oos']['start']} had a Sharpe ratio "
        f"of {_fmt(oos_sr, '.2f')}. Verdict: {conclusion}."
    )
    failed = [k for k, v in checks.items() if v is False]
    missing = [k for k, v in checks.items() if v is None]
    return {
        "label": label,
        "sentence": sentence,
        "checks": checks,
        "failed": failed,
        "unavailable": missing,
    }


def validate_metrics(metrics: dict[str, Any]) -> None:
    """Validate a metrics dict against ``schema.json`` (raises ``jsonschema.ValidationError``)."""
    import jsonschema

    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.validate(metrics, schema)

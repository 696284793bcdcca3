"""The verdict: one function of the metrics and a rule stated before the numbers.

The rule is the ``[verdict]`` section of the configuration. Checks come in two groups:

*In-sample evidence* (the sample the specification was tuned on, before ``run.oos_start``):

- ``predictive``: the robust predictive p-value of the factor (``factor.predictive_pvalue``)
  is at most ``predictive_pvalue``;
- ``spa``: Hansen's SPA p-value of the sweep against the benchmark is at most ``spa_pvalue``;
- ``deflated_sharpe``: the deflated Sharpe probability of the default specification's active
  returns is at least ``deflated_sharpe``;
- ``pbo``: the probability of backtest overfitting is below ``pbo``;
- ``placebo``: the in-sample placebo p-value is at most ``placebo_pvalue``;
- ``beats_benchmark``: the in-sample Sharpe ratio exceeds the benchmark's.

*Later samples* (held-out, and post-registration when ``require_post_registration``): each
must hold at least ``min_later_days`` business days and must not contradict the in-sample
evidence, i.e. the strategy's Sharpe ratio must not trail the benchmark's there.

Labels: ``not supported`` when any in-sample check fails; ``supported`` when every in-sample
check passes and every later sample is long enough and consistent; ``inconclusive``
otherwise (in-sample passes, or could not be fully computed, but later data is too short or
contradicts). An honest "not supported" is a correct, useful answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

LABELS: tuple[str, ...] = ("supported", "inconclusive", "not supported")
DEFAULT_RULE: dict[str, Any] = {
    "predictive_pvalue": 0.05,
    "spa_pvalue": 0.05,
    "deflated_sharpe": 0.95,
    "pbo": 0.5,
    "placebo_pvalue": 0.05,
    "min_later_days": 126,
    "require_post_registration": True,
}
IN_SAMPLE_CHECKS: tuple[str, ...] = (
    "predictive",
    "spa",
    "deflated_sharpe",
    "pbo",
    "placebo",
    "beats_benchmark",
)


def _get(m: Mapping[str, Any], path: str) -> Any:
    cur: Any = m
    for part in path.split("."):
        if not isinstance(cur, Mapping) or part not in cur:
            return None
        cur = cur[part]
    return cur


def _f(x: Any, spec: str = ".2f") -> str:
    return "n/a" if x is None else format(x, spec)


def rule_text(rule: Mapping[str, Any]) -> str:
    """Return the rule in one sentence, as stated in the configuration."""
    later = "held-out and post-registration" if rule["require_post_registration"] else "held-out"
    return (
        f"supported when, in-sample, the robust predictive p <= {rule['predictive_pvalue']}, "
        f"SPA p <= {rule['spa_pvalue']}, deflated Sharpe >= {rule['deflated_sharpe']}, "
        f"PBO < {rule['pbo']}, placebo p <= {rule['placebo_pvalue']} and the Sharpe ratio "
        f"beats the benchmark's, and the {later} samples each hold at least "
        f"{rule['min_later_days']} days without trailing the benchmark; not supported when "
        "any in-sample check fails; inconclusive otherwise"
    )


def decide_verdict(
    metrics: Mapping[str, Any],
    rule: Mapping[str, Any] | None = None,
    *,
    benchmark_label: str | None = None,
) -> dict[str, Any]:
    """Apply the verdict rule to a metrics dictionary.

    Parameters
    ----------
    metrics : mapping
        ``metrics.json`` content with at least ``inference``, ``factor`` and ``samples``
        (missing values count as unavailable checks).
    rule : mapping, optional
        The ``[verdict]`` section; missing keys take :data:`DEFAULT_RULE`.
    benchmark_label : str, optional
        The benchmark's name in words (default ``inference.benchmark``).

    Returns
    -------
    dict
        ``label`` (one of :data:`LABELS`), ``rule`` (the rule's values and its text under
        ``text``), ``checks`` (name -> True / False / None), ``failed``, ``unavailable``,
        ``later`` (per later sample: ``consistent``, ``long_enough``) and ``sentence``
        (ending with ``now.coverage_sentence`` when the metrics have one: whose capex is
        live and which components are stale; then ``mechanism.sentence`` when the mechanism
        study ran: which links of the chain hold; neither changes a check).

    Examples
    --------
    >>> m = {"inference": {"spa_pvalue": 0.5, "deflated_sharpe": 0.2, "pbo": 0.7},
    ...      "factor": {"predictive_pvalue": 0.4}, "samples": {}}
    >>> decide_verdict(m)["label"]
    'not supported'
    """
    r = {**DEFAULT_RULE, **dict(rule or {})}
    inf = metrics.get("inference", {}) or {}
    bench = benchmark_label or str(inf.get("benchmark") or "the benchmark")
    ins = _get(metrics, "samples.in_sample") or {}

    def le(x: Any, level: float) -> bool | None:
        return None if x is None else bool(x <= level)

    values = {
        "predictive": _get(metrics, "factor.predictive_pvalue"),
        "spa": inf.get("spa_pvalue"),
        "deflated_sharpe": inf.get("deflated_sharpe"),
        "pbo": inf.get("pbo"),
        "placebo": ins.get("placebo_pvalue"),
        "beats_benchmark": _get(ins, "active.sharpe_diff"),
    }
    checks: dict[str, bool | None] = {
        "predictive": le(values["predictive"], float(r["predictive_pvalue"])),
        "spa": le(values["spa"], float(r["spa_pvalue"])),
        "deflated_sharpe": None
        if values["deflated_sharpe"] is None
        else bool(values["deflated_sharpe"] >= float(r["deflated_sharpe"])),
        "pbo": None if values["pbo"] is None else bool(values["pbo"] < float(r["pbo"])),
        "placebo": le(values["placebo"], float(r["placebo_pvalue"])),
        "beats_benchmark": None
        if values["beats_benchmark"] is None
        else bool(values["beats_benchmark"] > 0),
    }
    reasons = {
        "predictive": f"the robust predictive p-value {_f(values['predictive'], '.3f')} is "
        f"above {r['predictive_pvalue']}",
        "spa": f"the SPA p-value {_f(values['spa'], '.3f')} is above {r['spa_pvalue']}",
        "deflated_sharpe": f"the deflated Sharpe {_f(values['deflated_sharpe'])} is below "
        f"{r['deflated_sharpe']}",
        "pbo": f"PBO {_f(values['pbo'])} is not below {r['pbo']}",
        "placebo": f"the in-sample placebo p-value {_f(values['placebo'], '.3f')} is above "
        f"{r['placebo_pvalue']}",
        "beats_benchmark": "the in-sample Sharpe ratio trails the benchmark's by "
        f"{_f(-values['beats_benchmark'] if values['beats_benchmark'] is not None else None)}",
    }
    later_names = ["held_out"] + (["post_registration"] if r["require_post_registration"] else [])
    later: dict[str, dict[str, Any]] = {}
    for name in later_names:
        s = _get(metrics, f"samples.{name}") or {}
        n = int(s.get("n_days") or 0)
        diff = _get(s, "active.sharpe_diff")
        long_enough = n >= int(r["min_later_days"])
        consistent = None if diff is None or n == 0 else bool(diff >= 0)
        later[name] = {
            "n_days": n,
            "sharpe_diff": diff,
            "long_enough": long_enough,
            "consistent": consistent,
        }
        checks[f"{name}_long_enough"] = long_enough
        checks[f"{name}_consistent"] = consistent
        reasons[f"{name}_long_enough"] = (
            f"the {name.replace('_', '-')} sample has {n} days (the rule needs "
            f"{r['min_later_days']})"
        )
        reasons[f"{name}_consistent"] = (
            f"in the {name.replace('_', '-')} sample the Sharpe ratio trails the benchmark's "
            f"by {_f(-diff if diff is not None else None)}"
        )
    in_vals = [checks[k] for k in IN_SAMPLE_CHECKS]
    later_vals = [v for k, v in checks.items() if k not in IN_SAMPLE_CHECKS]
    if any(v is False for v in in_vals):
        label = "not supported"
    elif all(v is True for v in in_vals) and all(v is True for v in later_vals):
        label = "supported"
    else:
        label = "inconclusive"
    failed = [k for k, v in checks.items() if v is False]
    unavailable = [k for k, v in checks.items() if v is None]
    data = "SYNTHETIC" if metrics.get("synthetic") else str(metrics.get("data_source", ""))
    period = metrics.get("period", {}) or {}
    head = (
        f"Against {bench}, on {data} data from {period.get('start')} to {period.get('end')}, "
        f"the capital-scarcity rotation is {label}."
    )
    parts = [head]
    in_failed = [reasons[k] for k in IN_SAMPLE_CHECKS if checks[k] is False]
    if in_failed:
        parts.append("In-sample checks failed: " + "; ".join(in_failed) + ".")
    elif all(v is True for v in in_vals):
        parts.append("Every in-sample check passes.")
    later_failed = [reasons[k] for k in checks if k not in IN_SAMPLE_CHECKS and checks[k] is False]
    if later_failed:
        parts.append("Later samples: " + "; ".join(later_failed) + ".")
    if unavailable:
        parts.append("Not available: " + ", ".join(unavailable) + ".")
    coverage = _get(metrics, "now.coverage_sentence")  # data behind the answer; not a check
    if coverage:
        parts.append(str(coverage))
    mechanism = _get(metrics, "mechanism.sentence")  # which links of the chain hold; not a check
    if mechanism:
        parts.append(str(mechanism))
    return {
        "label": label,
        "rule": {**r, "text": rule_text(r)},
        "checks": checks,
        "failed": failed,
        "unavailable": unavailable,
        "later": later,
        "sentence": " ".join(parts),
    }

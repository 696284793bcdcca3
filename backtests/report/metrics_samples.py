"""Every statistic names its sample: labels for ``metrics.json`` and the report's lines.

The report mixes numbers of four samples (in-sample, held-out, post-registration, full;
:mod:`backtests.inference.samples`). :func:`name_samples` adds to ``metrics.json``, keeping
every existing key:

- ``strategy.sample = "full"``; ``oos.sample = "after_oos_start"`` (the ``oos`` block pools
  every day from ``run.oos_start`` on, raw returns);
- ``inference.sample_of``: each headline statistic's sample (the HAC alpha and the Sharpe
  interval of the ``inference`` block are full-sample; the hurdle, the deflation, PBO, SPA
  and the placebo are in-sample);
- ``factor.predictive_sample = "full"`` (``predictive_beta``, ``predictive_tstat_hac``)
  beside ``factor.predictive_pvalue_sample = "in_sample"`` and the in-sample beta and t
  (``predictive_beta_in_sample``, ``predictive_tstat_hac_in_sample``); the sides of the
  p-values (``predictive_pvalue_side = "one-sided"``, ``pvalue_ivx_side = "two-sided"``)
  and, in each predictive row, ``pvalue_ivx_one_sided`` beside the two-sided ``pvalue_ivx``.

:func:`held_out_line`, :func:`in_sample_line`, :func:`trial_counts_text` and
:func:`registration_sentence` are the report's lines built from ``metrics.json`` alone.
"""

from __future__ import annotations

import math
from typing import Any

from data.registration import Registration

SAMPLE_OF = {
    "hac_alpha_tstat": "full",
    "hac_alpha_ann": "full",
    "sharpe_ci95": "full",
    "sharpe": "full",
    "tstat_hurdle": "in_sample",
    "tstat_hurdle_raw": "in_sample",
    "deflated_sharpe": "in_sample",
    "deflated_sharpe_best": "in_sample",
    "pbo": "in_sample",
    "spa_pvalue": "in_sample",
    "stepm_better": "in_sample",
    "placebo_pvalue": "in_sample",
    "walkforward_sharpe": "in_sample",
    "trials": "in_sample",
    "is_sharpe": "in_sample",
    "oos_sharpe": "after_oos_start",
}


def _num(x: Any, spec: str = ".2f", *, sign: bool = False) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "n/a"
    return format(float(x), ("+" if sign else "") + spec)


def _in_sample_predictive(result: Any, horizon: int) -> tuple[float | None, float | None]:
    a = getattr(result, "assessment", None)
    if a is None:
        return None, None
    table = a.predictive_in_sample.table
    if horizon not in table.index:
        return None, None
    row = table.loc[horizon]
    beta, t = float(row["beta"]), float(row["tstat_hac"])
    return (beta if math.isfinite(beta) else None), (t if math.isfinite(t) else None)


def _one_sided_rows(rows: list[dict[str, Any]], pred: Any) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        p = pred.headline_pvalue(int(r["horizon"]))
        out.append({**r, "pvalue_ivx_one_sided": p if math.isfinite(p) else None})
    return out


def name_samples(metrics: dict[str, Any], result: Any) -> dict[str, Any]:
    """Return ``metrics`` with the sample and side labels of the module docstring added."""
    m = dict(metrics)
    m["strategy"] = {**m["strategy"], "sample": "full"}
    m["oos"] = {**m["oos"], "sample": "after_oos_start"}
    m["inference"] = {**m["inference"], "sample_of": dict(SAMPLE_OF)}
    fac = dict(m["factor"])
    beta, t = _in_sample_predictive(result, int(fac.get("horizon_days") or 21))
    fac.update(
        predictive_sample="full",
        predictive_pvalue_sample="in_sample",
        predictive_beta_in_sample=beta,
        predictive_tstat_hac_in_sample=t,
        predictive_pvalue_side="one-sided",
        pvalue_ivx_side="two-sided",
    )
    a = getattr(result, "assessment", None)
    if a is not None and isinstance(fac.get("predictive"), list):
        fac["predictive"] = _one_sided_rows(fac["predictive"], a.predictive_in_sample)
    if isinstance(fac.get("predictive_full"), list):
        fac["predictive_full"] = _one_sided_rows(fac["predictive_full"], result.predictive)
    m["factor"] = fac
    return m


def held_out_line(metrics: dict[str, Any], bench: str) -> str:
    """Describe the held-out sample alone, benchmark-relative (not the pooled raw tail)."""
    blk = (metrics.get("samples") or {}).get("held_out")
    if not blk or not blk.get("n_days"):
        return f"held out: no held-out days (run.oos_start {metrics['oos']['start']})"
    act = blk["active"]
    ci = act.get("sharpe_ci95") or [None, None]
    return (
        f"held out {blk['start']} to {blk['end']} ({blk['n_days']} days), against {bench}: "
        f"active Sharpe {_num(act.get('sharpe'))} (95% CI {_num(ci[0])} to {_num(ci[1])}), "
        f"Sharpe difference {_num(act.get('sharpe_diff'), sign=True)}, HAC alpha t "
        f"{_num(act.get('hac_alpha_tstat'))}"
    )


def in_sample_line(metrics: dict[str, Any]) -> str:
    """Put the in-sample HAC alpha t and active-Sharpe interval beside the in-sample hurdle."""
    inf = metrics["inference"]
    blk = (metrics.get("samples") or {}).get("in_sample") or {}
    act = blk.get("active") or {}
    ci = act.get("sharpe_ci95") or [None, None]
    trials = inf.get("trials") or {}
    return (
        f"in-sample ({blk.get('start')} to {blk.get('end')}): HAC alpha t "
        f"{_num(act.get('hac_alpha_tstat'))} against the hurdle {_num(inf.get('tstat_hurdle'))} "
        f"for {_count(trials.get('effective'))} effective of {trials.get('raw')} trials, "
        f"active Sharpe 95% CI {_num(ci[0])} to {_num(ci[1])}"
    )


def _count(n: Any) -> str:
    if n is None:
        return "n/a"
    n = float(n)
    return str(int(n)) if n.is_integer() else f"{n:.1f}"


def trial_counts_text(trials: dict[str, Any]) -> str:
    """Raw, distinct, participation, clusters and the null-equivalent count the deflation uses."""
    if trials.get("null_equivalent") is None:
        return f"{trials.get('raw')} raw, {trials.get('distinct')} distinct"
    return (
        f"{trials.get('raw')} raw, {trials.get('distinct')} distinct, participation ratio "
        f"{_count(trials.get('participation'))}, {trials.get('clusters')} clusters, "
        f"null-equivalent {_count(trials.get('null_equivalent'))} (used by the deflated "
        "Sharpe and the hurdle)"
    )


def registration_sentence(metrics: dict[str, Any]) -> str:
    """:meth:`data.registration.Registration.sentence` of the run's ``registration`` block."""
    reg = metrics.get("registration")
    if not reg:
        return ""
    return Registration(**reg, current_hash=str(metrics.get("spec_hash"))).sentence()

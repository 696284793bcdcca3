"""HTML pieces that name each statistic's sample: in-sample rows, trial counts, held-out line.

Numbers are tagged spans (:func:`backtests.report.html_base.num`) pointing at their
``metrics.json`` keys; the words come from :mod:`backtests.report.metrics_samples`.
"""

from __future__ import annotations

from typing import Any

from backtests.report import metrics_samples as S
from backtests.report.html_base import esc, num
from backtests.study.benchmarks import benchmark_label


def in_sample_rows(metrics: dict[str, Any]) -> list[list[str]]:
    """Inference-table rows: the in-sample HAC alpha t and active-Sharpe interval."""
    act = ((metrics.get("samples") or {}).get("in_sample") or {}).get("active") or {}
    ci = act.get("sharpe_ci95") or [None, None]
    key = "samples.in_sample.active"
    return [
        [
            "HAC alpha t-statistic (in-sample)",
            num(f"{key}.hac_alpha_tstat", act.get("hac_alpha_tstat")),
            "Newey–West t of the intercept of in-sample active returns: the one to compare "
            "with the in-sample hurdle",
        ],
        [
            "active Sharpe 95% CI (in-sample)",
            f"{num(f'{key}.sharpe_ci95.0', ci[0])} to {num(f'{key}.sharpe_ci95.1', ci[1])}",
            "stationary bootstrap of the in-sample active return's Sharpe",
        ],
    ]


def trials_row(metrics: dict[str, Any]) -> list[str]:
    """Inference-table row: raw, distinct, participation, clusters, null-equivalent."""
    inf = metrics["inference"]
    t = inf.get("trials") or {}
    if t.get("null_equivalent") is None:
        cells = (
            f"{num('inference.trials.raw', t.get('raw'))} / "
            f"{num('inference.trials.distinct', t.get('distinct'))}"
        )
        return ["trials: raw / distinct", cells, esc(inf.get("trials_note") or "")]
    cells = " / ".join(
        num(f"inference.trials.{k}", t.get(k))
        for k in ("raw", "distinct", "participation", "clusters", "null_equivalent")
    )
    return [
        "trials: raw / distinct / participation / clusters / null-equivalent",
        cells,
        esc(
            f"sweep, ablation variants and universe pairs ({t.get('variants')} beside the "
            "sweep); exact duplicates removed; the effective rank and the cluster count of "
            "their in-sample active returns' correlation; the null-equivalent count (the N "
            "whose expected maximum equals that of null Sharpes with this correlation) is the "
            "one the deflated Sharpe and the hurdle use"
        ),
    ]


def samples_notes(metrics: dict[str, Any]) -> str:
    """Paragraphs under the samples table: the held-out line and the registration status."""
    bench = benchmark_label(metrics["inference"].get("benchmark"))
    parts = [f"<p>{esc(S.held_out_line(metrics, bench))}.</p>"]
    sentence = S.registration_sentence(metrics)
    if sentence:
        parts.append(f"<p><b>Registration.</b> {esc(sentence)}</p>")
    return "".join(parts)

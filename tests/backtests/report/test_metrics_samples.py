"""Sample and side labels, the held-out line, the registration sentence, stale components."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from backtests.inference import InferenceReport
from backtests.report import metrics_samples as S
from backtests.report.stale_components import stale_components, stale_sentence


def _metrics() -> dict:
    act = {
        "sharpe": 0.4,
        "sharpe_diff": 0.1,
        "hac_alpha_tstat": 1.1,
        "sharpe_ci95": [-0.2, 1.0],
    }
    return {
        "spec_hash": "abc",
        "registration": {
            "file": "registrations/x.json",
            "registered": "2026-01-30",
            "spec_hash": "abc",
            "matches": True,
        },
        "oos": {"start": "2024-07-01", "sharpe": 2.56},
        "inference": {
            "benchmark": "fifty_fifty",
            "tstat_hurdle": 3.1,
            "trials": {
                "raw": 142,
                "distinct": 126,
                "effective": 43.7,
                "participation": 4.1,
                "clusters": 13,
                "null_equivalent": 43.7,
                "variants": 16,
            },
        },
        "samples": {
            "in_sample": {
                "start": "2015-01-02",
                "end": "2024-06-28",
                "n_days": 2400,
                "active": act,
            },
            "held_out": {
                "start": "2024-07-01",
                "end": "2026-01-30",
                "n_days": 398,
                "active": {**act, "sharpe": -0.3, "sharpe_diff": -0.2},
            },
            "post_registration": {"start": "2026-02-02", "end": "2026-06-30", "n_days": 100},
        },
        "coverage": {
            "components": [
                {
                    "component": "capex_to_ocf",
                    "first_active": "2015-01-02",
                    "last_active": "2021-10-29",
                },
                {
                    "component": "reserves_level",
                    "first_active": "2015-01-02",
                    "last_active": "2025-01-31",
                },
                {
                    "component": "net_liquidity_change",
                    "first_active": "2016-01-04",
                    "last_active": "2026-06-30",
                },
                {"component": "late", "first_active": "2025-01-02", "last_active": "2025-02-03"},
            ]
        },
    }


def test_held_out_line_is_the_held_out_sample_benchmark_relative():
    line = S.held_out_line(_metrics(), "the 50/50 mix")
    assert "2024-07-01 to 2026-01-30 (398 days)" in line
    assert "active Sharpe -0.30" in line and "2.56" not in line  # not the pooled raw tail


def test_in_sample_line_and_trial_counts_say_one_number():
    m = _metrics()
    line = S.in_sample_line(m)
    assert "in-sample (2015-01-02 to 2024-06-28): HAC alpha t 1.10" in line
    assert "hurdle 3.10 for 43.7 effective of 142 trials" in line
    text = S.trial_counts_text(m["inference"]["trials"])
    assert "participation ratio 4.1" in text and "13 clusters" in text
    assert "null-equivalent 43.7" in text


def test_registration_sentence_comes_from_the_record():
    m = _metrics()
    assert S.registration_sentence(m).startswith("The spec was registered on 2026-01-30")
    m["spec_hash"] = "zzz"
    m["registration"]["matches"] = False
    assert "changed after its registration" in S.registration_sentence(m)


def test_stale_components_by_later_sample():
    rows = stale_components(_metrics())
    got = {r["component"]: r["stale_at_end_of"] for r in rows}
    assert got == {
        "capex_to_ocf": ["held_out", "post_registration"],
        "reserves_level": ["held_out", "post_registration"],
    }  # "late" was never live in-sample; net liquidity is live at every end
    s = stale_sentence({**_metrics(), "stale_components": rows})
    assert "held-out sample capex_to_ocf (no value after 2021-10-29), reserves_level" in s
    assert "post-registration sample" in s
    assert stale_sentence({"samples": {}, "coverage": {}}) == ""


def test_name_samples_labels_and_in_sample_slope():
    table = pd.DataFrame({"beta": [0.5], "tstat_hac": [2.0]}, index=pd.Index([21], name="horizon"))
    pred_is = SimpleNamespace(table=table, headline_pvalue=lambda h: 0.03)
    result = SimpleNamespace(
        assessment=SimpleNamespace(predictive_in_sample=pred_is),
        predictive=SimpleNamespace(headline_pvalue=lambda h: 0.2),
    )
    m = {
        "strategy": {"sharpe": 1.0},
        "oos": {"start": "2024-07-01"},
        "inference": {},
        "factor": {
            "horizon_days": 21,
            "predictive_beta": 0.9,
            "predictive": [{"horizon": 21, "pvalue_ivx": 0.06}],
            "predictive_full": [{"horizon": 21, "pvalue_ivx": 0.4}],
        },
    }
    out = S.name_samples(m, result)
    f = out["factor"]
    assert f["predictive_sample"] == "full" and f["predictive_pvalue_sample"] == "in_sample"
    assert f["predictive_beta_in_sample"] == 0.5 and f["predictive_tstat_hac_in_sample"] == 2.0
    assert f["predictive"][0]["pvalue_ivx_one_sided"] == 0.03
    assert f["predictive_full"][0]["pvalue_ivx_one_sided"] == 0.2
    assert f["pvalue_ivx_side"] == "two-sided" and f["predictive_pvalue_side"] == "one-sided"
    assert out["inference"]["sample_of"]["hac_alpha_tstat"] == "full"
    assert out["inference"]["sample_of"]["spa_pvalue"] == "in_sample"
    assert out["strategy"]["sample"] == "full" and "sample" not in m["strategy"]


def test_console_reads_in_sample_alpha_against_the_hurdle_and_the_held_out_sample():
    rep = InferenceReport(
        hurdle=3.1,
        n_trials=142,
        hurdle_trials=43.7,
        in_sample={"hac_alpha_tstat": 1.1, "sharpe_ci95": [-0.2, 1.0]},
        held_out_active={
            "start": "2024-07-01",
            "end": "2026-01-30",
            "n_days": 398,
            "sharpe": -0.3,
            "sharpe_diff": -0.2,
        },
        held_out={
            "oos_start": "2024-07-01",
            "is": {"sharpe": 1.0},
            "oos": {"sharpe": 2.56, "total_return": 0.1, "n_days": 500},
        },
    )
    text = rep.summary()
    assert "in-sample HAC alpha t=1.10 does not clear the in-sample hurdle 3.10 for 43.7" in text
    assert "in-sample 95% active Sharpe interval [-0.20, 1.00] includes zero" in text
    assert "held out 2024-07-01 to 2026-01-30 (398 days)" in text and "2.56" not in text
    assert pytest.approx(43.7) == rep.hurdle_trials

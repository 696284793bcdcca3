"""The verdict rule on hand-built metrics dictionaries."""

from __future__ import annotations

import copy

import pytest

from backtests.inference.verdict import DEFAULT_RULE, IN_SAMPLE_CHECKS, decide_verdict


def passing() -> dict:
    sample = {"n_days": 400, "active": {"sharpe_diff": 0.3}, "placebo_pvalue": 0.01}
    return {
        "data_source": "mirror",
        "synthetic": False,
        "period": {"start": "2015-01-02", "end": "2026-06-30"},
        "inference": {
            "benchmark": "fifty_fifty",
            "spa_pvalue": 0.01,
            "deflated_sharpe": 0.99,
            "pbo": 0.1,
        },
        "factor": {"predictive_pvalue": 0.01},
        "samples": {
            "in_sample": {"n_days": 2000, "active": {"sharpe_diff": 0.4}, "placebo_pvalue": 0.01},
            "held_out": copy.deepcopy(sample),
            "post_registration": copy.deepcopy(sample),
        },
    }


def test_every_check_passes_is_supported():
    v = decide_verdict(passing(), benchmark_label="the 50/50 mix")
    assert v["label"] == "supported"
    assert all(v["checks"].values())
    assert v["failed"] == [] and v["unavailable"] == []
    assert v["sentence"].startswith("Against the 50/50 mix")


@pytest.mark.parametrize(
    ("path", "value", "check"),
    [
        ("factor.predictive_pvalue", 0.2, "predictive"),
        ("inference.spa_pvalue", 0.06, "spa"),
        ("inference.deflated_sharpe", 0.94, "deflated_sharpe"),
        ("inference.pbo", 0.5, "pbo"),
        ("samples.in_sample.placebo_pvalue", 0.5, "placebo"),
        ("samples.in_sample.active.sharpe_diff", -0.01, "beats_benchmark"),
    ],
)
def test_one_failed_in_sample_check_is_not_supported(path, value, check):
    m = passing()
    cur = m
    *head, leaf = path.split(".")
    for part in head:
        cur = cur[part]
    cur[leaf] = value
    v = decide_verdict(m)
    assert v["label"] == "not supported"
    assert v["failed"] == [check]
    # the sentence names the failed check with its number
    assert str(value).lstrip("-")[:4] in v["sentence"] or f"{abs(value):.2f}" in v["sentence"]


def test_boundaries_follow_the_stated_levels():
    m = passing()
    m["factor"]["predictive_pvalue"] = DEFAULT_RULE["predictive_pvalue"]  # "at most": passes
    m["inference"]["deflated_sharpe"] = DEFAULT_RULE["deflated_sharpe"]  # "at least": passes
    m["inference"]["pbo"] = DEFAULT_RULE["pbo"] - 1e-12  # "below": passes
    assert decide_verdict(m)["label"] == "supported"


def test_short_post_registration_is_inconclusive():
    m = passing()
    m["samples"]["post_registration"] = {"n_days": 0, "active": {"sharpe_diff": None}}
    v = decide_verdict(m)
    assert v["label"] == "inconclusive"
    assert v["checks"]["post_registration_long_enough"] is False
    assert "post-registration sample has 0 days" in v["sentence"]


def test_later_contradiction_is_inconclusive_not_supported():
    m = passing()
    m["samples"]["held_out"]["active"]["sharpe_diff"] = -0.5
    v = decide_verdict(m)
    assert v["label"] == "inconclusive"
    assert v["failed"] == ["held_out_consistent"]


def test_rule_is_read_from_config_values():
    m = passing()
    m["factor"]["predictive_pvalue"] = 0.08
    assert decide_verdict(m)["label"] == "not supported"
    assert decide_verdict(m, {"predictive_pvalue": 0.10})["label"] == "supported"
    # without requiring post-registration data, an empty post-registration sample is fine
    m["samples"]["post_registration"] = {"n_days": 0, "active": {"sharpe_diff": None}}
    rule = {"predictive_pvalue": 0.10, "require_post_registration": False}
    assert decide_verdict(m, rule)["label"] == "supported"


def test_unavailable_checks_are_never_a_pass():
    m = passing()
    m["inference"]["spa_pvalue"] = None
    v = decide_verdict(m)
    assert v["label"] == "inconclusive"
    assert v["unavailable"] == ["spa"]
    m["inference"]["pbo"] = 0.9
    assert decide_verdict(m)["label"] == "not supported"


def test_checks_cover_the_documented_in_sample_set():
    v = decide_verdict(passing())
    assert set(IN_SAMPLE_CHECKS) <= set(v["checks"])
    assert "text" in v["rule"] and "0.05" in v["rule"]["text"]

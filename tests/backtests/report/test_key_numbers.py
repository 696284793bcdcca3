"""The notebooks' key numbers and their comparison with a report's metrics.json."""

from __future__ import annotations

import copy

from backtests.report.key_numbers import KEY_NUMBERS, compare_key_numbers, key_numbers, same_run

METRICS = {
    "spec_hash": "abc",
    "period": {"start": "2015-01-02", "end": "2026-01-30"},
    "provenance": {"prices/MU.csv": "00ff"},
    "verdict": {"label": "not supported"},
    "inference": {
        "placebo_pvalue": 0.5988023952095808,
        "trials": {"raw": 178, "distinct": 126, "effective": 4.08},
        "spa_pvalue": 0.228,
        "pbo": 0.07,
    },
    "coverage": {"capex_events": {"total": 160, "in_window": 134}},
}


def test_key_numbers_read_their_paths_and_tolerate_missing_ones():
    k = key_numbers(METRICS)
    assert set(k) == set(KEY_NUMBERS)
    assert k["trials, raw"] == 178 and k["capex events in the period"] == 134
    assert k["deflated Sharpe"] is None  # absent in this report


def test_compare_flags_the_one_number_that_differs():
    other = copy.deepcopy(METRICS)
    other["inference"]["placebo_pvalue"] = 0.673
    table = compare_key_numbers(METRICS, other)
    assert list(table.columns) == ["notebook", "report", "equal"]
    assert table.loc[~table["equal"]].index.tolist() == ["placebo p-value (in-sample)"]
    assert compare_key_numbers(METRICS, copy.deepcopy(METRICS))["equal"].all()


def test_same_run_needs_the_same_spec_period_and_files():
    assert same_run(METRICS, copy.deepcopy(METRICS))[0]
    for key, value in (
        ("spec_hash", "def"),
        ("period", {"start": "2016-01-04", "end": "2026-01-30"}),
        ("provenance", {"prices/MU.csv": "11ee"}),
    ):
        other = {**copy.deepcopy(METRICS), key: value}
        same, why = same_run(METRICS, other)
        assert not same and why.startswith("different")

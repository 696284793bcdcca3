"""Holm's adjustment: hand cases, NaN and order, an independent reference."""

from __future__ import annotations

import math

import numpy as np
import pytest
from statsmodels.stats.multitest import multipletests

from signals.mechanism import holm


def test_hand_case():
    # sorted: 0.005*4 = 0.02, 0.01*3 = 0.03, 0.03*2 = 0.06, 0.04*1 = 0.04 -> running max 0.06
    got = holm([0.01, 0.04, 0.03, 0.005])
    assert got == pytest.approx([0.03, 0.06, 0.06, 0.02])


def test_capped_at_one_and_monotone():
    assert holm([0.6, 0.7]) == [1.0, 1.0]
    assert holm([0.2]) == [0.2]
    assert holm([]) == []


def test_nan_passes_through_and_is_not_counted():
    got = holm([0.02, float("nan"), 0.5])
    assert got[0] == pytest.approx(0.04) and got[2] == pytest.approx(0.5)
    assert math.isnan(got[1])
    assert all(math.isnan(v) for v in holm([float("nan")] * 2))


def test_order_of_input_is_kept():
    p = [0.3, 0.001, 0.04, 0.02]
    perm = [2, 0, 3, 1]
    adj = holm(p)
    adj_perm = holm([p[i] for i in perm])
    assert adj_perm == pytest.approx([adj[i] for i in perm])


def test_matches_statsmodels_on_random_pvalues():
    rng = np.random.default_rng(0)
    for _ in range(20):
        p = rng.uniform(0, 0.2, size=rng.integers(1, 12))
        ref = multipletests(p, method="holm")[1]
        np.testing.assert_allclose(holm(list(p)), ref, rtol=1e-12)


def test_invalid_pvalue_raises():
    with pytest.raises(ValueError, match="1.5"):
        holm([0.1, 1.5])

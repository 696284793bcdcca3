"""Null calibration of the number of trials: exact maxima, the formula's inverse, clusters."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats

from backtests.inference.deflated import expected_max_sharpe
from backtests.inference.trial_null import (
    NullTrialCount,
    cluster_count,
    equivalent_trials,
    null_expected_max,
    null_trial_count,
    participation_ratio,
)
from data.errors import DataError

GAMMA = 0.5772156649015329  # Euler–Mascheroni


def _formula(n: float) -> float:
    """Bailey–López de Prado expected maximum of n standard normals, written out here."""
    return (1 - GAMMA) * stats.norm.ppf(1 - 1 / n) + GAMMA * stats.norm.ppf(1 - 1 / (n * math.e))


def _exact_max(k: int) -> float:
    """E[max of k iid N(0,1)] = int x k phi(x) Phi(x)^(k-1) dx, by quadrature."""
    f = lambda x: x * k * stats.norm.pdf(x) * stats.norm.cdf(x) ** (k - 1)  # noqa: E731
    return integrate.quad(f, -12, 12, limit=200)[0]


def _blocks(sizes, within=0.8, across=0.1):
    k = sum(sizes)
    c = np.full((k, k), across)
    start = 0
    for s in sizes:
        c[start : start + s, start : start + s] = within
        start += s
    np.fill_diagonal(c, 1.0)
    return c


@pytest.mark.parametrize("n", [2, 3, 5, 10, 162, 1000, 10**6])
def test_equivalent_trials_inverts_the_formula_for_integer_n(n):
    assert equivalent_trials(_formula(n)) == pytest.approx(n, rel=1e-9)
    assert equivalent_trials(expected_max_sharpe(n, 1.0)) == pytest.approx(n, rel=1e-9)


def test_equivalent_trials_edges():
    assert equivalent_trials(0.0) == 1.0 and equivalent_trials(-0.3) == 1.0
    with pytest.raises(ValueError, match="exceeds"):
        equivalent_trials(50.0)
    with pytest.raises(ValueError, match="finite"):
        equivalent_trials(float("nan"))


@pytest.mark.parametrize("rho", [-1.0, -0.5, 0.0, 0.6])
def test_null_expected_max_of_two_is_sqrt_of_one_minus_rho_over_pi(rho):
    # max(Z1, Z2) = (Z1 + Z2)/2 + |Z1 - Z2|/2 and Z1 - Z2 ~ N(0, 2(1 - rho))
    n_sims = 40_000
    m = null_expected_max(np.array([[1.0, rho], [rho, 1.0]]), n_sims=n_sims, seed=1)
    assert m == pytest.approx(math.sqrt((1 - rho) / math.pi), abs=4 * 1.0 / math.sqrt(n_sims))


def test_identity_gives_the_exact_maximum_and_the_formula_within_its_bias():
    k, n_sims = 10, 20_000
    m = null_expected_max(np.eye(k), n_sims=n_sims, seed=2)
    exact = _exact_max(k)  # 1.5388
    se = 0.6 / math.sqrt(n_sims)
    assert m == pytest.approx(exact, abs=4 * se)
    # the formula overstates the exact maximum by about 2.3% at N = 10 (deflated.py)
    assert _formula(k) / exact - 1 == pytest.approx(0.023, abs=0.003)
    assert m == pytest.approx(_formula(k), rel=0.03)
    # so the count that reproduces the calibrated maximum is a little below 10
    assert 8.5 < equivalent_trials(m) < 10


def test_perfectly_correlated_trials_have_expected_max_zero():
    n_sims = 10_000
    m = null_expected_max(np.ones((20, 20)), n_sims=n_sims, seed=3)
    assert abs(m) < 4 / math.sqrt(n_sims)
    assert null_expected_max(np.ones((1, 1)), n_sims=n_sims, seed=3) == pytest.approx(m)


def test_blocks_of_copies_count_as_the_blocks():
    # 3 uncorrelated blocks of 4 perfect copies: the maximum of 3 independent normals
    c = np.kron(np.eye(3), np.ones((4, 4)))
    m = null_expected_max(c, n_sims=40_000, seed=4)
    assert m == pytest.approx(3 / (2 * math.sqrt(math.pi)), abs=4 * 0.7 / math.sqrt(40_000))
    assert equivalent_trials(m) == pytest.approx(equivalent_trials(_exact_max(3)), rel=0.03)
    assert participation_ratio(c) == pytest.approx(3.0)


def test_a_matrix_that_is_not_psd_is_repaired():
    c = np.array([[1.0, 0.9, -0.9], [0.9, 1.0, 0.9], [-0.9, 0.9, 1.0]])
    assert np.linalg.eigvalsh(c).min() < 0
    m = null_expected_max(c, n_sims=5_000, seed=5)
    assert 0 < m < _exact_max(3)
    with pytest.raises(ValueError, match="symmetric"):
        null_expected_max(np.array([[1.0, 0.2], [0.5, 1.0]]), seed=0)
    with pytest.raises(ValueError, match="unit diagonal"):
        null_expected_max(2 * np.eye(2), seed=0)


def test_participation_ratio_by_hand():
    assert participation_ratio(np.eye(7)) == pytest.approx(7.0)
    assert participation_ratio(np.ones((7, 7))) == pytest.approx(1.0)
    c = np.array([[1.0, 0.5], [0.5, 1.0]])
    assert participation_ratio(c) == pytest.approx(4 / 2.5)


@pytest.mark.parametrize("sizes", [(4, 4, 4), (5, 3, 7), (2, 9), (3, 3, 3, 3, 3)])
def test_cluster_count_finds_the_blocks(sizes):
    assert cluster_count(_blocks(sizes)) == len(sizes)
    assert cluster_count(_blocks(sizes, within=1.0, across=0.0)) == len(sizes)


def test_cluster_count_without_structure():
    assert cluster_count(np.eye(9)) == 9
    assert cluster_count(np.ones((9, 9))) == 1
    assert cluster_count(np.eye(1)) == 1


def test_cluster_count_on_estimated_correlations_of_simulated_groups():
    rng = np.random.default_rng(6)
    t = 1000
    common = rng.normal(size=(t, 4))
    cols = [common[:, g] + 0.5 * rng.normal(size=t) for g in (0, 0, 0, 1, 1, 2, 2, 2, 2, 3)]
    corr = np.corrcoef(np.column_stack(cols), rowvar=False)
    assert cluster_count(corr) == 4
    noise = np.corrcoef(rng.normal(size=(t, 12)), rowvar=False)
    assert cluster_count(noise) == 12


def test_null_trial_count_on_a_sweep_with_copies_and_a_constant_trial():
    rng = np.random.default_rng(7)
    idx = pd.bdate_range("2020-01-01", periods=500)
    base = rng.normal(0, 0.01, (500, 3))
    trials = pd.DataFrame(
        {
            "a": base[:, 0],
            "a_copy": base[:, 0],
            "b": base[:, 1],
            "b_near": base[:, 1] + 0.001 * rng.normal(size=500),
            "c": base[:, 2],
            "cash": 0.0,
        },
        index=idx,
    )
    tc = null_trial_count(trials, n_sims=20_000, seed=8)
    assert isinstance(tc, NullTrialCount)
    assert (tc.raw, tc.distinct, tc.n_constant, tc.clusters) == (6, 4, 1, 3)
    # three near-independent groups: the calibrated count is the count of 3 independent ones
    assert tc.null_equivalent == pytest.approx(equivalent_trials(_exact_max(3)), rel=0.05)
    assert 2.5 < tc.participation < 3.5
    assert "null-equivalent" in tc.summary() and str(tc) == tc.summary()
    with pytest.raises(DataError, match="constant"):
        null_trial_count(trials[["cash"]])

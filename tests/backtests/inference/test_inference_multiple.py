"""Multiple-testing hurdles and haircuts against normal-table values and hand arithmetic."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from backtests.inference import adjust_pvalues, haircut_sharpe, pvalue_threshold, tstat_hurdle


def test_bonferroni_hurdles_from_the_normal_table():
    assert tstat_hurdle(1) == pytest.approx(1.959964, abs=1e-6)  # z_0.975
    assert tstat_hurdle(10) == pytest.approx(2.807034, abs=1e-6)  # z_(1 - 0.0025)
    assert tstat_hurdle(1, alpha=0.01) == pytest.approx(2.575829, abs=1e-6)  # z_0.995
    # Harvey, Liu & Zhu (2016): Bonferroni hurdle for their 316 factors is about 3.78
    assert tstat_hurdle(316) == pytest.approx(3.78, abs=0.01)


def test_holm_and_bhy_by_rank():
    # Holm: the best result faces Bonferroni, the last one the single-test hurdle
    assert tstat_hurdle(10, method="holm") == pytest.approx(tstat_hurdle(10))
    assert tstat_hurdle(10, method="holm", rank=10) == pytest.approx(1.959964, abs=1e-6)
    # BHY: c(10) = 7381/2520 = 2.928968; rank 1 threshold 0.05 / (10 c(10)) = 0.0017071
    assert pvalue_threshold(10, method="bhy") == pytest.approx(0.05 / (10 * 7381 / 2520))
    assert pvalue_threshold(10, method="bhy") == pytest.approx(0.0017071, abs=1e-7)
    # rank 10: 10 * 0.05 / (10 c(10)) = 0.05 / 2.928968 = 0.017071
    assert pvalue_threshold(10, method="bhy", rank=10) == pytest.approx(0.017071, abs=1e-6)
    assert tstat_hurdle(10, method="bhy") > tstat_hurdle(10)  # worst case is stricter
    hurdles = [tstat_hurdle(n) for n in (1, 2, 10, 100, 1000)]
    assert hurdles == sorted(hurdles)


def test_adjusted_pvalues_by_hand():
    np.testing.assert_allclose(adjust_pvalues([0.01, 0.04]), [0.02, 0.08])
    # Holm on (0.01, 0.04, 0.03): sorted 0.01*3 = 0.03, 0.03*2 = 0.06, 0.04*1 -> max 0.06
    np.testing.assert_allclose(
        adjust_pvalues([0.01, 0.04, 0.03], method="holm"), [0.03, 0.06, 0.06]
    )
    # BHY on (0.01, 0.02): BH gives 0.02, 0.02; times c(2) = 1.5 -> 0.03, 0.03
    np.testing.assert_allclose(adjust_pvalues([0.01, 0.02], method="bhy"), [0.03, 0.03])
    with pytest.raises(ValueError, match="`pvalues`"):
        adjust_pvalues([0.5, 1.5])


def test_haircut_by_hand():
    # SR 1 over 10 years: t = sqrt(10) = 3.1623, p = 0.0015654; 10 trials -> p = 0.015654,
    # t = 2.4167, SR = 2.4167 / sqrt(10) = 0.7642, haircut 23.6%
    h = haircut_sharpe(1.0, n_obs=2520, n_trials=10)
    assert h.pvalue == pytest.approx(0.0015654, abs=1e-6)
    assert h.adjusted_pvalue == pytest.approx(0.015654, abs=1e-5)
    assert h.adjusted_sharpe == pytest.approx(0.7642, abs=1e-3)
    assert h.haircut == pytest.approx(0.2358, abs=1e-3)
    assert haircut_sharpe(1.0, n_obs=2520, n_trials=1).haircut == pytest.approx(0.0, abs=1e-12)
    gone = haircut_sharpe(0.3, n_obs=504, n_trials=1000)
    assert gone.adjusted_sharpe == 0.0 and gone.haircut == 1.0
    assert "haircut" in str(h)
    # consistency with the hurdle: a Sharpe whose t sits exactly on the Bonferroni hurdle for
    # 20 trials has adjusted p = 0.05, i.e. an adjusted t of 1.96
    t = tstat_hurdle(20)
    edge = haircut_sharpe(t / np.sqrt(5), n_obs=1260, n_trials=20)
    assert edge.adjusted_pvalue == pytest.approx(0.05)
    assert edge.adjusted_sharpe * np.sqrt(5) == pytest.approx(stats.norm.isf(0.025))


def test_validation_names_the_parameter():
    with pytest.raises(ValueError, match="`alpha`"):
        tstat_hurdle(10, alpha=0.0)
    with pytest.raises(ValueError, match="`method`"):
        tstat_hurdle(10, method="sidak")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="`n_trials`"):
        tstat_hurdle(0)
    with pytest.raises(ValueError, match="`rank`"):
        tstat_hurdle(5, method="holm", rank=6)
    with pytest.raises(ValueError, match="`sharpe`"):
        haircut_sharpe(float("nan"), n_obs=100, n_trials=3)

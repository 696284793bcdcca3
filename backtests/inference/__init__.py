"""Inference: is the rotation's edge real, or chance and parameter search.

Pure statistical functions over return series and trial matrices, one module per concept;
each returns a frozen result object with ``.summary()``:

- :func:`hac_alpha` (``alpha``): OLS alpha on benchmarks with Newey-West errors.
- :func:`sharpe_ci` (``bootstrap``): stationary-bootstrap interval of the Sharpe ratio.
- :func:`deflated_sharpe`, :func:`probabilistic_sharpe` (``psr``): Sharpe deflated for the
  number of trials (Bailey & Lopez de Prado); :func:`deflate_sweep` (``deflated``) deflates
  the default spec and the in-sample best with effective trial counts.
- :func:`pbo` (``pbo``): probability of backtest overfitting by CSCV.
- :func:`placebo_test` (``placebo``): real factor vs. shifted or block-shuffled factors.
- :func:`walk_forward`, :func:`held_out`, :func:`split_is_oos` (``walkforward``).
- :func:`tstat_hurdle`, :func:`haircut_sharpe` (``multiple``): multiple-testing hurdles.
- :func:`power_study` (``power``): size and power of a test by simulation.
- :func:`sharpe_diff_test` (``sharpe_diff``): Ledoit-Wolf (2008) test of a strategy's Sharpe
  against a benchmark's (studentized circular block bootstrap in ``sharpe_diff_bootstrap``,
  HAC delta-method SE in ``sharpe_diff_hac``).
- :func:`data_snooping`, :func:`spa_test`, :func:`stepm_test` (``snooping``): Hansen's SPA and
  Romano-Wolf StepM over a sweep against a benchmark (vectorized, or ``arch`` itself); the
  active-return matrix in ``snooping_active``, the result objects in ``snooping_results``.
- :func:`count_trials` (``trials``): raw, distinct and effective number of trials.
- :class:`InferenceReport` (``suite``): everything for one run, and ``metrics.json`` keys.

Sharpe ratios are of the returns as given (no risk-free rate subtracted), ``ddof=1``,
annualized with 252 periods a year unless ``periods_per_year`` says otherwise. Invalid
arguments raise ``ValueError`` naming the parameter; invalid data raise
``data.errors.DataError`` naming the input; data after ``oos_start`` given to a tuning
function raises ``data.errors.LookAheadError``.
"""

from backtests.inference.alpha import AlphaResult, hac_alpha, newey_west_lags
from backtests.inference.bootstrap import SharpeCI, auto_block_length, sharpe_ci, sharpe_se_iid
from backtests.inference.deflated import (
    DeflatedSharpe,
    DeflatedTrials,
    deflate_sweep,
    deflated_sharpe,
    expected_max_sharpe,
    probabilistic_sharpe,
)
from backtests.inference.multiple import (
    Haircut,
    adjust_pvalues,
    haircut_sharpe,
    pvalue_threshold,
    tstat_hurdle,
)
from backtests.inference.pbo import PBOResult, pbo
from backtests.inference.placebo import (
    PlaceboResult,
    placebo_factors,
    placebo_test,
    placebo_test_vectorized,
)
from backtests.inference.power import PowerResult, power_study
from backtests.inference.sharpe_diff import (
    SharpeDiffResult,
    auto_diff_block_length,
    sharpe_diff_se,
    sharpe_diff_test,
)
from backtests.inference.snooping import (
    DataSnooping,
    SPAResult,
    StepMResult,
    data_snooping,
    snooping_block_length,
    spa_test,
    stepm_test,
)
from backtests.inference.suite import InferenceReport
from backtests.inference.trials import TrialCount, count_trials, effective_trials
from backtests.inference.walkforward import (
    WalkForwardResult,
    held_out,
    split_is_oos,
    walk_forward,
)

__all__ = [
    "AlphaResult",
    "DataSnooping",
    "DeflatedSharpe",
    "DeflatedTrials",
    "Haircut",
    "InferenceReport",
    "PBOResult",
    "PlaceboResult",
    "PowerResult",
    "SPAResult",
    "SharpeCI",
    "SharpeDiffResult",
    "StepMResult",
    "TrialCount",
    "WalkForwardResult",
    "adjust_pvalues",
    "auto_block_length",
    "auto_diff_block_length",
    "count_trials",
    "data_snooping",
    "deflate_sweep",
    "deflated_sharpe",
    "effective_trials",
    "expected_max_sharpe",
    "hac_alpha",
    "haircut_sharpe",
    "held_out",
    "newey_west_lags",
    "pbo",
    "placebo_factors",
    "placebo_test",
    "placebo_test_vectorized",
    "power_study",
    "probabilistic_sharpe",
    "pvalue_threshold",
    "sharpe_ci",
    "sharpe_diff_se",
    "sharpe_diff_test",
    "sharpe_se_iid",
    "snooping_block_length",
    "spa_test",
    "split_is_oos",
    "stepm_test",
    "tstat_hurdle",
    "walk_forward",
]

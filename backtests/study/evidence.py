"""Benchmark-relative evidence per sample: the strategy, its benchmark and the active return.

The rotation is always long a risky basket, so a test against zero measures beta, not
timing. Every statistic here is on the **active return**, the strategy's daily return minus
the declared benchmark's (``inference.benchmark``, default the 50/50 mix), and is computed on
each sample of :mod:`backtests.inference.samples` apart.

Per sample: the strategy's and the benchmark's statistics, and ``active``:
``sharpe`` (of the daily active returns, annualized: the information ratio),
``total_return`` (relative wealth ``(1 + R_strategy) / (1 + R_benchmark) - 1``),
``hac_alpha_tstat`` (Newey-West t of the intercept of active returns on the benchmark's
returns: Jensen's alpha against it), ``sharpe_diff`` (the strategy's Sharpe minus the
benchmark's) and ``sharpe_diff_ci95`` (its interval from the Ledoit-Wolf studentized block
bootstrap, :func:`backtests.inference.sharpe_diff_test`). Every number is recomputable from
``returns.csv``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from backtests.engines.result import BacktestResult
from backtests.engines.stats import STAT_NAMES, summary_stats
from backtests.engines.stats import sharpe as sharpe_ratio
from backtests.inference import hac_alpha, sharpe_ci, sharpe_diff_test
from backtests.inference.samples import Sample
from data.errors import DataError

log = logging.getLogger(__name__)

STAT_KEYS = tuple(k for k in STAT_NAMES if k not in ("exposure", "n_rebalances"))
MIN_DAYS = 30  # below this a sample's inferential statistics are not computed


def active_returns(strategy: pd.Series, benchmark: pd.Series) -> pd.Series:
    """Daily active return ``strategy - benchmark`` on common dates."""
    s, b = strategy.align(benchmark, join="inner")
    return (s - b).rename("active")


def sample_stats(result: BacktestResult, sample: Sample) -> dict[str, Any]:
    """Statistics of a backtest restricted to one sample (None everywhere when empty)."""
    if sample.n_days < 2:
        return {k: None for k in STAT_KEYS}
    rets = sample.take(result.returns)
    out = summary_stats(
        rets,
        turnover=sample.take(result.turnover),
        gross=sample.take(result.gross_exposure),
    )
    return {k: float(out[k]) for k in STAT_KEYS}


def relative_total_return(strategy: pd.Series, benchmark: pd.Series) -> float:
    """``(1 + R_strategy) / (1 + R_benchmark) - 1`` over the common dates."""
    s, b = strategy.align(benchmark, join="inner")
    return float((1.0 + s).prod() / (1.0 + b).prod() - 1.0)


def active_block(
    strategy: pd.Series,
    benchmark: pd.Series,
    *,
    reps: int,
    level: float,
    block_length: float | None,
    hac_lags: int | None,
    seed: int,
) -> dict[str, Any]:
    """Return the ``active`` statistics of one sample (see the module docstring).

    Parameters
    ----------
    strategy, benchmark : Series
        Daily returns of the strategy and the benchmark over the sample.
    reps, level, block_length, seed
        Bootstrap settings of the Sharpe-difference interval.
    hac_lags : int or None
        Newey-West lags of the alpha (None: the Newey-West rule).

    Returns
    -------
    dict
        ``sharpe, total_return, hac_alpha_tstat, hac_alpha_ann, sharpe_ci95, sharpe_diff,
        sharpe_diff_ci95, sharpe_diff_pvalue`` (None where the sample is too short):
        ``hac_alpha_*`` is the Newey–West alpha of the sample's active returns on the
        benchmark's, ``sharpe_ci95`` the stationary-bootstrap interval of the sample's
        active Sharpe (both of this sample only).
    """
    empty = {
        "sharpe": None,
        "total_return": None,
        "hac_alpha_tstat": None,
        "hac_alpha_ann": None,
        "sharpe_ci95": None,
        "sharpe_diff": None,
        "sharpe_diff_ci95": None,
        "sharpe_diff_pvalue": None,
    }
    s, b = strategy.align(benchmark, join="inner")
    if len(s) < 2:
        return empty
    act = s - b
    out = dict(empty)
    out["sharpe"] = float(sharpe_ratio(act)) if act.std() > 0 else None
    out["total_return"] = relative_total_return(s, b)
    out["sharpe_diff"] = float(sharpe_ratio(s) - sharpe_ratio(b))
    if len(s) < MIN_DAYS or out["sharpe"] is None:
        return out
    try:
        alpha = hac_alpha(act, b.rename("benchmark").to_frame(), lags=hac_lags)
        out["hac_alpha_tstat"] = float(alpha.tstat)
        out["hac_alpha_ann"] = float(alpha.alpha_ann)
    except (DataError, ValueError) as exc:
        log.info("active alpha not computed: %s", exc)
    try:
        ci = sharpe_ci(act, reps=reps, seed=seed, level=level, block_length=block_length)
        out["sharpe_ci95"] = [float(ci.lower), float(ci.upper)]
    except (DataError, ValueError) as exc:
        log.info("active Sharpe interval not computed: %s", exc)
    try:
        diff = sharpe_diff_test(
            s,
            b,
            reps=reps,
            level=level,
            block_length=None if block_length is None else max(1, round(block_length)),
            seed=seed,
        )
        out["sharpe_diff"] = float(diff.diff)
        out["sharpe_diff_ci95"] = [float(diff.ci[0]), float(diff.ci[1])]
        out["sharpe_diff_pvalue"] = float(diff.pvalue)
    except (DataError, ValueError) as exc:
        log.info("Sharpe difference test not computed: %s", exc)
    return out


def sample_blocks(
    strategy: BacktestResult,
    benchmark: BacktestResult,
    samples: dict[str, Sample],
    *,
    placebo: Callable[[Sample], float | None],
    reps: int,
    level: float,
    block_length: float | None,
    hac_lags: int | None,
    seed: int,
) -> dict[str, dict[str, Any]]:
    """Return the ``samples`` block of ``metrics.json``.

    Parameters
    ----------
    strategy, benchmark : BacktestResult
        The default rotation and the declared benchmark over the whole backtest.
    samples : dict of str to Sample
        :func:`backtests.inference.samples.split_samples` of the backtest index.
    placebo : callable
        Sample -> placebo p-value of the active Sharpe on that sample alone (or None).
    reps, level, block_length, hac_lags, seed
        Passed to :func:`active_block`.

    Returns
    -------
    dict
        Sample name -> ``{start, end, n_days, strategy, benchmark, active, placebo_pvalue}``.
    """
    out: dict[str, dict[str, Any]] = {}
    for name, smp in samples.items():
        block: dict[str, Any] = {
            "start": None if smp.empty else smp.start.strftime("%Y-%m-%d"),
            "end": None if smp.empty else smp.end.strftime("%Y-%m-%d"),
            "n_days": int(smp.n_days),
            "strategy": sample_stats(strategy, smp),
            "benchmark": sample_stats(benchmark, smp),
        }
        if smp.empty:
            block["active"] = active_block(
                strategy.returns.iloc[0:0],
                benchmark.returns.iloc[0:0],
                reps=reps,
                level=level,
                block_length=block_length,
                hac_lags=hac_lags,
                seed=seed,
            )
            block["placebo_pvalue"] = None
        else:
            block["active"] = active_block(
                smp.take(strategy.returns),
                smp.take(benchmark.returns),
                reps=reps,
                level=level,
                block_length=block_length,
                hac_lags=hac_lags,
                seed=seed,
            )
            block["placebo_pvalue"] = placebo(smp) if smp.n_days >= MIN_DAYS else None
        out[name] = block
    return out


def beta_to(strategy: pd.Series, benchmark: pd.Series) -> float:
    """OLS beta of the strategy's daily returns on the benchmark's."""
    s, b = strategy.align(benchmark, join="inner")
    v = float(np.var(b.to_numpy(), ddof=1))
    return float(np.cov(s.to_numpy(), b.to_numpy(), ddof=1)[0, 1] / v) if v > 0 else float("nan")

"""The configured rotation driven by many factors at once (placebos, ablation variants).

Each column of a factor table is one trial of the sweep machinery (:mod:`backtests.sweep`),
every other parameter from the configuration; the sweep's engine (numba by default) is
checked against the reference engine in the tests.

Timing
------
Each factor must itself be point-in-time (a placebo moves real values in time; a variant
reweights components); targets decided at close t trade at t + ``execution_lag``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from backtests.engines.stats import sharpe as sharpe_ratio
from backtests.rotation.prices import Prices
from backtests.sweep.core import run_sweep
from data.config import Config


def variant_returns(
    factors: pd.DataFrame,
    prices: pd.DataFrame | Prices,
    cfg: Config,
    cash_rate: pd.Series | None,
) -> pd.DataFrame:
    """Daily net returns of the configured rotation driven by each column of ``factors``.

    The columns (placebo factors, ablation variants) are simulated together by the sweep
    machinery with ``[sweep] engine`` (numba by default, checked against the reference
    engine in the tests): each column is the factor of one trial, every other parameter
    from ``cfg``.

    Parameters
    ----------
    factors : DataFrame
        Dates x k factors on ``prices.index``.
    prices : DataFrame or Prices
        Backtest prices (a :class:`~backtests.rotation.prices.Prices` is not checked again).
    cfg : Config
        The rotation's configuration.
    cash_rate : Series or None
        Cash rate known at each date.

    Returns
    -------
    DataFrame
        Dates x k returns, columns as in ``factors``.
    """
    cols = [factors.iloc[:, i] for i in range(factors.shape[1])]
    grid = {
        "zscore_window": [int(cfg.factor.zscore_window)],
        "change_window": list(range(len(cols))),
    }

    def column(_zscore_window: int, i: int) -> pd.Series:
        return cols[int(i)]

    res = run_sweep(
        prices,
        column,
        grid,
        cfg,
        engine=str(cfg.sweep.get("engine", "numba")),
        chunk_size=int(cfg.sweep.chunk_size),
        cash_rate=cash_rate,
    )
    out = res.returns.copy()
    out.columns = list(factors.columns)
    return out


def factor_variant_sharpes(
    factors: pd.DataFrame,
    prices: pd.DataFrame | Prices,
    cfg: Config,
    cash_rate: pd.Series | None,
    *,
    benchmark: pd.Series | None = None,
) -> np.ndarray:
    """Sharpe ratio of the configured rotation driven by each column of ``factors``.

    See :func:`variant_returns`; with ``benchmark`` (daily returns on ``prices.index``) the
    Sharpe ratio is of the active return (rotation minus benchmark).

    Returns
    -------
    ndarray
        k annualized Sharpe ratios in column order.
    """
    rets = variant_returns(factors, prices, cfg, cash_rate)
    if benchmark is not None:
        rets = rets.sub(benchmark.reindex(rets.index), axis=0)
    # all columns at once: each column is reduced as it would be alone (engines.stats)
    return np.asarray(sharpe_ratio(rets.to_numpy(dtype=float)), float)

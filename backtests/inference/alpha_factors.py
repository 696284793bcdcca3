"""Alpha of the active return against factor returns (Fama–French five factors and momentum).

A rotation that is long a risky basket can look good because it loads on the market, on
small caps, on value or on momentum. Regressing its daily active return on the factor
returns (``Mkt-RF, SMB, HML, RMW, CMA, Mom``, or a trend rotation's returns) leaves the
intercept as the return none of them explains; its t-statistic uses Newey–West errors
(:func:`backtests.inference.alpha.hac_alpha` does the fit).

Timing
------
A full-sample test of realized returns; nothing from it feeds a trading decision.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from backtests.inference._common import PERIODS_PER_YEAR
from backtests.inference.alpha import hac_alpha
from data.errors import DataError


def factor_alpha(
    active: pd.Series,
    factors: pd.DataFrame,
    *,
    periods_per_year: int = PERIODS_PER_YEAR,
    hac_lags: int | None = None,
) -> dict[str, Any]:
    """OLS of daily active returns on factor returns; annualized alpha with its HAC t.

    Parameters
    ----------
    active : Series
        Daily active returns (strategy minus benchmark), decimal.
    factors : DataFrame
        Daily factor returns, one column each, **decimal** (Ken French files are in percent:
        divide by 100). Aligned on dates with ``active``; incomplete rows are dropped.
    periods_per_year : int
        ``alpha_ann = alpha * periods_per_year``.
    hac_lags : int, optional
        Newey–West lags; None for the rule ``floor(4 (n/100)^(2/9))``.

    Returns
    -------
    dict
        ``alpha_ann`` (simple annualized intercept), ``tstat`` (its HAC t), ``pvalue``
        (two-sided), ``betas`` (factor name -> slope), ``r2``, ``n`` (rows used), ``lags``.

    Raises
    ------
    DataError
        ``factors`` is not a non-empty DataFrame, holds a daily return beyond ±100% (percent
        units or a -99.99 missing code), or too few rows align.

    Examples
    --------
    >>> res = factor_alpha(active, french[["Mkt-RF", "SMB", "HML", "RMW", "CMA", "Mom"]] / 100)
    ... # doctest: +SKIP
    >>> res["alpha_ann"], res["tstat"]  # doctest: +SKIP
    """
    if not isinstance(factors, pd.DataFrame) or factors.shape[1] == 0:
        raise DataError("expected a DataFrame with at least one factor column", source="factors")
    try:
        f = factors.astype(float)
    except (TypeError, ValueError) as exc:
        raise DataError("factor returns must be numeric", source="factors") from exc
    big = np.abs(f.to_numpy()) > 1.0
    if big.any():
        i, j = np.argwhere(big)[0]
        raise DataError(
            f"factor `{f.columns[j]}` has a daily return of {f.iat[i, j]} (beyond ±100%): "
            "pass decimal returns (French files are in percent; divide by 100) and drop "
            "missing codes such as -99.99",
            source="factors",
            row=str(f.index[i]),
        )
    res = hac_alpha(active, f, lags=hac_lags, periods_per_year=periods_per_year)
    return {
        "alpha_ann": res.alpha_ann,
        "tstat": res.tstat,
        "pvalue": res.pvalue,
        "betas": dict(res.betas),
        "r2": res.r2,
        "n": res.n,
        "lags": res.lags,
    }

"""Trading costs and carry: fees by asset class, slippage, borrow on shorts, interest on cash.

Fees and slippage act inside the simulation (per-column fee rates on traded notional, fill
prices moved against the trade). Borrow and cash interest are a documented post-step on
daily returns, applied identically for every engine by
:func:`backtests.engines.simulation.net_returns`:

- **interest on cash**: ``cash_rate`` is an annual percent (e.g. the effective fed funds
  rate, as known at each date); the return of day t gets ``cash[t-1] / equity[t-1] x
  rate[t-1] / 100 x days / 360``, where ``days`` is the number of calendar days from t-1 to
  t (act/360, the money-market convention: a Monday accrues three days);
- **borrow**: ``short notional[t-1] / equity[t-1] x borrow_bps_annual / 1e4 x days / 360``
  is subtracted.

No carry accrues on the first bar (no previous day in the sample).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from backtests.rotation.spec import RotationSpec
from data.errors import DataError

DAY_COUNT = 360.0
"""Act/360: carry accrues calendar days / 360 of the annual rate."""


def fee_rates(columns: list[str] | tuple[str, ...], spec: RotationSpec) -> np.ndarray:
    """Fee per column as a fraction of traded notional (``crypto_bps`` or ``equity_bps``).

    Examples
    --------
    >>> fee_rates(["MU", "BTC-USD"], RotationSpec()).tolist()
    [0.0005, 0.0015]
    """
    return np.array([spec.fee_rate(c) for c in columns], dtype=float)


def slippage_rates(columns: list[str] | tuple[str, ...], spec: RotationSpec) -> np.ndarray:
    """Slippage per column as a fraction of the price (one rate for every ticker)."""
    return np.full(len(columns), spec.slippage, dtype=float)


def day_fractions(index: pd.DatetimeIndex) -> np.ndarray:
    """Calendar days since the previous bar over 360 (0 on the first bar)."""
    out = np.zeros(len(index))
    if len(index) > 1:
        out[1:] = np.diff(index.asi8) / (86_400 * 10**9) / DAY_COUNT
    return out


def carry_accruals(
    index: pd.DatetimeIndex,
    spec: RotationSpec,
    cash_rate: pd.Series | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Per-bar accrual factors of cash interest and of the borrow fee.

    Parameters
    ----------
    index : DatetimeIndex
        Bars of the backtest.
    spec : RotationSpec
        Gives ``borrow_bps_annual``.
    cash_rate : Series, optional
        Annual percent paid on cash, on (a superset of) ``index``, as known at each date.
        None: no interest.

    Returns
    -------
    cash_accrual, borrow_accrual : ndarray, shape (T,)
        Fractions accrued over (t-1, t]: ``rate[t-1] / 100 x days / 360`` and
        ``borrow_bps_annual / 1e4 x days / 360``.

    Timing
    ------
    The rate for day t is the one known at close t-1 (set at the start of the period).
    """
    frac = day_fractions(index)
    borrow = frac * float(spec.borrow_bps_annual) / 1e4
    if cash_rate is None:
        return np.zeros(len(index)), borrow
    if not isinstance(cash_rate, pd.Series):
        raise DataError(
            f"`cash_rate` must be a pandas Series, got {type(cash_rate).__name__}",
            source="cash_rate",
        )
    rate = cash_rate.reindex(index).to_numpy(dtype=float)
    missing = np.flatnonzero(np.isnan(rate[:-1])) if len(rate) > 1 else np.array([], int)
    if len(missing):
        raise DataError(
            "cash rate is missing (NaN or absent) on a backtest date; fill it (e.g. 0 or "
            "forward-fill) before passing it",
            source="cash_rate",
            row=str(index[missing[0]].date()),
        )
    cash = np.zeros(len(index))
    cash[1:] = rate[:-1] / 100.0 * frac[1:]
    return cash, borrow

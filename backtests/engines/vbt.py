"""The vectorbt engine: ``vectorbt.Portfolio.from_orders`` with every setting passed explicitly.

Nothing here reads or writes ``vbt.settings``: each argument that has a global default is
given, so results do not depend on the machine or on another module's settings. The
accounting is described in :mod:`backtests.engines.simulation`; :mod:`backtests.engines.reference`
reimplements it independently and the tests hold the two to 1e-10 on daily returns.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from backtests.engines.simulation import ORDER_DTYPE, SimOutput


def _explicit_kwargs(init_cash: float) -> dict[str, Any]:
    """Every ``from_orders`` setting that would otherwise come from ``vbt.settings``."""
    return dict(
        size_type="targetpercent",
        direction="both",
        price=np.inf,  # fill at the bar's close
        fixed_fees=0.0,
        min_size=0.0,  # the settings default (1e-8 shares) would drop small rebalances
        max_size=np.inf,
        size_granularity=np.nan,
        reject_prob=0.0,
        lock_cash=False,
        allow_partial=True,
        raise_reject=False,
        log=False,
        val_price=np.inf,  # value at the bar's close
        init_cash=float(init_cash),
        cash_sharing=True,
        call_seq="auto",  # sells before buys
        ffill_val_price=True,
        update_value=False,  # every target is a fraction of the pre-trade value
        init_temp_records=False,
        seed=None,
        freq="1D",
        attach_call_seq=False,
        fillna_close=True,
        engine="numba",
    )


def portfolio(
    close: pd.DataFrame,
    size: pd.DataFrame,
    fees: np.ndarray,
    slippage: np.ndarray,
    init_cash: float,
    *,
    group_by: Any = True,
) -> Any:
    """Build the ``vectorbt.Portfolio`` (columns of ``close`` grouped by ``group_by``).

    Parameters
    ----------
    close : DataFrame, shape (T, M)
        Closes (NaN when no price).
    size : DataFrame, shape (T, M)
        Lagged target fractions of equity (NaN = hold).
    fees, slippage : ndarray, shape (M,)
        Fractions per column.
    init_cash : float
        Starting cash per group.
    group_by : True or array of group labels, keyword-only
        One portfolio (True) or several sharing nothing but the call.

    Returns
    -------
    vectorbt.Portfolio
    """
    import vectorbt as vbt

    n_cols = close.shape[1]
    kwargs = _explicit_kwargs(init_cash)
    # at most one order per non-NaN target: size the record buffer to that, not T x M
    max_orders = max(1, int(np.count_nonzero(~np.isnan(size.to_numpy()))))
    return vbt.Portfolio.from_orders(
        close=close,
        size=size,
        fees=np.asarray(fees, dtype=float).reshape(1, n_cols),
        slippage=np.asarray(slippage, dtype=float).reshape(1, n_cols),
        group_by=group_by,
        max_orders=max_orders,
        **kwargs,
    )


def _orders(pf: Any) -> np.ndarray:
    rec = pf.order_records
    out = np.zeros(len(rec), dtype=ORDER_DTYPE)
    out["idx"] = rec["idx"]
    out["col"] = rec["col"]
    out["size"] = np.where(rec["side"] == 1, -rec["size"], rec["size"])
    out["price"] = rec["price"]
    out["fees"] = rec["fees"]
    return out


def simulate(
    close: np.ndarray,
    size: np.ndarray,
    fees: np.ndarray,
    slippage: np.ndarray,
    init_cash: float,
) -> SimOutput:
    """Simulate one portfolio with vectorbt (same signature as the reference engine).

    Timing
    ------
    An order at bar t uses the close of bar t only (the caller has lagged the targets).
    """
    close_df = pd.DataFrame(np.asarray(close, dtype=float))
    size_df = pd.DataFrame(np.asarray(size, dtype=float))
    pf = portfolio(close_df, size_df, fees, slippage, init_cash, group_by=True)
    return SimOutput(
        value=np.asarray(pf.value(), dtype=float).reshape(-1),
        cash=np.asarray(pf.cash(), dtype=float).reshape(-1),
        assets=np.asarray(pf.assets(), dtype=float),
        orders=_orders(pf),
    )


def simulate_many(
    close: np.ndarray,
    size: np.ndarray,
    fees: np.ndarray,
    slippage: np.ndarray,
    init_cash: float,
    *,
    block: int = 100,
) -> dict[str, np.ndarray]:
    """Simulate K portfolios over the same closes, trials as column groups of vectorbt.

    One ``from_orders`` call per ``block`` trials (memory grows with block x T x N).

    Parameters
    ----------
    close : ndarray, shape (T, N)
    size : ndarray, shape (K, T, N)
        Lagged targets per trial.
    fees, slippage : ndarray, shape (K, N)
    init_cash : float
    block : int, keyword-only
        Trials per vectorbt call.

    Returns
    -------
    dict of ndarray
        ``value``, ``cash``, ``short``, ``gross``, ``traded`` (shape (K, T)) and
        ``n_trade_bars`` (shape (K,)).
    """
    n_trials, n_rows, n_cols = size.shape
    if n_trials > block:
        # vectorbt keeps many (T, K x N) intermediates: bound them by simulating in blocks
        # (groups never interact, so blocks give the same numbers as one call)
        parts = [
            simulate_many(
                close,
                size[i : i + block],
                fees[i : i + block],
                slippage[i : i + block],
                init_cash,
                block=block,
            )
            for i in range(0, n_trials, block)
        ]
        out = {k: np.concatenate([p[k] for p in parts], axis=0) for k in parts[0]}
        return out
    close_wide = pd.DataFrame(np.tile(np.asarray(close, dtype=float), (1, n_trials)))
    size_wide = pd.DataFrame(np.transpose(size, (1, 0, 2)).reshape(n_rows, n_trials * n_cols))
    groups = np.repeat(np.arange(n_trials), n_cols)
    pf = portfolio(
        close_wide,
        size_wide,
        np.asarray(fees, dtype=float).reshape(-1),
        np.asarray(slippage, dtype=float).reshape(-1),
        init_cash,
        group_by=groups,
    )
    value = np.asarray(pf.value(), dtype=float).reshape(n_rows, n_trials)
    cash = np.asarray(pf.cash(), dtype=float).reshape(n_rows, n_trials)
    pv = np.asarray(pf.asset_value(group_by=False), dtype=float).reshape(n_rows, n_trials, n_cols)
    rec = pf.order_records
    traded = np.zeros((n_rows, n_trials))
    trial = rec["col"] // n_cols
    np.add.at(traded, (rec["idx"], trial), np.abs(rec["size"] * rec["price"]))
    flags = np.zeros((n_rows, n_trials), dtype=bool)
    flags[rec["idx"], trial] = True
    return dict(
        value=np.ascontiguousarray(value.T),
        cash=np.ascontiguousarray(cash.T),
        short=np.ascontiguousarray(np.maximum(-pv, 0.0).sum(axis=2).T),
        gross=np.ascontiguousarray(np.abs(pv).sum(axis=2).T),
        traded=np.ascontiguousarray(traded.T),
        n_trade_bars=flags.sum(axis=0),
    )

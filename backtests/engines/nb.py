"""A numba kernel simulating many portfolios at once (the sweep's fast path).

Same accounting as :mod:`backtests.engines.simulation` (and the reference engine, against which the
tests check it), but it keeps only what the sweep needs per trial and bar: equity, cash,
short and gross position value, traded notional, and whether the bar traded. Trials run in
parallel (``prange``); each trial's arithmetic is independent of the others, so results do
not depend on how trials are grouped into chunks.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

_REL = 1e-9
_ABS = 1e-12


@njit(cache=True)
def _is_close(a: float, b: float) -> bool:
    if np.isnan(a) or np.isnan(b) or np.isinf(a) or np.isinf(b):
        return False
    if a == b:
        return True
    return abs(a - b) <= max(_REL * max(abs(a), abs(b)), _ABS)


@njit(cache=True)
def _add(a: float, b: float) -> float:
    if np.sign(a) != np.sign(b):
        zero = _is_close(abs(a), abs(b))
    else:
        zero = _is_close(a + b, 0.0)
    return 0.0 if zero else a + b


@njit(cache=True)
def _snap(a: float) -> float:
    return 0.0 if _is_close(a, 0.0) else a


@njit(cache=True)
def _argsort(values: np.ndarray, order: np.ndarray) -> None:
    n = values.shape[0]
    for j in range(n):
        order[j] = j
    for j in range(1, n):
        aj = values[j]
        ij = order[j]
        i = j - 1
        while i >= 0 and (values[i] > aj or np.isnan(values[i])):
            values[i + 1] = values[i]
            order[i + 1] = order[i]
            i -= 1
        values[i + 1] = aj
        order[i + 1] = ij


@njit(cache=True, parallel=True)
def simulate_many_nb(
    close: np.ndarray,
    val_close: np.ndarray,
    fill_close: np.ndarray,
    size: np.ndarray,
    fees: np.ndarray,
    slippage: np.ndarray,
    init_cash: np.ndarray,
):
    """Simulate K portfolios trading lagged targets ``size[k]`` on the same closes.

    Parameters
    ----------
    close : (T, N) closes, NaN without a price.
    val_close : (T, N) valuation prices (closes forward-filled).
    fill_close : (T, N) closes forward- then back-filled (end-of-day valuation).
    size : (K, T, N) lagged target weights, NaN = hold.
    fees, slippage : (K, N) fractions.
    init_cash : (K,) starting cash.

    Returns
    -------
    value, cash, short, gross, traded : (K, T) arrays; n_trade_bars : (K,) int array.
    """
    n_trials, n_rows, n_cols = size.shape
    value_out = np.empty((n_trials, n_rows))
    cash_out = np.empty((n_trials, n_rows))
    short_out = np.empty((n_trials, n_rows))
    gross_out = np.empty((n_trials, n_rows))
    traded_out = np.zeros((n_trials, n_rows))
    n_trade_bars = np.zeros(n_trials, dtype=np.int64)
    for k in prange(n_trials):
        cash = init_cash[k]
        pos = np.zeros(n_cols)
        ov = np.empty(n_cols)
        order = np.empty(n_cols, dtype=np.int64)
        prev = -1
        for i in range(n_rows):
            active = False
            for c in range(n_cols):
                if not np.isnan(size[k, i, c]):
                    active = True
                    break
            if active:
                if prev >= 0 and i > prev + 1:
                    cash = _snap(cash)
                    for c in range(n_cols):
                        pos[c] = _snap(pos[c])
                prev = i
                value = cash
                for c in range(n_cols):
                    if pos[c] != 0:
                        value += pos[c] * val_close[i, c]
                for c in range(n_cols):
                    ov[c] = size[k, i, c] * value - pos[c] * val_close[i, c]
                _argsort(ov, order)
                bar_traded = 0.0
                for j in range(n_cols):
                    c = order[j]
                    cash = _snap(cash)
                    p = _snap(pos[c])
                    pos[c] = p
                    vp = _snap(val_close[i, c])
                    v = _snap(value)
                    target = size[k, i, c]
                    price = close[i, c]
                    if np.isnan(target) or np.isnan(price) or np.isnan(v) or v <= 0:
                        continue
                    if np.isnan(vp):
                        continue
                    shares = target * v / vp - p
                    fee = fees[k, c]
                    if shares > 0:
                        adj = price * (1.0 + slippage[k, c])
                        if cash == 0:
                            continue
                        req = shares * adj
                        req_fees = req * fee + 0.0
                        total = req + req_fees
                        if _is_close(total, cash) or total < cash:
                            fsize = shares
                            final_req = total
                        else:
                            max_req = _add(cash, -0.0) / (1.0 + fee)
                            if max_req <= 0:
                                continue
                            fsize = max_req / adj
                            final_req = cash
                        if _is_close(shares, 0.0):
                            continue
                        cash = _add(cash, -final_req)
                        pos[c] = _add(p, fsize)
                        bar_traded += abs(fsize * adj)
                    else:
                        s = -shares
                        adj = price * (1.0 - slippage[k, c])
                        if _is_close(s, 0.0):
                            continue
                        acq = s * adj
                        paid = acq * fee + 0.0
                        final_acq = _add(acq, -paid)
                        if final_acq < 0:
                            continue
                        cash = cash + final_acq
                        pos[c] = _add(p, -s)
                        bar_traded += abs(s * adj)
                if bar_traded > 0:
                    traded_out[k, i] = bar_traded
                    n_trade_bars[k] += 1
            total_value = cash
            short = 0.0
            gross = 0.0
            for c in range(n_cols):
                if pos[c] != 0:
                    pv = pos[c] * fill_close[i, c]
                    total_value += pv
                    gross += abs(pv)
                    if pv < 0:
                        short -= pv
            value_out[k, i] = total_value
            cash_out[k, i] = cash
            short_out[k, i] = short
            gross_out[k, i] = gross
    return value_out, cash_out, short_out, gross_out, traded_out, n_trade_bars


def simulate_many(
    close: np.ndarray,
    size: np.ndarray,
    fees: np.ndarray,
    slippage: np.ndarray,
    init_cash: np.ndarray | float,
) -> dict[str, np.ndarray]:
    """Run :func:`simulate_many_nb` (arguments as in ``engine_vbt.simulate_many``)."""
    from backtests.engines.reference import filled_close_ffill
    from backtests.engines.simulation import filled_close

    close = np.ascontiguousarray(close, dtype=float)
    size = np.ascontiguousarray(size, dtype=float)
    n_trials = size.shape[0]
    cash0 = np.ascontiguousarray(np.broadcast_to(init_cash, (n_trials,)), dtype=float)
    value, cash, short, gross, traded, n_bars = simulate_many_nb(
        close,
        np.ascontiguousarray(filled_close_ffill(close)),
        np.ascontiguousarray(filled_close(close)),
        size,
        np.ascontiguousarray(fees, dtype=float),
        np.ascontiguousarray(slippage, dtype=float),
        cash0,
    )
    return dict(
        value=value, cash=cash, short=short, gross=gross, traded=traded, n_trade_bars=n_bars
    )

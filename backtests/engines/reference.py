"""The reference engine: the accounting of :mod:`backtests.engines.simulation`, plain numpy.

Written from the specification in :mod:`backtests.engines.simulation` (itself read from vectorbt
1.2's ``portfolio/nb.py``: ``simulate_from_orders_nb``, ``execute_order_nb``, ``buy_nb``,
``sell_nb`` and the post-simulation ``asset_flow_nb`` / ``cash_flow_nb``), with no vectorbt
import, so that :mod:`backtests.engines.vbt` is checked against an independent implementation.
Bars whose targets are all NaN trade nothing and are skipped, except that vectorbt still
rounds near-zero cash and positions to zero on them, which is reproduced.
"""

from __future__ import annotations

import math

import numpy as np

from backtests.engines.simulation import ABS_TOL, ORDER_DTYPE, REL_TOL, SimOutput, filled_close


def _is_close(a: float, b: float) -> bool:
    if math.isnan(a) or math.isnan(b) or math.isinf(a) or math.isinf(b):
        return False
    if a == b:
        return True
    return abs(a - b) <= max(REL_TOL * max(abs(a), abs(b)), ABS_TOL)


def _add(a: float, b: float) -> float:
    """Add ``a + b``, giving exactly 0 when the two cancel to within tolerance."""
    if a != a or b != b:  # NaN: never close (the signs differ, _is_close is False)
        return a + b
    if (a > 0) - (a < 0) != (b > 0) - (b < 0):
        zero = _is_close(abs(a), abs(b))
    else:
        zero = _is_close(a + b, 0.0)
    return 0.0 if zero else a + b


def _snap(a: float) -> float:
    """Return 0 when ``_is_close(a, 0)``, else ``a``.

    With ``REL_TOL`` < 1 that is ``|a| <= ABS_TOL`` (NaN and inf compare False).
    """
    return 0.0 if abs(a) <= ABS_TOL else a


def _argsort_insertion(values: list[float]) -> list[int]:
    """Stable ascending argsort with NaN last (vectorbt's ``insert_argsort_nb``)."""
    a = list(values)
    idx = list(range(len(a)))
    for j in range(1, len(a)):
        aj, ij = a[j], idx[j]
        i = j - 1
        while i >= 0 and (a[i] > aj or math.isnan(a[i])):
            a[i + 1] = a[i]
            idx[i + 1] = idx[i]
            i -= 1
        a[i + 1] = aj
        idx[i + 1] = ij
    return idx


def _buy(cash, pos, size, price, fee, slip):
    """Return (cash, pos, record-or-None) after a buy of ``size`` shares."""
    adj_price = price * (1.0 + slip)
    if cash == 0:
        return cash, pos, None  # rejected: no cash
    req_cash = size * adj_price
    req_fees = req_cash * fee + 0.0
    total = req_cash + req_fees
    if _is_close(total, cash) or total < cash:
        final_size, fees_paid, final_req = size, req_fees, total
    else:
        max_req_cash = _add(cash, -0.0) / (1.0 + fee)
        if max_req_cash <= 0:
            return cash, pos, None
        final_size = max_req_cash / adj_price
        fees_paid = cash - max_req_cash
        final_req = cash
    if _is_close(size, 0.0):
        return cash, pos, None
    return _add(cash, -final_req), _add(pos, final_size), (final_size, adj_price, fees_paid)


def _sell(cash, pos, size, price, fee, slip):
    """Return (cash, pos, record-or-None) after a sale (or short sale) of ``size`` shares."""
    adj_price = price * (1.0 - slip)
    if _is_close(size, 0.0):
        return cash, pos, None
    acq_cash = size * adj_price
    fees_paid = acq_cash * fee + 0.0
    final_acq = _add(acq_cash, -fees_paid)
    if final_acq < 0:
        return cash, pos, None
    return cash + final_acq, _add(pos, -size), (-size, adj_price, fees_paid)


def simulate(
    close: np.ndarray,
    size: np.ndarray,
    fees: np.ndarray,
    slippage: np.ndarray,
    init_cash: float,
) -> SimOutput:
    """Simulate one portfolio trading to target weights at each bar's close.

    Parameters
    ----------
    close : ndarray, shape (T, N)
        Closes (NaN when a ticker has no price).
    size : ndarray, shape (T, N)
        Target fraction of equity per ticker to reach at bar t (already lagged); NaN = hold.
    fees, slippage : ndarray, shape (N,)
        Fee and slippage as fractions, per column.
    init_cash : float
        Starting cash.

    Returns
    -------
    SimOutput

    Timing
    ------
    An order at bar t uses the close of bar t only (the caller has lagged the targets).
    """
    close = np.asarray(close, dtype=float)
    size = np.asarray(size, dtype=float)
    n_rows, n_cols = close.shape
    val_close = filled_close_ffill(close)
    fee_l = [float(x) for x in np.broadcast_to(fees, (n_cols,))]
    slip_l = [float(x) for x in np.broadcast_to(slippage, (n_cols,))]
    cash = float(init_cash)
    pos = [0.0] * n_cols
    records: list[tuple[int, int, float, float, float]] = []
    active = np.flatnonzero(~np.isnan(size).all(axis=1))
    prev = -1
    for i in active:
        if i > prev + 1 and prev >= 0:
            # the skipped all-NaN bars still passed every column through vectorbt's
            # order function, which rounds near-zero cash and positions to zero
            cash = _snap(cash)
            pos = [_snap(p) for p in pos]
        prev = i
        row_size = size[i].tolist()
        row_price = close[i].tolist()
        lvp = val_close[i].tolist()
        value = cash
        for c in range(n_cols):
            if pos[c] != 0:
                value += pos[c] * lvp[c]
        order_value = [row_size[c] * value - pos[c] * lvp[c] for c in range(n_cols)]
        for c in _argsort_insertion(order_value):
            cash = _snap(cash)
            p = _snap(pos[c])
            vp = _snap(lvp[c])
            v = _snap(value)
            pos[c] = p
            target, price = row_size[c], row_price[c]
            if math.isnan(target) or math.isnan(price) or math.isnan(v) or v <= 0:
                continue
            if math.isnan(vp):
                continue
            shares = target * v / vp - p
            if shares > 0:
                cash, pos[c], rec = _buy(cash, p, shares, price, fee_l[c], slip_l[c])
            else:
                cash, pos[c], rec = _sell(cash, p, -shares, price, fee_l[c], slip_l[c])
            if rec is not None:
                records.append((int(i), c, *rec))
    orders = np.array(records, dtype=ORDER_DTYPE) if records else np.zeros(0, ORDER_DTYPE)
    return _valuation(close, orders, float(init_cash))


def filled_close_ffill(close: np.ndarray) -> np.ndarray:
    """Valuation prices: the last known close at or before each bar (NaN before the first)."""
    n_rows, n_cols = close.shape
    if not n_rows:
        return close.copy()
    # row of the last price at or before each bar (row 0, NaN there, before the first)
    last = np.where(np.isnan(close), 0, np.arange(n_rows)[:, None])
    np.maximum.accumulate(last, axis=0, out=last)
    return close[last, np.arange(n_cols)[None, :]]


def _running_add(steps: np.ndarray, start: float) -> np.ndarray:
    """Return the running ``now = _add(now, step)`` over ``steps`` from ``start``.

    Adding an exact zero only snaps a near-zero total to 0 and snapping twice changes
    nothing, so a run of zero steps repeats one value: only the nonzero steps (and NaN)
    are added one by one, each run of zeros is filled at once.
    """
    out = np.empty(len(steps))
    now, prev = float(start), 0
    for j in np.flatnonzero(steps != 0.0).tolist():
        if j > prev:
            now = _add(now, 0.0)
            out[prev:j] = now
        now = _add(now, float(steps[j]))
        out[j] = now
        prev = j + 1
    if prev < len(steps):
        out[prev:] = _add(now, 0.0)
    return out


def _flows(orders: np.ndarray, n_rows: int, n_cols: int) -> tuple[np.ndarray, np.ndarray]:
    """Share and cash flow per bar and column: ``_add`` of each order's size and cash.

    :func:`simulate` fills at most one order per bar and column; then each cell is
    ``_add(0.0, x)``, which is ``x`` unless ``|x| <= ABS_TOL`` (then 0), computed at once.
    """
    flow = np.zeros((n_rows, n_cols))
    cash_flow = np.zeros((n_rows, n_cols))
    i, c = orders["idx"].astype(np.intp), orders["col"].astype(np.intp)
    if len(np.unique(i * n_cols + c)) == len(orders):
        size = orders["size"].astype(float)
        paid = -size * orders["price"] - orders["fees"]
        flow[i, c] = np.where(np.abs(size) <= ABS_TOL, 0.0, size)
        cash_flow[i, c] = np.where(np.abs(paid) <= ABS_TOL, 0.0, paid)
        return flow, cash_flow
    for rec in orders:  # several orders in a cell: add them in order
        r, k = int(rec["idx"]), int(rec["col"])
        s, p, f = float(rec["size"]), float(rec["price"]), float(rec["fees"])
        flow[r, k] = _add(float(flow[r, k]), s)
        cash_flow[r, k] = _add(float(cash_flow[r, k]), -s * p - f)
    return flow, cash_flow


def _valuation(close: np.ndarray, orders: np.ndarray, init_cash: float) -> SimOutput:
    """End-of-day shares, cash and equity from the filled orders (vectorbt's post-step)."""
    n_rows, n_cols = close.shape
    flow, cash_flow = _flows(orders, n_rows, n_cols)
    assets = np.zeros((n_rows, n_cols))
    for c in range(n_cols):
        assets[:, c] = _running_add(flow[:, c], 0.0)
    cash = _running_add(cash_flow.sum(axis=1), init_cash)
    fc = filled_close(close)
    pv = np.where(assets == 0, 0.0, assets * fc)
    value = cash + pv.sum(axis=1)
    return SimOutput(value=value, cash=cash, assets=assets, orders=orders)

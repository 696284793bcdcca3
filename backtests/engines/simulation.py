"""What every engine returns, and the arithmetic shared by all of them after the simulation.

An engine turns (close prices, lagged target weights, fees, slippage, initial cash) into a
:class:`SimOutput`: end-of-day equity, cash, shares held and the filled orders. Everything
after that (daily returns, weights, turnover, carry) is computed here, once, for all engines,
so engines can differ only in the simulation itself, which the tests compare.

Accounting (vectorbt 1.2 ``from_orders`` with ``size_type="targetpercent"``)
-----------------------------------------------------------------------------
At each bar with at least one non-NaN target:

1. valuation prices are the bar's closes (the last known close when a bar has none);
2. the portfolio value V is cash + sum(shares x valuation price), computed **once, before
   any trade of the bar**, and every target is a fraction of this V;
3. orders are sorted by their approximate value ``target x V - shares x price`` ascending
   (sells first, releasing cash for buys; vectorbt's ``call_seq="auto"``), ties in column
   order, NaN targets last;
4. each order trades ``target x V / price - shares`` at the close moved by slippage
   (``close x (1 + s)`` for buys, ``close x (1 - s)`` for sells) and pays
   ``fee x |shares x fill price|`` out of cash;
5. a buy needing more cash than is left (cash < notional x (1 + fee)) is partially filled
   with all remaining cash: notional = cash / (1 + fee), fee = cash - notional;
6. shorts are allowed and add their proceeds to cash; there is no margin check;
7. orders on a bar without a close, or with a NaN target, are skipped.

Values closer to zero than 1e-12 are treated as zero, and sums that cancel to within a
relative 1e-9 are set to zero (vectorbt's ``add_nb``); the reference engine repeats this so
the two engines agree to floating-point noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

ORDER_DTYPE = np.dtype(
    [
        ("idx", np.int64),
        ("col", np.int64),
        ("size", np.float64),
        ("price", np.float64),
        ("fees", np.float64),
    ]
)
"""Filled orders: bar index, column index, signed shares (+ buy, - sell), fill price, fee."""

REL_TOL = 1e-9
ABS_TOL = 1e-12


@dataclass(frozen=True)
class SimOutput:
    """Raw result of one simulated portfolio.

    Attributes
    ----------
    value : ndarray, shape (T,)
        End-of-day equity (cash + shares x close, closes forward-filled).
    cash : ndarray, shape (T,)
        End-of-day cash (short-sale proceeds included).
    assets : ndarray, shape (T, N)
        End-of-day shares held (negative = short).
    orders : ndarray of ORDER_DTYPE
        Filled orders in simulation order.
    """

    value: np.ndarray
    cash: np.ndarray
    assets: np.ndarray
    orders: np.ndarray


def filled_close(close: np.ndarray) -> np.ndarray:
    """Forward- then back-fill closes per column (for valuation only)."""
    return pd.DataFrame(close).ffill().bfill().to_numpy()


def simple_returns(value: np.ndarray, init_cash: float) -> np.ndarray:
    """Daily simple returns of an equity curve starting from ``init_cash`` (axis 0 = time).

    Matches vectorbt's ``returns_nb``: a step from 0 to 0 is a 0 return.
    """
    value = np.asarray(value, dtype=float)
    prev = np.empty_like(value)
    prev[0] = init_cash
    prev[1:] = value[:-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        out = (value - prev) / prev
    out = np.where(prev == 0, np.where(value == 0, 0.0, np.inf * np.sign(value)), out)
    return np.where(prev < 0, -out, out)


def net_returns(
    value: np.ndarray,
    cash: np.ndarray,
    short_value: np.ndarray,
    init_cash: float,
    cash_accrual: np.ndarray,
    borrow_accrual: np.ndarray,
) -> np.ndarray:
    """Daily returns net of every cost, carry included (axis 0 = time; 1-D or 2-D).

    The engine's returns (trading fees and slippage already inside the equity curve) plus
    a carry post-step: ``cash[t-1] / value[t-1] x cash_accrual[t]`` (interest on cash,
    short-sale proceeds included, i.e. a full rebate) minus ``short[t-1] / value[t-1] x
    borrow_accrual[t]`` (borrow fee on short notional). The carry is added to the day's
    return and does not change share counts (the engine sizes orders on equity without
    accrued carry). Before the first bar the book is all cash.
    """
    r = simple_returns(value, init_cash)
    value = np.asarray(value, dtype=float)
    prev_value = np.empty_like(value)
    prev_value[0] = init_cash
    prev_value[1:] = value[:-1]
    prev_cash = np.empty_like(value)
    prev_cash[0] = init_cash
    prev_cash[1:] = np.asarray(cash, dtype=float)[:-1]
    prev_short = np.zeros_like(value)
    prev_short[1:] = np.asarray(short_value, dtype=float)[:-1]
    ca = np.asarray(cash_accrual, dtype=float)
    ba = np.asarray(borrow_accrual, dtype=float)
    if value.ndim == 2:
        ca = ca[:, None] if ca.ndim == 1 else ca
        ba = ba[:, None] if ba.ndim == 1 else ba
    with np.errstate(divide="ignore", invalid="ignore"):
        carry = (prev_cash * ca - prev_short * ba) / prev_value
    carry = np.where(prev_value > 0, carry, 0.0)
    return r + carry


def order_turnover(orders: np.ndarray, value: np.ndarray) -> np.ndarray:
    """Daily one-way turnover: sum |shares x fill price| / (2 x end-of-day equity)."""
    traded = np.zeros(len(value))
    np.add.at(traded, orders["idx"], np.abs(orders["size"] * orders["price"]))
    with np.errstate(divide="ignore", invalid="ignore"):
        out = traded / (2.0 * np.asarray(value, dtype=float))
    return np.where(traded == 0, 0.0, out)


def position_values(sim: SimOutput, close: np.ndarray) -> np.ndarray:
    """End-of-day value of each position (shares x forward-filled close; 0 when flat)."""
    fc = filled_close(close)
    return np.where(sim.assets == 0, 0.0, sim.assets * np.nan_to_num(fc, nan=0.0))

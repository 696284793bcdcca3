"""Run a backtest: lag the targets (the one place), simulate, account for every cost.

:func:`run_backtest` is the single entry point for one portfolio; :func:`lag_targets` is the
only function in the package that moves a decision to its execution bar (the sweep calls it
too). Engines: ``"vectorbt"`` (:mod:`backtests.engines.vbt`) and ``"reference"``
(:mod:`backtests.engines.reference`), which implement the accounting of
:mod:`backtests.engines.simulation` and agree to 1e-10 on daily returns.

Timing
------
Targets decided at close t are traded at close t + ``spec.execution_lag`` (>= 1) at that
bar's close (plus slippage). The weights reported for day t are the holdings after day t's
trades; the return of day t is earned from close t-1 to close t by the holdings of t-1 and
the trades of t (their fees and slippage).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from backtests.engines import reference as engine_reference
from backtests.engines.result import BacktestResult
from backtests.engines.simulation import SimOutput, net_returns, order_turnover, position_values
from backtests.rotation.costs import carry_accruals, fee_rates, slippage_rates
from backtests.rotation.prices import Prices, as_prices
from backtests.rotation.spec import RotationSpec
from data.errors import DataError

Engine = Literal["vectorbt", "reference"]
ENGINES: tuple[str, ...] = ("vectorbt", "reference")


def lag_targets(targets: pd.DataFrame | np.ndarray, lag: int) -> pd.DataFrame | np.ndarray:
    """Move each decision ``lag`` bars later: row t of the output is the decision of t - lag.

    The first ``lag`` rows become NaN (nothing decided yet: hold the initial cash). Works on
    a DataFrame (dates x tickers) or an array whose axis -2 is time.

    Examples
    --------
    >>> lag_targets(np.array([[1.0], [0.0], [0.5]]), 1)[:, 0].tolist()
    [nan, 1.0, 0.0]
    """
    lag = int(lag)
    if lag < 1:
        raise DataError(f"`execution_lag` must be >= 1, got {lag}")
    if isinstance(targets, pd.DataFrame):
        return targets.shift(lag)
    arr = np.asarray(targets, dtype=float)
    out = np.full_like(arr, np.nan)
    if arr.shape[-2] > lag:
        out[..., lag:, :] = arr[..., :-lag, :]
    return out


def _check_targets(prices: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(targets, pd.DataFrame):
        raise DataError(f"`targets` must be a DataFrame, got {type(targets).__name__}")
    if not targets.index.equals(prices.index):
        raise DataError(
            f"`targets` index ({len(targets)} rows) differs from the prices index "
            f"({len(prices)} rows)",
            source="targets",
        )
    missing = [c for c in targets.columns if c not in prices.columns]
    if missing:
        raise DataError(f"target tickers {missing} have no price column", source="targets")
    if "cash" in targets.columns:
        raise DataError("`cash` is not a ticker; targets hold tickers only", source="targets")
    values = targets.to_numpy(dtype=float)
    if np.isinf(values).any():
        i, j = np.argwhere(np.isinf(values))[0]
        raise DataError(
            f"target weight must be finite, got {values[i, j]} for {targets.columns[j]}",
            source="targets",
            row=str(targets.index[i].date()),
        )
    return targets.astype(float)


def simulate(
    close: np.ndarray,
    size: np.ndarray,
    fees: np.ndarray,
    slippage: np.ndarray,
    init_cash: float,
    *,
    engine: Engine = "vectorbt",
) -> SimOutput:
    """Dispatch one simulation to an engine (arguments as in the engines' ``simulate``)."""
    if engine == "vectorbt":
        from backtests.engines import vbt as engine_vbt

        return engine_vbt.simulate(close, size, fees, slippage, init_cash)
    if engine == "reference":
        return engine_reference.simulate(close, size, fees, slippage, init_cash)
    raise DataError(f"`engine` must be one of {ENGINES}, got {engine!r}")


def run_backtest(
    prices: pd.DataFrame | Prices,
    targets: pd.DataFrame,
    spec: RotationSpec,
    *,
    engine: Engine = "vectorbt",
    cash_rate: pd.Series | None = None,
) -> BacktestResult:
    """Trade the target weights and return the portfolio's result, net of every cost.

    Parameters
    ----------
    prices : DataFrame or Prices
        Wide adjusted closes, DatetimeIndex ``date``, a column for every target ticker. A
        DataFrame is checked (:func:`backtests.rotation.prices.check_prices`), a
        :class:`~backtests.rotation.prices.Prices` is trusted.
    targets : DataFrame
        Target fractions of equity decided at each close (from
        :func:`backtests.rotation.targets.target_weights`), NaN rows = hold. Not lagged.
    spec : RotationSpec
        Execution lag, costs (fees by asset class, slippage, borrow), initial cash.
    engine : {"vectorbt", "reference"}, keyword-only
        Simulation engine; both give the same returns to 1e-10.
    cash_rate : Series, optional, keyword-only
        Annual percent paid on cash as known at each date (e.g. DFF); None: no interest.

    Returns
    -------
    BacktestResult

    Timing
    ------
    Row t of ``targets`` trades at the close of t + ``spec.execution_lag``; this is the one
    place the lag is applied.

    Examples
    --------
    >>> idx = pd.bdate_range("2024-01-01", periods=3, name="date")
    >>> px = pd.DataFrame({"A": [10.0, 11.0, 12.1]}, index=idx)
    >>> t = pd.DataFrame({"A": [1.0, np.nan, np.nan]}, index=idx)
    >>> spec = RotationSpec(near=("A",), long=("B",), equity_bps=0, slippage_bps=0)
    >>> run_backtest(px, t, spec, engine="reference").returns.round(6).tolist()
    [0.0, 0.0, 0.1]
    """
    prices = as_prices(prices).frame
    targets = _check_targets(prices, targets)
    columns = list(targets.columns)
    close = prices[columns].to_numpy(dtype=float)
    lagged = lag_targets(targets, spec.execution_lag)
    fees = fee_rates(columns, spec)
    slip = slippage_rates(columns, spec)
    sim = simulate(close, lagged.to_numpy(dtype=float), fees, slip, spec.init_cash, engine=engine)
    return build_result(sim, prices.index, columns, close, lagged, spec, engine, cash_rate)


def build_result(
    sim: SimOutput,
    index: pd.DatetimeIndex,
    columns: list[str],
    close: np.ndarray,
    lagged: pd.DataFrame,
    spec: RotationSpec,
    engine: str,
    cash_rate: pd.Series | None,
) -> BacktestResult:
    """Turn a raw simulation into a :class:`BacktestResult` (shared by every engine)."""
    index = index.rename("date")
    pv = position_values(sim, close)
    short = np.maximum(-pv, 0.0).sum(axis=1)
    cash_acc, borrow_acc = carry_accruals(index, spec, cash_rate)
    rets = net_returns(sim.value, sim.cash, short, spec.init_cash, cash_acc, borrow_acc)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = pv / sim.value[:, None]
        cash_w = sim.cash / sim.value
    weights = pd.DataFrame(w, index=index, columns=columns)
    weights["cash"] = cash_w
    returns = pd.Series(rets, index=index, name="strategy")
    equity = (spec.init_cash * (1.0 + returns).cumprod()).rename("equity")
    turnover = pd.Series(order_turnover(sim.orders, sim.value), index=index, name="turnover")
    o = sim.orders
    trades = pd.DataFrame(
        {
            "date": index[o["idx"]] if len(o) else pd.DatetimeIndex([]),
            "ticker": [columns[c] for c in o["col"]],
            "side": np.where(o["size"] > 0, "buy", "sell"),
            "shares": o["size"],
            "price": o["price"],
            "notional": o["size"] * o["price"],
            "fee": o["fees"],
        }
    )
    trades = trades.sort_values("date", kind="stable").reset_index(drop=True)
    return BacktestResult(
        returns=returns,
        weights=weights,
        trades=trades,
        equity=equity,
        turnover=turnover,
        targets=lagged,
        spec=spec,
        engine=engine,
        info={"value": pd.Series(sim.value, index=index, name="value")},
    )

"""The result of one backtest: returns, weights, trades, statistics, summary and plots."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from backtests.engines import stats as st
from backtests.rotation.spec import RotationSpec


@dataclass(frozen=True)
class BacktestResult:
    """One rotation backtest, net of every cost.

    Attributes
    ----------
    returns : Series
        Daily simple returns net of fees, slippage, borrow and cash interest (index ``date``).
    weights : DataFrame
        End-of-day holdings after the day's trades as fractions of equity, one column per
        ticker plus ``cash``; each row sums to 1, shorts are negative.
    trades : DataFrame
        One row per fill: ``date, ticker, side ("buy"|"sell"), shares`` (signed),
        ``price`` (fill price, slippage included), ``notional`` (signed shares x price),
        ``fee``.
    equity : Series
        ``init_cash`` compounded by ``returns``.
    turnover : Series
        Daily one-way turnover: sum |traded notional| / (2 x end-of-day equity).
    targets : DataFrame
        The lagged targets the engine traded (row t = decision of t - lag).
    spec : RotationSpec
    engine : str
        ``"vectorbt"`` or ``"reference"``.
    """

    returns: pd.Series
    weights: pd.DataFrame
    trades: pd.DataFrame
    equity: pd.Series
    turnover: pd.Series
    targets: pd.DataFrame
    spec: RotationSpec
    engine: str
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def gross_exposure(self) -> pd.Series:
        """Sum of absolute position weights (cash excluded), per day."""
        return self.weights.drop(columns="cash").abs().sum(axis=1).rename("gross_exposure")

    @property
    def n_rebalances(self) -> int:
        """Bars with at least one fill."""
        return int(self.trades["date"].nunique()) if len(self.trades) else 0

    def stats(self) -> dict[str, float]:
        """Headline statistics (see :mod:`backtests.engines.stats` for definitions).

        Keys: ``total_return, cagr, ann_vol, sharpe, sortino, max_drawdown, calmar,
        turnover`` (annualized one-way), ``exposure`` (mean gross exposure),
        ``n_rebalances`` (bars with a fill).
        """
        out = st.summary_stats(
            self.returns,
            turnover=self.turnover,
            gross=self.gross_exposure,
            n_rebalances=self.n_rebalances,
        )
        return {k: (int(v) if k == "n_rebalances" else float(v)) for k, v in out.items()}

    def summary(self) -> str:
        """Describe the run in a few lines: period, rule, statistics, costs paid."""
        s = self.stats()
        idx = self.returns.index
        period = f"{idx[0].date()} .. {idx[-1].date()}" if len(idx) else "(empty)"
        sp = self.spec
        fees = float(self.trades["fee"].sum()) if len(self.trades) else 0.0
        lines = [
            f"Rotation backtest ({self.engine}): rule={sp.rule} rebalance={sp.rebalance} "
            f"lag={sp.execution_lag} weighting={sp.weighting}",
            f"period {period} ({len(idx)} bars)",
            f"total return {s['total_return']:+.2%}  CAGR {s['cagr']:+.2%}  "
            f"vol {s['ann_vol']:.2%}  Sharpe {s['sharpe']:.2f}  Sortino {s['sortino']:.2f}",
            f"max drawdown {s['max_drawdown']:.2%}  Calmar {s['calmar']:.2f}  "
            f"turnover {s['turnover']:.2f}/yr  exposure {s['exposure']:.2f}  "
            f"rebalances {s['n_rebalances']}",
            f"fees paid {fees:.6g} (equity {sp.equity_bps:g} bps, crypto {sp.crypto_bps:g} bps, "
            f"slippage {sp.slippage_bps:g} bps, borrow {sp.borrow_bps_annual:g} bps/yr)",
        ]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def plot(self) -> dict[str, Any]:
        """Matplotlib figures: ``{"equity": fig, "drawdown": fig}`` (labeled axes)."""
        import matplotlib.pyplot as plt

        figs: dict[str, Any] = {}
        fig, ax = plt.subplots(figsize=(8, 3.5))
        ax.plot(self.equity.index, self.equity.to_numpy(), lw=1.2, label="strategy")
        ax.set_title(f"Equity ({self.spec.rule}, {self.spec.rebalance})")
        ax.set_xlabel("date")
        ax.set_ylabel("equity")
        ax.legend(loc="best")
        fig.tight_layout()
        figs["equity"] = fig
        fig, ax = plt.subplots(figsize=(8, 2.5))
        dd = st.drawdown(self.returns)
        ax.fill_between(dd.index, dd.to_numpy(), 0.0, color="tab:red", alpha=0.4, lw=0)
        ax.set_title("Drawdown")
        ax.set_xlabel("date")
        ax.set_ylabel("drawdown")
        ax.set_ylim(min(float(np.nanmin(dd.to_numpy(), initial=0.0)) * 1.05, -0.01), 0.0)
        fig.tight_layout()
        figs["drawdown"] = fig
        return figs

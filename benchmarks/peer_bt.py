"""The peers' rotation in bt: a custom Algo sets ``temp["weights"]``, then ``Rebalance``.

bt's accounting differs from this package's in a documented way (docs/PERFORMANCE.md): a
buy spends *at most* the target amount including costs (``SecurityBase.allocate`` solves
for the quantity), so it buys ``fee + slippage`` fewer shares than our engine, and a sell
raises the target amount net of costs; the fee is charged on the mid price; slippage is
bt's bid-offer spread (``additional_data={"bidoffer": 2 x slippage x close}``, half paid per
trade); bt keeps a cash tolerance of about 1e-9 of equity.
"""

from __future__ import annotations

import math

import pandas as pd

from benchmarks.peer_rule import PeerRun, PeerSpec, SwitchDecider, check_inputs, daily_returns


def run_bt(prices: pd.DataFrame, factor: pd.Series, spec: PeerSpec) -> PeerRun:
    """Run the rotation in bt: a custom Algo sets ``temp["weights"]``, then ``Rebalance``.

    Parameters
    ----------
    prices, factor, spec
        As for :func:`run_backtrader`.

    Returns
    -------
    PeerRun
        ``returns``: daily returns of bt's strategy value on ``prices.index``.

    Timing
    ------
    The Algo at date t feeds bar t-1 to the rule and, on a decision, sets the weights that
    ``Rebalance`` trades at close t.
    """
    import bt

    px = check_inputs(prices, factor, spec)
    index = px.index
    fvals = factor.to_numpy(dtype=float)
    values = px.to_numpy()
    pos = {d: i for i, d in enumerate(index)}

    class FeeSecurity(bt.Security):
        """A security charging its own fee rate (bt's commission_fn has no ticker)."""

        def __init__(self, name: str, fee: float):
            super().__init__(name)
            self.fee_rate = fee

        def commission(self, q, p):
            return abs(q) * p * self.fee_rate

    class LaggedSwitch(bt.Algo):
        """Feed bar t-1 to the switch rule; on a decision set the weights traded at t."""

        def __init__(self):
            super().__init__("LaggedSwitch")
            self.decider = SwitchDecider(spec)

        def __call__(self, target):
            i = pos.get(target.now)
            if not i:
                return False
            has_price = {t: not math.isnan(values[i - 1, j]) for j, t in enumerate(spec.tickers)}
            weights = self.decider.on_bar(index[i - 1], fvals[i - 1], has_price)
            if weights is None:
                return False
            target.temp["weights"] = weights
            return True

    children = [FeeSecurity(t, spec.fees[t]) for t in spec.tickers]
    strategy = bt.Strategy("rotation", [LaggedSwitch(), bt.algos.Rebalance()], children=children)
    bidoffer = px * (2.0 * spec.slippage)
    test = bt.Backtest(
        strategy,
        px,
        initial_capital=spec.init_cash,
        integer_positions=False,
        progress_bar=False,
        additional_data={"bidoffer": bidoffer},
    )
    res = bt.run(test)
    value = res.backtests["rotation"].strategy.values.reindex(index)
    return PeerRun(returns=daily_returns(value, spec.init_cash))

"""The peers' rotation in backtrader (event-driven ``Strategy``, cheat-on-close).

backtrader's accounting differs from this package's in a documented way
(docs/PERFORMANCE.md): orders created in ``next()`` at bar t fill at close t, but the broker
books them at the start of bar t+1, so the equity it reports for day t excludes that day's
fees and slippage (they appear in day t+1). :func:`run_backtrader` also returns the
"settled" equity, with each order's cost moved back to its fill date, which is the same
accounting as ours. Orders are sized here as in our engine (``target x V / close - shares``,
sells first, the last buy capped at the cash left) because ``order_target_percent`` rounds
to integer shares and rejects a buy whose fees exceed the cash left (a full-equity
rebalance always does).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from benchmarks.peer_rule import PeerRun, PeerSpec, SwitchDecider, check_inputs, daily_returns


def run_backtrader(prices: pd.DataFrame, factor: pd.Series, spec: PeerSpec) -> PeerRun:
    """Run the rotation in backtrader (event-driven ``Strategy``, cheat-on-close).

    Parameters
    ----------
    prices : DataFrame
        Adjusted closes on business days (NaN before a ticker exists).
    factor : Series
        The factor on ``prices.index``.
    spec : PeerSpec

    Returns
    -------
    PeerRun
        ``returns``: daily returns of the equity backtrader reports; ``settled``: the same
        with each order's fees and slippage booked on its fill date (our accounting).

    Timing
    ------
    ``next()`` at bar t reads the factor at t and submits the decision of bar t-1; the
    order fills at close t (``coc``).
    """
    import backtrader as btr

    px = check_inputs(prices, factor, spec)
    index = px.index
    fvals = factor.to_numpy(dtype=float)
    bar_of = {d.date(): i for i, d in enumerate(index)}

    class FractionalPercent(btr.CommInfoBase):
        params = (("stocklike", True), ("commtype", btr.CommInfoBase.COMM_PERC), ("percabs", True))

        def getsize(self, price, cash):
            return self.p.leverage * (cash / price)

    class Rotation(btr.Strategy):
        def __init__(self):
            self.decider = SwitchDecider(spec)
            self.pending: dict[str, float] | None = None
            self.values = np.full(len(index), np.nan)
            self.costs = np.zeros(len(index))
            self.rejected = 0
            self.by_name = {d._name: d for d in self.datas}

        def prenext(self):
            self.next()

        def notify_order(self, order):
            if order.status in (order.Margin, order.Rejected):
                self.rejected += 1
            if order.status == order.Completed:
                bar = bar_of[btr.num2date(order.created.dt).date()]
                slip_cost = abs(order.executed.size) * abs(
                    order.executed.price - order.created.pclose
                )
                self.costs[bar] += order.executed.comm + slip_cost

        def _price(self, name: str) -> float:
            d = self.by_name[name]
            return float(d.close[0]) if len(d) else math.nan

        def next(self):
            dates = [d.datetime.date(0) for d in self.datas if len(d)]
            i = bar_of[max(dates)]
            value = self.broker.getvalue()
            self.values[i] = value
            if self.pending is not None:
                self._trade(self.pending, value)
            has_price = {t: not math.isnan(self._price(t)) for t in spec.tickers}
            self.pending = self.decider.on_bar(index[i], fvals[i], has_price)

        def _trade(self, weights: dict[str, float], value: float) -> None:
            orders = []
            for t, w in weights.items():
                p = self._price(t)
                if math.isnan(p):
                    continue
                held = self.getposition(self.by_name[t]).size
                shares = w * value / p - held
                if abs(shares) * p > 1e-12 * max(value, 1e-300):
                    orders.append((w * value - held * p, t, shares, p))
            # sells first (ascending order value, ties in basket order), as our engine and
            # vectorbt do: which buy gets the partial fill depends on this order
            orders.sort(key=lambda o: o[0])
            cash = self.broker.getcash()
            for _, t, shares, p in orders:
                fee = spec.fees[t]
                if shares < 0:
                    cash += -shares * p * (1.0 - spec.slippage) * (1.0 - fee)
                    self.sell(data=self.by_name[t], size=-shares)
                    continue
                unit = p * (1.0 + spec.slippage) * (1.0 + fee)
                # partial fill with the cash left; backtrader rejects a whole buy that would
                # take cash below 0 by a rounding error, hence the 1e-12 margin
                shares = min(shares, cash / unit * (1.0 - 1e-12))
                if shares <= 0:
                    continue
                cash -= shares * unit
                self.buy(data=self.by_name[t], size=shares)

    cerebro = btr.Cerebro(stdstats=False, runonce=False, preload=True)
    cerebro.broker.setcash(spec.init_cash)
    cerebro.broker.set_coc(True)
    cerebro.broker.set_slippage_perc(
        spec.slippage, slip_open=True, slip_limit=True, slip_match=True, slip_out=True
    )
    for t in spec.tickers:
        col = px[t].dropna()
        frame = pd.DataFrame(
            {"open": col, "high": col, "low": col, "close": col, "volume": 0.0}, index=col.index
        )
        cerebro.adddata(btr.feeds.PandasData(dataname=frame), name=t)
        cerebro.broker.addcommissioninfo(FractionalPercent(commission=spec.fees[t]), name=t)
    cerebro.addstrategy(Rotation)
    strat = cerebro.run()[0]
    values = pd.Series(strat.values, index=index)
    settled = values - strat.costs
    return PeerRun(
        returns=daily_returns(values, spec.init_cash),
        settled=daily_returns(settled, spec.init_cash),
        rejected_orders=int(strat.rejected),
    )

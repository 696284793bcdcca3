"""The default rotation in the engines users would pick instead: backtrader and bt.

Both peers run the *same* strategy as :func:`backtests.rotation.targets.target_weights` +
:func:`backtests.engines.engine.run_backtest`, written natively for each engine from the rule's
definition (not from this package's code), so the comparison checks the rule as well as the
accounting:

- **rule**: the switch with hysteresis on a precomputed factor, updated every bar: near
  basket when factor > threshold + band/2, long basket when factor < threshold - band/2,
  otherwise the previous state (a NaN factor holds; cash before the factor first exists);
- **calendar**: decisions on the first bar of each Monday-to-Sunday week (and the first bar);
- **baskets**: equal weights over the members that have had a price;
- **execution**: a decision at close t trades at close t+1 (next bar) at the close moved
  by the slippage against the trade; fees are basis points of traded notional by asset class
  (crypto or equity); fractional shares; equity starts at ``init_cash``.

The engines' own accounting differs from this package's in documented ways
(docs/PERFORMANCE.md):

- **backtrader** (event-driven, cheat-on-close ``broker.set_coc(True)``): orders created in
  ``next()`` at bar t fill at close t, but the broker books them at the start of bar t+1, so
  the equity it reports for day t excludes that day's fees and slippage (they appear in day
  t+1). ``run_backtrader`` also returns the "settled" equity, with each order's cost moved
  back to its fill date, which is the same accounting as ours. Orders are sized here as in
  our engine (``target x V / close - shares``, sells first, the last buy capped at the cash
  left) because ``order_target_percent`` rounds to integer shares and rejects a buy whose
  fees exceed the cash left (a full-equity rebalance always does).
- **bt** (``bt.algos`` with a custom Algo feeding ``Rebalance``): a buy spends *at most* the
  target amount including costs (``SecurityBase.allocate`` solves for the quantity), so it
  buys ``fee + slippage`` fewer shares than our engine, and a sell raises the target amount
  net of costs; the fee is charged on the mid price; slippage is bt's bid-offer spread
  (``additional_data={"bidoffer": 2 x slippage x close}``, half paid per trade); bt keeps
  a cash tolerance of about 1e-9 of equity.

Timing
------
Every decision at bar t reads the factor and prices at bars <= t only and trades at bar t+1.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd


def available() -> dict[str, str | None]:
    """Installed version of each peer, or None when it cannot be imported."""
    out: dict[str, str | None] = {}
    for name, module in (("backtrader", "backtrader"), ("bt", "bt")):
        try:
            mod = __import__(module)
            out[name] = str(getattr(mod, "__version__", "unknown"))
        except Exception:  # noqa: BLE001 - any import failure means "not usable"
            out[name] = None
    return out


@dataclass(frozen=True)
class PeerSpec:
    """The rotation a peer runs: switch rule, weekly calendar, costs by ticker.

    Attributes
    ----------
    near, long : tuple of str
        Basket members.
    threshold, band : float
        Switch hysteresis.
    fees : dict of str to float
        Fee per ticker as a fraction of traded notional.
    slippage : float
        Fraction of the close moved against each trade.
    init_cash : float
        Starting equity.
    """

    near: tuple[str, ...]
    long: tuple[str, ...]
    threshold: float
    band: float
    fees: Mapping[str, float]
    slippage: float
    init_cash: float = 1.0

    @property
    def tickers(self) -> tuple[str, ...]:
        """Near members then long members."""
        return (*self.near, *self.long)

    @classmethod
    def from_rotation(cls, spec: Any) -> PeerSpec:
        """Build from a :class:`backtests.rotation.spec.RotationSpec` (switch, weekly only)."""
        if spec.rule != "switch" or spec.rebalance != "weekly" or spec.drift_band > 0:
            raise ValueError(
                "the peers implement the switch rule with weekly rebalancing and no drift "
                f"band, got rule={spec.rule!r}, rebalance={spec.rebalance!r}, "
                f"drift_band={spec.drift_band!r}"
            )
        if spec.weighting != "equal" or spec.execution_lag != 1:
            raise ValueError(
                "the peers implement equal basket weights and a one-bar lag, got "
                f"weighting={spec.weighting!r}, execution_lag={spec.execution_lag!r}"
            )
        return cls(
            near=tuple(spec.near),
            long=tuple(spec.long),
            threshold=float(spec.threshold),
            band=float(spec.band),
            fees={t: spec.fee_rate(t) for t in spec.tickers},
            slippage=float(spec.slippage),
            init_cash=float(spec.init_cash),
        )


@dataclass
class SwitchDecider:
    """The switch rule fed one bar at a time (shared by both peers, independent of ours).

    ``on_bar(date, factor_value, has_price)`` returns the target weights decided at that
    bar's close on a decision date (first bar of each ISO week, and the very first bar),
    else None.
    """

    spec: PeerSpec
    state: float | None = None
    seen: set[str] = field(default_factory=set)
    week: tuple[int, int] | None = None

    def on_bar(
        self, date: pd.Timestamp, factor_value: float, has_price: Mapping[str, bool]
    ) -> dict[str, float] | None:
        """Feed the close of one bar; return the targets decided at it, or None.

        Timing: reads the factor and prices at this bar and before only.
        """
        s = self.spec
        self.seen.update(t for t, ok in has_price.items() if ok)
        f = float(factor_value)
        if not math.isnan(f):
            if f > s.threshold + s.band / 2.0:
                self.state = 1.0
            elif f < s.threshold - s.band / 2.0:
                self.state = 0.0
            elif self.state is None:
                self.state = 1.0 if f > s.threshold else 0.0
        iso = date.isocalendar()
        week = (int(iso[0]), int(iso[1]))
        decide = week != self.week
        self.week = week
        if not decide:
            return None
        weights = dict.fromkeys(s.tickers, 0.0)
        if self.state is None:
            return weights
        for members, share in ((s.near, self.state), (s.long, 1.0 - self.state)):
            active = [t for t in members if t in self.seen]
            for t in active:
                weights[t] = share / len(active)
        return weights


def _check_inputs(prices: pd.DataFrame, factor: pd.Series, spec: PeerSpec) -> pd.DataFrame:
    missing = [t for t in spec.tickers if t not in prices.columns]
    if missing:
        raise ValueError(f"peer tickers {missing} have no price column")
    if not factor.index.equals(prices.index):
        raise ValueError("`factor` must be on exactly the prices index")
    px = prices[list(spec.tickers)].astype(float)
    gaps = px.isna() & px.notna().cummax()
    if gaps.any().any():
        ticker = gaps.any().idxmax()
        raise ValueError(
            f"{ticker} has a missing close after its first one (first on "
            f"{gaps[ticker].idxmax().date()}); the peers model late starts only"
        )
    return px


# --------------------------------------------------------------------------- backtrader


@dataclass(frozen=True)
class PeerRun:
    """Daily returns of one peer run (``returns``) and, for backtrader, ``settled``."""

    returns: pd.Series
    settled: pd.Series | None = None
    rejected_orders: int = 0


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

    px = _check_inputs(prices, factor, spec)
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
        returns=_returns(values, spec.init_cash),
        settled=_returns(settled, spec.init_cash),
        rejected_orders=int(strat.rejected),
    )


def _returns(values: pd.Series, init_cash: float) -> pd.Series:
    prev = values.shift(1)
    prev.iloc[0] = init_cash
    return (values / prev - 1.0).rename("returns")


# --------------------------------------------------------------------------- bt


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

    px = _check_inputs(prices, factor, spec)
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
    return PeerRun(returns=_returns(value, spec.init_cash))


PEERS = {"backtrader": run_backtrader, "bt": run_bt}


def compare(ours: pd.Series, theirs: pd.Series) -> float:
    """Max absolute difference of two daily return series on their common dates."""
    a, b = ours.align(theirs, join="inner")
    both = a.notna() & b.notna()
    return (
        float(np.max(np.abs(a[both].to_numpy() - b[both].to_numpy()))) if both.any() else math.nan
    )

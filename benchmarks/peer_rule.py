"""The rotation every peer runs, defined independently of this package's code.

The rule, written from its definition (not from :mod:`backtests.rotation`), so that the
comparison checks the rule as well as the accounting:

- **rule**: the switch with hysteresis on a precomputed factor, updated every bar: near
  basket when factor > threshold + band/2, long basket when factor < threshold - band/2,
  otherwise the previous state (a NaN factor holds; cash before the factor first exists);
- **calendar**: decisions on the first bar of each Monday-to-Sunday week (and the first bar);
- **baskets**: equal weights over the members that have had a price;
- **execution**: a decision at close t trades at close t+1 (next bar) at the close moved
  by the slippage against the trade; fees are basis points of traded notional by asset class
  (crypto or equity); fractional shares; equity starts at ``init_cash``.

:class:`PeerSpec` holds the rotation, :class:`SwitchDecider` feeds it one bar at a time,
:class:`PeerRun` is what a peer returns and :func:`compare` measures it against ours;
:func:`available` says which peers are installed. The peers themselves are
:mod:`benchmarks.peer_backtrader` and :mod:`benchmarks.peer_bt`.

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


def check_inputs(prices: pd.DataFrame, factor: pd.Series, spec: PeerSpec) -> pd.DataFrame:
    """Return the closes of ``spec.tickers`` as floats, after checking what the peers model.

    Raises
    ------
    ValueError
        A ticker without a price column, ``factor`` not on the prices index, or a missing
        close after a ticker's first one (the peers model late starts only).
    """
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


@dataclass(frozen=True)
class PeerRun:
    """Daily returns of one peer run (``returns``) and, for backtrader, ``settled``."""

    returns: pd.Series
    settled: pd.Series | None = None
    rejected_orders: int = 0


def daily_returns(values: pd.Series, init_cash: float) -> pd.Series:
    """Daily returns of an equity curve that starts from ``init_cash``."""
    prev = values.shift(1)
    prev.iloc[0] = init_cash
    return (values / prev - 1.0).rename("returns")


def compare(ours: pd.Series, theirs: pd.Series) -> float:
    """Max absolute difference of two daily return series on their common dates."""
    a, b = ours.align(theirs, join="inner")
    both = a.notna() & b.notna()
    return (
        float(np.max(np.abs(a[both].to_numpy() - b[both].to_numpy()))) if both.any() else math.nan
    )

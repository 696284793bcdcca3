"""The default rotation in the engines users would pick instead: backtrader and bt.

Both peers run the *same* strategy as :func:`backtests.rotation.targets.target_weights` +
:func:`backtests.engines.engine.run_backtest`, written natively for each engine from the rule's
definition in :mod:`benchmarks.peer_rule` (not from this package's code), so the comparison
checks the rule as well as the accounting.

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

The rule and what a peer returns are :mod:`benchmarks.peer_rule`, the two peers
:mod:`benchmarks.peer_backtrader` and :mod:`benchmarks.peer_bt`; this module names them
(:data:`PEERS`).

Timing
------
Every decision at bar t reads the factor and prices at bars <= t only and trades at bar t+1.
"""

from __future__ import annotations

from benchmarks.peer_backtrader import run_backtrader
from benchmarks.peer_bt import run_bt
from benchmarks.peer_rule import (
    PeerRun,
    PeerSpec,
    SwitchDecider,
    available,
    check_inputs,
    compare,
    daily_returns,
)

PEERS = {"backtrader": run_backtrader, "bt": run_bt}


# The rule's former private names here, kept for importers of this module.
_check_inputs, _returns = check_inputs, daily_returns

__all__ = [
    "PEERS",
    "PeerRun",
    "PeerSpec",
    "SwitchDecider",
    "available",
    "compare",
    "run_backtrader",
    "run_bt",
]

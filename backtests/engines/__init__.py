"""Engines: trade target weights with costs and return a :class:`BacktestResult`.

``engine`` (the entry point, the one place the execution lag is applied), ``vbt`` (vectorbt),
``reference`` (the pure-Python twin every fast engine is checked against), ``nb`` (numba
kernels), ``simulation`` (the shared output type) and ``result``.
"""

from data.lazy import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "run_backtest": "backtests.engines.engine",
        "lag_targets": "backtests.engines.engine",
        "simulate": "backtests.engines.engine",
        "BacktestResult": "backtests.engines.result",
    },
)

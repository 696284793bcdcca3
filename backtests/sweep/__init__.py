"""Parameter sweeps: a grid of rotation specs simulated in chunks (numba, vectorbt or reference).

``grid`` (the grid, :class:`SweepResult`), ``plan`` (trials grouped by shared inputs),
``kernels`` (the compiled sweep; its per-trial statistics in ``kernel_stats``), ``chunks``
(running the chunks, in process or on Dask) and ``core`` (:func:`run_sweep`).
"""

from data.lazy import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "SweepResult": "backtests.sweep.grid",
        "expand_grid": "backtests.sweep.grid",
        "load_grid": "backtests.sweep.grid",
        "run_sweep": "backtests.sweep.core",
    },
)

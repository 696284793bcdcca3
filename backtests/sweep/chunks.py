"""Run a :class:`backtests.sweep.plan.SweepPlan` chunk by chunk, here or on Dask.

The plan (shared inputs and per-trial parameter arrays) is built once; each chunk is the
compiled call :func:`backtests.sweep.plan.run_plan_chunk` on a range of trials, so chunks
are independent and the results do not depend on the chunking or on where chunks run.
What is kept is chosen here:

- the statistics table and the per-block return moments always (a few numbers per trial);
- the dates x trials returns matrix by default, written chunk by chunk into one array
  allocated once (never concatenated);
- or, with ``returns_path``, the returns streamed to a ``.npy`` file by chunk and handed
  back as a read-only memory map; or, with ``keep_returns=False``, not at all.

With the last two the memory of a sweep is flat in the number of trials.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from backtests.sweep.plan import SweepPlan, run_plan_chunk, stats_frame

log = logging.getLogger(__name__)


def client_for(scheduler: Any) -> tuple[Any, Any]:
    """Open a Dask client for ``scheduler`` ("local", an address, a Client); say what to close."""
    from distributed import Client, LocalCluster

    if isinstance(scheduler, Client):
        return scheduler, None
    if scheduler == "local":
        # threads in this process, talking over localhost TCP (no guess of a public IP)
        cluster = LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=False,
            host="127.0.0.1",
            protocol="tcp://",
            dashboard_address=None,
        )
        client = Client(cluster)
        return client, (client, cluster)
    client = Client(scheduler)
    return client, (client,)


class _Sink:
    """Where the chunks' returns go: an in-memory matrix, a ``.npy`` file, or nowhere."""

    def __init__(self, n: int, n_rows: int, keep: bool, path: str | Path | None) -> None:
        self.n, self.n_rows, self.path = n, n_rows, path
        self.matrix = np.empty((n, n_rows)) if keep and path is None else None
        self.fh = None
        self.written = 0
        if path is not None:
            self.fh = Path(path).open("wb")
            header = {"descr": "<f8", "fortran_order": False, "shape": (n, n_rows)}
            np.lib.format.write_array_header_1_0(self.fh, header)

    @property
    def wants_returns(self) -> bool:
        return self.matrix is not None or self.fh is not None

    def target(self, lo: int, hi: int) -> np.ndarray | None:
        """Rows the kernel may write into directly (in-memory matrix only)."""
        return None if self.matrix is None else self.matrix[lo:hi]

    def put(self, lo: int, rets: np.ndarray | None) -> None:
        if self.fh is None or rets is None:
            return
        if lo != self.written:
            raise RuntimeError(
                f"chunks must be written in order: expected {self.written}, got {lo}"
            )
        np.ascontiguousarray(rets, dtype="<f8").tofile(self.fh)
        self.written += rets.shape[0]

    def frame(self, index: pd.DatetimeIndex, trial_ids: pd.Index) -> pd.DataFrame | None:
        if self.fh is not None:
            self.fh.close()
            mm = np.load(self.path, mmap_mode="r")
            return pd.DataFrame(mm.T, index=index, columns=trial_ids, copy=False)
        if self.matrix is None:
            return None
        return pd.DataFrame(self.matrix.T, index=index, columns=trial_ids, copy=False)


def run_plan(
    plan: SweepPlan,
    trials: pd.DataFrame,
    index: pd.DatetimeIndex,
    trial_ids: pd.Index,
    *,
    chunk_size: int,
    keep_returns: bool,
    returns_path: str | Path | None,
    scheduler: Any,
    progress: bool | str,
) -> tuple[pd.DataFrame, pd.DataFrame | None, dict[str, Any], int]:
    """Run every chunk; return the table, the returns (or None), the moments, the chunks.

    Parameters
    ----------
    plan : SweepPlan
    trials : DataFrame
        The expanded grid (one row per trial); the table is these columns plus statistics.
    index : DatetimeIndex
        The dates (``date``).
    trial_ids : Index
        Column labels of the returns (``trial``).
    chunk_size : int, keyword-only
    keep_returns : bool, keyword-only
    returns_path : str or Path, optional, keyword-only
    scheduler : optional, keyword-only
        None (this process), ``"local"``, an address or a ``distributed.Client``.
    progress : bool or str, keyword-only
        Progress over chunks (:class:`data.progress.Progress`); a string names it.

    Returns
    -------
    tuple
    """
    from data.progress import Progress

    n, n_rows = plan.n_trials, len(index)
    sink = _Sink(n, n_rows, keep_returns, returns_path)
    plan.info["keep"] = sink.wants_returns
    bounds = [(lo, min(lo + chunk_size, n)) for lo in range(0, n, chunk_size)]
    stats = np.empty((n, 9))
    n_reb = np.empty(n, dtype=np.int64)
    moments = np.empty((n, plan.n_blocks, 3))
    buf = np.empty((min(chunk_size, n), n_rows)) if sink.fh is not None else None
    desc = progress if isinstance(progress, str) else "sweep"
    bar = Progress(desc, len(bounds), unit="chunk", enabled=bool(progress))

    def store(lo: int, hi: int, part: dict[str, np.ndarray]) -> None:
        stats[lo:hi] = part["stats"]
        n_reb[lo:hi] = part["n_rebalances"]
        moments[lo:hi] = part["moments"]
        sink.put(lo, part.get("returns"))
        bar.update(1)

    try:
        if scheduler is None:
            for lo, hi in bounds:
                out = sink.target(lo, hi)
                if out is None and buf is not None:
                    out = buf[: hi - lo]
                part = run_plan_chunk(plan, lo, hi, out)
                if buf is not None:
                    part["returns"] = out
                store(lo, hi, part)
        else:
            _run_dask(plan, bounds, scheduler, sink, store)
    finally:
        bar.close()
    table = trials.reset_index(drop=True).copy()
    st = stats_frame(stats, n_reb)
    for name in st.columns:
        table[name] = st[name].to_numpy()
    mom = {"n": moments[:, :, 0], "sum": moments[:, :, 1], "sumsq": moments[:, :, 2]}
    return table, sink.frame(index, trial_ids), mom, len(bounds)


def _run_dask(plan: SweepPlan, bounds: list, scheduler: Any, sink: _Sink, store) -> None:
    from distributed import as_completed

    client, closers = client_for(scheduler)
    try:
        plan_future = client.scatter(plan, broadcast=True)
        futures = {
            client.submit(run_plan_chunk, plan_future, lo, hi, pure=False): (lo, hi)
            for lo, hi in bounds
        }
        done: dict[int, tuple[int, dict[str, np.ndarray]]] = {}
        next_lo = 0
        for fut in as_completed(futures):
            lo, hi = futures[fut]
            part = fut.result()
            if sink.matrix is not None:
                sink.matrix[lo:hi] = part.pop("returns")
            done[lo] = (hi, part)
            while next_lo in done:  # a file is written in trial order
                hi_, part_ = done.pop(next_lo)
                store(next_lo, hi_, part_)
                next_lo = hi_
    finally:
        for obj in closers or ():
            obj.close()

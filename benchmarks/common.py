"""Shared pieces of the benchmarks: the benchmark data, timing, memory, machine facts.

The benchmark data are the default rotation's inputs: adjusted closes of the seven basket
members over the backtest window and the capital-scarcity factor for every pair of factor
windows a sweep uses, built once by the project's own pipeline (``data.load_market`` ->
``signals.build_factor``) from the real offline mirror when it is present, else from the
synthetic market (``source`` says which). They are pickled so that each measurement can run
in a fresh process (peak RSS is per process).
"""

from __future__ import annotations

import os
import pickle
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
DEFAULT_MIRROR = REPO.parent / "shared" / "market-data"


def default_mirror() -> Path | None:
    """Return the mirror: ``$SCARCITY_MIRROR``, else ``../shared/market-data``, if present."""
    env = os.environ.get("SCARCITY_MIRROR", "").strip()
    path = Path(env) if env else DEFAULT_MIRROR
    return path if (path / "prices").is_dir() else None


@dataclass
class BenchData:
    """Inputs of every sweep and peer run.

    Attributes
    ----------
    prices : DataFrame
        Adjusted closes of the basket members on the benchmark window (business days).
    factors : dict of (int, int) to Series
        Factor on ``prices.index`` per ``(zscore_window, change_window)``.
    cash_rate : Series or None
        Annual percent paid on cash, as the pipeline passes it.
    source : str
        ``mirror`` or ``synthetic``.
    factor_build_s : dict of str to float
        Seconds to build each factor (``"zw,cw"`` keys).
    """

    prices: pd.DataFrame
    factors: dict[tuple[int, int], pd.Series]
    cash_rate: pd.Series | None
    source: str
    factor_build_s: dict[str, float] = field(default_factory=dict)

    def factor_fn(self) -> Callable[[int, int], pd.Series]:
        """Return a ``factor_fn`` for :func:`backtests.sweep.core.run_sweep` (built factors)."""

        def fn(zscore_window: int, change_window: int) -> pd.Series:
            return self.factors[(int(zscore_window), int(change_window))]

        return fn

    @property
    def shape(self) -> tuple[int, int]:
        """(bars, assets)."""
        return self.prices.shape

    def save(self, path: Path) -> None:
        """Pickle to ``path``."""
        with Path(path).open("wb") as fh:
            pickle.dump(self, fh, protocol=pickle.HIGHEST_PROTOCOL)

    @staticmethod
    def load(path: Path) -> BenchData:
        """Read a pickle written by :meth:`save`."""
        with Path(path).open("rb") as fh:
            return pickle.load(fh)


def prepare(
    *,
    pairs: Iterable[tuple[int, int]],
    mirror: Path | None,
    start: str,
    end: str,
    last_bars: int | None = None,
) -> BenchData:
    """Load the market, build the factors, cut the window.

    Parameters
    ----------
    pairs : iterable of (int, int)
        ``(zscore_window, change_window)`` pairs to build.
    mirror : Path or None
        The real mirror; None: the synthetic market.
    start, end : str
        Window of the benchmark (``end`` empty: the last date). Unlike
        :func:`backtests.study.window.backtest_window` it does not start at the factor's first
        defined date: every bar is simulated (holding cash while the factor is undefined),
        so the size of the problem is the calendar's.
    last_bars : int, optional
        Keep only the last this many bars (the tiny mode).

    Returns
    -------
    BenchData
    """
    from backtests.rotation.spec import RotationSpec
    from backtests.study.sweep import factor_function
    from backtests.study.window import cash_rate_series
    from data.config import load_config
    from data.loaders import load_market

    cfg = load_config(run={"start": start, "end": end})
    if mirror is not None:
        market = load_market(cfg, source="mirror", mirror=str(mirror))
    else:
        market = load_market(cfg, source="synthetic")
    spec = RotationSpec.from_config(cfg)
    fn = factor_function(market, cfg)
    built: dict[tuple[int, int], pd.Series] = {}
    seconds: dict[str, float] = {}
    for zw, cw in pairs:
        t0 = time.perf_counter()
        built[(zw, cw)] = fn(zw, cw)
        seconds[f"{zw},{cw}"] = time.perf_counter() - t0
    prices = market.prices[list(spec.tickers)].loc[pd.Timestamp(start) : end or None]
    if last_bars is not None:
        prices = prices.iloc[-int(last_bars) :]
    factors = {k: f.reindex(prices.index) for k, f in built.items()}
    cash = cash_rate_series(market, cfg, prices.index)
    return BenchData(
        prices=prices,
        factors=factors,
        cash_rate=cash,
        source="synthetic" if market.synthetic else "mirror",
        factor_build_s=seconds,
    )


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far, MiB (``ru_maxrss``)."""
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kib / 1024.0 if sys.platform != "darwin" else kib / 2**20


def current_rss_mib() -> float:
    """Return the current resident set size, MiB (``/proc/self/statm``, else the peak)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return peak_rss_mib()


def timed(
    fn: Callable[[], Any], *, repeats: int, warmup: int = 1
) -> tuple[float, list[float], Any]:
    """Run ``fn`` ``warmup`` times untimed, then ``repeats`` times, timed.

    Returns the median seconds, every timing and the last result.
    """
    out = None
    for _ in range(warmup):
        out = None  # drop the previous result first: it would inflate the peak RSS
        out = fn()
    times = []
    for _ in range(max(1, repeats)):
        out = None
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times, out


def machine() -> dict[str, Any]:
    """Facts about the machine the numbers were measured on."""
    import numba
    import numpy as np

    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        mem = float("nan")
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem, 1),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "numba": numba.__version__,
        "numba_threads": int(numba.config.NUMBA_NUM_THREADS),
        "platform": platform.platform(),
    }


def load_average() -> list[float]:
    """1, 5 and 15-minute load averages (other processes share the machine)."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []

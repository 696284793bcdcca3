"""Out-of-sample comparison of a forecast with the prevailing mean: R²_OS and Clark–West.

- :func:`oos_r2`: Campbell & Thompson (2008) ``R²_OS = 1 - SSE_model / SSE_mean``.
- :func:`clark_west`: Clark & West (2007) test of equal predictive accuracy of nested
  models. With ``r`` the realized target, ``b`` the benchmark (prevailing mean) and ``f``
  the model's forecast, ``f_t = (r - b)^2 - [(r - f)^2 - (b - f)^2]``; the statistic is the
  t of the mean of ``f_t`` with Newey–West (Bartlett) errors and ``max(h - 1, 0)`` lags (h-day
  targets sampled daily overlap by h - 1 days); one-sided ``p = 1 - Phi(t)`` against the
  model forecasting better.
- :func:`cumulative_sse_difference`: the Goyal & Welch (2008) figure,
  ``cumsum((r - b)^2 - (r - f)^2)``: rising where the model beats the mean.
- :func:`oos_table`: all of it per variant and sample.

Inputs are aligned on their index and rows where any of the three is missing are dropped
(the last h forecasts have no realized target yet).

Timing
------
These are evaluations after the fact: row t compares a forecast made at t with a target
realized at t + h. Nothing here feeds a forecast.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as sps

from data.errors import DataError

TABLE_COLUMNS = (
    "variant",
    "horizon",
    "sample",
    "start",
    "end",
    "n",
    "r2_os",
    "cw_stat",
    "cw_pvalue",
)


def _aligned(realized: Any, forecast: Any, benchmark: Any) -> pd.DataFrame:
    """Three inputs side by side, rows with any NaN dropped (Series align on their index)."""
    cols = {"r": realized, "f": forecast, "b": benchmark}
    if all(isinstance(v, pd.Series) for v in cols.values()):
        frame = pd.concat({k: v.astype(float) for k, v in cols.items()}, axis=1)
    else:
        arrays = {k: np.asarray(v, dtype=float).ravel() for k, v in cols.items()}
        lengths = {k: len(v) for k, v in arrays.items()}
        if len(set(lengths.values())) != 1:
            raise DataError(f"inputs differ in length: {lengths}", source="oos_stats")
        frame = pd.DataFrame(arrays)
    frame = frame.dropna()
    if not np.isfinite(frame.to_numpy()).all():
        raise DataError("inputs hold an infinite value", source="oos_stats")
    return frame


def oos_r2(realized: Any, forecast: Any, benchmark: Any) -> float:
    """Campbell–Thompson out-of-sample R²: ``1 - sum (r - f)^2 / sum (r - b)^2``.

    Parameters
    ----------
    realized, forecast, benchmark : Series or array-like
        The realized target, the model's forecast and the benchmark forecast (prevailing
        mean) for the same dates. Rows with a NaN in any are dropped.

    Returns
    -------
    float
        Positive when the model's squared errors are smaller than the benchmark's; NaN
        with no rows or when the benchmark's errors are all zero.

    Examples
    --------
    >>> oos_r2([1.0, -1.0], [0.5, -0.5], [0.0, 0.0])
    0.75
    """
    d = _aligned(realized, forecast, benchmark)
    sse_b = float(((d["r"] - d["b"]) ** 2).sum())
    if len(d) == 0 or not sse_b > 0:
        return float("nan")
    return 1.0 - float(((d["r"] - d["f"]) ** 2).sum()) / sse_b


def _nw_mean_tstat(x: np.ndarray, lags: int) -> float:
    """Return the t of the mean of ``x``, Newey–West variance (Bartlett, no df correction)."""
    n = len(x)
    e = x - x.mean()
    lrv = float(e @ e) / n
    for j in range(1, min(lags, n - 1) + 1):
        lrv += 2.0 * (1.0 - j / (lags + 1.0)) * float(e[j:] @ e[:-j]) / n
    if not lrv > 0:
        return float("nan")
    return float(x.mean() / math.sqrt(lrv / n))


@dataclass(frozen=True)
class CWResult:
    """Clark–West test of a forecast against the prevailing mean.

    Attributes
    ----------
    stat : float
        Newey–West t of the mean adjusted MSPE difference.
    pvalue : float
        One-sided ``1 - Phi(stat)`` (H1: the model forecasts better).
    r2_os : float
        Campbell–Thompson out-of-sample R² on the same rows.
    n : int
        Rows compared.
    start, end : Timestamp or None
        First and last forecast date compared (None without a date index or rows).
    horizon, lags : int
        Target horizon and Newey–West lags (``max(horizon - 1, 0)``).
    mean_adjusted : float
        Mean of the adjusted MSPE difference ``f_t``.
    """

    stat: float
    pvalue: float
    r2_os: float
    n: int
    start: pd.Timestamp | None
    end: pd.Timestamp | None
    horizon: int = 1
    lags: int = 0
    mean_adjusted: float = float("nan")

    def summary(self) -> str:
        """One line: R²_OS, the Clark–West t and p, rows and dates."""
        when = "" if self.start is None else f", {self.start:%Y-%m-%d} to {self.end:%Y-%m-%d}"
        return (
            f"out of sample (h={self.horizon}): R2_OS {self.r2_os:+.2%}, Clark-West t "
            f"{self.stat:+.2f} (one-sided p {self.pvalue:.3f}, NW lags {self.lags}), "
            f"n={self.n}{when}"
        )

    def __str__(self) -> str:
        return self.summary()


def clark_west(realized: Any, forecast: Any, benchmark: Any, *, horizon: int) -> CWResult:
    """Clark & West (2007) test of a nested model's forecast against the prevailing mean.

    Parameters
    ----------
    realized, forecast, benchmark : Series or array-like
        Realized target, model forecast, benchmark (prevailing-mean) forecast.
    horizon : int
        Horizon h of the target (>= 1); the Newey–West errors use ``max(h - 1, 0)`` lags.
        For forecasts taken every h-th date (``step = h``: no overlap) pass 1.

    Returns
    -------
    CWResult
        NaN statistics with fewer than 3 complete rows or a zero long-run variance.

    Notes
    -----
    ``f_t = (r - b)^2 - [(r - f)^2 - (b - f)^2]`` equals ``2 (r - b)(f - b)``: the adjustment
    removes the noise a nested model's extra estimated slope adds under the null, so the
    normal critical values are about right (Clark & West 2007, Table 2).

    Examples
    --------
    >>> res = clark_west([1.0, -1.0, 2.0], [0.5, -0.5, 1.0], [0.0, 0.0, 0.0], horizon=1)
    >>> round(res.stat, 4)  # f_t = [1, 1, 4]: mean 2, variance 2, t = 2 / sqrt(2 / 3)
    2.4495
    """
    if isinstance(horizon, bool) or not isinstance(horizon, int | np.integer) or horizon < 1:
        raise ValueError(f"`horizon` must be an integer >= 1, got {horizon!r}")
    lags = max(int(horizon) - 1, 0)
    d = _aligned(realized, forecast, benchmark)
    r, f, b = (d[c].to_numpy() for c in ("r", "f", "b"))
    n = len(d)
    dated = isinstance(d.index, pd.DatetimeIndex) and n > 0
    start = d.index[0] if dated else None
    end = d.index[-1] if dated else None
    nan = float("nan")
    if n < 3:
        return CWResult(nan, nan, nan, n, start, end, int(horizon), lags)
    adj = (r - b) ** 2 - ((r - f) ** 2 - (b - f) ** 2)
    t = _nw_mean_tstat(adj, lags)
    p = float(sps.norm.sf(t)) if math.isfinite(t) else nan
    return CWResult(
        stat=t,
        pvalue=p,
        r2_os=oos_r2(r, f, b),
        n=n,
        start=start,
        end=end,
        horizon=int(horizon),
        lags=lags,
        mean_adjusted=float(adj.mean()),
    )


def cumulative_sse_difference(realized: Any, forecast: Any, benchmark: Any) -> pd.Series:
    """Goyal–Welch cumulative difference of squared errors, ``cumsum((r - b)^2 - (r - f)^2)``.

    Rises on dates where the model's forecast beat the prevailing mean, falls where it did
    worse; its last value is ``SSE_mean - SSE_model``. Indexed like the (aligned) inputs,
    complete rows only, named ``cum_sse_diff``.

    Examples
    --------
    >>> cumulative_sse_difference([1.0, -1.0], [0.5, 0.0], [0.0, 0.0]).tolist()
    [0.75, 0.75]
    """
    d = _aligned(realized, forecast, benchmark)
    diff = (d["r"] - d["b"]) ** 2 - (d["r"] - d["f"]) ** 2
    return diff.cumsum().rename("cum_sse_diff")


def oos_table(
    forecasts_frame: pd.DataFrame,
    variants: Sequence[str],
    samples: Mapping[str, tuple[Any, Any]],
    horizon: int,
) -> pd.DataFrame:
    """R²_OS and Clark–West per variant and sample.

    Parameters
    ----------
    forecasts_frame : DataFrame
        Output of :func:`signals.forecast.forecast_variants` (or ``recursive_forecasts``):
        columns ``realized``, ``prevailing_mean`` and one forecast column per variant.
    variants : sequence of str
        Forecast columns to evaluate.
    samples : mapping of str to (start, end)
        Sample name -> forecast dates ``[start, end]`` (inclusive; None = open end). The
        targets of the last dates are realized up to h days after ``end``.
    horizon : int
        Target horizon (Newey–West lags ``h - 1``).

    Returns
    -------
    DataFrame
        One row per (variant, sample), columns ``variant, horizon, sample, start, end, n,
        r2_os, cw_stat, cw_pvalue``; ``start``/``end`` are the first and last forecast dates
        compared (NaT when none).

    Raises
    ------
    DataError
        A required column is missing.
    """
    need = ["realized", "prevailing_mean", *variants]
    missing = [c for c in need if c not in forecasts_frame.columns]
    if missing:
        raise DataError(f"missing columns {missing}", source="forecasts_frame")
    rows = []
    for v in variants:
        for name, (start, end) in samples.items():
            lo = None if start is None else pd.Timestamp(start)
            hi = None if end is None else pd.Timestamp(end)
            part = forecasts_frame.loc[lo:hi]
            res = clark_west(part["realized"], part[v], part["prevailing_mean"], horizon=horizon)
            rows.append(
                {
                    "variant": v,
                    "horizon": int(horizon),
                    "sample": name,
                    "start": res.start if res.start is not None else pd.NaT,
                    "end": res.end if res.end is not None else pd.NaT,
                    "n": res.n,
                    "r2_os": res.r2_os,
                    "cw_stat": res.stat,
                    "cw_pvalue": res.pvalue,
                }
            )
    return pd.DataFrame(rows, columns=list(TABLE_COLUMNS))

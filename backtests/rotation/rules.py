"""Rotation rules as small composable steps over arrays.

Each step says what it reads and what it writes; :func:`backtests.rotation.targets.target_weights`
chains them (rule -> basket mix -> calendar -> drift band) and the sweep reuses the very
same steps, so a sweep trial and a single backtest decide identical targets.

Missing factor (chosen and documented here)
------------------------------------------
Before the factor is first defined every rule holds **cash** (targets of 0). After that, a
NaN factor means "no new information": switch and tilt **hold** their previous state. The
first defined value of the switch state is set by the threshold alone when it falls inside
the hysteresis band (near when factor > threshold, long otherwise), so a switch is always
all-in one basket once the factor exists.

Timing
------
Every value at row t is computed from inputs at rows <= t (decisions at close t). No step
shifts anything forward: the execution lag is applied once, in :mod:`backtests.engines.engine`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numba import njit

from backtests.rotation.spec import Rebalance
from data.errors import DataError

PERIODS_PER_YEAR = 252


@njit(cache=True)
def _switch_nb(factor: np.ndarray, lo: float, hi: float, threshold: float) -> np.ndarray:
    out = np.empty(factor.shape[0])
    state = np.nan
    for t in range(factor.shape[0]):
        f = factor[t]
        if not np.isnan(f):
            if f > hi:
                state = 1.0
            elif f < lo:
                state = 0.0
            elif np.isnan(state):
                state = 1.0 if f > threshold else 0.0
        out[t] = state
    return out


def switch(factor: np.ndarray, *, threshold: float, band: float) -> np.ndarray:
    """Near-basket share of the switch rule, with hysteresis.

    Reads the factor at rows <= t; writes the near share at t: 1 when factor > threshold +
    band/2, 0 when factor < threshold - band/2, otherwise the previous share (a NaN factor
    also holds). NaN before the factor is first defined (cash).

    Parameters
    ----------
    factor : ndarray, shape (T,)
    threshold, band : float, keyword-only

    Returns
    -------
    ndarray, shape (T,)
        Values in {0, 1} or NaN.

    Examples
    --------
    >>> switch(np.array([np.nan, 0.1, 0.3, 0.0, -0.3]), threshold=0.0, band=0.4).tolist()
    [nan, 1.0, 1.0, 1.0, 0.0]
    """
    f = np.ascontiguousarray(factor, dtype=float)
    return _switch_nb(f, threshold - band / 2.0, threshold + band / 2.0, float(threshold))


def tilt(factor: np.ndarray, *, tilt_scale: float) -> np.ndarray:
    """Near-basket share of the tilt rule: 0.5 * (1 + tanh(factor / tilt_scale)).

    Reads the factor at rows <= t; writes a share in [0, 1] at t. A NaN factor holds the
    previous share; NaN before the factor is first defined (cash).

    Examples
    --------
    >>> tilt(np.array([np.nan, 0.0, np.nan]), tilt_scale=1.0).tolist()
    [nan, 0.5, 0.5]
    """
    share = 0.5 * (1.0 + np.tanh(np.asarray(factor, dtype=float) / float(tilt_scale)))
    share = pd.Series(share).ffill().to_numpy()
    return np.clip(share, 0.0, 1.0)


def spread_returns(near_w: np.ndarray, long_w: np.ndarray, returns: np.ndarray) -> np.ndarray:
    """Daily return of the near-minus-long basket spread (baskets weighted as of t-1).

    Reads basket weights at t-1 and member returns at t (NaN returns count as 0); writes the
    spread return at t (NaN at t = 0). ``returns`` columns are near members then long members.
    """
    n_near = near_w.shape[1]
    r = np.nan_to_num(np.asarray(returns, dtype=float), nan=0.0)
    out = np.full(r.shape[0], np.nan)
    out[1:] = (near_w[:-1] * r[1:, :n_near]).sum(axis=1) - (long_w[:-1] * r[1:, n_near:]).sum(
        axis=1
    )
    return out


def spread_vol(spread: np.ndarray, *, window: int) -> np.ndarray:
    """Annualized trailing realized volatility of the spread (std ddof 1 x sqrt(252)).

    Reads spread returns at rows t-window+1..t; writes the volatility at t, NaN until
    ``window`` returns exist.
    """
    vol = pd.Series(spread).rolling(int(window), min_periods=int(window)).std(ddof=1)
    return vol.to_numpy() * np.sqrt(PERIODS_PER_YEAR)


def longshort(
    state: np.ndarray, vol: np.ndarray, *, vol_target: float, leverage_cap: float
) -> np.ndarray:
    """Signed size of each leg of the long-short spread.

    Reads the switch state and the spread volatility at t; writes k at t: the near basket
    gets weight +k and the long basket -k, so the gross exposure is 2|k|. The direction is
    +1 (long near, short long) when the state is 1 and -1 when it is 0; the size is
    ``vol_target / vol`` capped so that the gross exposure 2|k| <= ``leverage_cap``. Before
    the state or the volatility is defined (or with zero volatility) k = 0: cash.

    Examples
    --------
    >>> longshort(np.array([1.0, 0.0]), np.array([0.2, 0.01]), vol_target=0.1,
    ...           leverage_cap=2.0).tolist()
    [0.5, -1.0]
    """
    state = np.asarray(state, dtype=float)
    vol = np.asarray(vol, dtype=float)
    direction = np.where(np.isnan(state), 0.0, 2.0 * state - 1.0)
    ok = np.isfinite(vol) & (vol > 0)
    size = np.divide(float(vol_target), vol, out=np.zeros_like(vol), where=ok)
    size = np.minimum(size, float(leverage_cap) / 2.0)
    return direction * size


def long_only_targets(near_share: np.ndarray, near_w: np.ndarray, long_w: np.ndarray) -> np.ndarray:
    """Mix the baskets: ``share * near_w`` and ``(1 - share) * long_w``.

    Reads the near share and both baskets' weights at t; writes per-ticker targets at t
    (near members then long members). A NaN share means cash (all 0); an empty basket's
    share stays in cash.
    """
    s = np.asarray(near_share, dtype=float)[:, None]
    valid = ~np.isnan(s)
    s = np.where(valid, s, 0.0)
    out = np.concatenate([s * near_w, (1.0 - s) * long_w], axis=1)
    return np.where(valid, out, 0.0)


def longshort_targets(k: np.ndarray, near_w: np.ndarray, long_w: np.ndarray) -> np.ndarray:
    """Per-ticker targets of the spread: ``+k * near_w`` and ``-k * long_w``."""
    k = np.asarray(k, dtype=float)[:, None]
    return np.concatenate([k * near_w, -k * long_w], axis=1)


def rebalance_mask(index: pd.DatetimeIndex, freq: Rebalance) -> np.ndarray:
    """Decision dates of the calendar, on the signal's own index.

    ``daily``: every row. ``weekly``: the first row of each Monday-to-Sunday week.
    ``monthly``: the first row of each calendar month. The first row is always a
    decision date.

    Examples
    --------
    >>> idx = pd.DatetimeIndex(["2024-01-30", "2024-01-31", "2024-02-01", "2024-02-05"])
    >>> rebalance_mask(idx, "monthly").tolist()
    [True, False, True, False]
    """
    n = len(index)
    if freq == "daily":
        return np.ones(n, dtype=bool)
    if freq == "weekly":
        key = np.asarray(index.to_period("W-SUN").asi8)
    elif freq == "monthly":
        key = np.asarray(index.year * 12 + index.month)
    else:
        raise DataError(f"`rebalance` must be daily, weekly or monthly, got {freq!r}")
    mask = np.ones(n, dtype=bool)
    mask[1:] = key[1:] != key[:-1]
    return mask


def on_schedule(targets: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Keep targets on decision dates only; other rows become NaN (hold)."""
    keep = np.asarray(mask, dtype=bool)[:, None]
    return np.where(keep, np.asarray(targets, dtype=float), np.nan)


@njit(cache=True)
def _drift_nb(targets: np.ndarray, returns: np.ndarray, band: float, lag: int) -> np.ndarray:
    n_rows, n_cols = targets.shape
    out = targets.copy()
    book = np.zeros(n_cols)
    pend_t = np.empty(n_rows, dtype=np.int64)
    pend_w = np.empty((n_rows, n_cols))
    head = 0
    tail = 0
    for t in range(n_rows):
        if t > 0:
            growth = 1.0
            for j in range(n_cols):
                r = returns[t, j]
                if not np.isnan(r):
                    growth += book[j] * r
            if growth > 0:
                for j in range(n_cols):
                    r = returns[t, j]
                    if not np.isnan(r):
                        book[j] = book[j] * (1.0 + r)
                    book[j] /= growth
        while head < tail and pend_t[head] <= t:
            for j in range(n_cols):
                if not np.isnan(pend_w[head, j]):
                    book[j] = pend_w[head, j]
            head += 1
        scheduled = False
        for j in range(n_cols):
            if not np.isnan(targets[t, j]):
                scheduled = True
        if not scheduled:
            continue
        dev = 0.0
        for j in range(n_cols):
            ref = pend_w[tail - 1, j] if tail > head else book[j]
            if not np.isnan(targets[t, j]):
                d = abs(targets[t, j] - ref)
                if d > dev:
                    dev = d
        if dev <= band:
            for j in range(n_cols):
                out[t, j] = np.nan
        else:
            pend_t[tail] = t + lag
            for j in range(n_cols):
                pend_w[tail, j] = targets[t, j]
            tail += 1
    return out


def drift_filter(
    targets: np.ndarray, returns: np.ndarray, *, drift_band: float, lag: int
) -> np.ndarray:
    """Skip scheduled rebalances when no weight is more than ``drift_band`` from its target.

    Reads the scheduled targets (NaN rows = no decision) and member returns at rows <= t;
    writes the targets with skipped decisions set to NaN. The comparison is against a
    frictionless model of the book as of close t: the last accepted target, drifted with
    member returns since it was traded, or the accepted target still waiting to be traded
    (trades happen ``lag`` rows after their decision, which is what the engine will do; the
    lag is only used here to know which accepted decision the book reflects at t, never to
    move a target). ``drift_band <= 0`` returns the input itself (no copy).

    Examples
    --------
    >>> t = np.array([[1.0], [np.nan], [1.0]])
    >>> drift_filter(t, np.zeros((3, 1)), drift_band=0.1, lag=1)[:, 0].tolist()
    [1.0, nan, nan]
    """
    if drift_band <= 0:
        return targets
    targets = np.ascontiguousarray(targets, dtype=float)
    rets = np.ascontiguousarray(returns, dtype=float)
    return _drift_nb(targets, rets, float(drift_band), int(lag))

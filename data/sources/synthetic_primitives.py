"""Building blocks of the synthetic market's structural simulator (no I/O).

Two small kinds of thing every part of :mod:`data.sources.synthetic_model` uses: readers of
``[synthetic]`` configuration keys that validate their value (a date; a number in a range;
the Student-t and GARCH parameters of every return shock), and the stochastic primitives
(AR(1) paths, unit-variance Student-t draws, GARCH(1,1) filtering), with interpolation of
the stylized anchor tables and last-day-of-period masks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.signal import lfilter

from data.config import Config
from data.errors import ConfigError


def config_date(cfg: Config, key: str, default: str) -> pd.Timestamp:
    """Return ``[synthetic] key`` (default ``default``) as a normalized date.

    Raises
    ------
    ConfigError
        The value is not a date.
    """
    raw = cfg.synthetic.get(key, default)
    try:
        ts = pd.Timestamp(raw)
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"`synthetic.{key}` must be a date, got {raw!r}") from exc
    if pd.isna(ts):
        raise ConfigError(f"`synthetic.{key}` must be a date, got {raw!r}")
    return ts.normalize()


def config_number(cfg: Config, key: str, default: float, lo: float, hi: float) -> float:
    """Return ``[synthetic] key`` (default ``default``) as a float.

    Raises
    ------
    ConfigError
        The value is not a number (a boolean is not) in ``[lo, hi]``.
    """
    val = cfg.synthetic.get(key, default)
    if isinstance(val, bool) or not isinstance(val, int | float) or not lo <= val <= hi:
        raise ConfigError(f"`synthetic.{key}` must be a number in [{lo}, {hi}], got {val!r}")
    return float(val)


def interp_anchors(dates: pd.DatetimeIndex, anchors: tuple) -> np.ndarray:
    """Interpolate an anchor table of ``(date, value)`` pairs linearly over ``dates``.

    Flat before the first and after the last anchor.
    """
    x = pd.to_datetime([a[0] for a in anchors]).asi8
    return np.interp(dates.asi8, x, [a[1] for a in anchors])


def ar1(rng: np.random.Generator, n: int, phi: float, sd: float) -> np.ndarray:
    """Return ``n`` steps of a zero-mean AR(1) with coefficient ``phi``, started at 0.

    The innovations are ``n`` normal draws with standard deviation ``sd`` from ``rng``.
    """
    return lfilter([1.0], [1.0, -phi], rng.normal(0.0, sd, n))


def student_t(rng: np.random.Generator, shape: tuple[int, ...], df: float) -> np.ndarray:
    """Student-t draws scaled to unit variance, clipped at 7 standard deviations."""
    return np.clip(rng.standard_t(df, shape) * np.sqrt((df - 2.0) / df), -7.0, 7.0)


def garch(z: np.ndarray, alpha: float, beta: float) -> tuple[np.ndarray, np.ndarray]:
    """GARCH(1,1) with unit unconditional variance: shocks (T, K) and variances (T + 1, K).

    The variance is capped at 6 (2.45 times the unconditional volatility).
    """
    h = np.empty((z.shape[0] + 1, z.shape[1]))
    eps = np.empty_like(z)
    h[0] = 1.0
    omega = 1.0 - alpha - beta
    for t in range(z.shape[0]):
        eps[t] = np.sqrt(h[t]) * z[t]
        h[t + 1] = np.minimum(omega + alpha * eps[t] ** 2 + beta * h[t], 6.0)
    return eps, h


def last_of_period(days: pd.DatetimeIndex, freq: str) -> np.ndarray:
    """Mask of the last day of each month (``"M"``) or quarter (``"Q"``) in ``days``."""
    per = days.to_period(freq).asi8
    return np.r_[per[1:] != per[:-1], True]


def shock_params(cfg: Config) -> tuple[float, float, float]:
    """Student-t degrees of freedom and GARCH alpha, beta of every return shock (validated)."""
    df = config_number(cfg, "student_df", 5.0, 2.5, 1000.0)
    alpha = config_number(cfg, "garch_alpha", 0.06, 0.0, 1.0)
    beta = config_number(cfg, "garch_beta", 0.92, 0.0, 1.0)
    if alpha + beta >= 1:
        raise ConfigError(f"`synthetic.garch_alpha + garch_beta` must be < 1, got {alpha + beta}")
    return df, alpha, beta

"""Shared pieces of the local projections: input checks, the design at a horizon, robust fits.

Kept private: :mod:`signals.mechanism.lp` and :mod:`signals.mechanism.state` build their
regressions from here, and :mod:`signals.mechanism.size` reuses the design for its threshold
test.

The design at horizon h (rows t of the aligned sample, shifts by row position):

- outcome ``y[t+h] - y[t-1]``;
- ``const``, ``x`` (the shock at t);
- ``dy_lag{j}`` = ``y[t-j] - y[t-j-1]`` and ``x_lag{j}`` = ``x[t-j]`` for j = 1..lags;
- the caller's controls at t, under their own column names.

Timing
------
Every regressor at row t is known at t; the outcome runs from t - 1 to t + h.
"""

from __future__ import annotations

import logging
import math
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats as sps
from statsmodels.regression.linear_model import OLS

from data.errors import DataError

log = logging.getLogger(__name__)

Errors = Literal["nw", "lag_augmented"]
ERRORS: tuple[str, ...] = ("nw", "lag_augmented")
TABLE_COLUMNS: tuple[str, ...] = (
    "beta",
    "se",
    "tstat",
    "pvalue",
    "lo68",
    "hi68",
    "lo90",
    "hi90",
    "n",
)
Z68 = float(sps.norm.ppf(0.84))
Z90 = float(sps.norm.ppf(0.95))
RESERVED = ("outcome", "const", "x")


def check_int(value: Any, name: str, *, minimum: int) -> int:
    """Return ``value`` as int, raising ``ValueError`` naming ``name`` when below ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ValueError(f"`{name}` must be an integer >= {minimum}, got {value!r}")
    if int(value) < minimum:
        raise ValueError(f"`{name}` must be >= {minimum}, got {value}")
    return int(value)


def check_errors(errors: str, lags: int) -> None:
    """Validate the error option (``lag_augmented`` needs at least one lag)."""
    if errors not in ERRORS:
        raise ValueError(f"`errors` must be one of {ERRORS}, got {errors!r}")
    if errors == "lag_augmented" and lags < 1:
        raise ValueError(f"`errors='lag_augmented'` needs `lags` >= 1, got {lags}")


def numeric_series(s: Any, name: str) -> pd.Series:
    """Return ``s`` as a float Series with a sorted, unique index, or raise ``DataError``."""
    if not isinstance(s, pd.Series):
        raise DataError(f"must be a pandas Series, got {type(s).__name__}", source=name)
    if not s.index.is_unique:
        dup = s.index[s.index.duplicated()][0]
        raise DataError("index has duplicate dates", source=name, row=str(dup))
    if not s.index.is_monotonic_increasing:
        raise DataError("index is not sorted in increasing order", source=name)
    try:
        return s.astype(float)
    except (TypeError, ValueError) as exc:
        raise DataError(f"values are not numeric ({s.dtype})", source=name) from exc


def align(y: pd.Series, x: pd.Series, controls: pd.DataFrame | None) -> pd.DataFrame:
    """Outer-join outcome level ``y``, shock ``x`` and controls on their (sorted) dates."""
    y = numeric_series(y, f"y ({y.name})" if isinstance(y, pd.Series) else "y")
    x = numeric_series(x, f"x ({x.name})" if isinstance(x, pd.Series) else "x")
    parts = [y.rename("y"), x.rename("x")]
    if controls is not None:
        if not isinstance(controls, pd.DataFrame):
            raise DataError(
                f"must be a DataFrame or None, got {type(controls).__name__}", source="controls"
            )
        for c in controls.columns:
            if str(c) in RESERVED or str(c) in ("y",) or str(c).startswith(("dy_lag", "x_lag")):
                raise ValueError(f"control column name {c!r} clashes with a design column")
            parts.append(numeric_series(controls[c], f"controls[{c!r}]").rename(str(c)))
    frame = pd.concat(parts, axis=1, join="outer").sort_index()
    return frame


def _shift(a: np.ndarray, k: int) -> np.ndarray:
    """Return ``a`` moved down ``k`` rows (up for k < 0), NaN where nothing moves in."""
    out = np.full(a.shape, np.nan)
    n = len(a)
    if k == 0:
        out[:] = a
    elif 0 < k < n:
        out[k:] = a[:-k]
    elif -n < k < 0:
        out[:k] = a[-k:]
    return out


def design(frame: pd.DataFrame, h: int, lags: int) -> pd.DataFrame:
    """Return the regression frame at horizon ``h`` (``outcome``, regressors; no NaN rows).

    Built with numpy (one frame at the end: this runs for every link, state and horizon);
    the same numbers as the pandas shifts ``y.shift(-h) - y.shift(1)``, ``y.diff().shift(j)``.
    """
    y = frame["y"].to_numpy(dtype=float)
    x = frame["x"].to_numpy(dtype=float)
    dy = y - _shift(y, 1)
    names = ["outcome", "const", "x"]
    cols = [_shift(y, -h) - _shift(y, 1), np.ones(len(y)), x]
    for j in range(1, lags + 1):
        names += [f"dy_lag{j}", f"x_lag{j}"]
        cols += [_shift(dy, j), _shift(x, j)]
    for c in frame.columns[2:]:
        names.append(c)
        cols.append(frame[c].to_numpy(dtype=float))
    arr = np.column_stack(cols) if cols else np.empty((len(y), 0))
    keep = ~np.isnan(arr).any(axis=1)
    return pd.DataFrame(arr[keep], index=frame.index[keep], columns=names)


def hac_lags(errors: str, h: int, lags: int) -> int:
    """Newey–West lags: ``max(h + 1, lags)`` for ``nw``; 0 (no HAC) for ``lag_augmented``."""
    return max(h + 1, lags) if errors == "nw" else 0


def robust_fit(
    outcome: np.ndarray, X: pd.DataFrame, errors: str, maxlags: int, *, leverage: bool = True
) -> tuple[np.ndarray, np.ndarray] | None:
    """OLS coefficients and their robust covariance, or None when the design is not full rank.

    ``leverage=False``: ``nw`` is statsmodels' Newey–West (``cov_type="HAC"``, Bartlett
    kernel, ``maxlags`` lags, no small-sample factor); ``lag_augmented`` is HC1 (Montiel Olea
    & Plagborg-Møller 2021 use Eicker–Huber–White errors).

    ``leverage=True`` (the small-sample refinement): every residual is divided by
    ``1 - h_ii`` (its leverage) before the sandwich is formed: HC3 for ``lag_augmented``
    (MacKinnon & White 1985; Long & Ervin 2000) and Newey–West on the HC3-scaled scores for
    ``nw``. Asymptotically the same as the plain errors; in samples of about a hundred
    observations with a persistent, state-split design the plain errors over-reject (see
    :mod:`signals.mechanism.size`).
    """
    n, k = X.shape
    if n <= k + 1:
        return None
    Xv = X.to_numpy(dtype=float)
    if np.linalg.matrix_rank(Xv) < k:
        log.info("design not of full rank (n=%d, k=%d): horizon skipped", n, k)
        return None
    res = OLS(outcome, Xv).fit()
    params = np.asarray(res.params, dtype=float)
    if not leverage:
        if errors == "nw":
            robust = res.get_robustcov_results(cov_type="HAC", maxlags=int(maxlags))
        else:
            robust = res.get_robustcov_results(cov_type="HC1")
        return params, np.asarray(robust.cov_params(), dtype=float)
    bread = np.linalg.inv(Xv.T @ Xv)
    h = np.einsum("ij,jk,ik->i", Xv, bread, Xv)
    u = Xv * (np.asarray(res.resid) / np.clip(1.0 - h, 1e-8, None))[:, None]
    meat = u.T @ u
    for lag in range(1, int(maxlags) + 1 if errors == "nw" else 1):
        g = u[lag:].T @ u[:-lag]
        meat += (1.0 - lag / (maxlags + 1.0)) * (g + g.T)
    return params, bread @ meat @ bread


def error_label(errors: str, leverage: bool) -> str:
    """Return a short description of the error type for summaries."""
    if errors == "nw":
        base = "Newey-West, max(h+1, lags) lags"
        return base + (", HC3-scaled residuals" if leverage else "")
    hc = "HC3" if leverage else "HC1"
    return f"{hc}, lag-augmented (Montiel Olea & Plagborg-Moller 2021)"


def table_row(beta: float, se: float, n: int) -> dict[str, float | int]:
    """Estimate, robust SE, t, two-sided normal p-value and the 68% / 90% bands."""
    t = beta / se if se > 0 else float("nan")
    p = float(2.0 * sps.norm.sf(abs(t))) if math.isfinite(t) else float("nan")
    return {
        "beta": beta,
        "se": se,
        "tstat": t,
        "pvalue": p,
        "lo68": beta - Z68 * se,
        "hi68": beta + Z68 * se,
        "lo90": beta - Z90 * se,
        "hi90": beta + Z90 * se,
        "n": int(n),
    }


def empty_row(n: int) -> dict[str, float | int]:
    """Return a table row of NaN (a horizon that could not be estimated)."""
    row: dict[str, float | int] = {c: float("nan") for c in TABLE_COLUMNS}
    row["n"] = int(n)
    return row


def one_sided(tstat: float, sign: int) -> float:
    """One-sided normal p-value of H0: slope has the sign opposite to ``sign`` (or is zero)."""
    if sign not in (1, -1):
        raise ValueError(f"`sign` must be +1 or -1 (the predicted sign), got {sign!r}")
    if not math.isfinite(tstat):
        return float("nan")
    return float(sps.norm.sf(sign * tstat))


def fmt_table(table: pd.DataFrame) -> str:
    """Return a table as text with four significant digits."""
    return table.to_string(float_format=lambda v: f"{v:.4g}")

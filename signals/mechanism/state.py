"""State-dependent local projections (Ramey & Zubairy 2018): one response per liquidity state.

Every regressor of the linear projection (constant, shock, lag controls, extra controls) is
interacted with I(state[t]) ("exhausted": idle money used up) and with I(not state[t])
("slack"), so each state has its own intercept, slope and dynamics, estimated jointly in one
regression with one robust covariance (Newey–West over the whole sample, or
heteroskedasticity-robust with lag augmentation; HC3-scaled residuals by default, as in
:mod:`signals.mechanism.lp`). The slopes of the two states are compared
by a Wald test with that covariance.

:func:`below_expanding_median` builds a state known at t from a liquidity level.

Timing
------
The state must be known at t (the caller's duty: built from data public at t, e.g. with
:func:`below_expanding_median`); the outcome runs from t - 1 to t + h.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats as sps

from data.errors import DataError
from signals.mechanism._design import (
    TABLE_COLUMNS,
    align,
    check_errors,
    check_int,
    design,
    empty_row,
    error_label,
    fmt_table,
    hac_lags,
    one_sided,
    robust_fit,
    table_row,
)

STATES: tuple[str, ...] = ("exhausted", "slack")
DIFF_COLUMNS: tuple[str, ...] = ("diff", "se", "wald", "pvalue")


@dataclass(frozen=True)
class StateLPResult:
    """Impulse responses by state and the test that they are equal.

    Attributes
    ----------
    exhausted, slack : DataFrame
        Index ``h``; the columns of :class:`~signals.mechanism.lp.LPResult.irf` for the slope
        in each state, ``n`` = observations of that state used at h.
    diff : DataFrame
        Index ``h``; ``diff`` (exhausted minus slack slope), ``se``, ``wald`` (chi-square, 1
        df) and ``pvalue``.
    errors : str
        ``"nw"`` or ``"lag_augmented"``.
    lags : int
        Lags of Δy and x (each interacted with the state).
    hac_lags : tuple of int
        Newey–West lags at each h (0 for ``lag_augmented``).
    leverage : bool
        Residuals scaled by 1 / (1 - leverage) in the covariance (HC3-type).
    """

    exhausted: pd.DataFrame = field(repr=False)
    slack: pd.DataFrame = field(repr=False)
    diff: pd.DataFrame = field(repr=False)
    errors: str
    lags: int
    hac_lags: tuple[int, ...]
    leverage: bool = True

    def at(self, h: int, state: Literal["exhausted", "slack"]) -> pd.Series:
        """Return the IRF row of ``state`` at horizon ``h``."""
        if state not in STATES:
            raise ValueError(f"`state` must be one of {STATES}, got {state!r}")
        table = self.exhausted if state == "exhausted" else self.slack
        if h not in table.index:
            raise KeyError(f"horizon {h} not estimated; horizons are 0..{table.index.max()}")
        return table.loc[h]

    def one_sided_pvalue(self, h: int, sign: int, state: Literal["exhausted", "slack"]) -> float:
        """One-sided p-value of the slope of ``state`` at ``h`` against the predicted ``sign``."""
        return one_sided(float(self.at(h, state)["tstat"]), sign)

    def diff_pvalue(self, h: int) -> float:
        """Wald p-value (two-sided) of equal slopes in the two states at ``h``."""
        if h not in self.diff.index:
            raise KeyError(f"horizon {h} not estimated; horizons are 0..{self.diff.index.max()}")
        return float(self.diff.loc[h, "pvalue"])

    def summary(self) -> str:
        """Both IRF tables and the difference test as text."""
        err = error_label(self.errors, self.leverage)
        parts = [
            f"State-dependent local projection ({self.lags} lags, all regressors interacted "
            f"with the state); errors: {err}",
            "state exhausted:",
            fmt_table(self.exhausted),
            "state slack:",
            fmt_table(self.slack),
            "difference (exhausted - slack), Wald test of equal slopes:",
            fmt_table(self.diff),
        ]
        return "\n".join(parts)

    def __str__(self) -> str:
        return self.summary()


def _state_series(state: pd.Series) -> pd.Series:
    if not isinstance(state, pd.Series):
        raise DataError(f"must be a pandas Series, got {type(state).__name__}", source="state")
    if not state.index.is_unique or not state.index.is_monotonic_increasing:
        raise DataError("index must be sorted and unique", source="state")
    s = state.astype("float64") if state.dtype == bool else pd.to_numeric(state, errors="raise")
    bad = s.dropna()[~s.dropna().isin([0.0, 1.0])]
    if len(bad):
        raise DataError(f"values must be True/False (or NaN), got {bad.iloc[0]!r}", source="state")
    return s.astype(float)


def state_local_projection(
    y: pd.Series,
    x: pd.Series,
    state: pd.Series,
    *,
    horizons: int,
    lags: int = 2,
    errors: Literal["nw", "lag_augmented"] = "nw",
    controls: pd.DataFrame | None = None,
    leverage: bool = True,
) -> StateLPResult:
    """Estimate the response of ``y`` to ``x`` separately when ``state`` is True and False.

    Parameters
    ----------
    y, x : Series
        Outcome level and shock, as in :func:`~signals.mechanism.lp.local_projection`.
    state : Series of bool
        True = idle money exhausted at t (known at t); NaN rows are dropped.
    horizons, lags, errors, controls, leverage
        As in :func:`~signals.mechanism.lp.local_projection`.

    Returns
    -------
    StateLPResult
        Per-state IRFs and the difference test per horizon. A horizon where one state has
        too few rows for its regressors is NaN.

    Examples
    --------
    >>> res = state_local_projection(y, x, rrp < 50, horizons=8)   # doctest: +SKIP
    >>> res.diff_pvalue(4)                                        # doctest: +SKIP
    """
    H = check_int(horizons, "horizons", minimum=0)
    p = check_int(lags, "lags", minimum=0)
    check_errors(errors, p)
    frame = align(y, x, controls)
    s = _state_series(state).reindex(frame.index)
    tables: dict[str, list[dict[str, float | int]]] = {k: [] for k in STATES}
    diffs: list[dict[str, float]] = []
    used: list[int] = []
    for h in range(H + 1):
        m = hac_lags(errors, h, p)
        used.append(m)
        rows, drow = _one_horizon(frame, s, h, p, errors, m, leverage)
        for k in STATES:
            tables[k].append(rows[k])
        diffs.append(drow)
    idx = pd.Index(range(H + 1), name="h")
    return StateLPResult(
        exhausted=pd.DataFrame(tables["exhausted"], index=idx, columns=TABLE_COLUMNS),
        slack=pd.DataFrame(tables["slack"], index=idx, columns=TABLE_COLUMNS),
        diff=pd.DataFrame(diffs, index=idx, columns=DIFF_COLUMNS),
        errors=errors,
        lags=p,
        hac_lags=tuple(used),
        leverage=bool(leverage),
    )


def state_diff_stat(
    frame: pd.DataFrame, s: pd.Series, h: int, lags: int, errors: str, leverage: bool = True
) -> tuple[dict[str, dict[str, float | int]], dict[str, float]]:
    """Return the per-state rows and the difference row at one horizon (frame from ``align``)."""
    return _one_horizon(frame, s, h, lags, errors, hac_lags(errors, h, lags), leverage)


def _one_horizon(
    frame: pd.DataFrame,
    s: pd.Series,
    h: int,
    lags: int,
    errors: str,
    maxlags: int,
    leverage: bool,
) -> tuple[dict[str, dict[str, float | int]], dict[str, float]]:
    d = design(frame.assign(_state=s), h, lags)
    ind = d.pop("_state").to_numpy()
    outcome = d.pop("outcome").to_numpy()
    n_state = {"exhausted": int((ind == 1.0).sum()), "slack": int((ind == 0.0).sum())}
    dv = d.to_numpy()
    X = pd.DataFrame(
        np.hstack([dv * ind[:, None], dv * (1.0 - ind)[:, None]]),
        columns=[f"{c}@exhausted" for c in d.columns] + [f"{c}@slack" for c in d.columns],
    )
    k = d.shape[1]
    fit = None
    if min(n_state.values()) > k:
        fit = robust_fit(outcome, X, errors, maxlags, leverage=leverage)
    nan_diff = {c: float("nan") for c in DIFF_COLUMNS}
    if fit is None:
        return {st: empty_row(n_state[st]) for st in STATES}, nan_diff
    params, cov = fit
    ix = list(d.columns).index("x")
    ie, isl = ix, k + ix
    rows = {
        "exhausted": table_row(
            float(params[ie]), float(np.sqrt(max(cov[ie, ie], 0.0))), n_state["exhausted"]
        ),
        "slack": table_row(
            float(params[isl]), float(np.sqrt(max(cov[isl, isl], 0.0))), n_state["slack"]
        ),
    }
    diff = float(params[ie] - params[isl])
    var = float(cov[ie, ie] + cov[isl, isl] - 2.0 * cov[ie, isl])
    if not var > 0:
        return rows, nan_diff
    wald = diff * diff / var
    return rows, {
        "diff": diff,
        "se": math.sqrt(var),
        "wald": wald,
        "pvalue": float(sps.chi2.sf(wald, 1)),
    }


def below_expanding_median(level: pd.Series, *, min_periods: int = 20) -> pd.Series:
    """Flag where ``level`` is at or below the median of its history up to and including t.

    A state known at t ("idle liquidity scarce by its own past"), NaN (as a float Series of
    0/1) during the first ``min_periods - 1`` non-missing observations and where the level
    is missing.

    Parameters
    ----------
    level : Series
        A liquidity level (e.g. ON RRP, reserves), sorted dates.
    min_periods : int, default 20
        Observations needed before the state is defined.

    Returns
    -------
    Series
        1.0 (exhausted), 0.0 (slack) or NaN, on ``level``'s index.
    """
    mp = check_int(min_periods, "min_periods", minimum=1)
    lv = level.astype(float)
    med = lv.expanding(min_periods=mp).median()
    out = (lv <= med).astype(float)
    return out.where(med.notna() & lv.notna())

"""Local projections (Jordà 2005) of an outcome's cumulative change on a shock.

For each horizon h = 0..H one OLS regression

    y[t+h] - y[t-1] = a_h + b_h x[t] + sum_{j=1..p} (c_j Δy[t-j] + d_j x[t-j]) + g_h' w[t] + e,

where p = ``lags`` and w are optional controls. ``b_h`` is the impulse response of the level
of y, h periods after a unit change in x (the cumulative response of Δy).

Errors:

- ``"nw"``: Newey–West (Bartlett) with ``max(h + 1, lags)`` lags, which covers the MA(h)
  overlap of the h-step outcome;
- ``"lag_augmented"``: heteroskedasticity-robust errors with the lag controls included
  (Montiel Olea & Plagborg-Møller 2021). Valid when (Δy, x) follows a VAR of order below
  ``lags`` (their lag augmentation: one lag more than the true order), for short and long
  horizons alike; no HAC bandwidth to choose.

By default (``leverage=True``) each residual is scaled by 1 / (1 - leverage) inside the
sandwich: HC3 instead of HC1, and Newey–West on HC3-scaled scores. This small-sample
refinement brings the state-dependent tests back to their nominal size at n of about 130
(docs/POWER.md); ``leverage=False`` gives statsmodels' plain Newey–West and HC1.

Inference is normal (two-sided p-values and 68% / 90% bands ``beta ± z se``). Rows with any
NaN are dropped horizon by horizon, so ``n`` falls as h grows. Lags are by row position of
the aligned sample (y and x outer-joined on their dates): pass series on one calendar.

Timing
------
The shock and every control are taken at t; the outcome runs from t - 1 to t + h. The
projection estimates a relation over the whole sample: it is a study, not a signal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

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


@dataclass(frozen=True)
class LPResult:
    """Impulse responses from a local projection.

    Attributes
    ----------
    irf : DataFrame
        Index ``h`` (0..horizons); columns ``beta`` (response of y's level), ``se``
        (robust), ``tstat``, ``pvalue`` (two-sided, normal), ``lo68``, ``hi68``, ``lo90``,
        ``hi90`` (normal bands) and ``n`` (observations used at h).
    errors : str
        ``"nw"`` or ``"lag_augmented"``.
    lags : int
        Lags of Δy and x controlled for.
    hac_lags : tuple of int
        Newey–West lags used at each h (``max(h + 1, lags)``; 0 for ``lag_augmented``).
    outcome, shock : str
        Names of y and x.
    controls : tuple of str
        Names of the extra controls.
    leverage : bool
        Residuals scaled by 1 / (1 - leverage) in the covariance (HC3-type).

    Examples
    --------
    >>> res = local_projection(y, x, horizons=8)          # doctest: +SKIP
    >>> res.at(4)["beta"], res.one_sided_pvalue(4, +1)    # doctest: +SKIP
    """

    irf: pd.DataFrame = field(repr=False)
    errors: str
    lags: int
    hac_lags: tuple[int, ...]
    outcome: str = "y"
    shock: str = "x"
    controls: tuple[str, ...] = ()
    leverage: bool = True

    def at(self, h: int) -> pd.Series:
        """Return the IRF row at horizon ``h`` (KeyError naming the horizons run when absent)."""
        if h not in self.irf.index:
            raise KeyError(f"horizon {h} not estimated; horizons are 0..{self.irf.index.max()}")
        return self.irf.loc[h]

    def one_sided_pvalue(self, h: int, sign: int) -> float:
        """One-sided p-value at ``h`` against the predicted ``sign`` (+1 or -1).

        ``1 - Phi(sign * t)``: small when the slope has the predicted sign. NaN when the
        horizon could not be estimated.
        """
        return one_sided(float(self.at(h)["tstat"]), sign)

    def summary(self) -> str:
        """Return the IRF table as text, with the error type and lags."""
        err = error_label(self.errors, self.leverage)
        ctl = f"; controls: {', '.join(self.controls)}" if self.controls else ""
        head = (
            f"Local projection of {self.outcome}[t+h] - {self.outcome}[t-1] on "
            f"{self.shock}[t] ({self.lags} lags of each{ctl}); errors: {err}"
        )
        table = self.irf.assign(hac_lags=list(self.hac_lags))
        return head + "\n" + fmt_table(table)

    def __str__(self) -> str:
        return self.summary()


def local_projection(
    y: pd.Series,
    x: pd.Series,
    *,
    horizons: int,
    lags: int = 2,
    errors: Literal["nw", "lag_augmented"] = "nw",
    controls: pd.DataFrame | None = None,
    leverage: bool = True,
) -> LPResult:
    """Estimate the response of ``y``'s level to ``x`` at horizons 0..``horizons``.

    Parameters
    ----------
    y : Series
        Outcome in levels (the regression takes its change from t - 1 to t + h), indexed by
        sorted unique dates.
    x : Series
        Shock (or shock proxy) at t, same calendar as ``y``.
    horizons : int
        Largest horizon H >= 0.
    lags : int, default 2
        Lags p >= 0 of Δy and of x in every regression (>= 1 for ``lag_augmented``).
    errors : {"nw", "lag_augmented"}, default "nw"
        Newey–West with ``max(h + 1, lags)`` lags, or heteroskedasticity-robust errors with
        lag augmentation.
    controls : DataFrame, optional
        Extra controls at t (known at t), joined on the dates.
    leverage : bool, default True
        Divide each residual by one minus its leverage before forming the robust
        covariance (HC3; Newey–West on HC3-scaled scores). ``False`` gives the plain
        statsmodels Newey–West or HC1 errors, which over-reject in samples of about a
        hundred observations (docs/POWER.md).

    Returns
    -------
    LPResult
        ``irf`` with one row per horizon.

    Raises
    ------
    ValueError
        A bad option (horizons < 0, lags < 0, unknown errors, a control name clash).
    data.errors.DataError
        Unsorted or duplicate dates, or non-numeric values.

    Examples
    --------
    >>> res = local_projection(rrp, capex_surprise, horizons=12, lags=2)  # doctest: +SKIP
    >>> print(res.summary())                                              # doctest: +SKIP
    """
    H = check_int(horizons, "horizons", minimum=0)
    p = check_int(lags, "lags", minimum=0)
    check_errors(errors, p)
    frame = align(y, x, controls)
    rows: list[dict[str, float | int]] = []
    used_lags: list[int] = []
    for h in range(H + 1):
        m = hac_lags(errors, h, p)
        used_lags.append(m)
        b, se, n = lp_slope(frame, h, p, errors, leverage)
        rows.append(table_row(b, se, n) if math.isfinite(se) else empty_row(n))
    irf = pd.DataFrame(rows, index=pd.Index(range(H + 1), name="h"), columns=TABLE_COLUMNS)
    return LPResult(
        irf=irf,
        errors=errors,
        lags=p,
        hac_lags=tuple(used_lags),
        outcome=str(y.name) if y.name is not None else "y",
        shock=str(x.name) if x.name is not None else "x",
        controls=tuple(str(c) for c in controls.columns) if controls is not None else (),
        leverage=bool(leverage),
    )


def lp_slope(
    frame: pd.DataFrame, h: int, lags: int, errors: str, leverage: bool = True
) -> tuple[float, float, int]:
    """Slope on x, its robust SE and n at one horizon, from an aligned frame (see ``align``).

    NaN slope and SE when the regression cannot be run (too few rows, rank deficient).
    """
    d = design(frame, h, lags)
    fit = robust_fit(
        d["outcome"].to_numpy(),
        d.drop(columns="outcome"),
        errors,
        hac_lags(errors, h, lags),
        leverage=leverage,
    )
    if fit is None:
        return float("nan"), float("nan"), len(d)
    params, cov = fit
    k = list(d.columns[1:]).index("x")
    return float(params[k]), float(np.sqrt(max(cov[k, k], 0.0))), len(d)

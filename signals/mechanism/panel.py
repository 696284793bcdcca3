"""The monthly panel every link of the mechanism study uses, as known at each month's end.

Timing
------
Row ``m`` holds, for the last business day ``d`` of month ``m``: factor components and the
regime as the factor saw them at ``d`` (already point-in-time), macro series levels released
on or before ``d`` (each series' release lag, :func:`data.pit.macro_known_at`), and the
cumulative log return of each target through ``d``. Nothing after ``d`` enters row ``m``:
removing later rows of any input leaves the row unchanged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from data.config import Config
from data.pit import macro_known_at
from signals.mechanism.spec import MechanismSpec, VariableSpec
from signals.mechanism.state import below_expanding_median

STATE_MIN_MONTHS = 12
"""Months of a state variable before its expanding median defines the state."""


def month_ends(index: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """Return the last date of ``index`` in each calendar month (a month's last business day).

    Examples
    --------
    >>> month_ends(pd.bdate_range("2024-01-29", "2024-02-02")).strftime("%Y-%m-%d").tolist()
    ['2024-01-31', '2024-02-02']
    """
    idx = pd.DatetimeIndex(index).sort_values()
    s = pd.Series(idx, index=idx)
    last = s.groupby(idx.to_period("M")).max()
    return pd.DatetimeIndex(last.to_numpy(), name="date")


def _series_values(
    var: VariableSpec, macro: pd.DataFrame, cfg: Config, ends: pd.DatetimeIndex
) -> pd.Series:
    present = [s for s in var.source if s in macro.columns]
    if len(present) < len(var.source):
        return pd.Series(np.nan, index=ends, name=var.name)
    vals, _ = macro_known_at(macro[present], cfg, ends)
    out = vals[var.source[0]] if var.op == "level" else vals[var.source[0]] - vals[var.source[1]]
    return out.rename(var.name)


def _target_level(returns: pd.Series | None, ends: pd.DatetimeIndex, name: str) -> pd.Series:
    if returns is None or returns.dropna().empty:
        return pd.Series(np.nan, index=ends, name=name)
    r = returns.dropna()
    level = np.log1p(r).cumsum()
    # the level before the first return is 0: the month that holds the first day starts there
    out = level.reindex(ends, method="ffill")
    out[ends < r.index[0]] = np.nan
    return out.rename(name)


def state_series(panel: pd.DataFrame, regime: pd.Series | None, spec: MechanismSpec) -> pd.Series:
    """Return 1.0 where idle money is exhausted at month end, 0.0 where ample, NaN if unknown.

    ``state_variable = "regime"`` takes the factor's regime rule at month end; otherwise
    ``state_rule = "below_expanding_median"`` marks the months whose value is at or below the
    median of that variable's values up to and including the month (known at t; defined from
    the variable's twelfth month).
    """
    if spec.state_variable == "regime":
        if regime is None:
            return pd.Series(np.nan, index=panel.index, name="state")
        r = regime.astype(float).reindex(panel.index, method="ffill")
        return r.rename("state")
    if spec.state_rule != "below_expanding_median":
        raise ValueError(
            f"`mechanism.state_rule` must be below_expanding_median, got {spec.state_rule!r}"
        )
    x = panel[spec.state_variable].dropna()
    out = below_expanding_median(x, min_periods=STATE_MIN_MONTHS)
    return out.reindex(panel.index).rename("state")


def monthly_panel(
    spec: MechanismSpec,
    *,
    cfg: Config,
    components: pd.DataFrame,
    macro: pd.DataFrame,
    targets: dict[str, pd.Series],
    regime: pd.Series | None = None,
    end: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Build the month-end panel of the variables the study needs, plus ``state``.

    Parameters
    ----------
    spec : MechanismSpec
        Which variables (``spec.needed``) and how the state is defined.
    cfg : Config
        Release lags of the macro series.
    components : DataFrame
        The factor's components on business days (``FactorResult.components``).
    macro : DataFrame
        The raw macro table (observation dates).
    targets : dict of str to Series
        Daily simple returns of the traded spreads, by target name.
    regime : Series of bool, optional
        The factor's regime on business days (``FactorResult.regime``).
    end : Timestamp, optional
        Last date used (default: the components' last date).

    Returns
    -------
    DataFrame
        Index ``date`` (each month's last business day), one column per needed variable and
        ``state`` (1 exhausted, 0 ample, NaN unknown). A variable without data is all NaN.
    """
    idx = components.index if end is None else components.index[components.index <= end]
    ends = month_ends(idx)
    cols: dict[str, pd.Series] = {}
    for name in spec.needed:
        var = spec.variables[name]
        if var.kind == "component":
            src = var.source[0]
            s = components[src] if src in components.columns else None
            cols[name] = (
                s.reindex(ends) if s is not None else pd.Series(np.nan, index=ends)
            ).rename(name)
        elif var.kind == "series":
            cols[name] = _series_values(var, macro, cfg, ends)
        else:
            tgt = targets.get(var.source[0])
            if tgt is not None:
                tgt = tgt.loc[: ends[-1]] if len(ends) else tgt
            cols[name] = _target_level(tgt, ends, name)
    panel = pd.DataFrame(cols, index=ends)
    panel.index.name = "date"
    reg = None if regime is None else regime.loc[: ends[-1]] if len(ends) else regime
    panel["state"] = state_series(panel, reg, spec)
    return panel

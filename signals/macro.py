"""Generic macro components defined in the configuration (``[factor.macro_components]``).

A component is a small recipe over macro series: combine the inputs (``op``), transform the
result on the series' *own* calendar (``transform`` over ``periods`` observations), then make
it point-in-time on business days. The code does not know which study it serves: the
default configuration defines none; ``configs/long_history.toml`` defines the capex-demand,
funding-price and liquidity components of the long-history test from FRED-MD and FRED-QD.

Recipe keys (per component):

- ``series``: list of macro series ids (each with a release lag in ``[macro.series]``);
- ``op``: ``level`` (one series), ``diff`` (first minus second) or ``ratio`` (first / second);
- ``transform``: ``level``, ``change`` (x_t - x_{t-k}) or ``growth`` (log(x_t / x_{t-k})), with
  ``periods`` = k observations of the inputs' own frequency (12 = a year of monthly data);
- ``sign``: +1 or -1, the thesis sign (high scarcity = positive signed value);
- ``frequency``: the staleness class (``daily``, ``weekly``, ``monthly``, ``quarterly``) in
  ``[factor.staleness_days]``;
- ``block``: ``capex``, ``liquidity`` or ``funding`` (for ``factor.method = "interaction"``
  and for ablations).

Timing
------
The value for observation date d uses inputs observed at or before d, and is usable from the
*latest* release date of its inputs for d (each input's lag applied to d, rolled to a
business day). On business day t the component holds the last value usable at t. Changing
any input after t leaves every value at or before t unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from data.config import Config
from data.errors import ConfigError
from data.pit import available_date

OPS = ("level", "diff", "ratio")
TRANSFORMS = ("level", "change", "growth")
BLOCK_NAMES = ("capex", "liquidity", "funding")


@dataclass(frozen=True)
class MacroComponent:
    """One validated recipe (see the module docstring for the keys)."""

    name: str
    series: tuple[str, ...]
    op: str
    transform: str
    periods: int
    sign: int
    frequency: str
    block: str

    @classmethod
    def from_spec(cls, name: str, spec: Mapping[str, Any], cfg: Config) -> MacroComponent:
        """Validate one ``[factor.macro_components.<name>]`` table."""
        where = f"[factor.macro_components.{name}]"
        series = tuple(str(s) for s in spec.get("series", ()))
        op = str(spec.get("op", "level"))
        transform = str(spec.get("transform", "level"))
        periods = int(spec.get("periods", 1))
        sign = int(spec.get("sign", 1))
        frequency = str(spec.get("frequency", "monthly"))
        block = str(spec.get("block", "funding"))
        need = 1 if op == "level" else 2
        if op not in OPS:
            raise ConfigError(f"{where} op must be one of {OPS}, got {op!r}")
        if len(series) != need:
            raise ConfigError(f"{where} op {op!r} needs {need} series, got {list(series)}")
        if transform not in TRANSFORMS:
            raise ConfigError(f"{where} transform must be one of {TRANSFORMS}, got {transform!r}")
        if periods < 1:
            raise ConfigError(f"{where} periods must be >= 1, got {periods}")
        if sign not in (-1, 1):
            raise ConfigError(f"{where} sign must be +1 or -1, got {sign}")
        if frequency not in cfg.factor.staleness_days:
            raise ConfigError(
                f"{where} frequency {frequency!r} has no limit in [factor.staleness_days] "
                f"({list(cfg.factor.staleness_days)})"
            )
        if block not in BLOCK_NAMES:
            raise ConfigError(f"{where} block must be one of {BLOCK_NAMES}, got {block!r}")
        for s in series:
            if s not in cfg.macro.series:
                raise ConfigError(f"{where} series {s!r} has no release lag in [macro.series]")
        return cls(name, series, op, transform, periods, sign, frequency, block)


def component_specs(cfg: Config) -> dict[str, MacroComponent]:
    """Return the validated recipes of ``[factor.macro_components]`` (empty by default)."""
    table = cfg.factor.get("macro_components", {}) or {}
    return {name: MacroComponent.from_spec(name, spec, cfg) for name, spec in table.items()}


def native_values(macro: pd.DataFrame, comp: MacroComponent) -> pd.Series:
    """Return the component on its inputs' own observation dates (before release lags).

    Dates where an input is missing are dropped before the transform, so ``periods`` counts
    observations that exist.
    """
    cols = [
        macro[s] if s in macro.columns else pd.Series(np.nan, index=macro.index)
        for s in comp.series
    ]
    frame = pd.concat(cols, axis=1, keys=range(len(cols))).dropna()
    if comp.op == "level":
        x = frame[0]
    elif comp.op == "diff":
        x = frame[0] - frame[1]
    else:
        x = frame[0] / frame[1].where(frame[1] != 0)
    if comp.transform == "change":
        x = x - x.shift(comp.periods)
    elif comp.transform == "growth":
        ratio = x / x.shift(comp.periods)
        x = np.log(ratio.where(ratio > 0))
    return x.dropna().rename(comp.name)


def known_on(
    values: pd.Series, comp: MacroComponent, cfg: Config, index: pd.DatetimeIndex
) -> tuple[np.ndarray, np.ndarray]:
    """Values usable on each date of ``index`` and their ages in calendar days.

    The release date of observation d is the latest of its inputs' release dates
    (:func:`data.pit.available_date` with each input's lag); NaN before the first release.
    """
    idx = pd.DatetimeIndex(index)
    if values.empty:
        return np.full(len(idx), np.nan), np.full(len(idx), np.nan)
    obs = pd.DatetimeIndex(values.index)
    avail = np.max(
        np.vstack([available_date(obs, cfg.macro_lag(s)).asi8 for s in comp.series]), axis=0
    )
    avail = np.maximum.accumulate(avail)
    pos = np.searchsorted(avail, idx.asi8, side="right") - 1
    ok = pos >= 0
    p = pos.clip(min=0)
    vals = np.where(ok, values.to_numpy()[p], np.nan)
    age = np.where(ok, (idx.asi8 - obs.asi8[p]) / 86_400e9, np.nan)
    return vals, age


def macro_components(
    macro: pd.DataFrame, index: pd.DatetimeIndex, cfg: Config
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, MacroComponent]]:
    """Every configured macro component on ``index``, their ages, and their recipes.

    Parameters
    ----------
    macro : DataFrame
        Raw macro table (observation dates), one column per series.
    index : DatetimeIndex
        Business days.
    cfg : Config
        ``[factor.macro_components]`` and the release lags of ``[macro.series]``.

    Returns
    -------
    components, age_days : DataFrame
        ``index`` x components (empty frames with ``index`` when none is configured).
    specs : dict
        Name -> :class:`MacroComponent`.

    Timing
    ------
    The value at t uses observations released on or before t.

    Examples
    --------
    >>> from data.config import load_config
    >>> idx = pd.bdate_range("2024-01-01", periods=3, name="date")
    >>> comp, age, specs = macro_components(pd.DataFrame(index=idx), idx, load_config())
    >>> comp.shape, specs
    ((3, 0), {})
    """
    idx = pd.DatetimeIndex(index)
    specs = component_specs(cfg)
    comp = pd.DataFrame(index=idx)
    age = pd.DataFrame(index=idx)
    for name, spec in specs.items():
        vals, ages = known_on(native_values(macro, spec), spec, cfg, idx)
        comp[name] = vals
        age[name] = ages
    return comp, age, specs

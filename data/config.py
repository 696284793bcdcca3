"""One frozen configuration object, loaded from TOML and passed explicitly.

The defaults live in ``data/default.toml`` (shipped with the package). A user file given
to :func:`load_config` overrides them key by key; an unknown key is an error, so a typo
never silently falls back to a default.
"""

from __future__ import annotations

import copy
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd

from data.errors import ConfigError

DEFAULT_CONFIG_PATH = Path(__file__).with_name("default.toml")


NAME_PATTERNS: dict[str, re.Pattern[str]] = {
    "ticker": re.compile(r"^\^?[A-Za-z0-9][A-Za-z0-9.\-=]{0,19}$"),
    "series": re.compile(r"^[A-Za-z0-9][A-Za-z0-9_]{0,39}$"),
    "cik": re.compile(r"^(CIK)?[0-9]{1,10}$"),
    "table": re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$"),
}
"""What a ticker, FRED series id, CIK or capex-table name may look like: never a path."""

NAME_RULES = {
    "ticker": "letters, digits, '.', '-', '=' (an optional leading '^'), up to 20 characters",
    "series": "letters, digits and '_', up to 40 characters",
    "cik": "up to 10 digits (optionally prefixed CIK)",
    "table": "letters, digits, '_', '.', '-', up to 64 characters",
}


def valid_name(kind: str, name: object) -> bool:
    """Return whether ``name`` is a valid ``kind`` (``ticker``, ``series``, ``cik``, ``table``)."""
    return (
        isinstance(name, str | int)
        and not isinstance(name, bool)
        and bool(NAME_PATTERNS[kind].match(str(name)))
        and ".." not in str(name)
    )


def check_name(kind: str, name: object, key: str) -> str:
    """Return ``name`` as a string, or raise :class:`ConfigError` naming the config ``key``.

    Examples
    --------
    >>> check_name("ticker", "BTC-USD", "universe.long")
    'BTC-USD'
    """
    if not valid_name(kind, name):
        raise ConfigError(
            f"`{key}`: {name!r} is not a valid {kind} name ({NAME_RULES[kind]}); "
            "names are never paths"
        )
    return str(name)


def _check_names(d: dict[str, Any], origin: str) -> None:
    u = d["universe"]
    lists = [
        (f"universe.{k}", u.get(k, [])) for k in ("hyperscalers", "near", "long", "benchmarks")
    ]
    lists.append(("data.crypto", d["data"].get("crypto", [])))
    try:
        for key, names in lists:
            for name in names:
                check_name("ticker", name, key)
        for ticker, cik in u.get("cik", {}).items():
            check_name("ticker", ticker, "universe.cik")
            check_name("cik", cik, f"universe.cik.{ticker}")
        for ticker, olds in u.get("cik_history", {}).items():
            check_name("ticker", ticker, "universe.cik_history")
            for old in olds:
                check_name("cik", old, f"universe.cik_history.{ticker}")
        for series in d["macro"]["series"]:
            check_name("series", series, "macro.series")
        cash = d["costs"].get("cash_rate_series", "")
        if cash:
            check_name("series", cash, "costs.cash_rate_series")
        for name in d["costs"].get("cash_rate_fallback", []):
            check_name("series", name, "costs.cash_rate_fallback")
    except ConfigError as exc:
        raise ConfigError(f"{origin}: {exc}") from None


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_thaw(v) for v in value]
    return value


@dataclass(frozen=True)
class Section:
    """A read-only view of one TOML table: attribute and item access, no mutation."""

    name: str
    values: Mapping[str, Any] = field(default_factory=dict)

    def __getattr__(self, key: str) -> Any:
        values = object.__getattribute__(self, "values")
        if key in values:
            return values[key]
        name = object.__getattribute__(self, "name")
        raise AttributeError(f"config section [{name}] has no key `{key}`")

    def __getitem__(self, key: str) -> Any:
        return self.__getattr__(key)

    def __contains__(self, key: object) -> bool:
        return key in self.values

    def get(self, key: str, default: Any = None) -> Any:
        """Return ``key`` or ``default`` when absent."""
        return self.values.get(key, default)

    def to_dict(self) -> dict[str, Any]:
        """Return a plain, mutable copy of the section."""
        return _thaw(self.values)


@dataclass(frozen=True)
class Config:
    """The whole configuration: one :class:`Section` per TOML table.

    Attributes
    ----------
    run, data, universe, macro, factor, backtest, costs, inference, sweep, synthetic : Section
        The tables of ``default.toml``.
    targets : Section
        What is traded: the near/long baskets (default) or Ken French spreads.
    verdict : Section
        The verdict rule (``[verdict]``).
    path : str
        Where the user overrides came from ("<default>" when none).
    """

    run: Section
    data: Section
    universe: Section
    macro: Section
    factor: Section
    backtest: Section
    costs: Section
    inference: Section
    sweep: Section
    synthetic: Section
    verdict: Section
    path: str = "<default>"
    targets: Section = field(default_factory=lambda: Section("targets"))

    def to_dict(self) -> dict[str, Any]:
        """Return the configuration as nested plain dicts (for writing next to a report)."""
        return {f.name: getattr(self, f.name).to_dict() for f in fields(self) if f.name != "path"}

    def replace(self, **sections: Mapping[str, Any]) -> Config:
        """Return a copy with some keys overridden: ``cfg.replace(backtest={"rule": "tilt"})``."""
        merged = _merge(self.to_dict(), dict(sections), origin="replace()")
        return _build(merged, self.path)

    # convenience accessors used across layers
    def macro_lag(self, series: str) -> str:
        """Release lag of a macro series as a pandas offset string (e.g. ``"1B"``)."""
        spec = self.macro.series.get(series)
        if spec is None:
            raise ConfigError(f"macro series `{series}` has no release lag in [macro.series]")
        return spec["lag"]

    def macro_units(self, series: str) -> str:
        """Units of a macro series (``percent``, ``millions_usd``, ``billions_usd``, ...)."""
        spec = self.macro.series.get(series)
        if spec is None:
            raise ConfigError(f"macro series `{series}` has no units in [macro.series]")
        return spec["units"]

    @property
    def tickers(self) -> list[str]:
        """Every price ticker the default run needs (baskets, benchmarks, hyperscalers)."""
        u = self.universe
        seen: dict[str, None] = {}
        for t in (*u.near, *u.long, *u.benchmarks, *u.hyperscalers):
            seen[t] = None
        return list(seen)


def _merge(
    base: dict[str, Any], override: Mapping[str, Any], *, origin: str, path: str = ""
) -> dict:
    out = copy.deepcopy(base)
    for key, value in override.items():
        where = f"{path}.{key}" if path else key
        if key not in out:
            # free-form tables: series definitions, CIK maps, weights of new components
            if path.startswith(
                ("macro.series", "universe.cik", "factor.weights", "factor.macro_components")
            ) or path in (
                "macro.series",
                "universe.cik",
                "universe.cik_history",
                "factor.weights",
                "factor.macro_components",
            ):
                out[key] = copy.deepcopy(value)
                continue
            raise ConfigError(f"{origin}: unknown configuration key `{where}`")
        if isinstance(out[key], dict) and isinstance(value, Mapping):
            out[key] = _merge(out[key], value, origin=origin, path=where)
        else:
            out[key] = value
    return out


def _validate(d: dict[str, Any], origin: str) -> None:
    def bad(msg: str) -> ConfigError:
        return ConfigError(f"{origin}: {msg}")

    for key in ("start", "oos_start", "registered"):
        try:
            pd.Timestamp(d["run"][key])
        except (ValueError, TypeError) as exc:
            raise bad(f"`run.{key}` must be a date, got {d['run'][key]!r}") from exc
    if pd.Timestamp(d["run"]["registered"]) < pd.Timestamp(d["run"]["oos_start"]):
        raise bad(
            f"`run.registered` ({d['run']['registered']}) must not be before `run.oos_start` "
            f"({d['run']['oos_start']})"
        )
    if int(d["factor"].get("min_components", 1)) < 1:
        raise bad(f"`factor.min_components` must be >= 1, got {d['factor']['min_components']}")
    _check_names(d, origin)
    bt = d["backtest"]
    if bt["rule"] not in ("switch", "tilt", "longshort"):
        raise bad(f"`backtest.rule` must be switch, tilt or longshort, got {bt['rule']!r}")
    if bt["rebalance"] not in ("daily", "weekly", "monthly"):
        raise bad(f"`backtest.rebalance` must be daily, weekly or monthly, got {bt['rebalance']!r}")
    if int(bt["execution_lag"]) < 1:
        raise bad(f"`backtest.execution_lag` must be >= 1, got {bt['execution_lag']}")
    if bt["weighting"] not in ("equal", "inverse_vol"):
        raise bad(f"`backtest.weighting` must be equal or inverse_vol, got {bt['weighting']!r}")
    if d["factor"]["method"] not in ("zsum", "pca", "interaction"):
        raise bad(
            f"`factor.method` must be zsum, pca or interaction, got {d['factor']['method']!r}"
        )
    if int(d["factor"]["min_periods"]) < 2:
        raise bad(f"`factor.min_periods` must be >= 2, got {d['factor']['min_periods']}")
    for name, spec in d["macro"]["series"].items():
        lag = spec.get("lag", "")
        try:
            off = pd.tseries.frequencies.to_offset(lag)
        except ValueError as exc:
            raise bad(f"`macro.series.{name}.lag` is not a pandas offset: {lag!r}") from exc
        if getattr(off, "n", 0) < 1:
            raise bad(f"`macro.series.{name}.lag` must be positive (never zero), got {lag!r}")
    for key in ("equity_bps", "crypto_bps", "slippage_bps", "borrow_bps_annual"):
        if float(d["costs"][key]) < 0:
            raise bad(f"`costs.{key}` must be >= 0, got {d['costs'][key]}")


def _build(d: dict[str, Any], path: str) -> Config:
    _validate(d, path)
    sections = {name: Section(name, _freeze(d[name])) for name in d}
    return Config(**sections, path=path)


def load_config(path: str | Path | None = None, **overrides: Mapping[str, Any]) -> Config:
    """Load the default configuration, overridden by a user TOML file and keyword sections.

    Parameters
    ----------
    path : str or Path, optional
        A TOML file whose keys override the defaults. Unknown keys raise :class:`ConfigError`.
    **overrides : mapping
        Section overrides applied last, e.g. ``backtest={"rule": "tilt"}``.

    Returns
    -------
    Config
        The frozen configuration.

    Examples
    --------
    >>> cfg = load_config(backtest={"rule": "tilt"})
    >>> cfg.backtest.rule
    'tilt'
    """
    with DEFAULT_CONFIG_PATH.open("rb") as fh:
        d = tomllib.load(fh)
    origin = "<default>"
    if path is not None:
        p = Path(path)
        if not p.is_file():
            raise ConfigError(f"configuration file not found: {p}")
        try:
            with p.open("rb") as fh:
                user = tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{p}: not valid TOML: {exc}") from exc
        d = _merge(d, user, origin=str(p))
        origin = str(p)
    if overrides:
        d = _merge(d, overrides, origin="overrides")
    return _build(d, origin)

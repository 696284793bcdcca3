"""One frozen configuration object, loaded from TOML and passed explicitly.

The defaults live in ``data/default.toml`` (shipped with the package). A user file given
to :func:`load_config` overrides them key by key; an unknown key is an error, so a typo
never silently falls back to a default.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd

from data.config_names import (  # re-exported: the names' rules
    NAME_PATTERNS,
    NAME_RULES,
    check_name,
    check_names,
    valid_name,
)
from data.config_names import show_value as _show
from data.config_ranges import check_ranges
from data.errors import ConfigError
from data.stress_windows import parse_stress_windows

DEFAULT_CONFIG_PATH = Path(__file__).with_name("default.toml")

__all__ = [
    "NAME_PATTERNS",
    "NAME_RULES",
    "Config",
    "Section",
    "check_name",
    "load_config",
    "valid_name",
]


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
        raise AttributeError(f"config section [{name}] has no key `{key}`{_suggest(key, values)}")

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
    mechanism : Section
        The mechanism study's declared links (``[mechanism]``, :mod:`signals.mechanism`).
    forecast : Section
        Out-of-sample forecasts against the historical mean (``[forecast]``).
    report : Section
        What the report shows beyond the results (``[report]``: ``stress_windows``).
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
    mechanism: Section = field(default_factory=lambda: Section("mechanism"))
    forecast: Section = field(default_factory=lambda: Section("forecast"))
    report: Section = field(default_factory=lambda: Section("report"))

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

    @property
    def robustness_baskets(self) -> dict[str, dict[str, tuple[str, ...]]]:
        """``{"near": {name: tickers}, "long": {...}}`` of ``[universe.robustness]``.

        Both sides empty when ``enabled = false``; a basket declared as an empty list (how a
        user file removes a default basket) is left out.
        """
        rob = self.universe.get("robustness", {})
        if not rob or not rob.get("enabled", True):
            return {"near": {}, "long": {}}
        return {
            side: {k: tuple(v) for k, v in rob.get(side, {}).items() if len(v)}
            for side in ("near", "long")
        }

    @property
    def robustness_tickers(self) -> list[str]:
        """Members of the robustness baskets that :attr:`tickers` does not list already.

        Loaded as optional prices: an absent one is a data note, never an error.
        """
        have = set(self.tickers)
        seen: dict[str, None] = {}
        for baskets in self.robustness_baskets.values():
            for names in baskets.values():
                seen.update((t, None) for t in names if t not in have)
        return list(seen)


#: tables whose keys are names chosen by the user (series, tickers, components)
FREE_FORM = (
    "macro.series",
    "universe.cik",
    "universe.cik_history",
    "universe.robustness.near",
    "universe.robustness.long",
    "factor.weights",
    "factor.macro_components",
    "mechanism.variables",
    "mechanism.links",
)

#: keys whose value is one of a few words: (section, key) -> choices
CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("backtest", "rule"): ("switch", "tilt", "longshort"),
    ("backtest", "rebalance"): ("daily", "weekly", "monthly"),
    ("backtest", "weighting"): ("equal", "inverse_vol"),
    ("factor", "method"): ("zsum", "pca", "interaction"),
    ("inference", "placebo_method"): ("circular", "block"),
    ("inference", "pbo_metric"): ("sharpe", "mean", "total_return"),
    ("inference", "walkforward_metric"): ("sharpe", "mean", "total_return"),
    ("inference", "hurdle_method"): ("bonferroni", "holm", "bhy"),
    ("sweep", "engine"): ("numba", "vectorbt", "reference"),
    ("data.releases", "capex_known_at"): ("release", "filing"),
    ("mechanism", "errors"): ("nw", "lag_augmented"),
    ("mechanism", "adjust"): ("holm", "none"),
    ("mechanism", "state_rule"): ("below_expanding_median",),
}


def _kind(value: Any) -> str:
    """Name the TOML kind of a value, as an error message says it."""
    if isinstance(value, bool):
        return "a boolean (true/false)"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, dt.date | dt.time):
        return "a date"
    return type(value).__name__


def _compatible(default: Any, value: Any, section: str) -> bool:
    want, got = _kind(default), _kind(value)
    if want == got:
        return True
    if want == "a string" and got == "a date":  # start = 2015-01-01 (a TOML date) is fine
        return True
    # a sweep grid may give one value instead of a list of one
    return section.split(".")[0] == "sweep" and want == "a list" and got != "a table"


def _section(path: str) -> str:
    return f"[{path}]" if path else "the top level"


def _suggest(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f"; did you mean `{close[0]}`?" if close else ""


def _merge(
    base: dict[str, Any], override: Mapping[str, Any], *, origin: str, path: str = ""
) -> dict:
    out = copy.deepcopy(base)
    for key, value in override.items():
        where = f"{path}.{key}" if path else key
        if key not in out:
            # free-form tables: series definitions, CIK maps, weights of new components
            if path in FREE_FORM or path.startswith(tuple(f"{t}." for t in FREE_FORM)):
                out[key] = copy.deepcopy(value)
                continue
            if not path:
                raise ConfigError(
                    f"{origin}: unknown configuration section [{key}]{_suggest(key, out)} "
                    f"(sections: {', '.join(sorted(out))})"
                )
            raise ConfigError(
                f"{origin}: unknown configuration key `{where}`: section {_section(path)} has "
                f"no key `{key}`{_suggest(key, out)} (keys: {', '.join(sorted(out))})"
            )
        if isinstance(out[key], dict) and isinstance(value, Mapping):
            out[key] = _merge(out[key], value, origin=origin, path=where)
        elif not _compatible(out[key], value, path):
            raise ConfigError(
                f"{origin}: section {_section(path)}, key `{key}` must be {_kind(out[key])} "
                f"(default {_show(out[key])}), got {_show(value)} ({_kind(value)})"
            )
        else:
            out[key] = value
    return out


def _validate(d: dict[str, Any], origin: str) -> None:
    def bad(section: str, key: str, msg: str) -> ConfigError:
        return ConfigError(f"{origin}: section [{section}], key `{key}` {msg}")

    for (section, key), choices in CHOICES.items():
        part: Any = d
        for name in section.split("."):  # nested sections such as data.releases
            part = part.get(name, {}) if isinstance(part, dict) else {}
        value = part.get(key)
        if value is not None and value not in choices:
            raise bad(
                section,
                key,
                f"must be one of {', '.join(choices)}, got {value!r}{_suggest(value, choices)}",
            )
    for key in ("start", "oos_start", "registered"):
        try:
            pd.Timestamp(d["run"][key])
        except (ValueError, TypeError) as exc:
            raise bad("run", key, f"must be a date (YYYY-MM-DD), got {d['run'][key]!r}") from exc
    if pd.Timestamp(d["run"]["registered"]) < pd.Timestamp(d["run"]["oos_start"]):
        raise bad(
            "run",
            "registered",
            f"({d['run']['registered']}) must not be before `run.oos_start` "
            f"({d['run']['oos_start']})",
        )
    if int(d["factor"].get("min_components", 1)) < 1:
        raise bad("factor", "min_components", f"must be >= 1, got {d['factor']['min_components']}")
    check_names(d, origin)
    bt = d["backtest"]
    if int(bt["execution_lag"]) < 1:
        raise bad("backtest", "execution_lag", f"must be >= 1, got {bt['execution_lag']}")
    if int(d["factor"]["min_periods"]) < 2:
        raise bad("factor", "min_periods", f"must be >= 2, got {d['factor']['min_periods']}")
    for name, spec in d["macro"]["series"].items():
        lag = spec.get("lag", "")
        try:
            off = pd.tseries.frequencies.to_offset(lag)
        except ValueError as exc:
            raise bad(f"macro.series.{name}", "lag", f"is not a pandas offset: {lag!r}") from exc
        if getattr(off, "n", 0) < 1:
            raise bad(f"macro.series.{name}", "lag", f"must be positive (never zero), got {lag!r}")
    for key in ("equity_bps", "crypto_bps", "slippage_bps", "borrow_bps_annual"):
        if float(d["costs"][key]) < 0:
            raise bad("costs", key, f"must be >= 0, got {d['costs'][key]}")
    parse_stress_windows(
        d.get("report", {}).get("stress_windows", ()), f"{origin}: report.stress_windows"
    )
    check_ranges(d, origin)  # numeric keys: probabilities, counts, lags (data.config_ranges)


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

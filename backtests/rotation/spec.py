"""The rotation's parameters as one frozen, validated object.

:class:`RotationSpec` gathers everything the rotation rules, the engines and the sweep read:
the rule and its knobs (``[backtest]``), costs by asset class (``[costs]``, crypto tickers from
``data.crypto``) and the two baskets (``universe.near`` / ``universe.long``). It is built once
from a :class:`data.config.Config` and passed explicitly; every field is checked when the
object is created, and errors name the parameter and the bad value.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Literal

from data.errors import ConfigError

Rule = Literal["switch", "tilt", "longshort"]
Rebalance = Literal["daily", "weekly", "monthly"]
Weighting = Literal["equal", "inverse_vol"]

RULES: tuple[str, ...] = ("switch", "tilt", "longshort")
REBALANCES: tuple[str, ...] = ("daily", "weekly", "monthly")
WEIGHTINGS: tuple[str, ...] = ("equal", "inverse_vol")

# [backtest] keys copied verbatim into the spec (others in the section are ignored)
_BACKTEST_KEYS = (
    "rule",
    "threshold",
    "band",
    "tilt_scale",
    "vol_target",
    "vol_window",
    "leverage_cap",
    "rebalance",
    "drift_band",
    "weighting",
    "basket_vol_window",
    "execution_lag",
    "init_cash",
)
_COST_KEYS = ("equity_bps", "crypto_bps", "slippage_bps", "borrow_bps_annual")


@dataclass(frozen=True)
class RotationSpec:
    """Every parameter of one rotation backtest (frozen; build with :meth:`from_config`).

    Attributes
    ----------
    rule : {"switch", "tilt", "longshort"}
        How the factor becomes basket weights (see :mod:`backtests.rotation.rules`).
    threshold, band : float
        Switch/long-short hysteresis: near when factor > threshold + band/2, long when
        factor < threshold - band/2, otherwise the previous state.
    tilt_scale : float
        Tilt: near share = 0.5 * (1 + tanh(factor / tilt_scale)); > 0.
    vol_target : float
        Long-short: annualized volatility target of the spread position; > 0.
    vol_window : int
        Long-short: trailing business days of spread returns for realized volatility; >= 2.
    leverage_cap : float
        Long-short: cap on gross exposure (sum of absolute weights); > 0.
    rebalance : {"daily", "weekly", "monthly"}
        Decision calendar: every day, the first business day of each week, of each month.
    drift_band : float
        Skip a scheduled rebalance when no weight is further than this from its target
        (0 disables the filter: every scheduled date trades).
    weighting : {"equal", "inverse_vol"}
        Weights within a basket.
    basket_vol_window : int
        Inverse-volatility weighting: trailing business days of returns; >= 2.
    execution_lag : int
        Bars between the signal's close and the trade; >= 1 (applied in
        :func:`backtests.engines.engine.run_backtest` only).
    init_cash : float
        Starting equity; > 0.
    near, long : tuple of str
        Basket members (disjoint, non-empty).
    crypto : tuple of str
        Tickers charged ``crypto_bps`` instead of ``equity_bps``.
    equity_bps, crypto_bps : float
        Fees in basis points of traded notional (per unit of turnover), by asset class.
    slippage_bps : float
        Fill price moved against the trade by this many basis points.
    borrow_bps_annual : float
        Borrow fee on short notional, basis points a year (act/360 accrual).
    """

    rule: Rule = "switch"
    threshold: float = 0.0
    band: float = 0.5
    tilt_scale: float = 1.0
    vol_target: float = 0.10
    vol_window: int = 63
    leverage_cap: float = 2.0
    rebalance: Rebalance = "weekly"
    drift_band: float = 0.0
    weighting: Weighting = "equal"
    basket_vol_window: int = 63
    execution_lag: int = 1
    init_cash: float = 1.0
    near: tuple[str, ...] = ("MU", "WDC", "STX", "SNDK")
    long: tuple[str, ...] = ("BTC-USD", "ARKK", "IGV")
    crypto: tuple[str, ...] = ("BTC-USD", "ETH-USD")
    equity_bps: float = 5.0
    crypto_bps: float = 15.0
    slippage_bps: float = 2.0
    borrow_bps_annual: float = 50.0

    def __post_init__(self) -> None:
        """Coerce list-like baskets to tuples and validate every field."""
        for name in ("near", "long", "crypto"):
            value = getattr(self, name)
            if isinstance(value, str) or not hasattr(value, "__iter__"):
                raise ConfigError(f"`{name}` must be a list of tickers, got {value!r}")
            object.__setattr__(self, name, tuple(str(t) for t in value))
        for name in ("vol_window", "basket_vol_window", "execution_lag"):
            value = getattr(self, name)
            if isinstance(value, bool) or not float(value).is_integer():
                raise ConfigError(f"`{name}` must be an integer, got {value!r}")
            object.__setattr__(self, name, int(value))
        _validate(self)

    @classmethod
    def from_config(cls, cfg: Any, **overrides: Any) -> RotationSpec:
        """Build the spec from a configuration, then apply keyword overrides.

        Parameters
        ----------
        cfg : data.config.Config
            Sections ``backtest``, ``costs``, ``universe`` and ``data`` are read.
        **overrides
            Any field of :class:`RotationSpec`, e.g. ``rule="tilt"``.

        Returns
        -------
        RotationSpec

        Raises
        ------
        ConfigError
            An unknown override or a value out of range (the message names both).

        Examples
        --------
        >>> from data.config import load_config
        >>> RotationSpec.from_config(load_config(), rule="tilt").rule
        'tilt'
        """
        values: dict[str, Any] = {}
        bt = cfg.backtest
        for key in _BACKTEST_KEYS:
            if key in bt:
                values[key] = bt[key]
        for key in _COST_KEYS:
            if key in cfg.costs:
                values[key] = cfg.costs[key]
        values["near"] = tuple(cfg.universe.near)
        values["long"] = tuple(cfg.universe.long)
        values["crypto"] = tuple(cfg.data.get("crypto", ()))
        _check_known(overrides)
        values.update(overrides)
        return cls(**values)

    def replace(self, **overrides: Any) -> RotationSpec:
        """Return a validated copy with some fields changed (unknown names raise)."""
        _check_known(overrides)
        return replace(self, **overrides)

    @property
    def tickers(self) -> tuple[str, ...]:
        """Near members then long members (the columns of the target weights)."""
        return (*self.near, *self.long)

    def fee_rate(self, ticker: str) -> float:
        """Fee as a fraction of traded notional for ``ticker`` (crypto or equity rate)."""
        bps = self.crypto_bps if ticker in self.crypto else self.equity_bps
        return float(bps) / 1e4

    @property
    def slippage(self) -> float:
        """Slippage as a fraction of the price."""
        return float(self.slippage_bps) / 1e4

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of every field (tuples become lists)."""
        d = asdict(self)
        for k in ("near", "long", "crypto"):
            d[k] = list(d[k])
        return d


FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in fields(RotationSpec))


def _check_known(overrides: dict[str, Any]) -> None:
    unknown = sorted(set(overrides) - set(FIELD_NAMES))
    if unknown:
        raise ConfigError(
            f"unknown rotation parameter(s) {unknown}; valid names: {', '.join(FIELD_NAMES)}"
        )


def _finite(spec: RotationSpec, name: str) -> float:
    value = getattr(spec, name)
    try:
        x = float(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"`{name}` must be a number, got {value!r}") from exc
    if not math.isfinite(x):
        raise ConfigError(f"`{name}` must be finite, got {value!r}")
    return x


def _validate(s: RotationSpec) -> None:
    if s.rule not in RULES:
        raise ConfigError(f"`rule` must be one of {RULES}, got {s.rule!r}")
    if s.rebalance not in REBALANCES:
        raise ConfigError(f"`rebalance` must be one of {REBALANCES}, got {s.rebalance!r}")
    if s.weighting not in WEIGHTINGS:
        raise ConfigError(f"`weighting` must be one of {WEIGHTINGS}, got {s.weighting!r}")
    _finite(s, "threshold")
    if _finite(s, "band") < 0:
        raise ConfigError(f"`band` must be >= 0, got {s.band}")
    for name in ("tilt_scale", "vol_target", "leverage_cap", "init_cash"):
        if _finite(s, name) <= 0:
            raise ConfigError(f"`{name}` must be > 0, got {getattr(s, name)}")
    if _finite(s, "drift_band") < 0:
        raise ConfigError(f"`drift_band` must be >= 0, got {s.drift_band}")
    for name in ("vol_window", "basket_vol_window"):
        if getattr(s, name) < 2:
            raise ConfigError(f"`{name}` must be >= 2, got {getattr(s, name)}")
    if s.execution_lag < 1:
        raise ConfigError(
            f"`execution_lag` must be >= 1 (a signal at close t trades at t+lag), "
            f"got {s.execution_lag}"
        )
    for name in ("equity_bps", "crypto_bps", "slippage_bps", "borrow_bps_annual"):
        if _finite(s, name) < 0:
            raise ConfigError(f"`{name}` must be >= 0, got {getattr(s, name)}")
    for name in ("equity_bps", "crypto_bps", "slippage_bps"):
        if getattr(s, name) >= 1e4:
            raise ConfigError(f"`{name}` must be below 10000 bps (100%), got {getattr(s, name)}")
    for name in ("near", "long"):
        members = getattr(s, name)
        if not members:
            raise ConfigError(f"`{name}` basket must have at least one ticker, got {members!r}")
        if len(set(members)) != len(members):
            raise ConfigError(f"`{name}` basket lists a ticker twice: {members!r}")
    both = sorted(set(s.near) & set(s.long))
    if both:
        raise ConfigError(f"tickers {both} are in both the `near` and the `long` basket")

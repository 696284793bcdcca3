"""The mechanism study's declaration: links, variables, state and threshold, from ``[mechanism]``.

Every link (shock -> outcome, its primary horizon and the sign the thesis predicts) is read
from the configuration, written down before any number is looked at; the code only selects
the links a study runs (``mechanism.run``) and builds the variables they name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from data.config import Config
from data.errors import ConfigError

VariableKind = Literal["component", "series", "target"]


@dataclass(frozen=True)
class VariableSpec:
    """One monthly variable of the panel.

    Attributes
    ----------
    name : str
        Column name in the panel and in ``mechanism.csv``.
    kind : {"component", "series", "target"}
        ``component``: a factor component as the factor saw it (point-in-time, NaN when
        stale); ``series``: macro series levels as released by the date (``op`` combines
        several: ``level`` takes the first, ``diff`` the first minus the second);
        ``target``: the cumulative log return of a traded spread.
    source : tuple of str
        The component, the series ids, or the target name.
    op : str
        ``level`` or ``diff`` (series only).
    label : str
        Words for the report.
    """

    name: str
    kind: VariableKind
    source: tuple[str, ...]
    op: str = "level"
    label: str = ""


@dataclass(frozen=True)
class LinkSpec:
    """One link of the chain: ``shock`` should move ``outcome`` with the predicted ``sign``."""

    name: str
    shock: str
    outcome: str
    horizon: int
    sign: int
    block: str
    primary: bool = True
    label: str = ""


@dataclass(frozen=True)
class MechanismSpec:
    """The whole declaration of one mechanism study (see ``[mechanism]`` in the config)."""

    links: tuple[LinkSpec, ...]
    variables: dict[str, VariableSpec]
    horizons: int
    lags: int
    errors: str
    alpha: float
    adjust: str
    state_variable: str
    state_rule: str
    threshold_variable: str
    threshold_links: tuple[str, ...]
    threshold_trim: float
    threshold_boot: int
    min_obs: int
    seed: int

    @property
    def needed(self) -> list[str]:
        """Variables the declared links, state and threshold use, in first-use order."""
        names: list[str] = []
        for link in self.links:
            names += [link.shock, link.outcome]
        if self.state_variable != "regime":
            names.append(self.state_variable)
        names.append(self.threshold_variable)
        return list(dict.fromkeys(names))

    @classmethod
    def from_config(cls, cfg: Config) -> MechanismSpec:
        """Read ``[mechanism]``; an undeclared link or variable is a :class:`ConfigError`."""
        m = cfg.mechanism
        declared = m.links.to_dict() if hasattr(m.links, "to_dict") else dict(m.links)
        var_decl = m.variables.to_dict() if hasattr(m.variables, "to_dict") else dict(m.variables)
        variables = {name: _variable(name, d) for name, d in var_decl.items()}
        links = []
        for name in m.run:
            if name not in declared:
                raise ConfigError(
                    f"[mechanism] run names link `{name}`, which has no "
                    f"[mechanism.links.{name}] table (declared: {', '.join(sorted(declared))})"
                )
            links.append(_link(name, declared[name]))
        spec = cls(
            links=tuple(links),
            variables=variables,
            horizons=int(m.horizons),
            lags=int(m.lags),
            errors=str(m.errors),
            alpha=float(m.alpha),
            adjust=str(m.adjust),
            state_variable=str(m.state_variable),
            state_rule=str(m.state_rule),
            threshold_variable=str(m.threshold_variable),
            threshold_links=tuple(str(x) for x in m.threshold_links),
            threshold_trim=float(m.threshold_trim),
            threshold_boot=int(m.threshold_boot),
            min_obs=int(m.min_obs),
            seed=int(m.seed),
        )
        for name in spec.needed:
            if name not in variables:
                raise ConfigError(
                    f"[mechanism] uses variable `{name}`, which has no "
                    f"[mechanism.variables.{name}] table"
                )
        for link in spec.links:
            if link.horizon > spec.horizons:
                raise ConfigError(
                    f"[mechanism.links.{link.name}] `horizon` {link.horizon} is beyond "
                    f"[mechanism] horizons = {spec.horizons}"
                )
        for name in spec.threshold_links:
            if name not in {link.name for link in spec.links}:
                raise ConfigError(
                    f"[mechanism] threshold_links names `{name}`, which is not in `run`"
                )
        return spec


def _variable(name: str, d: dict[str, Any]) -> VariableSpec:
    kinds = [k for k in ("component", "series", "target") if k in d]
    if len(kinds) != 1:
        raise ConfigError(
            f"[mechanism.variables.{name}] needs exactly one of `component`, `series` or "
            f"`target`, got {sorted(d)}"
        )
    kind = kinds[0]
    src = d[kind]
    source = tuple(str(s) for s in src) if isinstance(src, list | tuple) else (str(src),)
    op = str(d.get("op", "level"))
    if op not in ("level", "diff") or (op == "diff" and len(source) != 2):
        raise ConfigError(
            f"[mechanism.variables.{name}] `op` must be level or diff (diff takes two series), "
            f"got {op!r} with {list(source)}"
        )
    return VariableSpec(name, kind, source, op, str(d.get("label", name)))  # type: ignore[arg-type]


def _link(name: str, d: dict[str, Any]) -> LinkSpec:
    try:
        sign = int(d["sign"])
        horizon = int(d["horizon"])
        shock, outcome = str(d["shock"]), str(d["outcome"])
    except KeyError as exc:
        raise ConfigError(f"[mechanism.links.{name}] lacks `{exc.args[0]}`") from None
    if sign not in (-1, 1):
        raise ConfigError(f"[mechanism.links.{name}] `sign` must be 1 or -1, got {sign}")
    if horizon < 0:
        raise ConfigError(f"[mechanism.links.{name}] `horizon` must be >= 0, got {horizon}")
    return LinkSpec(
        name=name,
        shock=shock,
        outcome=outcome,
        horizon=horizon,
        sign=sign,
        block=str(d.get("block", "")),
        primary=bool(d.get("primary", True)),
        label=str(d.get("label", name)),
    )

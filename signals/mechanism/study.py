"""The mechanism study: every declared link estimated on the monthly panel, labeled by a rule.

For each link of ``[mechanism] run``: a local projection of the outcome on the shock
(:func:`~signals.mechanism.lp.local_projection`), the same split by the idle-money state
(:func:`~signals.mechanism.state.state_local_projection`), the primary test (the slope at the
link's declared horizon, one-sided in the predicted sign) with p-values adjusted across the
primary links (Holm), and a label: ``supported`` (adjusted p at most ``alpha``), ``wrong sign``
(the slope has the other sign and its two-sided raw p is at most ``alpha``), ``not supported``,
or ``no data`` (fewer than ``min_obs`` months). For the links in ``threshold_links`` the switch
itself is tested: a threshold in the idle-liquidity variable with an unknown level
(:func:`~signals.mechanism.threshold.threshold_regression`) for the slope of the outcome's
one-step change on the shock (:func:`threshold_frame`: on the h-step change the bootstrap
over-rejects in samples of about 130 months, docs/POWER.md).

Nothing here trades; the numbers describe the sample. Every horizon but the primary one is
descriptive.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from signals.mechanism._design import error_label
from signals.mechanism.lp import LPResult, local_projection
from signals.mechanism.multiplicity import holm
from signals.mechanism.spec import LinkSpec, MechanismSpec
from signals.mechanism.state import StateLPResult, state_local_projection
from signals.mechanism.threshold import ThresholdResult, threshold_regression

LABELS = ("supported", "not supported", "wrong sign", "no data")
STATE_KEYS = ("exhausted", "ample")


def _f(x: Any) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


@dataclass(frozen=True)
class LinkResult:
    """One link's estimates: the projection, its split by state and the primary test."""

    link: LinkSpec
    lp: LPResult | None
    by_state: StateLPResult | None
    n: int
    pvalue: float | None
    pvalue_adjusted: float | None = None
    label: str = "no data"

    def row(self) -> dict[str, Any]:
        """Return the link as the ``metrics.json`` contract writes it."""
        h, lk = self.link.horizon, self.link
        out: dict[str, Any] = {
            "name": lk.name,
            "shock": lk.shock,
            "outcome": lk.outcome,
            "block": lk.block,
            "primary": lk.primary,
            "horizon": h,
            "sign": lk.sign,
            "beta": None,
            "se": None,
            "pvalue": self.pvalue,
            "pvalue_two_sided": None,
            "pvalue_adjusted": self.pvalue_adjusted,
            "label": self.label,
            "n": self.n,
            "by_state": {k: {"beta": None, "se": None, "n": 0, "irf": []} for k in STATE_KEYS},
            "state_diff_pvalue": None,
            "irf": [],
        }
        if self.lp is not None:
            at = self.lp.irf.loc[h]
            out.update(beta=_f(at["beta"]), se=_f(at["se"]), pvalue_two_sided=_f(at["pvalue"]))
            out["irf"] = [
                {
                    "h": int(k),
                    "beta": _f(r["beta"]),
                    "lo90": _f(r["lo90"]),
                    "hi90": _f(r["hi90"]),
                    "lo68": _f(r["lo68"]),
                    "hi68": _f(r["hi68"]),
                }
                for k, r in self.lp.irf.iterrows()
            ]
        if self.by_state is not None:
            for key, frame in (
                ("exhausted", self.by_state.exhausted),
                ("ample", self.by_state.slack),
            ):
                r = frame.loc[h]
                out["by_state"][key] = {
                    "beta": _f(r["beta"]),
                    "se": _f(r["se"]),
                    "n": int(r["n"]) if _f(r["n"]) is not None else 0,
                    "irf": [
                        {
                            "h": int(k),
                            "beta": _f(v["beta"]),
                            "lo90": _f(v["lo90"]),
                            "hi90": _f(v["hi90"]),
                            "lo68": _f(v["lo68"]),
                            "hi68": _f(v["hi68"]),
                        }
                        for k, v in frame.iterrows()
                    ],
                }
            out["state_diff_pvalue"] = _f(self.by_state.diff_pvalue(h))
        return out


@dataclass(frozen=True)
class MechanismResult:
    """The whole study: links, threshold tests, the panel they used.

    Methods
    -------
    to_metrics()
        The ``mechanism`` block of ``metrics.json``.
    holds()
        Names of the supported primary links.
    sentence()
        One sentence for the verdict: which links hold.
    summary()
        A text table.
    """

    spec: MechanismSpec
    links: tuple[LinkResult, ...]
    threshold: tuple[dict[str, Any], ...]
    panel: pd.DataFrame = field(repr=False)
    threshold_fits: dict[str, ThresholdResult] = field(default_factory=dict, repr=False)

    def holds(self) -> list[str]:
        """Return the names of the primary links labeled ``supported``."""
        return [r.link.name for r in self.links if r.link.primary and r.label == "supported"]

    def counts(self) -> dict[str, int]:
        """Return how many primary links carry each label."""
        prim = [r.label for r in self.links if r.link.primary]
        return {k: prim.count(k) for k in LABELS}

    def sentence(self) -> str:
        """Return one sentence: which links of the chain hold and what the switch test says."""
        c = self.counts()
        tested = sum(c[k] for k in ("supported", "not supported", "wrong sign"))
        held = self.holds()
        head = (
            f"Mechanism: {c['supported']} of {tested} primary links hold "
            f"({', '.join(held) if held else 'none'})"
        )
        extra = []
        if c["wrong sign"]:
            wrong = [r.link.name for r in self.links if r.link.primary and r.label == "wrong sign"]
            extra.append(f"{c['wrong sign']} with the wrong sign ({', '.join(wrong)})")
        if c["no data"]:
            extra.append(f"{c['no data']} without data")
        thr = [t for t in self.threshold if t.get("pvalue") is not None]
        switch = (
            "; the threshold test finds a switch in "
            + ", ".join(t["link"] for t in thr if t["pvalue"] <= self.spec.alpha)
            if any(t["pvalue"] <= self.spec.alpha for t in thr)
            else "; the threshold test finds no switch at an idle-liquidity level"
            if thr
            else ""
        )
        return head + (f"; {'; '.join(extra)}" if extra else "") + switch + "."

    def to_metrics(self) -> dict[str, Any]:
        """Return the ``mechanism`` block of ``metrics.json`` (see docs/INTERFACES.md)."""
        s = self.spec
        return {
            "frequency": "monthly",
            "lags": s.lags,
            "errors": s.errors,
            "hac": error_label(s.errors, True),
            "alpha": s.alpha,
            "adjust": s.adjust,
            "state": {
                "variable": s.state_variable,
                "rule": "the factor's regime rule (idle money exhausted)"
                if s.state_variable == "regime"
                else f"{s.state_variable} {s.state_rule.replace('_', ' ')}",
                "exhausted_months": int((self.panel["state"] == 1).sum()),
                "ample_months": int((self.panel["state"] == 0).sum()),
            },
            "start": _date(self.panel.index, 0),
            "end": _date(self.panel.index, -1),
            "links": [r.row() for r in self.links],
            "threshold": list(self.threshold),
            "counts": self.counts(),
            "sentence": self.sentence(),
            "variables": {
                n: self.spec.variables[n].label or n
                for n in self.spec.needed
                if n in self.spec.variables
            },
        }

    def summary(self) -> str:
        """Return a text table of the links and the threshold tests."""
        lines = [f"mechanism ({len(self.panel)} months): {self.sentence()}"]
        for r in self.links:
            row = r.row()
            beta = "n/a" if row["beta"] is None else f"{row['beta']:+.4g}"
            p = "n/a" if r.pvalue is None else f"{r.pvalue:.3f}"
            pa = "" if r.pvalue_adjusted is None else f" adj {r.pvalue_adjusted:.3f}"
            lines.append(
                f"  {r.link.name:<22} {r.link.shock} -> {r.link.outcome} h={r.link.horizon} "
                f"sign {r.link.sign:+d}: beta {beta} p {p}{pa} n={r.n}: {r.label}"
            )
        for t in self.threshold:
            lines.append(
                f"  threshold {t['link']}: gamma {t['gamma']} CI {t['gamma_ci']} "
                f"sup-Wald {t['sup_wald']} p {t['pvalue']}"
            )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def _date(idx: pd.Index, i: int) -> str | None:
    return pd.Timestamp(idx[i]).strftime("%Y-%m-%d") if len(idx) else None


def _usable(panel: pd.DataFrame, link: LinkSpec, lags: int) -> int:
    pair = panel[[link.shock, link.outcome]].dropna()
    return max(len(pair) - link.horizon - lags - 1, 0)


def _estimate(panel: pd.DataFrame, link: LinkSpec, spec: MechanismSpec) -> LinkResult:
    y = panel[link.outcome].rename(link.outcome)
    x = panel[link.shock].rename(link.shock)
    if _usable(panel, link, spec.lags) < spec.min_obs:
        return LinkResult(link, None, None, _usable(panel, link, spec.lags), None)
    lp = local_projection(y, x, horizons=spec.horizons, lags=spec.lags, errors=spec.errors)
    n = int(lp.irf.loc[link.horizon, "n"])
    p = _f(lp.one_sided_pvalue(link.horizon, link.sign))
    by_state = None
    st = panel["state"]
    if st.notna().sum() >= spec.min_obs and st.dropna().nunique() == 2:
        try:
            by_state = state_local_projection(
                y, x, st, horizons=spec.horizons, lags=spec.lags, errors=spec.errors
            )
        except ValueError:
            by_state = None
    return LinkResult(link, lp, by_state, n, p)


def _label(r: LinkResult, alpha: float) -> str:
    if r.lp is None or r.pvalue is None:
        return "no data"
    at = r.lp.irf.loc[r.link.horizon]
    beta, p2 = _f(at["beta"]), _f(at["pvalue"])
    p = r.pvalue_adjusted if r.link.primary else r.pvalue
    if p is not None and p <= alpha:
        return "supported"
    if beta is not None and beta * r.link.sign < 0 and p2 is not None and p2 <= alpha:
        return "wrong sign"
    return "not supported"


def threshold_frame(panel: pd.DataFrame, link: LinkSpec, spec: MechanismSpec) -> pd.DataFrame:
    """Return the threshold test's rows: ``y`` (the one-step change), ``x``, ``q``, lag controls.

    The outcome is the one-step change ``y[t] - y[t-1]`` (h = 0), not the link's h-step
    change: with overlapping h-step outcomes the fixed-regressor bootstrap over-rejects at
    n of about 130 (15% at 5% with blocks of h + 1), while on the one-step change its size is
    about 5% (docs/POWER.md). The controls are the lags 1..``lags`` of the one-step change
    and of the shock, as in the local projection; ``q`` is the threshold variable at t.
    """
    p = spec.lags
    y, x = panel[link.outcome], panel[link.shock]
    dy = y.diff()
    return pd.DataFrame(
        {
            "y": dy,
            "x": x,
            "q": panel[spec.threshold_variable],
            **{f"dy_l{j}": dy.shift(j) for j in range(1, p + 1)},
            **{f"x_l{j}": x.shift(j) for j in range(1, p + 1)},
        }
    ).dropna()


def _threshold(panel: pd.DataFrame, link: LinkSpec, spec: MechanismSpec, seed: int):
    frame = threshold_frame(panel, link, spec)
    if len(frame) < spec.min_obs or frame["q"].nunique() < 10:
        return None
    z = frame.drop(columns=["y", "x", "q"])
    return threshold_regression(
        frame["y"],
        frame["x"],
        frame["q"],
        z=z if z.shape[1] else None,
        trim=spec.threshold_trim,
        n_boot=spec.threshold_boot,
        seed=seed,
        block=1,
    )


def run_mechanism(panel: pd.DataFrame, spec: MechanismSpec) -> MechanismResult:
    """Estimate every declared link on ``panel`` (the month-end panel of ``spec.needed``).

    Parameters
    ----------
    panel : DataFrame
        Month-end panel with the variables of ``spec.needed`` and ``state``.
    spec : MechanismSpec
        The declaration.

    Returns
    -------
    MechanismResult
    """
    raw = [_estimate(panel, link, spec) for link in spec.links]
    prim = [i for i, r in enumerate(raw) if r.link.primary and r.pvalue is not None]
    adj = (
        holm([raw[i].pvalue for i in prim])
        if spec.adjust == "holm"
        else [raw[i].pvalue for i in prim]
    )
    adjusted = dict(zip(prim, adj, strict=True))
    results = []
    for i, r in enumerate(raw):
        r = replace(r, pvalue_adjusted=_f(adjusted.get(i)))
        results.append(replace(r, label=_label(r, spec.alpha)))
    thresholds: list[dict[str, Any]] = []
    fits: dict[str, ThresholdResult] = {}
    by_name = {link.name: link for link in spec.links}
    for k, name in enumerate(spec.threshold_links):
        link = by_name[name]
        fit = _threshold(panel, link, spec, spec.seed + k)
        row: dict[str, Any] = {
            "link": name,
            "shock": link.shock,
            "outcome": link.outcome,
            "variable": spec.threshold_variable,
            "horizon": 0,
            "gamma": None,
            "gamma_ci": None,
            "sup_wald": None,
            "pvalue": None,
            "n_boot": spec.threshold_boot,
            "n": 0,
            "trim": spec.threshold_trim,
            "ci_level": 0.9,
        }
        if fit is not None:
            fits[name] = fit
            row.update(
                gamma=_f(fit.gamma),
                gamma_ci=[_f(fit.gamma_ci[0]), _f(fit.gamma_ci[1])],
                sup_wald=_f(fit.sup_wald),
                pvalue=_f(fit.pvalue),
                n=int(fit.n),
                beta_below=_f(fit.beta_below),
                beta_above=_f(fit.beta_above),
                n_below=int(fit.n_below),
            )
        thresholds.append(row)
    return MechanismResult(spec, tuple(results), tuple(thresholds), panel, fits)


def mechanism_frame(result: MechanismResult) -> pd.DataFrame:
    """Return ``mechanism.csv``: the panel the links used (shocks, outcomes, state)."""
    p = result.panel.copy()
    p.index.name = "date"
    return p.replace([np.inf, -np.inf], np.nan)

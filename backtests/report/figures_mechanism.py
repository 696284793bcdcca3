"""Figures of the mechanism section: impulse responses by state, and the threshold profiles.

Both are drawn from a :class:`signals.mechanism.MechanismResult` (the numbers behind the
``mechanism`` block of ``metrics.json``), small multiples at a modest resolution so the page
stays light. :func:`mechanism_figures` returns them as name -> (base64 PNG, alt, caption),
the form the report writers embed.
"""

from __future__ import annotations

import math
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from backtests.report.figures import SYNTHETIC_MARK, to_png_base64
from signals.mechanism import lr_critical_value

COLORS = {"exhausted": "#b00020", "ample": "#1d3557", "all": "#555555"}
DPI = 72
NCOLS = 4


def _mark(fig: Figure, synthetic: bool) -> None:
    if synthetic:
        fig.text(0.99, 0.005, SYNTHETIC_MARK, ha="right", va="bottom", color="#b00020", fontsize=9)


def _band(ax: plt.Axes, table: Any, color: str, label: str) -> None:
    """Plot one response (``beta``) with its 90% and 68% bands (``lo90``..``hi68`` columns)."""
    h = table.index.to_numpy()
    ax.fill_between(h, table["lo90"], table["hi90"], color=color, alpha=0.10, lw=0)
    ax.fill_between(h, table["lo68"], table["hi68"], color=color, alpha=0.22, lw=0)
    ax.plot(h, table["beta"], color=color, lw=1.4, label=label)


def irf_figure(result: Any, *, synthetic: bool = False) -> Figure | None:
    """Small multiples: each estimated link's response by state, 68% and 90% bands.

    One panel per link with an estimate: the response in the "exhausted" state (idle money
    used up) and in the "ample" state, each with its 68% (darker) and 90% (lighter) normal
    band; the pooled response in grey when the state split could not be estimated. The
    dotted line marks the link's primary (tested) horizon. None when no link has data.
    """
    links = [r for r in result.links if r.lp is not None]
    if not links:
        return None
    rows = math.ceil(len(links) / NCOLS)
    fig, axes = plt.subplots(rows, NCOLS, figsize=(12, 2.3 * rows + 0.6), squeeze=False)
    for ax in axes.flat[len(links) :]:
        ax.set_visible(False)
    for ax, r in zip(axes.flat, links, strict=False):
        if r.by_state is not None:
            _band(ax, r.by_state.exhausted, COLORS["exhausted"], "exhausted")
            _band(ax, r.by_state.slack, COLORS["ample"], "ample")
        else:
            _band(ax, r.lp.irf, COLORS["all"], "all months")
        ax.axhline(0.0, color="#999", lw=0.6)
        ax.axvline(r.link.horizon, color="#333", lw=0.8, ls=":")
        tag = "" if r.link.primary else ", robustness"
        ax.set_title(f"{r.link.shock} → {r.link.outcome}\n({r.label}{tag})", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.set_xlabel("months after the shock", fontsize=7)
    axes.flat[0].legend(fontsize=7, loc="best")
    fig.suptitle(
        "Impulse responses by idle-money state (68% and 90% bands; dotted: primary horizon)",
        fontsize=11,
    )
    _mark(fig, synthetic)
    # fixed margins: tight_layout measures every label of every panel (about half the cost)
    top = 1.0 - 0.75 / fig.get_figheight()
    fig.subplots_adjust(left=0.05, right=0.99, bottom=0.5 / fig.get_figheight(), top=top)
    fig.subplots_adjust(hspace=0.8, wspace=0.3)
    return fig


def threshold_figure(result: Any, *, synthetic: bool = False) -> Figure | None:
    """Plot the threshold tests: LR(γ) over the grid, its critical value, γ̂ and its interval.

    One panel per tested link: the likelihood ratio LR(γ) (left axis) whose values under
    the critical value c(α) form the confidence set of γ (shaded, from its smallest to its
    largest member), γ̂ (solid line) and the robust Wald statistic at each γ (right axis,
    dashed), whose largest value is the sup-Wald statistic. None when no test ran.
    """
    fits = result.threshold_fits
    if not fits:
        return None
    rows = {t["link"]: t for t in result.threshold}
    fig, axes = plt.subplots(1, len(fits), figsize=(6 * len(fits), 3.2), squeeze=False)
    var = result.spec.variables.get(result.spec.threshold_variable)
    xlabel = var.label if var is not None and var.label else result.spec.threshold_variable
    for ax, (name, fit) in zip(axes[0], fits.items(), strict=True):
        prof = fit.profile
        g = prof["gamma"].to_numpy()
        ax.plot(g, prof["lr"], color="#1d3557", lw=1.2, label="LR(γ)")
        ax.axhline(lr_critical_value(fit.ci_alpha), color="#1d3557", lw=0.7, ls=":")
        lo, hi = fit.gamma_ci
        ax.axvspan(lo, hi, color="#f4a261", alpha=0.25, lw=0, label=f"{1 - fit.ci_alpha:.0%} set")
        ax.axvline(fit.gamma, color="#b00020", lw=1.0, label="γ̂")
        ax.set_xlabel(xlabel, fontsize=8)
        ax.set_ylabel("LR(γ)", fontsize=8)
        ax.tick_params(labelsize=7)
        w = ax.twinx()
        w.plot(g, prof["wald"], color="#777", lw=0.8, ls="--")
        w.set_ylabel("robust Wald (dashed)", fontsize=8)
        w.tick_params(labelsize=7)
        row = rows.get(name, {})
        p = row.get("pvalue")
        ax.set_title(
            f"{row.get('shock')} → {row.get('outcome')} (one-step change)\n"
            f"sup-Wald {fit.sup_wald:.2f}, bootstrap p {'n/a' if p is None else f'{p:.3f}'}",
            fontsize=9,
        )
        ax.legend(fontsize=7, loc="upper right")
        ax.set_ylim(bottom=0.0, top=max(float(np.nanmax(prof["lr"])), 1.0) * 1.05)
    fig.suptitle("Threshold tests: is there a switch at an idle-liquidity level?", fontsize=11)
    _mark(fig, synthetic)
    fig.subplots_adjust(left=0.06, right=0.93, bottom=0.16, top=0.76, wspace=0.35)
    return fig


def mechanism_figures(
    result: Any | None, *, synthetic: bool = False
) -> dict[str, tuple[str, str, str]]:
    """Return the section's figures as name -> (base64 PNG, alt text, caption).

    Empty when ``result`` is None (the study did not run).
    """
    if result is None:
        return {}
    out: dict[str, tuple[str, str, str]] = {}
    fig = irf_figure(result, synthetic=synthetic)
    if fig is not None:
        out["mechanism_irf"] = (
            to_png_base64(fig, dpi=DPI),
            "Impulse responses of each link by idle-money state, with 68% and 90% bands",
            "Each link's response h months after a unit shock, in months when idle money was "
            "exhausted (red) and when it was ample (blue), with 68% (dark) and 90% (light) "
            "bands; grey where the split could not be estimated. The dotted line is the "
            "primary horizon, the only one tested; the other horizons are descriptive.",
        )
    fig = threshold_figure(result, synthetic=synthetic)
    if fig is not None:
        out["mechanism_threshold"] = (
            to_png_base64(fig, dpi=DPI),
            "Threshold profiles: likelihood ratio and Wald statistic over the threshold",
            "Hansen's threshold test on the one-step change: LR(γ) (solid) with its critical "
            "value (dotted), the estimated threshold (red) and its confidence set (shaded); the "
            "robust Wald statistic at each γ (dashed, right axis), whose maximum is sup-Wald.",
        )
    return out

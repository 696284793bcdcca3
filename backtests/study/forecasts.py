"""Out-of-sample forecasts of the spread against the historical mean, per variant and sample.

Wires :func:`signals.forecast.forecast_variants` (recursive, expanding OLS forecasts of the
h-day spread return from each factor variant, and the prevailing mean) and
:func:`signals.oos_stats.oos_table` (R²_OS, Clark–West with overlap-robust errors) into the
study: the variants are those of ``[forecast] variants`` (names of the ablation's factors:
the composite, each block alone, the naive ON RRP rule), the horizons ``[forecast] horizons``
plus ``[inference] headline_horizon``, the samples those of the run
(:func:`backtests.inference.samples.split_samples`). The same code serves the main study and
the long history.

The in-sample row compares only the recursive part of the in-sample window (forecasts start
after ``[forecast] warmup`` usable pairs); a forecast dated near the end of a sample is scored
against a target realized up to h days after it.

Timing
------
The forecast at t uses the factor at t and the pairs whose h-day target is realized by t;
the prevailing mean averages the targets realized by t. Nothing after t enters row t except
the ``realized`` column it is scored against.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from backtests.inference.samples import SAMPLE_NAMES, Sample
from data.config import Config
from signals.forecast import forecast_variants
from signals.oos_stats import TABLE_COLUMNS, cumulative_sse_difference, oos_table

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ForecastStudy:
    """Forecasts and their out-of-sample comparison with the prevailing mean.

    Attributes
    ----------
    table : DataFrame
        One row per (variant, horizon, sample): :data:`signals.oos_stats.TABLE_COLUMNS`.
    frames : dict of int to DataFrame
        Horizon -> :func:`signals.forecast.forecast_variants` output (``realized``,
        ``prevailing_mean``, one column per variant), indexed by forecast date.
    variants : tuple of str
        The variants forecast (in ``[forecast] variants`` order, those with a factor).
    horizons : tuple of int
        The horizons, the headline last when it is not already among ``[forecast] horizons``.
    warmup : int
        Usable pairs before a variant's first forecast.
    notes : tuple of str
        Variants asked for but not available, and why.
    """

    table: pd.DataFrame
    frames: dict[int, pd.DataFrame]
    variants: tuple[str, ...]
    horizons: tuple[int, ...]
    warmup: int
    notes: tuple[str, ...] = field(default_factory=tuple)

    def rows(self) -> list[dict[str, Any]]:
        """``metrics.json`` rows ``{variant, horizon, sample, start, end, n, r2_os, ...}``."""
        out = []
        for r in self.table.to_dict(orient="records"):
            for k in ("start", "end"):
                r[k] = None if pd.isna(r[k]) else pd.Timestamp(r[k]).strftime("%Y-%m-%d")
            out.append(r)
        return out

    def long_frame(self) -> pd.DataFrame:
        """Every horizon's forecasts stacked: ``date, horizon, realized, prevailing_mean, ...``."""
        parts = []
        for h, f in self.frames.items():
            part = f.reset_index()
            part.insert(1, "horizon", int(h))
            parts.append(part)
        if not parts:
            return pd.DataFrame(columns=["date", "horizon", "realized", "prevailing_mean"])
        return pd.concat(parts, ignore_index=True)

    def cumulative(self, horizon: int) -> pd.DataFrame:
        """Goyal–Welch lines at ``horizon``: date x variant, ``cumsum(SSE_mean - SSE_model)``."""
        f = self.frames.get(int(horizon))
        if f is None:
            return pd.DataFrame()
        cols = {
            v: cumulative_sse_difference(f["realized"], f[v], f["prevailing_mean"])
            for v in self.variants
        }
        return pd.DataFrame(cols)

    def summary(self) -> str:
        """One line per variant and horizon: R²_OS and Clark–West p on the full sample."""
        lines = [f"out-of-sample forecasts (warmup {self.warmup} pairs) vs the prevailing mean:"]
        full = self.table[self.table["sample"] == "full"]
        for r in full.itertuples():
            lines.append(
                f"  {r.variant:<16} h={r.horizon:<3} R2_OS {r.r2_os:+.2%}  CW t {r.cw_stat:+.2f}"
                f"  p {r.cw_pvalue:.3f}  n={r.n}"
            )
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def forecast_horizons(cfg: Config) -> tuple[int, ...]:
    """``[forecast] horizons`` then ``[inference] headline_horizon`` when it is not among them."""
    hs = [int(h) for h in cfg.forecast.get("horizons", [21])]
    head = int(cfg.inference.get("headline_horizon", 21))
    if head not in hs:
        hs.append(head)
    return tuple(dict.fromkeys(hs))


def _sample_ranges(samples: Mapping[str, Sample]) -> dict[str, tuple[Any, Any]]:
    return {k: (samples[k].start, samples[k].end) for k in SAMPLE_NAMES if k in samples}


def run_forecasts(
    cfg: Config,
    factors: Mapping[str, pd.Series],
    spread: pd.Series,
    samples: Mapping[str, Sample],
) -> ForecastStudy:
    """Forecast the h-day spread return from each configured variant; score each sample.

    Parameters
    ----------
    cfg : Config
        ``[forecast]`` (horizons, warmup, variants) and ``[inference] headline_horizon``.
    factors : mapping of str to Series
        Variant name -> factor (value at t known at close t), e.g. the ablation's
        :func:`backtests.study.ablation.variant_factors`.
    spread : Series
        Daily spread returns on the study's dates.
    samples : mapping of str to Sample
        The run's samples; an empty one gets rows with ``n = 0`` and no statistics.

    Returns
    -------
    ForecastStudy
    """
    asked = [str(v) for v in cfg.forecast.get("variants", ["composite"])]
    notes = [f"{v}: no such factor variant in this study" for v in asked if v not in factors]
    names = [v for v in asked if v in factors]
    warmup = int(cfg.forecast.get("warmup", 252))
    frame = pd.DataFrame({v: factors[v].reindex(spread.index) for v in names}, index=spread.index)
    frames: dict[int, pd.DataFrame] = {}
    tables = []
    ranges = _sample_ranges(samples)
    for h in forecast_horizons(cfg):
        f = forecast_variants(frame, spread, horizon=h, warmup=warmup)
        frames[h] = f
        live = {k: v for k, v in ranges.items() if v[0] is not None}
        t = oos_table(f, names, live, h)
        empty = [
            {"variant": v, "horizon": h, "sample": k, "start": pd.NaT, "end": pd.NaT, "n": 0}
            for v in names
            for k, (lo, _) in ranges.items()
            if lo is None
        ]
        if empty:
            t = pd.concat([t, pd.DataFrame(empty, columns=list(TABLE_COLUMNS))], ignore_index=True)
        tables.append(t)
    table = (
        pd.concat(tables, ignore_index=True)
        if tables
        else pd.DataFrame(columns=list(TABLE_COLUMNS))
    )
    order_s = {k: i for i, k in enumerate(SAMPLE_NAMES)}
    order_v = {n: i for i, n in enumerate(names)}
    keys = pd.DataFrame(
        {
            "h": table["horizon"],
            "v": table["variant"].map(order_v),
            "s": table["sample"].map(order_s),
        }
    )
    table = table.loc[keys.sort_values(["h", "v", "s"], kind="stable").index]
    table = table.reset_index(drop=True)
    for n in notes:
        log.info("forecasts: %s", n)
    return ForecastStudy(
        table=table,
        frames=frames,
        variants=tuple(names),
        horizons=tuple(frames),
        warmup=warmup,
        notes=tuple(notes),
    )


def composite_cw_pvalue(
    factor: pd.Series, spread: pd.Series, *, horizon: int, warmup: int
) -> float:
    """One-sided Clark–West p of the composite's recursive forecasts over all forecast dates.

    The statistic of the size study (:mod:`backtests.study.power_forecast`): the same
    forecasts and test as the report's ``full`` row for the composite.
    """
    f = forecast_variants(factor.to_frame("composite"), spread, horizon=horizon, warmup=warmup)
    t = oos_table(f, ["composite"], {"full": (None, None)}, horizon)
    p = float(t["cw_pvalue"].iloc[0])
    return p if np.isfinite(p) else float("nan")

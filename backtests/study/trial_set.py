"""The study's trials, counted once: the sweep and every variant tried beside it.

The selection tests must see every variant the study tried on the in-sample window, not
only the sweep: the ablation variants and the universe pairs (and any other rule a study
adds, e.g. a competing rotation) are trials too. :func:`assemble_trials` puts their daily
active returns (against the declared benchmark) in one dates x trials matrix;
:func:`trial_inference` counts them and runs every selection test on that matrix:

- counts (:func:`~backtests.inference.trials.count_trials` for raw and distinct,
  :func:`~backtests.inference.trial_null.null_trial_count` for the participation ratio,
  the cluster count and the null-equivalent number);
- the deflated Sharpe ratios (default and best) and the t-hurdle, both for the
  **null-equivalent** number of trials: the N whose Bailey–López de Prado expected maximum
  equals the Monte Carlo expected maximum of standard normals with the trials' estimated
  correlation. The participation ratio is shown beside it, not used: the deflation's
  Sharpe variance is the cross-section of trial Sharpes, which already shrinks with
  correlation, so shrinking the count by the correlation's effective rank as well counted
  the correlation twice. The count is used as is (no rounding);
- PBO, walk-forward, Hansen's SPA and Romano–Wolf StepM over the distinct trials.

Timing
------
Everything here sees the in-sample window only (the sweep's dates, before
``run.oos_start``); variants are cut to those dates before they enter.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from backtests.engines.stats import sharpe as sharpe_ratio
from backtests.inference import count_trials, deflated_sharpe, pbo, walk_forward
from backtests.inference.snooping import data_snooping
from backtests.inference.trial_null import NullTrialCount, null_trial_count
from backtests.study.evidence import active_returns
from backtests.sweep.core import SweepResult
from backtests.sweep.grid import expand_grid
from data.config import Config
from data.errors import DataError

log = logging.getLogger(__name__)

NULL_SIMS = 10_000
"""Monte Carlo draws of the null expected maximum (standard error about 0.006)."""


def grid_trial_count(cfg: Config) -> int:
    """Trials of the configured ``[sweep]`` grid, counted without running it."""
    return int(len(expand_grid(cfg.sweep.to_dict(), cfg)))


def assemble_trials(
    sweep_returns: pd.DataFrame,
    benchmark: pd.Series,
    extra_active: Mapping[str, pd.DataFrame | None] | None = None,
) -> pd.DataFrame:
    """In-sample active returns of the sweep's trials and of every other variant tried.

    Parameters
    ----------
    sweep_returns : DataFrame
        The sweep's daily returns (dates x trials, in-sample); its dates are the matrix's.
    benchmark : Series
        Daily benchmark returns (subtracted from the sweep's trials; missing days count 0).
    extra_active : mapping of str to DataFrame, optional
        Group name -> daily *active* returns of that group's variants (ablation, universes,
        a competing rule). Cut to the sweep's dates; a day a variant has no return (its
        baskets not yet trading) counts 0. Columns become ``"<group>: <column>"``.

    Returns
    -------
    DataFrame
        Dates x trials active returns, the sweep's columns first, no missing values.

    Examples
    --------
    >>> idx = pd.bdate_range("2020-01-01", periods=3)
    >>> s = pd.DataFrame({"a": [0.01, 0.02, 0.0]}, index=idx)
    >>> x = {"ablation": pd.DataFrame({"v": [0.0, 0.01, 0.01, 0.5]},
    ...                                index=pd.bdate_range("2020-01-01", periods=4))}
    >>> assemble_trials(s, pd.Series(0.01, index=idx), x).columns.tolist()
    ['a', 'ablation: v']
    """
    trial_rets = sweep_returns.dropna(how="all").fillna(0.0)
    b = benchmark.reindex(trial_rets.index).fillna(0.0)
    parts = [trial_rets.sub(b, axis=0)]
    for group, frame in (extra_active or {}).items():
        if frame is None or frame.shape[1] == 0:
            continue
        x = frame.reindex(trial_rets.index).fillna(0.0)
        parts.append(x.set_axis([f"{group}: {c}" for c in x.columns], axis=1))
    return pd.concat(parts, axis=1)


def _no_sweep(cfg: Config, extra_raw: int) -> dict[str, Any]:
    raw = grid_trial_count(cfg) + extra_raw
    return {
        "trials": {"raw": raw, "distinct": None, "effective": None},
        "n_hurdle": raw,
        "trials_note": (
            f"no sweep was run: the hurdle assumes the configured grid's {raw} raw trials"
        ),
    }


def trial_inference(
    sweep: SweepResult | None,
    cfg: Config,
    bench_is: pd.Series,
    default_is: pd.Series,
    oos_start: pd.Timestamp,
    extra_raw: int,
    extra_active: Mapping[str, pd.DataFrame | None] | None = None,
) -> dict[str, Any]:
    """Count the trials; deflated Sharpe (default and best), PBO, walk-forward, SPA, StepM.

    Parameters
    ----------
    sweep : SweepResult or None
        The in-sample sweep.
    cfg : Config
        ``[inference]`` settings (``seed`` seeds the null calibration and the bootstraps).
    bench_is, default_is : Series
        In-sample daily returns of the benchmark and of the default rotation.
    oos_start : Timestamp
        Nothing at or after it is used.
    extra_raw : int
        Variants tried outside the sweep (added to the raw count).
    extra_active : mapping of str to DataFrame, optional
        Their active returns by group (see :func:`assemble_trials`).

    Returns
    -------
    dict
        ``trials`` (the ``inference.trials`` block: ``raw, distinct, effective,
        participation, clusters, null_equivalent, variants``), ``n_hurdle`` (the count the
        hurdle and the deflation use), ``trial_count``, ``null_count``, ``deflated``,
        ``deflated_best``, ``pbo``, ``walkforward``, ``spa``, ``stepm``.
    """
    out: dict[str, Any] = dict.fromkeys(
        ("deflated", "deflated_best", "pbo", "walkforward", "spa", "stepm")
    )
    if sweep is None or sweep.n_trials < 2:
        out.update(_no_sweep(cfg, extra_raw))
        return out
    active = assemble_trials(sweep.returns, bench_is, extra_active)
    n_sweep = int(sweep.returns.shape[1])
    counted = count_trials(active)
    null: NullTrialCount = null_trial_count(active, n_sims=NULL_SIMS, seed=int(cfg.inference.seed))
    kept = active[list(counted.kept)]
    n_eq = float(null.null_equivalent)
    out["trials"] = {
        "raw": max(n_sweep + int(extra_raw), int(active.shape[1])),
        "distinct": int(counted.distinct),
        "effective": n_eq,
        "participation": float(null.participation),
        "clusters": int(null.clusters),
        "null_equivalent": n_eq,
        "variants": int(active.shape[1] - n_sweep),
    }
    out["trial_count"], out["null_count"], out["n_hurdle"] = counted, null, n_eq
    log.info("%s", null.summary())
    trial_sr = np.asarray([sharpe_ratio(kept[c]) for c in kept.columns], dtype=float)
    default_active = active_returns(default_is, bench_is)
    try:
        out["deflated"] = deflated_sharpe(
            default_active, trial_sr, n_trials=max(1.0, n_eq), oos_start=oos_start
        )
        best = kept.iloc[:, int(np.nanargmax(trial_sr))]
        out["deflated_best"] = deflated_sharpe(
            best, trial_sr, n_trials=max(1.0, n_eq), oos_start=oos_start
        )
    except DataError as exc:
        log.info("deflated Sharpe not computed: %s", exc)
    zero = pd.Series(0.0, index=kept.index)
    out.update(selection_tests(kept, kept, zero, cfg, oos_start=oos_start))
    return out


def selection_tests(
    kept_active: pd.DataFrame,
    trials: pd.DataFrame,
    benchmark: pd.Series,
    cfg: Config,
    *,
    oos_start: pd.Timestamp | None = None,
) -> dict[str, Any]:
    """Test the selection among trials: PBO, walk-forward, SPA and StepM.

    Parameters
    ----------
    kept_active : DataFrame
        Active returns of the distinct trials (PBO and walk-forward; both need two).
    trials : DataFrame
        The same trials' returns for SPA and StepM, judged against ``benchmark``.
    benchmark : Series
        Daily benchmark returns (zeros when ``trials`` are active returns already).
    cfg : Config
        ``[inference]`` settings.
    oos_start : Timestamp, keyword-only, optional
        Nothing at or after it is used.

    Returns
    -------
    dict
        ``{pbo, walkforward, spa, stepm}`` (the first two None with fewer than two trials).
    """
    inf = cfg.inference
    out: dict[str, Any] = {"pbo": None, "walkforward": None}
    if kept_active.shape[1] >= 2:
        out["pbo"] = pbo(
            kept_active,
            n_splits=int(inf.pbo_splits),
            metric=str(inf.get("pbo_metric", "sharpe")),
            oos_start=oos_start,
        )
        out["walkforward"] = walk_forward(
            kept_active,
            train_days=int(inf.walkforward_train_days),
            test_days=int(inf.walkforward_test_days),
            metric=str(inf.get("walkforward_metric", "sharpe")),
            expanding=bool(inf.get("walkforward_expanding", True)),
            oos_start=oos_start,
        )
    block = float(inf.get("bootstrap_block_length", 0.0)) or None
    snoop = data_snooping(
        trials,
        benchmark,
        size=float(inf.get("hurdle_alpha", 0.05)),
        reps=int(inf.bootstrap_reps),
        block_length=block,
        seed=int(inf.seed),
        oos_start=oos_start,
    )
    out["spa"], out["stepm"] = snoop.spa, snoop.stepm
    return out

"""All inference results of one run in one object, and their ``metrics.json`` form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backtests.inference._common import clean, fmt
from backtests.inference.alpha import AlphaResult
from backtests.inference.bootstrap import SharpeCI
from backtests.inference.deflated import DeflatedSharpe
from backtests.inference.pbo import PBOResult
from backtests.inference.placebo import PlaceboResult
from backtests.inference.psr import _count_str
from backtests.inference.walkforward import WalkForwardResult


@dataclass(frozen=True)
class InferenceReport:
    """Is the rotation's edge real? The answers of one run, each optional.

    Attributes
    ----------
    alpha : AlphaResult, optional
        HAC alpha against the benchmarks.
    sharpe_ci : SharpeCI, optional
        Stationary-bootstrap Sharpe interval.
    deflated : DeflatedSharpe, optional
        Deflated Sharpe over the sweep (None without a sweep).
    pbo : PBOResult, optional
        Probability of backtest overfitting (None without a sweep).
    placebo : PlaceboResult, optional
        Real factor vs. shifted or shuffled factors.
    walkforward : WalkForwardResult, optional
        Walk-forward selection over the sweep (None without a sweep).
    held_out : dict, optional
        :func:`backtests.inference.held_out` of the strategy.
    hurdle : float, optional
        Multiple-testing t-hurdle for ``hurdle_trials`` trials.
    n_trials : int
        Variants tried (raw count; 1 without a sweep).
    hurdle_trials : float, optional
        Trials the hurdle is computed for (the effective count, not rounded; default
        ``n_trials``).
    in_sample : dict, optional
        The selection sample's own active statistics (``hac_alpha_tstat``, ``sharpe_ci95``;
        :func:`backtests.study.evidence.active_block`). When given, the readings compare
        *its* alpha t with the (in-sample) hurdle and name ``alpha`` and ``sharpe_ci`` as
        full-sample.
    held_out_active : dict, optional
        ``{start, end, n_days, sharpe, sharpe_diff}`` of the held-out sample alone,
        benchmark-relative; when given, the summary's held-out line shows it instead of
        the pooled tail of raw returns in ``held_out``.
    """

    alpha: AlphaResult | None = None
    sharpe_ci: SharpeCI | None = None
    deflated: DeflatedSharpe | None = None
    pbo: PBOResult | None = None
    placebo: PlaceboResult | None = None
    walkforward: WalkForwardResult | None = None
    held_out: dict[str, Any] | None = None
    hurdle: float | None = None
    n_trials: int = 1
    hurdle_trials: float | None = None
    in_sample: dict[str, Any] | None = None
    held_out_active: dict[str, Any] | None = None

    @property
    def _hurdle_n(self) -> str:
        return _count_str(self.hurdle_trials if self.hurdle_trials is not None else self.n_trials)

    def verdicts(self) -> list[str]:
        """Plain-language reading of each available test (for reports)."""
        out = []
        if self.in_sample is not None and self.hurdle is not None:
            out += self._in_sample_verdicts()
        elif self.alpha is not None and self.hurdle is not None:
            passed = abs(self.alpha.tstat) > self.hurdle
            out.append(
                f"HAC alpha t={fmt(self.alpha.tstat, '.2f')} "
                f"{'clears' if passed else 'does not clear'} the hurdle {fmt(self.hurdle, '.2f')} "
                f"for {self._hurdle_n} effective of {self.n_trials} trial(s)"
            )
        if self.sharpe_ci is not None:
            excl = self.sharpe_ci.lower > 0
            out.append(
                f"the {self.sharpe_ci.level:.0%} Sharpe interval "
                f"{'excludes' if excl else 'includes'} zero"
                + (" (full sample)" if self.in_sample is not None else "")
            )
        if self.deflated is not None:
            sig = "significant" if self.deflated.dsr >= 0.95 else "not significant"
            out.append(
                f"deflated Sharpe {fmt(self.deflated.dsr, '.2f')}: {sig} at 5% after "
                f"{_count_str(self.deflated.n_trials)} trials"
            )
        if self.pbo is not None:
            reading = (
                "the in-sample winner is no better than the median trial out of sample"
                if self.pbo.pbo >= 0.5
                else "the in-sample winner mostly stays above the median out of sample"
            )
            out.append(f"PBO {fmt(self.pbo.pbo, '.2f')}: {reading}")
        if self.placebo is not None:
            beats = "beats" if self.placebo.pvalue <= 0.05 else "does not beat"
            out.append(
                f"the real factor {beats} its placebos at 5% (p={fmt(self.placebo.pvalue, '.3f')})"
            )
        return out

    def _in_sample_verdicts(self) -> list[str]:
        """Read the in-sample alpha t against the in-sample hurdle, and the in-sample interval."""
        ins = self.in_sample or {}
        t, ci = ins.get("hac_alpha_tstat"), ins.get("sharpe_ci95")
        full = f" (full sample t={fmt(self.alpha.tstat, '.2f')})" if self.alpha else ""
        out = []
        if t is not None:
            passed = abs(t) > float(self.hurdle)
            out.append(
                f"in-sample HAC alpha t={fmt(t, '.2f')} "
                f"{'clears' if passed else 'does not clear'} the in-sample hurdle "
                f"{fmt(self.hurdle, '.2f')} for {self._hurdle_n} effective of "
                f"{self.n_trials} trial(s){full}"
            )
        if ci is not None and ci[0] is not None:
            out.append(
                f"the in-sample 95% active Sharpe interval [{fmt(ci[0], '.2f')}, "
                f"{fmt(ci[1], '.2f')}] {'excludes' if ci[0] > 0 else 'includes'} zero"
            )
        return out

    def summary(self) -> str:
        """Several lines: each result's summary, then the verdicts."""
        lines = ["inference:"]
        parts = (
            self.alpha,
            self.sharpe_ci,
            self.deflated,
            self.pbo,
            self.placebo,
            self.walkforward,
        )
        full = "full sample: " if self.in_sample is not None else ""
        lines += [
            f"  {full if p is self.alpha or p is self.sharpe_ci else ''}{p.summary()}"
            for p in parts
            if p is not None
        ]
        if self.hurdle is not None:
            lines.append(
                f"  t-hurdle for {self._hurdle_n} effective of {self.n_trials} trial(s): "
                f"{fmt(self.hurdle, '.2f')}"
            )
        h = self.held_out_active
        if h is not None:
            lines.append(
                f"  held out {h.get('start')} to {h.get('end')} ({h.get('n_days')} days), "
                f"benchmark-relative: active Sharpe {fmt(h.get('sharpe'), '.2f')}, Sharpe "
                f"difference {fmt(h.get('sharpe_diff'), '+.2f')}"
            )
        elif self.held_out is not None:
            ins, oos = self.held_out["is"], self.held_out["oos"]
            lines.append(
                f"  held out from {self.held_out['oos_start']}: Sharpe in-sample "
                f"{fmt(ins['sharpe'], '.2f')} vs out-of-sample {fmt(oos['sharpe'], '.2f')} "
                f"(total {fmt(oos['total_return'], '+.1%')}, n={oos['n_days']})"
            )
        lines += [f"  - {v}" for v in self.verdicts()]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def to_metrics(self) -> dict[str, Any]:
        """Return the ``inference`` block of ``metrics.json``: JSON-safe, None for anything missing.

        Required keys: ``hac_alpha_tstat``, ``sharpe_ci95`` ([lo, hi]), ``deflated_sharpe``,
        ``pbo``, ``placebo_pvalue``, ``n_trials``. Extra keys: ``hac_alpha_ann``,
        ``hac_alpha_pvalue``, ``hac_lags``, ``hac_betas``, ``sharpe``, ``sharpe_ci_level``,
        ``sharpe_se_bootstrap``, ``bootstrap_block_length``, ``expected_max_sharpe``
        (annualized), ``psr``, ``pbo_degradation_slope``, ``pbo_prob_loss``, ``pbo_splits``,
        ``placebo_statistic``, ``placebo_mean``, ``placebo_reps``, ``tstat_hurdle``,
        ``walkforward_sharpe``, ``walkforward_total_return``, ``walkforward_windows``,
        ``is_sharpe``, ``oos_sharpe``, ``oos_total_return``.
        """
        a, ci, d, p, pl, wf = (
            self.alpha,
            self.sharpe_ci,
            self.deflated,
            self.pbo,
            self.placebo,
            self.walkforward,
        )
        wf_stats = wf.stats() if wf is not None else None
        ins = self.held_out["is"] if self.held_out else None
        oos = self.held_out["oos"] if self.held_out else None
        m: dict[str, Any] = {
            "hac_alpha_tstat": a.tstat if a else None,
            "sharpe_ci95": [ci.lower, ci.upper] if ci else None,
            "deflated_sharpe": d.dsr if d else None,
            "pbo": p.pbo if p else None,
            "placebo_pvalue": pl.pvalue if pl else None,
            "n_trials": int(self.n_trials),
            "hac_alpha_ann": a.alpha_ann if a else None,
            "hac_alpha_pvalue": a.pvalue if a else None,
            "hac_lags": a.lags if a else None,
            "hac_betas": dict(a.betas) if a else None,
            "sharpe": ci.sharpe if ci else None,
            "sharpe_ci_level": ci.level if ci else None,
            "sharpe_se_bootstrap": ci.se if ci else None,
            "bootstrap_block_length": ci.block_length if ci else None,
            "expected_max_sharpe": d.sr0_ann if d else None,
            "psr": d.psr if d else None,
            "pbo_degradation_slope": p.degradation_slope if p else None,
            "pbo_prob_loss": p.prob_loss if p else None,
            "pbo_splits": p.n_splits if p else None,
            "placebo_statistic": pl.statistic if pl else None,
            "placebo_mean": pl.placebo_mean if pl else None,
            "placebo_reps": pl.n_valid if pl else None,
            "tstat_hurdle": self.hurdle,
            "walkforward_sharpe": wf_stats["sharpe"] if wf_stats else None,
            "walkforward_total_return": wf_stats["total_return"] if wf_stats else None,
            "walkforward_windows": wf_stats["n_windows"] if wf_stats else None,
            "is_sharpe": ins["sharpe"] if ins else None,
            "oos_sharpe": oos["sharpe"] if oos else None,
            "oos_total_return": oos["total_return"] if oos else None,
        }
        return clean(m)

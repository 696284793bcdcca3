"""The long-history study's result: everything its metrics and report read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from data.config import Config
from data.history import HistoryData


@dataclass
class HistoryResult:
    """Everything the long-history report shows (see :func:`run_history`)."""

    cfg: Config
    market: HistoryData
    factor: Any
    fac: pd.Series
    targets: pd.DataFrame
    headline: str
    strategy: Any
    benchmark: Any
    trials: dict[str, Any]
    metrics: dict[str, Any] = field(default_factory=dict)
    mechanism: Any = None  # signals.mechanism.MechanismResult when [mechanism] enabled
    forecasts: Any = None  # backtests.study.forecasts.ForecastStudy, set with the metrics

    @property
    def synthetic(self) -> bool:
        """Never synthetic: the long history reads the mirror or the publishers."""
        return False

    def summary(self) -> str:
        """Return a few lines: period, headline target, verdict, halves."""
        m = self.metrics
        s = m.get("samples", {})
        lines = [
            f"long history: {m['period']['start']} .. {m['period']['end']}  target "
            f"{self.headline} ({self.cfg.targets.off_position} when scarcity is low)",
            f"verdict: {m['verdict']['label']}: {m['verdict'].get('sentence', '')}",
        ]
        for k in ("in_sample", "held_out"):
            b = s.get(k, {})
            act = b.get("active", {}) or {}
            lines.append(
                f"  {k} {b.get('start')}..{b.get('end')}: active Sharpe "
                f"{_fmt(act.get('sharpe'))}, Sharpe diff {_fmt(act.get('sharpe_diff'))}"
            )
        lines.append(f"  episodes: {len(m.get('episodes', []))}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def _fmt(x: Any) -> str:
    return "n/a" if x is None or not np.isfinite(x) else f"{x:+.2f}"

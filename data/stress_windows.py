"""Stress windows declared in the configuration (``[report] stress_windows``).

A stress window is a named span of dates (inclusive) over which the report compounds the
strategy's, the benchmark's and the active return
(:func:`backtests.report.tearsheet_trades.stress_returns`). The windows are read and checked
here, when the configuration loads, so a typo fails before any data is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from data.errors import ConfigError

__all__ = ["StressWindow", "parse_stress_windows"]


@dataclass(frozen=True)
class StressWindow:
    """A declared stress window: a name and its first and last day (inclusive)."""

    name: str
    start: pd.Timestamp
    end: pd.Timestamp


def parse_stress_windows(raw: Any, key: str = "report.stress_windows") -> list[StressWindow]:
    """Read ``[report] stress_windows``: a list of ``{name, start, end}`` tables.

    Raises
    ------
    ConfigError
        Naming ``key``, the entry and the bad value, when an entry is not a table with a
        name and two dates, or ends before it starts.
    """
    out = []
    for i, item in enumerate(raw or ()):
        where = f"`{key}` entry {i + 1}"
        if not hasattr(item, "get") or set(item) != {"name", "start", "end"}:
            raise ConfigError(f"{where} must be a table {{name, start, end}}, got {item!r}")
        try:
            start, end = pd.Timestamp(str(item["start"])), pd.Timestamp(str(item["end"]))
        except ValueError as exc:
            raise ConfigError(f"{where} ({item['name']!r}): dates must be YYYY-MM-DD") from exc
        if end < start:
            raise ConfigError(
                f"{where} ({item['name']!r}): end {end.date()} is before start {start.date()}"
            )
        out.append(StressWindow(str(item["name"]), start, end))
    return out

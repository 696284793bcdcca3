"""Human-readable notes on missing, late-starting, stale and revised data.

The loaders attach these notes to :class:`data.loaders.MarketData` (``gaps``) so that what
the data lacks is reported, not hidden.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from data.tables import validate_fundamentals


def late_starts(
    table: pd.DataFrame, start: str | pd.Timestamp, *, what: str, slack_days: int = 10
) -> list[str]:
    """Columns whose first value comes more than ``slack_days`` after ``start``."""
    lo = pd.Timestamp(start)
    notes = []
    for col in table.columns:
        first = table[col].first_valid_index()
        if first is None:
            notes.append(f"{what} {col}: no values at all")
        elif (first - lo).days > slack_days:
            notes.append(f"{what} {col}: starts {first.date()}, after {lo.date()}")
    return notes


def early_ends(
    table: pd.DataFrame, *, what: str, min_days: int = 10, spacing_factor: float = 3.0
) -> list[str]:
    """Columns whose last value is well before the table's last date.

    "Well before" means more than ``max(min_days, spacing_factor x median spacing of the
    column's observations)`` calendar days, so a monthly series one month behind is fine but
    a daily series ending in October is reported.
    """
    if table.empty:
        return []
    newest = table.index.max()
    notes = []
    for col in table.columns:
        s = table[col].dropna()
        if s.empty:
            continue
        spacing = float(np.median(np.diff(s.index.asi8))) / 86_400e9 if len(s) > 1 else 0.0
        limit = max(min_days, spacing_factor * spacing)
        behind = (newest - s.index[-1]).days
        if behind > limit:
            notes.append(
                f"{what} {col}: ends {s.index[-1].date()}, {behind} days before the latest "
                f"date {newest.date()} (values grow stale after it)"
            )
    return notes


def revisions(fundamentals: pd.DataFrame, *, max_notes: int = 50) -> list[str]:
    """Facts reported with different values in different filings (restatements).

    One note per ticker, concept and period; each says the first and the revised values
    and the filing dates. Point-in-time use keeps the first until the revision is filed.
    """
    validate_fundamentals(fundamentals)
    f = fundamentals.dropna(subset=["period_end", "value"])
    notes = []
    keys = ["ticker", "concept", "tag", "period_start", "period_end"]
    for key, g in f.groupby(keys, dropna=False, sort=True):
        g = g.sort_values("filed")
        vals = g["value"].to_numpy()
        if np.all(np.abs(vals - vals[0]) <= 0.5):
            continue
        ticker, concept, tag, start, end = key
        changes = g.loc[np.r_[True, np.abs(np.diff(vals)) > 0.5]]
        chain = " -> ".join(
            f"{v:,.0f} (filed {d.date()})"
            for v, d in zip(changes["value"], changes["filed"], strict=True)
        )
        span = f"{start.date()}..{end.date()}" if pd.notna(start) else f"at {end.date()}"
        notes.append(f"{ticker} {concept} {span} restated: {chain}")
    if len(notes) > max_notes:
        notes = notes[:max_notes] + [f"... and {len(notes) - max_notes} more restatements"]
    return notes

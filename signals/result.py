"""The factor's result object: the factor, its regime, components, activity and CSV frames.

Timing
------
Every series in a :class:`FactorResult` holds at date t values known at the close of t.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass
class FactorResult:
    """The factor and everything behind it.

    Attributes
    ----------
    factor : Series
        Composite factor on business days (NaN before it is defined).
    regime : Series of bool
        Idle money exhausted.
    components : DataFrame
        Raw components in their own units, NaN where stale or not yet defined.
    zscores : DataFrame
        Signed z-scores of the weighted components (NaN where inactive).
    active : DataFrame of bool
        Component defined and within its staleness limit.
    events : DataFrame
        Capex announcements: ``available_at, ticker, period_end, capex_usd, surprise,
        dated_by, accepted_at`` (see :func:`signals.capex_events.capex_events`).
    availability : DataFrame
        Per component: first active date, last active date, share of days active.
    method : str
        ``zsum``, ``pca`` or ``interaction``.
    weights : dict
        The weight of each component that enters the factor.

    Methods
    -------
    to_frames()
        The ``factor.csv``, ``components.csv`` and ``events.csv`` tables.
    summary()
        A text report: method, first defined date, component availability.
    """

    factor: pd.Series
    regime: pd.Series
    components: pd.DataFrame
    zscores: pd.DataFrame
    active: pd.DataFrame
    events: pd.DataFrame
    availability: pd.DataFrame
    method: str
    weights: dict[str, float] = field(default_factory=dict)

    @property
    def first_date(self) -> pd.Timestamp | None:
        """First date the factor is defined."""
        return self.factor.first_valid_index()

    def to_frames(self) -> dict[str, pd.DataFrame]:
        """Return the three signal files ``factor``, ``components``, ``events`` (CSV frames)."""
        fac = pd.DataFrame({"factor": self.factor, "regime": self.regime.astype(bool)})
        fac.index.name = "date"
        comp = self.components.copy()
        comp.index.name = "date"
        ev = self.events.copy()
        for c in ("available_at", "period_end"):
            ev[c] = pd.to_datetime(ev[c]).dt.strftime("%Y-%m-%d")
        cols = ["available_at", "ticker", "period_end", "capex_usd", "surprise"]
        if "dated_by" in ev.columns:
            at = pd.to_datetime(ev["accepted_at"], utc=True)
            ev["accepted_at"] = at.dt.strftime("%Y-%m-%dT%H:%M:%SZ")
            cols += ["dated_by", "accepted_at"]
        return {
            "factor": fac.reset_index().assign(date=lambda d: d["date"].dt.strftime("%Y-%m-%d")),
            "components": comp.reset_index().assign(
                date=lambda d: d["date"].dt.strftime("%Y-%m-%d")
            ),
            "events": ev[cols],
        }

    def summary(self) -> str:
        """Describe the method, first date, latest value, regime share and availability."""
        f = self.factor.dropna()
        lines = [f"capital-scarcity factor ({self.method})"]
        if f.empty:
            lines.append("  not defined on any date (see availability)")
        else:
            lines.append(
                f"  defined {f.index[0].date()} .. {f.index[-1].date()} ({len(f)} days); "
                f"latest {f.iloc[-1]:+.2f}; idle money exhausted on "
                f"{self.regime.loc[f.index].mean():.0%} of those days"
            )
        lines.append(f"  capex announcements: {len(self.events)}")
        for name, row in self.availability.iterrows():
            lines.append(
                f"  {name:<22} first {row['first_active']}  last {row['last_active']}  "
                f"active {row['share_active']:.0%}"
            )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def availability_table(active: pd.DataFrame) -> pd.DataFrame:
    """Summarize when each component counts in the factor.

    Parameters
    ----------
    active : DataFrame of bool
        Dates x components: the component is defined and fresh.

    Returns
    -------
    DataFrame
        Index ``component``; ``first_active`` and ``last_active`` (``YYYY-MM-DD`` or
        ``"never"``) and ``share_active`` (fraction of all dates of ``active``).
    """
    rows = {}
    for c in active.columns:
        a = active[c]
        idx = a.index[a.to_numpy()]
        rows[c] = {
            "first_active": idx[0].strftime("%Y-%m-%d") if len(idx) else "never",
            "last_active": idx[-1].strftime("%Y-%m-%d") if len(idx) else "never",
            "share_active": float(a.mean()) if len(a) else 0.0,
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "component"
    return out

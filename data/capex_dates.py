"""When each capex quarter became known: at its earnings release, its 10-Q/10-K, or a lag.

This is the one place where capex quarters get the ``available_at`` the factor, the
surprise and the event study read. With the SEC filing index (the ``filings`` table) a
quarter is dated

- ``release`` (``capex_known_at = "release"``, the default): at the first session opening
  after its matched earnings release (:func:`data.releases.earnings_releases`), or at its
  10-Q/10-K when that came first;
- ``filing``: at the first session opening after the 10-Q/10-K whose report date is the
  quarter's period end (and, for EDGAR-derived quarters without one in the index, the
  business day after the fact's own ``filed`` date);
- ``lag``: otherwise, at the capex table's configured lag after the period end.

Every concept of a quarter (capex, operating cash flow, debt issuance) is dated together:
they come from the same statement. Only the first vintage of a quarter is re-dated; a later
restatement keeps its own filing date (never before the first vintage).

Timing
------
``available_at`` is a session date; the value is known at that session's close and traded
at the next bar (the execution lag is applied once, in the engine).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from data.errors import ConfigError
from data.releases import MATCH_DAYS, Releases, earnings_releases, first_session_after
from data.releases import periodic_filings as _periodic
from data.sources.edgar import pad_cik

KnownAt = Literal["release", "filing"]
DATED_BY = ("release", "filing", "lag")
LATER_SOURCE_DAYS = 100  # an EDGAR vintage filed this long after the quarter's own filing
# was derived from a later filing's facts: it keeps its own date


def filings_table(items: dict[str, pd.DataFrame], cik_ticker: dict[str, str]) -> pd.DataFrame:
    """Concatenate per-CIK ``filings`` tables, each under the ticker its CIK maps to.

    Returns an empty frame (no columns) when there are none.
    """
    parts = []
    for cik, f in items.items():
        if len(f):
            parts.append(f.assign(ticker=cik_ticker.get(pad_cik(cik), f["ticker"].iloc[0])))
    if not parts:
        return pd.DataFrame()
    out = pd.concat(parts, ignore_index=True).drop_duplicates(["ticker", "accession"])
    out["accepted_at"] = pd.to_datetime(out["accepted_at"], utc=True)
    return out.reset_index(drop=True)


def releases_config(cfg) -> tuple[KnownAt, tuple[int, int]]:
    """Read ``[data.releases]``: ``capex_known_at`` and ``window_days`` (checked).

    Raises
    ------
    ConfigError
        ``window_days`` is not ``[lo, hi]`` with ``0 <= lo <= hi``.
    """
    sec = dict(cfg.data.get("releases", {}) or {})
    known = str(sec.get("capex_known_at", "release"))
    win = list(sec.get("window_days", (5, 75)))
    if len(win) != 2 or not 0 <= int(win[0]) <= int(win[1]):
        raise ConfigError(
            f"section [data.releases], key `window_days` must be [lo, hi] with "
            f"0 <= lo <= hi, got {win}"
        )
    return known, (int(win[0]), int(win[1]))  # type: ignore[return-value]


class _Lookup:
    """Per ticker, the rows of ``keys`` by date column ``col``: the nearest within a week."""

    def __init__(self, keys: pd.DataFrame, col: str):
        self.rows: dict[str, tuple[np.ndarray, list[tuple]]] = {}
        for t, g in keys.groupby("ticker", sort=False):
            dates = g[col].to_numpy(dtype="datetime64[D]")
            self.rows[str(t)] = (dates, list(zip(g["available_at"], g["accepted_at"], strict=True)))

    def get(self, ticker: str, end: pd.Timestamp) -> tuple | None:
        if ticker not in self.rows:
            return None
        dates, vals = self.rows[ticker]
        gap = np.abs((dates - np.datetime64(end, "D")).astype(int))
        i = int(np.argmin(gap))
        return vals[i] if gap[i] <= MATCH_DAYS else None


def date_capex(
    capex: pd.DataFrame,
    filings: pd.DataFrame | None,
    *,
    known_at: KnownAt = "release",
    window_days: tuple[int, int] = (10, 75),
    calendar: str = "XNYS",
) -> pd.DataFrame:
    """Date every capex quarter by its release, its filing or the table lag.

    Parameters
    ----------
    capex : DataFrame
        Capex quarters (``[ticker, concept, period_start, period_end, value, filed,
        available_at, source]``, several vintages per quarter allowed).
    filings : DataFrame or None
        The ``filings`` table of the companies (None or empty: nothing is re-dated).
    known_at : {"release", "filing"}, keyword-only
        ``[data.releases] capex_known_at``.
    window_days : (int, int), keyword-only
        Release window after the period end (``[data.releases] window_days``).
    calendar : str, keyword-only
        Exchange calendar of the sessions.

    Returns
    -------
    DataFrame
        ``capex`` with ``available_at`` re-dated and two more columns: ``dated_by`` (one of
        ``release``, ``filing``, ``lag``) and ``accepted_at`` (UTC acceptance time of the
        release or filing used; NaT for lags and for EDGAR dates without an index row).
        ``attrs["release_notes"]``: the 2.02 filings not used.
    """
    if known_at not in ("release", "filing"):
        raise ValueError(f"`known_at` must be 'release' or 'filing', got {known_at!r}")
    out = capex.reset_index(drop=True)
    out["dated_by"] = np.where(out["filed"].notna(), "filing", "lag")
    out["accepted_at"] = pd.Series(pd.NaT, index=out.index, dtype="datetime64[ns, UTC]")
    out.attrs = dict(capex.attrs)
    out.attrs["release_notes"] = []
    if filings is None or filings.empty or out.empty:
        return out
    per = _periodic(filings)
    per["available_at"] = first_session_after(per["accepted_at"], calendar)
    rel = Releases(pd.DataFrame(columns=["ticker", "period_end", "accepted_at", "available_at"]))
    if known_at == "release":
        rel = earnings_releases(filings, capex, window_days=window_days, calendar=calendar)
        out.attrs["release_notes"] = list(rel.notes)
    filed_at, released = _Lookup(per, "report_date"), _Lookup(rel.table, "period_end")
    first = out.sort_values("available_at", kind="stable")
    first = first.drop_duplicates(["ticker", "concept", "period_end"], keep="first")
    at = out["available_at"].to_numpy().copy()
    by = out["dated_by"].to_numpy().copy()
    acc = out["accepted_at"].array.copy()
    for i, t, end, filed in zip(
        first.index, first["ticker"], first["period_end"], first["filed"], strict=True
    ):
        choices = []  # (session, preference, label, acceptance): the earliest wins
        f = filed_at.get(t, end)
        if f is not None:
            choices.append((f[0], 1, "filing", f[1]))
        r = released.get(t, end) if known_at == "release" else None
        if r is not None:
            choices.append((r[0], 0, "release", r[1]))
        if not choices:
            continue
        session, _, label, accepted = min(choices, key=lambda c: (c[0], c[1]))
        if pd.notna(filed) and (filed - accepted.tz_localize(None)).days > LATER_SOURCE_DAYS:
            continue  # derived from a later filing's facts: its own date stands
        at[i], by[i], acc[i] = np.datetime64(session, "ns"), label, accepted
    out["available_at"], out["dated_by"], out["accepted_at"] = at, by, acc
    # a later vintage never becomes known before the first one
    floor = out.loc[first.index].set_index(["ticker", "concept", "period_end"])["available_at"]
    key = pd.MultiIndex.from_frame(out[["ticker", "concept", "period_end"]])
    out["available_at"] = np.maximum(
        out["available_at"].to_numpy(), floor.reindex(key).to_numpy()
    ).astype("datetime64[ns]")
    out = out.sort_values(["ticker", "concept", "period_end", "available_at"], kind="stable")
    return out.reset_index(drop=True)


def dating_coverage(capex: pd.DataFrame, *, concept: str = "capex") -> pd.DataFrame:
    """Per company: how many quarters each source dated, and the first and last of each.

    Parameters
    ----------
    capex : DataFrame
        Capex quarters with ``dated_by`` (:func:`date_capex`).
    concept : str, keyword-only
        The concept counted (first vintage of each quarter).

    Returns
    -------
    DataFrame
        Index ``ticker``; per source in ``release, filing, lag``: ``n_<source>``,
        ``first_<source>`` and ``last_<source>`` (period ends, NaT when none); and ``n``.
    """
    c = capex[capex["concept"] == concept]
    if "dated_by" not in c.columns:
        c = c.assign(dated_by=np.where(c["filed"].notna(), "filing", "lag"))
    c = c.sort_values("available_at", kind="stable").drop_duplicates(["ticker", "period_end"])
    rows = {}
    for t, g in c.groupby("ticker"):
        row: dict[str, object] = {"n": len(g)}
        for src in DATED_BY:
            ends = g.loc[g["dated_by"] == src, "period_end"]
            row[f"n_{src}"] = len(ends)
            row[f"first_{src}"] = ends.min() if len(ends) else pd.NaT
            row[f"last_{src}"] = ends.max() if len(ends) else pd.NaT
        rows[t] = row
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "ticker"
    return out


def coverage_lines(capex: pd.DataFrame, *, concept: str = "capex") -> list[str]:
    """One sentence per company for the report's data coverage (see :func:`dating_coverage`).

    Examples
    --------
    ``"capex MSFT: 52 quarters; dated by release 52 (2008-09-30..2025-09-30), filing 0,
    lag 0"``
    """
    cov = dating_coverage(capex, concept=concept)
    lines = []
    for t, r in cov.iterrows():
        parts = []
        for src in DATED_BY:
            n = int(r[f"n_{src}"])
            span = f" ({r[f'first_{src}'].date()}..{r[f'last_{src}'].date()})" if n else ""
            parts.append(f"{src} {n}{span}")
        lines.append(f"{concept} {t}: {int(r['n'])} quarters; dated by " + ", ".join(parts))
    return lines

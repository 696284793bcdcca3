"""Earnings releases (8-K item 2.02) matched to fiscal quarters, and when they are tradable.

A company announces a quarter's results in an 8-K whose ``items`` include 2.02 (Results of
Operations), usually some weeks before the 10-Q/10-K. Each such filing is matched to the
latest fiscal quarter that ended between ``window_days[1]`` and ``window_days[0]`` days
before it. Quarters are aligned on ``period_end`` (Microsoft's fiscal year ends in June,
Oracle's in May): the report dates of the company's 10-Q/10-K filings, and the period ends
of its capex data outside the span those filings cover.

Not every 2.02 filing is a quarterly release (a recast of segments, a preliminary figure).
When several original 8-K 2.02 filings match one quarter, those accepted after the quarter's
own 10-Q/10-K are dropped, and of the rest the **latest** is the release: a wrong choice can
then only date the news later than it was, never earlier. Every 2.02 filing not used is a
data note naming ticker, accession and date.

Timing
------
A release is tradable from the first session of the exchange calendar that opens after its
acceptance time: accepted before 09:30 New York time on a session day, that session;
accepted later (during or after the session, 16:00 included), on a weekend or holiday, the
next session.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from data.calendar import trading_days

NY = "America/New_York"
OPEN = pd.Timedelta(hours=9, minutes=30)
PERIODIC_FORMS = r"^(10-Q|10-K)"  # 10-Q, 10-K, 10-K405, 10-KT and amendments
RELEASE_FORM = "8-K"
MATCH_DAYS = 7  # period ends of two sources are the same quarter within a week (52/53 weeks)
RELEASE_COLUMNS = ("ticker", "period_end", "accession", "accepted_at", "available_at")


def first_session_after(
    accepted_at: pd.Series | pd.DatetimeIndex, calendar: str = "XNYS"
) -> pd.DatetimeIndex:
    """Return, per acceptance time, the first session that opens after it.

    Parameters
    ----------
    accepted_at : Series or DatetimeIndex
        Acceptance times, tz-aware (any zone) or naive UTC.
    calendar : str
        Exchange calendar (:func:`data.calendar.trading_days`).

    Returns
    -------
    DatetimeIndex
        Session dates (tz-naive, midnight).

    Examples
    --------
    >>> first_session_after(pd.DatetimeIndex(["2024-02-01 21:10:38"], tz="UTC"))[0].date()
    datetime.date(2024, 2, 2)
    """
    ts = pd.DatetimeIndex(accepted_at)
    if ts.tz is None:
        ts = ts.tz_localize("UTC")
    if len(ts) == 0:
        return pd.DatetimeIndex([], name="date")
    local = ts.tz_convert(NY).tz_localize(None)
    day = local.normalize()
    sessions = trading_days(day.min(), day.max() + pd.Timedelta(days=15), calendar)
    pos = sessions.searchsorted(day, side="left")
    same = (pos < len(sessions)) & (sessions[np.minimum(pos, len(sessions) - 1)] == day)
    before_open = (local - day) < OPEN
    nxt = sessions.searchsorted(day, side="right")
    out = np.where(same & before_open, pos, nxt)
    return pd.DatetimeIndex(sessions[out], name="date")


def periodic_filings(filings: pd.DataFrame) -> pd.DataFrame:
    """Return the earliest 10-Q/10-K per ``(ticker, report_date)`` (when a quarter was filed).

    Returns
    -------
    DataFrame
        ``ticker, report_date, accession, accepted_at, form``, sorted.
    """
    f = filings[filings["form"].str.match(PERIODIC_FORMS) & filings["report_date"].notna()]
    f = f.sort_values(["ticker", "report_date", "accepted_at"], kind="stable")
    f = f.drop_duplicates(["ticker", "report_date"], keep="first")
    return f[["ticker", "report_date", "accession", "accepted_at", "form"]].reset_index(drop=True)


def quarter_ends(
    filings: pd.DataFrame, capex: pd.DataFrame | None = None
) -> dict[str, pd.DatetimeIndex]:
    """Fiscal quarter ends per ticker: 10-Q/10-K report dates, then capex period ends.

    A capex period end counts only outside the span covered by the company's periodic
    filings (the filings define the fiscal calendar where they exist).
    """
    per = periodic_filings(filings)
    out: dict[str, pd.DatetimeIndex] = {}
    tickers = set(per["ticker"]) | (set(capex["ticker"]) if capex is not None else set())
    for t in sorted(tickers):
        ends = pd.DatetimeIndex(per.loc[per["ticker"] == t, "report_date"])
        if capex is not None:
            extra = pd.DatetimeIndex(capex.loc[capex["ticker"] == t, "period_end"].unique())
            if len(ends):
                lo, hi = ends.min() - pd.Timedelta(days=45), ends.max() + pd.Timedelta(days=45)
                extra = extra[(extra < lo) | (extra > hi)]
            ends = ends.append(extra)
        out[t] = pd.DatetimeIndex(sorted(set(ends)))
    return out


@dataclass(frozen=True)
class Releases:
    """Earnings releases matched to quarters.

    Attributes
    ----------
    table : DataFrame
        One row per matched quarter: ``ticker, period_end, accession, accepted_at`` (UTC),
        ``available_at`` (the first session opening after acceptance).
    notes : list of str
        The 2.02 filings not used, each naming ticker, accession, date and why.
    """

    table: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line per ticker (releases matched, first and last), then the notes."""
        lines = [f"earnings releases: {len(self.table)} matched, {len(self.notes)} not used"]
        for t, g in self.table.groupby("ticker"):
            lines.append(
                f"  {t}: {len(g)} releases, quarters {g['period_end'].min().date()}.."
                f"{g['period_end'].max().date()}"
            )
        lines += [f"  - {n}" for n in self.notes]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def _positions(m: pd.DataFrame) -> dict[tuple[str, pd.Timestamp], list[int]]:
    """Row positions of ``m`` per (ticker, period end), in row order (``groupby``'s groups)."""
    out: dict[tuple[str, pd.Timestamp], list[int]] = {}
    for i, key in enumerate(zip(m["ticker"], m["period_end"], strict=True)):
        out.setdefault(key, []).append(i)
    return out


def _is_202(items: pd.Series) -> pd.Series:
    return items.fillna("").map(lambda s: "2.02" in [x.strip() for x in str(s).split(",")])


def earnings_releases(
    filings: pd.DataFrame,
    capex: pd.DataFrame | None = None,
    *,
    window_days: tuple[int, int] = (10, 75),
    calendar: str = "XNYS",
) -> Releases:
    """Match each company's 8-K item 2.02 filings to the fiscal quarter they announce.

    Parameters
    ----------
    filings : DataFrame
        The ``filings`` table (:func:`data.sources.submissions.parse_submissions`), any
        number of tickers.
    capex : DataFrame, optional
        Capex quarters: their period ends define quarters outside the filings' span.
    window_days : (int, int), keyword-only
        A release comes ``window_days[0]`` to ``window_days[1]`` days after its quarter end
        (``[data.releases] window_days``).
    calendar : str, keyword-only
        Exchange calendar of ``available_at``.

    Returns
    -------
    Releases
        ``.table`` (one release per quarter) and ``.notes``.

    Timing
    ------
    ``available_at`` is the first session opening after ``accepted_at``
    (:func:`first_session_after`). Choosing among several 2.02 filings of one quarter uses
    the quarter's 10-Q/10-K and the later filing: it can only make the date later.
    """
    lo, hi = int(window_days[0]), int(window_days[1])
    if not 0 <= lo <= hi:
        raise ValueError(f"`window_days` must be [lo, hi] with 0 <= lo <= hi, got {window_days}")
    notes: list[str] = []
    cand = filings[filings["form"].str.startswith(RELEASE_FORM) & _is_202(filings["items"])]
    ends = quarter_ends(filings, capex)
    per = periodic_filings(filings)
    local_day = cand["accepted_at"].dt.tz_convert(NY).dt.tz_localize(None).dt.normalize()
    empty = pd.DatetimeIndex([])
    end_days = {t: e.to_numpy(dtype="datetime64[ns]") for t, e in ends.items()}
    matched: list[tuple] = []
    for (t, acc, at, form), day in zip(
        cand[["ticker", "accession", "accepted_at", "form"]].itertuples(index=False),
        local_day.to_numpy(dtype="datetime64[ns]"),
        strict=True,
    ):
        e = ends.get(t, empty)
        lag = (day - end_days.get(t, e.to_numpy(dtype="datetime64[ns]"))) // np.timedelta64(1, "D")
        inside = (lag >= lo) & (lag <= hi)
        found = bool(inside.any())
        if not found or form != RELEASE_FORM:
            what = f"{t} 2.02 filing {acc} accepted {at.strftime('%Y-%m-%d %H:%M')} UTC ({form})"
            why = "an amendment" if found else f"no quarter ended {lo}-{hi} days before it"
            notes.append(f"{what}: {why}; not used")
        else:
            matched.append((t, e[inside].max(), acc, at))
    rows = []
    m = pd.DataFrame(matched, columns=["ticker", "period_end", "accession", "accepted_at"])
    reports = {t: (g["report_date"].to_numpy(), g["accepted_at"]) for t, g in per.groupby("ticker")}
    for (t, end), pos in sorted(_positions(m).items()):
        if len(pos) == 1:  # one 2.02 filing for the quarter: it is the release
            rows.append((t, end, m["accession"].iat[pos[0]], m["accepted_at"].iat[pos[0]]))
            continue
        g = m.iloc[pos]
        keep = g
        if t in reports:
            dates, accepted = reports[t]
            near = np.abs(dates - np.datetime64(end)) <= np.timedelta64(MATCH_DAYS, "D")
            if near.any():
                keep = g[g["accepted_at"] <= accepted[near].min()]
        keep = keep.sort_values("accepted_at")
        chosen = keep.iloc[-1] if len(keep) else None
        for r in g.itertuples(index=False):
            if chosen is None or r.accession != chosen["accession"]:
                notes.append(
                    f"{t} 2.02 filing {r.accession} accepted "
                    f"{r.accepted_at.strftime('%Y-%m-%d %H:%M')} UTC: one of {len(g)} for the "
                    f"quarter ending {end.date()}; not the release used"
                )
        if chosen is not None:
            rows.append((t, end, chosen["accession"], chosen["accepted_at"]))
    table = pd.DataFrame(rows, columns=list(RELEASE_COLUMNS[:4]))
    table["accepted_at"] = pd.to_datetime(table["accepted_at"], utc=True)
    table["period_end"] = pd.to_datetime(table["period_end"]).astype("datetime64[ns]")
    table["available_at"] = first_session_after(table["accepted_at"], calendar)
    return Releases(table.reset_index(drop=True), notes)

"""From raw items (one table per ticker, series, CIK, capex table) to :class:`MarketData`."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from data.calendar import staleness_limits, to_business_days
from data.capex_dates import date_capex, filings_table, releases_config
from data.config import Config
from data.fundamentals import combine_capex, quarterly_from_ytd
from data.gaps import early_ends, late_starts, revisions
from data.pit import cash_rate_known_at
from data.sources.edgar import pad_cik
from data.stops import member_notes
from data.tables import (
    empty_fundamentals,
    empty_quarters,
    validate_fundamentals,
    validate_quarters,
    validate_wide,
)


@dataclass(frozen=True)
class Requested:
    """What the configuration asks to load.

    Attributes
    ----------
    tickers, series : tuple of str
        Price tickers (``cfg.tickers``, then ``cfg.robustness_tickers``) and macro series
        (keys of ``[macro.series]``).
    ciks : tuple of str
        10-digit CIKs of ``[universe.cik]`` (deduplicated).
    optional_ciks : tuple of str
        Predecessor registrants (``[universe.cik_history]``), read when present.
    cik_ticker : dict
        CIK -> the ticker its facts are filed under (tickers sharing a CIK, such as GOOG and
        GOOGL, map to the one in the hyperscaler list).
    aliases : dict
        Ticker -> that canonical ticker (``{"GOOG": "GOOGL"}``), applied to capex tables.
    start : Timestamp
        ``[data] history_start``.
    optional_tickers : tuple of str
        The robustness-basket members among ``tickers``: read when present, an absent one
        is a data note and does not make the cache incomplete.
    """

    tickers: tuple[str, ...]
    series: tuple[str, ...]
    ciks: tuple[str, ...]
    optional_ciks: tuple[str, ...]
    cik_ticker: dict[str, str]
    aliases: dict[str, str]
    start: pd.Timestamp
    optional_tickers: tuple[str, ...] = ()

    def keys(self) -> list[str]:
        """Cache keys of every requested item."""
        return (
            [f"prices/{t}" for t in self.tickers]
            + [f"fred/{s}" for s in self.series]
            + [f"edgar/{c}" for c in (*self.ciks, *self.optional_ciks)]
        )


def basket_members(cfg: Config) -> list[str]:
    """Tickers of the near and long baskets: the ones whose fresh prices end the backtest."""
    return list(dict.fromkeys((*cfg.universe.near, *cfg.universe.long)))


def requested(cfg: Config) -> Requested:
    """Build the :class:`Requested` items of a configuration."""
    u = cfg.universe
    order: dict[str, int] = {}
    for t in (*u.hyperscalers, *cfg.tickers):
        order.setdefault(t, len(order))
    by_cik: dict[str, list[str]] = {}
    for ticker, cik in u.cik.items():
        by_cik.setdefault(pad_cik(cik), []).append(ticker)
    cik_ticker, aliases = {}, {}
    for cik, names in by_cik.items():
        canon = min(names, key=lambda t: (order.get(t, len(order)), names.index(t)))
        cik_ticker[cik] = canon
        aliases.update({t: canon for t in names})
    optional = []
    for ticker, olds in u.get("cik_history", {}).items():
        for old in olds:
            c = pad_cik(old)
            if c not in by_cik and c not in optional:
                optional.append(c)
                cik_ticker[c] = aliases.get(ticker, ticker)
    return Requested(
        tickers=tuple(cfg.tickers) + tuple(cfg.robustness_tickers),
        series=tuple(cfg.macro.series.keys()),
        ciks=tuple(by_cik),
        optional_ciks=tuple(optional),
        cik_ticker=cik_ticker,
        aliases=aliases,
        start=pd.Timestamp(cfg.data.history_start),
        optional_tickers=tuple(cfg.robustness_tickers),
    )


@dataclass
class Collected:
    """Raw items gathered from one source, before assembly."""

    prices: dict[str, pd.DataFrame] = field(default_factory=dict)
    macro: dict[str, pd.Series] = field(default_factory=dict)
    edgar: dict[str, pd.DataFrame] = field(default_factory=dict)
    capex: dict[str, pd.DataFrame] = field(default_factory=dict)
    submissions: dict[str, pd.DataFrame] = field(default_factory=dict)
    origin: dict[str, tuple[str, str]] = field(default_factory=dict)
    gaps: list[str] = field(default_factory=list)
    label: str = ""

    def add(self, key: str, table: pd.DataFrame | pd.Series, *, request: str, sha: str) -> None:
        """File an item under its cache key (``prices/SPY``, ``fred/DGS10``, ...)."""
        kind, _, name = key.partition("/")
        slot = {"prices": self.prices, "fred": self.macro, "edgar": self.edgar, "capex": self.capex}
        slot["submissions"] = self.submissions
        if kind not in slot:
            raise ValueError(f"unknown item kind {kind!r} in key {key!r}")
        slot[kind][name] = table
        self.origin[key] = (request, sha)

    def provenance(self, kind: str = "") -> dict[str, str]:
        """File or request -> sha256 of the raw payload, for items of ``kind`` (all if empty)."""
        return {r: s for k, (r, s) in self.origin.items() if k.startswith(kind)}


@dataclass
class MarketData:
    """Canonical tables of one load, with where they came from and what is missing.

    Attributes
    ----------
    prices : DataFrame
        Adjusted closes on business days (crypto sampled, see
        :func:`data.calendar.to_business_days`), one column per ticker.
    macro : DataFrame
        Raw observations (index = observation date), one column per series; use
        :func:`data.pit.macro_known_at`, never directly.
    fundamentals : DataFrame
        EDGAR facts as reported (long).
    capex : DataFrame
        Capex quarters (EDGAR-derived vintages, capex tables where EDGAR has nothing).
    source : str
        Where the data came from: ``mirror``, ``mirror (cached)``, ``live``,
        ``live (cached, N items stale)``, ``synthetic`` (see :func:`data.collect.cache_label`).
    synthetic : bool
        True for simulated data.
    provenance : dict
        File or request -> sha256 of the raw payload.
    gaps : list of str
        Notes on missing, late-starting, stale and restated data.
    truth : object, optional
        The synthetic generator's truth when it was generated by this load.
    """

    prices: pd.DataFrame
    macro: pd.DataFrame
    fundamentals: pd.DataFrame
    capex: pd.DataFrame
    source: str
    synthetic: bool
    provenance: dict[str, str]
    gaps: list[str]
    truth: object | None = None

    def summary(self) -> str:
        """One line per table, then the gap notes."""
        lines = [f"market data: source={self.source}{' (SYNTHETIC)' if self.synthetic else ''}"]
        lines.extend(table_lines(self))
        lines.append(f"gaps: {len(self.gaps)} note(s)")
        lines.extend(f"  - {g}" for g in self.gaps)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def _span(index: pd.Index) -> str:
    return f"{index.min().date()}..{index.max().date()}" if len(index) else "empty"


def table_lines(md: MarketData) -> list[str]:
    """One summary line per table (counts and date ranges)."""
    p, m, f, c = md.prices, md.macro, md.fundamentals, md.capex
    filed = pd.DatetimeIndex(f["filed"].dropna()) if len(f) else pd.DatetimeIndex([])
    return [
        f"prices: {p.shape[1]} tickers, {len(p)} business days, {_span(p.index)}",
        f"macro: {m.shape[1]} series, {int(m.notna().sum().sum())} observations, {_span(m.index)}",
        f"fundamentals: {f['cik'].nunique() if len(f) else 0} companies, {len(f)} facts, "
        f"filed {_span(filed)}",
        f"capex: {len(c)} quarter vintages, {c['ticker'].nunique() if len(c) else 0} tickers "
        f"({', '.join(sorted(c['source'].unique())) if len(c) else 'none'})",
    ]


def _capex_coverage(capex: pd.DataFrame, cfg: Config, newest: pd.Timestamp | None) -> list[str]:
    notes = []
    for t in cfg.universe.hyperscalers:
        rows = capex[(capex["ticker"] == t) & (capex["concept"] == "capex")]
        if rows.empty:
            notes.append(f"capex {t}: no quarters from any source")
        elif newest is not None and (newest - rows["period_end"].max()).days > 200:
            notes.append(f"capex {t}: last quarter ends {rows['period_end'].max().date()}")
    return notes


def assemble(
    got: Collected, cfg: Config, *, source: str, synthetic: bool, truth: object | None = None
) -> MarketData:
    """Validate and combine collected items into :class:`MarketData` (see its attributes)."""
    req = requested(cfg)
    start = req.start
    order = [t for t in req.tickers if t in got.prices] + sorted(set(got.prices) - set(req.tickers))
    if order:
        raw = pd.concat([got.prices[t].iloc[:, 0].rename(t) for t in order], axis=1, sort=True)
        raw = validate_wide(raw[raw.index >= start], "prices")
        limits = staleness_limits(raw.columns, cfg.data.crypto, cfg.data.get("staleness_days", {}))
        prices = to_business_days(
            raw, limits=limits, calendar=str(cfg.data.get("calendar", "XNYS"))
        )
    else:
        prices = pd.DataFrame(index=pd.DatetimeIndex([], name="date"))
    names = [s for s in req.series if s in got.macro] + sorted(set(got.macro) - set(req.series))
    if names:
        macro = pd.concat([got.macro[s].rename(s) for s in names], axis=1, sort=True)
        macro = validate_wide(macro[macro.index >= start], "macro")
    else:
        macro = pd.DataFrame(index=pd.DatetimeIndex([], name="date"))
    frames = []
    for cik, f in got.edgar.items():
        f = f.copy()
        f["ticker"] = req.cik_ticker.get(pad_cik(cik), f["ticker"].iloc[0] if len(f) else cik)
        frames.append(f)
    fundamentals = pd.concat(frames, ignore_index=True) if frames else empty_fundamentals()
    fundamentals = validate_fundamentals(fundamentals)
    edgar_q = quarterly_from_ytd(fundamentals)
    tables = [
        q.assign(ticker=q["ticker"].replace(req.aliases)) for q in got.capex.values() if len(q)
    ]
    table_q = pd.concat(tables, ignore_index=True) if tables else empty_quarters()
    table_q.attrs["gaps"] = [g for q in got.capex.values() for g in q.attrs.get("gaps", [])]
    known_at, window = releases_config(cfg)
    capex = date_capex(
        combine_capex(edgar_q, table_q),
        filings_table(got.submissions, req.cik_ticker),
        known_at=known_at,
        window_days=window,
        calendar=str(cfg.data.get("calendar", "XNYS")),
    )
    capex = validate_quarters(capex)
    gaps = list(got.gaps) + list(capex.attrs.get("release_notes", []))
    for table, what in ((prices, "prices"), (macro, "macro")):
        if len(table):  # starts later than the wanted history and than the other columns
            gaps += late_starts(table, max(start, table.index.min()), what=what)
            gaps += early_ends(table, what=what)
    gaps += list(capex.attrs.get("gaps", []))
    gaps += revisions(fundamentals)
    gaps += _capex_coverage(capex, cfg, prices.index.max() if len(prices) else None)
    gaps += member_notes(prices, cfg, basket_members(cfg))
    if len(prices) and len(macro):
        gaps += cash_rate_known_at(macro, cfg, prices.index)[1]
    prov = got.provenance()
    for table, kind in (
        (prices, "prices/"),
        (macro, "fred/"),
        (fundamentals, "edgar/"),
        (capex, ""),
    ):
        table.attrs = {"source": source, "synthetic": synthetic, "provenance": got.provenance(kind)}
    return MarketData(prices, macro, fundamentals, capex, source, synthetic, prov, gaps, truth)

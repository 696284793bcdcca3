"""The report's tear-sheet section: tail risk, drawdowns, switches, attribution, stress windows.

Each function renders one table from ``metrics.json`` (keys ``tail``, ``drawdowns``,
``switches``, ``attribution``, ``stress``) in few, short columns so it fits a 1280-pixel
page; long tables are folded.
"""

from __future__ import annotations

from typing import Any

from backtests.report.html_base import esc, figure, table
from backtests.study.benchmarks import benchmark_label

RECENT_SWITCHES = 8


def _pct(x: Any, places: int = 1) -> str:
    return "n/a" if x is None else f"{x * 100:+.{places}f}%"


def _dec(x: Any) -> str:
    return "n/a" if x is None else f"{x:.2f}"


def _bench(metrics: dict[str, Any]) -> str:
    name = (metrics.get("tail") or {}).get("benchmark_name") or metrics["inference"].get(
        "benchmark"
    )
    return benchmark_label(name).removeprefix("the ")


def tail_table(metrics: dict[str, Any]) -> str:
    """Tail risk of the strategy and the benchmark, one statistic a row."""
    tail = metrics.get("tail")
    if not tail:
        return ""
    s, b = tail["strategy"], tail["benchmark"]

    def dated(t: dict[str, Any], key: str) -> str:
        when = t.get(f"{key}_date")
        return f"{_pct(t.get(key), 2)} ({esc(when)})" if when else _pct(t.get(key), 2)

    rows = [
        ["daily loss exceeded on 5% of days (VaR 95%, historical)", "var_95", 2],
        ["mean loss on those days (CVaR 95%, historical)", "cvar_95", 2],
        ["VaR 95% if returns were normal", "var_95_normal", 2],
        ["CVaR 95% if returns were normal", "cvar_95_normal", 2],
    ]
    out = [[esc(label), _pct(s.get(k), p), _pct(b.get(k), p)] for label, k, p in rows]
    out += [
        ["skewness of daily returns", _dec(s.get("skew")), _dec(b.get("skew"))],
        ["excess kurtosis (normal = 0)", _dec(s.get("kurtosis")), _dec(b.get("kurtosis"))],
        ["best day", dated(s, "best_day"), dated(b, "best_day")],
        ["worst day", dated(s, "worst_day"), dated(b, "worst_day")],
        ["best calendar month", dated(s, "best_month"), dated(b, "best_month")],
        ["worst calendar month", dated(s, "worst_month"), dated(b, "worst_month")],
        [
            "winning days (share of days with a non-zero return)",
            _pct(s.get("win_rate")).lstrip("+"),
            _pct(b.get("win_rate")).lstrip("+"),
        ],
        [
            "winning months",
            _pct(s.get("win_rate_months")).lstrip("+"),
            _pct(b.get("win_rate_months")).lstrip("+"),
        ],
        [
            "volatility (annualized)",
            _pct(s.get("ann_vol")).lstrip("+"),
            _pct(b.get("ann_vol")).lstrip("+"),
        ],
    ]
    rv_s, rv_b = s.get("rolling_vol") or {}, b.get("rolling_vol") or {}
    win = rv_s.get("window", 63)
    for key, label in (("last", "latest"), ("median", "median"), ("max", "highest")):
        out.append(
            [
                f"{win}-day volatility, {label} (annualized)",
                _pct(rv_s.get(key)).lstrip("+"),
                _pct(rv_b.get(key)).lstrip("+"),
            ]
        )
    return table(["daily returns, full period", "strategy", esc(_bench(metrics))], out)


def drawdowns_table(metrics: dict[str, Any]) -> str:
    """Render the five deepest drawdowns with their lengths in calendar days."""
    dd = metrics.get("drawdowns") or []
    if not dd:
        return ""
    rows = [
        [
            esc(d["start"]),
            esc(d["trough"]),
            esc(d["recovery"] or "not yet"),
            _pct(d["depth"]),
            esc(d.get("days", "n/a")),
            esc(d.get("days_to_trough", "n/a")),
            esc("—" if d.get("days_to_recover") is None else d["days_to_recover"]),
        ]
        for d in dd
    ]
    return table(
        ["peak", "trough", "recovered", "depth", "days", "days to trough", "days to recover"],
        rows,
    )


def switches_table(metrics: dict[str, Any]) -> str:
    """Render the switch log: each change of holding and whether the spread paid for it."""
    sw = metrics.get("switches")
    if not sw or not sw.get("log"):
        return "<p class='muted'>The rule never changed its holding.</p>"
    words = {"near": "near-term cash flow", "long": "long duration", "none": "cash"}

    def row(r: dict[str, Any]) -> list[str]:
        paid = {True: "yes", False: "no", None: "—"}[r["paid"]]
        return [
            esc(r["date"]),
            esc(f"{words[r['from']]} → {words[r['to']]}"),
            esc(f"{r['days_held']}{' (still held)' if r['open'] else ''}"),
            _pct(r["spread_return"]),
            esc(paid),
        ]

    heads = ["date", "from → to", "days held", "near minus long while held", "paid?"]
    log = sw["log"]
    recent = table(heads, [row(r) for r in log[-RECENT_SWITCHES:][::-1]])
    text = (
        f"<p>The rule changed its holding <b>{sw['n']}</b> times; the spread went the "
        f"holding's way in <b>{sw['n_paid']}</b> of {sw['n_judged']} holdings. A switch dated "
        "d is the first close holding the new basket; it earns from the next day to the next "
        "switch. The near-minus-long return is the sum of daily differences between the two "
        "baskets (what the predictive regressions forecast); it pays a near holding when "
        "positive and a long holding when negative.</p>"
    )
    if len(log) <= RECENT_SWITCHES:
        return text + recent
    return (
        text
        + f"<p>The latest {RECENT_SWITCHES}, newest first:</p>"
        + recent
        + f"<details><summary>All {len(log)} switches</summary>"
        + table(heads, [row(r) for r in log])
        + "</details>"
    )


def attribution_tables(metrics: dict[str, Any]) -> str:
    """Each ticker's summed contribution per calendar year, and the largest ticker-months."""
    att = metrics.get("attribution")
    if not att or not att.get("by_year"):
        return ""
    years = att["by_year"]
    tickers = sorted({t for y in years.values() for t in y["tickers"]})
    rows = [
        [esc(y)]
        + [_pct(v["tickers"][t]) if v["tickers"].get(t) else "—" for t in tickers]
        + [_pct(v["cash_and_costs"]), _pct(v["strategy"])]
        for y, v in sorted(years.items())
    ]
    parts = [
        "<p>Contribution of each ticker: the weight held at the previous close times the "
        "day's return, summed over the days of the year (percentage points of the strategy's "
        "summed daily return; the last two columns are cash interest less costs, and the "
        "strategy's own sum; — where the ticker was not held).</p>",
        table(["year", *tickers, "cash less costs", "strategy"], rows),
    ]
    top = att.get("top_months") or []
    if top:
        parts.append(
            "<p>The largest contributions of one ticker in one month:</p>"
            + table(
                ["month", "ticker", "contribution", "strategy that month (summed)"],
                [
                    [
                        esc(r["month"]),
                        esc(r["ticker"]),
                        _pct(r["contribution"]),
                        _pct(r["strategy"]),
                    ]
                    for r in top[:5]
                ],
            )
        )
    return "".join(parts)


def stress_table(metrics: dict[str, Any]) -> str:
    """Strategy, benchmark and active return in each stress window of the configuration."""
    rows = metrics.get("stress") or []
    if not rows:
        return "<p class='muted'>No stress windows declared ([report] stress_windows).</p>"
    out = [
        [
            esc(r["name"]),
            esc(f"{r['start']} to {r['end']}"),
            _pct(r["strategy"]),
            _pct(r["benchmark"]),
            _pct(r["active"]),
        ]
        for r in rows
    ]
    notes = [f"{r['name']}: {r['note']}" for r in rows if r.get("note")]
    bench = esc(_bench(metrics))
    return table(["window", "dates", "strategy", bench, "relative"], out) + (
        f"<p class='muted'>{esc('; '.join(notes))}.</p>" if notes else ""
    )


def tearsheet_section(metrics: dict[str, Any], fig: tuple[str, str, str] | None = None) -> str:
    """Render the whole section: heading, tables and (when given) the tear-sheet figure."""
    if not metrics.get("tail"):
        return ""
    parts = [
        '<h2 id="tear-sheet">Tear sheet</h2>',
        "<p>The numbers a portfolio manager checks first, for the full period, against "
        f"{esc(_bench(metrics))}. All returns are daily simple returns net of costs.</p>",
        "<h3>Tail risk</h3>",
        tail_table(metrics),
        "<h3>The five deepest drawdowns and how long they lasted (calendar days)</h3>",
        drawdowns_table(metrics),
        "<h3>Stress windows</h3>",
        stress_table(metrics),
        "<h3>Switches</h3>",
        switches_table(metrics),
        "<h3>Where the return came from (attribution by ticker)</h3>",
        attribution_tables(metrics),
    ]
    if fig is not None:
        parts.append(figure(*fig))
    return "".join(parts)


def tearsheet_markdown(metrics: dict[str, Any]) -> list[str]:
    """Return a few lines of the tear sheet for ``summary.md``."""
    tail = metrics.get("tail")
    if not tail:
        return []
    s = tail["strategy"]
    lines = [
        "",
        "Tear sheet (full period, daily returns):",
        "",
        f"- tail: VaR 95% {_pct(s.get('var_95'), 2)}, CVaR 95% {_pct(s.get('cvar_95'), 2)}, "
        f"skew {_dec(s.get('skew'))}, excess kurtosis {_dec(s.get('kurtosis'))}; worst day "
        f"{_pct(s.get('worst_day'))} ({s.get('worst_day_date')}), worst month "
        f"{_pct(s.get('worst_month'))} ({s.get('worst_month_date')}); winning days "
        f"{_pct(s.get('win_rate')).lstrip('+')}",
    ]
    dd = metrics.get("drawdowns") or []
    if dd:
        d = dd[0]
        lines.append(
            f"- deepest drawdown {_pct(d['depth'])}: peak {d['start']}, trough {d['trough']}, "
            f"{'recovered ' + d['recovery'] if d['recovery'] else 'not recovered'} "
            f"({d.get('days')} days)"
        )
    sw = metrics.get("switches") or {}
    if sw:
        lines.append(
            f"- switches: {sw.get('n')}; the spread paid the holding in {sw.get('n_paid')} of "
            f"{sw.get('n_judged')}"
        )
    top = ((metrics.get("attribution") or {}).get("top_months") or [])[:1]
    for r in top:
        lines.append(
            f"- largest one-ticker month: {r['ticker']} {_pct(r['contribution'])} of the "
            f"strategy's {_pct(r['strategy'])} (summed daily) in {r['month']}"
        )
    for r in metrics.get("stress") or []:
        lines.append(
            f"- {r['name']} ({r['start']} to {r['end']}): strategy {_pct(r['strategy'])}, "
            f"{_bench(metrics)} {_pct(r['benchmark'])}, relative {_pct(r['active'])}"
        )
    return lines

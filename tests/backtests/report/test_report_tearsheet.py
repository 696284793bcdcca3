"""The tear-sheet blocks of a written report, recomputed from its own files, and their rendering."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from backtests.report.html_tearsheet import tearsheet_markdown, tearsheet_section

qs = pytest.importorskip("quantstats")


@pytest.fixture(scope="module")
def report(golden_report):
    out, m = golden_report
    rets = pd.read_csv(out / "returns.csv", index_col="date", parse_dates=True)
    return out, m, rets


def test_tail_block_recomputes_from_returns_csv(report):
    _, m, rets = report
    s = rets["strategy"]
    b = rets[m["inference"]["benchmark"]]
    tail = m["tail"]
    assert tail["benchmark_name"] == m["inference"]["benchmark"]
    assert tail["strategy"]["skew"] == pytest.approx(qs.stats.skew(s), rel=1e-6)
    assert tail["benchmark"]["kurtosis"] == pytest.approx(qs.stats.kurtosis(b), rel=1e-6)
    assert tail["strategy"]["cvar_95"] == pytest.approx(
        qs.stats.cvar(s, method="historical"), rel=1e-6
    )
    assert tail["strategy"]["worst_month"] == pytest.approx(
        qs.stats.worst(s, aggregate="ME"), rel=1e-6
    )
    assert tail["strategy"]["rolling_vol"]["last"] == pytest.approx(
        qs.stats.rolling_volatility(s, rolling_period=63).iloc[-1], rel=1e-6
    )
    assert sum(tail["distribution"]["strategy"]) == len(s)


def test_drawdowns_keep_their_fields_and_add_durations(report):
    _, m, rets = report
    dd = m["drawdowns"]
    assert 1 <= len(dd) <= 5
    assert dd[0]["depth"] == pytest.approx(m["strategy"]["max_drawdown"], rel=1e-9)
    for d in dd:
        assert {"start", "trough", "recovery", "depth", "days", "days_to_trough"} <= set(d)
        end = pd.Timestamp(d["recovery"] or rets.index[-1].strftime("%Y-%m-%d"))
        assert d["days"] == (end - pd.Timestamp(d["start"])).days


def test_attribution_adds_up_to_the_strategy(report):
    out, m, rets = report
    w = pd.read_csv(out / "weights.csv", index_col="date", parse_dates=True)
    by_year = m["attribution"]["by_year"]
    assert set(by_year) == {str(y) for y in rets.index.year.unique()}
    for year, v in by_year.items():
        total = sum(v["tickers"].values()) + v["cash_and_costs"]
        assert total == pytest.approx(float(rets.loc[year, "strategy"].sum()), abs=1e-9)
        # costs and cash interest are small next to the tickers' contributions
        assert abs(v["cash_and_costs"]) < 0.05
    held = {t for t in w.columns if t != "cash" and (w[t].abs() > 1e-12).any()}
    assert set().union(*(v["tickers"] for v in by_year.values())) == held


def test_switch_log_follows_weights_csv(report):
    out, m, _ = report
    sw = m["switches"]
    w = pd.read_csv(out / "weights.csv", index_col="date", parse_dates=True)
    assert sw["n"] == len(sw["log"]) and sw["n_paid"] <= sw["n_judged"] <= sw["n"]
    for r in sw["log"]:
        assert r["from"] != r["to"]
        assert pd.Timestamp(r["date"]) in w.index
    if sw["log"]:
        last = sw["log"][-1]
        assert last["open"] is True
        assert last["to"] == m["now"]["held_basket"]


def test_stress_windows_follow_the_config(report):
    out, m, rets = report
    cfg = (out / "config.toml").read_text()
    assert "stress_windows" in cfg
    for r in m["stress"]:
        part = rets.loc[r["start"] : r["end"]]
        assert r["n_days"] == len(part)
        if len(part):
            assert r["strategy"] == pytest.approx(float((1 + part["strategy"]).prod() - 1))


def test_section_renders_narrow_tables_and_summary_lines(report):
    out, m, _ = report
    html = tearsheet_section(m)
    assert 'id="tear-sheet"' in html
    for name in ("Tail risk", "drawdowns", "Stress windows", "Switches", "attribution"):
        assert name in html
    for head in re.findall(r"<thead><tr>(.*?)</tr></thead>", html):
        n_cols = head.count("<th>")
        assert n_cols <= 7 or "year" in head  # attribution: one column per ticker held
    page = (out / "index.html").read_text()
    assert 'id="tear-sheet"' in page and "Underwater curves" in page
    summary = (out / "summary.md").read_text()
    assert "Tear sheet" in summary and "\n".join(tearsheet_markdown(m)).strip() in summary

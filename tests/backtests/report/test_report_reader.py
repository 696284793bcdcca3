"""The reader's side of the page: first screen, glossary, words, fit and weight.

Uses the golden synthetic report (``golden_report``) and hand cases.
"""

from __future__ import annotations

import html as H
import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from backtests.report import glossary as G
from backtests.report.html_first import (
    advice_markdown,
    cost_words,
    implied_spread,
    rule_words,
    switch_levels,
)
from backtests.report.interactive_axes import compact_figure, log_ticks
from backtests.report.plain import find_identifiers, plain

MAX_HTML_BYTES = 5 * 1024 * 1024  # the page's budget: 5 MiB


def page_text(page: str) -> str:
    """The text a reader sees: no scripts, styles, code, tags or attributes."""
    hidden = r"<script\b.*?</script>|<style\b.*?</style>|<code\b.*?</code>"
    t = re.sub(hidden, " ", page, flags=re.S)
    return H.unescape(re.sub(r"<[^>]+>", " ", t))


# --- identifiers ---------------------------------------------------------------------------


def test_the_identifier_scan_catches_internal_names():
    text = "against fifty_fifty; not available: post_registration_consistent; see run.start"
    assert find_identifiers(text) == ["fifty_fifty", "post_registration_consistent", "run.start"]
    assert find_identifiers("see metrics.json, returns.csv and figures/rolling_sharpe.png") == []
    assert find_identifiers(plain(text)) == []
    assert plain("always_long") == "the always-long basket"


def test_no_internal_identifier_on_the_page_or_in_the_summary(golden_report):
    out, _ = golden_report
    page = (out / "index.html").read_text(encoding="utf-8")
    assert find_identifiers(page_text(page)) == []
    assert find_identifiers((out / "summary.md").read_text(encoding="utf-8")) == []


# --- glossary ------------------------------------------------------------------------------


def test_term_links_to_its_entry_and_unknown_terms_raise():
    assert G.term("SPA") == '<a class="term" href="#g-spa">SPA</a>'
    assert G.term("hodrick", "Hodrick 1B") == '<a class="term" href="#g-hodrick">Hodrick 1B</a>'
    with pytest.raises(KeyError, match="no glossary entry 'XYZ'"):
        G.term("XYZ")


def test_link_terms_touches_text_only_and_links_each_term_once():
    page = (
        '<p title="SPA">The SPA p-value and the SPA again.</p><h2>SPA</h2>'
        "<script>var SPA = 1;</script><p><code>PBO</code> and PBO, IVX.</p>"
    )
    out = G.link_terms(page)
    assert out.count('href="#g-spa"') == 1 and 'title="SPA"' in out
    assert "<h2>SPA</h2>" in out and "<script>var SPA = 1;</script>" in out
    assert '<code>PBO</code> and <a class="term" href="#g-pbo">PBO</a>' in out
    assert 'href="#g-ivx">IVX</a>' in out


def test_every_glossary_link_on_the_page_resolves(golden_report):
    out, _ = golden_report
    page = (out / "index.html").read_text(encoding="utf-8")
    targets = set(re.findall(r'href="#(g-[a-z0-9-]+)"', page))
    ids = set(re.findall(r'id="(g-[a-z0-9-]+)"', page))
    assert targets and targets <= ids
    for must in ("g-ivx", "g-hodrick", "g-spa", "g-stepm", "g-pbo", "g-deflated-sharpe"):
        assert must in ids
    text = page_text(page)
    for word in ("Ledoit–Wolf", "Placebo shifts", "Clark–West", "Local projection"):
        assert word in text


# --- first screen --------------------------------------------------------------------------


def test_implied_spread_hand_case():
    m = {
        "now": {"factor": 0.5},
        "factor": {
            "horizon_days": 63,
            "predictive_pvalue": 0.2,
            "predictive": [{"horizon": 63, "beta": 0.03, "tstat_hodrick": 1.5, "tstat_nw": 3.0}],
        },
    }
    imp = implied_spread(m)
    # 0.03 * 0.5 over 63 days is 0.015; a month is a third of it; se = 0.03/1.5*0.5/3
    assert imp["value"] == pytest.approx(0.005)
    assert imp["high"] - imp["value"] == pytest.approx(1.96 * 0.02 * 0.5 / 3)
    assert imp["weak"] is True
    m["factor"]["predictive_pvalue"] = 0.01
    assert implied_spread(m)["weak"] is False
    assert implied_spread({"now": {"factor": None}, "factor": m["factor"]}) is None


def _spec(**kw):
    base = dict(
        rule="switch", threshold=0.1, band=0.4, rebalance="monthly", weighting="equal",
        near=("MU",), long=("ARKK", "IGV"), equity_bps=4.0, crypto_bps=12.0,
        slippage_bps=1.0, tilt_scale=1.0, vol_target=0.1,
    )  # fmt: skip
    return SimpleNamespace(**{**base, **kw})


def test_rule_in_words_states_levels_calendar_weights_and_costs():
    text = rule_words(_spec())
    assert "Once a month" in text and "above +0.30" in text and "below -0.10" in text
    assert "equal weights" in text and "4 bp" in text and "12 bp on crypto" in text
    assert switch_levels(_spec()) == {"near": pytest.approx(0.3), "long": pytest.approx(-0.1)}
    assert switch_levels(_spec(rule="tilt")) is None
    assert cost_words(2, _spec()) == "costs × 2 (8 bp equity, 24 bp crypto, 2 bp slippage)"


def test_first_screen_says_what_to_do(golden_report, cfg):
    out, metrics = golden_report
    page = (out / "index.html").read_text(encoding="utf-8")
    today = page.index('id="today"')
    advice = page.index('id="advice"')
    assert today < advice < page.index('id="verdict"')
    para = page_text(page[advice : page.index("</p>", advice)])
    label = metrics["verdict"]["label"]
    assert f"verdict: {label}" in para or "supports acting" in para
    assert "next month's near-minus-long spread" in para and "95% interval" in para
    bt = cfg.backtest
    assert f"above {bt.threshold + bt.band / 2:+.2f}" in para
    imp = implied_spread(metrics)
    assert f"{imp['value'] * 100:+.1f}%" in para
    assert ("weak" in para) == imp["weak"]
    # the held-out row says it was seen when the spec was chosen
    assert "seen when the specification was chosen)" in page_text(page[today : advice + 20_000])


def test_summary_leads_with_the_verdict_and_today(golden_report):
    out, metrics = golden_report
    text = (out / "summary.md").read_text(encoding="utf-8")
    body = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith(("#", ">"))]
    assert body[0].startswith("**Verdict") and body[1].startswith("**Today")
    assert body[2] == advice_markdown(metrics, body[2].split(" The rule: ")[-1])
    assert "next month's near-minus-long spread" in body[2] and "The rule: Once a" in body[2]
    assert text.index("**Verdict") < text.index("held out 2")


def test_cost_rows_and_stats_headers_have_units(golden_report, cfg):
    out, _ = golden_report
    text = page_text((out / "index.html").read_text(encoding="utf-8"))
    c = cfg.costs
    assert f"costs × 2 ({2 * c.equity_bps:g} bp equity, {2 * c.crypto_bps:g} bp crypto" in text
    assert "turnover a year" in text and "volatility a year" in text


# --- fit -----------------------------------------------------------------------------------


def test_tables_wrap_and_the_raw_regressions_fold(golden_report):
    out, _ = golden_report
    page = (out / "index.html").read_text(encoding="utf-8")
    css = page[page.index("<style>") : page.index("</style>")]
    assert "white-space:nowrap}" not in css.replace(".num{white-space:nowrap}", "")
    i = page.index("Full-sample regressions")
    assert page.rfind("<details>", 0, i) > page.rfind("</details>", 0, i)


def test_log_ticks_are_one_two_five():
    vals, text = log_ticks(0.3, 45.0)
    assert vals == pytest.approx([0.5, 1, 2, 5, 10, 20])
    assert text == ["0.5", "1", "2", "5", "10", "20"]
    assert log_ticks(0.01, 5e4)[0] == pytest.approx([0.01, 0.1, 1, 10, 100, 1000, 10000])


def test_equity_axis_and_factor_levels_on_the_page(golden_report, cfg):
    out, _ = golden_report
    page = (out / "index.html").read_text(encoding="utf-8")
    eq = page[page.index('"fig-equity"') :]
    assert re.search(r'"ticktext":\["[0-9.]+","[0-9.]+"', eq)
    fac = page[page.index('"fig-factor"') :]
    bt = cfg.backtest
    for level, side in ((bt.threshold + bt.band / 2, "near"), (bt.threshold - bt.band / 2, "long")):
        assert f"{side} basket {'above' if side == 'near' else 'below'} {level:+.2f}" in fac


# --- weight --------------------------------------------------------------------------------


def test_compact_figure_thins_lines_and_keeps_extremes_and_steps():
    idx = pd.bdate_range("2015-01-01", periods=3000)
    y = np.sin(np.arange(3000) / 50.0)
    y[1234] = 9.0  # a spike thinning must keep
    step = np.where(np.arange(3000) < 1501, 0.0, 1.0)
    fig = go.Figure([go.Scatter(x=idx, y=y), go.Scatter(x=idx, y=step, line={"shape": "hv"})])
    fig.add_trace(go.Scatter(x=idx[:10], y=y[:10], mode="markers"))
    compact_figure(fig, max_points=300)
    a, b, c = fig.data
    assert len(a.x) <= 300 + 3 and 9.0 in np.asarray(a.y)
    assert a.x[0] == "2015-01-01" and np.asarray(a.y).dtype == np.float32
    i = list(b.x).index(idx[1501].strftime("%Y-%m-%d"))  # the step's first day survives
    assert b.y[i] == 1.0 and b.y[i - 1] == 0.0 and b.x[i - 1] == idx[1500].strftime("%Y-%m-%d")
    assert len(c.x) == 10


def test_page_weight_one_plotly_and_pngs_beside_it(golden_report):
    out, _ = golden_report
    page = (out / "index.html").read_text(encoding="utf-8")
    assert (out / "index.html").stat().st_size <= MAX_HTML_BYTES
    assert page.count('id="plotly-js"') == 1
    srcs = re.findall(r'<img [^>]*src="([^"]+)"', page)
    assert srcs and all(s.startswith("figures/") and (out / s).is_file() for s in srcs)


def test_strings_from_metrics_reach_the_page_in_words():
    from backtests.report.html_dating import today_coverage_html
    from backtests.report.html_pm import coverage_section

    sentence = "stale components: capex_to_ocf (no value after 2021-10-15), reserves_level"
    para = today_coverage_html({"now": {"coverage_sentence": sentence}})
    assert "capex relative to operating cash flow" in para and find_identifiers(para) == []
    row = {"ticker": "MSFT", "first_quarter": "2008-09-30", "last_quarter": "2025-09-30"}
    row |= {"last_available": "2025-10-30", "quarters": 52, "sources": "capex_table:quarterly"}
    comp = [{"component": "capex_growth", "first_active": "2016-01-04", "share_active": 0.5}]
    cov = {"capex": [row], "components": comp, "factor_first_date": "2011-04-04"}
    html = coverage_section({"coverage": cov})
    assert "capex table, quarterly" in html and find_identifiers(page_text(html)) == []

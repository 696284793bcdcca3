"""The report on the synthetic market: files, schema, HTML numbers, banner, independent stats."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

from backtests.report.html import fmt_value, render_html
from backtests.report.metrics import validate_metrics

REQUIRED = (
    "index.html",
    "metrics.json",
    "summary.md",
    "returns.csv",
    "weights.csv",
    "config.toml",
    "factor.csv",
    "components.csv",
    "events.csv",
)


@pytest.fixture(scope="module")
def report(golden_report):
    return golden_report


class _Nums(HTMLParser):
    def __init__(self):
        super().__init__()
        self.items: list[tuple[str, str, str]] = []
        self._cur: tuple[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "span" and "data-key" in a:
            self._cur = (a["data-key"], a.get("data-value", ""))

    def handle_data(self, data):
        if self._cur is not None:
            self.items.append((*self._cur, data))
            self._cur = None


def _lookup(metrics: dict, key: str):
    node = metrics
    for part in key.split("."):
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def test_every_file_exists_and_metrics_validate(report):
    out, metrics = report
    for name in REQUIRED:
        assert (out / name).is_file(), name
    validate_metrics(metrics)
    assert metrics["synthetic"] is True
    assert metrics["data_source"] == "synthetic"
    assert metrics["inference"]["n_trials"] == 12


def test_html_numbers_equal_metrics(report):
    out, metrics = report
    parser = _Nums()
    parser.feed((out / "index.html").read_text())
    assert len(parser.items) > 40
    for key, raw, text in parser.items:
        value = _lookup(metrics, key)
        expected_raw = "" if value is None else repr(value)
        assert raw == expected_raw, key
        assert text == fmt_value(key, value), key


def test_banner_and_labels_when_synthetic(report):
    out, metrics = report
    page = (out / "index.html").read_text()
    assert page.count('id="synthetic-banner"') == 1
    assert "SYNTHETIC" in (out / "summary.md").read_text()
    assert "<script" not in page and "http://" not in page and "https://" not in page


def test_banner_absent_when_real(report):
    _, metrics = report
    real = json.loads(json.dumps(metrics))
    real["synthetic"] = False
    real["data_source"] = "mirror"
    page = render_html(real, {})
    assert "synthetic-banner" not in page
    assert "SYNTHETIC DATA" not in page


def test_returns_and_weights_files_follow_the_contract(report):
    out, metrics = report
    rets = pd.read_csv(out / "returns.csv", index_col="date", parse_dates=True)
    assert rets.columns[0] == "strategy"
    assert set(metrics["benchmarks"]) <= set(rets.columns)
    assert rets.index.is_monotonic_increasing and rets.index.is_unique
    w = pd.read_csv(out / "weights.csv", index_col="date", parse_dates=True)
    assert "cash" in w.columns
    np.testing.assert_allclose(w.sum(axis=1).to_numpy(), 1.0, atol=1e-9)
    factor = pd.read_csv(out / "factor.csv")
    assert list(factor.columns) == ["date", "factor", "regime"]
    events = pd.read_csv(out / "events.csv")
    assert list(events.columns) == ["available_at", "ticker", "period_end", "capex_usd", "surprise"]


def test_headline_stats_recomputed_independently(report):
    """Recompute total return, Sharpe and max drawdown from returns.csv by hand."""
    out, metrics = report
    r = pd.read_csv(out / "returns.csv", index_col="date", parse_dates=True)["strategy"]
    r = r.to_numpy()
    total = float(np.prod(1.0 + r) - 1.0)
    sharpe = float(r.mean() / r.std(ddof=1) * np.sqrt(252))
    equity = np.cumprod(1.0 + r)
    mdd = float(np.min(equity / np.maximum.accumulate(equity) - 1.0))
    s = metrics["strategy"]
    assert s["total_return"] == pytest.approx(total, rel=1e-8, abs=1e-10)
    assert s["sharpe"] == pytest.approx(sharpe, rel=1e-8)
    assert s["max_drawdown"] == pytest.approx(mdd, rel=1e-8, abs=1e-10)


def test_verdict_sentence_uses_the_numbers(report):
    _, metrics = report
    v = metrics["verdict"]
    sentence = v["sentence"]
    assert f"{metrics['strategy']['sharpe']:.2f}" in sentence
    inf = metrics["inference"]
    assert f"{inf['pbo']:.2f}" in sentence and f"{inf['placebo_pvalue']:.3f}" in sentence
    # the label follows from the checks, recomputed here from the numbers themselves
    checks = {
        "alpha_clears_hurdle": inf["hac_alpha_tstat"] > inf["tstat_hurdle"],
        "survives_deflation": inf["deflated_sharpe"] >= 0.95,
        "low_overfitting": inf["pbo"] < 0.5,
        "beats_placebo": inf["placebo_pvalue"] < 0.05,
        "positive_held_out": metrics["oos"]["sharpe"] > 0,
    }
    assert v["checks"] == checks
    expected = (
        "supported"
        if all(checks.values())
        else ("mixed" if any(checks.values()) else "not supported")
    )
    assert v["label"] == expected
    assert re.search(r"Verdict: the evidence (supports|is mixed|does not support)", sentence)

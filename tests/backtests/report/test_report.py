"""The report on the synthetic market: files, schema, HTML numbers, banner, independent stats."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

from backtests.report.html import render_html
from backtests.report.html_base import fmt_value
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
    # the golden grid's 12 variants, the ablation variants beyond the default spec and the
    # universe pairs that ran
    ran = sum(bool(r["run"]) for r in metrics["universes"])
    trend = 1 if metrics.get("competing") else 0  # the trend rotation is one more trial
    assert metrics["inference"]["n_trials"] == 12 + len(metrics["ablation"]) - 1 + ran + trend
    assert metrics["inference"]["trials"]["raw"] == metrics["inference"]["n_trials"]


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
    # plotly.js is embedded once, inline; nothing else is a script from anywhere, and nothing
    # outside plotly.js's own source names a URL
    assert page.count('id="plotly-js"') == 1 and "<script src" not in page
    start = page.index('<script type="application/gzip;base64" id="plotly-js">')
    rest = page[:start] + page[page.index("</script>", start) :]
    assert "http://" not in rest and "https://" not in rest
    assert rest.count("Plotly.newPlot(") >= 4


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
    assert list(events.columns) == [
        "available_at",
        "ticker",
        "period_end",
        "capex_usd",
        "surprise",
        "dated_by",
        "accepted_at",
    ]


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


def test_verdict_follows_the_stated_rule(report):
    _, metrics = report
    v = metrics["verdict"]
    rule = v["rule"]
    inf, ins = metrics["inference"], metrics["samples"]["in_sample"]

    # the in-sample checks, recomputed here from the numbers and the stated rule
    def le(x, level):
        return None if x is None else x <= level

    expected = {
        "predictive": le(metrics["factor"]["predictive_pvalue"], rule["predictive_pvalue"]),
        "spa": le(inf["spa_pvalue"], rule["spa_pvalue"]),
        "deflated_sharpe": None
        if inf["deflated_sharpe"] is None
        else inf["deflated_sharpe"] >= rule["deflated_sharpe"],
        "pbo": None if inf["pbo"] is None else inf["pbo"] < rule["pbo"],
        "placebo": le(ins["placebo_pvalue"], rule["placebo_pvalue"]),
        "beats_benchmark": ins["active"]["sharpe_diff"] > 0,
    }
    for k, want in expected.items():
        assert v["checks"][k] == want, k
    if any(x is False for x in expected.values()):
        assert v["label"] == "not supported"
    else:
        assert v["label"] in ("supported", "inconclusive")
    assert v["label"] in ("supported", "inconclusive", "not supported")
    assert "50/50 mix" in v["sentence"]
    for k in v["failed"]:
        assert v["checks"][k] is False


def test_samples_recomputed_from_returns_csv(report):
    """Per-sample strategy, benchmark and active statistics from returns.csv by hand."""
    out, metrics = report
    rets = pd.read_csv(out / "returns.csv", index_col="date", parse_dates=True)
    bench = metrics["inference"]["benchmark"]
    assert bench == "fifty_fifty" and bench in rets.columns
    cfg_oos = pd.Timestamp(metrics["oos"]["start"])
    samples = metrics["samples"]
    assert set(samples) == {"in_sample", "held_out", "post_registration", "full"}
    assert pd.Timestamp(samples["in_sample"]["end"]) < cfg_oos
    if samples["held_out"]["n_days"]:
        assert pd.Timestamp(samples["held_out"]["start"]) >= cfg_oos
    n = sum(samples[k]["n_days"] for k in ("in_sample", "held_out", "post_registration"))
    assert n == samples["full"]["n_days"] == len(rets)

    def sr(x):
        return float(x.mean() / x.std(ddof=1) * np.sqrt(252))

    for blk in samples.values():
        if blk["n_days"] < 30:
            assert blk["placebo_pvalue"] is None
            continue
        part = rets.loc[blk["start"] : blk["end"]]
        assert len(part) == blk["n_days"]
        s, b = part["strategy"].to_numpy(), part[bench].to_numpy()
        assert blk["strategy"]["sharpe"] == pytest.approx(sr(s), rel=1e-8)
        assert blk["benchmark"]["sharpe"] == pytest.approx(sr(b), rel=1e-8)
        assert blk["active"]["sharpe"] == pytest.approx(sr(s - b), rel=1e-8)
        assert blk["active"]["sharpe_diff"] == pytest.approx(sr(s) - sr(b), rel=1e-8)
        rel = np.prod(1 + s) / np.prod(1 + b) - 1
        assert blk["active"]["total_return"] == pytest.approx(rel, rel=1e-8, abs=1e-12)
        assert 0 < blk["placebo_pvalue"] <= 1
    # the headline placebo is the in-sample one: no held-out factor value enters it
    assert metrics["inference"]["placebo_pvalue"] == samples["in_sample"]["placebo_pvalue"]
    # the sweep's trials are counted raw, distinct and effective
    t = metrics["inference"]["trials"]
    assert t["raw"] >= t["distinct"] >= t["effective"] >= 1

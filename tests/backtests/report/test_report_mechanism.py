"""The mechanism section: table, link, words and Markdown from a hand-built block."""

from __future__ import annotations

import base64

from backtests.report.html_mechanism import mechanism_link, mechanism_markdown, mechanism_section


def _link(name, shock, outcome, beta, label, primary=True):
    irf = [{"h": h, "beta": beta, "lo90": beta - 1, "hi90": beta + 1} for h in range(3)]
    state = {"beta": beta / 2, "se": 0.5, "n": 40}
    return {
        "name": name,
        "shock": shock,
        "outcome": outcome,
        "block": "funding",
        "primary": primary,
        "horizon": 2,
        "sign": 1,
        "beta": beta,
        "se": 0.25,
        "pvalue": 0.0123,
        "pvalue_adjusted": 0.0246 if primary else None,
        "label": label,
        "n": 120,
        "by_state": {"exhausted": state, "ample": state},
        "state_diff_pvalue": 0.5,
        "irf": irf,
    }


def block(errors="lag_augmented"):
    return {
        "frequency": "monthly",
        "lags": 2,
        "errors": errors,
        "alpha": 0.05,
        "adjust": "holm",
        "state": {
            "variable": "regime",
            "rule": "the factor's regime",
            "exhausted_months": 30,
            "ample_months": 90,
        },
        "start": "2014-01-31",
        "end": "2025-12-31",
        "links": [
            _link("capex_10y", "capex_growth", "dgs10", 0.000123456, "supported"),
            _link("gs10_cma", "gs10", "cma", -1.5, "not supported", primary=False),
        ],
        "threshold": [
            {
                "link": "capex_10y",
                "shock": "capex_growth",
                "outcome": "dgs10",
                "variable": "rrp_level",
                "horizon": 0,
                "gamma": 1384.7,
                "gamma_ci": [157.8, 1415.8],
                "sup_wald": 5.25,
                "pvalue": 0.152,
                "n_boot": 499,
                "n": 151,
                "trim": 0.2,
                "beta_below": 0.19,
                "beta_above": 0.68,
                "n_below": 127,
            }
        ],
        "counts": {"supported": 1, "not supported": 0, "wrong sign": 0, "no data": 0},
        "sentence": "Mechanism: 1 of 1 primary links hold (capex_10y).",
    }


def test_section_table_has_one_row_per_link_with_tagged_numbers():
    html = mechanism_section({"mechanism": block()})
    assert html.startswith("<h2 id='mechanism'>Does the mechanism hold?</h2>")
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    assert body.count("<tr>") == 2
    # the tiny slope keeps four significant digits, its exact value in data-value
    assert 'data-key="mechanism.links.0.beta" data-value="0.000123456">0.0001235<' in html
    assert 'data-key="mechanism.links.0.pvalue_adjusted" data-value="0.0246"' in html
    assert "<i>(robustness)</i>" in html  # the non-primary link is marked
    assert 'data-key="mechanism.threshold.0.gamma" data-value="1384.7"' in html
    assert "at least 20% of the months on each side" in html
    assert "one-step (monthly) change" in html and '"Not supported" is a correct answer' in html
    assert "Montiel Olea" in html and "5.6-6.8%" in html  # the errors and why


def test_errors_words_follow_the_block():
    html = mechanism_section({"mechanism": block("nw")})
    assert "Newey–West with max(h + 1, lags) lags" in html and "about 750 months" in html


def test_figures_are_embedded_when_given():
    png = base64.b64encode(b"\x89PNG fake").decode()
    figs = {
        "mechanism_irf": (png, "alt irf", "cap irf"),
        "mechanism_threshold": (png, "alt thr", "cap thr"),
    }
    html = mechanism_section({"mechanism": block()}, figs)
    assert html.count(f"data:image/png;base64,{png}") == 2
    assert html.index("alt irf") < html.index("The switch") < html.index("alt thr")


def test_nothing_without_a_block():
    assert mechanism_section({}) == "" and mechanism_link({}) == "" and mechanism_markdown({}) == []


def test_link_and_markdown():
    m = {"mechanism": block()}
    assert "href='#mechanism'" in mechanism_link(m) and "1 of 1 primary" in mechanism_link(m)
    md = "\n".join(mechanism_markdown(m))
    assert "| capex 10y (capex growth → dgs10) | 2 | + | 0.0001235 |" in md
    assert "gamma 1385 (90% set 157.8 to 1416)" in md

"""The event study's accounting and the capex dating tables, on hand-built frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backtests.report.html_dating import capex_dating_html, dating_markdown, events_html
from backtests.report.metrics_dating import (
    capex_dating_rows,
    capex_live,
    dating_note,
    live_sentence,
    stale_components,
)
from backtests.report.metrics_events import REASONS, account_events, event_caption, events_block

IDX = pd.bdate_range("2024-01-01", periods=30)  # 2024-01-01 .. 2024-02-09
WINDOW = (-2, 3)


def _spread() -> pd.Series:
    # day k returns k/1000, so a path's sum is known by hand
    return pd.Series(np.arange(30) / 1000.0, index=IDX)


def _events() -> pd.DataFrame:
    d = IDX
    rows = [
        # (available_at, ticker, surprise, dated_by)     expected status
        (d[0] - pd.Timedelta(days=30), "A", 0.1, "lag"),  # before_start (before the spread)
        (d[1], "B", 0.2, "filing"),  # before_start (day -2 precedes the first return)
        (d[2], "C", 0.3, "release"),  # included, positive, day 0 = d[2]
        (d[5], "D", np.nan, "release"),  # no_surprise
        (d[8], "E", -0.1, "release"),  # included, negative
        (d[8], "F", 0.2, "release"),  # included, positive (other sign on the same day)
        (d[8], "G", 0.4, "filing"),  # duplicate_date (positive F already has day d[8])
        (d[12], "H", 0.0, "release"),  # zero_surprise
        (pd.Timestamp("2024-01-20"), "I", -0.3, "release"),  # a Saturday: day 0 = Mon d[15]
        (d[26], "J", 0.5, "release"),  # near_end (day +3 = d[29] is the last: included)
        (d[27], "K", 0.5, "filing"),  # near_end (day +3 would be after d[29])
        (pd.NaT, "L", 0.1, "lag"),  # undated
    ]
    return pd.DataFrame(rows, columns=["available_at", "ticker", "surprise", "dated_by"])


EXPECTED = {
    "A": "before_start",
    "B": "before_start",
    "C": "included",
    "D": "no_surprise",
    "E": "included",
    "F": "included",
    "G": "duplicate_date",
    "H": "zero_surprise",
    "I": "included",
    "J": "included",
    "K": "near_end",
    "L": "undated",
}


def test_each_announcement_has_one_status_checked_in_order():
    acc = account_events(_events(), _spread(), WINDOW)
    got = dict(zip(acc["ticker"], acc["status"], strict=True))
    assert got == EXPECTED
    assert acc.loc[acc["ticker"] == "I", "day0"].iloc[0] == pd.Timestamp("2024-01-22")


def test_events_block_counts_add_up_and_car_by_hand():
    b = events_block(_events(), _spread(), WINDOW)
    assert b["n"] == 12
    assert b["by_dated_by"] == {"release": 7, "filing": 3, "lag": 2}
    assert b["by_ticker"]["G"] == {"release": 0, "filing": 1, "lag": 0}
    assert b["by_sign"] == {"positive": 8, "negative": 2, "zero": 1, "undefined": 1}
    assert b["included"]["total"] == 5
    assert (b["included"]["positive"], b["included"]["negative"]) == (3, 2)
    assert b["included"]["by_dated_by"] == {"release": 5, "filing": 0, "lag": 0}
    assert b["excluded"] == {
        "undated": 1,
        "before_start": 2,
        "near_end": 1,
        "no_surprise": 1,
        "zero_surprise": 1,
        "duplicate_date": 1,
    }
    assert b["included"]["total"] + sum(b["excluded"].values()) == b["n"]
    # day 0 positions: positive C 2, F 8, J 26; negative E 8, I 15; a path sums days p-2..p+3
    # of returns k/1000, i.e. (6p + 3)/1000
    path = {p: (6 * p + 3) / 1000.0 for p in (2, 8, 15, 26)}
    pos = (path[2] + path[8] + path[26]) / 3
    neg = (path[8] + path[15]) / 2
    assert b["car_end"]["positive"]["car"] == pytest.approx(pos, rel=1e-12)
    assert b["car_end"]["negative"]["car"] == pytest.approx(neg, rel=1e-12)
    assert (b["car_end"]["positive"]["n"], b["car_end"]["negative"]["n"]) == (3, 2)
    se = np.std([path[8], path[15]], ddof=1) / np.sqrt(2)
    assert b["car_end"]["negative"]["lo"] == pytest.approx(neg - 1.96 * se, rel=1e-12)


def test_caption_explains_every_exclusion():
    b = events_block(_events(), _spread(), WINDOW)
    cap = b["caption"]
    assert cap.startswith("12 capex announcements")
    assert "7 earnings releases, 3 10-Q/10-K filings, 2 at the table lag" in cap
    assert "5 inside the event window [-2, +3]" in cap
    assert "3 positive and 2 negative surprises" in cap
    for key in REASONS:
        assert "1 " + REASONS[key].format(lo=-2, hi=3) in cap or (
            key == "before_start" and "2 " + REASONS[key].format(lo=-2, hi=3) in cap
        )
    assert "Synthetic" not in cap


def test_synthetic_caption_says_no_release_dating():
    ev = _events().assign(dated_by="filing")
    cap = events_block(ev, _spread(), WINDOW, synthetic=True)["caption"]
    assert "0 earnings releases" in cap
    assert "simulates no SEC filing index" in cap


def test_no_event_inside_gives_empty_paths():
    ev = _events().iloc[:2]
    b = events_block(ev, _spread(), WINDOW)
    assert b["included"]["total"] == 0 and b["car_end"]["positive"]["car"] is None
    assert "Excluded: 2 before the spread starts" in event_caption(b)


def _capex() -> pd.DataFrame:
    rows = []
    # MSFT: 2 quarters by release, 1 by filing; a restated vintage of one quarter is ignored
    for end, by, av in (
        ("2025-03-31", "filing", "2025-05-01"),
        ("2025-06-30", "release", "2025-07-30"),
        ("2025-09-30", "release", "2025-10-29"),
    ):
        rows.append(("MSFT", end, by, av))
    rows.append(("MSFT", "2025-06-30", "filing", "2026-07-30"))  # later vintage
    rows.append(("META", "2021-03-31", "lag", "2021-05-10"))
    rows.append(("NEW", "2025-12-31", "release", "2026-02-05"))  # known after the end
    f = pd.DataFrame(rows, columns=["ticker", "period_end", "dated_by", "available_at"])
    f["period_end"] = pd.to_datetime(f["period_end"])
    f["available_at"] = pd.to_datetime(f["available_at"])
    f["concept"] = "capex"
    f["filed"] = pd.NaT
    return f


def test_capex_dating_rows_by_hand():
    rows = capex_dating_rows(_capex(), ["MSFT", "META", "ORCL"])
    msft, meta, orcl = rows
    assert msft["n"] == 3 and (msft["n_release"], msft["n_filing"], msft["n_lag"]) == (2, 1, 0)
    assert (msft["first_release"], msft["last_release"]) == ("2025-06-30", "2025-09-30")
    assert msft["first_lag"] is None
    assert meta["n_lag"] == 1 and meta["last_lag"] == "2021-03-31"
    assert orcl["n"] == 0 and orcl["n_release"] == 0
    assert dating_note(rows, synthetic=False, known_at="release") == ""
    no_rel = [dict(r, n_release=0) for r in rows]
    synthetic_note = dating_note(no_rel, synthetic=True, known_at="release")
    assert "simulates no SEC filing index" in synthetic_note
    assert "capex_known_at" in dating_note(no_rel, synthetic=False, known_at="filing")


def test_capex_live_at_the_end():
    live = capex_live(_capex(), ["MSFT", "META", "NEW", "ORCL"], end="2026-01-30", stale_days=200)
    # MSFT's last quarter 2025-09-30 is 122 days old; NEW's is not known by 2026-01-30
    assert live["live"] == ["MSFT"] and live["n_live"] == 1 and live["n_companies"] == 4
    assert live["not_live"] == [
        {"ticker": "META", "last_quarter": "2021-03-31"},
        {"ticker": "NEW", "last_quarter": None},
        {"ticker": "ORCL", "last_quarter": None},
    ]
    # 200 days is the limit: 2025-09-30 + 200 days = 2026-04-18 live, the next day not
    assert capex_live(_capex(), ["MSFT"], end="2026-04-18", stale_days=200)["n_live"] == 1
    assert capex_live(_capex(), ["MSFT"], end="2026-04-19", stale_days=200)["n_live"] == 0
    comps = {
        "capex_to_ocf": {"value": 0.4, "as_of": "2021-10-15", "stale": True},
        "rrp_level": {"value": 2.0, "as_of": "2026-01-30", "stale": False},
    }
    stale = stale_components(comps)
    assert stale == [{"component": "capex_to_ocf", "last_usable": "2021-10-15"}]
    text = live_sentence(live, stale)
    assert "the capex of 1 of 4 hyperscalers is live (MSFT" in text
    assert "META ends with the quarter of 2021-03-31" in text and "ORCL has none" in text
    assert "capex_to_ocf" not in text  # named once, by the stale-components sentence
    assert live_sentence(live, []).endswith("no factor component is stale.")


def test_rendering_shows_the_dating_table_and_the_event_caption():
    rows = capex_dating_rows(_capex(), ["MSFT", "ORCL"])
    ev = events_block(_events(), _spread(), WINDOW)
    m = {"coverage": {"capex_dating": rows, "capex_dating_note": "NOTE X"}, "events": ev}
    html = capex_dating_html(m)
    assert "2 (2025-06-30..2025-09-30)" in html and "absent" in html and "NOTE X" in html
    page = events_html(m)
    assert "id='events-caption'" in page and "5 inside the event window" in page
    assert 'data-key="events.included.total"' in page
    assert f"{ev['car_end']['positive']['car'] * 100:+.2f}%" in page
    md = "\n".join(dating_markdown(m))
    assert "- MSFT: 3 quarters; release 2 (2025-06-30..2025-09-30), filing 1" in md
    assert "Event study around capex announcements: 12 capex announcements" in md


def test_synthetic_report_says_its_quarters_are_not_release_dated(golden_report):
    out, m = golden_report
    rows = m["coverage"]["capex_dating"]
    assert sum(r["n_release"] for r in rows) == 0 and sum(r["n"] for r in rows) > 0
    assert "Synthetic market" in m["coverage"]["capex_dating_note"]
    assert m["events"]["by_dated_by"]["release"] == 0 and m["events"]["synthetic"] is True
    assert "simulates no SEC filing index" in m["events"]["caption"]
    page = (out / "index.html").read_text()
    assert "id='capex-dating-note'" in page and "id='events-caption'" in page
    assert "simulates no SEC filing index" in (out / "summary.md").read_text()


def test_report_shows_live_capex_in_the_verdict_and_today(golden_report):
    out, m = golden_report
    sentence = m["now"]["coverage_sentence"]
    live = m["now"]["capex_live"]
    assert live["n_live"] + len(live["not_live"]) == live["n_companies"]
    assert sentence in m["verdict"]["sentence"]
    stale = [k for k, c in m["now"]["components"].items() if c["stale"]]
    assert [c["component"] for c in m["now"]["stale_components"]] == stale
    page = (out / "index.html").read_text()
    assert "id='today-coverage'" in page
    assert sentence in (out / "summary.md").read_text()
    ev = m["events"]
    assert ev["included"]["total"] + sum(ev["excluded"].values()) == ev["n"]

"""Hand-made payloads (made-up numbers, real layouts) for the data-layer tests."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

# A company with a fiscal year ending in June (like Microsoft). Capex, year-to-date facts:
#   FY2024 = 2023-07-01..2024-06-30
#   3M  (to 2023-09-30) = 100  filed 2023-10-25 (Wed)
#   6M  (to 2023-12-31) = 250  filed 2024-01-30 (Tue)
#   9M  (to 2024-03-31) = 420  filed 2024-04-26 (Fri)
#   FY  (to 2024-06-30) = 600  filed 2024-07-30 (Tue)
# Restatements: 6M re-reported as 260 in a 10-Q filed 2025-01-29 (Wed);
#               FY re-reported as 630 in the 10-K filed 2025-07-30 (Wed).
# Discrete quarters by hand: Q1 100, Q2 150, Q3 170, Q4 180;
# after 2025-01-29: Q2 160, Q3 160; after 2025-07-30: Q4 210.
CIK = "0000123456"


def fact(start, end, val, filed, form="10-Q", fy=2024, fp="Q1", accn=None, frame=None):
    f = {
        "start": start,
        "end": end,
        "val": val,
        "accn": accn or f"0000123456-{filed}-{start}-{end}",
        "fy": fy,
        "fp": fp,
        "form": form,
        "filed": filed,
    }
    if frame:
        f["frame"] = frame
    return f


def june_capex_facts() -> list[dict]:
    return [
        fact("2023-07-01", "2023-09-30", 100, "2023-10-25", fp="Q1"),
        fact("2023-07-01", "2023-12-31", 250, "2024-01-30", fp="Q2"),
        fact("2023-07-01", "2024-03-31", 420, "2024-04-26", fp="Q3"),
        fact("2023-07-01", "2024-06-30", 600, "2024-07-30", form="10-K", fp="FY"),
        fact("2023-07-01", "2023-12-31", 260, "2025-01-29", fy=2025, fp="Q2"),
        fact("2023-07-01", "2024-06-30", 630, "2025-07-30", form="10-K", fy=2025, fp="FY"),
    ]


def companyfacts(facts_by_tag: dict[str, list[dict]], cik: str = CIK, units="USD") -> dict:
    return {
        "cik": int(cik),
        "entityName": "Example Corp",
        "facts": {
            "us-gaap": {
                tag: {"label": tag, "description": "", "units": {units: facts}}
                for tag, facts in facts_by_tag.items()
            }
        },
    }


def june_company() -> dict:
    ocf = [
        fact("2023-07-01", "2023-09-30", 300, "2023-10-25"),
        fact("2023-07-01", "2023-12-31", 700, "2024-01-30", fp="Q2"),
    ]
    return companyfacts(
        {
            "PaymentsToAcquirePropertyPlantAndEquipment": june_capex_facts(),
            "NetCashProvidedByUsedInOperatingActivities": ocf,
        }
    )


def write_tiny_mirror(root: Path, cfg, *, edgar: bool = True, capex: bool = True) -> Path:
    """A small mirror for every ticker and series of ``cfg`` with made-up numbers."""
    rng = np.random.default_rng(7)
    (root / "prices").mkdir(parents=True, exist_ok=True)
    (root / "fred").mkdir(exist_ok=True)
    days = pd.date_range("2024-01-01", "2024-03-31", freq="D")
    bdays = days[days.day_of_week < 5]
    crypto = set(cfg.data.crypto)
    for t in cfg.tickers:
        idx = days if t in crypto else bdays
        if t == "SNDK":  # a late starter
            idx = idx[idx >= "2024-02-15"]
        px = 50 * np.exp(np.cumsum(rng.normal(0, 0.01, len(idx))))
        text = "Date,Close\n" + "".join(
            f"{d.date()},{p:.4f}\n" for d, p in zip(idx, px, strict=True)
        )
        (root / "prices" / f"{t}.csv").write_text(text)
    weekly = days[days.day_of_week == 2]
    for s in cfg.macro.series:
        idx = weekly if s.startswith("W") else bdays
        if s == "WRESBAL":  # ends early
            idx = idx[idx <= "2024-02-07"]
        vals = [f"{v:.3f}" for v in rng.normal(3, 0.1, len(idx))]
        if len(vals) > 3 and not s.startswith("W"):
            vals[2] = ""  # a holiday
        text = f"observation_date,{s}\n" + "".join(
            f"{d.date()},{v}\n" for d, v in zip(idx, vals, strict=True)
        )
        (root / "fred" / f"{s}.csv").write_text(text)
    if edgar:
        (root / "edgar").mkdir(exist_ok=True)
        payload = june_company()
        payload["cik"] = int(cfg.universe.cik["MSFT"])
        (root / "edgar" / f"CIK{cfg.universe.cik['MSFT']}.json").write_text(json.dumps(payload))
    if capex:
        (root / "capex").mkdir(exist_ok=True)
        (root / "capex" / "vendor.csv").write_text(
            "ticker,year,quarter,payments_usd\n"
            "GOOG,2023,1,10\nGOOG,2023,2,11\nGOOG,2023,3,12\nGOOG,2023,0,50\n"
            "MSFT,2023,4,999\n"
        )
    return root


def yf_frame(data: dict[str, list[float]], dates, tz=None) -> pd.DataFrame:
    """A frame shaped like yfinance.download(auto_adjust=True): (Price, Ticker) columns."""
    idx = pd.DatetimeIndex(pd.to_datetime(dates), name="Date")
    if tz:
        idx = idx.tz_localize(tz)
    fields = ["Close", "High", "Low", "Open", "Volume"]
    cols = pd.MultiIndex.from_product([fields, sorted(data)], names=["Price", "Ticker"])
    frame = pd.DataFrame(index=idx, columns=cols, dtype="float64")
    for t, closes in data.items():
        c = np.asarray(closes, dtype="float64")
        frame[("Close", t)] = c
        frame[("High", t)] = c * 1.01
        frame[("Low", t)] = c * 0.99
        frame[("Open", t)] = c
        frame[("Volume", t)] = 1000.0
    return frame

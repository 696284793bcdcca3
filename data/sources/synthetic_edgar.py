"""SEC companyfacts documents of the synthetic hyperscalers, from their simulated quarters.

:func:`companyfacts` turns one company's discrete fiscal quarters into what EDGAR serves:
year-to-date facts per filing with comparatives (some restated), and the ``frame`` of the
latest filing of each 3- or 12-month period (:func:`sec_frame`); :data:`TAGS` names the
us-gaap concept of each simulated column.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

TAGS = {  # model column: (us-gaap tag, label)
    "capex": (
        "PaymentsToAcquirePropertyPlantAndEquipment",
        "Payments to Acquire Property, Plant, and Equipment",
    ),
    "ocf": (
        "NetCashProvidedByUsedInOperatingActivities",
        "Net Cash Provided by (Used in) Operating Activities",
    ),
    "debt": ("ProceedsFromIssuanceOfLongTermDebt", "Proceeds from Issuance of Long-Term Debt"),
}


def sec_frame(start: pd.Timestamp, end: pd.Timestamp) -> str | None:
    """Return the SEC ``frame`` label of a period (None when it is neither year nor quarter).

    ``CY<year>`` for 335-395 days, ``CY<year>Q<quarter>`` for 70-110 days, by its middle.
    """
    days = (end - start).days + 1
    mid = start + (end - start) / 2
    if 335 <= days <= 395:
        return f"CY{mid.year}"
    if 70 <= days <= 110:
        return f"CY{mid.year}Q{mid.quarter}"
    return None


def companyfacts(
    quarters: pd.DataFrame, ticker: str, cik: str, rng: np.random.Generator, p_restate: float
) -> dict:
    """Build the SEC companyfacts document of one company from its discrete quarters.

    A 10-Q reports year-to-date values (fiscal year start to quarter end) and the prior
    year's same period; a 10-K the fiscal year and the two before. A capex or OCF
    comparative is restated (by a factor ``1 + N(0, 2%)`` clipped to +-5%, in USD millions) with
    probability ``p_restate``; later filings repeat the restated value.
    """
    q = quarters[quarters["ticker"] == ticker].sort_values("period_end").reset_index(drop=True)
    cum = q[list(TAGS)].groupby(q["fiscal_year"]).cumsum().to_numpy()
    ytd = {  # (fiscal_year, fiscal_quarter) -> (fiscal year start, period end, {concept: value})
        (r.fiscal_year, r.fiscal_quarter): (
            r.fy_start,
            r.period_end,
            dict(zip(TAGS, cum[i], strict=True)),
        )
        for i, r in enumerate(q.itertuples(index=False))
    }
    reported: dict[tuple, float] = {}
    facts: dict[str, list[dict]] = {c: [] for c in TAGS}
    for n, row in enumerate(q.itertuples(index=False), start=1):
        fy, fq = row.fiscal_year, row.fiscal_quarter
        accn = f"{cik}-{row.filed.year % 100:02d}-{n:06d}"
        fp = "FY" if fq == 4 else f"Q{fq}"
        periods = [(fy - k, fq) for k in range(3 if fq == 4 else 2)]
        for c in TAGS:
            for k, key in enumerate(periods):
                if key not in ytd:
                    continue
                start, end, first = ytd[key]
                rkey = (c, start, end)
                val = reported.get(rkey, first[c])
                if k > 0 and rng.random() < p_restate and c != "debt":
                    val = round(val * (1 + np.clip(rng.normal(0, 0.02), -0.05, 0.05)) / 1e6) * 1e6
                reported[rkey] = val
                facts[c].append(
                    {
                        "start": start.strftime("%Y-%m-%d"),
                        "end": end.strftime("%Y-%m-%d"),
                        "val": int(val),
                        "accn": accn,
                        "fy": int(fy),
                        "fp": fp,
                        "form": row.form,
                        "filed": row.filed.strftime("%Y-%m-%d"),
                    }
                )
    gaap = {}
    for c, items in facts.items():
        items.sort(key=lambda f: (f["end"], f["start"], f["filed"]))
        latest: dict[tuple, dict] = {}
        for f in items:
            latest[(f["start"], f["end"])] = f
        for (start, end), f in latest.items():
            frame = sec_frame(pd.Timestamp(start), pd.Timestamp(end))
            if frame is not None:
                f["frame"] = frame
        tag, label = TAGS[c]
        gaap[tag] = {
            "label": label,
            "description": f"{label} (synthetic).",
            "units": {"USD": items},
        }
    return {"cik": int(cik), "entityName": f"{ticker} (synthetic)", "facts": {"us-gaap": gaap}}

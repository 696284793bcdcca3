"""Hand-made SEC submissions payloads (made-up filings, the real layout) for the data tests.

Example Corp (CIK 0000123456, ticker EXMP) has a fiscal year ending in June, like
Microsoft. Its filings (acceptance times in UTC; New York is UTC-4 in summer, UTC-5 in
winter), and the first session that opens after each, by hand on the NYSE calendar:

=========  ==========================  ===========  ===========  =====================
accession  accepted (UTC)              form, items  report date  first session after
=========  ==========================  ===========  ===========  =====================
...-23-01  2023-10-24 20:05 (16:05 NY)  8-K 2.02     2023-10-24   Wed 2023-10-25
...-23-02  2023-10-26 20:05             10-Q         2023-09-30   Fri 2023-10-27
...-24-01  2024-01-12 22:00 (17:00 NY)  8-K 2.02     2024-01-12   Tue 2024-01-16 (Fri
                                                                  evening; Mon 15 is
                                                                  Martin Luther King Day)
...-24-02  2024-01-30 21:00             10-Q         2023-12-31   Wed 2024-01-31
...-24-03  2024-04-18 20:30             8-K 2.02     2024-04-18   Fri 2024-04-19 (not the
                                                                  release: the later one is)
...-24-04  2024-04-25 12:00 (08:00 NY)  8-K 2.02     2024-04-25   Thu 2024-04-25 (before
                                                                  the open: that session)
...-24-05  2024-04-30 20:00             10-Q         2024-03-31   Wed 2024-05-01
...-24-06  2024-05-15 20:00             8-K 5.02     2024-05-15   (not a 2.02)
...-24-07  2024-07-27 15:00 (Saturday)  8-K 2.02     2024-07-27   Mon 2024-07-29
...-24-08  2024-07-30 20:30             10-K         2024-06-30   Wed 2024-07-31
...-24-09  2024-10-02 20:00             8-K 2.02     2024-10-02   (no quarter ended 5 to 75
                                                                  days before: a data note)
...-24-10  2024-10-30 15:00 (11:00 NY,  8-K 2.02     2024-10-30   Thu 2024-10-31
           during the session)
=========  ==========================  ===========  ===========  =====================

The main file's ``recent`` holds the 2024 filings; its page ``...-submissions-001.json``
holds the 2023 ones and repeats ...-24-01 (pages overlap: deduplicated on accession).

Earnings releases by hand (window 5..75 days): quarter 2023-09-30 <- 23-01 (session
2023-10-25); 2023-12-31 <- 24-01 (2024-01-16); 2024-03-31 <- 24-04 (2024-04-25; 24-03 is a
note); 2024-06-30 <- 24-07 (2024-07-29); 2024-09-30 <- 24-10 (2024-10-31); 24-09 a note.
"""

from __future__ import annotations

import json
from pathlib import Path

CIK = "0000123456"
TICKER = "EXMP"
PAGE = f"CIK{CIK}-submissions-001.json"

# accession suffix, acceptance (UTC), form, items, report date
FILINGS_2023 = [
    ("23-01", "2023-10-24T20:05:00.000Z", "8-K", "2.02,9.01", "2023-10-24"),
    ("23-02", "2023-10-26T20:05:00.000Z", "10-Q", "", "2023-09-30"),
]
FILINGS_2024 = [
    ("24-01", "2024-01-12T22:00:00.000Z", "8-K", "2.02,9.01", "2024-01-12"),
    ("24-02", "2024-01-30T21:00:00.000Z", "10-Q", "", "2023-12-31"),
    ("24-03", "2024-04-18T20:30:00.000Z", "8-K", "2.02,8.01,9.01", "2024-04-18"),
    ("24-04", "2024-04-25T12:00:00.000Z", "8-K", "2.02,9.01", "2024-04-25"),
    ("24-05", "2024-04-30T20:00:00.000Z", "10-Q", "", "2024-03-31"),
    ("24-06", "2024-05-15T20:00:00.000Z", "8-K", "5.02", "2024-05-15"),
    ("24-07", "2024-07-27T15:00:00.000Z", "8-K", "2.02,9.01", "2024-07-27"),
    ("24-08", "2024-07-30T20:30:00.000Z", "10-K", "", "2024-06-30"),
    ("24-09", "2024-10-02T20:00:00.000Z", "8-K", "2.02", "2024-10-02"),
    ("24-10", "2024-10-30T15:00:00.000Z", "8-K", "2.02,9.01", "2024-10-30"),
]


def accession(suffix: str) -> str:
    return f"0000123456-{suffix}"


def arrays(rows: list[tuple]) -> dict[str, list]:
    """The parallel arrays of SEC's layout for ``rows`` (newest first, as SEC serves them)."""
    rows = sorted(rows, key=lambda r: r[1], reverse=True)
    return {
        "accessionNumber": [accession(r[0]) for r in rows],
        "filingDate": [r[1][:10] for r in rows],
        "reportDate": [r[4] for r in rows],
        "acceptanceDateTime": [r[1] for r in rows],
        "act": ["34"] * len(rows),
        "form": [r[2] for r in rows],
        "fileNumber": ["001-00000"] * len(rows),
        "items": [r[3] for r in rows],
        "size": [1000] * len(rows),
        "isXBRL": [0] * len(rows),
        "primaryDocument": [f"doc-{r[0]}.htm" for r in rows],
    }


def main_file(pages: bool = True) -> dict:
    """The main ``CIK##########.json``: header, ``filings.recent`` and the page list."""
    files = [{"name": PAGE, "filingCount": 3, "filingFrom": "2023-10-24", "filingTo": "2024-01-12"}]
    return {
        "cik": CIK,
        "entityType": "operating",
        "name": "Example Corp",
        "tickers": [TICKER],
        "exchanges": ["Nasdaq"],
        "fiscalYearEnd": "0630",
        "filings": {"recent": arrays(FILINGS_2024), "files": files if pages else []},
    }


def page_file() -> dict:
    """The older page: 2023 filings plus one overlapping 2024 filing."""
    return arrays(FILINGS_2023 + FILINGS_2024[:1])


def write_submissions(folder: Path, *, main: dict | None = None, page: dict | None = None) -> Path:
    """Write the main file and its page into ``folder`` (the mirror's edgar/submissions/)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"CIK{CIK}.json").write_text(json.dumps(main or main_file()))
    (folder / PAGE).write_text(json.dumps(page or page_file()))
    return folder

"""An offline mirror: a directory of raw files read with the same parsers as live payloads.

Layout::

    <root>/prices/<TICKER>.csv         Date,Close[,Open,High,Low,Volume]
    <root>/fred/<SERIES>.csv           observation_date,<SERIES>
    <root>/edgar/CIK##########.json    SEC companyfacts
    <root>/edgar/submissions/CIK##########[-submissions-NNN].json   SEC submissions (index)
    <root>/capex/<NAME>.csv            ticker,year,quarter,payments_usd
    <root>/french/<FILE>.csv           Ken French daily factor files, as distributed
    <root>/fred-md/current.csv         one FRED-MD vintage
    <root>/fred-qd/current.csv         one FRED-QD vintage

Every file is resolved inside the root (a name that is a path, or a symlink pointing out,
is refused). A requested ticker, series or CIK without a file, with an empty file or with a
header and no rows, is a *gap*: reported (a note in the result,
and a :class:`~data.errors.DataWarning` unless ``warn=False``), never a crash. A file that
exists but does not parse raises the parser's named error.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from data.config_names import NAME_RULES, valid_name
from data.errors import DataError, DataWarning
from data.plausibility import Rules, check_capex_table, check_prices, check_series
from data.sources.capex_table import parse_capex_table
from data.sources.edgar import pad_cik, parse_companyfacts
from data.sources.fred import parse_fredgraph_csv
from data.sources.fredmd import parse_fred_md, parse_fred_qd
from data.sources.french import parse_french_csv
from data.sources.submissions import read_submissions_dir
from data.sources.yahoo import parse_price_csv
from data.tables import empty_quarters, sha256_bytes

KINDS = ("prices", "fred", "edgar", "capex", "french", "fred-md", "fred-qd")
LONG_HISTORY_PARSERS = {"fred-md": parse_fred_md, "fred-qd": parse_fred_qd}


@dataclass
class MirrorItem:
    """One parsed mirror file: the table, the file, the sha256 of its bytes."""

    name: str
    path: Path
    sha256: str
    table: pd.DataFrame | pd.Series


@dataclass
class MirrorRead:
    """Tables read from a mirror, with provenance and gap notes."""

    items: list[MirrorItem] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def provenance(self) -> dict[str, str]:
        """File path -> sha256 of its bytes."""
        return {str(it.path): it.sha256 for it in self.items}


class Mirror:
    """Read a directory in the mirror layout.

    Parameters
    ----------
    root : str or Path
        The mirror directory.
    rules : Rules, keyword-only, optional
        Plausibility thresholds (:mod:`data.plausibility`); None skips those checks.

    Examples
    --------
    >>> m = Mirror("../shared/market-data")  # doctest: +SKIP
    >>> m.read_prices(["SPY", "NOPE"], warn=False).gaps  # doctest: +SKIP
    ['mirror ../shared/market-data: no prices/NOPE.csv']
    """

    def __init__(self, root: str | Path, *, rules: Rules | None = None):
        self.root = Path(root)
        self.rules = rules
        if not self.root.is_dir():
            raise DataError("mirror directory not found", source=str(self.root))

    def __repr__(self) -> str:
        return f"Mirror({str(self.root)!r})"

    def _list(self, kind: str, suffix: str) -> list[str]:
        d = self.root / kind
        if not d.is_dir():
            return []
        return sorted(p.stem for p in d.iterdir() if p.suffix == suffix and p.is_file())

    def tickers(self) -> list[str]:
        """Tickers with a price file."""
        return self._list("prices", ".csv")

    def series(self) -> list[str]:
        """Series with a FRED-layout file."""
        return self._list("fred", ".csv")

    def ciks(self) -> list[str]:
        """10-digit CIKs with a companyfacts file."""
        return [s.removeprefix("CIK") for s in self._list("edgar", ".json") if s.startswith("CIK")]

    def capex_tables(self) -> list[str]:
        """Names of capex tables."""
        return self._list("capex", ".csv")

    def listing(self) -> dict[str, list[str]]:
        """Everything the mirror holds, by kind."""
        return {
            "prices": self.tickers(),
            "fred": self.series(),
            "edgar": self.ciks(),
            "capex": self.capex_tables(),
        }

    def path(self, kind: str, name: str) -> Path:
        """Where the file for ``name`` of ``kind`` lives (it may not exist).

        Raises
        ------
        DataError
            ``name`` is not a valid name of its kind (a path, ``..``), or the file would
            resolve outside the mirror root (a symlink pointing out).
        """
        check = {
            "prices": "ticker",
            "fred": "series",
            "edgar": "cik",
            "capex": "table",
            "french": "table",
            "fred-md": "table",
            "fred-qd": "table",
            "submissions": "cik",
        }
        if kind not in check:
            raise ValueError(f"`kind` must be one of {KINDS}, got {kind!r}")
        if not valid_name(check[kind], name):
            raise DataError(
                f"{check[kind]} name {name!r} is not allowed ({NAME_RULES[check[kind]]}); "
                "the mirror reads only files inside its root",
                source=str(self.root),
            )
        if kind == "edgar":
            p = self.root / "edgar" / f"CIK{pad_cik(name)}.json"
        elif kind == "submissions":
            p = self.root / "edgar" / "submissions" / f"CIK{pad_cik(name)}.json"
        elif kind in LONG_HISTORY_PARSERS:
            p = self.root / kind / "current.csv"
        else:
            p = self.root / kind / f"{name}.csv"
        root = self.root.resolve()
        if not p.resolve().is_relative_to(root):
            raise DataError(
                f"{kind}/{p.name} resolves to {p.resolve()}, outside the mirror root; refused",
                source=str(self.root),
            )
        return p

    def _read(
        self, kind: str, names: Sequence[str], parse, *, warn: bool, missing_ok: bool = False
    ) -> MirrorRead:
        out = MirrorRead()
        for name in names:
            p = self.path(kind, name)
            note = None
            if not p.is_file():
                note = f"mirror {self.root}: no {p.relative_to(self.root)}"
            else:
                try:
                    raw = p.read_bytes()
                except OSError as exc:
                    raise DataError(f"cannot read mirror file: {exc}", source=str(p)) from exc
                if not raw.strip():
                    note = f"mirror {self.root}: {p.relative_to(self.root)} is empty (as missing)"
            if note is None:
                table = parse(p, name)
                lines = table.attrs.pop("lines", None)
                blank = table.attrs.pop("blank_lines", ())
                if len(table) == 0 and kind in ("prices", "fred"):
                    note = (
                        f"mirror {self.root}: {p.relative_to(self.root)} has no rows (as missing)"
                    )
                else:
                    out.notes.extend(self._check(kind, name, table, p, lines))
                    if blank:
                        out.notes.append(
                            f"{p}: {len(blank)} row(s) with a blank close dropped "
                            f"(lines {', '.join(map(str, blank[:5]))}"
                            f"{', ...' if len(blank) > 5 else ''})"
                        )
                    out.items.append(MirrorItem(name, p, sha256_bytes(raw), table))
                    continue
            if not missing_ok:
                out.gaps.append(note)
                if warn:
                    warnings.warn(note, DataWarning, stacklevel=3)
        out.gaps.extend(out.notes)
        return out

    def _check(self, kind: str, name: str, table, path: Path, lines) -> list[str]:
        """Plausibility checks of one parsed file (none without ``rules``)."""
        rules = self.rules
        if rules is None:
            return []
        if kind == "prices":
            return check_prices(table.iloc[:, 0], name, rules, source=str(path), lines=lines)
        if kind == "fred":
            check_series(table, name, rules, source=str(path), lines=lines)
        elif kind == "capex":  # a capex table's notes travel in its attrs["gaps"]
            notes = check_capex_table(table, rules, source=str(path))
            table.attrs["gaps"] = [*table.attrs.get("gaps", []), *notes]
        return []

    def read_prices(self, tickers: Sequence[str], *, warn: bool = True) -> MirrorRead:
        """Parse ``prices/<T>.csv`` for each ticker (one-column frames)."""
        return self._read(
            "prices", tickers, lambda p, t: parse_price_csv(p, t, source=str(p)), warn=warn
        )

    def read_series(self, series: Sequence[str], *, warn: bool = True) -> MirrorRead:
        """Parse ``fred/<S>.csv`` for each series (Series named by id)."""
        return self._read(
            "fred", series, lambda p, s: parse_fredgraph_csv(p, s, source=str(p)), warn=warn
        )

    def read_edgar(
        self,
        ciks: Sequence[str],
        *,
        tickers: dict[str, str] | None = None,
        warn: bool = True,
        optional: Sequence[str] = (),
    ) -> MirrorRead:
        """Parse ``edgar/CIK##########.json`` for each CIK (fundamentals tables).

        ``tickers`` maps a 10-digit CIK to the ticker written in the table; CIKs listed in
        ``optional`` (predecessor registrants) are skipped silently when absent.
        """
        tickers = {pad_cik(k): v for k, v in (tickers or {}).items()}
        opt = {pad_cik(c) for c in optional}
        need = [pad_cik(c) for c in ciks if pad_cik(c) not in opt]
        got = self._read(
            "edgar",
            need,
            lambda p, c: parse_companyfacts(p, tickers.get(c), source=str(p)),
            warn=warn,
        )
        extra = self._read(
            "edgar",
            [c for c in opt if c not in need],
            lambda p, c: parse_companyfacts(p, tickers.get(c), source=str(p)),
            warn=warn,
            missing_ok=True,
        )
        got.items.extend(extra.items)
        return got

    def has_submissions(self) -> bool:
        """Whether the mirror holds a filing index (``edgar/submissions/``)."""
        return (self.root / "edgar" / "submissions").is_dir()

    def read_submissions(
        self,
        ciks: Sequence[str],
        *,
        tickers: dict[str, str] | None = None,
        warn: bool = True,
        optional: Sequence[str] = (),
    ) -> MirrorRead:
        """Parse ``edgar/submissions/CIK##########.json`` and its pages for each CIK.

        The result is the ``filings`` table (:mod:`data.sources.submissions`); ``tickers``
        maps a 10-digit CIK to its ticker. A page listed but absent is a gap note; CIKs in
        ``optional`` are skipped silently when absent.
        """
        tickers = {pad_cik(k): v for k, v in (tickers or {}).items()}
        opt = {pad_cik(c) for c in optional}

        def parse(p: Path, c: str) -> pd.DataFrame:
            return read_submissions_dir(p.parent, c, tickers.get(c))

        out = MirrorRead()
        for names, missing_ok in (
            ([pad_cik(c) for c in ciks if pad_cik(c) not in opt], False),
            (sorted(opt), True),
        ):
            got = self._read("submissions", names, parse, warn=warn, missing_ok=missing_ok)
            out.items += got.items
            out.gaps += got.gaps
        for it in out.items:
            for page in it.table.attrs.get("missing_pages", []):
                out.gaps.append(f"mirror {self.root}: no edgar/submissions/{page} (listed)")
        return out

    def read_capex(
        self,
        names: Sequence[str] | None = None,
        *,
        quarter_lag_days: int = 40,
        annual_lag_days: int = 60,
        warn: bool = True,
    ) -> MirrorRead:
        """Parse capex tables (all of them when ``names`` is None) into capex quarters."""
        names = self.capex_tables() if names is None else list(names)
        read = self._read(
            "capex",
            names,
            lambda p, n: parse_capex_table(
                p,
                source=str(p),
                quarter_lag_days=quarter_lag_days,
                annual_lag_days=annual_lag_days,
            ),
            warn=warn,
        )
        for it in read.items:
            read.gaps.extend(it.table.attrs.get("gaps", []))
        return read

    def french_files(self) -> list[str]:
        """Stems of the Ken French files in ``french/``."""
        return self._list("french", ".csv")

    def read_french(self, files: Sequence[str], *, warn: bool = True) -> MirrorRead:
        """Parse ``french/<FILE>.csv`` for each file stem (simple daily returns)."""
        return self._read(
            "french", files, lambda p, f: parse_french_csv(p, source=str(p)), warn=warn
        )

    def read_mccracken_ng(self, kind: str, *, warn: bool = True) -> MirrorRead:
        """Parse ``fred-md/current.csv`` (``kind="fred-md"``) or ``fred-qd/current.csv``."""
        if kind not in LONG_HISTORY_PARSERS:
            raise ValueError(f"`kind` must be fred-md or fred-qd, got {kind!r}")
        parse = LONG_HISTORY_PARSERS[kind]
        return self._read(kind, ["current"], lambda p, _: parse(p, source=str(p)), warn=warn)


def check_layout(root: str | Path) -> Path:
    """Check that an existing directory looks like a mirror (one of :data:`KINDS` inside).

    Raises
    ------
    DataError
        None of the subfolders ``prices/, fred/, edgar/, capex/, french/, fred-md/,
        fred-qd/`` exists; names the folder and the expected layout.
    """
    root = Path(root)
    if root.is_dir() and not any((root / k).is_dir() for k in KINDS):
        raise DataError(
            "not a mirror: none of the expected subfolders "
            f"{', '.join(k + '/' for k in KINDS)} is here; a mirror holds prices/<TICKER>.csv, "
            "fred/<SERIES>.csv, edgar/CIK##########.json (and edgar/submissions/), "
            "capex/<NAME>.csv, french/<FILE>.csv, fred-md/current.csv, fred-qd/current.csv "
            "(see DESIGN.md, 'Data sources and the offline mirror')",
            source=str(root),
        )
    return root


def combined_table_quarters(read: MirrorRead) -> pd.DataFrame:
    """Concatenate the capex quarters of several capex tables (empty table when none)."""
    parts = [it.table for it in read.items if len(it.table)]
    if not parts:
        return empty_quarters()
    return pd.concat(parts, ignore_index=True)

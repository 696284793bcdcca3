import pandas as pd
import pytest

from data.errors import DataError, DataWarning, ParseError
from data.sources.mirror import Mirror, combined_table_quarters
from data.tables import sha256_bytes


def test_listing(tiny_mirror, cfg):
    m = Mirror(tiny_mirror)
    listing = m.listing()
    assert listing["prices"] == sorted(cfg.tickers)
    assert listing["fred"] == sorted(cfg.macro.series)
    assert listing["edgar"] == [cfg.universe.cik["MSFT"]]
    assert listing["capex"] == ["vendor"]
    assert m.path("edgar", "789019").name == "CIK0000789019.json"


def test_missing_items_are_gaps_with_a_warning(tiny_mirror):
    m = Mirror(tiny_mirror)
    with pytest.warns(DataWarning, match="NOPE"):
        read = m.read_prices(["SPY", "NOPE"])
    assert [it.name for it in read.items] == ["SPY"]
    assert read.gaps == [f"mirror {tiny_mirror}: no prices/NOPE.csv"]
    quiet = m.read_series(["DGS10", "NOSERIES"], warn=False)
    assert quiet.gaps and quiet.items[0].table.name == "DGS10"


def test_items_carry_file_hashes(tiny_mirror, cfg):
    read = Mirror(tiny_mirror).read_edgar([cfg.universe.cik["MSFT"]], tickers={"789019": "MSFT"})
    it = read.items[0]
    assert it.sha256 == sha256_bytes(it.path.read_bytes())
    assert read.provenance == {str(it.path): it.sha256}
    assert (it.table["ticker"] == "MSFT").all()


def test_optional_cik_absent_is_silent(tiny_mirror):
    read = Mirror(tiny_mirror).read_edgar([], optional=["0001288776"], warn=True)
    assert read.items == [] and read.gaps == []


def test_capex_tables_parse(tiny_mirror):
    read = Mirror(tiny_mirror).read_capex(quarter_lag_days=40, annual_lag_days=60)
    q = combined_table_quarters(read)
    goog = q[q["ticker"] == "GOOG"].set_index("period_end")["value"]
    assert goog.loc[pd.Timestamp("2023-12-31")] == 50 - (10 + 11 + 12)


def test_bad_file_raises_the_parser_error(tiny_mirror):
    (tiny_mirror / "prices" / "SPY.csv").write_text("Date,Close\n2024-01-03,1\n2024-01-02,2\n")
    with pytest.raises(ParseError, match="SPY.csv.*unsorted"):
        Mirror(tiny_mirror).read_prices(["SPY"])


def test_not_a_directory(tmp_path):
    with pytest.raises(DataError, match="not found"):
        Mirror(tmp_path / "nowhere")

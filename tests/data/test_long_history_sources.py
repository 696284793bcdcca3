"""Ken French, FRED-MD and FRED-QD parsers: recorded payloads built here, errors, live fetch."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pandas as pd
import pytest
import responses

from data.errors import ParseError
from data.sources.fredmd import (
    FRED_MD_URL,
    FRED_QD_URL,
    fetch_fred_md,
    fetch_fred_qd,
    parse_fred_md,
    parse_fred_qd,
)
from data.sources.french import FRENCH_URL, fetch_french, parse_french_csv, percent_to_return
from data.sources.mirror import Mirror

FRENCH = (
    "This file was created by using the 202601 CRSP database.\r\n"
    "The Tbill return is the simple daily rate.\r\n"
    "\r\n"
    ",Mkt-RF,SMB,HML,RF\r\n"
    "19630701,   -0.67,    0.00,   -0.34,    0.01\r\n"
    "19630702,    0.79,   -0.26,    0.26,    0.01\r\n"
    "19630703,    0.63,  -99.99,   -0.09,    0.01\r\n"
    "\r\n"
    "Copyright 2026 Eugene F. Fama and Kenneth R. French\r\n"
)

MD = (
    "sasdate,GS10,BAA,ANDENOx\n"
    "Transform:,2,2,5\n"
    "1/1/1959,4.02,4.87,\n"
    "2/1/1959,3.96,4.85,100.5\n"
    "3/1/1959,3.99\n"
    ",,,\n"
)

QD = (
    "sasdate,PNFIx,Y033RC1Q027SBEAx\n"
    "factors,1,1\n"
    "transform,5,5\n"
    "3/1/1959,171.0783,47.8021\n"
    "6/1/1959,175.5,\n"
)


def test_french_preamble_units_missing_and_vintage():
    df = parse_french_csv(FRENCH)
    assert list(df.columns) == ["Mkt-RF", "SMB", "HML", "RF"]
    assert df.index.name == "date" and df.index[0] == pd.Timestamp("1963-07-01")
    # percent -> simple return: -0.34 % is -0.0034
    assert df["HML"].tolist() == pytest.approx([-0.0034, 0.0026, -0.0009], abs=1e-15)
    assert np.isnan(df["SMB"].iloc[2])
    assert df.attrs["vintage"] == "202601"
    assert df.attrs["vintage_line"].startswith("This file was created")
    assert df.attrs["units"] == "simple_return"


def test_percent_to_return_is_one_division():
    assert percent_to_return(np.array([100.0, -50.0])).tolist() == [1.0, -0.5]


def test_french_lf_and_no_trailing_blank_line():
    text = FRENCH.replace("\r\n", "\n").replace("\n\nCopyright", "\nCopyright")
    assert parse_french_csv(text).shape == (3, 4)


@pytest.mark.parametrize(
    ("mutate", "match", "row"),
    [
        (lambda t: t.replace("19630702", "1963072"), "not a YYYYMMDD", 6),
        (lambda t: t.replace("19630702", "19630230"), "not a calendar date", 6),
        (lambda t: t.replace("19630702", "19630701"), "duplicate", 6),
        (lambda t: t.replace("   -0.09,", "   abc,"), "not a", 7),
        (lambda t: t.replace("0.26,    0.01", "0.26"), "expected 5 cells", 6),
        (lambda t: t.replace(",Mkt-RF", "Date,Mkt-RF"), "data row before the header", 5),
        (lambda t: t + "19630704,  1, 1, 1, 1\r\n", "after the end of the table", 10),
    ],
)
def test_french_errors_name_file_and_row(mutate, match, row):
    with pytest.raises(ParseError, match=match) as info:
        parse_french_csv(mutate(FRENCH), source="F-F_test.csv")
    assert info.value.source == "F-F_test.csv" and info.value.row == row


def test_french_without_header_is_an_error():
    with pytest.raises(ParseError, match="first cell is empty"):
        parse_french_csv("just text\r\nno table here\r\n", source="x.csv")


def test_fred_md_transform_row_ragged_rows_and_dates():
    df = parse_fred_md(MD, source="md.csv")
    assert df.attrs["transform"] == {"GS10": 2, "BAA": 2, "ANDENOx": 5}
    assert list(df.index) == list(pd.to_datetime(["1959-01-01", "1959-02-01", "1959-03-01"]))
    assert df.loc["1959-03-01", "GS10"] == 3.99 and np.isnan(df.loc["1959-03-01", "BAA"])
    assert np.isnan(df.iloc[0]["ANDENOx"]) and df.attrs["last_observation"] == "1959-03-01"


def test_fred_qd_factors_and_transform_rows():
    df = parse_fred_qd(QD)
    assert df.attrs["factors"] == {"PNFIx": 1, "Y033RC1Q027SBEAx": 1}
    assert df.attrs["transform"]["PNFIx"] == 5
    assert df.index[0] == pd.Timestamp("1959-03-01") and np.isnan(df.iloc[1, 1])


@pytest.mark.parametrize(
    ("parse", "text", "match", "row"),
    [
        (parse_fred_md, MD.replace("Transform:", "Tform"), "expected a 'transform:' row", 2),
        (parse_fred_md, MD.replace("2/1/1959", "1959-02-01"), "M/D/YYYY", 4),
        (parse_fred_md, MD.replace("2/1/1959", "1/1/1959"), "duplicate", 4),
        (parse_fred_md, MD.replace("3.96", "x3"), "not a", 4),
        (parse_fred_md, MD.replace("3/1/1959,3.99", "3/1/1959,3.99,1,2,3"), "more than", 5),
        (parse_fred_qd, QD.replace("factors", "transform", 1), "expected a 'factors' row", 2),
        (parse_fred_md, MD.replace("sasdate", "date"), "sasdate", None),
    ],
)
def test_mccracken_ng_errors(parse, text, match, row):
    with pytest.raises(ParseError, match=match) as info:
        parse(text, source="current.csv")
    assert info.value.source == "current.csv" and info.value.row == row


def _zip(name: str, text: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(name, text)
    return buf.getvalue()


@responses.activate
def test_fetch_french_unzips_the_library_payload():
    stem = "F-F_Research_Data_Factors_daily"
    responses.get(FRENCH_URL.format(file=stem), body=_zip(f"{stem}.CSV", FRENCH))
    df = fetch_french(stem, retries=0)
    assert df["HML"].iloc[1] == pytest.approx(0.0026)
    assert df.attrs["request"].endswith("_CSV.zip") and "fetched_at" in df.attrs


@responses.activate
def test_fetch_french_bad_zip_is_a_parse_error():
    stem = "F-F_Research_Data_Factors_daily"
    responses.get(FRENCH_URL.format(file=stem), body=b"PK-not-a-zip")
    with pytest.raises(ParseError, match="not a zip"):
        fetch_french(stem, retries=0)


@responses.activate
def test_fetch_fred_md_and_qd_use_the_same_parsers():
    responses.get(FRED_MD_URL, body=MD)
    responses.get(FRED_QD_URL, body=QD)
    md, qd = fetch_fred_md(retries=0), fetch_fred_qd(retries=0)
    pd.testing.assert_frame_equal(md, parse_fred_md(MD))
    pd.testing.assert_frame_equal(qd, parse_fred_qd(QD))


def test_mirror_reads_long_history_files(tmp_path):
    for kind, name, text in (
        ("french", "F-F_Research_Data_Factors_daily.csv", FRENCH),
        ("fred-md", "current.csv", MD),
        ("fred-qd", "current.csv", QD),
    ):
        (tmp_path / kind).mkdir()
        (tmp_path / kind / name).write_bytes(text.encode())
    m = Mirror(tmp_path)
    assert m.french_files() == ["F-F_Research_Data_Factors_daily"]
    fr = m.read_french(m.french_files())
    assert fr.items[0].table.shape == (3, 4)
    assert m.read_mccracken_ng("fred-md").items[0].table.shape == (3, 3)
    assert m.read_mccracken_ng("fred-qd").items[0].table.shape == (2, 2)
    gaps = m.read_french(["F-F_Momentum_Factor_daily"], warn=False).gaps
    assert gaps and "no french/F-F_Momentum_Factor_daily.csv" in gaps[0]


@pytest.mark.mirror
def test_real_mirror_long_history_files(mirror_dir):
    m = Mirror(mirror_dir)
    five = m.read_french(["F-F_Research_Data_5_Factors_2x3_daily"]).items[0].table
    assert {"HML", "RMW", "CMA"} <= set(five.columns) and five.index[0].year == 1963
    assert five.attrs["vintage"] is not None
    md = m.read_mccracken_ng("fred-md").items[0].table
    qd = m.read_mccracken_ng("fred-qd").items[0].table
    assert {"GS10", "BAA", "AAA", "ANDENOx", "M2REAL", "TOTRESNS"} <= set(md.columns)
    assert {"PNFIx", "Y033RC1Q027SBEAx"} <= set(qd.columns)

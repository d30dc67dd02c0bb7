"""Exports: BOM CSV that Excel reads, XLSX without formula cells, injection neutralized."""

import io

import openpyxl
import pandas as pd
import pytest

from core.exports.tables import neutralize, to_csv_bytes, to_xlsx_bytes
from core.rows.results import RowResult, results_frame


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+1", "'=1+1"),
        ("+82 10", "'+82 10"),
        ("-3", "'-3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("안녕 =x", "안녕 =x"),
        ("", ""),
        (None, ""),
        (float("nan"), ""),
        (3, "3"),
    ],
)
def test_neutralize(value, expected):
    assert neutralize(value) == expected


def frame():
    return pd.DataFrame({"화자": ["김", '=HYPERLINK("x")'], "발화": ['안녕하세요, "반가워요"\n둘째 줄', "@cmd"]})


def test_csv_has_bom_crlf_and_round_trips_korean():
    data = to_csv_bytes(frame())
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str)
    assert back["발화"][0] == '안녕하세요, "반가워요"\n둘째 줄'
    assert back["화자"][1] == '\'=HYPERLINK("x")' and back["발화"][1] == "'@cmd"


def test_xlsx_has_no_formula_cells_and_keeps_text():
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(frame())))
    ws = wb.active
    cells = [c for row in ws.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    assert ws["A3"].value == '=HYPERLINK("x")' and ws["A3"].quotePrefix
    assert ws["B2"].alignment.wrap_text and ws.freeze_panes == "A2"
    assert 8 <= ws.column_dimensions["B"].width <= 60


def test_xlsx_drops_characters_xml_cannot_hold():
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(pd.DataFrame({"a": ["x\x00y\x1bz"]}))))
    assert wb.active["A2"].value == "xyz"


def test_results_frame_orders_columns_and_keeps_unrun_rows():
    df = pd.DataFrame({"b": ["1", "2", "3"], "a": ["x", "y", "z"]})
    results = [RowResult(0, "out0", "ok"), RowResult(2, "", "failed", "boom")]
    out = results_frame(df, results, "결과")
    assert list(out.columns) == ["b", "a", "결과", "status", "error"]
    assert out["결과"].tolist() == ["out0", "", ""] and out["status"].tolist() == ["ok", "", "failed"]
    assert "latency_s" in results_frame(df, results, "결과", details=True).columns


def test_results_frame_never_overwrites_an_input_column():
    df = pd.DataFrame({"요약": ["a"], "status": ["old"]})
    out = results_frame(df, [RowResult(0, "new", "ok")], "요약")
    assert list(out.columns) == ["요약", "status", "요약_2", "status_2", "error"]
    assert out["요약"][0] == "a" and out["status"][0] == "old" and out["요약_2"][0] == "new"

"""Hostile files: each refused with a clear reason, in bounded time and memory; fuzzing never escapes."""

import codecs
import tracemalloc

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import InputError
from core.loaders import load_bytes, load_path
from core.settings import Limits
from tests.hostile_files import OLE2, corpus, good_xlsx, zip_bomb

CASES = corpus()
SMALL = {
    "too_large": Limits(max_bytes=20),
    "too_many_rows": Limits(max_rows=10),
    "too_many_rows_spaced": Limits(max_rows=10),
    "too_many_rows_xlsx": Limits(max_rows=10),
}
GOOD_XLSX = good_xlsx([["화자", "발화"], *[["김", f"안녕하세요 {i}"] for i in range(20)]])


@pytest.mark.timeout(20)
@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_file_is_refused_clearly_and_quickly(case):
    name, data, words = CASES[case]
    with pytest.raises(InputError) as err:
        load_bytes(name, data, limits=SMALL.get(case, Limits()))
    message = err.value.message
    assert words.casefold() in message.casefold(), message
    assert message.startswith(name) and "\n" not in message and "Traceback" not in message
    assert err.value.code.startswith("input.")  # quickly: the timeout mark above fails a slow refusal


@pytest.mark.timeout(20)
def test_a_big_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "big.csv"
    with path.open("wb") as fh:
        fh.truncate(2_000_000)  # sparse: costs no disk
    with pytest.raises(InputError) as err:
        load_path(path, limits=Limits(max_bytes=1_000_000))
    assert "big.csv is 2.0 MB; the limit is 1.0 MB" in err.value.message


@pytest.fixture(scope="module")
def bomb():
    return zip_bomb(1.0)


@pytest.mark.timeout(30)
def test_zip_bomb_is_refused_from_its_directory_without_inflating(bomb):
    assert len(bomb) < 8 * 1024 * 1024  # about 1 GB inside
    tracemalloc.start()
    try:
        with pytest.raises(InputError) as err:
            load_bytes("bomb.xlsx", bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "zip bomb" in err.value.message and peak < 20 * 1024 * 1024  # never inflated
    with pytest.raises(InputError, match="zip bomb"):
        load_bytes("bomb.xlsx", bomb, sheet="Sheet1")
    with pytest.raises(InputError, match="zip bomb"):
        load_bytes("bomb.csv", bomb)  # mislabelled: still recognised by its magic bytes


@pytest.mark.timeout(20)
def test_a_small_unzipped_limit_is_honoured():
    with pytest.raises(InputError, match="zip bomb"):
        load_bytes("ok.xlsx", GOOD_XLSX, limits=Limits(max_unzipped_bytes=1000))


def test_ragged_rows_lose_nothing():
    table = load_bytes("r.csv", b"a,b\n1,2,3,4\n5\n")
    assert list(table.df.columns) == ["a", "b", "column_3", "column_4"]
    assert table.df.values.tolist() == [["1", "2", "3", "4"], ["5", "", "", ""]]


def test_a_stray_quote_inside_a_cell_is_read_as_excel_does():
    assert load_bytes("q.csv", b'a,b\n"x"y,2\n').df.values.tolist() == [["xy", "2"]]


@pytest.mark.parametrize(
    "data, limits, where",
    [
        (b"a,b\nx,y\nz," + b"w" * 200 + b"\n", Limits(max_cell_chars=100), "row 2, column 'b'"),
        (b"a\n" + b"w" * 500, Limits(max_cell_chars=100), "line 2"),
    ],
)
def test_a_long_cell_is_refused_naming_its_row(data, limits, where):
    with pytest.raises(InputError) as err:
        load_bytes("c.csv", data, limits=limits)
    assert where in err.value.message


def test_a_long_cell_in_a_workbook_names_its_row_and_column():
    data = good_xlsx([["화자", "발화"], ["김", "짧음"], ["이", "가" * 200]])
    with pytest.raises(InputError) as err:
        load_bytes("long.xlsx", data, limits=Limits(max_cell_chars=100))
    assert "row 2, column '발화'" in err.value.message


MAGIC = st.sampled_from(
    [
        b"",
        b"PK\x03\x04",
        b"PK\x05\x06",
        OLE2,
        codecs.BOM_UTF8,
        codecs.BOM_UTF16_LE,
        codecs.BOM_UTF32_LE,
        "화자,발화\n".encode("cp949"),
        b"WEBVTT\n\n",
        b"1\n00:00:01,000 --> ",
    ]
)
EXTENSIONS = st.sampled_from(["csv", "tsv", "txt", "xlsx", "bin", "vtt", "srt", "json", ""])


def loads_or_refuses(name: str, data: bytes) -> None:
    try:
        table = load_bytes(name, data)
    except InputError as exc:
        assert exc.message and exc.code.startswith("input")
    else:
        assert len(table.df) > 0 and table.text_column in table.df.columns
        assert all(isinstance(c, str) and c for c in table.df.columns) and table.df.columns.is_unique


@pytest.mark.timeout(120)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=MAGIC, data=st.binary(max_size=3000), ext=EXTENSIONS)
def test_random_bytes_load_or_are_refused_with_an_input_error(prefix, data, ext):
    loads_or_refuses(f"f.{ext}", prefix + data)


@pytest.mark.timeout(120)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=2000), ext=EXTENSIONS, encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp949"]))
def test_random_text_loads_or_is_refused_with_an_input_error(text, ext, encoding):
    loads_or_refuses(f"f.{ext}", text.encode(encoding, errors="ignore"))


@pytest.mark.timeout(120)
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cut=st.integers(0, len(GOOD_XLSX)),
    flips=st.lists(st.tuples(st.integers(0, len(GOOD_XLSX) - 1), st.integers(0, 255)), max_size=5),
)
def test_damaged_workbooks_load_or_are_refused_with_an_input_error(cut, flips):
    data = bytearray(GOOD_XLSX)
    for at, value in flips:
        data[at] = value
    loads_or_refuses("d.xlsx", bytes(data[:cut] if cut else data))

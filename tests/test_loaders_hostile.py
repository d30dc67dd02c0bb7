"""Hostile files: each refused with a clear reason, in bounded time and memory; fuzzing never escapes."""
import time
import tracemalloc

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import InputError
from core.loaders import list_sheets, load_bytes
from core.settings import Limits
from tests.hostile_files import corpus, good_xlsx, zip_bomb

CASES = corpus()
SMALL = {"too_large": Limits(max_bytes=20), "too_many_rows": Limits(max_rows=10)}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_file_is_refused_clearly_and_quickly(case):
    name, data, word = CASES[case]
    started = time.monotonic()
    with pytest.raises(InputError) as err:
        load_bytes(name, data, limits=SMALL.get(case, Limits()))
    assert word.casefold() in err.value.message.casefold()
    assert "\n" not in err.value.message and "Traceback" not in err.value.message
    assert time.monotonic() - started < 10


@pytest.fixture(scope="module")
def bomb():
    return zip_bomb(1.0)


@pytest.mark.timeout(60)
def test_zip_bomb_is_refused_from_its_directory_without_inflating(bomb):
    tracemalloc.start()
    try:
        with pytest.raises(InputError) as err:
            load_bytes("bomb.xlsx", bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "zip bomb" in err.value.message and peak < 50 * 1024 * 1024
    with pytest.raises(InputError):
        list_sheets("bomb.xlsx", bomb)


def test_formulas_read_as_their_cached_values_and_merged_cells_keep_the_top_left():
    rows = [["화자", "발화", "합계"], ["김", "안녕", "=1+1"], ["", "네", "2"]]
    table = load_bytes("f.xlsx", good_xlsx(rows, merge="A2:A3"))
    assert table.df["화자"].tolist() == ["김", ""]
    assert table.df["합계"].tolist() == ["", "2"]  # openpyxl stores no cached value; never evaluated


def test_ragged_rows_lose_nothing():
    table = load_bytes("r.csv", "a,b\n1,2,3,4\n5\n".encode())
    assert list(table.df.columns) == ["a", "b", "column_3", "column_4"]
    assert table.df.values.tolist() == [["1", "2", "3", "4"], ["5", "", "", ""]]


def test_a_long_cell_is_refused_naming_its_row():
    with pytest.raises(InputError) as err:
        load_bytes("c.csv", b"a,b\nx,y\nz," + b"w" * 200 + b"\n", limits=Limits(max_cell_chars=100))
    assert "line 3" in err.value.message or "row 2" in err.value.message


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=3000), ext=st.sampled_from(["csv", "tsv", "txt", "xlsx", "bin", ""]))
def test_random_bytes_load_or_are_refused_with_an_input_error(data, ext):
    try:
        table = load_bytes(f"f.{ext}", data)
    except InputError as exc:
        assert exc.message
    else:
        assert len(table.df) > 0 and all(isinstance(c, str) for c in table.df.columns)


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=2000), ext=st.sampled_from(["csv", "txt", "tsv"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_random_text_loads_or_is_refused_with_an_input_error(text, ext, encoding):
    try:
        table = load_bytes(f"f.{ext}", text.encode(encoding, errors="ignore"))
    except InputError as exc:
        assert exc.message
    else:
        assert table.text_column in table.df.columns

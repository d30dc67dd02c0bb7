"""Big tables take the fast path (pandas' C parser) and come out exactly as the careful path reads them; anything in
doubt (a line in another encoding where no sample looked, a ragged row) falls back and is judged carefully."""

from __future__ import annotations

import pytest

from core.errors import InputError
from core.loaders import fast, load_bytes

ROW = '{i},김민수,"네, 알겠습니다 {i}번째 발화입니다"\r\n'


def big_csv(rows: int = 30_000, extra: str = "") -> bytes:
    body = "".join(ROW.format(i=i) for i in range(rows))
    middle = len(body) // 3
    cut = body.index("\r\n", middle) + 2
    return ("\r\n번호,화자,발화\r\n" + body[:cut] + extra + body[cut:] + "\r\n\r\n").encode("utf-8")


def careful(name: str, data: bytes, monkeypatch):
    monkeypatch.setattr(fast, "MIN_BYTES", 10**12)
    return load_bytes(name, data)


@pytest.mark.parametrize(
    "extra",
    [
        "",
        ",,\r\n\r\n",  # blank rows inside
        '7,이지은,"두 줄로\r\n쓴 발화"\r\n',  # a quoted cell over two lines, CRLF inside
    ],
    ids=["plain", "blank_rows", "multiline_cell"],
)
def test_the_fast_path_reads_a_big_table_exactly_as_the_careful_path(extra, monkeypatch):
    data = big_csv(extra=extra)
    assert len(data) > fast.MIN_BYTES and fast.sample_encoding(data) == "utf-8"
    quick = load_bytes("big.csv", data)
    slow = careful("big.csv", data, monkeypatch)
    assert (quick.kind, quick.encoding, list(quick.df.columns)) == (slow.kind, slow.encoding, ["번호", "화자", "발화"])
    assert quick.df.equals(slow.df) and len(quick.df) == 30_000 + extra.count("\r\n") - extra.count("\r\n쓴")


def test_a_line_in_another_encoding_where_no_sample_looked_is_still_refused_with_its_line():
    data = big_csv()
    lines = data.split(b"\r\n")
    at = len(lines) // 3 + 5  # past the start sample, before the middle one
    lines[at] = "5,박서준,아니요 그건 좀 어렵습니다".encode("cp949")
    mixed = b"\r\n".join(lines)
    assert fast.sample_encoding(mixed) == "utf-8"
    with pytest.raises(InputError) as err:
        load_bytes("mixed.csv", mixed)
    assert err.value.code == "input.mixed_encoding" and f"line {at + 1} " in err.value.message

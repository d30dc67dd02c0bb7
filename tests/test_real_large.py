"""Large files where size is the point, made from real rows at test time: they open whole, or are refused by line."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from core.errors import InputError
from core.loaders import load_path

sys.path.insert(0, str(Path(__file__).parent / "data" / "real"))
import make_large


def test_a_multi_megabyte_cp949_csv_opens_with_every_row(tmp_path):
    path = make_large.cp949_csv(tmp_path / "emotions.csv", rows=38_594)
    assert path.stat().st_size > 1_500_000
    table = load_path(path)
    assert (table.encoding, len(table.df), list(table.df.columns)) == ("cp949", 38_594, ["id", "Q", "A", "label"])
    assert table.df.iloc[-1]["id"] == "38594" and table.df.iloc[0]["Q"] == "12시 땡!"


def test_a_one_line_whisper_json_over_400k_characters_opens_as_a_transcript(tmp_path):
    path = make_large.whisper_json(tmp_path / "meeting.json", seconds=90 * 60)
    text = path.read_text(encoding="utf-8")
    assert len(text) > 400_000 and "\n" not in text
    table = load_path(path)
    assert table.kind == "whisper-json" and list(table.df.columns) == ["start", "end", "speaker", "text"]
    assert len(table.df) == text.count('"words"') and table.df.iloc[0]["text"] == "Hey, Manpreet."


@pytest.mark.parametrize("utf8_first", [True, False])
def test_a_truly_mixed_file_is_refused_with_the_line_where_the_encoding_changes(tmp_path, utf8_first):
    rows = make_large.korean_rows()
    lines = [",".join(row) + "\n" for row in rows if '"' not in ",".join(row) and "," not in row[1]]
    half = len(lines) // 2
    first, second = ("utf-8", "cp949") if utf8_first else ("cp949", "utf-8")
    data = b"Q,A,label\n" + "".join(lines[:half]).encode(first) + "".join(lines[half:]).encode(second)
    path = tmp_path / "mixed.csv"
    path.write_bytes(data)
    with pytest.raises(InputError) as err:
        load_path(path)
    not_utf8 = half + 2 if utf8_first else 2
    assert err.value.code == "input.mixed_encoding" and f"line {not_utf8} " in err.value.message

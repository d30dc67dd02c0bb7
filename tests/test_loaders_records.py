"""JSON and JSON Lines record files open as tables (keys as columns, nested values as JSON); Whisper's JSON stays a
transcript; damaged or hostile JSON is refused with a reason."""

from __future__ import annotations

import json

import pytest

from core.errors import InputError
from core.loaders import load_bytes
from core.settings import Limits

JSONL = '{"fname": "a", "turns": 2, "meta": {"topic": "예산"}}\n\n{"fname": "b", "tags": ["x", "y"], "ok": true}\n'


@pytest.mark.parametrize(
    "name, text, kind, columns, rows",
    [
        (
            "d.jsonl",
            JSONL,
            "jsonl",
            ["fname", "turns", "meta", "tags", "ok"],
            [["a", "2", '{"topic": "예산"}', "", ""], ["b", "", "", '["x", "y"]', "true"]],
        ),
        ("d.json", json.dumps([{"id": 1, "text": "안녕"}, {"id": 2, "text": None}]), "json", ["id", "text"],
         [["1", "안녕"], ["2", ""]]),
        ("wrapped.json", json.dumps({"version": 3, "data": [{"q": "a"}, {"q": "b"}]}), "json", ["q"], [["a"], ["b"]]),
        ("one.json", json.dumps({"name": "회의", "size": 1.5}), "json", ["name", "size"], [["회의", "1.5"]]),
        ("list.json", json.dumps(["a", "b"]), "json", ["value"], [["a"], ["b"]]),
        ("segments.json", json.dumps([{"start": 0, "end": 1, "text": "hi"}]), "json", ["start", "end", "text"],
         [["0", "1", "hi"]]),
    ],
)  # fmt: skip
def test_record_files_are_tables_with_keys_as_columns(name, text, kind, columns, rows):
    table = load_bytes(name, text.encode())
    assert (table.kind, list(table.df.columns), table.df.values.tolist()) == (kind, columns, rows)


def test_whisper_json_is_still_a_transcript_not_a_table():
    doc = {"text": " 안녕", "segments": [{"id": 0, "start": 0.0, "end": 1.5, "text": " 안녕"}], "language": "ko"}
    table = load_bytes("w.json", json.dumps(doc).encode())
    assert table.kind == "whisper-json" and table.df.values.tolist() == [["0.0", "1.5", "", "안녕"]]


@pytest.mark.parametrize(
    "name, data, code, words",
    [
        ("cut.jsonl", b'{"a": 1}\n{"a": 2\n', "input.json", "line 2"),
        ("cut.json", b'[{"a": 1}, {"a": ', "input.json", "cannot be read as JSON"),
        ("deep.json", b"[" * 100_000 + b"]" * 100_000, "input.json", "cannot be read as JSON"),
        ("big_cell.json", json.dumps([{"text": "x" * 60_000}]).encode(), "input.cell_too_long", "60,000 characters"),
        ("many.jsonl", b'{"a": 1}\n' * 30, "input.too_many_rows", "more than 10 rows"),
    ],
    ids=["cut_jsonl", "cut_json", "deep", "big_cell", "many_rows"],
)
def test_damaged_or_hostile_json_is_refused_with_a_reason(name, data, code, words):
    with pytest.raises(InputError) as err:
        load_bytes(name, data, limits=Limits(max_rows=10))
    assert err.value.code == code and words in err.value.message, err.value.message


@pytest.mark.parametrize(
    "name, data",
    [
        ("one_cue.vtt", b"WEBVTT\n\n00:00.000 --> 00:01.000\n" + b"a" * (20 * 2**20) + b"\n"),
        ("one_cell.json", b'[{"text": "' + b"a" * (20 * 2**20) + b'"}]'),
        ("one_line.jsonl", b'{"text": "' + b"a" * (20 * 2**20) + b'"}\n{"text": "b"}\n'),
    ],
    ids=["vtt", "json", "jsonl"],
)
def test_a_structured_file_with_a_giant_cell_is_refused_by_the_cell_limit_after_parsing(name, data):
    with pytest.raises(InputError) as err:
        load_bytes(name, data)
    assert err.value.code == "input.cell_too_long" and "20,971,520 characters" in err.value.message

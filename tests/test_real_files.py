"""Every real file in tests/data/real opens whole: its rows, columns, speakers and times as read by hand."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pandas as pd
import pytest

from core.loaders import load_path

REAL = Path(__file__).parent / "data" / "real"
EXPECTED = tomllib.loads((REAL / "expected.toml").read_text(encoding="utf-8"))["file"]
TRANSCRIPT = ["start", "end", "speaker", "text"]


def _check_row(row: pd.Series, want: dict, where: str) -> None:
    for key in ("start", "end"):
        if key in want:
            assert row[key] != "", f"{where}: no {key}"
            assert float(row[key]) == pytest.approx(want[key], abs=0.0015), f"{where}: {key}"
    if "speaker" in want:
        assert row["speaker"] == want["speaker"], where
    if "text_is" in want:
        assert row["text"] == want["text_is"], where
    if "text" in want:
        assert want["text"] in row["text"], where


@pytest.mark.parametrize("spec", EXPECTED, ids=[spec["name"] for spec in EXPECTED])
def test_real_file_opens_whole(spec: dict) -> None:
    table = load_path(REAL / spec["name"])
    df = table.df
    if "rows" in spec:
        assert len(df) == spec["rows"]
    if "encoding" in spec:
        assert table.encoding == spec["encoding"]
    if spec["kind"] == "table":
        assert list(df.columns) == spec["columns"]
        for cell in spec.get("cells", []):
            value = df.iloc[cell["row"] - 1][cell["column"]]
            if "value" in cell:
                assert value == cell["value"], cell
            else:
                assert cell["has"] in value, cell
        return
    assert list(df.columns) == TRANSCRIPT
    if "first" in spec:
        _check_row(df.iloc[0], spec["first"], "first row")
    if "last" in spec:
        _check_row(df.iloc[-1], spec["last"], "last row")
    for want in spec.get("row", []):
        _check_row(df.iloc[want["index"] - 1], want, f"row {want['index']}")
    everything = "\n".join(df["text"])
    for piece in spec.get("contains", []):
        assert piece in everything
    for piece in spec.get("absent", []):
        assert piece not in everything and piece not in "\n".join(df["speaker"])


def test_every_file_in_the_corpus_has_expectations() -> None:
    on_disk = {p.name for p in REAL.iterdir() if p.suffix not in (".md", ".toml", ".py")}
    assert on_disk == {spec["name"] for spec in EXPECTED}
    assert len(on_disk) >= 25

"""Files from the wild at full size: a 100,000-row CP949 CSV and a 3-hour one-line Whisper JSON, made from the real
rows in tests/data/real; our loader (detection included) vs pandas.read_csv(encoding="cp949") / json.load."""

from __future__ import annotations

import importlib.util
import io
import json
import tempfile
from pathlib import Path

import pandas as pd

from bench.loading import _best
from core import formats
from core.formats import _json
from core.loaders import delimited, load_bytes, records
from core.loaders.decode import decode
from core.loaders.fast import SAMPLE_BYTES, sample_encoding

MAKE_LARGE = Path(__file__).resolve().parent.parent / "tests" / "data" / "real" / "make_large.py"


def _make_large():
    spec = importlib.util.spec_from_file_location("make_large", MAKE_LARGE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _compare(name: str, data: bytes, theirs, detect, rows: int, repeat: int) -> dict:
    """Best-of-N seconds: our whole load, the baseline, and our detection alone (encoding and format)."""
    ours = _best(lambda: load_bytes(name, data), repeat)
    baseline = _best(theirs, repeat)
    detection = _best(detect, repeat)
    table = load_bytes(name, data)
    assert len(table.df) == rows, (len(table.df), rows)
    return {
        "rows": rows,
        "bytes": len(data),
        "ours": ours,
        "baseline": baseline,
        "ratio": ours / baseline,
        "detection": detection,
        "detection_share": detection / baseline,
    }


def _detect_table(name: str, data: bytes) -> None:
    """What the fast path decides before pandas reads: the encoding from samples, the format from the start."""
    encoding = sample_encoding(data)
    head = formats.prepare(data[:SAMPLE_BYTES].decode(encoding, errors="ignore"))
    formats.best(name, head)
    records.kind(head, name)
    delimited.well_formed(head, delimited.sniff_delimiter(head, ","))


def _transcript_detection(name: str, data: bytes, repeat: int) -> float:
    """Seconds to decode the whole text and ask every format, the JSON document already parsed (reading needs that
    parse anyway, so it is not detection)."""
    text = formats.prepare(decode(data, name).text)
    _json.load(text)  # kept between the sniffs, as the loader does
    try:
        return _best(lambda: decode(data, name), repeat) + _best(lambda: formats._best(name, text), repeat)
    finally:
        _json.load.cache_clear()


def cp949_csv(rows: int = 100_000, repeat: int = 5) -> dict:
    """The CP949 CSV: our load_bytes vs pandas.read_csv(encoding="cp949") on the same bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        data = _make_large().cp949_csv(Path(tmp) / "emotions.csv", rows).read_bytes()
    result = _compare(
        "emotions.csv",
        data,
        lambda: pd.read_csv(io.BytesIO(data), encoding="cp949"),
        lambda: _detect_table("emotions.csv", data),
        rows,
        repeat,
    )
    text_read = _best(lambda: pd.read_csv(io.BytesIO(data), encoding="cp949", dtype=str, na_filter=False), repeat)
    # pandas reading every cell as text, as we do (no number inference): the like-for-like parse
    return result | {"encoding": load_bytes("emotions.csv", data).encoding, "pandas_as_text": text_read}


def whisper_json(hours: float = 3.0, repeat: int = 5) -> dict:
    """The one-line Whisper JSON: our load_bytes vs json.load on the same bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        data = _make_large().whisper_json(Path(tmp) / "meeting.json", hours * 3600).read_bytes()
    rows = len(json.loads(data)["segments"])
    result = _compare("meeting.json", data, lambda: json.load(io.BytesIO(data)), lambda: None, rows, repeat)
    detection = _transcript_detection("meeting.json", data, repeat)
    return result | {
        "chars_on_line_1": len(data.decode("utf-8")),
        "hours": hours,
        "detection": detection,
        "detection_share": detection / result["baseline"],
    }

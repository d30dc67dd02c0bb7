"""Big delimited files fast: the encoding decided on samples of the start, middle and end, the format on the start,
then pandas' C parser reads the bytes whole and strictly. Anything else, or any doubt, takes the careful path."""

from __future__ import annotations

import pandas as pd

from core import formats
from core.loaders import delimited, records
from core.loaders.decode import BOMS, _korean, _strict
from core.settings import Limits

MIN_BYTES = 1_000_000  # smaller files are read carefully: it costs nothing noticeable
SAMPLE_BYTES = 65_536


def _lines(chunk: bytes, start: bool, end: bool) -> bytes:
    """The whole lines of a chunk cut out of a file (a cut may split a character)."""
    if not start:
        chunk = chunk[chunk.find(b"\n") + 1 :]
    if not end:
        chunk = chunk[: chunk.rfind(b"\n") + 1]
    return chunk


def sample_encoding(data: bytes) -> str | None:
    """UTF-8 (with or without a BOM) or CP949 Korean, judged on the start, middle and end; None when in doubt."""
    bom = next((encoding for mark, encoding in BOMS if data.startswith(mark)), None)
    if bom not in (None, "utf-8-sig") or b"\x00" in data[:4000]:
        return None
    middle = len(data) // 2
    samples = b"".join(
        (
            _lines(data[:SAMPLE_BYTES], True, False),
            _lines(data[middle : middle + SAMPLE_BYTES], False, False),
            _lines(data[-SAMPLE_BYTES:], False, True),
        )
    )
    if _strict(samples, "utf-8") is not None:
        return bom or "utf-8"
    cp949 = _strict(samples, "cp949")
    return "cp949" if cp949 is not None and _korean(cp949) else None


def fast_table(name: str, data: bytes, limits: Limits, hints: dict[str, str]) -> tuple[pd.DataFrame, str, str] | None:
    """(table, "csv" or "tsv", encoding) for a big well-formed delimited table; None for the careful path."""
    if len(data) < MIN_BYTES:
        return None
    encoding = sample_encoding(data)
    head = _strict(_lines(data[:SAMPLE_BYTES], True, False), encoding) if encoding else None
    if not head:
        return None
    head = formats.prepare(head)
    claim = formats.best(name, head)
    if (claim is not None and claim.score >= formats.STRONG) or records.kind(head, name):
        return None
    ext = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    delimiter = delimited.sniff_delimiter(head, hints.get(ext))
    if not delimiter or (ext == "txt" and delimiter != "\t") or not delimited.well_formed(head, delimiter):
        return None
    df = delimited.read_fast(data, delimiter, name, limits, encoding)
    return None if df is None else (df, "tsv" if delimiter == "\t" else "csv", encoding)

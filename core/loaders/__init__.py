"""Files in, tables out: detect what a file is by its content, parse it, and keep it within limits.

A format is one small parser; transcript exports (VTT, SRT, Whisper, Otter, CLOVA Note…) live in core.formats
and are tried first for text files.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from core.errors import InputError
from core.loaders import delimited, excel, text
from core.loaders.columns import check_cells, check_rows, guess_speaker_column, guess_text_column
from core.loaders.decode import Decoded, decode
from core.settings import DEFAULT_LIMITS, Limits

SUPPORTED_EXTENSIONS = ("txt", "csv", "tsv", "xlsx", "vtt", "srt", "json")
TEXT_HINTS = {"csv": ",", "tsv": "\t"}
WORKBOOK_EXTENSIONS = ("xlsx", "xlsm")
WORKBOOK_MAGIC = (excel.ZIP_MAGIC, excel.OLE2_MAGIC)


@dataclass
class Table:
    """A loaded file: its rows as text, where it came from, and the best guess of its columns."""

    df: pd.DataFrame
    name: str
    kind: str
    encoding: str | None = None
    sheets: list[str] = field(default_factory=list)
    sheet: str | None = None
    text_column: str = "text"
    speaker_column: str | None = None


def _extension(name: str) -> str:
    return Path(name).suffix.lower().lstrip(".")


def _text_table(data: bytes, name: str, limits: Limits) -> tuple[pd.DataFrame, str, str]:
    decoded = _decode(data, name)
    body = decoded.text
    if not body.strip():
        raise InputError(f"{name} is empty.", code="input.empty", name=name)
    # A line may hold several cells, so only an absurd one is refused before parsing (cells are checked after).
    long = _long_line(body, limits.max_cell_chars * 4)
    if long is not None:
        raise InputError(
            f"{name}: line {long[0]} is {long[1]:,} characters long; the limit for a cell is "
            f"{limits.max_cell_chars:,}.",
            code="input.cell_too_long",
            name=name,
            row=long[0],
        )
    ext = _extension(name)
    transcript = _transcript(name, body)
    if transcript is not None:
        return transcript[1], transcript[0], decoded.encoding
    delimiter = delimited.sniff_delimiter(body, TEXT_HINTS.get(ext))
    # Excel's "Unicode text" export is a tab-separated .txt; commas in a .txt are far more often prose.
    if ext in TEXT_HINTS or (delimiter and (ext != "txt" or delimiter == "\t")):
        kind = "tsv" if delimiter == "\t" else "csv"
        return delimited.parse(body, name, limits, TEXT_HINTS.get(ext)), kind, decoded.encoding
    return text.parse(body), "transcript", decoded.encoding


def _decode(data: bytes, name: str) -> Decoded:
    try:
        return decode(data, name)
    except InputError as exc:
        if exc.code != "input.binary":
            raise
        if _extension(name) in WORKBOOK_EXTENSIONS:
            raise InputError(
                f"{name} is not a real Excel file (it is not a zip archive).", code="input.not_xlsx", name=name
            ) from None
        kinds = ", ".join(f".{ext}" for ext in SUPPORTED_EXTENSIONS)
        raise InputError(f"{exc.message} Supported files: {kinds}.", code=exc.code, name=name) from None


def _long_line(body: str, limit: int) -> tuple[int, int] | None:
    """(1-based number, length) of the first line longer than `limit`, found without copying the text."""
    if len(body) <= limit:
        return None
    start, number = 0, 1
    while start <= len(body):
        end = body.find("\n", start)
        end = len(body) if end == -1 else end
        if end - start > limit:
            return number, end - start
        start, number = end + 1, number + 1
    return None


def _transcript(name: str, body: str) -> tuple[str, pd.DataFrame] | None:
    try:
        from core import formats
    except ImportError:  # the transcript formats package is optional
        return None
    return formats.parse_transcript(name, body)


def load_bytes(name: str, data: bytes, *, sheet: str | None = None, limits: Limits = DEFAULT_LIMITS) -> Table:
    """Read an uploaded file (any supported kind, detected by content) into a Table."""
    name = name or "the file"
    _check_size(name, len(data), limits)
    if not data.strip():
        raise InputError(f"{name} is empty.", code="input.empty", name=name)
    if data.startswith(WORKBOOK_MAGIC) or (_extension(name) in WORKBOOK_EXTENSIONS and b"\x00" in data[:1024]):
        df, sheets, chosen = excel.parse(data, name, limits, sheet)
        return _finish(Table(df, name, "xlsx", None, sheets, chosen), limits)
    df, kind, encoding = _text_table(data, name, limits)
    return _finish(Table(df, name, kind, encoding), limits)


def _finish(table: Table, limits: Limits) -> Table:
    if table.df.empty or not len(table.df.columns):
        raise InputError(f"{table.name} has no rows.", code="input.empty", name=table.name)
    check_rows(len(table.df), table.name, limits)
    check_cells(table.df, table.name, limits)
    table.df = table.df.reset_index(drop=True)
    if list(table.df.columns) == text.COLUMNS:  # an utterance table from a transcript parser
        table.text_column = "text"
        table.speaker_column = "speaker" if table.df["speaker"].str.len().sum() else None
    else:
        table.text_column = guess_text_column(table.df)
        table.speaker_column = guess_speaker_column(table.df, table.text_column)
    return table


def load_path(path: str | os.PathLike, *, sheet: str | None = None, limits: Limits = DEFAULT_LIMITS) -> Table:
    """Read a file from disk into a Table."""
    path = Path(path)
    try:
        _check_size(path.name, path.stat().st_size, limits)
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(
            f"Cannot read {path}: {exc.strerror or exc}", code="input.unreadable", name=str(path)
        ) from None
    return load_bytes(path.name, data, sheet=sheet, limits=limits)


def _check_size(name: str, size: int, limits: Limits) -> None:
    if size > limits.max_bytes:
        raise InputError(
            f"{name} is {_size(size)}; the limit is {_size(limits.max_bytes)}.",
            code="input.too_large",
            name=name,
            size=size,
        )


def _size(count: int) -> str:
    return f"{count / 1e6:,.1f} MB" if count >= 100_000 else f"{count:,} bytes"

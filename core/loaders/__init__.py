"""Files in, tables out: detect what a file is by its content, parse it, and keep it within limits.

A format is one small parser; transcript exports (VTT, SRT, Whisper, Otter, CLOVA Note…) live in core.formats
and are tried first for text files.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from core import formats
from core.errors import InputError
from core.loaders import delimited, excel, records, text
from core.loaders.columns import check_cells, check_rows, guess_speaker_column, guess_text_column
from core.loaders.decode import Decoded, decode
from core.loaders.fast import fast_table
from core.settings import DEFAULT_LIMITS, Limits

SUPPORTED_EXTENSIONS = ("txt", "csv", "tsv", "xlsx", "vtt", "srt", "json", "jsonl")
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
    body, encoding = decoded.text, decoded.encoding
    if not body.strip():
        raise InputError(f"{name} is empty.", code="input.empty", name=name)
    # Structured formats first (subtitles, Whisper's JSON, record files): their limits apply to the cells they
    # yield, checked once parsed, not to their lines (Whisper writes a whole meeting on line 1).
    strong = _transcript(name, body, formats.STRONG)
    if strong is not None:
        return strong[1], strong[0], encoding
    if records.kind(body, name):
        df, kind = records.parse(body, name, limits)
        return df, kind, encoding
    ext = _extension(name)
    delimiter = delimited.sniff_delimiter(body, TEXT_HINTS.get(ext))
    # Excel's "Unicode text" export is a tab-separated .txt; commas in a .txt are far more often prose.
    tabular = ext in TEXT_HINTS or bool(delimiter and (ext != "txt" or delimiter == "\t"))
    table_kind = "tsv" if (delimiter or TEXT_HINTS.get(ext)) == "\t" else "csv"
    # A file that parses as a well-formed table stays a table, whatever its cells hold ("Name: text" dialogues).
    if tabular and delimited.well_formed(body, delimiter):
        return _delimited(body, name, limits, TEXT_HINTS.get(ext)), table_kind, encoding
    _refuse_long_lines(body, name, limits)
    weak = _transcript(name, body)
    if weak is not None:
        return weak[1], weak[0], encoding
    if tabular:
        return _delimited(body, name, limits, TEXT_HINTS.get(ext)), table_kind, encoding
    return text.parse(body), "transcript", encoding


def _delimited(body: str, name: str, limits: Limits, hint: str | None) -> pd.DataFrame:
    """The table through the fast parser, which checks its cells; the careful one only after the line check."""
    fast = delimited.parse_fast(body, name, limits, hint)
    if fast is not None:
        return fast
    _refuse_long_lines(body, name, limits)
    return delimited.parse(body, name, limits, hint)


def _refuse_long_lines(body: str, name: str, limits: Limits) -> None:
    """Refuse an absurd line before a line-based parser reads it (a line may hold several cells: 4 cells' worth)."""
    long = _long_line(body, limits.max_cell_chars * 4)
    if long is not None:
        raise InputError(
            f"{name}: line {long[0]} is {long[1]:,} characters long; the limit for a cell is "
            f"{limits.max_cell_chars:,}.",
            code="input.cell_too_long",
            name=name,
            row=long[0],
        )


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
    """(1-based number, length) of the first line longer than `limit` (lengths measured in C, numbered only then)."""
    if len(body) <= limit:
        return None
    lines = body.split("\n")
    if max(map(len, lines)) <= limit:
        return None
    number = next(i for i, line in enumerate(lines) if len(line) > limit)
    return number + 1, len(lines[number])


def _transcript(name: str, body: str, min_score: float = 0.0) -> tuple[str, pd.DataFrame] | None:
    return formats.parse_transcript(name, body, min_score)


def load_bytes(name: str, data: bytes, *, sheet: str | None = None, limits: Limits = DEFAULT_LIMITS) -> Table:
    """Read an uploaded file (any supported kind, detected by content) into a Table."""
    name = name or "the file"
    _check_size(name, len(data), limits)
    if not data.strip():
        raise InputError(f"{name} is empty.", code="input.empty", name=name)
    if data.startswith(WORKBOOK_MAGIC) or (_extension(name) in WORKBOOK_EXTENSIONS and b"\x00" in data[:1024]):
        df, sheets, chosen = excel.parse(data, name, limits, sheet)
        return _finish(Table(df, name, "xlsx", None, sheets, chosen), limits)
    found = fast_table(name, data, limits, TEXT_HINTS) or _text_table(data, name, limits)
    df, kind, encoding = found
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

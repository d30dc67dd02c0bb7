"""CSV and TSV: delimiter sniffed, quoted commas, quotes and newlines kept, ragged rows padded."""

from __future__ import annotations

import csv
import io
from collections import Counter

import pandas as pd

from core.errors import InputError
from core.loaders.columns import check_rows, grid_table, header_table
from core.settings import Limits

DELIMITERS = (",", "\t", ";", "|")
WELL_FORMED = 0.95


def _consistency(sample: str, delimiter: str) -> float:
    """Share of rows with the most common field count (quotes respected), 0 when that count is 1."""
    try:
        widths = [len(row) for row in csv.reader(io.StringIO(sample), delimiter=delimiter) if row]
    except csv.Error:
        return 0.0
    if not widths:
        return 0.0
    common = Counter(widths).most_common(1)[0][0]
    return 0.0 if common < 2 else sum(w == common for w in widths) / len(widths) + common / 10_000


def sniff_delimiter(text: str, hint: str | None = None) -> str | None:
    """The delimiter that splits the first rows most consistently, or None when none does."""
    sample = text[:50_000]
    if len(text) > len(sample):
        sample = sample[: sample.rfind("\n") + 1] or sample
    scores = {d: _consistency(sample, d) for d in DELIMITERS}
    if hint and scores.get(hint, 0) >= 0.5:
        return hint
    best = max(scores, key=scores.get)
    return best if scores[best] >= 0.8 else None


def well_formed(text: str, delimiter: str | None) -> bool:
    """Records (quotes respected, cells may span lines) that nearly all split into the same two or more columns."""
    if not delimiter:
        return False
    sample = text[:50_000]
    if len(text) > len(sample):
        sample = sample[: sample.rfind("\n") + 1] or sample
    return _consistency(sample, delimiter) >= WELL_FORMED


def read_fast(source: bytes, delimiter: str, name: str, limits: Limits, encoding: str = "utf-8") -> pd.DataFrame | None:
    """The table through pandas' C parser, or None to take the careful path (ragged rows, a stray or unclosed
    quote, a giant cell, a capped read, bytes not all in `encoding`), which says exactly where the trouble is."""
    cap = limits.max_rows + 2
    try:
        grid = pd.read_csv(
            io.BytesIO(source),
            encoding=encoding,
            sep=delimiter,
            header=None,
            dtype=str,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
            nrows=cap,
        )
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError):
        return None
    if len(grid) >= cap or any(grid[c].str.len().max() > limits.max_cell_chars for c in grid.columns if len(grid)):
        return None  # the careful path names the line of the long cell
    # A quoted cell keeps its CR in pandas (the careful path gives LF); only a record that spans lines can hold one.
    if b"\r" in source and b'"' in source and len(grid) != source.count(b"\n") + (not source.endswith(b"\n")):
        for column in grid.columns:
            if grid[column].str.contains("\r", regex=False).any():
                grid[column] = grid[column].str.replace("\r\n", "\n", regex=False).str.replace("\r", "\n", regex=False)
    return grid_table(grid, name, limits)


def parse_fast(text: str, name: str, limits: Limits, hint: str | None = None) -> pd.DataFrame | None:
    """The table through pandas' C parser, or None when only the careful parser (parse) can read it."""
    return read_fast(text.encode("utf-8"), sniff_delimiter(text, hint) or hint or ",", name, limits)


def parse(text: str, name: str, limits: Limits, hint: str | None = None) -> pd.DataFrame:
    """Read delimited text into a table of strings."""
    delimiter = sniff_delimiter(text, hint) or hint or ","
    if csv.field_size_limit() <= limits.max_cell_chars:  # process-wide: only ever raised, never lowered
        csv.field_size_limit(limits.max_cell_chars + 1)
    try:
        return header_table(_rows(text, delimiter, name, limits, strict=True), name, limits)
    except csv.Error:
        # A stray quote inside a cell ('"x"y'): read it as Excel does rather than refuse the file.
        return header_table(_rows(text, delimiter, name, limits, strict=False), name, limits)


def _rows(text: str, delimiter: str, name: str, limits: Limits, strict: bool) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=strict)
    rows: list[list[str]] = []
    line = 1  # where the record being read starts (a quoted cell may span lines)
    try:
        for row in reader:
            rows.append(row)  # blank rows too: row numbers must match the spreadsheet's (frame drops trailing ones)
            check_rows(len(rows) - 1, name, limits)
            line = reader.line_num + 1
    except csv.Error as exc:
        if strict and "expected after" in str(exc):
            raise  # a stray quote: the caller reads the file again leniently
        raise _refusal(str(exc), line, name, limits) from None
    return rows


def _refusal(error: str, line: int, name: str, limits: Limits) -> InputError:
    if "field larger" in error:
        return InputError(
            f"{name}: line {line} holds a cell longer than {limits.max_cell_chars:,} characters, the limit.",
            code="input.cell_too_long",
            name=name,
            row=line,
        )
    if "unexpected end of data" in error:
        return InputError(
            f"{name}: the quote opened on line {line} is never closed, so the rest of the file "
            "would run into one cell.",
            code="input.csv_quote",
            name=name,
            line=line,
        )
    return InputError(f"{name}: line {line} cannot be read ({error}).", code="input.csv", name=name, line=line)

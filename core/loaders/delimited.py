"""CSV and TSV: delimiter sniffed, quoted commas, quotes and newlines kept, ragged rows padded."""
from __future__ import annotations

import csv
import io
from collections import Counter

import pandas as pd

from ..errors import InputError
from ..settings import Limits
from .columns import frame

DELIMITERS = (",", "\t", ";", "|")


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


def parse(text: str, name: str, limits: Limits, hint: str | None = None) -> pd.DataFrame:
    """Read delimited text into a table of strings."""
    delimiter = sniff_delimiter(text, hint) or hint or ","
    csv.field_size_limit(limits.max_cell_chars + 1)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = []
    try:
        for row in reader:
            rows.append(row)
            if len(rows) > limits.max_rows + 1:
                break
    except csv.Error as exc:
        if "field larger" in str(exc):
            raise InputError(f"{name}: line {reader.line_num} holds a cell longer than "
                             f"{limits.max_cell_chars:,} characters, the limit.", code="input.cell_too_long",
                             name=name, row=reader.line_num) from None
        raise InputError(f"{name}: line {reader.line_num} cannot be read ({exc}).", code="input.csv",
                         name=name, line=reader.line_num) from None
    return frame(rows, name, limits)

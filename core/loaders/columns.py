"""Tidy a parsed grid into a table of text, and guess which column holds the utterances and the speakers."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from core.errors import InputError
from core.settings import Limits

TEXT_NAMES = (
    "text",
    "utterance",
    "발화",
    "발화 내용",
    "내용",
    "대사",
    "문장",
    "원문",
    "텍스트",
    "transcript",
    "content",
    "message",
    "sentence",
    "대화",
)
SPEAKER_NAMES = ("speaker", "화자", "발화자", "발언자", "이름", "name", "참석자", "사용자", "role", "speaker_name")


def header_names(raw: Sequence[object]) -> list[str]:
    """Column names as text: blanks named column_N, repeats made unique with _2, _3…"""
    names: list[str] = []
    for i, value in enumerate(raw, start=1):
        name = str(value).strip() if value is not None else ""
        name = name or f"column_{i}"
        base, n = name, 2
        while name in names:
            name, n = f"{base}_{n}", n + 1
        names.append(name)
    return names


def header_table(rows: list[list[str]], name: str, limits: Limits) -> pd.DataFrame:
    """A header row plus body rows as a DataFrame of strings; ragged rows padded.

    Blank rows before the header and after the last row are dropped; blank rows between rows are kept as rows, so
    row numbers match the spreadsheet's (a blank row is skipped when run).
    """
    filled = [i for i, r in enumerate(rows) if any(str(c).strip() for c in r)]
    rows = rows[filled[0] : filled[-1] + 1] if filled else []
    if not rows:
        raise InputError(f"{name} has no data.", code="input.empty", name=name)
    if len(rows) == 1:
        raise InputError(f"{name} has a header but no rows.", code="input.header_only", name=name)
    width = max(len(r) for r in rows)
    header = header_names(list(rows[0]) + [""] * (width - len(rows[0])))
    body = [list(r) + [""] * (width - len(r)) if any(str(c).strip() for c in r) else [""] * width for r in rows[1:]]
    check_rows(len(body), name, limits)
    return pd.DataFrame(body, columns=header, dtype=object).fillna("").astype(str)


def grid_table(grid: pd.DataFrame, name: str, limits: Limits) -> pd.DataFrame:
    """header_table() for a grid of strings already in a DataFrame (pandas' C parser): same header, same blank rows."""
    blank = ~grid.apply(lambda column: column.str.strip() != "").any(axis=1)
    filled = (~blank).to_numpy().nonzero()[0]
    if not len(filled):
        raise InputError(f"{name} has no data.", code="input.empty", name=name)
    if len(filled) == 1:
        raise InputError(f"{name} has a header but no rows.", code="input.header_only", name=name)
    first, last = filled[0], filled[-1]
    header = header_names(list(grid.iloc[first]))
    body = grid.iloc[first + 1 : last + 1].copy()
    check_rows(len(body), name, limits)
    inside = blank.iloc[first + 1 : last + 1]
    if inside.any():
        body.loc[inside, :] = ""
    body.columns = header
    return body.reset_index(drop=True)


def check_rows(count: int, name: str, limits: Limits) -> None:
    """Refuse more rows than the limit allows."""
    if count > limits.max_rows:
        raise InputError(
            f"{name} has more than {limits.max_rows:,} rows, the limit. Split the file.",
            code="input.too_many_rows",
            name=name,
            rows=count,
        )


def check_cells(df: pd.DataFrame, name: str, limits: Limits) -> None:
    """Refuse a cell longer than the limit, naming its row and column."""
    for column in df.columns:
        lengths = df[column].str.len()
        if len(lengths) and lengths.max() > limits.max_cell_chars:
            row = int(lengths.idxmax()) + 1
            raise InputError(
                f"{name}: row {row}, column '{column}' holds {int(lengths.max()):,} characters; "
                f"the limit is {limits.max_cell_chars:,}.",
                code="input.cell_too_long",
                name=name,
                row=row,
                column=column,
            )


GUESS_ROWS = 2_000  # enough rows to tell text from numbers and codes


def _named(columns: Sequence[str], names: Sequence[str]) -> str | None:
    lowered = {c.casefold().strip(): c for c in columns}
    return next((lowered[n] for n in names if n in lowered), None)


def guess_text_column(df: pd.DataFrame) -> str:
    """The utterance column: a well-known name with text in it, else the column with the longest text."""
    named = _named(list(df.columns), TEXT_NAMES)
    if named is not None and df[named].str.len().mean() > 0:
        return named

    def score(column: str) -> float:
        values = df[column].head(GUESS_ROWS)
        numeric = values.str.fullmatch(r"[\d.,:\- ]*").mean()
        return values.str.len().mean() * (1 - numeric)

    return max(df.columns, key=score)


def guess_speaker_column(df: pd.DataFrame, text_column: str) -> str | None:
    """The speaker column when one is named like it (화자, speaker, 이름…) and is not the text."""
    named = _named([c for c in df.columns if c != text_column], SPEAKER_NAMES)
    return named

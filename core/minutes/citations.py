"""Citations read back from minutes as Markdown (also after the user edited them): which rows each bullet rests on.

Both the model's minutes and the offline engine's extractive summary end a bullet with `[#12 03:04, #15]`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from core.cells import cell_text
from core.minutes.transcript import clock

CITATION = re.compile(r"\[(#\d+[^\[\]\n]*)\]")  # a bracketed group that starts with a row number
ROW = re.compile(r"#(\d+)")
BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
HEADING = re.compile(r"^\s{0,3}##\s+(.*?)\s*#*\s*$")  # level two only: the offline summary's ### spans stay inside


@dataclass(frozen=True)
class Cited:
    """One bullet: the section it is in, its text without the citations, and the rows it cites (from 1)."""

    section: str
    text: str
    rows: tuple[int, ...]


def citations(markdown: str) -> list[Cited]:
    """Every bullet that cites rows, in order, with the `## ` section it stands in."""
    section, found = "", []
    for line in markdown.splitlines():
        if heading := HEADING.match(line):
            section = heading.group(1)
            continue
        bullet = BULLET.match(line)
        if bullet is None:
            continue
        groups = CITATION.findall(bullet.group(1))
        rows = tuple(dict.fromkeys(int(n) for group in groups for n in ROW.findall(group)))
        if rows:
            found.append(Cited(section, CITATION.sub("", bullet.group(1)).strip(), rows))
    return found


def by_section(cited: Sequence[Cited]) -> dict[str, list[Cited]]:
    """The bullets grouped by section, sections in the order they first appear."""
    groups: dict[str, list[Cited]] = {}
    for item in cited:
        groups.setdefault(item.section, []).append(item)
    return groups


def _cell(rec: pd.Series, column: str | None) -> str:
    if not column or column not in rec.index:
        return ""
    return cell_text(rec[column]).strip()


def sources(
    df: pd.DataFrame,
    cited: Sequence[Cited],
    text_column: str,
    speaker_column: str | None = None,
    time_column: str = "start",
) -> pd.DataFrame:
    """The utterances behind bullets, one line per cited row: item, row, time, speaker, text (rows not in the table
    are left out)."""
    lines = []
    for number, item in enumerate(cited, start=1):
        for row in item.rows:
            if not 0 < row <= len(df):
                continue
            rec = df.iloc[row - 1]
            lines.append(
                {
                    "item": number,
                    "point": item.text,
                    "row": row,
                    "time": clock(_cell(rec, time_column)),
                    "speaker": _cell(rec, speaker_column),
                    "text": _cell(rec, text_column),
                }
            )
    return pd.DataFrame(lines, columns=["item", "point", "row", "time", "speaker", "text"])

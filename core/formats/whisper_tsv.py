"""Whisper's .tsv: a "start<TAB>end<TAB>text" header, then times in whole milliseconds."""

from __future__ import annotations

import re

import pandas as pd

from core.formats._common import Row, head, seconds, tidy, utterance_table

HEADER = "start\tend\ttext"
ROW = re.compile(r"^\s*(\d{1,12})\t(\d{1,12})\t(.*)$")


def sniff(name: str, text: str) -> bool:
    """The header Whisper writes, followed by a row of two whole numbers and text."""
    lines = head(text, 4096)
    return len(lines) >= 2 and lines[0].lower() == HEADER and ROW.match(lines[1]) is not None


def parse(text: str) -> pd.DataFrame:
    """One utterance per row; a line that is not a row continues the text above it."""
    rows: list[Row] = []
    for line in text.split("\n")[1:]:
        match = ROW.match(line)
        if match:
            rows.append((seconds(int(match.group(1))), seconds(int(match.group(2))), "", tidy(match.group(3))))
        elif rows and line.strip():
            start, end, speaker, said = rows[-1]
            rows[-1] = (start, end, speaker, tidy(f"{said} {line}"))
    return utterance_table(rows)

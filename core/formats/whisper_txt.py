"""Whisper's console transcript saved as text: "[00:01.000 --> 00:04.000]  text" (whisper.cpp adds hours).
Whisper's plain .txt (one segment per line, no times) has no mark of its own and is left to the loader."""

from __future__ import annotations

import re

import pandas as pd

from core.formats._common import Row, clock_ms, head, seconds, tidy, utterance_table

_TIME = r"(?:\d{1,3}:)?\d{1,2}:\d{2}[.,]\d{3}"
LINE = re.compile(rf"^\s*\[({_TIME})\s*-->\s*({_TIME})\]\s*(.*)$")
MIN_SHARE = 0.6


def sniff(name: str, text: str) -> bool:
    """Starts with a "[start --> end]" line and most lines are such lines."""
    lines = head(text)
    if not lines or not LINE.match(lines[0]):
        return False
    return sum(bool(LINE.match(line)) for line in lines) / len(lines) >= MIN_SHARE


def parse(text: str) -> pd.DataFrame:
    """One utterance per timed line; an untimed line continues the one above."""
    rows: list[Row] = []
    for line in text.split("\n"):
        match = LINE.match(line)
        if match:
            start, end, said = match.groups()
            rows.append((seconds(clock_ms(start)), seconds(clock_ms(end)), "", tidy(said)))
        elif rows and line.strip():
            rows[-1] = (*rows[-1][:3], tidy(f"{rows[-1][3]} {line}"))
    return utterance_table(rows)

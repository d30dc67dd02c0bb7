"""Timed speaker lines: "[00:01:02] Name: text", "(01:02) Name: text", "00:01:02 Name: text", optionally a range."""

from __future__ import annotations

import re

import pandas as pd

from core.formats._common import (
    Row,
    clock_ms,
    head,
    labels_look_like_speakers,
    seconds,
    split_speaker,
    tidy,
    utterance_table,
)

_TIME = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
LINE = re.compile(rf"^\s*([\[(]?)({_TIME})(?:\s*(?:-->|[-–~])\s*({_TIME}))?([\])]?)\s*(?:[-–—|]\s+)?(.*)$")
MIN_SHARE = 0.6


def _split(line: str) -> tuple[int | None, int | None, str] | None:
    """(start, end, rest) for a line that starts with a time (bracketed, or followed by a space)."""
    match = LINE.match(line)
    if not match:
        return None
    opened, start, end, closed, rest = match.groups()
    if bool(opened) != bool(closed) or (not opened and rest and not line[match.start(5) - 1].isspace()):
        return None
    return clock_ms(start), clock_ms(end) if end else None, rest


def sniff(name: str, text: str) -> bool:
    """Most lines start with a time, and the lines after the times are "Name: text" with recurring names."""
    lines = head(text)
    timed = [parts for parts in map(_split, lines) if parts and parts[0] is not None]
    if len(timed) < 2 or len(timed) / len(lines) < MIN_SHARE:
        return False
    return labels_look_like_speakers([split_speaker(rest)[0] for _, _, rest in timed])


def parse(text: str) -> pd.DataFrame:
    """One utterance per timed line; an untimed line continues the one above."""
    rows: list[Row] = []
    for line in (line for line in text.split("\n") if line.strip()):
        parts = _split(line)
        if parts and parts[0] is not None:
            speaker, said = split_speaker(parts[2])
            rows.append((seconds(parts[0]), seconds(parts[1]), speaker or "", tidy(said)))
        elif rows:
            rows[-1] = (*rows[-1][:3], tidy(f"{rows[-1][3]} {line}"))
        else:
            rows.append(("", "", "", tidy(line)))
    return utterance_table(rows)

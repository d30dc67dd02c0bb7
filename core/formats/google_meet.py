"""Google Meet transcript (.txt from the Docs file): title, "Attendees" and their names, "Transcript", then
"Name: text" paragraphs with a "00:05:00" marker line every few minutes, and "Meeting ended after …"."""

from __future__ import annotations

import re

import pandas as pd

from core.formats._common import Row, clock_ms, head, seconds, split_speaker, tidy, utterance_table

ATTENDEES = ("attendees", "참석자")
TRANSCRIPT = ("transcript", "스크립트", "트랜스크립트", "녹취록")
MARKER = re.compile(r"^\d{1,2}:\d{2}:\d{2}$")
ENDED = re.compile(r"^(?:meeting ended after\b|회의 종료)", re.IGNORECASE)
# Meet adds a notice that the transcript was machine-made; it is not part of the meeting.
NOTICE = re.compile(r"^this editable transcript was computer generated|^이 수정 가능한 스크립트는", re.IGNORECASE)
HEAD_LINES = 30


def sniff(name: str, text: str) -> bool:
    """An "Attendees" line near the top, marker or "Meeting ended" lines, and "Name: text" lines."""
    lines = head(text)
    if not any(line.lower() in ATTENDEES for line in lines[:HEAD_LINES]):
        return False
    timed = any(MARKER.match(line) or ENDED.match(line) for line in lines)
    return timed and sum(split_speaker(line)[0] is not None for line in lines) >= 1


def _body(lines: list[str]) -> list[str]:
    """The lines after the header: after "Transcript", or after the line of attendees' names."""
    top = next(i for i, line in enumerate(lines) if line.lower() in ATTENDEES)
    after = next((i for i in range(top + 1, len(lines)) if lines[i].lower() in TRANSCRIPT), top + 1)
    return lines[after + 1 :]


def _rows(lines: list[str]) -> list[Row]:
    rows: list[Row] = []
    marker: int | None = None
    for line in lines:
        if ENDED.match(line) or NOTICE.match(line):
            continue
        if MARKER.match(line):
            marker = clock_ms(line)
            continue
        speaker, said = split_speaker(line)
        if speaker is not None or not rows:
            # the marker says when the next turn began, roughly: only that turn gets it as its start
            rows.append((seconds(marker), "", speaker or "", said))
            marker = None
        else:
            rows[-1] = (*rows[-1][:3], tidy(f"{rows[-1][3]} {line}"))
    return rows


def parse(text: str) -> pd.DataFrame:
    """One utterance per "Name: text" paragraph; a marker gives the start of the turn after it."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    return utterance_table(_rows(_body(lines)))

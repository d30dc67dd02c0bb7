"""Plain .txt: "Speaker: text" lines (optionally timed) become utterances; other text, paragraphs or lines."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import pandas as pd

COLUMNS = ["start", "end", "speaker", "text"]
_TIME = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
TIMED = re.compile(rf"^\s*[\[(]?\s*({_TIME})(?:\s*(?:-->|-|–|~)\s*({_TIME}))?\s*[\])]?\s+(.*)$")
SPEAKER = re.compile(r"^([^:：\s][^:：]{0,29}?)\s*[:：]\s*(.*)$")
MAX_LABEL_WORDS = 4
SPEAKER_LINE_SHARE = 0.5


@dataclass
class _Line:
    start: str
    speaker: str | None
    text: str
    end: str = ""


def _seconds(clock: str | None) -> str:
    """ "01:02:03.5" or "01:02" (minutes:seconds) as seconds like "3723.5"; "" for None."""
    if not clock:
        return ""
    whole, _, frac = clock.replace(",", ".").partition(".")
    parts = [int(p) for p in whole.split(":")]
    total = sum(p * 60**i for i, p in enumerate(reversed(parts))) + (float(f"0.{frac}") if frac else 0)
    return str(round(float(total), 3))


def _label(candidate: str) -> bool:
    """Short, a few words, not a URL or a clock time: the shape of a speaker's name."""
    words = candidate.split()
    return (
        0 < len(words) <= MAX_LABEL_WORDS
        and candidate[0].isalnum()
        and not candidate.startswith("http")
        and not re.fullmatch(r"[\d\s.]+", candidate)
    )


def _split(line: str) -> _Line:
    start = end = ""
    timed = TIMED.match(line)
    if timed:
        start, end, line = _seconds(timed.group(1)), _seconds(timed.group(2)), timed.group(3)
    match = SPEAKER.match(line)
    if match and _label(match.group(1)) and not match.group(2).startswith("//"):
        return _Line(start, match.group(1).strip(), match.group(2).strip(), end)
    return _Line(start, None, line.strip(), end)


def _speakers(lines: list[_Line]) -> set[str]:
    """Labels accepted as speakers: recurring ones, or all when most lines carry one."""
    labels = Counter(line.speaker for line in lines if line.speaker)
    share = sum(labels.values()) / max(1, len(lines))
    if share >= SPEAKER_LINE_SHARE:
        # A one-off "Note: 10:30" or "Date: 2024-05-03" is a key and its value, not someone speaking.
        values = {line.speaker for line in lines if labels[line.speaker] == 1 and line.text[:1].isdigit()}
        return set(labels) - values
    recurring = {label for label, n in labels.items() if n >= 2}
    return recurring if recurring and share >= 0.3 else set()


def _utterances(lines: list[_Line], speakers: set[str]) -> list[list[str]]:
    rows: list[list[str]] = []
    for line in lines:
        if line.speaker in speakers:
            rows.append([line.start, line.end, line.speaker, line.text])
        elif rows and not line.start:
            text = f"{line.speaker}: {line.text}" if line.speaker else line.text
            rows[-1][3] = f"{rows[-1][3]} {text}".strip()
        else:
            rows.append([line.start, line.end, "", f"{line.speaker}: {line.text}" if line.speaker else line.text])
    return rows


def _paragraphs(text: str) -> list[list[str]]:
    blocks = re.split(r"\n\s*\n", text) if re.search(r"\n\s*\n", text.strip()) else text.split("\n")
    return [["", "", "", " ".join(b.split())] for b in blocks if b.strip()]


def parse(text: str) -> pd.DataFrame:
    """Utterances with start, end, speaker and text (times in seconds, "" when unknown)."""
    lines = [_split(line) for line in text.split("\n") if line.strip()]
    speakers = _speakers(lines)
    if speakers or any(line.start for line in lines):
        rows = _utterances(lines, speakers)
    else:
        rows = _paragraphs(text)
    return pd.DataFrame(rows, columns=COLUMNS, dtype=object).astype(str)

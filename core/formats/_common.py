"""Helpers every transcript format shares: tolerant text, clock times, speaker labels, the utterance table."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

import pandas as pd

COLUMNS = ["start", "end", "speaker", "text"]
Row = tuple[str, str, str, str]
HEAD_CHARS = 65_536
CLOCK = re.compile(r"(?:(\d{1,3}):)?(\d{1,3}):(\d{2})(?:[.,](\d{1,3}))?")
SPEAKER_LINE = re.compile(r"^\s*([^:：\n]{1,40}?)\s*[:：]\s*(.*)$")
# Commas, tabs, quotes and brackets mark CSV rows, JSON and code, not a person's name.
NOT_IN_LABEL = re.compile(r"https?|//|[,;|=\t\"{}\[\]<>]")
DATE = re.compile(r"\d{2,4}\s?[./-]\s?\d{1,2}\s?[./-]")
# WhisperX and other diarizers write "[SPEAKER_00]: text".
BRACKETED = re.compile(r"^\s*\[([^\]\n]{1,40})\]\s*[:：]\s*(.*)$")
# The dash that starts a speaker's turn in subtitles ("- Déjala." / "-Euh, là-bas"), not a minus ("-5") or "---".
TURN_DASH = re.compile(r"^[-‐–—](?:\s+|(?=[^\d\s\-‐–—]))")


def prepare(text: str) -> str:
    """Text without a BOM, with LF line ends, in NFC (macOS writes Hangul decomposed)."""
    text = text.lstrip("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


@functools.lru_cache(maxsize=4)
def head(text: str, limit: int = HEAD_CHARS) -> list[str]:
    """The non-blank lines, stripped, of the start of the text: enough to recognise a format cheaply (kept between
    the sniffs of one upload; the caller must not change the list)."""
    sample = text[:limit]
    if len(text) > limit and "\n" in sample:
        sample = sample[: sample.rfind("\n")]
    return [line.strip() for line in sample.split("\n") if line.strip()]


def tidy(text: str) -> str:
    """Runs of whitespace, newlines included, as one space."""
    return " ".join(text.split())


def seconds(ms: int | None) -> str:
    """Milliseconds as seconds text: 62500 -> "62.5", 5000 -> "5.0", None -> ""."""
    if ms is None or ms < 0:
        return ""
    whole, frac = divmod(ms, 1000)
    text = f"{whole}.{frac:03d}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def clock_ms(value: str) -> int | None:
    """A clock time (H:MM:SS, M:SS, with .mmm or ,mmm) in milliseconds, or None when it is not one."""
    match = CLOCK.fullmatch(value.strip())
    if not match:
        return None
    hours, minutes, secs, frac = match.groups()
    if int(secs) > 59 or (hours and int(minutes) > 59):
        return None
    return ((int(hours or 0) * 60 + int(minutes)) * 60 + int(secs)) * 1000 + int((frac or "0").ljust(3, "0"))


def is_label(label: str) -> bool:
    """Short, a few words, starting with a letter or digit, no URL, date or CSV punctuation: a name."""
    words = label.split()
    return (
        0 < len(words) <= 4
        and len(label) <= 40
        and label[0].isalnum()
        and not NOT_IN_LABEL.search(label)
        and not re.fullmatch(r"[\d\s.:]+", label)
        and not DATE.search(label)
    )


def split_speaker(line: str) -> tuple[str | None, str]:
    """("Name", "text") for a "Name: text" or "[Name]: text" line, else (None, line)."""
    bracketed = BRACKETED.match(line)
    if bracketed and is_label(bracketed.group(1).strip()):
        return bracketed.group(1).strip(), bracketed.group(2).strip()
    match = SPEAKER_LINE.match(line)
    if not match:
        return None, line
    label, rest = match.group(1).strip(), match.group(2).strip()
    if not is_label(label) or (label[-1].isdigit() and rest[:1].isdigit()):  # "10:30" is a time, not a name
        return None, line
    return label, rest


def speaker_prefix(text: str) -> tuple[str | None, str]:
    """("Name", "text") when a caption starts with "Name: " and says something after it, else (None, text)."""
    label, rest = split_speaker(text)
    return (label, rest) if label is not None and rest else (None, text)


def turns(lines: list[str]) -> list[str]:
    """A subtitle cue's lines as the turns said in it: two speakers in one cue ("- A" / "- B") are two turns.

    A line that starts with a dialogue dash opens a turn (the first line without one continues the speaker before);
    the dashes are dropped. A cue without such dashes is one turn.
    """
    kept = [line.strip() for line in lines if line.strip()]
    if not any(TURN_DASH.match(line) for line in kept):
        return [tidy(" ".join(kept))] if kept else []
    said: list[str] = []
    for line in kept:
        dash = TURN_DASH.match(line)
        if dash or not said:
            said.append(line[dash.end() :] if dash else line)
        else:
            said[-1] = f"{said[-1]} {line}"
    return [tidy(turn) for turn in said if turn.strip()]


def labels_look_like_speakers(labels: list[str | None], min_share: float = 0.5) -> bool:
    """Most lines carry a label, and labels recur: dialogue, not a header block of unique "Key: value" lines."""
    named = [label for label in labels if label]
    if not named or len(named) / len(labels) < min_share:
        return False
    return len(named) <= 2 or Counter(named).most_common(1)[0][1] >= 2


def utterance_table(rows: Iterable[Row]) -> pd.DataFrame:
    """The utterance table: start, end, speaker, text as strings; rows without text dropped."""
    kept = [row for row in rows if row[3]]
    return pd.DataFrame(kept, columns=COLUMNS, dtype=object).astype(str)

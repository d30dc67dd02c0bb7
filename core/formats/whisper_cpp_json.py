"""whisper.cpp's -oj/-ojf JSON: "transcription" entries with "offsets" (ms) and "timestamps" ("00:00:01,000"),
and a "speaker" with --diarize."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from core.formats import _json
from core.formats._common import clock_ms, seconds, tidy, utterance_table

# tinydiarize marks a change of speaker inside the text; it is not speech
TURN = re.compile(r"\s*\[SPEAKER_TURN\]\s*")


def sniff(name: str, text: str) -> bool:
    """A JSON object with a "transcription" list whose entries have text and offsets or timestamps."""
    entries = _json.items(_json.load(text), "transcription")
    return bool(entries) and all("text" in e and ("offsets" in e or "timestamps" in e) for e in entries[:20])


def _time(entry: dict, which: str) -> str:
    offsets, stamps = entry.get("offsets"), entry.get("timestamps")
    offset = _json.to_seconds(offsets.get(which), scale=1) if isinstance(offsets, dict) else ""
    if offset:
        return offset
    stamp = stamps.get(which) if isinstance(stamps, dict) else None
    return seconds(clock_ms(stamp)) if isinstance(stamp, str) else ""


def _text(value: Any) -> str:
    return tidy(TURN.sub(" ", value)) if isinstance(value, str) else ""


def parse(text: str) -> pd.DataFrame:
    """One utterance per transcription entry."""
    entries = _json.items(_json.load(text), "transcription") or []
    return utterance_table(
        (_time(e, "from"), _time(e, "to"), _json.speaker_of(e.get("speaker")), _text(e.get("text"))) for e in entries
    )

"""OpenAI Whisper's .json: {"text", "segments": [{"start", "end", "text", ...}], "language"}; Korean may be escaped."""

from __future__ import annotations

import pandas as pd

from core.formats import _json
from core.formats._common import utterance_table


def sniff(name: str, text: str) -> bool:
    """A JSON object whose "segments" are objects with start, end and text."""
    doc = _json.load(text)
    segments = _json.items(doc, "segments")
    if segments is None:
        return False
    return has_text(segments) or (not segments and "text" in doc and "language" in doc)  # silence


def has_text(segments: list[dict]) -> bool:
    """Segments (at least one) that carry start, end and text."""
    return bool(segments) and _json.has_keys(segments, "start", "end", "text")


def parse(text: str) -> pd.DataFrame:
    """One utterance per segment, with the segment's speaker when it has one."""
    segments = _json.items(_json.load(text), "segments") or []
    return utterance_table(
        (
            _json.to_seconds(s.get("start")),
            _json.to_seconds(s.get("end")),
            _json.speaker_of(s.get("speaker")),
            _json.text_of(s.get("text")),
        )
        for s in segments
    )

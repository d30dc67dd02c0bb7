"""WhisperX .json: Whisper's segments with a "speaker" per segment (absent where diarization found none) and
"word_segments"."""

from __future__ import annotations

import pandas as pd

from core.formats import _json, whisper_json


def sniff(name: str, text: str) -> bool:
    """Whisper-like segments plus WhisperX's own marks: word_segments, or speakers on segments."""
    doc = _json.load(text)
    segments = _json.items(doc, "segments")
    if not segments or not whisper_json.has_text(segments):
        return False
    return "word_segments" in doc or any("speaker" in segment for segment in segments)


def parse(text: str) -> pd.DataFrame:
    """One utterance per segment, the diarized speaker ("" where absent)."""
    return whisper_json.parse(text)

"""WebVTT as written by Whisper and most tools: one row per cue, the voice span (if any) as the speaker."""

from __future__ import annotations

import pandas as pd

from core.formats._common import frame, seconds
from core.formats._vtt import is_vtt, read_cues


def sniff(name: str, text: str) -> bool:
    """Any text with the WEBVTT signature (the more specific VTT shapes are tried before this one)."""
    return is_vtt(text)


def parse(text: str) -> pd.DataFrame:
    """One utterance per cue."""
    return frame((seconds(cue.start), seconds(cue.end), cue.voice, cue.text) for cue in read_cues(text))

"""WebVTT as written by Whisper, Netflix and most tools: one row per turn (a "- A" / "- B" cue is two, with the cue's
times), the voice span as the speaker, or a recurring "[Name]: " / "Name: " prefix."""

from __future__ import annotations

import pandas as pd

from core.formats._common import labels_look_like_speakers, seconds, speaker_prefix, utterance_table
from core.formats._vtt import is_vtt, read_cues


def sniff(name: str, text: str) -> bool:
    """Any text with the WEBVTT signature (the more specific VTT shapes are tried before this one)."""
    return is_vtt(text)


def parse(text: str) -> pd.DataFrame:
    """One utterance per turn of each cue."""
    said = [(cue, turn) for cue in read_cues(text) for turn in cue.turns]
    split = [speaker_prefix(turn) for _, turn in said]
    named = labels_look_like_speakers([label for label, _ in split])
    return utterance_table(
        (seconds(cue.start), seconds(cue.end), cue.voice or (label or "" if named else ""), rest if named else turn)
        for (cue, turn), (label, rest) in zip(said, split)
    )

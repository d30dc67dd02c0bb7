"""Zoom cloud-recording WebVTT: numbered cues whose text starts "Name: "; some cues have no speaker."""

from __future__ import annotations

import pandas as pd

from core.formats._common import labels_look_like_speakers, seconds, speaker_prefix, utterance_table
from core.formats._vtt import Cue, cues_or_none, read_cues

SAMPLE_CUES = 200


def _label(cue: Cue) -> str | None:
    return speaker_prefix(cue.text)[0]


def sniff(name: str, text: str) -> bool:
    """WebVTT where most cues start with a recurring "Name: "."""
    cues = cues_or_none(text)
    if not cues or any(cue.voice for cue in cues[:SAMPLE_CUES]):
        return False
    return labels_look_like_speakers([_label(cue) for cue in cues[:SAMPLE_CUES]])


def parse(text: str) -> pd.DataFrame:
    """One utterance per cue, "Name: " split off as the speaker."""
    rows = []
    for cue in read_cues(text):
        speaker, said = speaker_prefix(cue.text)
        rows.append((seconds(cue.start), seconds(cue.end), speaker or "", said))
    return utterance_table(rows)

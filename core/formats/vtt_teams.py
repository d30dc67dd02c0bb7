"""Microsoft Teams WebVTT: <v Name> voice spans, GUID/n-n cue ids; the parts of one utterance joined."""

from __future__ import annotations

import re

import pandas as pd

from core.formats._common import Row, head, seconds, tidy, utterance_table
from core.formats._vtt import Cue, is_vtt, read_cues

VOICE = re.compile(r"<v[.\s]")
# Teams numbers the cues of one spoken turn "<guid>/18-0", "<guid>/18-1": the same turn cut for display.
PART = re.compile(r"^(.+/\d+)-\d+$")


def sniff(name: str, text: str) -> bool:
    """WebVTT whose cues name their speaker with voice spans."""
    return is_vtt(text) and any(VOICE.search(line) for line in head(text))


def _turn(cue: Cue) -> str | None:
    match = PART.match(cue.identifier)
    return match.group(1) if match else None


def _rows(cues: tuple[Cue, ...]) -> list[Row]:
    rows: list[Row] = []
    last_turn: str | None = None
    for cue in (cue for cue in cues if cue.text):
        turn = _turn(cue)
        if rows and turn is not None and turn == last_turn and cue.voice == rows[-1][2]:
            start, _, speaker, said = rows[-1]
            rows[-1] = (start, seconds(cue.end), speaker, tidy(f"{said} {cue.text}"))
        else:
            rows.append((seconds(cue.start), seconds(cue.end), cue.voice, cue.text))
        last_turn = turn
    return rows


def parse(text: str) -> pd.DataFrame:
    """One utterance per spoken turn, the voice as the speaker."""
    return utterance_table(_rows(read_cues(text)))

"""SubRip .srt (Whisper, Daglo, VLC, broadcast…): read with pysubs2, which tolerates missing numbers, "." for ",",
blank lines inside cues; HTML and {\\an8} tags dropped, lines joined, a "- A" / "- B" cue made two turns with the
cue's times; a recurring "Name: " or "[Name]: " prefix becomes the speaker."""

from __future__ import annotations

import re

import pandas as pd

from core.formats._common import head, labels_look_like_speakers, seconds, speaker_prefix, turns, utterance_table
from core.formats._vtt import is_vtt

TIMING = re.compile(r"\d{1,2}:\d{1,2}:\d{1,2}[.,]\d{1,3}\s*-->\s*\d{1,2}:\d{1,2}:\d{1,2}[.,]\d{1,3}")
HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>\n]*>")
OVERRIDE = re.compile(r"\{\\[^}]*\}")
FIRST_LINES = 3


def sniff(name: str, text: str) -> bool:
    """Starts with a cue: a number or a timing line, a timing line among the first lines; not WebVTT."""
    lines = head(text, 4096)[:FIRST_LINES]
    if not lines or is_vtt(text) or not (lines[0].isdigit() or TIMING.match(lines[0])):
        return False
    return any(TIMING.match(line) for line in lines)


def _turns(text: str) -> list[str]:
    text = text.replace("\\N", "\n").replace("\\n", "\n").replace("\\h", " ")
    return turns(OVERRIDE.sub("", HTML_TAG.sub("", text)).split("\n"))


def parse(text: str) -> pd.DataFrame:
    """One utterance per turn of each cue."""
    import pysubs2  # here, not at the top: a table or plain-text run never needs it

    events = pysubs2.SSAFile.from_string(text, format_="srt", keep_html_tags=True)
    cues = [(event.start, event.end, said) for event in events for said in _turns(event.text)]
    split = [speaker_prefix(said) for _, _, said in cues]
    named = labels_look_like_speakers([label for label, _ in split])
    return utterance_table(
        (seconds(start), seconds(end), (label or "") if named else "", rest if named else said)
        for (start, end, said), (label, rest) in zip(cues, split)
    )

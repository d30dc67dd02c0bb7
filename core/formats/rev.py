"""Rev .txt: "Speaker 1 (00:01):" then the paragraph; a bare "(00:51):" continues the same speaker."""

from __future__ import annotations

import re

import pandas as pd

from core.formats import _blocks
from core.formats._common import clock_ms, head, is_label, utterance_table

HEADER = re.compile(r"^(.*?)\s*\(((?:\d{1,2}:)?\d{1,2}:\d{2})\)\s*:\s*(.*)$")


def header(line: str) -> tuple[str | None, int | None, str] | None:
    """(speaker or None for a bare time, start ms, text after the colon) for a Rev header line, else None."""
    match = HEADER.match(line)
    if not match or (match.group(1) and not is_label(match.group(1))):
        return None
    return match.group(1) or None, clock_ms(match.group(2)), match.group(3)


def sniff(name: str, text: str) -> bool:
    """Rev header lines, at least one naming a speaker, shaping the text."""
    found = _blocks.headers_in_head(text, header)
    lines = head(text)
    named = [i for i in found if header(lines[i])[0]]
    return bool(named) and (len(found) >= 2 or found[0] == 0) and _blocks.followed_by_text(text, header, found)


def parse(text: str) -> pd.DataFrame:
    """One utterance per block, with its start."""
    _, blocks = _blocks.split_blocks(text, header)
    return utterance_table(_blocks.to_rows(blocks))

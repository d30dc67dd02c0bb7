"""Zoom's text transcript: "[Name] 11:02:09" (who, and the time of day), then what was said."""

from __future__ import annotations

import re

import pandas as pd

from core.formats import _blocks
from core.formats._common import clock_ms, is_label, utterance_table

HEADER = re.compile(r"^\[([^\]]{1,60})\]\s+(\d{1,2}:\d{2}:\d{2})$")
MIN_HEADERS = 2


def header(line: str) -> tuple[str | None, int | None, str] | None:
    """("Name", start ms, "") for a "[Name] 11:02:09" line, else None."""
    match = HEADER.match(line)
    if not match or not is_label(match.group(1)):
        return None
    return match.group(1), clock_ms(match.group(2)), ""


def sniff(name: str, text: str) -> bool:
    """Several "[Name] 11:02:09" header lines, each followed by what was said."""
    found = _blocks.headers_in_head(text, header)
    return len(found) >= MIN_HEADERS and _blocks.followed_by_text(text, header, found)


def parse(text: str) -> pd.DataFrame:
    """One utterance per block, starting at the time of day Zoom wrote; Zoom gives no end."""
    _, blocks = _blocks.split_blocks(text, header)
    return utterance_table(_blocks.to_rows(blocks))

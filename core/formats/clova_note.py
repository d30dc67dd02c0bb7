"""Naver CLOVA Note .txt: title and date lines, "참석자 1 00:00" then what was said, a clovanote URL at the end."""

from __future__ import annotations

import re

import pandas as pd

from core.formats import _blocks
from core.formats._common import DATE, clock_ms, is_label, utterance_table

HEADER = re.compile(r"^(.+?)\s+(\d{1,2}:\d{2}(?::\d{2})?)$")
FOOTER = re.compile(r"^(?:https?://)?clovanote\.naver\.com\S*$", re.IGNORECASE)
PREAMBLE_LINES = 5


def header(line: str) -> tuple[str | None, int | None, str] | None:
    """("참석자 1", start ms, "") for a speaker-and-time line, else None."""
    match = HEADER.match(line)
    if not match or not is_label(match.group(1)):
        return None
    return match.group(1), clock_ms(match.group(2)), ""


def sniff(name: str, text: str) -> bool:
    """Speaker-and-time blocks with CLOVA Note's marks: its URL, or a dated header above the blocks."""
    found = _blocks.headers_in_head(text, header)
    if not _blocks.followed_by_text(text, header, found):
        return False
    if "clovanote" in text[-2000:].lower() or "clovanote" in text[:2000].lower():
        return True
    lines = _blocks.head(text)
    dated = any(DATE.search(line) for line in lines[: min(found[0], PREAMBLE_LINES)])
    return dated and (len(found) >= 2 or lines[found[0]].startswith(("참석자", "화자")))


def parse(text: str) -> pd.DataFrame:
    """One utterance per block, with its start; the title, date and URL left out."""
    _, blocks = _blocks.split_blocks(text, header, lambda line: FOOTER.match(line) is not None)
    return utterance_table(_blocks.to_rows(blocks))

"""Otter.ai .txt: "Name  M:SS" (two spaces), then the paragraph; the "Transcribed by otter.ai" footer dropped."""

from __future__ import annotations

import re

import pandas as pd

from core.formats import _blocks
from core.formats._common import clock_ms, head, is_label, utterance_table

HEADER = re.compile(r"^(?:(.+?)(\s+))?(\d{1,2}:\d{2}(?::\d{2})?)$")
MIN_PLAIN_HEADERS = 3
FOOTER = re.compile(r"^(?:transcribed by\s+)?(?:https?://)?(?:www\.)?otter\.ai\S*$", re.IGNORECASE)


def header(line: str) -> tuple[str | None, int | None, str] | None:
    """("Name", start ms, "") for a "Name  M:SS" line (the name may be absent), else None."""
    match = HEADER.match(line)
    if not match or (match.group(1) and not is_label(match.group(1))):
        return None
    return match.group(1) or "", clock_ms(match.group(3)), ""


def sniff(name: str, text: str) -> bool:
    """Name-and-time header lines with paragraphs: the otter.ai footer, Otter's two-space gap, or several blocks."""
    found = _blocks.headers_in_head(text, header)
    if not _blocks.followed_by_text(text, header, found):
        return False
    lines = head(text)
    double = sum(1 for i in found if (match := HEADER.match(lines[i])) and len(match.group(2) or "") >= 2)
    return "otter.ai" in text[-2000:].lower() or double >= min(2, len(found)) or len(found) >= MIN_PLAIN_HEADERS


def score(name: str, text: str) -> float:
    """Otter's own footer proves it; without it, "Name  0:05" blocks are weaker evidence than other formats' marks."""
    return 0.95 if "otter.ai" in text[-2000:].lower() else 0.6


def parse(text: str) -> pd.DataFrame:
    """One utterance per block, with its start; the end is not written by Otter."""
    _, blocks = _blocks.split_blocks(text, header, lambda line: FOOTER.match(line) is not None)
    return utterance_table(_blocks.to_rows(blocks))

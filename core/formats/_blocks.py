"""Transcripts written as blocks: a header line (speaker and time), then the paragraph said (Otter, CLOVA Note, Rev)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from core.formats._common import Row, head, seconds, tidy

# (speaker or None to keep the previous block's, start in ms or None, text on the header line itself)
Header = Callable[[str], "tuple[str | None, int | None, str] | None"]
MIN_HEADER_SHARE = 0.2


@dataclass
class Block:
    """One turn: who, from when, and its lines."""

    speaker: str | None
    start: int | None
    lines: list[str] = field(default_factory=list)


def split_blocks(
    text: str,
    header: Header,
    skip: Callable[[str], bool] = lambda line: False,
) -> tuple[list[str], list[Block]]:
    """The lines before the first header (title, date…) and the blocks; skipped lines (footers) dropped."""
    preamble: list[str] = []
    blocks: list[Block] = []
    for raw in text.split("\n"):
        line = raw.strip()
        if not line or skip(line):
            continue
        found = header(line)
        if found:
            blocks.append(Block(found[0], found[1], [found[2]] if found[2] else []))
        elif blocks:
            blocks[-1].lines.append(line)
        else:
            preamble.append(line)
    return preamble, blocks


def to_rows(blocks: list[Block]) -> list[Row]:
    """One utterance per block; a block without a speaker continues the previous speaker."""
    rows: list[Row] = []
    speaker = ""
    for block in blocks:
        speaker = block.speaker if block.speaker is not None else speaker
        rows.append((seconds(block.start), "", speaker, tidy(" ".join(block.lines))))
    return rows


def headers_in_head(text: str, header: Header) -> list[int]:
    """Where header lines are among the first lines, when they are frequent enough to shape the text."""
    lines = head(text)
    found = [i for i, line in enumerate(lines) if header(line)]
    return found if lines and len(found) / len(lines) >= MIN_HEADER_SHARE else []


def followed_by_text(text: str, header: Header, found: list[int]) -> bool:
    """Most headers have a paragraph after them (or on the same line)."""
    lines = head(text)
    said = sum(
        1
        for i in found
        if (header(lines[i]) or (None, None, ""))[2] or (i + 1 < len(lines) and not header(lines[i + 1]))
    )
    return bool(found) and said >= len(found) / 2

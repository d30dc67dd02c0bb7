"""WebVTT cues read with webvtt-py (BOM, NOTE blocks, unpadded times, voice spans, cue settings, no hours)."""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass

from core.errors import InputError
from core.formats._common import tidy, turns

HEADER = re.compile(r"WEBVTT(?:[ \t].*)?(?:\n|$)")
# A NOTE line glued to the cue timing after it would swallow the cue: webvtt-py ends a block only at a blank line.
GLUED_NOTE = re.compile(r"^(NOTE\b[^\n]*)\n(?=[^\n]*-->)", re.MULTILINE)
TAG = re.compile(r"<[^>\n]*>")
TIMING = re.compile(r"^\s*(\d[\d:.,]*)\s*-->\s*(\d[\d:.,]*)")


@dataclass(frozen=True)
class Cue:
    """One cue: times in milliseconds, the voice (speaker) if tagged, the payload lines as written."""

    identifier: str
    start: int
    end: int
    voice: str
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        """The cue's words without tags or entities, its lines joined by spaces."""
        return tidy(" ".join(clean_line(line) for line in self.lines))

    @property
    def turns(self) -> list[str]:
        """What was said, one entry per speaker's turn ("- A" / "- B" cues hold two)."""
        return turns([clean_line(line) for line in self.lines])


def is_vtt(text: str) -> bool:
    """True when the text starts with the WEBVTT signature."""
    return HEADER.match(text.lstrip(" \t\n")) is not None


def clean_line(line: str) -> str:
    """A payload line without cue tags (voice, class, karaoke times) and with entities decoded."""
    return html.unescape(TAG.sub("", line)).replace("\xa0", " ")


@functools.lru_cache(maxsize=1)
def read_cues(text: str) -> tuple[Cue, ...]:
    """Every cue of a WebVTT text; a damaged file raises InputError."""
    import webvtt  # here, not at the top: a table or plain-text run never needs it
    from webvtt.errors import MalformedCaptionError, MalformedFileError

    body = GLUED_NOTE.sub(r"\1\n\n", text.lstrip(" \t\n"))
    try:
        captions = webvtt.from_string(body).captions
    except (MalformedFileError, MalformedCaptionError, ValueError) as exc:
        raise InputError(f"looks like WebVTT subtitles but cannot be read ({exc}).", code="input.subtitle") from None
    if len(captions) < body.count("-->"):
        _refuse_bad_timing(body)
    return tuple(
        Cue(
            caption.identifier or "",
            caption.start_time.in_milliseconds(),
            caption.end_time.in_milliseconds(),
            html.unescape(caption.voice or "").strip(),
            tuple(caption.lines),
        )
        for caption in captions
    )


def _refuse_bad_timing(body: str) -> None:
    """webvtt-py skips a cue whose time is impossible (as players do); losing what was said must not be silent."""
    for line in body.split("\n"):
        match = TIMING.match(line)
        if match and not all(_valid_time(value) for value in match.groups()):
            raise InputError(
                f"looks like WebVTT subtitles but a cue has a time that cannot be read: '{line.strip()}'. "
                "Fix that time and upload the file again.",
                code="input.subtitle",
                line=line.strip(),
            )


def _valid_time(value: str) -> bool:
    from webvtt.errors import MalformedCaptionError
    from webvtt.models import Timestamp

    try:
        Timestamp.from_string(value)
    except MalformedCaptionError:
        return False
    return True


def cues_or_none(text: str) -> tuple[Cue, ...] | None:
    """The cues, or None when the text is not readable WebVTT (for sniffing, which never raises)."""
    if not is_vtt(text):
        return None
    try:
        return read_cues(text)
    except InputError:
        return None

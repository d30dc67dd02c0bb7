"""Transcript files people actually have (Zoom, Teams, YouTube, Whisper, Otter, Rev, Meet, CLOVA Note…) as utterances.

Each format is a module with sniff(name, text) -> bool and parse(text) -> DataFrame, listed in FORMATS most specific
first; the first whose sniff says yes parses the text. The loader calls parse_transcript before its own handling.
"""

from __future__ import annotations

from types import ModuleType

import pandas as pd

from core.errors import InputError
from core.formats import (
    _json,
    _vtt,
    clova_note,
    dialogsum,
    google_meet,
    otter,
    rev,
    speaker_lines,
    srt,
    timed_lines,
    vtt,
    vtt_teams,
    vtt_youtube,
    vtt_zoom,
    whisper_cpp_json,
    whisper_json,
    whisper_tsv,
    whisper_txt,
    whisperx_json,
)
from core.formats._common import COLUMNS, prepare

FORMATS: tuple[tuple[str, ModuleType], ...] = (
    ("whisper-cpp-json", whisper_cpp_json),
    ("whisperx-json", whisperx_json),
    ("whisper-json", whisper_json),
    ("vtt-youtube", vtt_youtube),
    ("vtt-teams", vtt_teams),
    ("vtt-zoom", vtt_zoom),
    ("vtt", vtt),
    ("srt", srt),
    ("whisper-tsv", whisper_tsv),
    ("whisper-txt", whisper_txt),
    ("clova-note", clova_note),
    ("otter", otter),
    ("rev", rev),
    ("google-meet", google_meet),
    ("dialogsum", dialogsum),
    ("timed-speaker-lines", timed_lines),
    ("speaker-lines", speaker_lines),
)
KINDS = tuple(kind for kind, _ in FORMATS)

__all__ = ["COLUMNS", "FORMATS", "KINDS", "detect", "parse_transcript"]


def detect(name: str, text: str) -> str | None:
    """The kind of transcript the text is, or None; never parses the whole file."""
    text = prepare(text)
    try:
        return next((kind for kind, module in FORMATS if module.sniff(name, text)), None)
    finally:
        _forget()


def parse_transcript(name: str, text: str) -> tuple[str, pd.DataFrame] | None:
    """Detect a known transcript format by content (the name is only a hint) and parse it into (kind, utterances).

    Returns None when the text is no transcript format we know. The table has the columns start, end, speaker, text,
    all strings; times are seconds like "62.5" ("" when unknown). A file that is a known format but damaged or
    empty raises InputError.
    """
    text = prepare(text)
    if not text.strip():
        return None
    try:
        for kind, module in FORMATS:
            if module.sniff(name, text):
                return kind, _checked(kind, module.parse(text))
        return None
    except InputError as exc:
        raise InputError(
            f"{name or 'The file'} {exc.message}", code=exc.code, **{**exc.params, "name": name, "kind": kind}
        ) from None
    finally:
        _forget()


def _checked(kind: str, df: pd.DataFrame) -> pd.DataFrame:
    if df.empty:
        raise InputError(f"looks like a {kind} transcript but holds nothing said.", code="input.empty")
    return df.reset_index(drop=True)


def _forget() -> None:
    """Drop the parsed document kept between sniff and parse, so a large upload is not held on to."""
    _json.load.cache_clear()
    _vtt.read_cues.cache_clear()

"""Transcript files people actually have (Zoom, Teams, YouTube, Whisper, Otter, Rev, Meet, CLOVA Note…) as utterances.

Each format is a module with sniff(name, text) -> bool and parse(text) -> DataFrame. Every sniff is asked, and the
format with the strongest evidence wins: its STRENGTH (how specific its marks are), or the module's own
score(name, text) when it has one (Otter's footer, say). Ties go to the format listed first. STRONG claims (a
WEBVTT header, SRT timings, Whisper's JSON) are believed before the loader tries the text as a table; weaker ones
(lines of "Name: text") only when the text is not a well-formed table.
"""

from __future__ import annotations

from dataclasses import dataclass
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
    zoom_txt,
)
from core.formats._common import COLUMNS, head, prepare

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
    ("zoom-txt", zoom_txt),
    ("dialogsum", dialogsum),
    ("timed-speaker-lines", timed_lines),
    ("speaker-lines", speaker_lines),
)
KINDS = tuple(kind for kind, _ in FORMATS)
# How much a format's marks prove when its sniff says yes (data, one place): specific marks above generic ones.
STRENGTH = {
    "whisper-cpp-json": 1.0,
    "whisperx-json": 1.0,
    "whisper-json": 0.95,
    "vtt-youtube": 0.95,
    "vtt-teams": 0.95,
    "vtt-zoom": 0.9,
    "vtt": 0.85,
    "srt": 0.85,
    "whisper-tsv": 0.9,
    "whisper-txt": 0.85,
    "clova-note": 0.9,
    "otter": 0.6,
    "rev": 0.8,
    "google-meet": 0.9,
    "zoom-txt": 0.85,
    "dialogsum": 0.5,
    "timed-speaker-lines": 0.4,
    "speaker-lines": 0.3,
}
STRONG = 0.8

__all__ = ["COLUMNS", "FORMATS", "KINDS", "STRONG", "Claim", "best", "parse_transcript", "scores"]


@dataclass(frozen=True)
class Claim:
    """The format that claims a text, and how strongly."""

    kind: str
    module: ModuleType
    score: float


def _score(kind: str, module: ModuleType, name: str, text: str) -> float:
    if not module.sniff(name, text):
        return 0.0
    own = getattr(module, "score", None)
    return own(name, text) if own is not None else STRENGTH[kind]


def scores(name: str, text: str) -> dict[str, float]:
    """Every format's score for the text (0 when its sniff says no): the evidence, for tests and diagnostics."""
    text = prepare(text)
    try:
        is_json = _json.load(text) is not None
        return {
            kind: _score(kind, module, name, text) if (kind in JSON_KINDS) == is_json else 0.0
            for kind, module in FORMATS
        }
    finally:
        _forget()


JSON_KINDS = ("whisper-cpp-json", "whisperx-json", "whisper-json")


def _best(name: str, text: str) -> Claim | None:
    # A JSON document can only be one of the JSON formats, and a text that is not one can be none of them.
    is_json = _json.load(text) is not None
    claims = [
        Claim(kind, module, _score(kind, module, name, text) if (kind in JSON_KINDS) == is_json else 0.0)
        for kind, module in FORMATS
    ]
    top = max(claims, key=lambda claim: claim.score)  # max keeps the first of equals: the more specific format
    return top if top.score > 0 else None


def best(name: str, text: str) -> Claim | None:
    """The format with the strongest evidence for the text, or None; never parses the whole file."""
    text = prepare(text)
    try:
        return _best(name, text)
    finally:
        _forget()


def parse_transcript(name: str, text: str, min_score: float = 0.0) -> tuple[str, pd.DataFrame] | None:
    """Detect a known transcript format by content (the name is only a hint) and parse it into (kind, utterances).

    Returns None when the text is no transcript format we know, or none claims it with at least `min_score`. The
    table has the columns start, end, speaker, text, all strings; times are seconds like "62.5" ("" when unknown).
    A file that is a known format but damaged or empty raises InputError.
    """
    text = prepare(text)
    if not text.strip():
        return None
    try:
        claim = _best(name, text)
        if claim is None or claim.score < min_score:
            return None
        try:
            return claim.kind, _checked(claim.kind, claim.module.parse(text))
        except InputError as exc:
            raise InputError(
                f"{name or 'The file'} {exc.message}",
                code=exc.code,
                **{**exc.params, "name": name, "kind": claim.kind},
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
    head.cache_clear()

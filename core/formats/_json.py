"""JSON transcripts (Whisper and friends): the document read once per call, numbers made into seconds."""

from __future__ import annotations

import functools
import json
import math
from typing import Any

from core.formats._common import seconds, tidy


@functools.lru_cache(maxsize=1)
def load(text: str) -> Any:
    """The JSON object the text holds, or None when it is not a JSON object."""
    stripped = text.strip()
    if not stripped.startswith("{") or not stripped.endswith("}"):
        return None
    try:
        return json.loads(stripped)
    except (ValueError, RecursionError):  # deeply nested input exhausts the parser's stack
        return None


def items(doc: Any, key: str) -> list[dict] | None:
    """doc[key] when it is a list of objects, else None."""
    value = doc.get(key) if isinstance(doc, dict) else None
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        return None
    return value


def has_keys(entries: list[dict], *keys: str) -> bool:
    """Every one of the first entries has these keys."""
    return all(all(key in entry for key in keys) for entry in entries[:20])


def to_seconds(value: Any, scale: int = 1000) -> str:
    """A time given in seconds (scale 1000) or milliseconds (scale 1) as seconds text; "" when not a time."""
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return ""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        return ""
    return seconds(round(value * scale)) if value * scale < 1e15 else ""


def text_of(value: Any) -> str:
    """A segment's text, tidied; "" when it is not text."""
    return tidy(value) if isinstance(value, str) else ""


def speaker_of(value: Any) -> str:
    """A speaker label, tidied; "" when absent or unknown ("?")."""
    label = tidy(str(value)) if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    return "" if label == "?" else label

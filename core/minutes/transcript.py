"""Whole-transcript tasks: the transcript as one text and its summary streamed from an engine."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pandas as pd

from core.engines.protocol import Completion, Engine
from core.rows.templates import Template


def clock(value: object) -> str:
    """Seconds as mm:ss or h:mm:ss ("" when not a number)."""
    try:
        seconds = int(float(str(value)))
    except ValueError:
        return ""
    h, rest = divmod(seconds, 3600)
    return f"{h}:{rest // 60:02d}:{rest % 60:02d}" if h else f"{rest // 60:02d}:{rest % 60:02d}"


def utterance_line(row: int, start: object, speaker: str, text: str) -> str:
    """The line the model sees and cites: "#row [time] speaker: text", with the parts that are known."""
    when = clock(start) if start not in (None, "") else ""
    return "".join([f"#{row} ", f"[{when}] " if when else "", f"{speaker}: " if speaker else "", text])


def transcript_text(
    df: pd.DataFrame, text_column: str, speaker_column: str | None = None, time_column: str | None = "start"
) -> str:
    """One line per utterance (rows from 1), as `utterance_line` writes it."""
    lines = []
    for number, rec in enumerate(df.to_dict(orient="records"), start=1):
        text = str(rec.get(text_column) or "").strip()
        if not text:
            continue
        who = str(rec.get(speaker_column) or "").strip() if speaker_column else ""
        start = rec.get(time_column) if time_column and time_column in rec else None
        lines.append(utterance_line(number, start or None, who, text))
    return "\n".join(lines)


async def stream_summary(
    transcript: str, template: Template, engine: Engine, on_usage: Callable[[Completion], None] | None = None
) -> AsyncIterator[str]:
    """Yield the summary of `transcript` as the engine writes it."""
    async for delta in engine.stream(template.messages({"transcript": transcript}), on_usage=on_usage):
        yield delta

"""The transcript as one text (a numbered line per utterance), and a whole-transcript answer streamed from it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator

import pandas as pd

from core.cells import cell_text
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
        text = cell_text(rec.get(text_column)).strip()
        if not text:
            continue
        who = cell_text(rec.get(speaker_column)).strip() if speaker_column else ""
        start = rec.get(time_column) if time_column and time_column in rec else None
        lines.append(utterance_line(number, start or None, who, text))
    return "\n".join(lines)


def stream_extract(
    transcript: str,
    template: Template,
    engine: Engine,
    parts: list[str],
    on_usage: Callable[[Completion], None] | None = None,
) -> Iterator[str]:
    """The engine's answer to the whole transcript (the offline extract) as it streams, for synchronous callers:
    yields deltas, appends each to `parts`, closes the engine."""
    loop = asyncio.new_event_loop()
    agen = engine.stream(template.messages({"transcript": transcript}), on_usage=on_usage)
    try:
        while True:
            try:
                delta = loop.run_until_complete(agen.__anext__())
            except StopAsyncIteration:
                return
            parts.append(delta)
            yield delta
    finally:
        try:
            loop.run_until_complete(agen.aclose())
            loop.run_until_complete(engine.aclose())
        finally:
            loop.close()

"""Minutes of long meetings: chunks summarized concurrently (map), merged level by level while they do not fit one
request (reduce), the last merge streamed as Markdown; every point cites its rows, and coverage is reported.

Streaming: `on_delta` receives Markdown as the last step is written (whole items only, each with its citations).
The deltas add up to `result.markdown` unless the streamed answer was malformed
and asked again without streaming; then `result.streamed != result.markdown` and the page shows the latter.

Budgets: chunks hold at most `chunk_tokens` tokens of transcript lines (default from the model's context window,
core/presets/contexts.toml); a reduce request holds at most `reduce_tokens` of partial minutes (default: the larger of
the chunk budget and the model's default). The user's system prompt leads every request; each step adds its task
and format (core/presets/minutes.toml). Rows are numbered from 1, as in `#12` citations.

Failures: a malformed answer is asked again once. A chunk that still fails (or whose request fails) is left out
honestly: the Markdown says which rows are missing and `result.coverage` lists them. A reduce step that fails
twice, every chunk failing, or an error that would repeat on every request (key, budget, model) raises.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from core.engines.protocol import Engine
from core.minutes.chunking import Chunk, Utterance, build_chunks, default_chunk_tokens, utterances
from core.minutes.document import Minutes, action_items_frame, cited, prompts, render
from core.minutes.steps import MinutesError, Progress, Steps, chunk_data
from core.minutes.transcript import clock
from core.settings import ModelSettings

__all__ = [
    "Coverage",
    "MinutesError",
    "MinutesResult",
    "minutes",
    "minutes_settings",
    "minutes_sync",
]

MIN_ANSWER_TOKENS = 4096  # structured minutes of a long meeting do not fit the row tasks' default answer length


def minutes_settings(settings: ModelSettings) -> ModelSettings:
    """The settings for writing minutes: room for a whole structured answer, whatever the row tasks use."""
    return replace(settings, max_tokens=max(settings.max_tokens, MIN_ANSWER_TOKENS))


@dataclass(frozen=True)
class Coverage:
    """Which utterances reached the model in a request that was answered (rows from 1)."""

    rows: tuple[int, ...]
    reached: tuple[int, ...]
    failed_chunks: tuple[int, ...] = ()

    @property
    def missing(self) -> tuple[int, ...]:
        """Rows left out of every answered request."""
        reached = set(self.reached)
        return tuple(r for r in self.rows if r not in reached)

    @property
    def complete(self) -> bool:
        """True when every utterance reached the model."""
        return not self.missing

    @property
    def share(self) -> float:
        """The share of utterances that reached the model."""
        return 1 - len(self.missing) / len(self.rows) if self.rows else 1.0


@dataclass
class MinutesResult:
    """The minutes, their Markdown, and how they were made."""

    minutes: Minutes
    markdown: str
    chunks: list[Chunk]
    coverage: Coverage
    times: dict[int, str]  # row → start time as shown ("" when unknown)
    requests: int = 0
    levels: int = 0  # reduce levels before the final step
    dropped: int = 0  # items dropped for citing no row their step saw
    prompt_tokens: int = 0
    completion_tokens: int = 0
    streamed: str = ""  # what on_delta received

    def action_items(self) -> pd.DataFrame:
        """Action items as an editable table (text, owner, due, rows, time)."""
        return action_items_frame(self.minutes, self.times)

    def as_dict(self) -> dict:
        """The structured result for --json."""
        cov = self.coverage
        return {
            "minutes": self.minutes.model_dump(),
            "markdown": self.markdown,
            "times": {str(r): self.times.get(r, "") for r in sorted(cited(self.minutes))},
            "coverage": {
                "rows": len(cov.rows),
                "reached": len(cov.reached),
                "missing": list(cov.missing),
                "failed_chunks": list(cov.failed_chunks),
                "complete": cov.complete,
            },
            "chunks": [
                {
                    "index": c.index,
                    "first_row": c.rows[0],
                    "last_row": c.rows[-1],
                    "start": c.start,
                    "end": c.end,
                    "tokens": c.tokens,
                }
                for c in self.chunks
            ],
            "requests": self.requests,
            "levels": self.levels,
            "dropped": self.dropped,
            "usage": {"prompt_tokens": self.prompt_tokens, "completion_tokens": self.completion_tokens},
        }


def _gap(chunk: Chunk, reason: str) -> str:
    times = "–".join(t for t in (clock(chunk.start), clock(chunk.end)) if t)
    return prompts()["markdown"]["gap"].format(
        rows=f"#{chunk.rows[0]}–#{chunk.rows[-1]}", times=f"({times})" if times else "", reason=reason
    )


async def minutes(
    df: pd.DataFrame,
    *,
    engine: Engine,
    model: str,
    text_column: str,
    speaker_column: str | None = None,
    system: str | None = None,
    chunk_tokens: int | None = None,
    reduce_tokens: int | None = None,
    overlap: int = 0,
    concurrency: int = 8,
    on_progress: Progress | None = None,
    on_delta: Callable[[str], None] | None = None,
) -> MinutesResult:
    """Minutes of a whole transcript; `on_delta` receives the Markdown as the last step is written."""
    utts = utterances(df, text_column, speaker_column, model)
    if not utts:
        raise MinutesError("The transcript has no utterances to summarize.", code="minutes.empty")
    budget = chunk_tokens or default_chunk_tokens(model)
    chunks = build_chunks(utts, budget, model, overlap)
    times = {u.row: clock(u.start) if u.start else "" for u in utts}
    run = Steps(engine, model, system, concurrency, on_progress, on_delta)
    if len(chunks) == 1:  # one request is both map and final
        allowed = {u.row for u in chunks[0].utterances}
        found = await run.final("map", chunk_data(chunks[0]), allowed, times, [])
        return _result(run, found, chunks, times, [], 0, utts, {})
    # Small chunks keep detail; merging still takes as many partials as one request comfortably holds.
    return await _map_reduce(run, chunks, reduce_tokens or max(budget, default_chunk_tokens(model)), times, utts)


async def _map_reduce(
    run: Steps, chunks: list[Chunk], budget: int, times: dict[int, str], utts: list[Utterance]
) -> MinutesResult:
    parts, failed = await run.map(chunks)
    if not parts:
        reason = next(iter(failed.values()))
        raise MinutesError(
            f"No part of the transcript could be summarized: {reason}", code="minutes.failed", reason=reason
        )
    parts, levels = await run.reduce(parts, budget)
    notes = [_gap(chunks[i], reason) for i, reason in sorted(failed.items())]
    data = "\n\n".join(p.text() for p in parts)
    found = await run.final("reduce", data, set().union(*(cited(p.minutes) for p in parts)), times, notes)
    return _result(run, found, chunks, times, notes, levels, utts, failed)


def _result(
    run: Steps,
    found: Minutes,
    chunks: list[Chunk],
    times: dict[int, str],
    notes: list[str],
    levels: int,
    utts: list[Utterance],
    failed: dict[int, str],
) -> MinutesResult:
    markdown = render(found, times, notes)
    run.emit(markdown)
    reached = tuple(dict.fromkeys(r for c in chunks if c.index not in failed for r in c.rows))
    coverage = Coverage(tuple(dict.fromkeys(u.row for u in utts)), reached, tuple(sorted(failed)))
    return MinutesResult(
        found,
        markdown,
        chunks,
        coverage,
        times,
        run.requests,
        levels,
        run.dropped,
        run.prompt_tokens,
        run.completion_tokens,
        run.streamed,
    )


def minutes_sync(df: pd.DataFrame, **kwargs: Any) -> MinutesResult:
    """`minutes` from synchronous code (CLI, Streamlit script thread); closes the engine after."""

    async def go() -> MinutesResult:
        try:
            return await minutes(df, **kwargs)
        finally:
            await kwargs["engine"].aclose()

    return asyncio.run(go())

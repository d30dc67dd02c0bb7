"""The steps of the minutes map-reduce: structured requests asked again once, the concurrent map, the reduce
levels, and the streamed last step that renders whole items as they arrive."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import NamedTuple

from core.engines.protocol import Completion, Engine, Message
from core.engines.tokens import count_text
from core.errors import CoreError, EngineError
from core.minutes.chunking import Chunk
from core.minutes.document import Minutes, cited, clean, format_note, parse, prompts, render, response_format, settled
from core.minutes.transcript import clock

FATAL = {"auth", "permission", "not_found", "budget"}  # would fail every request alike: stop at once
Progress = Callable[[str, int, int], None]  # (stage: "map" | "reduce" | "final", done, total)


class MinutesError(CoreError):
    """Minutes that could not be made: nothing to summarize, or answers unusable even when asked again."""

    code = "minutes"


SEPARATOR_TOKENS = 1  # the blank line between two parts in a reduce request


class _Part(NamedTuple):
    """Partial minutes with the span of the transcript they come from."""

    first: int
    last: int
    start: str
    end: str
    minutes: Minutes

    def text(self) -> str:
        """The part as a reduce step reads it: its span, then its JSON."""
        times = "–".join(t for t in (clock(self.start), clock(self.end)) if t)
        label = prompts()["part_label"].format(first=self.first, last=self.last, times=times)
        return f"{label}\n{self.minutes.model_dump_json()}"


def chunk_data(chunk: Chunk) -> str:
    """A chunk's lines for the map step, its context marked as such."""
    body = "\n".join(u.line for u in chunk.utterances)
    if not chunk.context:
        return body
    p = prompts()
    return "\n".join([p["context_label"], *(u.line for u in chunk.context), p["body_label"], body])


def _reason(done: Completion, exc: ValueError) -> str:
    if done.finish_reason == "length":
        return prompts()["truncated"]
    detail = exc.errors()[0]["msg"] if hasattr(exc, "errors") else str(exc)
    return prompts()["invalid"].format(error=str(detail)[:120])


async def _all(coros: Iterable[Awaitable]) -> list:
    """Run together; when one raises, cancel the rest."""
    tasks = [asyncio.ensure_future(c) for c in coros]
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            task.cancel()
        raise


class Steps:
    """One minutes run: the engine, the shared limit on requests in flight, counters, the streamed text."""

    def __init__(
        self,
        engine: Engine,
        model: str,
        system: str | None,
        concurrency: int,
        on_progress: Progress | None,
        on_delta: Callable[[str], None] | None,
    ) -> None:
        self.engine, self.model, self.system = engine, model, (system or "").strip()
        self.gate = asyncio.Semaphore(max(1, concurrency))
        self.on_progress, self.on_delta = on_progress, on_delta
        self.requests = self.dropped = self.prompt_tokens = self.completion_tokens = 0
        self.streamed = ""

    def messages(self, step: str, data: str, extra: str = "") -> list[Message]:
        """The user's system prompt first, then the step's task (and format)."""
        rules = f"{self.system}\n\n" if self.system else ""
        return [
            {"role": "system", "content": rules + prompts()[step] + extra},
            {"role": "user", "content": f"<data>\n{data}\n</data>"},
        ]

    def _count(self, done: Completion) -> None:
        self.requests += 1
        self.prompt_tokens += done.prompt_tokens
        self.completion_tokens += done.completion_tokens

    def _kept(self, parsed: tuple[Minutes, int]) -> Minutes:
        self.dropped += parsed[1]
        return parsed[0]

    def progress(self, stage: str, done: int, total: int) -> None:
        """Tell the caller how far a stage has come."""
        if self.on_progress:
            self.on_progress(stage, done, total)

    async def ask(self, messages: list[Message], allowed: set[int], reason: str = "", attempts: int = 2) -> Minutes:
        """One structured answer; a malformed one is asked again with the reason, then raises MinutesError."""
        for _ in range(attempts):
            sent = (
                [*messages, {"role": "user", "content": prompts()["retry"].format(reason=reason)}]
                if reason
                else messages
            )
            async with self.gate:
                done = await self.engine.complete(sent, response_format=response_format())
            self._count(done)
            try:
                return self._kept(parse(done.text, allowed))
            except ValueError as exc:
                reason = _reason(done, exc)
        raise MinutesError(
            f"The model did not answer in the minutes format, also when asked again: {reason}",
            code="minutes.format",
            reason=reason,
        )

    async def map(self, chunks: list[Chunk]) -> tuple[list[_Part], dict[int, str]]:
        """Every chunk summarized, concurrently; failed chunks come back with their reason."""
        finished, failed = 0, {}

        async def one(chunk: Chunk) -> _Part | None:
            nonlocal finished
            allowed = {u.row for u in (*chunk.context, *chunk.utterances)}
            try:
                found = await self.ask(self.messages("map", chunk_data(chunk)), allowed)
                return _Part(chunk.rows[0], chunk.rows[-1], chunk.start, chunk.end, found)
            except MinutesError as exc:
                failed[chunk.index] = str(exc.params["reason"])
            except EngineError as exc:
                if exc.kind in FATAL:
                    raise
                failed[chunk.index] = exc.message
            finally:
                finished += 1
                self.progress("map", finished, len(chunks))
            return None

        parts = await _all(one(c) for c in chunks)
        return [p for p in parts if p is not None], failed

    def fits(self, parts: list[_Part], budget: int) -> bool:
        """Whether these parts fit one reduce request (exact count)."""
        return count_text("\n\n".join(p.text() for p in parts), self.model).tokens <= budget

    def batches(self, parts: list[_Part], budget: int) -> list[list[_Part]]:
        """Consecutive parts grouped so that each group fits one request: each part is counted once, each group's
        joined text once more (BPE can merge across the blank line between parts, so their sum is an estimate)."""
        sizes = [count_text(p.text(), self.model).tokens for p in parts]
        groups: list[list[_Part]] = []
        first = 0
        while first < len(parts):
            end, estimate = first + 1, sizes[first]
            while end < len(parts) and estimate + SEPARATOR_TOKENS + sizes[end] <= budget:
                estimate += SEPARATOR_TOKENS + sizes[end]
                end += 1
            while end - first > 1 and not self.fits(parts[first:end], budget):
                end -= 1
            groups.append(parts[first:end])
            first = end
        if len(groups) == len(parts) > 1:  # no two fit together: merge pairs anyway, so that each level shrinks
            groups = [parts[i : i + 2] for i in range(0, len(parts), 2)]
        return groups

    async def merge(self, group: list[_Part]) -> _Part:
        """One reduce request for a group of parts (a group of one passes as it is)."""
        if len(group) == 1:
            return group[0]
        data = "\n\n".join(p.text() for p in group)
        merged = await self.ask(self.messages("reduce", data), set().union(*(cited(p.minutes) for p in group)))
        return _Part(group[0].first, group[-1].last, group[0].start, group[-1].end, merged)

    async def reduce(self, parts: list[_Part], budget: int) -> tuple[list[_Part], int]:
        """Merge groups that fit one request, level by level, until all parts fit one request."""
        levels = 0
        while len(parts) > 1 and not self.fits(parts, budget):
            groups, finished = self.batches(parts, budget), 0

            async def merge(group: list[_Part]) -> _Part:
                nonlocal finished
                merged = await self.merge(group)
                finished += 1
                self.progress("reduce", finished, len(groups))  # noqa: B023 (awaited in this iteration)
                return merged

            parts = await _all(merge(g) for g in groups)
            levels += 1
        return parts, levels

    def emit(self, shown: str) -> None:
        """Send what was added to the Markdown, if the Markdown only grew."""
        if self.on_delta and len(shown) > len(self.streamed) and shown.startswith(self.streamed):
            delta, self.streamed = shown[len(self.streamed) :], shown
            self.on_delta(delta)

    async def final(self, step: str, data: str, allowed: set[int], times: dict[int, str], notes: list[str]) -> Minutes:
        """The last step, streamed: whole items are rendered as they arrive; a malformed answer is asked again."""
        messages, text, usage = self.messages(step, data, "\n\n" + format_note()), "", []
        self.progress("final", 0, 1)
        self.emit(render(Minutes(), times, notes, final=False))
        async with self.gate:
            async for delta in self.engine.stream(messages, on_usage=usage.append):
                text += delta
                if ("{" in delta or "[" in delta) and (partial := settled(text)) is not None:
                    self.emit(render(clean(partial, allowed)[0], times, notes, final=False))
        self._count(usage[0] if usage else Completion(text))
        try:
            found = self._kept(parse(text, allowed))
        except ValueError as exc:
            found = await self.ask(self.messages(step, data), allowed, _reason(Completion(text), exc), attempts=1)
        self.progress("final", 1, 1)
        return found

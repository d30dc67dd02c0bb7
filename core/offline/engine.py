"""The offline engine behind the same interface as the OpenAI one; honest about what it cannot do."""
from __future__ import annotations

import json
import re
import time
from collections.abc import AsyncIterator, Callable

from ..engine import Completion, Message
from ..errors import ConfigError
from .clean import Fillers, clean_text, default_fillers
from .extractive import keywords, summarize

DATA = re.compile(r"<data>\n?(.*?)\n?</data>", re.S)
TASKS = ("clean", "summarize", "keywords", "minutes")


def _data(messages: list[Message]) -> str:
    last = [m["content"] for m in messages if m["role"] == "user"][-1]
    found = DATA.search(last)
    return found.group(1) if found else last


def minutes_markdown(text: str, sentences: int | None = None, fillers: Fillers | None = None) -> str:
    """Extractive minutes: the central sentences with their rows, then keywords; labelled as such."""
    korean = sum("\uac00" <= ch <= "\ud7a3" for ch in text) > len(text) * 0.2
    picked = summarize(text, sentences, fillers)
    head = ("## 요약 (오프라인 엔진: 원문에서 고른 문장)" if korean else
            "## Summary (offline engine: sentences chosen from the transcript)")
    bullets = [f"- {s.speaker + ': ' if s.speaker else ''}{s.text} [#{s.row}]" for s in picked]
    words = ", ".join(keywords(text, 10, fillers))
    return "\n".join([head, *bullets, "", "## 키워드" if korean else "## Keywords", words, ""])


class OfflineEngine:
    """Answers clean, summarize, keywords and minutes without a model; other tasks are refused up front."""

    name = "offline"

    def __init__(self, task: str | None, fillers: Fillers | None = None, sentences: int | None = None) -> None:
        if task not in TASKS:
            what = "A custom template" if task is None else f"The '{task}' task"
            raise ConfigError(f"{what} needs a language model: the offline engine only does "
                              "대본 정리 (clean), summaries and keywords. Add an API key to use GPT.",
                              code="config.needs_model", task=task)
        self.task, self.fillers, self.sentences = task, fillers or default_fillers(), sentences

    def answer(self, text: str) -> str:
        """The task applied to one piece of text."""
        if self.task == "clean":
            return clean_text(text, self.fillers)
        if self.task == "keywords":
            return ", ".join(keywords(text, 5, self.fillers))
        if self.task == "summarize":
            picked = summarize(text, 1, self.fillers)
            return picked[0].text if picked else clean_text(text, self.fillers)
        return minutes_markdown(text, self.sentences, self.fillers)

    async def complete(self, messages: list[Message], response_format: dict | None = None) -> Completion:
        """Answer one request (a packed request gets one answer per item)."""
        started = time.perf_counter()
        if response_format:
            items = json.loads(_data(messages))["items"]
            text = json.dumps({"answers": [{"id": it["id"], "output": self.answer(DATA.sub(r"\1", it["input"]))}
                                           for it in items]}, ensure_ascii=False)
        else:
            text = self.answer(_data(messages))
        return Completion(text, 0, 0, time.perf_counter() - started, "stop")

    async def stream(self, messages: list[Message], on_usage: Callable[[Completion], None] | None = None
                     ) -> AsyncIterator[str]:
        """Yield the answer a line at a time."""
        done = await self.complete(messages)
        for line in done.text.splitlines(keepends=True):
            yield line
        if on_usage:
            on_usage(done)

    async def aclose(self) -> None:
        """Nothing to release."""

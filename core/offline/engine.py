"""The offline engine behind the same interface as the OpenAI one; honest about what it cannot do."""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import time
from collections.abc import AsyncIterator, Callable, Iterable

from core.engines.protocol import Completion, Message
from core.errors import ConfigError
from core.offline.clean import clean_text
from core.offline.fillers import Fillers, default_fillers, fillers_from_list
from core.offline.keywords import content_terms, keywords, line_keywords
from core.offline.summarize import Sentence, split_sentences, summarize_sentences, transcript_sentences

DATA = re.compile(r"<data>\n?(.*?)\n?</data>", re.S)
TASKS = ("clean", "summarize", "keywords", "minutes")
PACKED = "packed_answers"  # the structured output of packed row requests (core/rows/packing.py)
ROW_KEYWORDS, MINUTES_KEYWORDS = 5, 10
_HANGUL = re.compile(r"[가-힣]")
_LABELS = {
    "ko": {
        "summary": "요약",
        "keywords": "키워드",
        "note": "_오프라인 엔진의 발췌 요약입니다: 녹취록에서 중심이 되는 문장을 원래 순서대로 골라 군말만 뺐습니다._",
        "empty": "_요약할 문장을 찾지 못했습니다._",
    },
    "en": {
        "summary": "Summary",
        "keywords": "Keywords",
        "note": "_Extractive summary by the offline engine: the transcript's most central sentences, in their "
        "order, with fillers removed._",
        "empty": "_No sentences to summarize._",
    },
}


def needs_model(task: str | None, what: str | None = None) -> ConfigError:
    """The error for work only a language model can do."""
    what = what or ("A custom template" if task is None else f"The '{task}' task")
    return ConfigError(
        f"{what} needs a language model: the offline engine only does 대본 정리 (clean), "
        "extractive summaries and keywords. Set OPENAI_API_KEY (or a base URL) to use GPT.",
        code="config.needs_model",
        task=task,
    )


def data_of(messages: list[Message]) -> str:
    """The text between <data> tags in the last user message (the whole message when it has no tags)."""
    last = [m["content"] for m in messages if m["role"] == "user"][-1]
    found = DATA.search(last)
    return found.group(1) if found else last


def _cite(s: Sentence) -> str:
    return f"[#{s.row} {s.time}]" if s.time else f"[#{s.row}]"


def minutes_markdown(text: str, sentences: int | None = None, fillers: Fillers | None = None) -> str:
    """Extractive minutes: the central sentences with their rows (by section when long), then keywords."""
    fillers = fillers or default_fillers()
    labels = _LABELS["ko" if len(_HANGUL.findall(text)) > len(text) * 0.2 else "en"]
    parsed = transcript_sentences(text, fillers)  # read once for the summary and the keywords
    parts = summarize_sentences(parsed, sentences)
    lines = [f"## {labels['summary']}", labels["note"], "", *([labels["empty"], ""] if not parts else [])]
    for part in parts:
        lines += [f"### #{part.first}–#{part.last}"] if len(parts) > 1 else []
        lines += [f"- {s.speaker + ': ' if s.speaker else ''}{s.tidy} {_cite(s)}" for s in part.sentences] + [""]
    found = line_keywords([s.text for s in parsed] or [text], MINUTES_KEYWORDS, fillers)
    return "\n".join([*lines, f"## {labels['keywords']}", ", ".join(found) or "-", ""])


def _as_fillers(fillers: Fillers | Iterable[str] | None) -> Fillers:
    if fillers is None or isinstance(fillers, Fillers):
        return fillers or default_fillers()
    return fillers_from_list(fillers)


def offline_params(fillers: Fillers | Iterable[str] | None, sentences: int | None) -> dict:
    """The engine's answer-deciding parameters: its name, the summary length and a digest of the filler list."""
    listed = "\n".join(_as_fillers(fillers).as_list()).encode("utf-8")
    return {"engine": OfflineEngine.name, "sentences": sentences, "fillers": hashlib.sha256(listed).hexdigest()[:12]}


class OfflineEngine:
    """Answers clean, summarize, keywords and minutes without a model; other tasks are refused up front.

    `fillers`: a Fillers, or the app's list ("~word" = only in filler positions); default: core/presets/fillers.toml.
    `sentences`: the length of summaries (None: a few, three per section for long transcripts).
    """

    name = "offline"

    def __init__(
        self, task: str | None, fillers: Fillers | Iterable[str] | None = None, sentences: int | None = None
    ) -> None:
        if task not in TASKS:
            raise needs_model(task)
        if sentences is not None and sentences < 1:
            raise ConfigError("The summary length must be at least one sentence.", code="config.summary_length")
        self.task, self.fillers, self.sentences = task, _as_fillers(fillers), sentences

    def params(self) -> dict:
        """What decides its answers, to record with a run (the filler list as a short digest)."""
        return {"task": self.task, **offline_params(self.fillers, self.sentences)}

    def answer(self, text: str) -> str:
        """The task applied to one piece of text."""
        if self.task == "clean":
            return clean_text(text, self.fillers)
        if self.task == "keywords":
            return ", ".join(keywords(text, ROW_KEYWORDS, self.fillers, transcript=False))
        if self.task == "summarize":
            return self._row_summary(text)
        return minutes_markdown(text, self.sentences, self.fillers)

    def _row_summary(self, text: str) -> str:
        """The utterance's most informative sentences (one unless a length is set), tidied, in their order."""
        # Too few sentences for a centroid to mean anything: the ones with the most distinct content terms win.
        said = [t for t in (clean_text(s, self.fillers) for s in split_sentences(" ".join(text.split()))) if t]
        weight = [len(set(content_terms(t, self.fillers))) for t in said]
        best = sorted(range(len(said)), key=lambda i: (-weight[i], i))[: self.sentences or 1]
        return " ".join(said[i] for i in sorted(best))

    def _packed(self, messages: list[Message]) -> str:
        items = json.loads([m["content"] for m in messages if m["role"] == "user"][-1])["items"]
        answers = [
            {"id": it["id"], "output": self.answer(data_of([{"role": "user", "content": it["input"]}]))} for it in items
        ]
        return json.dumps({"answers": answers}, ensure_ascii=False)

    async def complete(self, messages: list[Message], response_format: dict | None = None) -> Completion:
        """Answer one request (a packed request gets one answer per item); no tokens, the real time taken."""
        started = time.perf_counter()
        if response_format:
            if response_format.get("json_schema", {}).get("name") != PACKED:
                raise needs_model(self.task, "This step asks for structured output and")
            text = self._packed(messages)
        elif self.task == "minutes":  # a whole transcript can take seconds: off the event loop
            text = await asyncio.to_thread(self.answer, data_of(messages))
        else:
            text = self.answer(data_of(messages))
        return Completion(text, 0, 0, time.perf_counter() - started, "stop")

    async def stream(
        self, messages: list[Message], on_usage: Callable[[Completion], None] | None = None
    ) -> AsyncIterator[str]:
        """Yield the answer a line at a time; `on_usage` gets the totals at the end."""
        done = await self.complete(messages)
        for line in done.text.splitlines(keepends=True):
            yield line
        if on_usage:
            on_usage(done)

    async def aclose(self) -> None:
        """Nothing to release."""

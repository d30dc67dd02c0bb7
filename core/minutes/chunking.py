"""Transcripts cut into chunks by an exact token budget, never inside a speaker's turn unless it alone is too long."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import NamedTuple

import pandas as pd

from core.cells import cell_text
from core.engines.families import family
from core.engines.tokens import count_text
from core.errors import ConfigError, TemplateError
from core.minutes.transcript import utterance_line
from core.presets import PRESETS

CONTEXTS = PRESETS / "contexts.toml"
# Where a too-long utterance is cut, best first: after a sentence (punctuation, or a Korean final ending, since
# speech-to-text often has no punctuation), then between words. Failing both, between characters.
SENTENCE_ENDS = re.compile(r"(?:[.!?。？！…]+|(?<=[다요죠]))(?=\s)")
WORD_ENDS = re.compile(r"\S(?=\s)")


@dataclass(frozen=True)
class Utterance:
    """One utterance (or one piece of a cut one) as the model sees it: `#row [time] speaker: text`."""

    row: int  # from 1, as cited in the minutes
    speaker: str
    start: str  # seconds as in the table; "" when unknown
    end: str
    text: str
    tokens: int = 0  # of `line`, exact for OpenAI models
    part: int = 0  # 1, 2, … for the pieces of an utterance cut to fit the budget

    @property
    def line(self) -> str:
        """The line sent to the model."""
        return utterance_line(self.row, self.start, self.speaker, self.text)


@dataclass(frozen=True)
class Chunk:
    """Consecutive utterances within the budget; `context` repeats the end of the previous chunk for reference."""

    index: int
    utterances: tuple[Utterance, ...]
    context: tuple[Utterance, ...] = ()
    tokens: int = 0  # exact tokens of `text`

    @property
    def rows(self) -> tuple[int, ...]:
        """The rows this chunk covers (context excluded), in order."""
        return tuple(dict.fromkeys(u.row for u in self.utterances))

    @property
    def start(self) -> str:
        """The first start time known in the chunk, in seconds ("" when unknown)."""
        return next((u.start for u in self.utterances if u.start), "")

    @property
    def end(self) -> str:
        """The last end time known in the chunk (else the last start), in seconds."""
        return next((u.end or u.start for u in reversed(self.utterances) if u.end or u.start), "")

    @property
    def text(self) -> str:
        """Context and utterances as transcript lines: what the budget measures."""
        return "\n".join(u.line for u in (*self.context, *self.utterances))


class _Unit(NamedTuple):
    """What is never cut when packing: a whole turn, or an utterance (or piece) of a turn too long to keep."""

    utterances: tuple[Utterance, ...]
    tokens: int


@lru_cache(maxsize=1)
def _contexts() -> dict:
    with open(CONTEXTS, "rb") as fh:
        return tomllib.load(fh)


def context_window(model: str) -> int:
    """The model's context window in tokens (a conservative default for unknown models)."""
    data = _contexts()
    known = family(model, data["context"])
    return int(data["context"][known]) if known else int(data["default"])


def default_chunk_tokens(model: str) -> int:
    """The chunk budget when none is given: a share of the model's context, capped."""
    data = _contexts()
    return max(int(data["floor"]), min(int(data["cap"]), int(context_window(model) * data["share"])))


def _cell(rec: dict, column: str | None) -> str:
    return cell_text(rec.get(column) if column else None).strip()


def utterances(
    df: pd.DataFrame,
    text_column: str,
    speaker_column: str | None,
    model: str,
    start_column: str = "start",
    end_column: str = "end",
) -> list[Utterance]:
    """Every non-empty row as an Utterance (rows from 1), with its exact (or estimated) token count."""
    if text_column not in df.columns:
        raise TemplateError(
            f"No column named '{text_column}'. Columns: {', '.join(map(str, df.columns))}",
            code="template.text_column",
            name=text_column,
        )
    out = []
    for row, rec in enumerate(df.to_dict(orient="records"), start=1):
        text = _cell(rec, text_column)
        if text:
            u = Utterance(row, _cell(rec, speaker_column), _cell(rec, start_column), _cell(rec, end_column), text)
            out.append(_measured(u, model))
    return out


def _measured(u: Utterance, model: str, **changes: object) -> Utterance:
    u = replace(u, **changes)
    return replace(u, tokens=count_text(u.line, model).tokens)


def _size(utts: Sequence[Utterance], model: str) -> int:
    return count_text("\n".join(u.line for u in utts), model).tokens


def _turns(utts: list[Utterance]) -> list[list[Utterance]]:
    """Runs of the same speaker; without a speaker each utterance stands alone."""
    turns: list[list[Utterance]] = []
    for u in utts:
        if turns and u.speaker and u.speaker == turns[-1][-1].speaker:
            turns[-1].append(u)
        else:
            turns.append([u])
    return turns


def _last_fitting(ends: Sequence[int], fits: Callable[[int], bool]) -> int | None:
    """The last end that fits, by bisection (token counts grow with the text)."""
    lo, hi, best = 0, len(ends) - 1, None
    while lo <= hi:
        mid = (lo + hi) // 2
        if fits(ends[mid]):
            best, lo = ends[mid], mid + 1
        else:
            hi = mid - 1
    return best


def _cut(u: Utterance, budget: int, model: str) -> list[Utterance]:
    """An utterance too long for the budget, cut at sentences, else words, else characters; every piece fits."""
    text, pos, pieces = u.text, 0, []

    def fits(end: int) -> bool:
        return _measured(u, model, text=text[pos:end].strip()).tokens <= budget

    while pos < len(text):
        for ends in (
            [m.end() for m in SENTENCE_ENDS.finditer(text)],
            [m.end() for m in WORD_ENDS.finditer(text)],
            range(pos + 1, len(text)),
        ):
            end = _last_fitting([e for e in [*ends, len(text)] if e > pos], fits)
            if end is not None:
                break
        else:
            raise ConfigError(
                f"A chunk budget of {budget} tokens cannot hold even one character of row {u.row} "
                "with its row number and speaker.",
                code="config.chunk_tokens",
                tokens=budget,
            )
        if piece := text[pos:end].strip():
            pieces.append(piece)
        pos = end
    return [_measured(u, model, text=p, part=i) for i, p in enumerate(pieces, start=1)]


def _units(utts: list[Utterance], budget: int, model: str) -> list[_Unit]:
    """Whole turns; a turn over the budget becomes its utterances, and an utterance over it, its pieces."""
    units: list[_Unit] = []
    for turn in _turns(utts):
        size = turn[0].tokens if len(turn) == 1 else _size(turn, model)
        if size <= budget:
            units.append(_Unit(tuple(turn), size))
            continue
        for u in turn:
            units += [_Unit((p,), p.tokens) for p in (_cut(u, budget, model) if u.tokens > budget else [u])]
    return units


def _fill(
    units: list[_Unit], first: int, context: list[Utterance], budget: int, model: str
) -> tuple[list[Utterance], list[Utterance], int, int]:
    """Context, utterances, the next unit's index and the exact size of one chunk that starts with units[first]."""
    while context and _size([*context, *units[first].utterances], model) > budget:
        context = context[1:]  # a whole turn matters more than the context before it
    estimate = _size(context, model) + 1 + units[first].tokens if context else units[first].tokens
    end = first + 1
    while end < len(units) and estimate + 1 + units[end].tokens <= budget:
        estimate += 1 + units[end].tokens
        end += 1
    # The sum of the parts is an estimate (BPE can merge across a line break): the joined text decides.
    while True:
        body = [u for unit in units[first:end] for u in unit.utterances]
        size = _size([*context, *body], model)
        if size <= budget or end - first == 1:
            return context, body, end, size
        end -= 1


def build_chunks(utts: list[Utterance], budget: int, model: str, overlap: int = 0) -> list[Chunk]:
    """Pack whole turns into chunks of at most `budget` tokens; each may repeat `overlap` earlier utterances."""
    if budget <= 0 or overlap < 0:
        raise ConfigError(
            f"Chunk budget must be positive and overlap not negative (got {budget}, {overlap}).",
            code="config.chunk_tokens",
            tokens=budget,
        )
    units, chunks, first = _units(utts, budget, model), [], 0
    while first < len(units):
        previous = list(chunks[-1].utterances[-overlap:]) if chunks and overlap else []
        context, body, first, size = _fill(units, first, previous, budget, model)
        chunks.append(Chunk(len(chunks), tuple(body), tuple(context), tokens=size))
    return chunks


def chunk_transcript(
    df: pd.DataFrame,
    *,
    model: str,
    text_column: str,
    speaker_column: str | None = None,
    chunk_tokens: int | None = None,
    overlap: int = 0,
) -> list[Chunk]:
    """The table's utterances in chunks (the budget defaults to one derived from the model's context)."""
    budget = chunk_tokens or default_chunk_tokens(model)
    return build_chunks(utterances(df, text_column, speaker_column, model), budget, model, overlap)

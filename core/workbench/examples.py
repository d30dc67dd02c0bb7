"""Few-shot examples from the user's own answers: picked per row by character n-gram similarity, within a budget."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from core.cells import cell_text
from core.engines.tokens import PER_MESSAGE, count_text
from core.errors import ConfigError
from core.rows.runner import table_rows
from core.rows.templates import Example, Template, render
from core.workbench import EXAMPLE_TOKENS, MAX_EXAMPLES

GRAMS = (2, 3)  # character bigrams and trigrams: similar Korean words share them whatever their particles


def grams(text: str) -> Counter:
    """Character 2- and 3-grams of each word (padded with spaces), case-folded."""
    out: Counter = Counter()
    for word in re.findall(r"\w+", text.casefold()):
        padded = f" {word} "
        out.update(padded[i : i + n] for n in GRAMS for i in range(len(padded) - n + 1))
    return out


def _vector(counts: Counter, idf: Mapping[str, float]) -> dict[str, float]:
    vec = {g: (1 + math.log(c)) * idf.get(g, 0.0) for g, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {g: v / norm for g, v in vec.items() if v}


def _cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return sum(v * large.get(g, 0.0) for g, v in small.items())


@dataclass(frozen=True)
class ExamplePicker:
    """A pool of examples; for each row the `limit` most similar that fit in `budget` tokens, in pool order."""

    pool: tuple[Example, ...]
    limit: int = MAX_EXAMPLES
    budget: int = EXAMPLE_TOKENS
    model: str = "gpt-4o-mini"
    _idf: dict = field(default_factory=dict, compare=False, repr=False)
    _vectors: tuple = field(default=(), compare=False, repr=False)
    _costs: tuple = field(default=(), compare=False, repr=False)

    def __post_init__(self) -> None:
        docs = [grams(ex.user) for ex in self.pool]
        df = Counter(g for doc in docs for g in doc)
        # Smoothed idf: a gram every example shares still counts a little (pools are often tiny).
        idf = {g: math.log((1 + len(docs)) / (1 + c)) + 1.0 for g, c in df.items()}
        object.__setattr__(self, "_idf", idf)
        object.__setattr__(self, "_vectors", tuple(_vector(d, idf) for d in docs))
        costs = tuple(self._tokens(ex) for ex in self.pool)
        object.__setattr__(self, "_costs", costs)

    def _tokens(self, ex: Example) -> int:
        return count_text(ex.user, self.model).tokens + count_text(ex.assistant, self.model).tokens + 2 * PER_MESSAGE

    def scores(self, user: str) -> list[float]:
        """Each pool example's similarity to this user message (0 to 1)."""
        query = _vector(grams(user), self._idf)
        return [_cosine(query, v) for v in self._vectors]

    def pick(self, user: str) -> tuple[Example, ...]:
        """The most similar examples (ties: earlier first) that fit the budget, sent in pool order."""
        if not self.pool or self.limit < 1:
            return ()
        scores = self.scores(user)
        chosen, spent = [], 0
        for i in sorted(range(len(self.pool)), key=lambda k: (-scores[k], k)):
            if len(chosen) == self.limit:
                break
            if spent + self._costs[i] <= self.budget:
                chosen.append(i)
                spent += self._costs[i]
        return tuple(self.pool[i] for i in sorted(chosen))

    def params(self) -> dict:
        """The pool and the limits, as the run records them."""
        return {
            "pool": [[ex.user, ex.assistant] for ex in self.pool],
            "max_examples": self.limit,
            "budget_tokens": self.budget,
        }


def shots_from_params(params: dict, model: str) -> ExamplePicker:
    """The picker a run recorded with `ExamplePicker.params()`, as it was."""
    pool = tuple(Example(str(user), str(answer)) for user, answer in params.get("pool", []))
    return ExamplePicker(
        pool,
        limit=int(params.get("max_examples", MAX_EXAMPLES)),
        budget=int(params.get("budget_tokens", EXAMPLE_TOKENS)),
        model=model,
    )


def examples_from_rows(
    rows: Sequence[Mapping[str, object]], answers: Sequence[str], template: Template
) -> tuple[Example, ...]:
    """One example per row with an answer: the template filled from the row, and the answer (duplicates once)."""
    out: dict[Example, None] = {}
    for row, answer in zip(rows, answers):
        if answer.strip():
            out[Example(render(template.user, row), answer.strip())] = None
    return tuple(out)


def examples_from_table(df: pd.DataFrame, template: Template, text_column: str | None, output_column: str):
    """The examples in a table holding the run's text column and its output column (edits included)."""
    if output_column not in df.columns:
        raise ConfigError(
            f"The examples file has no column '{output_column}' (the answers). "
            f"Columns: {', '.join(map(str, df.columns))}",
            code="config.examples",
            name=output_column,
        )
    rows = table_rows(df, text_column if text_column in df.columns else None)
    names = [*map(str, df.columns), *(["text"] if text_column in df.columns else [])]
    template.check(names)
    return examples_from_rows(rows, [cell_text(v) for v in df[output_column]], template)


def with_examples(template: Template, picker: ExamplePicker | None) -> Template:
    """The template sending `picker`'s examples before each row (None: as it was)."""
    return template if picker is None or not picker.pool else replace(template, shots=picker)


def load_examples(
    path,
    template: Template,
    text_column: str | None,
    output_column: str,
    *,
    limit: int = MAX_EXAMPLES,
    budget: int = EXAMPLE_TOKENS,
    model: str = "gpt-4o-mini",
) -> ExamplePicker:
    """The picker over a file's answered rows (e.g. a previous output with the user's edits)."""
    from core.loaders import load_path  # the loaders are heavy; only a run with examples needs them here

    if limit < 1 or budget < 1:
        raise ConfigError("--max-examples and the example budget must be at least 1", code="config.range")
    df = load_path(path).df
    pool = examples_from_table(df, replace(template, shots=None), text_column, output_column)
    if not pool:
        raise ConfigError(
            f"The examples file has no answered rows in '{output_column}'.", code="config.examples", name=output_column
        )
    return ExamplePicker(pool, limit, budget, model)

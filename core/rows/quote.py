"""What a run will cost before it starts: requests, tokens, dollars and the time the limits allow."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from core.engines.pricing import PriceList, load_prices
from core.engines.tokens import Count, count_messages, count_text
from core.rows.packing import pack_messages
from core.rows.plan import RowPlan
from core.rows.templates import is_blank, render

LABEL_ANSWER_TOKENS = 4
T = TypeVar("T")
PAUSE_EVERY = 32  # rows between pauses: well under a millisecond of counting


@dataclass(frozen=True)
class Quote:
    """The expected size, price and duration of a run."""

    requests: int
    input_tokens: int
    output_tokens: int
    max_output_tokens: int
    exact: bool
    cost: float | None
    batch_cost: float | None
    max_cost: float | None
    seconds_at_limits: float | None
    prices_taken: str

    def lines(self) -> list[str]:
        """The quote in a few plain lines (CLI and UI)."""
        kind = "exact" if self.exact else "estimated"
        money = (
            "no price known for this model"
            if self.cost is None
            else f"~${self.cost:.4f} (Batch API ~${self.batch_cost:.4f}; at most ${self.max_cost:.4f}), "
            f"prices of {self.prices_taken}"
        )
        pace = (
            "" if self.seconds_at_limits is None else f"; the rate limits allow it in ≥{self.seconds_at_limits:.0f} s"
        )
        return [
            f"{self.requests} requests, {self.input_tokens} input tokens ({kind}), "
            f"~{self.output_tokens} output tokens (at most {self.max_output_tokens})",
            money + pace,
        ]


def _expected_output(plan: RowPlan, row: Mapping[str, object], model: str) -> int:
    # Tidying and translating give back about as much as they get; a label is a word.
    return LABEL_ANSWER_TOKENS if plan.labels else count_text(render(plan.template.user, row), model).tokens


def _pausing(items: Sequence[T], pause: Callable[[], None] | None) -> Iterator[T]:
    """The items, with `pause()` called after every PAUSE_EVERY of them."""
    for n, item in enumerate(items, 1):
        yield item
        if pause and n % PAUSE_EVERY == 0:
            pause()


def quote_rows(
    rows: Sequence[Mapping[str, object]],
    plan: RowPlan,
    *,
    model: str,
    max_tokens: int,
    pack: int = 1,
    rpm: int | None = None,
    tpm: int | None = None,
    prices: PriceList | None = None,
    pause: Callable[[], None] | None = None,
) -> Quote:
    """Count what a run of `plan` over `rows` will send, and price it.

    `pause` is called every few rows: a count in a background thread hands the interpreter back to the run there."""
    send = [(i, r) for i, r in enumerate(rows) if not is_blank(plan.template, r)]
    size = max(1, pack)
    groups = [send[k : k + size] for k in range(0, len(send), size)]
    prompt = Count(0, True)
    for group in _pausing(groups, pause):
        messages = pack_messages(plan.template, group) if size > 1 else plan.template.messages(group[0][1])
        prompt = prompt + count_messages(messages, model)
    output = sum(min(max_tokens, _expected_output(plan, row, model)) for _, row in _pausing(send, pause))
    return _priced(len(groups), prompt, output, max_tokens * len(groups), model, rpm, tpm, prices or load_prices())


def _priced(
    requests: int,
    prompt: Count,
    output: int,
    max_output: int,
    model: str,
    rpm: int | None,
    tpm: int | None,
    prices: PriceList,
) -> Quote:
    cost = prices.cost(model, prompt.tokens, output)
    max_cost = prices.cost(model, prompt.tokens, max_output)
    bounds = [requests / (rpm / 60)] if rpm else []
    bounds += [(prompt.tokens + max_output) / (tpm / 60)] if tpm else []
    return Quote(
        requests=requests,
        input_tokens=prompt.tokens,
        output_tokens=output,
        max_output_tokens=max_output,
        exact=prompt.exact,
        cost=cost,
        batch_cost=None if cost is None else cost * prices.batch_discount,
        max_cost=max_cost,
        seconds_at_limits=max(bounds) if bounds else None,
        prices_taken=prices.taken,
    )

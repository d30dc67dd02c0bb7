"""One rule decides a model's family for its price, its context window and its token encoding."""

import pytest

from core.engines.families import family
from core.engines.pricing import load_prices
from core.engines.tokens import encoding_name
from core.minutes.chunking import context_window

NAMES = ("gpt-4", "gpt-4o", "gpt-4o-mini", "o3")


@pytest.mark.parametrize(
    "model, expected",
    [
        ("gpt-4o", "gpt-4o"),
        ("gpt-4o-2024-08-06", "gpt-4o"),
        ("gpt-4o-mini-2024-07-18", "gpt-4o-mini"),
        ("openai/GPT-4o", "gpt-4o"),
        ("gpt-4-turbo", "gpt-4"),
        ("o3-pro", "o3"),
        ("gpt-4.1", None),
        ("gpt-4oo", None),
        ("llama3", None),
    ],
)
def test_the_longest_listed_name_the_model_is_or_starts_with_a_dash_after(model, expected):
    assert family(model, NAMES) == expected


def test_prices_contexts_and_encodings_follow_the_same_rule():
    prices = load_prices()
    assert prices.price("gpt-4o-2024-08-06") == prices.price("gpt-4o") != prices.price("gpt-4o-mini")
    assert prices.price("gpt-4oo") is None
    assert context_window("gpt-4o-2024-08-06") == context_window("gpt-4o") == 128000
    assert context_window("gpt-4-0613") == 8192 and context_window("gpt-4.1-mini") == 1047576
    assert encoding_name("gpt-4o-mini") == encoding_name("o4-mini") == encoding_name("gpt-5-nano") == "o200k_base"
    assert encoding_name("gpt-4-turbo") == encoding_name("gpt-3.5-turbo-0125") == "cl100k_base"
    assert encoding_name("claude-3") is None and encoding_name("gpt-4oo") is None

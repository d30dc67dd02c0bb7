"""Which listed model family a model name belongs to: one rule for prices, context windows and token encodings."""

from __future__ import annotations

from collections.abc import Iterable


def family(model: str, names: Iterable[str]) -> str | None:
    """The longest of `names` that the model is or starts with followed by "-" (gpt-4o-2024-08-06 and gpt-4o-mini
    belong to gpt-4o unless gpt-4o-mini is listed itself); a provider prefix such as "openai/" is ignored."""
    name = model.lower().split("/")[-1]
    return max((n for n in names if name == n or name.startswith(n + "-")), key=len, default=None)

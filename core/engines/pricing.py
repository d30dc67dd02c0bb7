"""Prices per model, read from data, and the cost of a number of tokens."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from core.engines.families import family
from core.presets import PRESETS

PRICES = PRESETS / "prices.toml"
PER = 1_000_000


@dataclass(frozen=True)
class Price:
    """Dollars per million input and output tokens."""

    input: float
    output: float


@dataclass(frozen=True)
class PriceList:
    """All known prices, when they were taken, and the Batch API discount."""

    models: dict[str, Price]
    taken: str
    batch_discount: float

    def price(self, model: str) -> Price | None:
        """The price of `model`, matching dated snapshots (gpt-4o-2024-08-06) to their family."""
        best = family(model, self.models)
        return self.models[best] if best else None

    def cost(self, model: str, prompt_tokens: int, completion_tokens: int) -> float | None:
        """Dollars at the standard price, or None for a model without a price."""
        p = self.price(model)
        return None if p is None else (prompt_tokens * p.input + completion_tokens * p.output) / PER


@lru_cache(maxsize=4)
def load_prices(path: Path = PRICES) -> PriceList:
    """The price list in a TOML file."""
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    meta = data.get("meta", {})
    models = {name: Price(float(v["input"]), float(v["output"])) for name, v in data.get("models", {}).items()}
    return PriceList(models, str(meta.get("taken", "unknown")), float(meta.get("batch_discount", 1.0)))

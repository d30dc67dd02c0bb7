"""Which rows to try a prompt on: the first N, a seeded random N, or the rows the user ticked."""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence

from core.errors import ConfigError
from core.rows.templates import Template, is_blank

HOWS = ("first", "random", "given")


def sample_rows(
    total: int,
    n: int | None = None,
    *,
    how: str = "first",
    seed: int | None = None,
    given: Iterable[int] = (),
    pool: Sequence[int] | None = None,
) -> list[int]:
    """Row numbers in table order: the first `n`, `n` drawn with `seed`, or the `given` ones.

    `pool` limits the choice (e.g. to rows that would be sent); n None or larger than the pool means all of it.
    """
    if how not in HOWS:
        raise ConfigError(f"Sample rows by one of: {', '.join(HOWS)}", code="config.sample", name=how)
    if n is not None and n < 1:
        raise ConfigError("The sample needs at least 1 row.", code="config.range", name="sample")
    candidates = list(range(total)) if pool is None else [i for i in pool if 0 <= i < total]
    if how == "given":
        allowed = set(candidates)
        picked = sorted({int(i) for i in given if int(i) in allowed})
        return picked[:n] if n is not None else picked
    if n is None or n >= len(candidates):
        return candidates
    if how == "first":
        return candidates[:n]
    return sorted(random.Random(seed).sample(candidates, n))


def sendable(rows: Sequence[Mapping[str, object]], template: Template) -> list[int]:
    """The rows a template would actually send (blank rows are skipped by every run)."""
    return [i for i, row in enumerate(rows) if not is_blank(template, row)]

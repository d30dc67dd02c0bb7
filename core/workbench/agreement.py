"""How far two sets of answers agree: the share of equal answers and Cohen's kappa (agreement beyond chance)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Agreement:
    """Rows compared, rows in agreement, their share and Cohen's kappa (None when chance explains everything)."""

    rows: int
    agree: int
    rate: float
    kappa: float | None


def same(a: str, b: str) -> bool:
    """Two answers count as the same when they match after trimming spaces."""
    return a.strip() == b.strip()


def cohen_kappa(a: Sequence[str], b: Sequence[str]) -> float | None:
    """(p_o − p_e) / (1 − p_e) over paired labels; None when p_e is 1 (one label only, kappa undefined)."""
    if len(a) != len(b):
        raise ValueError("kappa needs two answers per row")
    n = len(a)
    if n == 0:
        return None
    observed = sum(x.strip() == y.strip() for x, y in zip(a, b)) / n
    ca, cb = Counter(x.strip() for x in a), Counter(y.strip() for y in b)
    expected = sum(ca[k] * cb[k] for k in ca) / (n * n)
    if expected >= 1.0:
        return None
    return (observed - expected) / (1 - expected)


def agreement(a: Sequence[str], b: Sequence[str]) -> Agreement:
    """Agreement between two answer lists of the same rows."""
    agree = sum(same(x, y) for x, y in zip(a, b))
    n = min(len(a), len(b))
    return Agreement(n, agree, agree / n if n else 0.0, cohen_kappa(a[:n], b[:n]))

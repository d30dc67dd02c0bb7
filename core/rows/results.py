"""Per-row results as data, their totals, and the table that joins them to the input."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import asdict, dataclass

import pandas as pd

STATUSES = ("ok", "review", "failed", "skipped", "cancelled", "pending")
FINAL = ("ok", "review", "failed", "skipped")  # a row with one of these was answered (or could not be): not resumed


@dataclass
class RowResult:
    """What happened to one row: its answer, or why there is none."""

    row: int
    output: str = ""
    status: str = "pending"
    error: str = ""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency: float = 0.0

    def as_dict(self) -> dict:
        """A plain dict (for JSON, the store and session state)."""
        return asdict(self)


@dataclass(frozen=True)
class RunStats:
    """Totals after a run: counts by status, tokens and latency percentiles."""

    counts: dict[str, int]
    prompt_tokens: int
    completion_tokens: int
    latency_p50: float
    latency_p95: float

    @property
    def total_tokens(self) -> int:
        """Prompt plus completion tokens."""
        return self.prompt_tokens + self.completion_tokens


def _percentile(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


def run_stats(results: Iterable[RowResult]) -> RunStats:
    """Counts, tokens and latency percentiles of the rows that were sent."""
    results = list(results)
    counts = {s: sum(r.status == s for r in results) for s in STATUSES}
    sent = [r.latency for r in results if r.status in ("ok", "review", "failed") and r.latency > 0]
    return RunStats(
        counts=counts,
        prompt_tokens=sum(r.prompt_tokens for r in results),
        completion_tokens=sum(r.completion_tokens for r in results),
        latency_p50=_percentile(sent, 0.50),
        latency_p95=_percentile(sent, 0.95),
    )


def unanswered_rows(results: Iterable[RowResult], rows: int) -> list[int]:
    """Rows of `rows` with no final result: never sent, stopped, or held back by the budget."""
    done = {r.row for r in results if r.status in FINAL}
    return [i for i in range(rows) if i not in done]


def failed_rows(results: Iterable[RowResult], rows: int) -> list[int]:
    """Rows of `rows` worth asking again: failed, to review, or never answered."""
    done = {r.row for r in results if r.status in ("ok", "skipped")}
    return [i for i in range(rows) if i not in done]


def unique_name(name: str, taken: Iterable[str]) -> str:
    """`name`, or `name_2`, `name_3`… when an input column already has it."""
    taken = set(map(str, taken))
    n, candidate = 2, name
    while candidate in taken:
        candidate, n = f"{name}_{n}", n + 1
    return candidate


def results_frame(
    df: pd.DataFrame, results: Iterable[RowResult], output_column: str, details: bool = False
) -> pd.DataFrame:
    """Input columns untouched and in order, then the output column, status and error (and details if asked)."""
    by_row = {r.row: r for r in results}
    out = df.copy().reset_index(drop=True)
    get = [by_row.get(i, RowResult(i, status="")) for i in range(len(out))]
    values = {
        output_column: [r.output for r in get],
        "status": [r.status for r in get],
        "error": [r.error for r in get],
    }
    if details:
        values |= {
            "prompt_tokens": [r.prompt_tokens for r in get],
            "completion_tokens": [r.completion_tokens for r in get],
            "latency_s": [round(r.latency, 3) for r in get],
        }
    for name, column in values.items():
        out[unique_name(name, out.columns)] = column
    return out

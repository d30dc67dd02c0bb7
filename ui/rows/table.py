"""The results table as the user sees and downloads it: answers, hand edits and selections folded in."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from core.rows.results import RowResult, results_frame

SELECT = "_select"


def fold(
    widget_state: Mapping | None,
    output_column: str,
    edits: dict[int, str],
    selected: set[int],
    rows: Sequence[int] | None = None,
) -> None:
    """Copy the editor's pending changes (output text, ticks) into plain state that outlives the widget; `rows`:
    the row number at each position the editor showed (default: position = row)."""
    for pos, change in dict((widget_state or {}).get("edited_rows", {})).items():
        row = int(pos) if rows is None else rows[int(pos)]
        if output_column in change:
            value = change[output_column]
            edits[row] = "" if value is None else str(value)
        if SELECT in change:
            (selected.add if change[SELECT] else selected.discard)(row)


def results_table(
    df: pd.DataFrame,
    results: Iterable[RowResult],
    output_column: str,
    edits: Mapping[int, str],
    reasons: Mapping[int, str],
) -> pd.DataFrame:
    """Input columns, the answer (hand edits win), status and a readable error, one row per input row."""
    out = results_frame(df, results, output_column)
    n = len(out)
    for row, text in edits.items():
        if 0 <= row < n:
            out.at[row, output_column] = text
    for row, reason in reasons.items():
        if 0 <= row < n:
            out.at[row, "error"] = reason
    return out


def with_select(table: pd.DataFrame, selected: set[int]) -> pd.DataFrame:
    """The table with a leading tick column and row numbers from 1 (the editor's view)."""
    view = table.copy()
    view.insert(0, SELECT, [i in selected for i in range(len(view))])
    view.index = pd.RangeIndex(1, len(view) + 1)
    return view


def label_counts(values: Iterable[object], labels: Iterable[str], other: str) -> pd.Series:
    """How many answers hold each label (in list order); anything else is counted under `other`."""
    counts = {label: 0 for label in labels}
    rest = 0
    for value in values:
        text = "" if value is None else str(value).strip()
        if text in counts:
            counts[text] += 1
        elif text:
            rest += 1
    if rest:
        counts[other] = rest
    return pd.Series(counts, dtype="int64")


def fingerprint(table: pd.DataFrame) -> int:
    """A cheap content hash, to reuse export bytes while the table has not changed."""
    body = int(pd.util.hash_pandas_object(table, index=False).sum()) if len(table) else 0
    return hash((tuple(map(str, table.columns)), len(table), body))


def row_details(results: Iterable[RowResult]) -> pd.DataFrame:
    """Row number (from 1), status, tokens and latency of every row that was sent, in row order."""
    sent = sorted((r for r in results if r.status in ("ok", "review", "failed") and r.latency > 0), key=lambda r: r.row)
    return pd.DataFrame(
        {
            "row": [r.row + 1 for r in sent],
            "status": [r.status for r in sent],
            "prompt_tokens": [r.prompt_tokens for r in sent],
            "completion_tokens": [r.completion_tokens for r in sent],
            "latency_s": [round(r.latency, 3) for r in sent],
        }
    )


def latency_histogram(latencies: pd.Series, bins: int = 12) -> pd.Series:
    """How many rows took how long: counts per equal-width band of seconds, labelled "0.10–0.20s"."""
    values = latencies.astype(float)
    low, high = float(values.min()), float(values.max())
    if high - low < 1e-3:  # all alike: one band (pd.cut cannot split a zero-width range)
        return pd.Series({f"{low:.2f}s": len(values)}, dtype="int64")
    width = (high - low) / bins
    edges = [low + width * k for k in range(bins)] + [high]
    counts = pd.cut(values, edges, include_lowest=True).value_counts(sort=False)
    labels = [f"{a:.2f}–{b:.2f}s" for a, b in zip(edges, edges[1:])]
    return pd.Series(counts.to_numpy(), index=labels, dtype="int64")

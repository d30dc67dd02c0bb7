"""The results table a window at a time: which rows match a search and a status filter, one page of them, and
that page built alone (the work follows the rows shown, not the table)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.rows.results import RowResult, unique_name

PAGE_ROWS = 100
EDITOR_KEY = "results_editor"  # the results data_editor's key, before its window's versions
NO_STATUS = ""  # rows without a result yet


@dataclass(frozen=True)
class ResultsWindow:
    """The rows the results editor shows and the editor widget showing them. They stay put until the search, the
    filter, the page or the results change, so an edit or a tick lands on the row it was made on."""

    editor_version: int  # EDITOR_VERSION when picked: with `serial`, a widget key never used before in the session
    serial: int  # new for every window: the editor widget is new too, with no pending edits of other rows
    rows: tuple[int, ...]  # row numbers (from 0) in the order shown; edited_rows count positions in it
    basis: tuple  # what picked them: run, results version, search, statuses, page
    matches: int  # rows matching the search and the filter, over all pages
    page: int  # the page shown, from 1

    @property
    def widget(self) -> str:
        """The key of the data_editor showing these rows."""
        return f"{EDITOR_KEY}.{self.editor_version}.{self.serial}"


def statuses(results: Mapping[int, RowResult], n: int) -> list[str]:
    """Each row's status ("" for rows not run)."""
    return [results[i].status if i in results else NO_STATUS for i in range(n)]


def answers(results: Mapping[int, RowResult], edits: Mapping[int, str], n: int) -> list[str]:
    """Each row's answer as shown: the hand edit, else the result's output, else ""."""
    return [edits[i] if i in edits else results[i].output if i in results else "" for i in range(n)]


def matching(
    df: pd.DataFrame, answers: Sequence[str], statuses: Sequence[str], query: str, wanted: Collection[str]
) -> list[int]:
    """Rows whose status is one of `wanted` (all when empty) and whose cells or answer contain `query` (any case)."""
    keep = np.ones(len(df), dtype=bool)
    if wanted:
        keep &= np.isin(np.asarray(statuses, dtype=object), list(wanted))
    query = query.strip().casefold()
    if query:
        shown = pd.Series(answers, dtype=object).str.casefold()
        found = shown.str.contains(query, regex=False, na=False).to_numpy(dtype=bool, copy=True)
        for column in df.columns:
            cells = df[column].astype(str).str.casefold()
            found |= cells.str.contains(query, regex=False, na=False).to_numpy()
        keep &= found
    return np.flatnonzero(keep).tolist()


def pages(count: int, size: int = PAGE_ROWS) -> int:
    """How many pages `count` rows fill (at least one)."""
    return max(1, -(-count // size))


def page_rows(rows: Sequence[int], page: int, size: int = PAGE_ROWS) -> list[int]:
    """The rows on page `page` (from 1; clamped to the pages there are)."""
    page = min(max(1, page), pages(len(rows), size))
    return list(rows[(page - 1) * size : page * size])


def window_frame(
    df: pd.DataFrame,
    rows: Sequence[int],
    results: Mapping[int, RowResult],
    output_column: str,
    edits: Mapping[int, str],
    reasons: Mapping[int, str],
) -> pd.DataFrame:
    """Input columns, the answer (hand edits win), status and reason of just these rows, indexed by row number
    from 1 (what the user sees and edits)."""
    out = df.iloc[list(rows)].reset_index(drop=True)
    got = [results.get(i) for i in rows]
    values = {
        output_column: [edits.get(i, r.output if r else "") for i, r in zip(rows, got)],
        "status": [r.status if r else NO_STATUS for r in got],
        "error": [reasons.get(i, r.error if r else "") for i, r in zip(rows, got)],
    }
    for name, column in values.items():
        out[unique_name(name, out.columns)] = pd.Series(column, dtype="str")  # "str" even when no row is shown
    out.index = pd.Index([i + 1 for i in rows], dtype="int64")
    return out

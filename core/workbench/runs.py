"""A run beside an earlier run of the same file: what the prompt change changed."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from core.cells import cell_text
from core.store import LOCAL, RunInfo, Store
from core.workbench.agreement import Agreement, agreement, same
from core.workbench.diff import text_diff


@dataclass
class RunDiff:
    """Two runs' answers row by row, the prompt diff between them, and how far they agree."""

    old: RunInfo
    new: RunInfo
    frame: pd.DataFrame
    prompt_diff: str
    agreement: Agreement

    @property
    def changed(self) -> int:
        """Rows whose answer differs."""
        return int((self.frame["same"] == "no").sum())


def earlier_runs(store: Store, run: RunInfo, owner: str = LOCAL) -> list[RunInfo]:
    """The owner's other runs of the same file (same name and row count), newest first."""
    return [
        r for r in store.runs(owner=owner) if r.id != run.id and r.file_name == run.file_name and r.rows == run.rows
    ]


def compare_runs(store: Store, old_id: int, new_id: int, owner: str = LOCAL) -> RunDiff:
    """The rows with both runs' answers (edits included) side by side and `same` yes/no."""
    old, new = store.run(old_id, owner), store.run(new_id, owner)
    if old is None or new is None:
        raise KeyError(f"no run {old_id if old is None else new_id}")
    df = store.run_input(new_id, owner)
    a = {r.row: r.output for r in store.results(old_id)}
    b = {r.row: r.output for r in store.results(new_id)}
    text = new.text_column if new.text_column in df.columns else df.columns[-1]
    frame = pd.DataFrame({"#": range(1, len(df) + 1), text: [cell_text(v) for v in df[text]]})
    frame[f"#{old.id}"] = [a.get(i, "") for i in range(len(df))]
    frame[f"#{new.id}"] = [b.get(i, "") for i in range(len(df))]
    frame["same"] = ["yes" if same(x, y) else "no" for x, y in zip(frame[f"#{old.id}"], frame[f"#{new.id}"])]
    diff = "\n".join(
        d
        for d in (
            text_diff(old.system, new.system, f"#{old.id} system", f"#{new.id} system"),
            text_diff(old.template, new.template, f"#{old.id} template", f"#{new.id} template"),
        )
        if d
    )
    return RunDiff(old, new, frame, diff, agreement(list(frame[f"#{old.id}"]), list(frame[f"#{new.id}"])))

"""The review queue for labels: rows the model answered off the list, and rows where variants disagree."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from core.rows.results import RowResult
from core.workbench.agreement import same

REVIEW, DISAGREE = "review", "disagree"


@dataclass(frozen=True)
class ReviewItem:
    """One row to decide: its text, each source's answer (a variant or the run), and why it is in the queue."""

    row: int
    text: str
    answers: dict[str, str]
    reasons: tuple[str, ...]

    def suggestion(self, labels: Sequence[str]) -> str:
        """The answer to accept by default: the first one on the label list, else the first one."""
        values = list(self.answers.values())
        listed = [a for a in values if a.strip() in labels]
        return (listed or values or [""])[0].strip()


def review_queue(texts: Mapping[int, str], sources: Mapping[str, Sequence[RowResult]]) -> list[ReviewItem]:
    """Rows with a `review` answer in any source, or (with two sources or more) differing answers, in row order."""
    by_row: dict[int, dict[str, RowResult]] = {}
    for name, results in sources.items():
        for r in results:
            by_row.setdefault(r.row, {})[name] = r
    items = []
    for row in sorted(by_row):
        got = by_row[row]
        reasons = []
        if any(r.status == REVIEW for r in got.values()):
            reasons.append(REVIEW)
        answered = [r.output for r in got.values() if r.status in ("ok", REVIEW)]
        if len(sources) > 1 and len(answered) > 1 and not all(same(a, answered[0]) for a in answered):
            reasons.append(DISAGREE)
        if reasons:
            answers = {name: r.output for name, r in got.items()}
            items.append(ReviewItem(row, texts.get(row, ""), answers, tuple(reasons)))
    return items


@dataclass
class Review:
    """Going through a queue one item at a time: accept, pick a label or skip; decisions become edits."""

    items: list[ReviewItem]
    labels: tuple[str, ...] = ()
    position: int = 0
    decisions: dict[int, str] = field(default_factory=dict)
    skipped: set[int] = field(default_factory=set)

    def current(self) -> ReviewItem | None:
        """The item to decide now (None when the queue is through)."""
        return self.items[self.position] if self.position < len(self.items) else None

    def accept(self) -> None:
        """Keep the suggested answer for the current row."""
        item = self.current()
        if item is not None:
            self.pick(item.suggestion(self.labels))

    def pick(self, label: str) -> None:
        """Set the current row's answer to `label` and move on."""
        item = self.current()
        if item is not None:
            self.decisions[item.row] = label
            self.skipped.discard(item.row)
            self.position += 1

    def skip(self) -> None:
        """Leave the current row as it is and move on."""
        item = self.current()
        if item is not None:
            self.skipped.add(item.row)
            self.position += 1

    def back(self) -> None:
        """Go back one item (its decision stays until changed)."""
        self.position = max(0, self.position - 1)

    @property
    def left(self) -> int:
        """Items not yet decided or skipped."""
        return max(0, len(self.items) - self.position)

"""The typed values the session holds under its keys: the upload, the run shown, how it went, the minutes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.engines.protocol import Completion
    from core.jobs.rows import RowSnapshot
    from core.minutes.mapreduce import MinutesResult
    from core.rows.results import RowResult


@dataclass(frozen=True)
class Upload:
    """The file behind the session's table: its name, its bytes (to read another sheet) and an id new on every load."""

    name: str
    data: bytes
    id: str


@dataclass
class RowRun:
    """The run the Rows page shows: its id in the run store, what it answers and how, and the results so far."""

    run_id: int | None
    task: str | None  # a preset's name, None for a custom template
    output_column: str
    labels: tuple[str, ...]
    model: str
    engine: str  # "openai" | "offline"
    results: dict[int, RowResult] = field(default_factory=dict)  # row -> result, of every job folded in
    failure_kinds: dict[int, str] = field(default_factory=dict)  # row -> why it failed (core.engines error kinds)
    budget: float = 0.0  # USD cap of the last job folded in, as its message says (0: none)
    version: int = 0  # bumped whenever results are folded in: derived values are kept per version
    seen: int = 0  # results of the current job folded in so far (RowJob.since)
    recent: list[int] = field(default_factory=list)  # rows folded in last, newest last (the live table)
    asked_with: set[tuple] | None = None  # each setup its jobs ran with, all started here (None: reopened)


@dataclass(frozen=True)
class RunMessage:
    """How the last Run or re-run went: it could not start (error), or it finished (snapshot)."""

    error: BaseException | None = None
    snapshot: RowSnapshot | None = None


@dataclass
class Minutes:
    """What the Minutes page holds for one upload: the text as written then edited, how it was made, the result."""

    upload_id: str
    kind: str  # "minutes" (map-reduce by a model) | "extract" (the offline engine's extractive summary)
    text: str
    usage: Completion | None = None  # tokens and seconds of the writing, when known
    result: MinutesResult | None = None  # the structured minutes; None for an extract or a partial text

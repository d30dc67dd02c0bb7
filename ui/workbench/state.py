"""The Workbench's session state in one typed dataclass under one key (the rest of the app's state is ui/state/)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.jobs.compare import CompareJob
    from core.workbench.compare import Comparison
    from core.workbench.prompts import PromptLibrary
    from core.workbench.review import Review


@dataclass
class Trial:
    """A try or a comparison made on a sample: for which task and table, the variants' runs and the user's picks."""

    task: str
    upload_id: str
    comparison: Comparison
    output_column: str
    picks: dict[int, str] = field(default_factory=dict)  # row -> the label of the better variant


@dataclass
class Workbench:
    """What the Workbench keeps for the session."""

    sample_how: str = "first"  # "first" | "random" | "given" (the rows ticked on the Rows page)
    sample_n: int = 10
    seed: int = 0
    learn: bool = False  # "learn from my corrections": send corrected rows as few-shot examples
    in_use: dict[str, tuple[str, int]] = field(default_factory=dict)  # task -> saved prompt (name, version) loaded
    b_source: str = ""  # "v:<name>:<version>" of a saved prompt, or "edit" for the text below
    b_chosen: bool = False  # the user picked b_source (else it follows the saved prompt in use)
    b_system: str = ""
    b_model: str = ""
    b_temperature: float | None = None
    trial: Trial | None = None
    job: CompareJob | None = None  # a try or comparison under way in the background
    job_for: tuple[str, str] = ("", "")  # the task and upload id it was started for
    stopped: bool = False  # the last one was stopped: said once
    corrections: dict[int, str] = field(default_factory=dict)  # row -> label chosen in the review queue
    review: Review | None = None
    review_key: tuple = ()
    library: PromptLibrary | None = None
    library_path: str = ""
    error: BaseException | None = None  # what the last button on the page failed with, shown once
    notice: str = ""  # what the last button on the page did, shown once


def wb() -> Workbench:
    """This session's Workbench state."""
    from ui import state as S

    return S.workbench()


def take_error() -> BaseException | None:
    """The failure of the last button, once (None when it went well)."""
    state = wb()
    problem, state.error = state.error, None
    return problem

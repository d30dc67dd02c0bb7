"""From a user's choices (task or template, system prompt, labels, columns) to what the runner sends."""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import ConfigError
from core.rows.tasks import get_task
from core.rows.templates import Template

CUSTOM_OUTPUT = "output"


@dataclass(frozen=True)
class RowPlan:
    """What to send for each row, how to judge the answers (labels), the column they go to and the preset (task)."""

    template: Template
    text_column: str | None = None
    labels: tuple[str, ...] = ()
    output_column: str = CUSTOM_OUTPUT
    task: str | None = None


def row_plan(
    *,
    task: str | None = None,
    template: str | None = None,
    system: str | None = None,
    labels: list[str] | None = None,
    text_column: str | None = None,
    output_column: str | None = None,
) -> RowPlan:
    """Resolve a task and/or a custom template into a RowPlan (the template wins over the task's)."""
    if task is None and template is None:
        raise ConfigError("Choose a task or write a template.", code="config.no_template")
    if task is None:
        return RowPlan(
            Template(system=system or "", user=template or ""),
            text_column=text_column,
            output_column=output_column or CUSTOM_OUTPUT,
        )
    preset = get_task(task)
    if preset.scope != "row":
        raise ConfigError(f"'{task}' works on the whole transcript: use summarize.", code="config.scope", name=task)
    if labels is not None:
        preset = preset.with_labels(labels)
    return RowPlan(
        preset.build(system=system, user=template),
        text_column=text_column,
        labels=preset.labels if preset.kind == "label" else (),
        output_column=output_column or preset.output_column,
        task=task,
    )

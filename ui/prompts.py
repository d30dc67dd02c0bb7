"""The prompt the user is shaping: task, system prompt, template and labels, per task, in session state."""

from __future__ import annotations

import zlib

import pandas as pd

from core.errors import ConfigError
from core.rows.plan import RowPlan, row_plan
from core.rows.runner import TEXT_ALIAS, check_plan
from core.rows.tasks import Task, get_task, row_tasks
from ui import state as S

CUSTOM_TEMPLATE = "<data>{text}</data>"
MINUTES_TASK = "minutes"


def task_names() -> list[str]:
    """The row tasks in preset order, then the custom template."""
    return [task.name for task in row_tasks()] + [S.CUSTOM]


def preset(name: str) -> Task | None:
    """The preset behind a task name (None for a custom template)."""
    return None if name == S.CUSTOM else get_task(name)


def labels(name: str) -> list[str]:
    """The label list in use for a label task ([] for other tasks)."""
    task = preset(name)
    if task is None or task.kind != "label":
        return []
    return list(S.get(S.LABELS).get(name, task.labels))


def set_labels(name: str, values: list[str]) -> None:
    """Keep the user's label list for a task."""
    S.get(S.LABELS)[name] = [v.strip() for v in values if v and v.strip()]


def _labelled(task: Task, name: str) -> Task:
    try:
        return task.with_labels(labels(name)) if task.kind == "label" else task
    except ConfigError:  # an empty list is reported where the labels are edited; show the preset's here
        return task


def default_system(name: str) -> str:
    """The preset's system prompt (with the current labels filled in), '' for a custom template."""
    task = preset(name)
    return "" if task is None else _labelled(task, name).system_prompt()


def system_text(name: str) -> str:
    """The system prompt that will be sent: the user's, else the preset's."""
    text = S.get(S.SYSTEMS).get(name)
    if text is None:
        return default_system(name)
    return text.replace("{labels}", ", ".join(labels(name))) if labels(name) else text


def is_modified(name: str) -> bool:
    """Whether the user changed the system prompt of this task."""
    return name in S.get(S.SYSTEMS)


def set_system(name: str, text: str) -> None:
    """Keep what the user typed (typing the default back counts as no change)."""
    systems = S.get(S.SYSTEMS)
    if text == default_system(name):
        systems.pop(name, None)
    else:
        systems[name] = text


def system_widget(name: str) -> str:
    """Widget key of a task's system prompt box; a new default (labels changed) gives a fresh box."""
    return f"w.system.{name}.{zlib.crc32(default_system(name).encode()):08x}"


def reset_system(name: str) -> None:
    """Back to the preset's system prompt (a callback: also refreshes the text box)."""
    S.get(S.SYSTEMS).pop(name, None)
    S.set_widget(system_widget(name), default_system(name))


def default_template(name: str) -> str:
    """The preset's user template, or a starting point for a custom one."""
    task = preset(name)
    return CUSTOM_TEMPLATE if task is None else task.template


def template_text(name: str) -> str:
    """The user template that will be sent."""
    return S.get(S.TEMPLATES).get(name, default_template(name))


def set_template(name: str, text: str) -> None:
    """Keep the user's template (typing the default back counts as no change)."""
    templates = S.get(S.TEMPLATES)
    if text == default_template(name):
        templates.pop(name, None)
    else:
        templates[name] = text


def reset_template(name: str) -> None:
    """Back to the preset's template (a callback: also refreshes the text box)."""
    S.get(S.TEMPLATES).pop(name, None)
    S.set_widget(f"w.template.{name}", default_template(name))


def placeholders(columns: list[str], text_column: str | None) -> list[str]:
    """The {names} a template may use with this table."""
    return [*map(str, columns), *([TEXT_ALIAS] if text_column and TEXT_ALIAS not in columns else [])]


def plan(df: pd.DataFrame, text_column: str | None) -> RowPlan:
    """The checked plan for the current task; raises TemplateError/ConfigError before anything is sent."""
    name = S.get(S.TASK)
    system, template = system_text(name), template_text(name)
    if name == S.CUSTOM:
        output = S.get(S.CUSTOM_OUTPUT).strip() or None
        if output in map(str, df.columns):
            raise ConfigError(
                f"The output column '{output}' is already an input column.", code="config.output_column", name=output
            )
        result = row_plan(template=template, system=system, text_column=text_column, output_column=output)
    else:
        result = row_plan(
            task=name,
            template=template,
            system=system,
            text_column=text_column,
            labels=labels(name) if preset(name).kind == "label" else None,
        )
    check_plan(result, list(df.columns))
    from ui.workbench import examples  # "learn from my corrections": few-shot examples when switched on

    return examples.apply(result, df)

"""Built-in tasks: presets loaded from data files, and the label check for label tasks."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from core.errors import ConfigError
from core.presets import PRESETS
from core.rows.templates import Example, Template

PRESETS = PRESETS / "tasks.toml"
_STRIP = " \t\r\n\"'`.,!。「」[]()<>*"


@dataclass(frozen=True)
class Task:
    """A named preset: prompts, where it applies (rows or the whole document) and how to check answers."""

    name: str
    title_ko: str
    title_en: str
    scope: str
    kind: str
    output_column: str
    system: str
    template: str
    examples: tuple[Example, ...] = ()
    labels: tuple[str, ...] = field(default_factory=tuple)

    def title(self, lang: str = "ko") -> str:
        """The task's display name in `lang` ("ko" or "en")."""
        return self.title_ko if lang == "ko" else self.title_en

    def system_prompt(self) -> str:
        """The default system prompt, with {labels} filled in for label tasks."""
        return self.system.replace("{labels}", ", ".join(self.labels))

    def build(self, system: str | None = None, user: str | None = None) -> Template:
        """The task's template, with the system prompt and user template optionally overridden."""
        return Template(
            system=self.system_prompt() if system is None else system,
            user=self.template if user is None else user,
            examples=self.examples,
        )

    def with_labels(self, labels: list[str]) -> Task:
        """The same task with another label list (blank entries dropped)."""
        clean = tuple(dict.fromkeys(x.strip() for x in labels if x.strip()))
        if not clean:
            raise ConfigError("The label list is empty: give at least one label.", code="config.labels")
        return replace(self, labels=clean)


def _task(name: str, raw: dict) -> Task:
    examples = tuple(Example(e["user"], e["assistant"]) for e in raw.get("examples", []))
    return Task(
        name=name,
        title_ko=raw["title_ko"],
        title_en=raw["title_en"],
        scope=raw["scope"],
        kind=raw["kind"],
        output_column=raw["output_column"],
        system=raw["system"].strip(),
        template=raw["template"],
        examples=examples,
        labels=tuple(raw.get("labels", ())),
    )


@lru_cache(maxsize=4)
def load_tasks(path: Path = PRESETS) -> dict[str, Task]:
    """All tasks in a presets file, by name, in file order."""
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    return {name: _task(name, raw) for name, raw in data.items()}


def get_task(name: str) -> Task:
    """The built-in task `name`, or ConfigError listing the ones that exist."""
    tasks = load_tasks()
    if name not in tasks:
        raise ConfigError(f"No task named '{name}'. Tasks: {', '.join(tasks)}", code="config.task", name=name)
    return tasks[name]


def row_tasks() -> list[Task]:
    """The tasks that run once per row."""
    return [t for t in load_tasks().values() if t.scope == "row"]


def check_label(answer: str, labels: tuple[str, ...]) -> tuple[str, bool]:
    """Match a model answer to one label: (label or the raw answer, whether it matched)."""
    text = answer.strip().strip(_STRIP).strip()
    for label in labels:
        if text.casefold() == label.casefold():
            return label, True
    hits = [label for label in labels if label.casefold() in answer.casefold()]
    return (hits[0], True) if len(hits) == 1 and len(text) <= len(hits[0]) + 12 else (answer.strip(), False)

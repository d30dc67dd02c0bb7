"""Prompt templates: a system message plus a user template with `{column}` placeholders."""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from core.cells import cell_text
from core.errors import TemplateError

Message = dict[str, str]
# Row values are wrapped in these tags by the presets; a value may not close the tag early.
DATA_TAGS = ("<data>", "</data>")
_FORMATTER = string.Formatter()


@dataclass(frozen=True)
class Example:
    """One few-shot pair: what the user sent and what the assistant should answer."""

    user: str
    assistant: str


class Shots(Protocol):
    """Picks few-shot examples for one row from its rendered user message (e.g. the user's corrections)."""

    def pick(self, user: str) -> tuple[Example, ...]:
        """The examples to send before this user message."""
        ...

    def params(self) -> dict:
        """What the run records about the examples (the pool and the limits)."""
        ...


@dataclass(frozen=True)
class Template:
    """A system prompt, a user template, optional fixed few-shot examples and optional per-row ones (`shots`)."""

    system: str
    user: str
    examples: tuple[Example, ...] = field(default_factory=tuple)
    shots: Shots | None = None

    def examples_for(self, user: str) -> tuple[Example, ...]:
        """The fixed examples, then those `shots` picks for this rendered user message."""
        return self.examples + (self.shots.pick(user) if self.shots is not None else ())

    def fields(self) -> list[str]:
        """The placeholder names in the user template, in order, without repeats."""
        return _fields(self.user)

    def check(self, columns: Sequence[str]) -> None:
        """Raise TemplateError unless every placeholder names one of `columns`."""
        missing = [name for name in self.fields() if name not in columns]
        if missing:
            shown = ", ".join("{" + c + "}" for c in columns)
            raise TemplateError(
                f"The template uses {{{missing[0]}}}, which is not a column. Columns: {shown}",
                code="template.unknown_column",
                name=missing[0],
                columns=list(columns),
            )

    def messages(self, row: Mapping[str, object]) -> list[Message]:
        """The chat messages for one row: system, few-shot pairs, then the rendered user template."""
        out: list[Message] = [{"role": "system", "content": self.system}] if self.system.strip() else []
        user = render(self.user, row)
        for ex in self.examples_for(user):
            out += [{"role": "user", "content": ex.user}, {"role": "assistant", "content": ex.assistant}]
        out.append({"role": "user", "content": user})
        return out


def _parse(text: str) -> list[tuple[str, str | None, str | None, str | None]]:
    try:
        return list(_FORMATTER.parse(text))
    except ValueError as exc:
        raise TemplateError(
            f"The template has an unmatched brace ({exc}). Write {{{{ or }}}} for a literal brace.",
            code="template.syntax",
            detail=str(exc),
        ) from None


def _fields(text: str) -> list[str]:
    names: list[str] = []
    for _, name, _, _ in _parse(text):
        if name is None:
            continue
        if not name.strip() or name.isdigit():
            raise TemplateError(
                "The template has an empty placeholder {}: put a column name inside the braces, e.g. {text}.",
                code="template.empty",
            )
        if name not in names:
            names.append(name)
    return names


def _clean_value(value: object) -> str:
    text = cell_text(value)
    for tag in DATA_TAGS:
        text = text.replace(tag, "")
    return text


def render(text: str, row: Mapping[str, object]) -> str:
    """Fill the placeholders of `text` from `row`; column names may hold dots, spaces or Korean."""
    parts: list[str] = []
    for literal, name, spec, conversion in _parse(text):
        parts.append(literal)
        if name is None:
            continue
        if name not in row:
            raise TemplateError(f"No column named {{{name}}} in this row.", code="template.unknown_column", name=name)
        value = _clean_value(row[name])
        if conversion == "r":
            value = repr(value)
        try:
            parts.append(format(value, spec or ""))
        except ValueError:
            raise TemplateError(
                f"The format {{{name}:{spec}}} does not apply to text.", code="template.format", name=name
            ) from None
    return "".join(parts)


def is_blank(template: Template, row: Mapping[str, object]) -> bool:
    """True when every placeholder of the template is empty for this row (nothing worth sending)."""
    names = template.fields()
    return bool(names) and all(not _clean_value(row.get(n)).strip() for n in names)

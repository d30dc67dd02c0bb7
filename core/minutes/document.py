"""The minutes as a document: the schema every step answers in, citations kept honest, Markdown, action items."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping, Sequence
from functools import lru_cache

import pandas as pd
import pydantic_core
from pydantic import BaseModel, Field, ValidationError

from core.presets import PRESETS

PROMPTS = PRESETS / "minutes.toml"
SECTIONS = ("summary", "decisions", "action_items", "open_questions", "chapters")  # the schema's key order


class Point(BaseModel):
    """A statement with the rows (from 1) it rests on."""

    text: str
    rows: list[int] = Field(default_factory=list)


class ActionItem(BaseModel):
    """Something to do: what, who, by when, and the rows where it was said."""

    text: str
    owner: str = ""
    due: str = ""
    rows: list[int] = Field(default_factory=list)


class Chapter(BaseModel):
    """Where a topic starts: its title and first row."""

    title: str
    row: int


class Minutes(BaseModel):
    """What every step of the map-reduce reads and writes."""

    summary: list[Point] = Field(default_factory=list)
    decisions: list[Point] = Field(default_factory=list)
    action_items: list[ActionItem] = Field(default_factory=list)
    open_questions: list[Point] = Field(default_factory=list)
    chapters: list[Chapter] = Field(default_factory=list)


@lru_cache(maxsize=1)
def prompts() -> dict:
    """The step prompts and Markdown labels (core/presets/minutes.toml)."""
    with open(PROMPTS, "rb") as fh:
        return tomllib.load(fh)


def _strict(node: object) -> None:
    """Every object closed and every property required, as strict structured output demands."""
    if isinstance(node, dict):
        if "properties" in node:
            node["additionalProperties"] = False
            node["required"] = list(node["properties"])
            for prop in node["properties"].values():
                prop.pop("default", None)
        for value in node.values():
            _strict(value)
    elif isinstance(node, list):
        for value in node:
            _strict(value)


@lru_cache(maxsize=1)
def _schema_text() -> str:
    schema = Minutes.model_json_schema()
    _strict(schema)
    return json.dumps(schema, ensure_ascii=False)


def minutes_schema() -> dict:
    """The strict JSON schema of Minutes."""
    return json.loads(_schema_text())


def response_format() -> dict:
    """Structured output for the map and reduce steps."""
    return {"type": "json_schema", "json_schema": {"name": "minutes", "strict": True, "schema": minutes_schema()}}


def format_note() -> str:
    """The answer format in words and schema, for the streamed step that cannot ask for structured output."""
    return prompts()["final_format"].format(schema=_schema_text())


def _unfenced(text: str) -> str:
    text = text.strip()
    if text.startswith("```"):
        text = text.split("\n", 1)[1] if "\n" in text else ""
    return text.removesuffix("```").strip()


def cited(minutes: Minutes) -> set[int]:
    """Every row the minutes cite."""
    items = [*minutes.summary, *minutes.decisions, *minutes.action_items, *minutes.open_questions]
    return {r for item in items for r in item.rows} | {c.row for c in minutes.chapters}


def clean(minutes: Minutes, allowed: set[int]) -> tuple[Minutes, int]:
    """Citations limited to rows the step saw; items left citing nothing are dropped (and counted)."""
    dropped = 0

    def keep(items: list) -> list:
        nonlocal dropped
        kept = [i.model_copy(update={"rows": sorted({r for r in i.rows if r in allowed})}) for i in items]
        kept = [i for i in kept if i.rows and i.text.strip()]
        dropped += len(items) - len(kept)
        return kept

    chapters = [c for c in minutes.chapters if c.row in allowed and c.title.strip()]
    dropped += len(minutes.chapters) - len(chapters)
    return Minutes(
        summary=keep(minutes.summary),
        decisions=keep(minutes.decisions),
        action_items=keep(minutes.action_items),
        open_questions=keep(minutes.open_questions),
        chapters=chapters,
    ), dropped


def parse(text: str, allowed: set[int]) -> tuple[Minutes, int]:
    """A complete answer, cleaned; raises ValueError (ValidationError) when it is not the schema's JSON."""
    return clean(Minutes.model_validate_json(_unfenced(text)), allowed)


def settled(text: str) -> Minutes | None:
    """The items of a half-written answer that are complete: a list's last item may still be growing."""
    try:
        doc = pydantic_core.from_json(_unfenced(text), allow_partial=True)
    except ValueError:
        return None
    if not isinstance(doc, dict) or not doc:
        return None
    last = list(doc)[-1]
    done = {k: (v if k != last else v[:-1]) for k, v in doc.items() if k in SECTIONS and isinstance(v, list)}
    try:
        return Minutes.model_validate(done)
    except ValidationError:
        return None


def _cite(rows: Sequence[int], times: Mapping[int, str]) -> str:
    return " [" + ", ".join(f"#{r} {times[r]}" if times.get(r) else f"#{r}" for r in rows) + "]"


def _lines(minutes: Minutes, times: Mapping[int, str]) -> dict[str, list[str]]:
    md = prompts()["markdown"]

    def action(a: ActionItem) -> str:
        who = ", ".join(f"{md[k]}: {v}" for k, v in (("owner", a.owner), ("due", a.due)) if v.strip())
        return f"{a.text}{f' ({who})' if who else ''}{_cite(a.rows, times)}"

    return {
        "summary": [p.text + _cite(p.rows, times) for p in minutes.summary],
        "decisions": [p.text + _cite(p.rows, times) for p in minutes.decisions],
        "action_items": [action(a) for a in minutes.action_items],
        "open_questions": [p.text + _cite(p.rows, times) for p in minutes.open_questions],
        "chapters": [
            f"{times[c.row]} {c.title} [#{c.row}]" if times.get(c.row) else f"{c.title} [#{c.row}]"
            for c in minutes.chapters
        ],
    }


def render(minutes: Minutes, times: Mapping[int, str], notes: Sequence[str] = (), final: bool = True) -> str:
    """Markdown with a citation on every line; rendering fewer trailing items gives a prefix of the whole."""
    md, blocks = prompts()["markdown"], [f"{note}\n" for note in notes]
    for key, lines in _lines(minutes, times).items():
        if lines:
            blocks.append(("\n" if blocks else "") + f"## {md[key]}\n" + "".join(f"- {line}\n" for line in lines))
    if final and not any(
        [*minutes.summary, *minutes.decisions, *minutes.action_items, *minutes.open_questions, *minutes.chapters]
    ):
        blocks.append(("\n" if blocks else "") + md["empty"] + "\n")
    return "".join(blocks)


def action_items_frame(minutes: Minutes, times: Mapping[int, str] | None = None) -> pd.DataFrame:
    """Action items as an editable table: text, owner, due, the cited rows, and the time of the first."""
    times = times or {}
    return pd.DataFrame(
        [
            {
                "text": a.text,
                "owner": a.owner,
                "due": a.due,
                "rows": ", ".join(f"#{r}" for r in a.rows),
                "time": times.get(a.rows[0], "") if a.rows else "",
            }
            for a in minutes.action_items
        ],
        columns=["text", "owner", "due", "rows", "time"],
        dtype=str,
    )

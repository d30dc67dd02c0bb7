"""Minutes as a Word document: headings, bullets with their citations (row numbers and times), the action items
as a table. The offline engine's plain summary becomes paragraphs and bullets the same way."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import pandas as pd
from docx import Document
from docx.shared import Pt, RGBColor

from core.minutes.document import ActionItem, Minutes, Point, prompts

CITE_GREY = RGBColor(0x6B, 0x6B, 0x6B)
ACTION_HEADERS = ("action", "owner", "due", "rows", "time")
ACTION_COLUMNS = ("text", "owner", "due", "rows", "time")  # as core.minutes.document.action_items_frame makes them
ACTION_TITLES = {"action": "할 일", "rows": "근거", "time": "시각"}


def citation(rows: Sequence[int], times: Mapping[int, str]) -> str:
    """ "[#12 03:41, #15]": the rows a point rests on, with their times where known."""
    return "[" + ", ".join(f"#{r} {times[r]}" if times.get(r) else f"#{r}" for r in rows) + "]" if rows else ""


def _bullet(doc, text: str, cite: str = "") -> None:
    paragraph = doc.add_paragraph(style="List Bullet")
    paragraph.add_run(text)
    if cite:
        run = paragraph.add_run(f" {cite}")
        run.font.color.rgb, run.font.size = CITE_GREY, Pt(9)


def _points(doc, title: str, points: Sequence[Point], times: Mapping[int, str]) -> None:
    if points:
        doc.add_heading(title, level=2)
        for point in points:
            _bullet(doc, point.text, citation(point.rows, times))


def _action_rows(items: Sequence[ActionItem], times: Mapping[int, str]) -> list[tuple[str, ...]]:
    return [
        (
            item.text,
            item.owner,
            item.due,
            ", ".join(f"#{r}" for r in item.rows),
            times.get(item.rows[0], "") if item.rows else "",
        )
        for item in items
    ]


def _actions(doc, rows: Sequence[Sequence[str]]) -> None:
    if not rows:
        return
    labels = prompts()["markdown"]
    doc.add_heading(labels["action_items"], level=2)
    table = doc.add_table(rows=1, cols=len(ACTION_HEADERS))
    table.style = "Table Grid"
    for cell, key in zip(table.rows[0].cells, ACTION_HEADERS):
        cell.text = labels.get(key) if key in ("owner", "due") else ACTION_TITLES[key]
        cell.paragraphs[0].runs[0].bold = True
    for values in rows:
        for cell, value in zip(table.add_row().cells, values):
            cell.text = str(value)


def _save(doc) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def minutes_docx(
    minutes: Minutes,
    times: Mapping[int, str],
    title: str = "회의록",
    notes: Sequence[str] = (),
    actions: pd.DataFrame | None = None,
) -> bytes:
    """The structured minutes as .docx bytes, in the order of the Markdown minutes; `actions` (text, owner, due,
    rows, time), when given, is the action-item table as the user edited it."""
    labels = prompts()["markdown"]
    doc = Document()
    doc.add_heading(title, level=1)
    for note in notes:
        doc.add_paragraph(note.lstrip("> ").strip())
    _points(doc, labels["summary"], minutes.summary, times)
    _points(doc, labels["decisions"], minutes.decisions, times)
    edited = actions[list(ACTION_COLUMNS)].astype(str).values.tolist() if actions is not None else None
    rows = _action_rows(minutes.action_items, times) if edited is None else edited
    _actions(doc, [[str(v) for v in row] for row in rows])
    _points(doc, labels["open_questions"], minutes.open_questions, times)
    if minutes.chapters:
        doc.add_heading(labels["chapters"], level=2)
        for chapter in minutes.chapters:
            when = times.get(chapter.row, "")
            _bullet(doc, f"{when} {chapter.title}".strip(), f"[#{chapter.row}]")
    if not any([minutes.summary, minutes.decisions, rows, minutes.open_questions, minutes.chapters]):
        doc.add_paragraph(labels["empty"].strip("_"))
    return _save(doc)


def _plain(line: str) -> str:
    """A paragraph without Markdown's emphasis marks around it ("_note_" -> "note")."""
    for mark in ("**", "_", "*"):
        if len(line) > 2 * len(mark) and line.startswith(mark) and line.endswith(mark):
            return line[len(mark) : -len(mark)]
    return line


def markdown_docx(markdown: str, title: str = "회의록") -> bytes:
    """Simple Markdown (## headings, - bullets, paragraphs), as the offline summary writes it, as .docx bytes."""
    doc = Document()
    doc.add_heading(title, level=1)
    for line in (line.rstrip() for line in markdown.split("\n")):
        if line.startswith("#"):
            doc.add_heading(line.lstrip("#").strip(), level=min(line.count("#", 0, line.find(" ")) or 2, 3))
        elif line.lstrip().startswith(("- ", "* ")):
            _bullet(doc, line.lstrip()[2:])
        elif line.strip():
            doc.add_paragraph(_plain(line.strip()))
    return _save(doc)

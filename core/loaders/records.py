"""JSON and JSON Lines record files (DialogSum, exports of APIs) as tables: keys as columns, nested values as JSON."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from core.errors import InputError
from core.loaders.columns import check_rows
from core.settings import Limits


def kind(text: str, name: str = "") -> str | None:
    """ "jsonl" for one JSON object per line, "json" for a JSON document, None for anything else (cheap).

    A file named .json or .jsonl that starts like JSON is JSON, so a damaged one is refused as such.
    """
    lines = [line for line in text[:65_536].split("\n") if line.strip()]
    if not lines:
        return None
    first, stripped = lines[0].strip(), text.strip()
    if name.lower().endswith((".json", ".jsonl")) and first[:1] in "[{":
        return "jsonl" if name.lower().endswith(".jsonl") else "json"
    if first.startswith("{") and first.endswith("}") and (len(lines) > 1 or stripped.count("\n") > 0):
        return "jsonl" if _is_object(first) else ("json" if stripped.endswith("}") else None)
    if stripped[:1] in "[{" and stripped[-1:] in "]}":
        return "json"
    return None


def _is_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except (ValueError, RecursionError):
        return False


def _records(doc: Any) -> list[Any]:
    """The rows a JSON document holds: its list, the one list of objects inside an object, or the object itself."""
    if isinstance(doc, list):
        return doc
    if isinstance(doc, dict):
        lists = [v for v in doc.values() if isinstance(v, list) and v and all(isinstance(i, dict) for i in v)]
        return lists[0] if len(lists) == 1 else [doc]
    return [doc]


def _cell(value: Any) -> str:
    """A value as the text a spreadsheet would show: strings as they are, nested values as JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False)


def _load(text: str, what: str, name: str, line: int | None = None) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        where = f"line {line}" if line else "the JSON"
        raise InputError(
            f"{name}: {where} cannot be read as {what} ({getattr(exc, 'msg', 'too deeply nested')}).",
            code="input.json",
            name=name,
            line=line,
        ) from None


def parse(text: str, name: str, limits: Limits) -> tuple[pd.DataFrame, str]:
    """(table, "json" or "jsonl"): one row per record, the keys in the order first seen as columns."""
    found = kind(text, name) or "json"
    if found == "jsonl":
        records = []
        for number, line in enumerate(text.split("\n"), start=1):
            if line.strip():
                records.append(_load(line, "a JSON object", name, number))
                check_rows(len(records), name, limits)
    else:
        records = _records(_load(text, "JSON", name))
    check_rows(len(records), name, limits)
    columns: dict[str, None] = {}
    for record in records:
        columns.update(dict.fromkeys(record if isinstance(record, dict) else ["value"]))
    rows = [
        [_cell(record.get(c)) if isinstance(record, dict) else (_cell(record) if c == "value" else "") for c in columns]
        for record in records
    ]
    if not rows or not columns:
        raise InputError(f"{name} holds no records.", code="input.empty", name=name)
    return pd.DataFrame(rows, columns=list(columns), dtype=object).astype(str), found

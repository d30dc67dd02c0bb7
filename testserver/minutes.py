"""A stand-in model for minutes: schema-valid JSON that cites only rows it was shown (map, reduce and refine)."""

from __future__ import annotations

import json
import re
from typing import Any

ROW = re.compile(r"(?m)^#(\d+) (?:\[[^\]]*\] )?(?:([^:\n]+): )?")
CAPS = {"summary": 8, "decisions": 5, "action_items": 6, "open_questions": 4, "chapters": 6}  # answers stay short
KEYS = tuple(CAPS)


def data_of(messages: list[dict[str, Any]]) -> str:
    """The <data> the request carries (a retry note may follow it)."""
    return next(m["content"] for m in messages if m["role"] == "user" and "<data>" in m["content"])


def _spread(rows: list[int], n: int = 4) -> list[int]:
    rows = sorted(set(rows))
    return rows if len(rows) <= n else [rows[round(i * (len(rows) - 1) / (n - 1))] for i in range(n)]


def _from_lines(data: str) -> dict[str, list]:
    """Map: up to eight points over the body's rows, one decision, action item, question and chapter."""
    body = data.split("[본문]", 1)[-1]
    seen = [(int(m.group(1)), (m.group(2) or "").strip()) for m in ROW.finditer(body)]
    if not seen:
        return {k: [] for k in KEYS}
    rows = [r for r, _ in seen]
    size = -(-len(rows) // 8)
    groups = [rows[i : i + size] for i in range(0, len(rows), size)]
    return {
        "summary": [{"text": f"#{g[0]}–#{g[-1]} 논의", "rows": _spread(g)} for g in groups],
        "decisions": [{"text": f"#{rows[0]}에서 정한 것", "rows": [rows[0]]}],
        "action_items": [{"text": f"#{rows[-1]} 후속 작업", "owner": seen[-1][1], "due": "금요일", "rows": [rows[-1]]}],
        "open_questions": [{"text": f"#{rows[len(rows) // 2]}의 질문", "rows": [rows[len(rows) // 2]]}],
        "chapters": [{"title": f"#{rows[0]}부터의 주제", "row": rows[0]}],
    }


def _merge(items: list[dict], cap: int) -> list[dict]:
    """Neighbours merged pairwise (rows joined, at most four kept) until the list is short enough."""
    while len(items) > cap:
        pairs = [items[i : i + 2] for i in range(0, len(items), 2)]
        items = [p[0] if len(p) == 1 else _pair(*p) for p in pairs]
    return items


def _pair(a: dict, b: dict) -> dict:
    if "row" in a:
        return a
    return {**a, "text": f"{a['text']} 외"[:40], "rows": _spread(a["rows"] + b["rows"])}


def minutes_answer(messages: list[dict[str, Any]]) -> str:
    """The answer a careful model would give to a map, reduce or refine step, as JSON."""
    data = data_of(messages)
    parts = [json.loads(line) for line in data.splitlines() if line.startswith("{")]
    fresh = _from_lines(data)
    merged = {k: [i for p in parts for i in p.get(k, [])] + fresh[k] for k in KEYS}
    return json.dumps({k: _merge(merged[k], CAPS[k]) for k in KEYS}, ensure_ascii=False)


def minutes_responder(body: dict[str, Any]) -> str:
    """minutes_answer for the local OpenAI-compatible server."""
    return minutes_answer(body["messages"])

"""Reading batch results back: each line mapped to its rows by custom_id, judged and saved the moment it is read."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from core.batch.ledger import Ledger
from core.batch.requests import rows_of
from core.rows.packing import parse_reply
from core.rows.results import RowResult
from core.rows.runner import RowPlan, judge
from core.store import Store

SAVE_EVERY = 500  # lines per commit: each answer is in the store within a few hundred lines of being read


@dataclass
class Reading:
    """What reading result lines gave: the rows answered or failed, and lines that were not this run's."""

    seen: set[int] = field(default_factory=set)
    ok: int = 0
    failed: int = 0
    foreign: int = 0


def _reason(obj: Mapping) -> str | None:
    """Why a result line has no answer (None when it has one)."""
    error, response = obj.get("error"), obj.get("response")
    if error:
        if not isinstance(error, Mapping):
            return str(error)
        code, message = error.get("code"), error.get("message")
        return f"{code}: {message}" if code and message else str(message or code or error)
    if not isinstance(response, Mapping):
        return "no response in the result line"
    status = response.get("status_code")
    if status != 200:
        detail = ((response.get("body") or {}).get("error") or {}).get("message") if response.get("body") else None
        return f"HTTP {status}" + (f": {detail}" if detail else "")
    return None


def _answer(body: Mapping) -> tuple[str, int, int]:
    choices = body.get("choices") or [{}]
    usage = body.get("usage") or {}
    text = ((choices[0] or {}).get("message") or {}).get("content") or ""
    return text, int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0)


def line_results(obj: Mapping, rows: Sequence[int], plan: RowPlan) -> tuple[list[RowResult], tuple | None]:
    """The rows' results for one result line, and (text, prompt, completion) when it held an answer."""
    reason = _reason(obj)
    if reason is not None:
        error = f"The batch service failed this request: {reason}"
        return [RowResult(i, status="failed", error=error) for i in rows], None
    text, prompt, completion = _answer(obj["response"]["body"])
    if len(rows) == 1:
        result = RowResult(rows[0], prompt_tokens=prompt, completion_tokens=completion)
        judge(plan, result, text)
        return [result], (text, prompt, completion)
    answers, out = parse_reply(text, rows), []
    share = len(answers) or 1
    for i in rows:
        result = RowResult(i, prompt_tokens=prompt // share, completion_tokens=completion // share)
        if i in answers:
            judge(plan, result, answers[i])
        else:
            result.status, result.error = "failed", "no trustworthy answer for this row in the packed reply"
        out.append(result)
    return out, (text, prompt, completion)


def read_results(
    lines: Iterable[str | bytes],
    *,
    run_id: int,
    plan: RowPlan,
    store: Store,
    keys: Sequence[str],
    wanted: set[int] | None = None,
) -> Reading:
    """Save every result line of run `run_id` into the store (answers reusable by key); lines of others are counted."""
    reading, ledger = Reading(), Ledger(store)
    batch = []
    for raw in lines:
        if not raw or not raw.strip():
            continue
        try:
            obj = json.loads(raw)
            rows = rows_of(obj.get("custom_id", ""), run_id)
        except (ValueError, AttributeError):
            rows = None
        if rows is None or any(i >= len(keys) for i in rows) or (wanted is not None and not set(rows) <= wanted):
            reading.foreign += 1
            continue
        batch.append((obj, rows))
        if len(batch) >= SAVE_EVERY:
            _save(ledger, batch, run_id, plan, store, keys, reading)
            batch = []
    _save(ledger, batch, run_id, plan, store, keys, reading)
    return reading


def _save(ledger, batch, run_id, plan, store, keys, reading) -> None:
    if not batch:
        return
    with ledger.transaction():
        for obj, rows in batch:
            results, answer = line_results(obj, rows, plan)
            if answer is not None and len(rows) == 1:  # identical requests reuse it, as live answers are reused
                store.save_answer(keys[rows[0]], *answer)
            for r in results:
                store.save_result(run_id, r, keys[r.row] if r.status in ("ok", "review") else "")
                reading.seen.add(r.row)
                if r.status == "failed":
                    reading.failed += 1
                else:
                    reading.ok += 1

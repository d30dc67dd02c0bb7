"""Several short rows in one request, answers keyed by row id and checked; bad ones are asked again alone."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping, Sequence
from functools import lru_cache

from pydantic import BaseModel, ValidationError

from core.engines.protocol import Message
from core.presets import PRESETS
from core.rows.templates import Template, render

PACKING = PRESETS / "packing.toml"


class Answer(BaseModel):
    """One item's answer in a packed reply."""

    id: str
    output: str


class PackedReply(BaseModel):
    """The whole packed reply."""

    answers: list[Answer]


@lru_cache(maxsize=1)
def _suffix() -> str:
    with open(PACKING, "rb") as fh:
        return tomllib.load(fh)["system_suffix"]


def _items(template: Template, rows: Sequence[tuple[int, Mapping[str, object]]]) -> str:
    items = [{"id": str(i), "input": render(template.user, row)} for i, row in rows]
    return json.dumps({"items": items}, ensure_ascii=False)


def pack_messages(template: Template, rows: Sequence[tuple[int, Mapping[str, object]]]) -> list[Message]:
    """One request for several rows: the system prompt once, the examples as one packed pair, the items."""
    out: list[Message] = [{"role": "system", "content": (template.system + "\n" + _suffix()).strip()}]
    # Per-row examples (template.shots) of every row in the pack, each once.
    examples = tuple(dict.fromkeys(ex for _, row in rows for ex in template.examples_for(render(template.user, row))))
    if examples:
        ids = [f"example{n}" for n in range(1, len(examples) + 1)]
        items = [{"id": i, "input": ex.user} for i, ex in zip(ids, examples)]
        answers = [{"id": i, "output": ex.assistant} for i, ex in zip(ids, examples)]
        out += [
            {"role": "user", "content": json.dumps({"items": items}, ensure_ascii=False)},
            {"role": "assistant", "content": json.dumps({"answers": answers}, ensure_ascii=False)},
        ]
    out.append({"role": "user", "content": _items(template, rows)})
    return out


def response_format() -> dict:
    """The JSON schema the endpoint is asked to follow (structured output)."""
    schema = PackedReply.model_json_schema()
    schema["additionalProperties"] = False
    schema["$defs"]["Answer"]["additionalProperties"] = False
    return {"type": "json_schema", "json_schema": {"name": "packed_answers", "strict": True, "schema": schema}}


def parse_reply(text: str, ids: Sequence[int]) -> dict[int, str]:
    """The answers that can be trusted, by row: each wanted id exactly once; anything else is left out."""
    try:
        reply = PackedReply.model_validate_json(text.strip().removeprefix("```json").removesuffix("```"))
    except ValidationError:
        return {}
    wanted = {str(i): i for i in ids}
    seen: dict[str, int] = {}
    for answer in reply.answers:
        seen[answer.id] = seen.get(answer.id, 0) + 1
    return {wanted[a.id]: a.output for a in reply.answers if a.id in wanted and seen[a.id] == 1}

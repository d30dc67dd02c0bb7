"""Batch request lines: one JSON line per request, streamed into files split by count and size."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from core.batch import DEFAULT_BATCH_SIZE
from core.rows.packing import pack_messages, response_format
from core.rows.service import RunSetup

CHAT_URL = "/v1/chat/completions"
MAX_FILE_BYTES = 190 * 1024 * 1024  # the service takes files under 200 MB; room for its own accounting
_CUSTOM_ID = re.compile(r"^run(\d+)-(\d+(?:\+\d+)*)$")


def custom_id(run_id: int, rows: Sequence[int]) -> str:
    """The id that ties a request to its run and its rows ("run7-12", packed "run7-12+13+14"); unique in a run."""
    return f"run{run_id}-" + "+".join(map(str, rows))


def rows_of(cid: str, run_id: int | None = None) -> list[int] | None:
    """The rows a custom_id names, or None when it is not ours (or of another run than `run_id`)."""
    found = _CUSTOM_ID.match(str(cid))
    if not found or (run_id is not None and int(found.group(1)) != run_id):
        return None
    return [int(x) for x in found.group(2).split("+")]


def body(setup: RunSetup, rows: Sequence[Mapping[str, object]], group: Sequence[int]) -> dict:
    """The chat request for a group of rows, as the live route would send it."""
    template, pack = setup.plan.template, max(1, setup.options.pack)
    out: dict = {"model": setup.settings.model}
    if pack > 1 and len(group) > 1:
        out["messages"] = pack_messages(template, [(i, rows[i]) for i in group])
    else:
        out["messages"] = template.messages(rows[group[0]])
    out |= {"temperature": setup.settings.temperature, "max_tokens": setup.settings.max_tokens * pack}
    if pack > 1 and len(group) > 1:
        out["response_format"] = response_format()
    return out


def _dumps(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def _line(cid: str, request: dict) -> bytes:
    return (_dumps({"custom_id": cid, "method": "POST", "url": CHAT_URL, "body": request}) + "\n").encode("utf-8")


def request_lines(
    setup: RunSetup, rows: Sequence[Mapping[str, object]], groups: Iterable[Sequence[int]], run_id: int
) -> Iterator[tuple[list[int], bytes]]:
    """Each request as (its rows, one UTF-8 JSON line)."""
    frame: list[str] | None = None
    for group in groups:
        if len(group) > 1:
            yield list(group), _line(custom_id(run_id, group), body(setup, rows, group))
            continue
        request = body(setup, rows, group)
        if frame is None:  # every single-row line is the same but for its id and its user message: encode that once
            user = request["messages"][-1]["content"]
            request["messages"][-1]["content"] = "\x00USER\x00"
            frame = _line("\x00ID\x00", request).decode("utf-8").replace('"\\u0000ID\\u0000"', "\x00")
            frame = frame.replace('"\\u0000USER\\u0000"', "\x00").split("\x00")
            request["messages"][-1]["content"] = user
        text = _dumps(request["messages"][-1]["content"])
        yield list(group), (frame[0] + _dumps(custom_id(run_id, group)) + frame[1] + text + frame[2]).encode("utf-8")


@dataclass(frozen=True)
class PartFile:
    """One JSONL file ready to upload: its path, rows and number of requests."""

    path: Path
    rows: list[int]
    requests: int
    size: int


def split_files(
    lines: Iterable[tuple[list[int], bytes]],
    folder: Path,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    max_bytes: int = MAX_FILE_BYTES,
    stem: str = "part",
) -> Iterator[PartFile]:
    """Write the lines into files of at most `batch_size` requests and `max_bytes`; yield each file when closed."""
    folder.mkdir(parents=True, exist_ok=True)
    n, fh, rows, count, size = 0, None, [], 0, 0
    try:
        for group, line in lines:
            if fh is not None and (count >= batch_size or size + len(line) > max_bytes):
                fh.close()
                yield PartFile(folder / f"{stem}{n}.jsonl", rows, count, size)
                fh = None
            if fh is None:
                n, rows, count, size = n + 1, [], 0, 0
                fh = open(folder / f"{stem}{n}.jsonl", "wb")  # noqa: SIM115 - closed as the parts rotate
            fh.write(line)
            rows += group
            count, size = count + 1, size + len(line)
        if fh is not None:
            fh.close()
            yield PartFile(folder / f"{stem}{n}.jsonl", rows, count, size)
            fh = None
    finally:
        if fh is not None:
            fh.close()

"""Files and Batches for the local server: upload, create, retrieve, list, cancel, file content, on a test's clock.

The clock: while `auto` is on, each retrieve of a batch moves it one step (validating → in_progress (half the
lines answered) → in_progress (all) → finalizing → completed); with `auto` off it moves only on `advance()`.
Knobs: `max_lines` (refused at validation above it), `expire` (expires with half answered), `fail_when` (a test of a
line's body: True puts it in the error file). In a line, `[[500]]` gives a non-200 status_code and `[[line-error]]`
an entry in the error file.
"""

from __future__ import annotations

import itertools
import json
import random
import threading
import time
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from testserver import faults as ff

TERMINAL = ("completed", "failed", "expired", "cancelled")
LINE_ERROR = "[[line-error]]"


class BatchService:
    """In-memory Files and Batches endpoints; thread-safe; `changed` is notified on every state change."""

    def __init__(self, responder: Callable[[], Callable[[dict[str, Any]], str]], seed: int = 0) -> None:
        self._responder = responder
        self.files: dict[str, dict[str, Any]] = {}
        self.data: dict[str, bytes] = {}
        self.batches: dict[str, dict[str, Any]] = {}
        self._lines: dict[str, list[dict[str, Any]]] = {}
        self._done: dict[str, list[tuple[dict[str, Any], dict[str, Any] | None, dict[str, Any] | None]]] = {}
        self.submitted: list[str] = []  # custom_id of every line of every batch created, in order
        self.retrieves = 0
        self.auto, self.expire, self.max_lines = True, False, None
        self.fail_when: Callable[[dict[str, Any]], bool] | None = None
        self.changed = threading.Condition()
        self._ids = itertools.count(1)
        self._rng = random.Random(seed)

    # -- test controls ---------------------------------------------------------------------------

    def advance(self, batch_id: str | None = None) -> None:
        """Move one batch (or every unfinished one) one step on the clock."""
        with self.changed:
            for bid in [batch_id] if batch_id else list(self.batches):
                self._step(bid)
            self.changed.notify_all()

    def wait_for(self, predicate: Callable[[BatchService], bool], timeout: float = 60.0) -> bool:
        """Block until `predicate(self)` holds (re-checked on every state change)."""
        with self.changed:
            return self.changed.wait_for(lambda: predicate(self), timeout)

    def reset(self) -> None:
        """Forget every file and batch; the clock back on auto, no knobs."""
        with self.changed:
            for d in (self.files, self.data, self.batches, self._lines, self._done):
                d.clear()
            self.submitted.clear()
            self.retrieves, self.auto, self.expire, self.max_lines = 0, True, False, None
            self.fail_when = None

    # -- HTTP ------------------------------------------------------------------------------------

    async def handle(self, request: Request, rec: Any, headers: dict[str, str]) -> Response:
        """Answer one /v1/files or /v1/batches request."""
        parts, method = rec.path.strip("/").split("/")[1:], request.method
        if parts == ["files"] and method == "POST":
            form = await request.form()
            upload = form.get("file")
            raw = await upload.read() if upload is not None and hasattr(upload, "read") else b""
            rec.body = {"purpose": form.get("purpose"), "filename": getattr(upload, "filename", None)}
            return self._json(self._new_file(raw, str(form.get("purpose")), rec.body["filename"] or "upload.jsonl"))
        if parts == ["batches"] and method == "POST":
            rec.body = json.loads(await request.body() or b"{}")
            return self._create(rec.body, headers)
        if parts == ["batches"] and method == "GET":
            return self._list(request.query_params)
        if parts == ["files"] and method == "GET":
            with self.changed:
                purpose = request.query_params.get("purpose")
                data = [f for f in self.files.values() if purpose in (None, f.get("purpose"))]
            return self._json({"object": "list", "data": data, "has_more": False})
        with self.changed:
            return self._item(parts, method, headers)

    def _item(self, parts: list[str], method: str, headers: dict[str, str]) -> Response:
        kind, oid, rest = parts[0], parts[1] if len(parts) > 1 else "", parts[2:]
        table = self.files if kind == "files" else self.batches
        if oid not in table:
            return JSONResponse(ff.error_body(404, f"No such {kind[:-1]}: '{oid}'"), 404, headers)
        if kind == "files" and method == "DELETE":
            del self.files[oid], self.data[oid]
            self.changed.notify_all()
            return self._json({"id": oid, "object": "file", "deleted": True})
        if kind == "files" and rest == ["content"]:
            return Response(self.data[oid], media_type="application/octet-stream", headers=headers)
        if kind == "batches" and rest == ["cancel"] and method == "POST":
            batch = self.batches[oid]
            if batch["status"] not in TERMINAL:
                batch.update(status="cancelling", cancelling_at=int(time.time()))
            self.changed.notify_all()
            return self._json(batch)
        if kind == "batches" and method == "GET":
            self.retrieves += 1
            if self.auto:
                self._step(oid)
            self.changed.notify_all()
        return self._json(table[oid])

    def _json(self, obj: dict[str, Any]) -> JSONResponse:
        return JSONResponse(json.loads(json.dumps(obj)))

    def _new_file(self, raw: bytes, purpose: str, name: str) -> dict[str, Any]:
        with self.changed:
            fid = f"file-fake{next(self._ids)}"
            self.files[fid] = {
                "id": fid,
                "object": "file",
                "bytes": len(raw),
                "created_at": int(time.time()),
                "filename": name,
                "purpose": purpose,
                "status": "processed",
            }
            self.data[fid] = raw
            self.changed.notify_all()
            return self.files[fid]

    def _create(self, body: dict[str, Any], headers: dict[str, str]) -> Response:
        with self.changed:
            fid = body.get("input_file_id")
            if fid not in self.data:
                return JSONResponse(ff.error_body(400, f"No such file: '{fid}'"), 400, headers)
            lines = [json.loads(x) for x in self.data[fid].decode("utf-8").splitlines() if x.strip()]
            bid = f"batch_fake{next(self._ids)}"
            self.batches[bid] = {
                "id": bid,
                "object": "batch",
                "endpoint": body.get("endpoint"),
                "completion_window": body.get("completion_window"),
                "input_file_id": fid,
                "status": "validating",
                "created_at": int(time.time()),
                "expires_at": int(time.time()) + 86400,
                "metadata": body.get("metadata") or {},
                "request_counts": {"total": len(lines), "completed": 0, "failed": 0},
                "errors": None,
                "output_file_id": None,
                "error_file_id": None,
            }
            self._lines[bid], self._done[bid] = lines, []
            self.submitted += [str(x.get("custom_id")) for x in lines]
            self.changed.notify_all()
            return self._json(self.batches[bid])

    def _list(self, query: Any) -> Response:
        with self.changed:
            newest = list(reversed(self.batches.values()))
        after, limit = query.get("after"), int(query.get("limit") or 20)
        if after:
            ids = [b["id"] for b in newest]
            newest = newest[ids.index(after) + 1 :] if after in ids else []
        page = newest[:limit]
        return self._json(
            {
                "object": "list",
                "data": page,
                "first_id": page[0]["id"] if page else None,
                "last_id": page[-1]["id"] if page else None,
                "has_more": len(newest) > limit,
            }
        )

    # -- the clock -------------------------------------------------------------------------------

    def _step(self, bid: str) -> None:
        batch, now = self.batches[bid], int(time.time())
        status, lines, done = batch["status"], self._lines[bid], self._done[bid]
        if status == "validating":
            if self.max_lines is not None and len(lines) > self.max_lines:
                message = f"The batch has {len(lines)} requests, more than the {self.max_lines} allowed."
                batch.update(status="failed", failed_at=now)
                batch["errors"] = {"object": "list", "data": [{"code": "too_many_requests", "message": message}]}
                return
            batch.update(status="in_progress", in_progress_at=now)
        elif status == "in_progress":
            half = (len(lines) + 1) // 2
            if len(done) < half:
                self._answer(bid, half)
            elif self.expire:
                self._finish(bid, "expired", expired=lines[len(done) :])
            else:
                self._answer(bid, len(lines))
                batch.update(status="finalizing", finalizing_at=now)
        elif status == "finalizing":
            self._finish(bid, "completed")
        elif status == "cancelling":
            self._finish(bid, "cancelled")

    def _answer(self, bid: str, upto: int) -> None:
        lines, done, counts = self._lines[bid], self._done[bid], self.batches[bid]["request_counts"]
        for line in lines[len(done) : upto]:
            out, err = self._reply(line)
            done.append((line, out, err))
            ok = out is not None and out["response"]["status_code"] == 200
            counts["completed" if ok else "failed"] += 1

    def _reply(self, line: dict[str, Any]) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        body, cid, rid = line.get("body") or {}, line.get("custom_id"), f"batch_req_{next(self._ids)}"
        text = ff.last_user_text(body)
        if LINE_ERROR in text or (self.fail_when is not None and self.fail_when(body)):
            error = {"code": "invalid_request", "message": "This line was refused by the test server."}
            return None, {"id": rid, "custom_id": cid, "response": None, "error": error}
        if "[[500]]" in text:
            response = {"status_code": 500, "request_id": rid, "body": ff.error_body(500)}
        else:
            reply = str(self._responder()(body))
            cid_chat, model = f"chatcmpl-b{next(self._ids)}", str(body.get("model"))
            chat = ff.completion(cid_chat, model, reply, ff.usage_for(body, reply))
            response = {"status_code": 200, "request_id": rid, "body": chat}
        return {"id": rid, "custom_id": cid, "response": response, "error": None}, None

    def _finish(self, bid: str, status: str, expired: list[dict[str, Any]] = ()) -> None:
        batch, done = self.batches[bid], list(self._done[bid])
        self._rng.shuffle(done)  # the service returns lines in any order
        outputs = [o for _, o, _ in done if o is not None]
        errors = [e for _, _, e in done if e is not None]
        for line in expired:
            error = {"code": "batch_expired", "message": "This request could not be executed before the window."}
            errors.append({"id": None, "custom_id": line.get("custom_id"), "response": None, "error": error})
        batch["request_counts"]["failed"] += len(expired)
        for key, rows, name in (("output_file_id", outputs, "output"), ("error_file_id", errors, "errors")):
            if rows:
                raw = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")
                batch[key] = self._new_file(raw, "batch_output", f"{bid}_{name}.jsonl")["id"]
        batch.update(status=status, **{f"{status}_at": int(time.time())})

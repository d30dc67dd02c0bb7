"""Where each batch run and each of its parts stands, kept in the run store beside the runs."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from core.presets import PRESETS
from core.store import LOCAL, Store

SCHEMA = PRESETS / "batches.sql"
TERMINAL = ("completed", "failed", "expired", "cancelled")


@dataclass(frozen=True)
class Part:
    """One uploaded file and its batch: the rows it carries and the service's last word on it."""

    run_id: int
    part: int
    rows: tuple[int, ...]
    requests: int
    input_file: str | None
    batch_id: str | None
    status: str
    total: int
    completed: int
    failed: int
    output_file: str | None
    error_file: str | None
    errors: str
    created: float | None
    in_progress_at: float | None
    updated: float | None
    collected: float | None

    @property
    def finished(self) -> bool:
        """The service is done with it (whatever the outcome)."""
        return self.status in TERMINAL

    def eta(self, now: float | None = None) -> float | None:
        """Seconds until done at the pace so far (None before any line is done)."""
        done = self.completed + self.failed
        if self.finished or not done or not self.in_progress_at or not self.total:
            return None
        elapsed = (now or time.time()) - self.in_progress_at
        return max(0.0, elapsed / done * (self.total - done))


class Ledger:
    """Batch bookkeeping on a Store's connection; every change is written at once."""

    def __init__(self, store: Store) -> None:
        self.store, self.db = store, store.db
        if not getattr(store, "batch_tables", False):  # once per connection: executescript also commits
            self.db.executescript(SCHEMA.read_text(encoding="utf-8"))
            store.batch_tables = True

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Many small writes committed together (reading 100,000 answers one commit each is slow)."""
        self.db.execute("BEGIN")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # runs ------------------------------------------------------------------------------------
    def add_run(self, run_id: int, signature: str) -> str:
        """Mark a run as a batch run and return its token (the metadata that finds its batches on the service)."""
        token = uuid.uuid4().hex
        self.db.execute("INSERT INTO batch_runs VALUES (?,?,?,?,NULL)", (run_id, signature, token, time.time()))
        return token

    def token(self, run_id: int) -> str | None:
        """The run's token, or None when it is not a batch run."""
        row = self.db.execute("SELECT token FROM batch_runs WHERE run_id=?", (run_id,)).fetchone()
        return row[0] if row else None

    def unfinished(self, signature: str, owner: str = LOCAL) -> int | None:
        """The newest unfinished batch run of the owner with this signature (same input, prompt and model)."""
        row = self.db.execute(
            "SELECT b.run_id FROM batch_runs b JOIN runs r ON r.id = b.run_id"
            " WHERE b.signature=? AND b.done IS NULL AND r.owner=? ORDER BY b.run_id DESC LIMIT 1",
            (signature, owner),
        ).fetchone()
        return row[0] if row else None

    def run_ids(self, owner: str = LOCAL, limit: int = 200) -> list[int]:
        """The owner's batch runs, newest first."""
        sql = (
            "SELECT b.run_id FROM batch_runs b JOIN runs r ON r.id = b.run_id WHERE r.owner=?"
            " ORDER BY b.run_id DESC LIMIT ?"
        )
        return [r for (r,) in self.db.execute(sql, (owner, limit))]

    def is_done(self, run_id: int) -> bool:
        """Every part of the run has been collected (and the run marked done)."""
        row = self.db.execute("SELECT done FROM batch_runs WHERE run_id=?", (run_id,)).fetchone()
        return bool(row and row[0])

    def finish(self, run_id: int, done: bool = True) -> None:
        """Mark the run done (or open again, for a re-submission)."""
        self.db.execute("UPDATE batch_runs SET done=? WHERE run_id=?", (time.time() if done else None, run_id))

    # parts -----------------------------------------------------------------------------------
    def plan(self, run_id: int, rows: list[int], requests: int) -> int:
        """Save a part's rows before anything is uploaded; return its number."""
        (last,) = self.db.execute("SELECT COALESCE(MAX(part), 0) FROM batch_parts WHERE run_id=?", (run_id,)).fetchone()
        self.db.execute(
            "INSERT INTO batch_parts (run_id, part, rows, requests, total, created) VALUES (?,?,?,?,?,?)",
            (run_id, last + 1, json.dumps(rows), requests, requests, time.time()),
        )
        return last + 1

    def set_file(self, run_id: int, part: int, file_id: str) -> None:
        """The part's uploaded input file."""
        self.db.execute("UPDATE batch_parts SET input_file=? WHERE run_id=? AND part=?", (file_id, run_id, part))

    def update(self, run_id: int, part: int, batch: dict) -> None:
        """Save what the service said about the part's batch (its id first of all)."""
        counts = batch.get("request_counts") or {}
        errors = "; ".join(e.get("message") or e.get("code") or "" for e in (batch.get("errors") or {}).get("data", []))
        self.db.execute(
            "UPDATE batch_parts SET batch_id=?, status=?, total=COALESCE(?, total), completed=?, failed=?,"
            " output_file=?, error_file=?, errors=?, in_progress_at=?, updated=? WHERE run_id=? AND part=?",
            (
                batch["id"],
                batch.get("status") or "validating",
                counts.get("total") or None,
                counts.get("completed") or 0,
                counts.get("failed") or 0,
                batch.get("output_file_id"),
                batch.get("error_file_id"),
                errors,
                batch.get("in_progress_at"),
                time.time(),
                run_id,
                part,
            ),
        )

    def collected(self, run_id: int, part: int) -> None:
        """The part's lines are all in the store."""
        self.db.execute("UPDATE batch_parts SET collected=? WHERE run_id=? AND part=?", (time.time(), run_id, part))

    def drop(self, run_id: int, part: int) -> None:
        """Forget a part that never became a batch (its rows are sent again)."""
        self.db.execute("DELETE FROM batch_parts WHERE run_id=? AND part=?", (run_id, part))

    def parts(self, run_id: int) -> list[Part]:
        """The run's parts in order."""
        rows = self.db.execute("SELECT * FROM batch_parts WHERE run_id=? ORDER BY part", (run_id,)).fetchall()
        return [Part(r[0], r[1], tuple(json.loads(r[2])), *r[3:]) for r in rows]

    def open_parts(self, run_id: int) -> list[Part]:
        """Parts not yet collected."""
        return [p for p in self.parts(run_id) if p.collected is None]

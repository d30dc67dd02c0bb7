"""Self-hosted batches: the same JSONL for `vllm run-batch`, and its results read back into the run."""

from __future__ import annotations

from pathlib import Path

from core.batch.collect import read_results
from core.batch.requests import request_lines
from core.batch.route import BatchRun, begin, settle, unanswered
from core.batch.watch import finish, results, setup_for_run
from core.errors import ConfigError, InputError
from core.rows.results import RowResult
from core.rows.service import RunSetup
from core.store import Store

EXPORTED = "exported"


def export(setup: RunSetup, store: Store, out: Path) -> tuple[int, int]:
    """Start a run and write its unanswered rows' requests to `out` (streamed): (run id, requests written)."""
    run_id, _ = begin(setup, store, resume=False)
    run = BatchRun(setup, store, run_id)
    rows = run.setup.rows()
    groups = settle(run, rows, unanswered(run))
    send = [i for g in groups for i in g]
    count = 0
    with open(out, "wb") as fh:
        for _, line in request_lines(setup, rows, groups, run_id):
            fh.write(line)
            count += 1
    ledger = run.ledger
    part = ledger.plan(run_id, send, count)
    ledger.update(run_id, part, {"id": f"file:{out.name}", "status": EXPORTED, "request_counts": {"total": count}})
    if not count:
        finish(run)
    return run_id, count


def import_results(store: Store, run_id: int, path: Path, *, owner: str = "local") -> list[RowResult]:
    """Read a results JSONL into run `run_id`; exported rows with no line become failed rows. Every row's result."""
    setup = setup_for_run(store, run_id, owner=owner)
    run = BatchRun(setup, store, run_id)
    parts = [p for p in run.ledger.parts(run_id) if p.status == EXPORTED]
    if not parts:
        raise ConfigError(f"Run {run_id} has no exported requests waiting for results", code="config.batch_run")
    wanted = {i for p in parts for i in p.rows}
    try:
        with open(path, encoding="utf-8") as fh:
            reading = read_results(fh, run_id=run_id, plan=setup.plan, store=store, keys=run.keys(), wanted=wanted)
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror or exc}", code="input.unreadable") from None
    if reading.foreign and not reading.seen:
        raise InputError(f"No line of {path.name} belongs to run {run_id}", code="input.batch_results")
    for i in sorted(wanted - reading.seen):
        store.save_result(run_id, RowResult(i, status="failed", error=f"No result line for this row in {path.name}"))
    for p in parts:
        run.ledger.update(run_id, p.part, {"id": p.batch_id, "status": "completed", "request_counts": {}})
        run.ledger.collected(run_id, p.part)
    finish(run)
    return results(run)

"""Starting or picking up a batch run and submitting its unanswered rows, nothing twice."""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.batch.ledger import Ledger, Part
from core.batch.requests import DEFAULT_BATCH_SIZE, MAX_FILE_BYTES, request_lines, split_files
from core.engines.layers import answer_params
from core.errors import ConfigError
from core.rows.results import RowResult
from core.rows.runner import check_plan, judge, request_groups
from core.rows.service import RunSetup, open_run, row_keys
from core.settings import ModelSettings
from core.store import LOCAL, Store, table_hash

ENGINE = "openai"  # the batch route speaks the OpenAI Batch API (OpenAI, Azure, LiteLLM, vLLM's own server)
META_RUN, META_PART = "transcript_studio_run", "transcript_studio_part"
FINAL = ("ok", "review", "skipped")


@dataclass
class BatchRun:
    """One batch run: its setup, where it is kept and the door to the service (None for self-hosted files)."""

    setup: RunSetup
    store: Store
    run_id: int
    transport: Any = None
    _keys: list[str] | None = None

    @property
    def ledger(self) -> Ledger:
        """The run's batch bookkeeping."""
        return Ledger(self.store)

    def keys(self) -> list[str]:
        """Each row's request key (as the live route computes it), computed once."""
        if self._keys is None:
            self._keys = row_keys(self.setup, ENGINE, self.setup.rows())
        return self._keys


def transport_for(settings: ModelSettings) -> Any:
    """The Files + Batches client for these settings (the OpenAI SDK is loaded only now)."""
    from core.engines.openai_api import BatchTransport

    return BatchTransport(settings)


def signature(setup: RunSetup) -> str:
    """What makes two batch commands the same run: input, prompt, labels, columns, model and its parameters."""
    plan = setup.plan
    blob = [
        table_hash(setup.df),
        setup.plan.task,
        plan.template.system,
        plan.template.user,
        [[e.user, e.assistant] for e in plan.template.examples],
        plan.template.shots.params() if plan.template.shots is not None else None,
        list(plan.labels),
        plan.text_column,
        setup.plan.output_column,
        setup.settings.model,
        answer_params(setup.settings, ENGINE, setup.options),
        setup.options.pack,
    ]
    return hashlib.sha256(json.dumps(blob, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def begin(setup: RunSetup, store: Store, *, owner: str = LOCAL, resume: bool = True) -> tuple[int, bool]:
    """The unfinished batch run of the same command (picked up), else a new one: (run id, picked up)."""
    if setup.engine not in (None, ENGINE):
        raise ConfigError("Batch runs need an OpenAI-compatible endpoint, not the offline engine.", code="config.batch")
    check_plan(setup.plan, list(setup.df.columns))
    sig = signature(setup)
    ledger = Ledger(store)
    found = ledger.unfinished(sig, owner) if resume else None
    if found is not None:
        return found, True
    setup.engine, setup.owner = ENGINE, owner
    run_id = open_run(store, setup)
    ledger.add_run(run_id, sig)
    return run_id, False


def upload_name(token: str, part: int) -> str:
    """The name a part's file is uploaded under: found again by it after a kill between upload and save."""
    return f"transcript-studio-{token}-part{part}.jsonl"


def reconcile(run: BatchRun) -> list[Part]:
    """Parts saved without a batch id (killed between create and save): adopt the service's batch, else drop them."""
    ledger, token = run.ledger, run.ledger.token(run.run_id)
    loose = [p for p in ledger.open_parts(run.run_id) if p.batch_id is None]
    if not loose or run.transport is None:
        return loose
    on_service = {b["metadata"].get(META_PART): b for b in run.transport.find(META_RUN, token or "")}
    for part in loose:
        batch = on_service.get(str(part.part))
        if batch is not None:
            ledger.update(run.run_id, part.part, batch)
            continue
        # Uploaded but never made a batch (nothing was submitted): the file goes, found by name if its id was not saved.
        for file_id in (
            [part.input_file] if part.input_file else run.transport.files_named(upload_name(token or "", part.part))
        ):
            run.transport.delete(file_id)
        ledger.drop(run.run_id, part.part)
    return loose


def unanswered(run: BatchRun) -> list[int]:
    """Rows with no final answer that no open batch is carrying."""
    done = {r.row for r in run.store.results(run.run_id) if r.status in FINAL}
    carried = {i for p in run.ledger.open_parts(run.run_id) for i in p.rows}
    return [i for i in range(len(run.setup.df)) if i not in done and i not in carried]


def settle(run: BatchRun, rows: list[dict[str, object]], todo: list[int]) -> list[list[int]]:
    """Answer from the store what it already holds, skip blank rows; the requests left to send (row groups)."""
    keys, plan = run.keys(), run.setup.plan
    if run.setup.options.reuse_answers and run.setup.options.pack == 1:
        known = run.store.known([keys[i] for i in todo])
        for i in [i for i in todo if keys[i] in known]:
            text, _, _ = run.store.answer(keys[i])
            result = RowResult(i)
            judge(plan, result, text)
            run.store.save_result(run.run_id, result, keys[i])
        todo = [i for i in todo if keys[i] not in known]
    groups, skipped = request_groups(rows, plan, todo, run.setup.options.pack)
    for result in skipped:
        run.store.save_result(run.run_id, result)
    return groups


def submit(
    run: BatchRun,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    max_bytes: int = MAX_FILE_BYTES,
    on_part: Callable[[Part], None] | None = None,
) -> list[Part]:
    """Upload and start batches for the rows still without an answer; each part is saved before it is sent."""
    if batch_size < 1:
        raise ConfigError("--batch-size must be at least 1", code="config.range", name="batch_size")
    reconcile(run)
    rows, ledger = run.setup.rows(), run.ledger
    groups = settle(run, rows, unanswered(run))
    if not groups:
        return []
    token, made = ledger.token(run.run_id) or "", []
    ledger.finish(run.run_id, done=False)
    with tempfile.TemporaryDirectory(prefix="ts-batch-") as tmp:
        lines = request_lines(run.setup, rows, groups, run.run_id)
        for pf in split_files(lines, Path(tmp), batch_size=batch_size, max_bytes=max_bytes):
            number = ledger.plan(run.run_id, pf.rows, pf.requests)
            named = pf.path.rename(pf.path.with_name(upload_name(token, number)))
            file_id = run.transport.upload(str(named))
            ledger.set_file(run.run_id, number, file_id)
            batch = run.transport.create(file_id, {META_RUN: token, META_PART: str(number)})
            ledger.update(run.run_id, number, batch)
            named.unlink()
            made.append(next(p for p in ledger.parts(run.run_id) if p.part == number))
            if on_part:
                on_part(made[-1])
    return made

"""`run --batch` and `python -m core batch …`: rows through a Batch API, or files for `vllm run-batch`."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from core.batch import selfhosted
from core.batch.ledger import Ledger, Part
from core.batch.route import BatchRun, begin, submit, transport_for
from core.batch.watch import cancel, results, setup_for_run, watch
from core.cli import run as commands
from core.cli.args import out_format
from core.errors import ConfigError, EngineError
from core.exports.tables import to_bytes
from core.rows.results import results_frame
from core.rows.service import RunSetup
from core.settings import ModelSettings
from core.store import Store, default_store_path


def _open_store(args: argparse.Namespace) -> Store:
    return Store(args.store or default_store_path())


def _status_printer():
    last: dict[int, tuple] = {}

    def show(parts: list[Part]) -> None:
        for p in parts:
            state = (p.status, p.completed, p.failed, p.collected is not None)
            if last.get(p.part) == state:
                continue
            last[p.part] = state
            eta = p.eta()
            print(
                f"batch {p.part}/{len(parts)} {p.batch_id}: {p.status}, {p.completed}/{p.total} done, "
                f"{p.failed} failed"
                + (f", ~{eta:.0f} s left" if eta is not None else "")
                + (f" ({p.errors})" if p.errors else "")
                + (", collected" if p.collected else ""),
                file=sys.stderr,
                flush=True,
            )

    return show


def run_batch(args: argparse.Namespace, setup: RunSetup, store: Store | None, fmt: str) -> int:
    """`run … --batch`: pick up or start the run, submit what has no answer, wait (unless --no-wait), write --out."""
    if store is None:
        raise ConfigError("--batch keeps its batches in the run store: drop --no-store", code="config.batch")
    if setup.options.budget is not None:
        raise ConfigError(
            "--budget cannot hold a batch: the Batch API answers every request it is given. The quote above says "
            "what the batch costs; drop --budget, or run live to stop at a spend.",
            code="config.batch_budget",
        )
    run_id, picked_up = begin(setup, store)
    run = BatchRun(setup, store, run_id, transport_for(setup.settings))
    try:
        if picked_up:
            print(f"run {run_id}: picking up its submitted batches", file=sys.stderr, flush=True)
        made = submit(run, batch_size=args.batch_size, on_part=lambda p: _submitted(run_id, p))
        if not made and not picked_up:
            print(f"run {run_id}: every row already has an answer: nothing submitted", file=sys.stderr)
        if args.no_wait:
            print(f"run {run_id} submitted; collect with: python -m core batch collect {run_id} --out FILE")
            return 0
        return _collect(run, args.out, fmt, poll=args.poll, wait=True, details=args.details)
    finally:
        run.transport.close()


def _submitted(run_id: int, part: Part) -> None:
    print(f"run {run_id}: batch {part.part} {part.batch_id} submitted ({part.requests} requests)", file=sys.stderr)


def _collect(run: BatchRun, out: Path, fmt: str, *, poll, wait: bool, details: bool = False) -> int:
    watch(run, poll=poll, wait=wait, on_status=_status_printer())
    rows = results(run)
    frame = results_frame(run.setup.df, rows, run.setup.plan.output_column, details=details)
    out.write_bytes(to_bytes(frame, fmt))
    return commands.report(rows, out, None)


def cmd_batch(args: argparse.Namespace) -> int:
    """Dispatch `batch list|collect|cancel|export|import`."""
    return {
        "list": _list,
        "collect": _collect_cmd,
        "cancel": _cancel_cmd,
        "export": _export,
        "import": _import,
    }[args.batch_command](args)


def _run(args: argparse.Namespace, store: Store, transport: bool = True) -> BatchRun:
    if Ledger(store).token(args.run_id) is None:
        raise ConfigError(f"No batch run {args.run_id} in {store.path}", code="config.batch_run")
    setup = setup_for_run(store, args.run_id, base_url=getattr(args, "base_url", None))
    return BatchRun(setup, store, args.run_id, transport_for(setup.settings) if transport else None)


def _collect_cmd(args: argparse.Namespace) -> int:
    fmt = out_format(args.out)
    run = _run(args, _open_store(args))
    try:
        return _collect(run, args.out, fmt, poll=args.poll, wait=not args.no_wait, details=args.details)
    finally:
        run.transport.close()


def _cancel_cmd(args: argparse.Namespace) -> int:
    run = _run(args, _open_store(args))
    try:
        for p in cancel(run):
            print(f"batch {p.part} {p.batch_id}: {p.status}", file=sys.stderr)
    finally:
        run.transport.close()
    print(f"run {args.run_id}: cancel asked; collect keeps what was answered: batch collect {args.run_id} --out FILE")
    return 0


def _refresh_statuses(ledger: Ledger, base_url: str | None) -> None:
    """Ask the service about batches still open (best effort: without a key or a reply, the stored state shows)."""
    open_parts = [p for r in ledger.run_ids() for p in ledger.open_parts(r) if p.batch_id and not p.finished]
    if not open_parts:
        return
    try:
        transport = transport_for(ModelSettings(base_url=base_url))
    except ConfigError:
        return
    try:
        for p in open_parts:
            ledger.update(p.run_id, p.part, transport.retrieve(p.batch_id))
    except EngineError as exc:
        print(f"could not ask the service ({exc.message}): showing the stored state", file=sys.stderr)
    finally:
        transport.close()


def _list(args: argparse.Namespace) -> int:
    store = _open_store(args)
    ledger = Ledger(store)
    _refresh_statuses(ledger, args.base_url)
    print("run\tcreated\tfile\ttask\tmodel\tbatch\tstatus\tdone\tfailed\ttotal")
    for run_id in ledger.run_ids():
        info = store.run(run_id)
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(info.created)) if info else ""
        for p in ledger.parts(run_id):
            print(
                f"{run_id}\t{when}\t{info.file_name if info else ''}\t{info.task if info else ''}\t"
                f"{info.model if info else ''}\t{p.batch_id or '-'}\t{p.status}{' (collected)' if p.collected else ''}"
                f"\t{p.completed}\t{p.failed}\t{p.total}"
            )
    return 0


def _export(args: argparse.Namespace) -> int:
    """Write requests.jsonl for `vllm run-batch` and say how to read the results back."""
    setup = commands.prepare_setup(args)
    store = _open_store(args)
    run_id, count = selfhosted.export(setup, store, args.out)
    print(f"run {run_id}: {count} requests -> {args.out}", file=sys.stderr)
    print(
        f"next: vllm run-batch -i {args.out} -o results.jsonl --model {setup.settings.model}\n"
        f"then: python -m core batch import results.jsonl --run {run_id} --out FILE.csv",
        file=sys.stderr,
    )
    print(run_id)
    return 0


def _import(args: argparse.Namespace) -> int:
    """Read `vllm run-batch` results into the run and write its table."""
    fmt = out_format(args.out)
    store = _open_store(args)
    rows = selfhosted.import_results(store, args.run_id, args.results)
    setup = setup_for_run(store, args.run_id)
    args.out.write_bytes(to_bytes(results_frame(setup.df, rows, setup.plan.output_column, details=args.details), fmt))
    return commands.report(rows, args.out, None)

"""The CLI's subcommands, each a thin shell over core functions."""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

from core.cli.args import (
    engine_name,
    load_input,
    model_settings,
    open_store,
    out_format,
    progress_bar,
    run_options,
    text_arg,
)
from core.cli.main import start_up_done
from core.engines.factory import make_engine
from core.engines.pricing import load_prices
from core.engines.tokens import load_vocabulary
from core.exports.tables import to_bytes
from core.rows.plan import RowPlan, row_plan
from core.rows.quote import quote_rows
from core.rows.results import RowResult, results_frame, run_stats
from core.rows.runner import check_plan, table_rows
from core.rows.service import RunSetup, execute_sync, row_keys
from core.store import Store


def cmd_parse(args: argparse.Namespace) -> int:
    """Write the table the loader made, to --out or as CSV on stdout."""
    fmt = out_format(args.out, required=False)
    table = load_input(args)
    if fmt is None:
        sys.stdout.buffer.write(table.df.to_csv(index=False).encode("utf-8"))
        sys.stdout.flush()
    else:
        args.out.write_bytes(to_bytes(table.df, fmt))
        print(f"{len(table.df)} rows -> {args.out}", file=sys.stderr)
    return 0


def _print_dry_run(rows: list[dict], plan) -> None:
    for i, row in enumerate(rows[:3]):
        print(json.dumps({"row": i, "messages": plan.template.messages(row)}, ensure_ascii=False, indent=2))


class _Quote:
    """The run's cost on stderr, counted in a thread once the first wave is out (nothing delays it).

    The count pauses every few rows, so answers arriving meanwhile are not kept waiting for the interpreter."""

    def __init__(self, fresh: list[dict], setup: RunSetup) -> None:
        self._thread = threading.Thread(target=_print_quote, args=(fresh, setup), name="quote", daemon=True)

    def start(self) -> None:
        """Begin counting (again is a no-op)."""
        if self._thread.ident is None:
            self._thread.start()

    def wait(self) -> None:
        """Count now if not started, and wait for the printed quote."""
        self.start()
        self._thread.join()


def _quote(rows: list[dict], setup: RunSetup, store: Store | None) -> _Quote | None:
    """The quote for the rows the run will send (the offline engine's says so at once and counts nothing)."""
    if setup.engine == "offline":
        make_engine(setup.settings, "offline", task=setup.plan.task)  # refuses tasks it cannot do, before anything
        print(f"quote: {len(rows)} rows on the offline engine: no requests, no cost", file=sys.stderr)
        return None
    fresh = rows
    if store is not None and setup.options.pack == 1:
        known = store.known(keys := row_keys(setup, setup.engine, rows))
        fresh = [r for r, k in zip(rows, keys) if k not in known]
        if len(fresh) < len(rows):
            print(f"{len(rows) - len(fresh)} rows already answered in the store: not asked again", file=sys.stderr)
    return _Quote(fresh, setup)


def _print_quote(fresh: list[dict], setup: RunSetup) -> None:
    quote = quote_rows(
        fresh,
        setup.plan,
        model=setup.settings.model,
        max_tokens=setup.settings.max_tokens,
        pack=setup.options.pack,
        rpm=setup.options.rpm,
        tpm=setup.options.tpm,
        pause=_let_others_run,
    )
    print("quote: " + "\n       ".join(quote.lines()), file=sys.stderr)


def _let_others_run() -> None:
    time.sleep(0)  # releases the GIL: the run's event loop takes it at once instead of after the switch interval


def _plan(args: argparse.Namespace, table) -> RowPlan:
    """The checked plan of `run`'s prompt flags over the table."""
    labels = [x for x in args.labels.split(",")] if args.labels else None
    plan = row_plan(
        task=args.task,
        template=text_arg(args.template),
        system=text_arg(args.system),
        labels=labels,
        text_column=args.column or table.text_column,
        output_column=args.output_column,
    )
    plan = _with_examples(plan, args)
    check_plan(plan, list(table.df.columns))
    return plan


def prepare_setup(args: argparse.Namespace) -> RunSetup:
    """The run `run`'s input, prompt and model flags describe (for the batch commands)."""
    table = load_input(args)
    return RunSetup(table.df, table.name, _plan(args, table), model_settings(args), run_options(args))


def cmd_run(args: argparse.Namespace) -> int:
    """Run a task or template over every row and write the results."""
    submit_only = getattr(args, "batch", False) and getattr(args, "no_wait", False)
    if args.dry_run or args.quote or getattr(args, "batch", False):
        start_up_done()  # only a live run waits until its first requests are on their way
    fmt = out_format(args.out, required=not (args.dry_run or args.quote or submit_only))
    table = load_input(args)
    plan = _plan(args, table)
    if args.dry_run:
        _print_dry_run(table_rows(table.df, plan.text_column), plan)
        return 0
    settings = model_settings(args)
    setup = RunSetup(table.df, table.name, plan, settings, run_options(args), engine_name(args, settings))
    rows = setup.rows()
    store = open_store(args)
    counting = _quote(rows, setup, store)
    if args.quote or getattr(args, "batch", False):
        if counting:
            counting.wait()
        if args.quote:
            return 0
        from core.cli.batch import run_batch

        return run_batch(args, setup, store, fmt)

    def progress(result: RowResult, done: int, total: int) -> None:
        bar.update(1)

    if counting and setup.options.paced:
        # A paced run has no idle moment (a start is due every few ms): the one step of the count that cannot pause
        # goes before the first request, not between two starts it would push together.
        load_vocabulary(setup.settings.model)

    def started() -> None:
        # Collections during the run leave out what start-up made: the first ones over it took ~20 ms each, a stall
        # that pushed two paced starts into one second of the server's window.
        start_up_done()
        if counting:
            counting.start()  # while the first wave is out and the loop waits, not while a burst of answers arrives

    with progress_bar(len(rows), "row") as bar:
        outcome = execute_sync(setup, store=store, on_result=progress, on_started=started)
    if counting:
        counting.wait()
    frame = results_frame(table.df, outcome.results, plan.output_column, details=args.details)
    args.out.write_bytes(to_bytes(frame, fmt))
    return _report(outcome.results, args.out, setup.settings.model if outcome.engine == "openai" else None)


def _with_examples(plan, args: argparse.Namespace):
    """The plan sending few-shot examples from --examples FILE before each row (as it was without)."""
    if getattr(args, "examples", None) is None:
        return plan
    from core.workbench.examples import load_examples, with_examples

    template = plan.template
    picker = load_examples(
        args.examples,
        template,
        plan.text_column,
        plan.output_column,
        limit=args.max_examples,
        budget=args.examples_tokens,
        model=args.model,
    )
    return replace(plan, template=with_examples(template, picker))


def _report(results: list[RowResult], out: Path, model: str | None) -> int:
    stats = run_stats(results)
    c = stats.counts
    cost = load_prices().cost(model, stats.prompt_tokens, stats.completion_tokens) if model else None
    money = "" if cost is None else f" (${cost:.4f})"
    print(
        f"{c['ok']} ok, {c['review']} to review, {c['failed']} failed, {c['skipped']} skipped, "
        f"{c['cancelled']} not sent; {stats.total_tokens} tokens{money}; "
        f"p50 {stats.latency_p50:.2f}s p95 {stats.latency_p95:.2f}s -> {out}",
        file=sys.stderr,
    )
    for r in [r for r in results if r.status == "failed"][:3]:
        print(f"  row {r.row + 1}: {r.error}", file=sys.stderr)
    return 1 if c["failed"] or c["cancelled"] else 0


def report(results: list[RowResult], out: Path, model: str | None) -> int:
    """The one-line summary on stderr and the exit status (1 when rows failed or were not sent)."""
    return _report(results, out, model)

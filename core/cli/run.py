"""The CLI's subcommands, each a thin shell over core functions."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from dataclasses import replace
from pathlib import Path

from tqdm import tqdm

from core.engines.factory import choose_engine, make_engine
from core.engines.layers import RunOptions, build_engine
from core.engines.pricing import load_prices
from core.errors import ConfigError, InputError
from core.exports.tables import to_bytes
from core.loaders import Table, load_path
from core.loaders.decode import decode
from core.offline.fillers import filler_entries
from core.rows.plan import row_plan
from core.rows.quote import quote_rows
from core.rows.results import RowResult, results_frame, run_stats
from core.rows.runner import check_spec, table_rows
from core.rows.service import RunJob, execute_sync, row_keys
from core.settings import ModelSettings
from core.speakers import parse_speakers, rename_speakers
from core.store import Store, default_store_path

OUT_FORMATS = {".csv": "csv", ".xlsx": "xlsx"}


def _text_arg(value: str | None) -> str | None:
    """A literal, or the contents of FILE for @FILE (decoded like any input)."""
    if value is None or not value.startswith("@"):
        return value
    path = Path(value[1:])
    try:
        return decode(path.read_bytes(), path.name).text
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror or exc}", code="input.unreadable") from None


def load_input(args: argparse.Namespace) -> Table:
    """The input file as a table, its speaker labels renamed when --speakers says so (reported on stderr)."""
    table = load_path(args.input, sheet=args.sheet)
    text = _text_arg(getattr(args, "speakers", None))
    if text is None:
        return table
    df, labels = rename_speakers(table.df, table.speaker_column, parse_speakers(text), table.text_column)
    for item in labels:
        arrow = f" -> {item.name}" if item.name != item.label else " (kept)"
        print(f"speaker {item.label}{arrow}: {item.count} utterances, e.g. {item.sample!r}", file=sys.stderr)
    return dataclasses.replace(table, df=df)


def _out_format(path: Path | None, required: bool = True) -> str | None:
    if path is None:
        if required:
            raise ConfigError("Say where to write the results: --out FILE.csv or --out FILE.xlsx", code="config.out")
        return None
    fmt = OUT_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ConfigError(f"--out must end in .csv or .xlsx, not '{path.suffix or path.name}'", code="config.out")
    return fmt


def _settings(args: argparse.Namespace) -> ModelSettings:
    return ModelSettings(
        model=args.model,
        temperature=args.temperature,
        max_tokens=args.max_tokens,
        concurrency=getattr(args, "concurrency", 8),
        timeout=args.timeout,
        max_retries=args.max_retries,
        base_url=args.base_url,
    )


def _options(args: argparse.Namespace) -> RunOptions:
    for flag in ("rpm", "tpm", "pack", "concurrency"):
        if getattr(args, flag, None) is not None and getattr(args, flag) < 1:
            raise ConfigError(f"--{flag} must be at least 1", code="config.range", name=flag)
    if getattr(args, "budget", None) is not None and args.budget <= 0:
        raise ConfigError("--budget must be more than 0", code="config.range", name="budget")
    return RunOptions(
        rpm=getattr(args, "rpm", None),
        tpm=getattr(args, "tpm", None),
        budget=getattr(args, "budget", None),
        pack=getattr(args, "pack", 1),
        fillers=_fillers(args),
    )


def _fillers(args: argparse.Namespace) -> tuple[str, ...] | None:
    """The offline engine's filler list from --fillers (comma or line separated, or @FILE)."""
    text = _text_arg(getattr(args, "fillers", None))
    return None if text is None else filler_entries(text)


def _engine_name(args: argparse.Namespace, settings: ModelSettings) -> str:
    name, notice = choose_engine(settings, args.engine)
    if notice:
        print(notice, file=sys.stderr)
    return name


def _engine(args: argparse.Namespace, settings: ModelSettings, task: str | None):
    return build_engine(settings, _engine_name(args, settings), task, _options(args))


def cmd_parse(args: argparse.Namespace) -> int:
    """Write the table the loader made, to --out or as CSV on stdout."""
    fmt = _out_format(args.out, required=False)
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
        print(json.dumps({"row": i, "messages": plan.spec.template.messages(row)}, ensure_ascii=False, indent=2))


def _store(args: argparse.Namespace) -> Store | None:
    return None if args.no_store else Store(args.store or default_store_path())


def _quote(rows: list[dict], job: RunJob, store: Store | None) -> None:
    if job.engine == "offline":
        make_engine(job.settings, "offline", task=job.plan.task)  # refuses tasks it cannot do, before anything
        print(f"quote: {len(rows)} rows on the offline engine: no requests, no cost", file=sys.stderr)
        return
    fresh = rows
    if store is not None and job.options.pack == 1:
        known = store.known(keys := row_keys(job, job.engine, rows))
        fresh = [r for r, k in zip(rows, keys) if k not in known]
        if len(fresh) < len(rows):
            print(f"{len(rows) - len(fresh)} rows already answered in the store: not asked again", file=sys.stderr)
    quote = quote_rows(
        fresh,
        job.plan.spec,
        model=job.settings.model,
        max_tokens=job.settings.max_tokens,
        pack=job.options.pack,
        rpm=job.options.rpm,
        tpm=job.options.tpm,
    )
    print("quote: " + "\n       ".join(quote.lines()), file=sys.stderr)


def cmd_run(args: argparse.Namespace) -> int:
    """Run a task or template over every row and write the results."""
    fmt = _out_format(args.out, required=not args.dry_run)
    table = load_input(args)
    labels = [x for x in args.labels.split(",")] if args.labels else None
    plan = row_plan(
        task=args.task,
        template=_text_arg(args.template),
        system=_text_arg(args.system),
        labels=labels,
        text_column=args.column or table.text_column,
        output_column=args.output_column,
    )
    plan = _with_examples(plan, args)
    check_spec(plan.spec, list(table.df.columns))
    rows = table_rows(table.df, plan.spec.text_column)
    if args.dry_run:
        _print_dry_run(rows, plan)
        return 0
    settings = _settings(args)
    job = RunJob(table.df, table.name, plan, settings, _options(args), _engine_name(args, settings))
    store = _store(args)
    _quote(rows, job, store)
    if args.quote:
        return 0
    with tqdm(total=len(rows), unit="row", file=sys.stderr, disable=None) as bar:
        outcome = execute_sync(job, store=store, on_result=lambda result, done, total: bar.update(1))
    frame = results_frame(table.df, outcome.results, plan.output_column, details=args.details)
    args.out.write_bytes(to_bytes(frame, fmt))
    return _report(outcome.results, args.out, job.settings.model if outcome.engine == "openai" else None)


def _with_examples(plan, args: argparse.Namespace):
    """The plan sending few-shot examples from --examples FILE before each row (as it was without)."""
    if getattr(args, "examples", None) is None:
        return plan
    from core.workbench.examples import load_examples, with_examples

    template = plan.spec.template
    picker = load_examples(
        args.examples,
        template,
        plan.spec.text_column,
        plan.output_column,
        limit=args.max_examples,
        budget=args.examples_tokens,
        model=args.model,
    )
    return replace(plan, spec=replace(plan.spec, template=with_examples(template, picker)))


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

"""`python -m core compare`: two or more prompt variants on the same sampled rows, answers side by side."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from core.cli import args as flags
from core.engines.factory import choose_engine
from core.errors import ConfigError
from core.exports.tables import to_bytes
from core.rows.runner import check_plan, table_rows
from core.settings import ModelSettings
from core.workbench.compare import Base, Comparison, compare_sync, make_variants
from core.workbench.examples import load_examples
from core.workbench.sampling import sample_rows, sendable


def cmd_compare(args: argparse.Namespace) -> int:
    """Ask each variant about the same sampled rows once and write the answers side by side."""
    fmt = flags.out_format(args.out)
    args.pack, args.fillers = 1, None  # one row per request, so each answer is one row's; the preset fillers
    table = flags.load_input(args)  # --speakers renamed as for run
    variants = make_variants(
        systems=[flags.text_arg(s) or "" for s in args.system],
        templates=[flags.text_arg(t) or "" for t in args.template],
        models=args.model,
        temperatures=args.temperature,
        labels=args.label,
    )
    if len(variants) < 2:
        raise ConfigError(
            "Give two variants: two --system, two --template, two --model or two --temperature.",
            code="config.variants",
            name="variants",
        )
    settings = ModelSettings(
        model=(args.model or ["gpt-4o-mini"])[0],
        temperature=0.2,
        max_tokens=args.max_tokens,
        concurrency=args.concurrency,
        timeout=args.timeout,
        max_retries=args.max_retries,
        base_url=args.base_url,
    )
    labels = [x for x in args.labels.split(",")] if args.labels else None
    base = Base(
        task=args.task,
        labels=tuple(labels) if labels else None,
        text_column=args.column or table.text_column,
        output_column=args.output_column,
        settings=settings,
    )
    first = base.plan(variants[0])
    if args.examples is not None:
        picker = load_examples(
            args.examples,
            first.template,
            first.text_column,
            first.output_column,
            limit=args.max_examples,
            budget=args.examples_tokens,
            model=settings.model,
        )
        base = replace(base, examples=picker)
    for v in variants:
        check_plan(base.plan(v), list(table.df.columns))
    rows = table_rows(table.df, first.text_column)
    picked = sample_rows(
        len(rows),
        args.sample,
        how="first" if args.seed is None else "random",
        seed=args.seed,
        pool=sendable(rows, first.template),
    )
    engine, notice = choose_engine(settings, args.engine)
    if notice:
        print(notice, file=sys.stderr)
    with flags.progress_bar(len(picked) * len(variants), "answer") as bar:
        result = compare_sync(
            table.df,
            table.name,
            base,
            variants,
            picked,
            options=flags.run_options(args),
            engine=engine,
            store=flags.open_store(args),
            on_result=lambda r, done, total: bar.update(1),
        )
    frame = result.frame(table.df, args.output_column or first.output_column, details=args.details)
    args.out.write_bytes(to_bytes(frame, fmt))
    return _report(result, args.out, bool(first.labels))


def _report(result: Comparison, out: Path, is_label: bool) -> int:
    n = len(result.rows)
    bad = 0
    for run in result.runs:
        st, cost = run.stats, run.cost
        money = "" if cost is None else f" (${cost:.4f})"
        c = st.counts
        bad += c["failed"] + c["cancelled"]
        print(
            f"{run.variant.label}: {c['ok']} ok, {c['review']} to review, {c['failed']} failed; "
            f"{st.total_tokens} tokens{money}; p50 {st.latency_p50:.2f}s; {run.seconds:.1f}s in all",
            file=sys.stderr,
        )
    line = f"{result.changed()} of {n} rows changed, {n - result.changed()} the same"
    if is_label and len(result.runs) >= 2:
        agree = result.agreement()
        kappa = "n/a" if agree.kappa is None else f"{agree.kappa:.2f}"
        line += f"; agreement {agree.rate:.0%}, Cohen's kappa {kappa}"
    print(f"{line} -> {out}", file=sys.stderr)
    return 1 if bad else 0

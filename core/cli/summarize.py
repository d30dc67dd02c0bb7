"""`python -m core summarize`: map-reduce minutes with a model, an extractive summary offline."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

import pandas as pd

from core.cli.args import engine_name, load_input, model_settings, open_store, run_options, text_arg
from core.engines.layers import build_engine
from core.errors import ConfigError
from core.exports.minutes_docx import markdown_docx, minutes_docx
from core.exports.tables import to_bytes
from core.loaders import Table
from core.minutes.mapreduce import MinutesResult, minutes_settings, minutes_sync
from core.minutes.transcript import stream_extract, transcript_text
from core.rows.tasks import get_task

OUT_SUFFIXES = {".md", ".txt", ".json", ".docx"}
ACTION_FORMATS = {".csv": "csv", ".xlsx": "xlsx"}


def _column(table: Table, asked: str | None) -> str:
    column = asked or table.text_column
    if column not in table.df.columns:
        raise ConfigError(f"No column named '{column}'. Columns: {', '.join(table.df.columns)}", code="config.column")
    return column


def _check_paths(args: argparse.Namespace) -> None:
    if args.out is not None and args.out.suffix.lower() not in OUT_SUFFIXES:
        raise ConfigError(
            f"--out must end in .md, .txt, .json or .docx, not '{args.out.suffix or args.out.name}'", code="config.out"
        )
    if args.json and _docx(args.out):
        raise ConfigError(
            "--json writes JSON: give --out FILE.json, or leave out --json for a .docx", code="config.out"
        )
    if args.actions is not None and args.actions.suffix.lower() not in ACTION_FORMATS:
        raise ConfigError("--actions must end in .csv or .xlsx", code="config.out")
    for flag in ("chunk_tokens", "sentences"):
        if getattr(args, flag) is not None and getattr(args, flag) < 1:
            raise ConfigError(f"--{flag.replace('_', '-')} must be at least 1", code="config.range", name=flag)


def cmd_summarize(args: argparse.Namespace) -> int:
    """Summarize the whole transcript: minutes streamed to stdout, or written to --out."""
    _check_paths(args)
    table = load_input(args)
    column = _column(table, args.column)
    settings = model_settings(args)
    name = engine_name(args, settings)
    options = replace(run_options(args), sentences=args.sentences)
    if name == "offline":
        return _offline(args, table, column, build_engine(settings, name, "minutes", options))
    settings = minutes_settings(settings)
    engine = build_engine(settings, name, "minutes", options, open_store(args))
    live = args.out is None and not args.json
    result = minutes_sync(
        table.df,
        engine=engine,
        model=settings.model,
        text_column=column,
        speaker_column=table.speaker_column,
        system=text_arg(args.system),
        chunk_tokens=args.chunk_tokens,
        overlap=args.overlap,
        concurrency=settings.concurrency,
        on_progress=_progress,
        on_delta=_echo if live else None,
    )
    return _write_minutes(args, result, live)


def _progress(stage: str, done: int, total: int) -> None:
    if stage == "map":
        print(f"\rparts summarized: {done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)


def _echo(delta: str) -> None:
    sys.stdout.write(delta)
    sys.stdout.flush()


def _write_minutes(args: argparse.Namespace, result: MinutesResult, live: bool) -> int:
    as_json = args.json or (args.out is not None and args.out.suffix.lower() == ".json")
    text = json.dumps(result.as_dict(), ensure_ascii=False, indent=2) if as_json else result.markdown
    if live and result.streamed != result.markdown:  # the streamed answer was malformed and asked again
        print("\n\n(the streamed text was redone; the minutes as kept:)\n", file=sys.stderr)
        _echo(result.markdown)
    if _docx(args.out):
        notes = [line for line in result.markdown.split("\n## ")[0].split("\n") if line.startswith(">")]
        _write_docx(args.out, minutes_docx(result.minutes, result.times, notes=notes))
    else:
        _emit(args.out, text, already_shown=live)
    if args.actions is not None:
        _write_actions(args.actions, result.action_items())
    cov = result.coverage
    print(
        f"{result.requests} requests over {len(result.chunks)} parts; {len(cov.reached)}/{len(cov.rows)} "
        f"utterances reached the model; {result.prompt_tokens + result.completion_tokens} tokens",
        file=sys.stderr,
    )
    if not cov.complete:
        print(f"warning: rows left out after failures: {_rows(cov.missing)}", file=sys.stderr)
    return 0 if cov.complete else 1


def _docx(out: Path | None) -> bool:
    return out is not None and out.suffix.lower() == ".docx"


def _write_docx(out: Path, data: bytes) -> None:
    out.write_bytes(data)
    print(f"minutes -> {out}", file=sys.stderr)


def _rows(rows: tuple[int, ...]) -> str:
    shown = ", ".join(f"#{r}" for r in rows[:20])
    return shown + (f" and {len(rows) - 20} more" if len(rows) > 20 else "")


def _emit(out: Path | None, text: str, already_shown: bool = False) -> None:
    if out is not None:
        out.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        print(f"summary -> {out}", file=sys.stderr)
    elif not already_shown:
        _echo(text)
    if out is None:
        _echo("\n")


def _write_actions(path: Path, frame: pd.DataFrame) -> None:
    path.write_bytes(to_bytes(frame, ACTION_FORMATS[path.suffix.lower()]))
    print(f"{len(frame)} action items -> {path}", file=sys.stderr)


def _offline(args: argparse.Namespace, table: Table, column: str, engine) -> int:
    if args.json or args.actions is not None or (args.out is not None and args.out.suffix.lower() == ".json"):
        raise ConfigError(
            "--json and --actions need structured minutes from a model; the offline engine writes an "
            "extractive summary only.",
            code="config.offline_minutes",
        )
    template = get_task("minutes").build(system=text_arg(args.system))
    transcript = transcript_text(table.df, column, table.speaker_column)
    live, parts = args.out is None, []
    for delta in stream_extract(transcript, template, engine, parts):
        if live:
            _echo(delta)
    if _docx(args.out):
        _write_docx(args.out, markdown_docx("".join(parts)))
    else:
        _emit(args.out, "".join(parts), already_shown=live)
    return 0

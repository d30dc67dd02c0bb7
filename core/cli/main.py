"""`python -m core`: the command line over the same functions the pages call."""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
from pathlib import Path

from core.cli import batch_args, workbench_args
from core.errors import CoreError
from core.settings import ModelSettings

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2
DEFAULT = ModelSettings()
# "module:function", imported only when that command runs: `tasks` and `--help` stay free of pandas and openai.
COMMANDS = {
    "tasks": "core.cli.tasks:cmd_tasks",
    "parse": "core.cli.run:cmd_parse",
    "run": "core.cli.run:cmd_run",
    "summarize": "core.cli.summarize:cmd_summarize",
    "batch": "core.cli.batch:cmd_batch",
    "compare": "core.cli.compare:cmd_compare",
    "prompts": "core.cli.prompts:cmd_prompts",
}


def command(name: str):
    """The function behind a subcommand, imported now."""
    module, func = COMMANDS[name].split(":")
    return getattr(importlib.import_module(module), func)


def start_up_done() -> None:
    """Turn the collector back on (`python -m core` starts with it off), leaving out all that start-up made."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line instead of a page of usage."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"{self.prog}: {message}\nSee: {self.prog} --help\n")


def _add_input(p: argparse.ArgumentParser) -> None:
    p.add_argument("input", type=Path, help="transcript or table: .txt .csv .tsv .xlsx .vtt .srt .json .jsonl")
    p.add_argument("--sheet", help="workbook sheet to read (default: the first)")
    p.add_argument(
        "--speakers", help='rename speaker labels: "SPEAKER_00=김민수,SPEAKER_01=이지영", or @FILE (one pair a line)'
    )


def _add_prompt(p: argparse.ArgumentParser) -> None:
    """The task or template, the system prompt, the columns and labels (run and batch export alike)."""
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--task", help="a built-in task (see: tasks)")
    what.add_argument("--template", help="user template with {column} placeholders, or @FILE")
    p.add_argument("--system", help="system prompt, or @FILE (default: the task's)")
    p.add_argument("--column", help="column read as {text} (default: the one with the longest text)")
    p.add_argument("--output-column", help="name of the answer column")
    p.add_argument("--labels", help="comma-separated labels for a label task (e.g. emotion)")


def _add_model(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("model")
    g.add_argument("--model", default=DEFAULT.model)
    g.add_argument("--temperature", type=float, default=DEFAULT.temperature)
    g.add_argument("--max-tokens", type=int, default=DEFAULT.max_tokens)
    g.add_argument("--timeout", type=float, default=DEFAULT.timeout, help="seconds per request")
    g.add_argument("--max-retries", type=int, default=DEFAULT.max_retries, help="retries on 429, 5xx and timeouts")
    g.add_argument("--base-url", help="OpenAI-compatible endpoint (default: OPENAI_BASE_URL)")
    g.add_argument(
        "--engine",
        choices=("openai", "offline"),
        help="default: openai with a key or base URL, otherwise offline (with a notice)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The parser with its subcommands; later features add flags here."""
    parser = _Parser(prog="python -m core", description="Transcript studio: run GPT prompts over transcripts.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    sub.add_parser("tasks", help="list the built-in tasks")
    p = sub.add_parser("parse", help="read a file and write the table it makes")
    _add_input(p)
    p.add_argument("--out", type=Path, help=".csv or .xlsx (default: CSV on stdout)")
    p = sub.add_parser("run", help="run a task or template over every row")
    _add_input(p)
    _add_prompt(p)
    p.add_argument("--concurrency", type=int, default=DEFAULT.concurrency, help="requests in flight")
    p.add_argument("--rpm", type=int, help="requests-per-minute limit to pace under")
    p.add_argument("--tpm", type=int, help="tokens-per-minute limit to pace under")
    p.add_argument("--pack", type=int, default=1, help="rows per request (default 1 = off)")
    p.add_argument("--budget", type=float, help="stop sending before spending more than this many USD")
    p.add_argument("--quote", action="store_true", help="print what the run would cost and send nothing")
    p.add_argument("--details", action="store_true", help="add per-row tokens and latency columns")
    p.add_argument(
        "--store",
        type=Path,
        help="run store (default: TRANSCRIPT_STUDIO_STORE or "
        "~/.transcript-studio/runs.sqlite3); running the same command again only asks for missing rows",
    )
    p.add_argument("--no-store", action="store_true", help="keep nothing; every row is asked again")
    p.add_argument("--fillers", help="offline engine: filler list for clean (comma or line separated), or @FILE")
    p.add_argument("--dry-run", action="store_true", help="print the first rows' messages and send nothing")
    p.add_argument("--out", type=Path, help="FILE.csv or FILE.xlsx")
    workbench_args.add_examples_flags(p)
    _add_model(p)
    batch_args.add_run_flags(p)
    _add_summarize(sub.add_parser("summarize", help="meeting minutes of the whole transcript (map-reduce)"))
    batch_args.add_batch_command(sub, _add_input, _add_prompt, _add_model)
    workbench_args.add_compare(sub)
    workbench_args.add_prompts(sub)
    return parser


def _add_summarize(p: argparse.ArgumentParser) -> None:
    _add_input(p)
    p.add_argument("--column", help="the text column (default: guessed)")
    p.add_argument("--system", help="system prompt, or @FILE (default: the minutes task's)")
    p.add_argument("--chunk-tokens", type=int, help="transcript tokens per part (default: from the model's context)")
    p.add_argument("--overlap", type=int, default=0, help="utterances repeated before each part, for context")
    p.add_argument("--concurrency", type=int, default=DEFAULT.concurrency, help="parts summarized at once")
    p.add_argument("--rpm", type=int, help="requests-per-minute limit to pace under")
    p.add_argument("--tpm", type=int, help="tokens-per-minute limit to pace under")
    p.add_argument("--budget", type=float, help="stop sending before spending more than this many USD")
    p.add_argument("--store", type=Path, help="run store: answered parts are not asked again")
    p.add_argument("--no-store", action="store_true", help="keep nothing; every part is asked again")
    p.add_argument("--json", action="store_true", help="write the structured minutes (JSON) instead of Markdown")
    p.add_argument("--actions", type=Path, help="also write the action items to FILE.csv or FILE.xlsx")
    p.add_argument("--sentences", type=int, help="offline engine: summary length in sentences")
    p.add_argument("--fillers", help="offline engine: filler list (comma or line separated), or @FILE")
    p.add_argument("--out", type=Path, help="FILE.md, FILE.txt, FILE.json or FILE.docx (default: stdout)")
    _add_model(p)


def _utf8_when_redirected() -> None:
    # A pipe or file on Windows would get the locale's code page (cp1252 cannot hold Korean); a terminal keeps its own.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure") and not stream.isatty():
            stream.reconfigure(encoding="utf-8", errors="replace")


def main(argv: list[str] | None = None) -> int:
    """Run one command; exit 0 all rows ok, 1 some failed, 2 bad input or usage."""
    _utf8_when_redirected()
    args = build_parser().parse_args(argv)
    try:
        handler = command(args.command)
        if args.command != "run":
            start_up_done()  # `run` says when its start-up ends: once the first requests are on their way
        return handler(args)
    except CoreError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130

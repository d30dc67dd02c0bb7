"""The batch flags and subcommands of the parser (light: nothing heavy is imported until a command runs)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from core.batch import DEFAULT_BATCH_SIZE


def add_run_flags(p: argparse.ArgumentParser) -> None:
    """--batch and its knobs on `run`."""
    g = p.add_argument_group("batch (about half price, results within 24 h)")
    g.add_argument("--batch", action="store_true", help="send the rows through the Batch API instead of live")
    g.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="requests per batch (default 50,000)")
    g.add_argument("--poll", type=float, help="seconds between status checks (default: 1 s, backing off to 60 s)")
    g.add_argument("--no-wait", action="store_true", help="submit and return; collect later with: batch collect")


def add_batch_command(sub: argparse._SubParsersAction, add_input, add_prompt, add_model) -> None:
    """The `batch` command and its subcommands."""
    p = sub.add_parser("batch", help="batch runs: list, collect, cancel; files for vllm run-batch")
    bsub = p.add_subparsers(dest="batch_command", required=True, parser_class=type(p))
    q = bsub.add_parser("list", help="batch runs in the store with their status and counts")
    _store_flags(q)
    q.add_argument("--base-url", help="OpenAI-compatible endpoint (default: OPENAI_BASE_URL)")
    for name, text in (("collect", "wait for a batch run and write its results"), ("cancel", "cancel a batch run")):
        q = bsub.add_parser(name, help=text)
        q.add_argument("run_id", type=int, metavar="RUN_ID")
        _store_flags(q)
        q.add_argument("--base-url", help="OpenAI-compatible endpoint (default: OPENAI_BASE_URL)")
        if name == "collect":
            q.add_argument("--out", type=Path, help="FILE.csv or FILE.xlsx")
            q.add_argument("--no-wait", action="store_true", help="collect what has ended and return")
            q.add_argument("--poll", type=float, help="seconds between status checks")
            q.add_argument("--details", action="store_true", help="add per-row token columns")
    q = bsub.add_parser("export", help="write the requests as JSONL for vllm run-batch")
    _add_export_flags(q, add_input, add_prompt, add_model)
    q = bsub.add_parser("import", help="read vllm run-batch results into a run")
    q.add_argument("results", type=Path, help="results.jsonl")
    q.add_argument("--run", type=int, required=True, dest="run_id", metavar="RUN_ID")
    q.add_argument("--out", type=Path, help="FILE.csv or FILE.xlsx")
    q.add_argument("--details", action="store_true", help="add per-row token columns")
    _store_flags(q)


def _store_flags(q: argparse.ArgumentParser) -> None:
    q.add_argument("--store", type=Path, help="run store (default: TRANSCRIPT_STUDIO_STORE or ~/.transcript-studio)")


def _add_export_flags(
    p: argparse.ArgumentParser, add_input: Callable, add_prompt: Callable, add_model: Callable
) -> None:
    """`batch export` takes the same input, prompt and model flags as `run`."""
    add_input(p)
    add_prompt(p)
    p.add_argument("--pack", type=int, default=1, help="rows per request (default 1 = off)")
    p.add_argument("--store", type=Path, help="run store (default: TRANSCRIPT_STUDIO_STORE or ~/.transcript-studio)")
    p.add_argument("--out", type=Path, required=True, help="requests.jsonl")
    add_model(p)

"""The workbench subcommands' flags (compare, prompts, run --examples): no heavy imports, so --help stays fast."""

from __future__ import annotations

import argparse
from pathlib import Path

from core.workbench import EXAMPLE_TOKENS, MAX_EXAMPLES


def add_examples_flags(p: argparse.ArgumentParser) -> None:
    """--examples FILE and its limits (run and compare)."""
    p.add_argument("--examples", type=Path, help="table of answered rows (text and output column) sent as few-shot")
    p.add_argument("--max-examples", type=int, default=MAX_EXAMPLES, help="examples per request, the most similar")
    p.add_argument("--examples-tokens", type=int, default=EXAMPLE_TOKENS, help="token budget of a row's examples")


def add_compare(sub) -> None:
    """The compare subcommand's flags."""
    p = sub.add_parser("compare", help="compare prompt variants on the same sampled rows")
    p.add_argument("input", type=Path, help="transcript or table: .txt .csv .tsv .xlsx .vtt .srt .json .jsonl")
    p.add_argument("--sheet", help="workbook sheet to read (default: the first)")
    p.add_argument(
        "--speakers", help='rename speaker labels: "SPEAKER_00=김민수,SPEAKER_01=이지영", or @FILE (one pair a line)'
    )
    p.add_argument("--column", help="column read as {text} (default: the one with the longest text)")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--task", help="a built-in task (see: tasks)")
    what.add_argument("--template", action="append", default=[], help="user template or @FILE; repeat per variant")
    p.add_argument("--system", action="append", default=[], help="system prompt or @FILE; repeat per variant")
    p.add_argument("--model", action="append", default=[], help="model; repeat per variant (default gpt-4o-mini)")
    p.add_argument("--temperature", action="append", type=float, default=[], help="repeat per variant (default 0.2)")
    p.add_argument("--label", action="append", default=[], help="variant names (default A, B, …)")
    p.add_argument("--labels", help="comma-separated labels for a label task (e.g. emotion)")
    p.add_argument("--sample", type=int, help="rows to try (default: every row with text)")
    p.add_argument("--seed", type=int, help="draw the sample at random with this seed (default: the first rows)")
    p.add_argument("--output-column", help="answer column name, suffixed _A, _B … per variant")
    p.add_argument("--details", action="store_true", help="add each variant's status column")
    p.add_argument("--max-tokens", type=int, default=1024)
    p.add_argument("--timeout", type=float, default=120.0, help="seconds per request")
    p.add_argument("--max-retries", type=int, default=4, help="retries on 429, 5xx and timeouts")
    p.add_argument("--base-url", help="OpenAI-compatible endpoint (default: OPENAI_BASE_URL)")
    p.add_argument("--engine", choices=("openai", "offline"), help="default: openai with a key or base URL")
    p.add_argument("--concurrency", type=int, default=8, help="requests in flight")
    p.add_argument("--rpm", type=int, help="requests-per-minute limit to pace under")
    p.add_argument("--tpm", type=int, help="tokens-per-minute limit to pace under")
    p.add_argument("--budget", type=float, help="stop sending before spending more than this many USD (per variant)")
    p.add_argument("--store", type=Path, help="run store: identical requests are answered from it")
    p.add_argument("--no-store", action="store_true", help="keep nothing; every row is asked again")
    add_examples_flags(p)
    p.add_argument("--out", type=Path, help="FILE.csv or FILE.xlsx")


def add_prompts(sub) -> None:
    """The prompts subcommand and its actions."""
    p = sub.add_parser("prompts", help="saved prompts with versions: list, show, save, diff, export, import")
    p.add_argument("--store", type=Path, help="run store holding the prompts (default: TRANSCRIPT_STUDIO_STORE)")
    store = argparse.ArgumentParser(add_help=False)  # --store also after the action: `prompts list --store X`
    store.add_argument("--store", type=Path, default=argparse.SUPPRESS, help="run store holding the prompts")
    acts = p.add_subparsers(dest="action", required=True, parser_class=type(p))
    acts.add_parser = _with_parents(acts.add_parser, [store])
    a = acts.add_parser("list", help="saved prompts with their task and latest version")
    a.add_argument("--task", help="only this task's prompts")
    a = acts.add_parser("show", help="a prompt's text (the latest version unless --version)")
    a.add_argument("name")
    a.add_argument("--version", type=int)
    a = acts.add_parser("save", help="save the text as the prompt's next version")
    a.add_argument("name")
    a.add_argument("--system", help="system prompt, or @FILE (default: the task's)")
    a.add_argument("--template", help="user template, or @FILE (default: the task's)")
    a.add_argument("--task", default=None, help="the task it is for (default: custom)")
    a.add_argument("--note", default="", help="a word on what changed")
    a = acts.add_parser("diff", help="what changed between two versions")
    a.add_argument("name")
    a.add_argument("v1", type=int)
    a.add_argument("v2", type=int)
    a = acts.add_parser("rename", help="give a prompt another name")
    a.add_argument("name")
    a.add_argument("new")
    a = acts.add_parser("restore", help="make an old version the latest again")
    a.add_argument("name")
    a.add_argument("version", type=int)
    a = acts.add_parser("delete", help="forget a prompt and its versions")
    a.add_argument("name")
    a = acts.add_parser("export", help="write prompts as TOML (to share)")
    a.add_argument("names", nargs="*", help="only these prompts (default: all)")
    a.add_argument("--out", type=Path, help="FILE.toml (default: stdout)")
    a = acts.add_parser("import", help="add the prompts of a TOML file")
    a.add_argument("file", type=Path)


def _with_parents(add_parser, parents: list[argparse.ArgumentParser]):
    """add_parser that gives every new parser these parents' flags."""
    return lambda *args, **kw: add_parser(*args, parents=parents, **kw)

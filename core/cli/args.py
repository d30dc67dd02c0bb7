"""From parsed command-line flags to core values: model settings, run options, the engine, the store, @FILE text."""

from __future__ import annotations

import argparse
import dataclasses
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from tqdm import tqdm

from core.engines.factory import choose_engine
from core.engines.layers import RunOptions
from core.errors import ConfigError, InputError
from core.loaders.decode import decode
from core.settings import ModelSettings
from core.store import Store, default_store_path

if TYPE_CHECKING:
    from core.loaders import Table

OUT_FORMATS = {".csv": "csv", ".xlsx": "xlsx"}


def progress_bar(total: int, unit: str) -> tqdm:
    """A progress bar on stderr (silent when stderr is not a terminal)."""
    tqdm.set_lock(threading.RLock())  # tqdm would build a multiprocessing lock: ~60 ms before the first request
    return tqdm(total=total, unit=unit, file=sys.stderr, disable=None)


def text_arg(value: str | None) -> str | None:
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
    from core.loaders import load_path  # pandas: only for the commands that read a file
    from core.speakers import parse_speakers, rename_speakers

    table = load_path(args.input, sheet=args.sheet)
    text = text_arg(getattr(args, "speakers", None))
    if text is None:
        return table
    df, labels = rename_speakers(table.df, table.speaker_column, parse_speakers(text), table.text_column)
    for item in labels:
        arrow = f" -> {item.name}" if item.name != item.label else " (kept)"
        print(f"speaker {item.label}{arrow}: {item.count} utterances, e.g. {item.sample!r}", file=sys.stderr)
    return dataclasses.replace(table, df=df)


def out_format(path: Path | None, required: bool = True) -> str | None:
    """csv or xlsx from --out's suffix (None when there is no --out and none is required)."""
    if path is None:
        if required:
            raise ConfigError("Say where to write the results: --out FILE.csv or --out FILE.xlsx", code="config.out")
        return None
    fmt = OUT_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ConfigError(f"--out must end in .csv or .xlsx, not '{path.suffix or path.name}'", code="config.out")
    return fmt


def model_settings(args: argparse.Namespace) -> ModelSettings:
    """The model flags (--model, --temperature, ...) as ModelSettings."""
    return ModelSettings(
        model=args.model,
        temperature=args.temperature,
        max_tokens=args.max_tokens,
        concurrency=getattr(args, "concurrency", ModelSettings.concurrency),
        timeout=args.timeout,
        max_retries=args.max_retries,
        base_url=args.base_url,
    )


def run_options(args: argparse.Namespace) -> RunOptions:
    """Pacing, budget, packing and fillers from the flags, checked."""
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
        fillers=fillers(args),
    )


def fillers(args: argparse.Namespace) -> tuple[str, ...] | None:
    """The offline engine's filler list from --fillers (comma or line separated, or @FILE)."""
    text = text_arg(getattr(args, "fillers", None))
    if text is None:
        return None
    from core.offline.fillers import filler_entries  # the offline engine's modules, only when asked for

    return filler_entries(text)


def engine_name(args: argparse.Namespace, settings: ModelSettings) -> str:
    """The engine --engine asks for, or the one chosen for the user (the notice goes to stderr)."""
    name, notice = choose_engine(settings, args.engine)
    if notice:
        print(notice, file=sys.stderr)
    return name


def open_store(args: argparse.Namespace) -> Store | None:
    """The run store --store names (default: the user's), or None with --no-store."""
    return None if args.no_store else Store(args.store or default_store_path())

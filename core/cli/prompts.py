"""`python -m core prompts`: the saved prompt library (list, show, save, diff, export, import and more)."""

from __future__ import annotations

import argparse
import sys
import time

from core.errors import ConfigError
from core.store import Store, default_store_path
from core.workbench.prompts import PromptLibrary
from core.workbench.prompts_toml import export_toml, import_toml


def cmd_prompts(args: argparse.Namespace) -> int:
    """Run one action on the prompt library."""
    store = Store(args.store or default_store_path())
    try:
        return ACTIONS[args.action](PromptLibrary(store), args)
    finally:
        store.close()


def _list(lib: PromptLibrary, args: argparse.Namespace) -> int:
    for p in lib.names(args.task):
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(p.updated))
        print(f"{p.name}\t{p.task}\tv{p.latest}\t{when}")
    return 0


def _show(lib: PromptLibrary, args: argparse.Namespace) -> int:
    v = lib.get(args.name, args.version)
    latest = lib.get(args.name).version
    print(f"# {v.name} ({v.task}) v{v.version} of {latest}" + (f": {v.note}" if v.note else ""))
    print("## system")
    print(v.system)
    print("## template")
    print(v.template)
    return 0


def _save(lib: PromptLibrary, args: argparse.Namespace) -> int:
    from core.cli.args import text_arg
    from core.rows.tasks import get_task

    system, template = text_arg(args.system), text_arg(args.template)
    task = get_task(args.task) if args.task else None
    if task is None and system is None:
        raise ConfigError("Say what to save: --system TEXT|@FILE (and --template).", code="prompts.empty")
    system = task.system_prompt() if system is None and task else system
    template = task.template if template is None and task else (template or "")
    before = {p.name: p.latest for p in lib.names()}.get(args.name.strip(), 0)
    saved = lib.save(args.name, system or "", template, task=args.task or "custom", note=args.note)
    same = " (unchanged: same text as the latest version)" if saved.version == before else ""
    print(f"{saved.name} v{saved.version}{same}")
    return 0


def _diff(lib: PromptLibrary, args: argparse.Namespace) -> int:
    text = lib.diff(args.name, args.v1, args.v2)
    print(text if text else f"v{args.v1} and v{args.v2} of {args.name} are the same")
    return 0


def _rename(lib: PromptLibrary, args: argparse.Namespace) -> int:
    lib.rename(args.name, args.new)
    print(f"{args.name} -> {args.new.strip()}")
    return 0


def _restore(lib: PromptLibrary, args: argparse.Namespace) -> int:
    saved = lib.restore(args.name, args.version)
    print(f"{saved.name} v{saved.version} (= v{args.version})")
    return 0


def _delete(lib: PromptLibrary, args: argparse.Namespace) -> int:
    lib.delete(args.name)
    print(f"deleted {args.name}")
    return 0


def _export(lib: PromptLibrary, args: argparse.Namespace) -> int:
    for name in args.names:
        lib.get(name)  # an unknown name is an error, not an empty file
    text = export_toml(lib, args.names or None)
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.write_text(text, encoding="utf-8")
        print(f"{len(lib.names()) if not args.names else len(args.names)} prompts -> {args.out}", file=sys.stderr)
    return 0


def _import(lib: PromptLibrary, args: argparse.Namespace) -> int:
    try:
        text = args.file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Cannot read {args.file}: {exc}", code="prompts.file", detail=str(exc)) from None
    added = import_toml(lib, text)
    for name, count in added.items():
        print(f"{name}: {count} new version{'s' if count != 1 else ''}")
    return 0


ACTIONS = {
    "list": _list,
    "show": _show,
    "save": _save,
    "diff": _diff,
    "rename": _rename,
    "restore": _restore,
    "delete": _delete,
    "export": _export,
    "import": _import,
}

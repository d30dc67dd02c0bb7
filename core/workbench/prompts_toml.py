"""Saved prompts as TOML, to share with colleagues: every version, multi-line text kept readable."""

from __future__ import annotations

import json
import re
import tomllib

from core.errors import ConfigError
from core.workbench.prompts import PromptLibrary

FORMAT = 1
_UNSAFE_LITERAL = re.compile(r"'''|[\x00-\x08\x0b-\x1f\x7f]|'$")


def toml_string(text: str) -> str:
    """A TOML string holding `text` exactly: a multi-line literal when it can, else an escaped basic string."""
    if "\n" in text and not _UNSAFE_LITERAL.search(text) and "\r" not in text:
        return "'''\n" + text + "'''"  # the newline after the opening quotes is dropped by TOML readers
    basic = json.dumps(text, ensure_ascii=False)  # JSON escapes are TOML escapes
    return basic.replace("\x7f", "\\u007F")


def export_toml(library: PromptLibrary, names: list[str] | None = None) -> str:
    """The prompts (all, or those named) with all their versions."""
    out = [f"format = {FORMAT}", ""]
    for info in library.names():
        if names is not None and info.name not in names:
            continue
        out += ["[[prompt]]", f"name = {toml_string(info.name)}", f"task = {toml_string(info.task)}", ""]
        for v in library.versions(info.name):
            out += ["[[prompt.version]]", f"version = {v.version}", f"system = {toml_string(v.system)}"]
            out += [f"template = {toml_string(v.template)}"]
            out += [f"note = {toml_string(v.note)}"] if v.note else []
            out.append("")
    return "\n".join(out)


def import_toml(library: PromptLibrary, text: str) -> dict[str, int]:
    """Add the file's prompts: each version whose text the prompt does not hold yet becomes its next version.

    Returns the new versions per prompt name (importing the same file twice adds nothing)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"Not a prompts file (TOML): {exc}", code="prompts.file", detail=str(exc)) from None
    prompts = data.get("prompt")
    if not isinstance(prompts, list):
        raise ConfigError("Not a prompts file: it has no [[prompt]] tables.", code="prompts.file", detail="")
    added: dict[str, int] = {}
    for entry in prompts:
        name, task = str(entry.get("name", "")).strip(), str(entry.get("task") or "custom")
        versions = sorted(entry.get("version") or [], key=lambda v: int(v.get("version", 0)))
        if not name or not versions:
            raise ConfigError(
                "Every [[prompt]] needs a name and a [[prompt.version]].", code="prompts.file", detail=name
            )
        known = [(v.system, v.template) for v in _versions(library, name)]
        count = 0
        for v in versions:
            system, template = str(v.get("system", "")), str(v.get("template", ""))
            if (system, template) in known:
                continue
            library.save(name, system, template, task=task, note=str(v.get("note", "")))
            known.append((system, template))
            count += 1
        added[name] = count
    return added


def _versions(library: PromptLibrary, name: str):
    return library.versions(name) if any(p.name == name for p in library.names()) else []

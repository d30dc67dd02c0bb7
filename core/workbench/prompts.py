"""Named prompts per task with numbered versions, kept in the run store's SQLite file."""

from __future__ import annotations

import time
from dataclasses import dataclass

from core.errors import ConfigError
from core.presets import PRESETS
from core.store import Store
from core.workbench.diff import text_diff

SCHEMA = PRESETS / "prompts.sql"


@dataclass(frozen=True)
class PromptVersion:
    """One saved state of a named prompt."""

    name: str
    task: str
    version: int
    system: str
    template: str
    note: str = ""
    created: float = 0.0

    def same_text(self, system: str, template: str) -> bool:
        """Whether this version holds exactly this system prompt and template."""
        return self.system == system and self.template == template


@dataclass(frozen=True)
class PromptInfo:
    """A named prompt as listed: its task, latest version and when it last changed."""

    name: str
    task: str
    latest: int
    updated: float


class PromptLibrary:
    """Save, list, show, rename, restore, delete and diff named prompts (one SQLite connection, the store's)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.db = store.db
        self.db.executescript(SCHEMA.read_text(encoding="utf-8"))

    def _id(self, name: str) -> int:
        row = self.db.execute("SELECT id FROM prompts WHERE name=?", (name,)).fetchone()
        if row is None:
            raise ConfigError(f"No saved prompt named '{name}'.", code="prompts.unknown", name=name)
        return int(row[0])

    def names(self, task: str | None = None) -> list[PromptInfo]:
        """Saved prompts (of one task, or all), by name."""
        sql = (
            "SELECT name, task, (SELECT MAX(version) FROM prompt_versions WHERE prompt_id=prompts.id), updated"
            " FROM prompts" + (" WHERE task=?" if task else "") + " ORDER BY name"
        )
        return [PromptInfo(n, t, int(v or 0), u or 0.0) for n, t, v, u in self.db.execute(sql, (task,) if task else ())]

    def versions(self, name: str) -> list[PromptVersion]:
        """Every version of a prompt, oldest first."""
        pid = self._id(name)
        task = self.db.execute("SELECT task FROM prompts WHERE id=?", (pid,)).fetchone()[0]
        rows = self.db.execute(
            "SELECT version, system, template, note, created FROM prompt_versions WHERE prompt_id=? ORDER BY version",
            (pid,),
        )
        return [PromptVersion(name, task, v, s, t, n, c or 0.0) for v, s, t, n, c in rows]

    def get(self, name: str, version: int | None = None) -> PromptVersion:
        """One version of a prompt (None: the latest)."""
        versions = self.versions(name)
        if version is None:
            return versions[-1]
        for v in versions:
            if v.version == version:
                return v
        raise ConfigError(
            f"'{name}' has no version {version} (versions 1 to {versions[-1].version}).",
            code="prompts.version",
            name=name,
            version=version,
        )

    def save(
        self, name: str, system: str, template: str = "", *, task: str = "custom", note: str = ""
    ) -> PromptVersion:
        """Keep the text as the prompt's next version; the same text as the latest version adds nothing."""
        name = name.strip()
        if not name:
            raise ConfigError("Give the prompt a name.", code="prompts.name")
        now = time.time()
        row = self.db.execute("SELECT id, task FROM prompts WHERE name=?", (name,)).fetchone()
        if row is None:
            pid = int(
                self.db.execute(
                    "INSERT INTO prompts (name, task, created, updated) VALUES (?,?,?,?)", (name, task, now, now)
                ).lastrowid
            )
        else:
            pid = int(row[0])
            latest = self.get(name)
            if latest.same_text(system, template):
                return latest
        (last,) = self.db.execute(
            "SELECT COALESCE(MAX(version), 0) FROM prompt_versions WHERE prompt_id=?", (pid,)
        ).fetchone()
        self.db.execute(
            "INSERT INTO prompt_versions VALUES (?,?,?,?,?,?)", (pid, last + 1, system, template, note, now)
        )
        self.db.execute("UPDATE prompts SET updated=? WHERE id=?", (now, pid))
        return self.get(name, last + 1)

    def restore(self, name: str, version: int) -> PromptVersion:
        """Make an old version the latest again (as a new version: history is never rewritten)."""
        old = self.get(name, version)
        return self.save(name, old.system, old.template, task=old.task, note=f"restored v{version}")

    def rename(self, name: str, new: str) -> None:
        """Give a prompt another name (refused when that name is taken)."""
        new = new.strip()
        pid = self._id(name)
        if not new:
            raise ConfigError("Give the prompt a name.", code="prompts.name")
        if new != name and self.db.execute("SELECT 1 FROM prompts WHERE name=?", (new,)).fetchone():
            raise ConfigError(f"A prompt named '{new}' already exists.", code="prompts.taken", name=new)
        self.db.execute("UPDATE prompts SET name=?, updated=? WHERE id=?", (new, time.time(), pid))

    def delete(self, name: str) -> None:
        """Forget a prompt and all its versions (runs that used it keep their own copy)."""
        pid = self._id(name)
        self.db.execute("DELETE FROM prompt_versions WHERE prompt_id=?", (pid,))
        self.db.execute("DELETE FROM prompts WHERE id=?", (pid,))

    def diff(self, name: str, v1: int, v2: int) -> str:
        """A readable line diff of two versions: the system prompt, then the template."""
        a, b = self.get(name, v1), self.get(name, v2)
        parts = []
        for label, old, new in (("system", a.system, b.system), ("template", a.template, b.template)):
            body = text_diff(old, new, f"{name} v{v1} {label}", f"{name} v{v2} {label}")
            if body:
                parts.append(body)
        return "\n".join(parts)

    def matching(self, system: str, template: str, task: str | None = None) -> PromptVersion | None:
        """The saved version holding exactly this text (the newest such), if any."""
        row = self.db.execute(
            "SELECT prompts.name, version FROM prompt_versions JOIN prompts ON prompts.id = prompt_id"
            " WHERE system=? AND template=?"
            + (" AND task=?" if task else "")
            + " ORDER BY prompt_versions.created DESC, version DESC LIMIT 1",
            (system, template, task) if task else (system, template),
        ).fetchone()
        return None if row is None else self.get(row[0], int(row[1]))

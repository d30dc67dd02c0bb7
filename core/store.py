"""The run store (SQLite): every answer saved as it arrives, runs and human edits kept, answers reused."""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from core.presets import PRESETS
from core.rows.results import RowResult

ENV_STORE = "TRANSCRIPT_STUDIO_STORE"
LOCAL = "local"  # the owner of CLI runs, of runs made before owners existed, and of a one-person app's runs
SCHEMA = PRESETS / "store.sql"


def default_store_path() -> Path:
    """TRANSCRIPT_STUDIO_STORE, else ~/.transcript-studio/runs.sqlite3."""
    return Path(os.environ.get(ENV_STORE) or Path.home() / ".transcript-studio" / "runs.sqlite3")


def request_key(model: str, messages: list[dict], params: dict) -> str:
    """A digest of everything that decides an answer: model, messages and parameters (never the key)."""
    blob = json.dumps({"model": model, "messages": messages, "params": params}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def request_keys(model: str, conversations: Iterable[list[dict]], params: dict) -> list[str]:
    """request_key of many message lists under one model and parameters, each shared message serialized once."""
    tail = f"], {_json('model')}: {_json(model)}, {_json('params')}: {_json(params)}}}"
    seen: dict[tuple, str] = {}  # a system prompt or an example, the same in every row: serialized once

    def one(message: dict) -> str:
        known = (message.get("role"), message.get("content")) if len(message) == 2 else None
        if known is None or not isinstance(known[1], str):
            return _json(message)
        if known not in seen:
            seen[known] = _json(message)
        return seen[known]

    head = "{" + _json("messages") + ": ["
    return [_sha(head + ", ".join(map(one, messages)) + tail) for messages in conversations]


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def table_hash(df: pd.DataFrame) -> str:
    """A digest of a table's columns and cells."""
    blob = json.dumps([list(map(str, df.columns)), df.astype(str).values.tolist()], ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class RunInfo:
    """One run as the History page lists it."""

    id: int
    created: float
    finished: float | None
    file_name: str
    task: str
    model: str
    engine: str
    rows: int
    ok: int
    failed: int
    review: int
    prompt_tokens: int
    completion_tokens: int
    cost: float | None
    output_column: str
    text_column: str
    template: str
    system: str
    params: dict


class Store:
    """A SQLite file holding runs, their rows' results, the inputs and every answer by request."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, timeout=30, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA.read_text(encoding="utf-8"))
        self._add_owner_column()
        self.db.execute("CREATE INDEX IF NOT EXISTS runs_by_owner ON runs (owner, id)")

    def _add_owner_column(self) -> None:
        """Bring a store file from before owners up to date: its runs become the local user's."""
        if "owner" in {row[1] for row in self.db.execute("PRAGMA table_info(runs)")}:
            return
        try:
            self.db.execute(f"ALTER TABLE runs ADD COLUMN owner TEXT NOT NULL DEFAULT '{LOCAL}'")
        except sqlite3.OperationalError as exc:  # another process added it between the check and here
            if "duplicate column" not in str(exc):
                raise

    def close(self) -> None:
        """Close the file."""
        self.db.close()

    # answers by request ------------------------------------------------------------------------
    def answer(self, key: str) -> tuple[str, int, int] | None:
        """The stored answer (text, prompt tokens, completion tokens) to an identical request."""
        return self.db.execute(
            "SELECT text, prompt_tokens, completion_tokens FROM answers WHERE key=?", (key,)
        ).fetchone()

    def known(self, keys: list[str]) -> set[str]:
        """Which of `keys` already have a stored answer."""
        found: set[str] = set()
        for k in range(0, len(keys), 500):
            part = keys[k : k + 500]
            sql = f"SELECT key FROM answers WHERE key IN ({','.join('?' * len(part))})"
            found |= {key for (key,) in self.db.execute(sql, part)}
        return found

    def save_answer(self, key: str, text: str, prompt_tokens: int, completion_tokens: int) -> None:
        """Keep an answer the moment it arrives."""
        self.db.execute(
            "INSERT OR REPLACE INTO answers VALUES (?,?,?,?,?)",
            (key, text, prompt_tokens, completion_tokens, time.time()),
        )

    # runs --------------------------------------------------------------------------------------
    def save_input(self, df: pd.DataFrame, name: str) -> str:
        """Keep the input table (once per content) and return its hash."""
        digest = table_hash(df)
        self.db.execute(
            "INSERT OR IGNORE INTO inputs VALUES (?,?,?)", (digest, name, df.to_json(orient="split", force_ascii=False))
        )
        return digest

    def input_table(self, digest: str) -> pd.DataFrame:
        """The input table saved under `digest`."""
        (data,) = self.db.execute("SELECT data FROM inputs WHERE hash=?", (digest,)).fetchone()
        return pd.read_json(io.StringIO(data), orient="split", dtype=False).astype(str).reset_index(drop=True)

    def start_run(
        self,
        *,
        file_name: str,
        input_hash: str,
        task: str,
        template: str,
        system: str,
        model: str,
        engine: str,
        params: dict,
        output_column: str,
        text_column: str,
        rows: int,
        owner: str = LOCAL,
    ) -> int:
        """Record a run's settings (never the API key) under its owner and return its id."""
        cur = self.db.execute(
            "INSERT INTO runs (created, file_name, input_hash, task, template, system, model, engine, params,"
            " output_column, text_column, rows, owner) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                time.time(),
                file_name,
                input_hash,
                task,
                template,
                system,
                model,
                engine,
                json.dumps(params, ensure_ascii=False),
                output_column,
                text_column,
                rows,
                owner,
            ),
        )
        return int(cur.lastrowid)

    def save_result(self, run_id: int, result: RowResult, key: str = "") -> None:
        """Keep one row's result; a human edit of that row stays as it is."""
        self.db.execute(
            "INSERT INTO results (run_id, row, output, status, error, prompt_tokens, completion_tokens, latency, key)"
            " VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(run_id, row) DO UPDATE SET output=excluded.output,"
            " status=excluded.status, error=excluded.error, prompt_tokens=excluded.prompt_tokens,"
            " completion_tokens=excluded.completion_tokens, latency=excluded.latency, key=excluded.key",
            (
                run_id,
                result.row,
                result.output,
                result.status,
                result.error,
                result.prompt_tokens,
                result.completion_tokens,
                result.latency,
                key,
            ),
        )

    def finish_run(self, run_id: int, cost: float | None) -> None:
        """Mark a run finished with its cost."""
        self.db.execute("UPDATE runs SET finished=?, cost=? WHERE id=?", (time.time(), cost, run_id))

    def save_edit(self, run_id: int, row: int, text: str | None) -> None:
        """Keep a human's version of a row's output (None removes the edit)."""
        cur = self.db.execute("UPDATE results SET edited=? WHERE run_id=? AND row=?", (text, run_id, row))
        if cur.rowcount == 0 and text is not None:
            self.db.execute(
                "INSERT OR IGNORE INTO results (run_id, row, edited, status) VALUES (?,?,?,'')", (run_id, row, text)
            )

    def results(self, run_id: int) -> list[RowResult]:
        """A run's results with human edits in place of the model's output."""
        rows = self.db.execute(
            "SELECT row, COALESCE(edited, output), status, error, prompt_tokens, completion_tokens, latency"
            " FROM results WHERE run_id=? ORDER BY row",
            (run_id,),
        ).fetchall()
        return [RowResult(*r) for r in rows]

    def edited_rows(self, run_id: int) -> set[int]:
        """The rows a human has edited."""
        return {
            r for (r,) in self.db.execute("SELECT row FROM results WHERE run_id=? AND edited IS NOT NULL", (run_id,))
        }

    def row_keys(self, run_id: int) -> dict[int, str]:
        """Each answered row's request key (to find rows whose template changed since)."""
        return dict(self.db.execute("SELECT row, key FROM results WHERE run_id=? AND key != ''", (run_id,)))

    def runs(self, limit: int = 200, owner: str = LOCAL) -> list[RunInfo]:
        """The owner's latest runs, newest first, with their counts and tokens."""
        sql = _RUNS_SQL.format(where="WHERE runs.owner=?") + " ORDER BY runs.id DESC LIMIT ?"
        return [self._info(r) for r in self.db.execute(sql, (owner, limit))]

    def run(self, run_id: int, owner: str = LOCAL) -> RunInfo | None:
        """One run of the owner, or None (also when it belongs to someone else)."""
        row = self.db.execute(_RUNS_SQL.format(where="WHERE runs.id=? AND runs.owner=?"), (run_id, owner)).fetchone()
        return self._info(row) if row else None

    def run_input(self, run_id: int, owner: str = LOCAL) -> pd.DataFrame:
        """The input table of a run of the owner; KeyError when there is none."""
        found = self.db.execute("SELECT input_hash FROM runs WHERE id=? AND owner=?", (run_id, owner)).fetchone()
        if found is None:
            raise KeyError(f"no run {run_id}")
        return self.input_table(found[0])

    def delete_run(self, run_id: int, owner: str = LOCAL) -> bool:
        """Forget a run of the owner and its results (stored answers stay, so re-running it is free)."""
        if not self.db.execute("DELETE FROM runs WHERE id=? AND owner=?", (run_id, owner)).rowcount:
            return False
        self.db.execute("DELETE FROM results WHERE run_id=?", (run_id,))
        return True

    @staticmethod
    def _info(r: tuple) -> RunInfo:
        *head, params = r
        return RunInfo(*head, params=json.loads(params or "{}"))


_RUNS_SQL = """SELECT runs.id, created, finished, file_name, task, model, engine, rows,
  COALESCE(SUM(status='ok'),0), COALESCE(SUM(status='failed'),0), COALESCE(SUM(status='review'),0),
  COALESCE(SUM(prompt_tokens),0), COALESCE(SUM(completion_tokens),0), cost, output_column, text_column,
  template, system, params
  FROM runs LEFT JOIN results ON results.run_id = runs.id {where} GROUP BY runs.id"""

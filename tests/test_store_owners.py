"""Runs have an owner: only they list, reopen, resume or delete them; a store from before owners is migrated."""

import dataclasses
import sqlite3

import pandas as pd
import pytest

from core.jobs.rows import RowJob, interrupted
from core.rows.plan import RowPlan
from core.rows.service import RunSetup, execute_sync
from core.rows.templates import Template
from core.settings import ModelSettings
from core.store import LOCAL, Store
from tests.mock_engine import MockEngine
from testserver.server import FakeOpenAI

DF = pd.DataFrame({"text": ["하나", "둘"]})
PLAN = RowPlan(Template(system="sys", user="<data>{text}</data>"), text_column="text", output_column="out")
ANNA, BORIS = "session:anna", "user:boris@example.com"

OLD_SCHEMA = """
CREATE TABLE answers (key TEXT PRIMARY KEY, text TEXT NOT NULL, prompt_tokens INTEGER, completion_tokens INTEGER,
    created REAL);
CREATE TABLE inputs (hash TEXT PRIMARY KEY, name TEXT, data TEXT NOT NULL);
CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, created REAL, finished REAL, file_name TEXT,
    input_hash TEXT, task TEXT, template TEXT, system TEXT, model TEXT, engine TEXT, params TEXT,
    output_column TEXT, text_column TEXT, rows INTEGER, cost REAL);
CREATE TABLE results (run_id INTEGER NOT NULL, row INTEGER NOT NULL, output TEXT DEFAULT '',
    status TEXT DEFAULT '', error TEXT DEFAULT '', prompt_tokens INTEGER DEFAULT 0,
    completion_tokens INTEGER DEFAULT 0, latency REAL DEFAULT 0, key TEXT DEFAULT '', edited TEXT,
    PRIMARY KEY (run_id, row));
INSERT INTO inputs VALUES ('h', 'old.csv', '{"columns":["text"],"index":[0],"data":[["옛날"]]}');
INSERT INTO runs (created, file_name, input_hash, task, template, system, model, engine, params, output_column,
    text_column, rows) VALUES (1.0, 'old.csv', 'h', 'clean', '{text}', '', 'm', 'offline', '{}', 'out', 'text', 1);
INSERT INTO results (run_id, row, output, status) VALUES (1, 0, '옛 답', 'ok');
"""


@pytest.fixture()
def store(tmp_path):
    s = Store(tmp_path / "runs.sqlite3")
    yield s
    s.close()


def job(owner: str = LOCAL) -> RunSetup:
    return RunSetup(DF, f"{owner}.csv", PLAN, ModelSettings(), engine="openai", owner=owner)


def run_as(store: Store, owner: str, only: list[int] | None = None) -> int:
    return execute_sync(job(owner), store=store, engine=MockEngine(), only=only).run_id


def test_each_owner_lists_opens_and_deletes_only_their_own_runs(store):
    anna, boris = run_as(store, ANNA), run_as(store, BORIS)
    assert [r.file_name for r in store.runs(owner=ANNA)] == [f"{ANNA}.csv"]
    assert [r.id for r in store.runs(owner=BORIS)] == [boris] and store.runs() == []
    assert store.run(anna, owner=ANNA).ok == 2
    assert store.run(anna, owner=BORIS) is None and store.run(anna) is None
    with pytest.raises(KeyError):
        store.run_input(anna, owner=BORIS)
    assert not store.delete_run(anna, owner=BORIS)
    assert store.run(anna, owner=ANNA) is not None and len(store.results(anna)) == 2
    assert store.delete_run(anna, owner=ANNA) and store.runs(owner=ANNA) == [] and store.results(anna) == []


def test_runs_cut_short_are_offered_only_to_their_owner(store):
    anna = run_as(store, ANNA, only=[0])
    assert [r.id for r in interrupted(store, owner=ANNA)] == [anna]
    assert interrupted(store, owner=BORIS) == [] and interrupted(store) == []


def test_the_cli_and_a_job_without_an_owner_record_local_runs(store):
    assert RunSetup(DF, "f.csv", PLAN, ModelSettings()).owner == LOCAL
    run_id = run_as(store, LOCAL)
    assert [r.id for r in store.runs()] == [run_id] == [r.id for r in store.runs(owner=LOCAL)]


def test_a_background_job_records_its_run_under_the_job_owner(tmp_path):
    path = tmp_path / "s.sqlite3"
    row_job = RowJob(job(ANNA), store=path, engine=MockEngine()).start()
    assert row_job.wait(5)
    store = Store(path)
    assert [r.id for r in store.runs(owner=ANNA)] == [row_job.run_id] and store.runs() == []


def test_identical_answers_are_shared_between_owners_but_their_runs_are_not(store):
    with FakeOpenAI() as server:
        settings = ModelSettings(api_key="sk-test", base_url=server.base_url, max_retries=0)
        execute_sync(dataclasses.replace(job(ANNA), settings=settings), store=store)
        server.reset()
        boris = execute_sync(dataclasses.replace(job(BORIS), settings=settings), store=store).run_id
        assert server.chat_requests() == []  # the same requests were answered for Anna: Boris pays nothing
    assert [r.output for r in store.results(boris)] == ["ECHO: <data>하나</data>", "ECHO: <data>둘</data>"]
    assert [r.id for r in store.runs(owner=BORIS)] == [boris] and len(store.runs(owner=ANNA)) == 1


def test_a_store_from_before_owners_is_migrated_and_its_runs_stay_local(tmp_path):
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as old:
        old.executescript(OLD_SCHEMA)
    old.close()
    store = Store(path)
    info = store.run(1)
    assert (info.file_name, info.ok) == ("old.csv", 1) and store.run_input(1)["text"].tolist() == ["옛날"]
    assert [r.output for r in store.results(1)] == ["옛 답"] and store.runs(owner=ANNA) == []
    columns = {row[1]: row for row in store.db.execute("PRAGMA table_info(runs)")}
    assert columns["owner"][3:5] == (1, f"'{LOCAL}'")  # NOT NULL DEFAULT 'local', as a new store has it
    new = run_as(store, ANNA)
    store.close()
    again = Store(path)  # opening a migrated file again changes nothing
    assert [r.id for r in again.runs()] == [1] and [r.id for r in again.runs(owner=ANNA)] == [new]
    assert dataclasses.asdict(again.run(1)) == dataclasses.asdict(info)
    again.close()

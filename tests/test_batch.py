"""The batch route in-process against the local server: split, mapping, labels, expiry, cancel, refusal, re-runs."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from core.batch.ledger import Ledger
from core.batch.requests import custom_id, request_lines, rows_of, split_files
from core.batch.route import BatchRun, begin, reconcile, submit, transport_for
from core.batch.watch import cancel, refresh, results, watch
from core.engines.layers import RunOptions
from core.rows.plan import row_plan
from core.rows.service import RunSetup
from core.settings import ModelSettings
from core.store import Store

pytestmark = pytest.mark.timeout(60)


def setup_of(n: int, server, *, template="{발화}", task=None, texts=None, pack=1) -> RunSetup:
    df = pd.DataFrame({"발화": texts or [f"발화 {i}" for i in range(n)]})
    plan = row_plan(task=task, template=None if task else template, text_column="발화")
    settings = ModelSettings(base_url=server.base_url, api_key="sk-batch")
    return RunSetup(df, "rows.csv", plan, settings, RunOptions(pack=pack))


def start(setup, store, server):
    run_id, _ = begin(setup, store)
    return BatchRun(setup, store, run_id, transport_for(setup.settings))


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "runs.sqlite3")
    yield s
    s.close()


def test_custom_ids_tie_a_line_to_its_run_and_rows():
    assert custom_id(7, [12]) == "run7-12" and rows_of("run7-12", 7) == [12]
    assert rows_of(custom_id(7, [1, 2, 3]), 7) == [1, 2, 3]
    assert rows_of("run8-12", 7) is None and rows_of("other", None) is None


def test_files_split_at_the_batch_size_and_under_the_byte_limit(tmp_path, server):
    setup = setup_of(10, server)
    rows = [{"발화": t, "text": t} for t in setup.df["발화"]]
    parts = list(split_files(request_lines(setup, rows, [[i] for i in range(10)], 1), tmp_path, batch_size=4))
    assert [p.requests for p in parts] == [4, 4, 2] and [i for p in parts for i in p.rows] == list(range(10))
    one = len(next(request_lines(setup, rows, [[0]], 1))[1])
    small = list(split_files(request_lines(setup, rows, [[i] for i in range(10)], 1), tmp_path, max_bytes=one * 3 + 1))
    assert all(p.size <= one * 3 + 1 for p in small) and sum(p.requests for p in small) == 10
    line = json.loads((tmp_path / "part1.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert line["method"] == "POST" and line["url"] == "/v1/chat/completions" and line["custom_id"] == "run1-0"
    assert line["body"]["messages"][-1] == {"role": "user", "content": "발화 0"}


def test_shuffled_output_maps_back_to_its_rows_across_parts(server, store):
    run = start(setup_of(50, server), store, server)
    made = submit(run, batch_size=20)
    assert [p.requests for p in made] == [20, 20, 10]
    assert all(p.batch_id for p in Ledger(store).parts(run.run_id))  # saved before any wait
    watch(run, poll=0.01)
    got = results(run)
    assert [r.output for r in got] == [f"ECHO: 발화 {i}" for i in range(50)]
    assert {r.status for r in got} == {"ok"} and all(r.prompt_tokens > 0 for r in got)
    assert sorted(server.batches.submitted) == sorted(custom_id(run.run_id, [i]) for i in range(50))
    assert server.batches.files == {}  # input, output and error files deleted once collected
    assert store.run(run.run_id).finished is not None


def test_label_answers_are_judged_like_a_live_run(server, store):
    server.responder = lambda body: "기쁨" if "좋아" in body["messages"][-1]["content"] else "모르겠음"
    run = start(setup_of(2, server, task="emotion", texts=["정말 좋아요", "그냥요"]), store, server)
    submit(run)
    watch(run, poll=0.01)
    got = results(run)
    assert (got[0].output, got[0].status) == ("기쁨", "ok")
    assert got[1].status == "review" and got[1].error == "answer is not one of the labels"


def test_packed_rows_come_back_one_answer_each(server, store):
    run = start(setup_of(10, server, pack=4), store, server)
    assert [p.requests for p in submit(run)] == [3]
    watch(run, poll=0.01)
    assert [r.output for r in results(run)] == [f"ECHO: 발화 {i}" for i in range(10)]


def test_expired_batch_keeps_its_answers_and_fails_the_rest_with_the_reason(server, store):
    server.batches.expire = True
    run = start(setup_of(10, server), store, server)
    submit(run)
    watch(run, poll=0.01)
    got = results(run)
    assert sum(r.status == "ok" for r in got) == 5
    failed = [r for r in got if r.status == "failed"]
    assert len(failed) == 5 and all("batch_expired: This request could not be executed" in r.error for r in failed)


def test_cancelled_batch_keeps_its_answers(server, store):
    server.batches.auto = False
    run = start(setup_of(8, server), store, server)
    submit(run)
    server.batches.advance()
    server.batches.advance()  # half answered
    assert {p.status for p in cancel(run)} == {"cancelling"}
    server.batches.advance()
    refresh(run)
    got = results(run)
    assert sum(r.status == "ok" for r in got) == 4
    assert {r.error for r in got if r.status != "ok"} == {"The batch cancelled before this row was answered"}


def test_refused_batch_leaves_rows_unanswered_and_the_same_command_sends_them_again(server, store):
    server.batches.max_lines = 5
    setup = setup_of(8, server)
    run = start(setup, store, server)
    submit(run)
    watch(run, poll=0.01)
    got = results(run)
    assert {r.status for r in got} == {"cancelled"} and "more than the 5 allowed" in got[0].error
    assert store.results(run.run_id) == []  # nothing saved as an answer or a failure
    server.batches.max_lines = None
    again = start(setup_of(8, server), store, server)
    submit(again, batch_size=5)
    watch(again, poll=0.01)
    assert {r.status for r in results(again)} == {"ok"}


def test_a_rerun_submits_only_the_rows_without_an_answer(server, store):
    server.batches.fail_when = lambda body: body["messages"][-1]["content"] in ("발화 3", "발화 7")
    run = start(setup_of(10, server), store, server)
    submit(run)
    watch(run, poll=0.01)
    assert [r.row for r in results(run) if r.status == "failed"] == [3, 7]
    server.batches.fail_when = None
    before = len(server.batches.submitted)
    again = start(setup_of(10, server), store, server)
    submit(again)
    watch(again, poll=0.01)
    assert server.batches.submitted[before:] == [custom_id(again.run_id, [3]), custom_id(again.run_id, [7])]
    assert [r.output for r in results(again)] == [f"ECHO: 발화 {i}" for i in range(10)]


def killed_before(saving: str, run: BatchRun, monkeypatch) -> None:
    """Submit, the process dying the moment the ledger would save with `saving` (what the service did is done)."""

    def crash(*args):
        raise KeyboardInterrupt

    with monkeypatch.context() as patched:
        patched.setattr(Ledger, saving, crash)
        with pytest.raises(KeyboardInterrupt):
            submit(run)


def test_kill_between_create_and_save_adopts_the_batch_from_the_service(server, store, monkeypatch):
    run = start(setup_of(6, server), store, server)
    killed_before("update", run, monkeypatch)  # right after the service made the batch
    assert Ledger(store).parts(run.run_id)[0].batch_id is None
    again = start(setup_of(6, server), store, server)
    assert again.run_id == run.run_id
    assert submit(again) == []
    watch(again, poll=0.01)
    assert len(server.batches.submitted) == 6 and {r.status for r in results(again)} == {"ok"}


def test_kill_between_upload_and_save_leaves_no_file_on_the_service(server, store, monkeypatch):
    run = start(setup_of(6, server), store, server)
    killed_before("set_file", run, monkeypatch)  # right after the service took the file
    assert len(server.batches.files) == 1 and Ledger(store).parts(run.run_id)[0].input_file is None
    again = start(setup_of(6, server), store, server)
    reconcile(again)
    assert server.batches.files == {} and server.batches.batches == {}  # the orphan found by its name and deleted
    assert len(submit(again)) == 1
    watch(again, poll=0.01)
    assert {r.status for r in results(again)} == {"ok"} and len(server.batches.submitted) == 6

"""The test server's Files and Batches, driven by the real openai client: statuses on a test's clock, faults."""

from __future__ import annotations

import io
import json

import openai
import pytest

from testserver.server import FakeOpenAI

pytestmark = pytest.mark.timeout(30)


@pytest.fixture
def client(server):
    with openai.OpenAI(base_url=server.base_url, api_key="x", max_retries=0) as c:
        yield c


def upload(client, texts):
    lines = [
        {
            "custom_id": f"c{i}",
            "method": "POST",
            "url": "/v1/chat/completions",
            "body": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": t}]},
        }
        for i, t in enumerate(texts)
    ]
    raw = "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines).encode()
    return client.files.create(file=("in.jsonl", io.BytesIO(raw)), purpose="batch")


def start(client, texts, **meta):
    f = upload(client, texts)
    return client.batches.create(
        input_file_id=f.id, endpoint="/v1/chat/completions", completion_window="24h", metadata=meta or None
    )


def lines(client, file_id):
    return [json.loads(x) for x in client.files.content(file_id).text.splitlines()]


def test_statuses_move_on_the_clock_and_output_comes_back_shuffled(server: FakeOpenAI, client):
    texts = [f"발화 {i}" for i in range(40)]
    server.batches.auto = False
    batch = start(client, texts, run="r1")
    seen = [client.batches.retrieve(batch.id).status]
    for _ in range(4):
        server.batches.advance()
        got = client.batches.retrieve(batch.id)
        seen.append(got.status)
    assert seen == ["validating", "in_progress", "in_progress", "finalizing", "completed"]
    assert got.request_counts.completed == 40 and got.request_counts.failed == 0
    out = lines(client, got.output_file_id)
    assert sorted(x["custom_id"] for x in out) == sorted(f"c{i}" for i in range(40))
    assert [x["custom_id"] for x in out] != [f"c{i}" for i in range(40)]  # shuffled, as the service may
    by_id = {x["custom_id"]: x["response"]["body"]["choices"][0]["message"]["content"] for x in out}
    assert by_id["c7"] == "ECHO: 발화 7"
    assert server.batches.submitted == [f"c{i}" for i in range(40)]


def test_auto_clock_moves_one_step_per_retrieve(server, client):
    batch = start(client, ["a", "b"])
    statuses = [client.batches.retrieve(batch.id).status for _ in range(4)]
    assert statuses == ["in_progress", "in_progress", "finalizing", "completed"]


def test_failed_lines_go_to_the_error_file_or_carry_their_status(server, client):
    server.batches.fail_when = lambda body: "세 번째" in body["messages"][-1]["content"]
    batch = start(client, ["첫 번째", "[[500]] 두 번째", "세 번째", "[[line-error]] 네 번째"])
    while (got := client.batches.retrieve(batch.id)).status != "completed":
        pass
    assert (got.request_counts.completed, got.request_counts.failed) == (1, 3)
    out = {x["custom_id"]: x["response"]["status_code"] for x in lines(client, got.output_file_id)}
    assert out == {"c0": 200, "c1": 500}
    assert sorted(x["custom_id"] for x in lines(client, got.error_file_id)) == ["c2", "c3"]


def test_expiry_answers_half_and_lists_the_rest_as_expired(server, client):
    server.batches.expire = True
    batch = start(client, [f"t{i}" for i in range(10)])
    while (got := client.batches.retrieve(batch.id)).status not in ("expired", "completed"):
        pass
    assert got.status == "expired"
    assert len(lines(client, got.output_file_id)) == 5
    errors = lines(client, got.error_file_id)
    assert len(errors) == 5 and {e["error"]["code"] for e in errors} == {"batch_expired"}


def test_refusal_at_validation_and_cancel_keeps_what_was_answered(server, client):
    server.batches.max_lines = 3
    refused = start(client, ["a", "b", "c", "d"])
    got = client.batches.retrieve(refused.id)
    assert got.status == "failed" and got.errors.data[0].code == "too_many_requests" and got.output_file_id is None
    server.batches.max_lines, server.batches.auto = None, False
    batch = start(client, [f"t{i}" for i in range(6)])
    server.batches.advance(batch.id)
    server.batches.advance(batch.id)  # half answered
    assert client.batches.cancel(batch.id).status == "cancelling"
    server.batches.advance(batch.id)
    got = client.batches.retrieve(batch.id)
    assert got.status == "cancelled" and len(lines(client, got.output_file_id)) == 3


def test_list_pages_newest_first_and_files_can_be_deleted(server, client):
    made = [start(client, ["x"], n=str(i)).id for i in range(5)]
    listed = [b.id for b in client.batches.list(limit=2)]  # the SDK follows the pages
    assert listed == made[::-1]
    f = upload(client, ["y"])
    assert client.files.delete(f.id).deleted
    with pytest.raises(openai.NotFoundError):
        client.files.content(f.id)
    posts = [r for r in server.requests if r.method == "POST" and r.path == "/v1/batches"]
    assert len(posts) == 5 and posts[0].body["completion_window"] == "24h"

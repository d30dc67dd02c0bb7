"""Map-reduce minutes: citations to real rows, coverage, retries and honest gaps, hierarchical reduce, concurrency,
streaming — with a scripted engine, then over HTTP against the local OpenAI-compatible server."""

import asyncio
import json
import re

import pandas as pd
import pytest

from core.engines.openai_api import OpenAIEngine
from core.engines.tokens import count_text
from core.errors import EngineError
from core.minutes.citations import Cited, sources
from core.minutes.document import minutes_schema
from core.minutes.mapreduce import MinutesError, minutes
from core.minutes.transcript import stream_extract
from core.rows.templates import Template
from core.settings import ModelSettings
from tests.mock_engine import MockEngine, last_user
from testserver.minutes import data_of, minutes_answer, minutes_responder
from testserver.server import FakeOpenAI

MODEL = "gpt-4o-mini"
SYSTEM = "우리 팀 회의록 규칙: 존댓말로 씁니다."
ROW = re.compile(r"(?m)^#(\d+) ")
CITED_LINE = re.compile(r"^- .+ \[#\d+( \d+:\d\d)?(, #\d+( \d+:\d\d)?)*\]$")


class MinutesMock(MockEngine):
    """A scripted model: `structured` answers requests with a response_format, `streamed` the streamed ones."""

    def __init__(self, structured=minutes_answer, streamed=None, **kw):
        super().__init__(streamed or structured, **kw)
        self.structured = structured

    def _packed(self, messages):
        return self.structured(messages)


def meeting(n, blank=()):
    speakers = ["김민수", "이지은", "박서준"]
    return pd.DataFrame(
        {
            "start": [str(i * 30) for i in range(n)],
            "end": [str(i * 30 + 25) for i in range(n)],
            "speaker": [speakers[(i // 2) % 3] for i in range(n)],
            "text": [
                "" if i + 1 in blank else f"{i + 1}번째 발화: 결제 일정과 배포 계획을 이야기합니다." for i in range(n)
            ],
        },
        dtype=str,
    )


def run(df, engine, **kw):
    kw = {"chunk_tokens": 150, "system": SYSTEM, **kw}
    return asyncio.run(minutes(df, engine=engine, model=MODEL, text_column="text", speaker_column="speaker", **kw))


def rows_in(messages):
    return {int(n) for n in ROW.findall(data_of(messages))}


def all_items(result):
    m = result.minutes
    return [*m.summary, *m.decisions, *m.action_items, *m.open_questions]


def test_minutes_cite_real_rows_with_times_and_every_utterance_reached_the_model():
    df = meeting(40, blank={5, 17})
    engine = MinutesMock()
    result = run(df, engine)
    real = set(range(1, 41)) - {5, 17}
    maps = [c for c, f in zip(engine.calls, engine.formats) if f is not None and rows_in(c)]
    assert len(maps) == len(result.chunks) > 3
    assert set().union(*(rows_in(c) for c in maps)) == real  # seen by the model, counted from the requests
    assert result.coverage.complete and set(result.coverage.reached) == real and result.coverage.share == 1.0
    assert all(item.rows and set(item.rows) <= real for item in all_items(result))
    assert {c.row for c in result.minutes.chapters} <= real and result.minutes.chapters
    bullets = [line for line in result.markdown.splitlines() if line.startswith("- ")]
    assert bullets and all(CITED_LINE.match(line) for line in bullets), result.markdown
    assert "[#1 00:00" in result.markdown and "## 할 일" in result.markdown and "(담당: " in result.markdown


def test_the_system_prompt_and_the_schema_reach_every_step():
    engine = MinutesMock()
    result = run(meeting(30), engine, reduce_tokens=300)
    assert result.levels >= 1
    assert all(c[0]["role"] == "system" and c[0]["content"].startswith(SYSTEM) for c in engine.calls)
    structured = [f for f in engine.formats if f is not None]
    assert len(structured) == result.requests - 1 and all(f["json_schema"]["strict"] for f in structured)
    assert (
        engine.formats[-1] is None and '"action_items"' in engine.calls[-1][0]["content"]
    )  # streamed, schema in words


def test_the_schema_is_strict():
    def objects(node):
        if isinstance(node, dict):
            yield from [node] if "properties" in node else []
            for value in node.values():
                yield from objects(value)

    found = list(objects(minutes_schema()))
    assert len(found) == 4 and all(
        o["additionalProperties"] is False and o["required"] == list(o["properties"]) for o in found
    )


def test_map_runs_concurrently_within_the_limit():
    df = meeting(48)
    narrow, wide = MinutesMock(delay=0.05), MinutesMock(delay=0.05)
    chunks = len(run(df, narrow, concurrency=3).chunks)
    run(df, wide, concurrency=64)
    assert narrow.max_in_flight == 3 and wide.max_in_flight == chunks > 6


def test_reduce_is_hierarchical_when_the_partials_do_not_fit_one_request():
    df, budget = meeting(60), 1000
    engine = MinutesMock()
    result = run(df, engine, reduce_tokens=budget)
    reduces = [c for c in engine.calls if "[부분 #" in data_of(c)]
    assert result.levels >= 2 and len(reduces) > 3
    for call in reduces:  # each reduce request, and the final one, fits the budget
        assert count_text(data_of(call).removeprefix("<data>\n").removesuffix("\n</data>"), MODEL).tokens <= budget
    assert {r for item in all_items(result) for r in item.rows} <= set(range(1, 61))
    flat = run(df, MinutesMock(), reduce_tokens=100_000)
    assert flat.levels == 0 and flat.requests == len(flat.chunks) + 1
    cramped = run(df, MinutesMock(), reduce_tokens=50)  # not even two parts fit: pairs are merged, and it ends
    assert cramped.levels == 4 and cramped.coverage.complete


def test_a_malformed_answer_is_asked_again_once_with_the_reason():
    seen = []

    def flaky(messages):
        seen.append(messages)
        first = sum(1 for m in seen if 7 in rows_in(m)) == 1
        return "회의록입니다: {not json" if 7 in rows_in(messages) and first else minutes_answer(messages)

    result = run(meeting(20), MinutesMock(flaky))
    retried = [m for m in seen if 7 in rows_in(m)]
    assert len(retried) == 2 and "앞의 답을 쓸 수 없었습니다" in retried[1][-1]["content"]
    assert result.coverage.complete and not result.coverage.failed_chunks


def test_a_chunk_malformed_twice_is_left_out_honestly():
    def broken(messages):
        return "not json" if 7 in rows_in(messages) else minutes_answer(messages)

    result = run(meeting(20), MinutesMock(broken))
    failed = result.chunks[result.coverage.failed_chunks[0]]
    assert len(result.coverage.failed_chunks) == 1 and 7 in failed.rows
    assert result.coverage.missing == failed.rows and not result.coverage.complete
    assert result.markdown.startswith(f"> ⚠ #{failed.rows[0]}–#{failed.rows[-1]} (")
    assert not {r for item in all_items(result) for r in item.rows} & set(failed.rows)
    assert result.as_dict()["coverage"]["missing"] == list(failed.rows)


def test_a_failing_request_leaves_its_chunk_out_but_a_fatal_one_stops_the_run():
    df = meeting(20)
    df.loc[9, "text"] = "FAIL 이 줄에서 서버가 실패합니다"
    result = run(df, MinutesMock(fail_on="FAIL"))
    assert 10 in result.coverage.missing and "server error" in result.markdown

    def refused(messages):
        raise EngineError("The API key was refused", kind="auth", status=401)

    with pytest.raises(EngineError) as caught:
        run(df, MinutesMock(refused))
    assert caught.value.kind == "auth"


def test_every_chunk_failing_or_no_utterances_is_a_clear_error():
    with pytest.raises(MinutesError) as caught:
        run(meeting(20), MinutesMock(lambda m: "nope"))
    assert caught.value.code == "minutes.failed"
    with pytest.raises(MinutesError) as caught:
        run(meeting(3, blank={1, 2, 3}), MinutesMock())
    assert caught.value.code == "minutes.empty"


def test_a_malformed_streamed_answer_is_asked_again_with_structured_output():
    engine = MinutesMock(streamed=lambda m: "## 요약\n- 마크다운으로 답해 버림")
    deltas = []
    result = run(meeting(20), engine, on_delta=deltas.append)
    assert engine.formats[-2] is None and engine.formats[-1] is not None
    assert result.minutes.summary and result.coverage.complete and result.requests == len(result.chunks) + 2
    assert deltas == [result.markdown] == [result.streamed]  # nothing was shown before the good answer


def test_invented_citations_are_dropped_and_counted():
    def liar(messages):
        return json.dumps(
            {
                "summary": [{"text": "지어낸 내용", "rows": [9999]}, {"text": "진짜", "rows": [2, 777]}],
                "chapters": [{"title": "없는 행", "row": 500}],
            },
            ensure_ascii=False,
        )

    result = run(meeting(4), MinutesMock(liar))
    assert [(p.text, p.rows) for p in result.minutes.summary] == [("진짜", [2])] and result.dropped == 2


def test_streamed_deltas_add_up_to_the_markdown():
    deltas = []
    result = run(meeting(20), MinutesMock(), on_delta=deltas.append)
    assert len(deltas) > 1 and "".join(deltas) == result.markdown == result.streamed


def test_action_items_come_out_as_a_table_and_the_result_as_json():
    result = run(meeting(20), MinutesMock())
    table = result.action_items()
    assert list(table.columns) == ["text", "owner", "due", "rows", "time"] and len(table) >= 1
    first = result.minutes.action_items[0]
    assert table.iloc[0].to_dict() == {
        "text": first.text,
        "owner": first.owner,
        "due": first.due,
        "rows": f"#{first.rows[0]}",
        "time": result.times[first.rows[0]],
    }
    data = json.loads(json.dumps(result.as_dict(), ensure_ascii=False))
    assert data["coverage"]["complete"] and data["minutes"]["action_items"][0]["owner"] == first.owner
    shown = sources(meeting(20), [Cited("할 일", first.text, (*first.rows, 999))], "text", "speaker")
    assert shown["row"].tolist() == first.rows and shown["text"].iloc[0].startswith(f"{first.rows[0]}번째 발화")


# -- over HTTP, against the local OpenAI-compatible server ---------------------------------------------------------


def http_run(srv, df, **kw):
    engine = OpenAIEngine(ModelSettings(api_key="k", base_url=srv.base_url, max_retries=0, model=MODEL))

    async def go():
        try:
            return await minutes(
                df, engine=engine, model=MODEL, text_column="text", speaker_column="speaker", system=SYSTEM, **kw
            )
        finally:
            await engine.aclose()

    return asyncio.run(go())


def waves(log) -> int:
    """The longest chain of requests in which each was sent after the previous one had its answer."""
    done = sorted((r for r in log if r.finished is not None), key=lambda r: r.started)
    depth: list[int] = []
    for i, r in enumerate(done):
        depth.append(1 + max((depth[j] for j in range(i) if done[j].finished <= r.started), default=0))
    return max(depth, default=0)


def test_over_http_the_map_runs_concurrently_and_the_whole_summary_takes_a_few_latencies():
    latency, df, deltas = 0.5, meeting(96), []
    count_text("토큰 표를 미리 읽어 둡니다", MODEL)  # loading the BPE tables (~0.5 s) is not what is measured
    with FakeOpenAI(latency=latency, responder=minutes_responder, chunk_chars=32) as srv:
        result = http_run(srv, df, chunk_tokens=150, concurrency=32, on_delta=deltas.append)
        bodies, in_flight, log = srv.chat_requests(), srv.max_in_flight, list(srv.requests)
    assert len(result.chunks) >= 16 and in_flight >= 16
    # A few latencies whatever the machine's load: the longest chain of requests each sent after the one before it
    # had been answered is the map, then the final merge; one request per chunk after the other would be ≥ 16.
    assert waves(log) <= 3
    assert {int(n) for b in bodies for n in ROW.findall(data_of(b["messages"]))} == set(range(1, 97))
    assert result.coverage.complete and {r for i in all_items(result) for r in i.rows} <= set(range(1, 97))
    assert bodies[-1]["stream"] is True and all(b["response_format"]["type"] == "json_schema" for b in bodies[:-1])
    assert all(b["messages"][0]["content"].startswith(SYSTEM) for b in bodies)
    assert len(deltas) > 3 and "".join(deltas) == result.markdown


def test_over_http_a_short_meeting_is_one_streamed_request_written_item_by_item():
    with FakeOpenAI(responder=minutes_responder, chunk_chars=3) as srv:
        deltas = []
        result = http_run(srv, meeting(6), on_delta=deltas.append)
        bodies = srv.chat_requests()
    assert len(bodies) == 1 and bodies[0]["stream"] is True and result.requests == 1
    assert len(deltas) >= 5 and all(d.endswith("\n") for d in deltas)  # whole items, never half a line
    assert "".join(deltas) == result.markdown and result.coverage.complete


def test_over_http_malformed_json_is_retried_once_then_the_chunk_is_reported_missing():
    def responder(body):
        rows, retry = rows_in(body["messages"]), "앞의 답을" in body["messages"][-1]["content"]
        if 3 in rows or (9 in rows and not retry):
            return '{"summary": [{"text": "잘린 답'
        return minutes_responder(body)

    with FakeOpenAI(responder=responder) as srv:
        result = http_run(srv, meeting(24), chunk_tokens=120)
        bodies = srv.chat_requests()
    assert sum(3 in rows_in(b["messages"]) for b in bodies) == 2  # asked once more, then given up
    assert sum(9 in rows_in(b["messages"]) for b in bodies) == 2 and 9 in result.coverage.reached
    assert 3 in result.coverage.missing and result.markdown.startswith("> ⚠ #")


def test_stream_extract_yields_deltas_keeps_them_and_closes_the_engine():
    engine = MockEngine(answer=lambda msgs: "회의록 내용입니다")
    parts: list[str] = []
    usage = []
    got = list(stream_extract("#1 가: 나", Template("sys", "<data>{transcript}</data>"), engine, parts, usage.append))
    assert "".join(got) == "회의록 내용입니다" == "".join(parts) and len(got) > 1
    assert engine.closed and usage and usage[0].text == "회의록 내용입니다"
    assert last_user(engine.calls[0]) == "<data>#1 가: 나</data>"


def test_stream_extract_closes_the_engine_when_the_reader_stops_early():
    engine = MockEngine(answer=lambda msgs: "abcdefghi")
    parts: list[str] = []
    stream = stream_extract("t", Template("", "{transcript}"), engine, parts)
    next(stream)
    stream.close()
    assert engine.closed and parts == ["abc"]

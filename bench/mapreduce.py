"""Minutes of a synthetic 3-hour Korean meeting (~60k tokens) against the local server with latency L:
parallel map-reduce vs a sequential refine chain, and a check that every utterance reached the model."""

from __future__ import annotations

import asyncio
import random
import re
import time

import pandas as pd

from core.engines.layers import build_engine
from core.engines.tokens import count_text
from core.minutes.chunking import Chunk, chunk_transcript, default_chunk_tokens
from core.minutes.document import cited, response_format
from core.minutes.mapreduce import minutes
from core.settings import ModelSettings
from testserver.minutes import minutes_responder
from testserver.server import FakeOpenAI

MODEL = "gpt-4o-mini"
SPEAKERS = ("김민수", "이지은", "박서준", "최유나", "정하늘")
TOPICS = (
    "결제 화면 개편",
    "2차 배포 일정",
    "하반기 예산",
    "고객 문의 대응",
    "신규 채용",
    "보안 점검",
    "데이터 이전",
    "마케팅 캠페인",
    "분기 회고",
)
OPENERS = ("음", "어", "그러니까", "네", "아 그게", "제 생각에는", "잠깐만요", "솔직히 말하면")
CLAIMS = (
    "{t} 쪽은 지난주보다 진행이 좀 늦어지고 있습니다",
    "{t} 관련해서 고객 반응을 먼저 봐야 할 것 같아요",
    "{t}은 담당을 정하지 않으면 계속 밀릴 거예요",
    "{t} 일정은 {d}까지 맞출 수 있을지 확인해 볼게요",
    "{t} 비용이 처음 예상보다 {n}퍼센트 정도 더 들어요",
    "{t} 건은 법무팀 검토가 끝나야 움직일 수 있습니다",
    "{t} 때문에 다른 팀에서도 문의가 {n}건 넘게 들어왔어요",
    "{t}에 대해서는 {d}에 다시 이야기하죠",
)
CLOSERS = (
    "어떻게 생각하세요?",
    "일단 그렇게 정리하죠.",
    "제가 {d}까지 정리해서 공유하겠습니다.",
    "그건 좀 더 봐야 합니다.",
    "동의합니다.",
    "숫자는 다시 확인해 주세요.",
)
DAYS = ("금요일", "다음 주 월요일", "이번 달 말", "수요일 오전", "다음 스프린트")
REFINE = (
    "지금까지의 회의록 재료(JSON)와 이어지는 녹취록 부분이 <data>에 있습니다. 새 부분의 내용을 더해 "
    "같은 형식의 JSON으로 고쳐 쓰세요. 모든 항목의 rows에는 근거가 된 행번호를 적습니다."
)


def _sentence(rng: random.Random, pool: tuple[str, ...], topic: str) -> str:
    return rng.choice(pool).format(t=topic, d=rng.choice(DAYS), n=rng.randint(2, 40))


def synthetic_meeting(seconds: int = 3 * 3600, tokens_per_second: float = 6.1, seed: int = 6) -> pd.DataFrame:
    """A deterministic Korean meeting: topics every ~20 minutes, turns of one to four utterances, times in seconds."""
    rng, rows, now, speaker = random.Random(seed), [], 0.0, SPEAKERS[0]
    while now < seconds:
        if rng.random() > 0.4:  # most utterances start a new turn
            speaker = rng.choice([s for s in SPEAKERS if s != speaker])
        topic = TOPICS[int(now // 1200) % len(TOPICS)]
        parts = [rng.choice(OPENERS), *(_sentence(rng, CLAIMS, topic) + "." for _ in range(rng.randint(1, 3)))]
        text = " ".join([*parts, _sentence(rng, CLOSERS, topic)] if rng.random() < 0.5 else parts)
        length = count_text(text, MODEL).tokens / tokens_per_second
        rows.append({"start": f"{now:.1f}", "end": f"{now + length:.1f}", "speaker": speaker, "text": text})
        now += length + rng.uniform(0.2, 1.5)
    return pd.DataFrame(rows, dtype=str)


def _settings(srv: FakeOpenAI) -> ModelSettings:
    return ModelSettings(model=MODEL, api_key="bench", base_url=srv.base_url, max_tokens=4096, timeout=60)


def _rows_sent(bodies: list[dict]) -> set[int]:
    """Rows the server saw as transcript lines, read from its own request log."""
    texts = [m["content"] for b in bodies for m in b["messages"] if m["role"] == "user"]
    return {int(n) for text in texts for n in re.findall(r"(?m)^#(\d+) ", text)}


async def _refine(srv: FakeOpenAI, chunks: list[Chunk]) -> float:
    """The sequential refine chain: one request per chunk, each carrying the running summary."""
    engine = build_engine(_settings(srv), "openai", "minutes")
    started, running = time.perf_counter(), "{}"
    try:
        for chunk in chunks:
            data = running + "\n" + "\n".join(u.line for u in chunk.utterances)
            messages = [{"role": "system", "content": REFINE}, {"role": "user", "content": f"<data>\n{data}\n</data>"}]
            running = (await engine.complete(messages, response_format=response_format())).text
    finally:
        await engine.aclose()
    return time.perf_counter() - started


async def _ours(srv: FakeOpenAI, df: pd.DataFrame, chunk_tokens: int | None, concurrency: int) -> tuple:
    engine = build_engine(_settings(srv), "openai", "minutes")
    deltas: list[str] = []
    started = time.perf_counter()
    try:
        result = await minutes(
            df,
            engine=engine,
            model=MODEL,
            text_column="text",
            speaker_column="speaker",
            chunk_tokens=chunk_tokens,
            concurrency=concurrency,
            on_delta=deltas.append,
        )
    finally:
        await engine.aclose()
    return result, time.perf_counter() - started, len(deltas)


def mapreduce(latency: float = 0.3, chunk_tokens: int | None = None, concurrency: int = 8) -> dict:
    """Wall time of the whole summary vs the refine chain, in seconds and in units of L, and the coverage check."""
    df = synthetic_meeting()
    budget = chunk_tokens or default_chunk_tokens(MODEL)
    rows = [i + 1 for i, text in enumerate(df["text"]) if text.strip()]
    # Deltas of 64 characters: the server sleeps between deltas, and at its default of 4 characters its own timer
    # overhead (~1 ms a delta) would be measured instead of the 0.2 L it means a stream to take.
    with FakeOpenAI(latency=latency, responder=minutes_responder, chunk_chars=64) as srv:
        result, seconds, deltas = asyncio.run(_ours(srv, df, budget, concurrency))
        sent, in_flight = _rows_sent(srv.chat_requests()), srv.max_in_flight
        srv.reset()
        refine = asyncio.run(
            _refine(
                srv,
                chunk_transcript(df, model=MODEL, text_column="text", speaker_column="speaker", chunk_tokens=budget),
            )
        )
    return {
        "latency": latency,
        "utterances": len(rows),
        "meeting_seconds": float(df["end"].iloc[-1]),
        "tokens": count_text("\n".join(df["text"]), MODEL).tokens,
        "transcript_tokens": sum(c.tokens for c in result.chunks),
        "chunk_tokens": budget,
        "chunks": len(result.chunks),
        "requests": result.requests,
        "reduce_levels": result.levels,
        "seconds": seconds,
        "in_L": seconds / latency,
        "refine_seconds": refine,
        "refine_in_L": refine / latency,
        "speedup": refine / seconds,
        "max_in_flight": in_flight,
        "streamed_deltas": deltas,
        "coverage": {
            "complete": result.coverage.complete,
            "missing": len(result.coverage.missing),
            "server_saw_every_row": sent >= set(rows),
            "cited_rows_real": cited(result.minutes) <= set(rows),
        },
    }


if __name__ == "__main__":
    import json

    print(json.dumps(mapreduce(), ensure_ascii=False, indent=2))

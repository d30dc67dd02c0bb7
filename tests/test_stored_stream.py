"""A streamed answer goes through the run store like any other: served again whole, never kept when cut off."""

import asyncio

from core.engines.layers import StoredEngine
from core.engines.protocol import Completion
from core.store import Store

MESSAGES = [{"role": "system", "content": "회의록"}, {"role": "user", "content": "<data>#1 김: 안녕</data>"}]


class Streamer:
    """Streams a fixed answer in pieces and reports how it ended."""

    name = "streamer"

    def __init__(self, finish: str) -> None:
        self.finish, self.calls = finish, 0

    async def stream(self, messages, on_usage=None):
        self.calls += 1
        for piece in ("## 요약\n", "- 인사 ", "#1\n"):
            yield piece
        if on_usage:
            on_usage(Completion("## 요약\n- 인사 #1\n", 10, 5, 0.1, self.finish))


def collect(engine: StoredEngine) -> tuple[str, list[Completion]]:
    usage: list[Completion] = []

    async def go() -> str:
        return "".join([d async for d in engine.stream(MESSAGES, on_usage=usage.append)])

    return asyncio.run(go()), usage


def test_a_whole_stream_is_stored_and_served_again_without_a_request(tmp_path):
    store, inner = Store(tmp_path / "s.sqlite3"), Streamer("stop")
    first, used = collect(StoredEngine(inner, store, "m", {"t": 0}))
    again, reused = collect(engine := StoredEngine(inner, store, "m", {"t": 0}))
    assert first == again == "## 요약\n- 인사 #1\n" and inner.calls == 1 and engine.served == 1
    assert used[0].prompt_tokens == 10 and reused[0].finish_reason == "stored" and reused[0].prompt_tokens == 0


def test_a_cut_off_stream_is_not_stored_and_reuse_off_asks_again(tmp_path):
    store, cut = Store(tmp_path / "s.sqlite3"), Streamer("length")
    collect(StoredEngine(cut, store, "m", {}))
    collect(StoredEngine(cut, store, "m", {}))
    assert cut.calls == 2
    whole = Streamer("stop")
    collect(StoredEngine(whole, store, "m", {}))
    collect(StoredEngine(whole, store, "m", {}, reuse=False))
    assert whole.calls == 2

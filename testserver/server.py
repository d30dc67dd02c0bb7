"""A local OpenAI-compatible server for tests and benchmarks (chat completions, models, faults).

    with FakeOpenAI(latency=0.0) as srv:
        client = openai.OpenAI(base_url=srv.base_url, api_key="test-key")

Standalone: python -m testserver.server --port 8765 --latency 0.3   (prints the base URL)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import signal
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import uvicorn
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.types import Message, Receive, Scope, Send

from testserver import faults as ff
from testserver.batches import BatchService
from testserver.faults import RecordedRequest

__all__ = ["FakeOpenAI", "RecordedRequest", "echo_responder"]

echo_responder = ff.echo_responder
CHAT_PATH = "/v1/chat/completions"
Responder = Callable[[dict[str, Any]], str]


class _Server(uvicorn.Server):
    """uvicorn server whose main loop wakes as soon as `stopping` is set instead of on its next 0.1 s tick."""

    def __init__(self, config: uvicorn.Config, stopping: asyncio.Event) -> None:
        super().__init__(config)
        self.stopping = stopping

    async def main_loop(self) -> None:
        counter = 0
        while not await self.on_tick(counter):
            counter = (counter + 1) % 864000
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.stopping.wait(), 0.1)


class FakeOpenAI:
    """OpenAI-compatible HTTP server on 127.0.0.1 in a background thread; knobs may change at runtime."""

    def __init__(
        self,
        *,
        latency: float = 0.0,
        responder: Responder | None = None,
        error_500_rate: float = 0.0,
        error_429_rate: float = 0.0,
        retry_after: float = 0.1,
        hang_rate: float = 0.0,
        seed: int | None = 0,
        require_key: str | None = None,
        rpm_limit: int | None = None,
        chunk_chars: int = 4,
        stream_seconds: float | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.latency, self.responder = latency, responder or ff.echo_responder
        self.stream_seconds = stream_seconds  # how long a stream takes (None: a fifth of the latency)
        self.error_500_rate, self.error_429_rate, self.retry_after = error_500_rate, error_429_rate, retry_after
        self.hang_rate, self.require_key, self.rpm_limit = hang_rate, require_key, rpm_limit
        self.chunk_chars = chunk_chars
        self.host, self.port, self.in_flight, self.max_in_flight = host, port, 0, 0
        self._faults, self._window = ff.FaultState(seed), ff.RateWindow()
        self._log: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._thread: threading.Thread | None = None
        self._server: _Server | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping = asyncio.Event()
        self.batches = BatchService(lambda: self.responder, seed or 0)

    @property
    def base_url(self) -> str:
        """Base URL for the openai client, e.g. http://127.0.0.1:PORT/v1."""
        return f"http://{self.host}:{self.port}/v1"

    @property
    def seed(self) -> int | None:
        """Seed of the random source behind the *_rate knobs; setting it reseeds."""
        return self._faults.seed

    @seed.setter
    def seed(self, value: int | None) -> None:
        with self._lock:
            self._faults = ff.FaultState(value, self._faults.seen)

    @property
    def requests(self) -> list[RecordedRequest]:
        """Snapshot of the request log, oldest first."""
        with self._lock:
            return list(self._log)

    def chat_requests(self) -> list[dict[str, Any]]:
        """Parsed bodies of the chat completion requests, oldest first."""
        return [r.body for r in self.requests if r.path == CHAT_PATH and r.method == "POST"]

    def reset(self) -> None:
        """Clear the log, once-only trigger memory, the rate window and the in-flight peak; reseed."""
        with self._lock:
            self._log.clear()
            self._faults = ff.FaultState(self._faults.seed)
            self.max_in_flight = self.in_flight
        self._window.clear()
        self.batches.reset()

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self, timeout: float = 10.0) -> FakeOpenAI:
        """Bind, start serving in a background thread and wait until the server listens."""
        # An explicit IPPROTO_TCP makes asyncio set TCP_NODELAY on accepted sockets; without it every
        # keep-alive request after the first waits ~40 ms on Nagle plus delayed ACK.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self._asgi,
            interface="asgi3",
            lifespan="off",
            log_config=None,
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=3,
        )
        self._stopping = asyncio.Event()
        self._server = _Server(config, self._stopping)
        self._thread = threading.Thread(
            target=asyncio.run, args=(self._serve(sock),), name=f"fake-openai-{self.port}", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"fake OpenAI server did not start on {self.base_url}")
            time.sleep(0.005)
        return self

    async def _serve(self, sock: socket.socket) -> None:
        self._loop = asyncio.get_running_loop()
        assert self._server is not None
        await self._server.serve(sockets=[sock])

    def stop(self, timeout: float = 5.0) -> None:
        """Release hung requests, stop the server and join its thread."""
        if self._thread is None or self._server is None:
            return
        self._server.should_exit = True
        if self._loop is not None and not self._loop.is_closed():
            try:
                self._loop.call_soon_threadsafe(self._stopping.set)
            except RuntimeError:  # loop already closed between the check and the call
                pass
        self._thread.join(timeout)
        if self._thread.is_alive():
            self._server.force_exit = True
            self._thread.join(timeout)
        self._thread = self._loop = None

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- request handling ------------------------------------------------------------------------

    async def _asgi(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        headers = {k.lower(): v for k, v in request.headers.items()}
        auth = headers.pop("authorization", None)
        key = auth[7:] if auth and auth.lower().startswith("bearer ") else auth
        rec = RecordedRequest(request.method, request.url.path, None, headers, key, time.monotonic())
        with self._lock:
            self._log.append(rec)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

        async def recording_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                rec.status = message["status"]
            await send(message)

        try:
            response = await self._route(request, rec)
            if response is None:
                rec.status = 499  # client went away while the request hung; nothing to send
            else:
                await response(scope, receive, recording_send)
        finally:
            rec.finished = time.monotonic()
            with self._lock:
                self.in_flight -= 1

    async def _route(self, request: Request, rec: RecordedRequest) -> Response | None:
        headers: dict[str, str] = {"x-request-id": f"req_{next(self._ids)}"}
        if self.require_key is not None and rec.auth_key != self.require_key:
            return self._error(401, headers, ff.masked_key_message(rec.auth_key))
        rpm = self.rpm_limit
        if rpm:
            admitted, remaining, wait = self._window.try_admit(rpm, time.monotonic())
            headers.update(ff.rate_headers(rpm, remaining, wait))
            if not admitted:
                return self._error(429, headers | ff.retry_headers(wait))
        if request.method == "GET" and rec.path == "/v1/models":
            return JSONResponse(ff.models_list(), headers=headers)
        if rec.path.startswith(("/v1/files", "/v1/batches")):
            return await self.batches.handle(request, rec, headers)
        if request.method != "POST" or rec.path != CHAT_PATH:
            return self._error(404, headers, f"Invalid URL ({request.method} {rec.path})")
        try:
            rec.body = json.loads(await request.body())
        except ValueError:
            return self._error(400, headers, "We could not parse the JSON body of your request.")
        if not isinstance(rec.body, dict) or not isinstance(rec.body.get("messages"), list):
            return self._error(400, headers, "'messages' is a required property")
        return await self._chat(request, rec.body, headers)

    async def _chat(self, request: Request, body: dict[str, Any], headers: dict[str, str]) -> Response | None:
        with self._lock:
            fault = ff.decide_fault(body, self._faults, (self.hang_rate, self.error_500_rate, self.error_429_rate))
        if fault == "hang":
            return self._error(503, headers) if await self._hang(request) else None
        if fault == "401":
            return self._error(401, headers)
        if fault == "429":
            return self._error(429, headers | ff.retry_headers(self.retry_after))
        await self._sleep(self.latency)
        if fault == "500":
            return self._error(500, headers)
        try:
            reply = str(self.responder(body))
        except Exception as exc:  # surface responder bugs to the test as a 500 with the reason
            return self._error(500, headers, f"responder failed: {exc!r}")
        model, cid = str(body.get("model", "gpt-4o-mini")), f"chatcmpl-fake{next(self._ids)}"
        usage = ff.usage_for(body, reply)
        if body.get("stream"):
            include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
            stream = self._stream(cid, model, reply, usage if include_usage else None)
            return StreamingResponse(stream, media_type="text/event-stream", headers=headers)
        return JSONResponse(ff.completion(cid, model, reply, usage), headers=headers)

    async def _stream(self, cid: str, model: str, reply: str, usage: dict[str, int] | None) -> AsyncIterator[bytes]:
        pieces = ff.split_reply(reply, self.chunk_chars)
        # Streaming spends a further fifth of the latency (or stream_seconds) spread over the chunks.
        spread = 0.2 * self.latency if self.stream_seconds is None else self.stream_seconds
        gap = spread / len(pieces)
        flag = usage is not None
        yield ff.sse(ff.chunk(cid, model, {"role": "assistant", "content": ""}, with_usage_field=flag))
        for piece in pieces:
            await self._sleep(gap)
            yield ff.sse(ff.chunk(cid, model, {"content": piece}, with_usage_field=flag))
        yield ff.sse(ff.chunk(cid, model, {}, "stop", with_usage_field=flag))
        if usage is not None:
            yield ff.sse(ff.chunk(cid, model, None, usage=usage, with_usage_field=True))
        yield ff.sse("[DONE]")

    async def _sleep(self, seconds: float) -> None:
        """Sleep, but wake at once when the server is stopping."""
        if seconds > 0:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), seconds)

    async def _hang(self, request: Request) -> bool:
        """Wait until the client disconnects (False) or the server stops (True)."""

        async def disconnected() -> None:
            while (await request.receive())["type"] != "http.disconnect":
                pass

        stopped, gone = asyncio.ensure_future(self._stopping.wait()), asyncio.ensure_future(disconnected())
        done, pending = await asyncio.wait({stopped, gone}, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        return stopped in done

    @staticmethod
    def _error(status: int, headers: dict[str, str], message: str | None = None) -> JSONResponse:
        return JSONResponse(ff.error_body(status, message), status_code=status, headers=headers)


def main(argv: list[str] | None = None) -> None:
    """Run the fake server until SIGINT/SIGTERM, printing its base URL first."""
    p = argparse.ArgumentParser(prog="python -m testserver.server", description="Fake OpenAI-compatible server.")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 picks a free port")
    p.add_argument("--latency", type=float, default=0.0, help="seconds before each answer")
    p.add_argument("--error-500-rate", type=float, default=0.0)
    p.add_argument("--error-429-rate", type=float, default=0.0)
    p.add_argument("--retry-after", type=float, default=0.1, help="seconds sent with random/[[429]] 429s")
    p.add_argument("--hang-rate", type=float, default=0.0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--rpm-limit", type=int, default=None, help="requests per minute, enforced per second")
    p.add_argument("--require-key", default=None, help="401 unless the Bearer key equals this")
    p.add_argument("--chunk-chars", type=int, default=4, help="characters per streamed delta")
    args = p.parse_args(argv)
    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: done.set())
    with FakeOpenAI(**vars(args)) as srv:
        print(srv.base_url, flush=True)
        while not done.wait(0.5):  # a timed wait lets the main thread run signal handlers
            pass


if __name__ == "__main__":
    main()

"""Pacing under requests- and tokens-per-minute limits as providers enforce them, adapting to what the server says."""

from __future__ import annotations

import asyncio
import math
import re
import time
from collections import deque
from collections.abc import Callable, Mapping

# Providers enforce a per-minute request limit per one-second window (3,000 RPM: 50 in any second). Evenly spaced
# starts keep every window within it without the bunching a burst causes on the way; REQUEST_HEADROOM leaves room
# for a request that reaches the server a few ms late next to one that is on time.
REQUEST_HEADROOM = 0.98
# A start the event loop let out late (a busy loop, a stalled machine) would share its window with starts that are on
# time: no start leaves until the one a second's share before it went out WINDOW_SECONDS ago, as the server counts.
WINDOW_SECONDS = 1.02
# Tokens are paced evenly a little under the limit, with a second's burst allowed.
TOKEN_HEADROOM, TOKEN_BURST_SECONDS = 0.95, 1.0
# A 429 means someone else shares the limit: after its retry-after, go at SLOWDOWN of the pace and recover linearly.
SLOWDOWN, MIN_FACTOR, RECOVERY_SECONDS = 0.8, 0.5, 1.0
MAX_WAIT = 60.0
_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_duration(text: str | None) -> float | None:
    """Seconds in a reset header such as "1s", "6m0s", "20ms" or a bare number of seconds."""
    if not text:
        return None
    text = text.strip()
    try:
        return float(text)
    except ValueError:
        parts = _DURATION.findall(text)
        return sum(float(n) * _UNITS[u] for n, u in parts) if parts else None


def retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds a 429 asks us to wait: `retry-after-ms` first (precise), then `retry-after` (may be fractional)."""
    ms = parse_duration(headers.get("retry-after-ms"))
    if ms is not None:
        return ms / 1000
    return parse_duration(headers.get("retry-after"))


class _Schedule:
    """Generic cell rate algorithm: evenly spaced starts, with an allowance of `burst` seconds."""

    def __init__(self, per_second: float, burst: float = 0.0) -> None:
        self.per_second, self.burst, self.tat = per_second, burst, 0.0

    def reserve(self, cost: float, now: float, factor: float) -> float:
        start = max(now, self.tat - self.burst)
        self.tat = max(self.tat, start) + cost / (self.per_second * factor)
        return start


class _Window:
    """When each of the last `cap` requests actually left: a start waits until the oldest is a window ago."""

    def __init__(self, cap: int) -> None:
        self._sent: deque[float] = deque(maxlen=cap)

    def wait(self, now: float) -> float:
        """Seconds until one more start keeps the rolling window within its cap."""
        if len(self._sent) < (self._sent.maxlen or 0):
            return 0.0
        return self._sent[0] + WINDOW_SECONDS - now

    def sent(self, now: float) -> None:
        """A request leaves now."""
        self._sent.append(now)


class Pacer:
    """Hands out start times that keep within the limits; a 429 pauses everyone for as long as it asks."""

    def __init__(
        self, rpm: int | None = None, tpm: int | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.clock = clock
        self._requests = _Schedule(rpm / 60 * REQUEST_HEADROOM) if rpm else None
        self._window = _Window(max(1, math.ceil(rpm / 60))) if rpm else None  # as the server counts a second
        self._tokens = _Schedule(tpm / 60 * TOKEN_HEADROOM, TOKEN_BURST_SECONDS) if tpm else None
        self.pause_until, self.throttled = 0.0, 0
        self._epoch = 0  # bumped by each 429: starts reserved before it are given out again
        self._retries_until = 0.0  # the slots held for the SDK's retries run until then
        self._slowed, self._slowed_from = 1.0, 0.0  # the factor right after the last 429, and when recovery starts

    @property
    def counts_tokens(self) -> bool:
        """Whether requests must say their size (only a token limit needs it)."""
        return self._tokens is not None

    @property
    def factor(self) -> float:
        """The share of the full pace allowed now: below 1 for about a second after a 429."""
        gained = (self.clock() - self._slowed_from) / RECOVERY_SECONDS * (1.0 - self._slowed)
        return min(1.0, self._slowed + max(0.0, gained))

    def reserve(self, tokens: int = 0) -> float:
        """The start time for a request of `tokens` (prompt plus max output), reserved now."""
        now, factor = self.clock(), self.factor
        start = max(now, self.pause_until)
        if self._requests:
            start = max(start, self._requests.reserve(1, start, factor))
        if self._tokens:
            start = max(start, self._tokens.reserve(tokens, start, factor))
        return start

    async def acquire(self, tokens: int = 0) -> None:
        """Wait until this request may start; a 429 meanwhile sends it back to the queue behind the pause."""
        while True:
            epoch, start = self._epoch, self.reserve(tokens)
            delay = start - self.clock()
            if delay > 0:
                await asyncio.sleep(delay)
            while epoch == self._epoch and self._window and (late := self._window.wait(self.clock())) > 0:
                await asyncio.sleep(late)
            if epoch == self._epoch:
                if self._window:
                    self._window.sent(self.clock())
                return

    def observe(self, status: int, headers: Mapping[str, str], sent: float | None = None) -> None:
        """Adapt to a response (of a request sent at `sent`): wait out a 429 or an exhausted limit."""
        now = self.clock()
        if status == 429:
            self.throttled += 1
            wait = min(retry_after(headers) or 1.0, MAX_WAIT)
            self.pause_until = max(self.pause_until, now + wait)
            self._slowed, self._slowed_from = max(MIN_FACTOR, self.factor * SLOWDOWN), self.pause_until
            self._epoch += 1
            if self._requests:  # earlier reservations are void; the SDK's retries take the first slots after the pause
                self._requests.tat = max(self.pause_until, self._retries_until if self._retries_until > now else 0.0)
                self._requests.reserve(1, self._requests.tat, self._slowed)
                self._retries_until = self._requests.tat
            return
        for kind in ("requests", "tokens"):
            if headers.get(f"x-ratelimit-remaining-{kind}") == "0":
                # The reset counts from when the server took the request, not from when its answer reached us.
                reset = parse_duration(headers.get(f"x-ratelimit-reset-{kind}")) or 0.0
                self.pause_until = max(self.pause_until, (now if sent is None else sent) + min(reset, MAX_WAIT))

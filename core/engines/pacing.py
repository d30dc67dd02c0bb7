"""Smooth pacing under requests- and tokens-per-minute limits, adapting to what the server says."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable, Mapping

# Providers enforce per-minute limits over short windows, so we never send a minute's burst;
# and we aim a little under the limit so clock jitter does not tip a request over it.
HEADROOM = 0.95
TOKEN_BURST_SECONDS = 1.0
MIN_FACTOR, RECOVERY = 0.5, 1.01
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


class _Schedule:
    """Generic cell rate algorithm: evenly spaced starts, with an allowance of `burst` seconds."""

    def __init__(self, per_second: float, burst: float = 0.0) -> None:
        self.per_second, self.burst, self.tat = per_second, burst, 0.0

    def reserve(self, cost: float, now: float, factor: float) -> float:
        start = max(now, self.tat - self.burst)
        self.tat = max(self.tat, start) + cost / (self.per_second * factor)
        return start


class Pacer:
    """Hands out start times so requests flow at the limits' pace; a 429 pauses everyone."""

    def __init__(
        self, rpm: int | None = None, tpm: int | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.clock = clock
        self._requests = _Schedule(rpm / 60 * HEADROOM) if rpm else None
        self._tokens = _Schedule(tpm / 60 * HEADROOM, TOKEN_BURST_SECONDS) if tpm else None
        self.factor, self.pause_until, self.throttled = 1.0, 0.0, 0

    def reserve(self, tokens: int) -> float:
        """The start time for a request of `tokens` (prompt plus max output), reserved now."""
        now = self.clock()
        start = max(now, self.pause_until)
        if self._requests:
            start = max(start, self._requests.reserve(1, start, self.factor))
        if self._tokens:
            start = max(start, self._tokens.reserve(tokens, start, self.factor))
        return start

    async def acquire(self, tokens: int) -> None:
        """Wait until this request may start."""
        delay = self.reserve(tokens) - self.clock()
        if delay > 0:
            await asyncio.sleep(delay)

    def observe(self, status: int, headers: Mapping[str, str]) -> None:
        """Adapt to a response: slow everyone after a 429, wait out exhausted limits, recover slowly."""
        now = self.clock()
        if status == 429:
            self.throttled += 1
            self.factor = max(MIN_FACTOR, self.factor * 0.8)
            wait = parse_duration(headers.get("retry-after")) or 1.0
            self.pause_until = max(self.pause_until, now + min(wait, 60.0))
            return
        self.factor = min(1.0, self.factor * RECOVERY)
        for kind in ("requests", "tokens"):
            if headers.get(f"x-ratelimit-remaining-{kind}") == "0":
                reset = parse_duration(headers.get(f"x-ratelimit-reset-{kind}")) or 0.0
                self.pause_until = max(self.pause_until, now + min(reset, 60.0))

"""Layers around an engine: pacing under rate limits and a spending budget, each an Engine itself."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace

from core.engines.factory import make_engine
from core.engines.pacing import Pacer
from core.engines.pricing import PriceList, load_prices
from core.engines.protocol import Completion, Engine, Message
from core.engines.tokens import count_messages
from core.errors import EngineError
from core.settings import ModelSettings
from core.store import Store, request_key


class Layer:
    """Passes everything through to the engine inside."""

    def __init__(self, inner: Engine) -> None:
        self.inner = inner
        self.name = inner.name

    async def complete(self, messages: list[Message], **kw) -> Completion:
        return await self.inner.complete(messages, **kw)

    def stream(
        self, messages: list[Message], on_usage: Callable[[Completion], None] | None = None
    ) -> AsyncIterator[str]:
        return self.inner.stream(messages, on_usage=on_usage)

    async def aclose(self) -> None:
        await self.inner.aclose()


class PacedEngine(Layer):
    """Waits for the pacer before each request; the engine reports responses back to it."""

    def __init__(self, inner: Engine, pacer: Pacer, model: str, max_tokens: int) -> None:
        super().__init__(inner)
        self.pacer, self.model, self.max_tokens = pacer, model, max_tokens
        if hasattr(inner, "observer"):
            inner.observer = pacer.observe

    async def complete(self, messages: list[Message], **kw) -> Completion:
        """Answer once the limits allow (prompt tokens plus max output count against TPM)."""
        tokens = count_messages(messages, self.model).tokens + self.max_tokens if self.pacer.counts_tokens else 0
        await self.pacer.acquire(tokens)
        return await self.inner.complete(messages, **kw)


@dataclass
class Spend:
    """Money spent so far and money held for requests in flight."""

    spent: float = 0.0
    held: float = 0.0


class BudgetedEngine(Layer):
    """Refuses to send a request whose worst-case cost would pass the budget; what finished is kept."""

    def __init__(
        self, inner: Engine, budget: float, model: str, max_tokens: int, prices: PriceList | None = None
    ) -> None:
        super().__init__(inner)
        self.budget, self.model, self.max_tokens = budget, model, max_tokens
        self.prices = prices or load_prices()
        if self.prices.price(model) is None:
            raise EngineError(
                f"No price is known for {model}, so a budget cannot be kept (add it to core/presets/prices.toml).",
                kind="budget",
            )
        self.spend = Spend()

    async def complete(self, messages: list[Message], **kw) -> Completion:
        """Answer only if spent + held + this request's worst case stays within the budget."""
        worst = self.prices.cost(self.model, count_messages(messages, self.model).tokens, self.max_tokens) or 0.0
        if self.spend.spent + self.spend.held + worst > self.budget:
            raise EngineError(f"Budget of ${self.budget:.2f} reached: not sent", kind="budget")
        self.spend.held += worst
        try:
            done = await self.inner.complete(messages, **kw)
        finally:
            self.spend.held -= worst
        self.spend.spent += self.prices.cost(self.model, done.prompt_tokens, done.completion_tokens) or 0.0
        return done


class StoredEngine(Layer):
    """Serves a request identical to one already answered from the store; saves each new answer at once."""

    def __init__(
        self, inner: Engine, store: Store, model: str, params: dict, reuse: bool = True, owns_store: bool = False
    ) -> None:
        super().__init__(inner)
        self.store, self.model, self.params, self.reuse = store, model, params, reuse
        self.owns_store, self.served = owns_store, 0

    async def aclose(self) -> None:
        """Close the engine inside, and the store connection when it was opened for this engine alone."""
        try:
            await self.inner.aclose()
        finally:
            if self.owns_store:
                self.store.close()

    async def complete(self, messages: list[Message], **kw) -> Completion:
        """The stored answer (costing nothing now), or a new one that is stored before it is returned."""
        key = request_key(self.model, messages, self.params | kw)
        hit = self.store.answer(key) if self.reuse else None
        if hit is not None:
            self.served += 1
            return Completion(hit[0], 0, 0, 0.0, "stored")
        done = await self.inner.complete(messages, **kw)
        self.store.save_answer(key, done.text, done.prompt_tokens, done.completion_tokens)
        return done

    async def stream(
        self, messages: list[Message], on_usage: Callable[[Completion], None] | None = None
    ) -> AsyncIterator[str]:
        """The stored answer in one piece, or the stream, stored once it has ended whole."""
        key = request_key(self.model, messages, self.params)
        hit = self.store.answer(key) if self.reuse else None
        if hit is not None:
            self.served += 1
            yield hit[0]
            if on_usage:
                on_usage(Completion(hit[0], 0, 0, 0.0, "stored"))
            return
        ended: list[Completion] = []
        async for delta in self.inner.stream(messages, on_usage=ended.append):
            yield delta
        if ended and ended[-1].finish_reason == "stop":  # a cut-off answer is not worth keeping
            self.store.save_answer(key, ended[-1].text, ended[-1].prompt_tokens, ended[-1].completion_tokens)
        if on_usage and ended:
            on_usage(ended[-1])


@dataclass(frozen=True)
class RunOptions:
    """How a run is paced, packed and capped."""

    rpm: int | None = None
    tpm: int | None = None
    budget: float | None = None
    pack: int = 1
    reuse_answers: bool = True
    fillers: tuple[str, ...] | None = None  # the offline engine's edited filler list (None: the preset's)
    sentences: int | None = None  # the offline engine's summary length

    @property
    def paced(self) -> bool:
        """Whether a requests- or tokens-per-minute limit paces the run."""
        return bool(self.rpm or self.tpm)


def answer_params(settings: ModelSettings, name: str, options: RunOptions = RunOptions()) -> dict:
    """The parameters that, with the model and messages, decide an answer."""
    if name == "offline":
        from core.offline.engine import offline_params

        return offline_params(options.fillers, options.sentences)
    return {"engine": name, "temperature": settings.temperature, "max_tokens": settings.max_tokens}


def build_engine(
    settings: ModelSettings,
    name: str,
    task: str | None,
    options: RunOptions = RunOptions(),
    store: Store | None = None,
    owns_store: bool = False,
) -> Engine:
    """The engine with the layers asked for: stored answers outermost, then the budget, pacing inside.

    `owns_store`: the store connection was opened for this engine (e.g. in another thread) and closes with it."""
    if options.pack > 1:  # one answer now holds `pack` answers
        settings = replace(settings, max_tokens=settings.max_tokens * options.pack)
    engine = make_engine(settings, name, task=task, fillers=options.fillers, sentences=options.sentences)
    if name == "openai" and options.paced:
        engine = PacedEngine(engine, Pacer(options.rpm, options.tpm), settings.model, settings.max_tokens)
    if options.budget is not None:
        engine = BudgetedEngine(engine, options.budget, settings.model, settings.max_tokens)
    if store is not None:
        engine = StoredEngine(
            engine, store, settings.model, answer_params(settings, name, options), options.reuse_answers, owns_store
        )
    return engine

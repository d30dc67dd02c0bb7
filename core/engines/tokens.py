"""Token counts: exact offline for OpenAI's encodings (bpe-openai ships the tables), else a labelled estimate."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from core.engines.families import family
from core.engines.protocol import Message

# Per OpenAI's guidance for chat models: each message costs a few tokens of framing, the reply a few more.
PER_MESSAGE, PER_REPLY = 3, 3
O200K = ("gpt-4o", "gpt-4.1", "gpt-4.5", "gpt-5", "o1", "o3", "o4", "chatgpt-4o", "gpt-oss")
CL100K = ("gpt-4", "gpt-3.5", "text-embedding-3", "text-embedding-ada")
ENCODINGS = {name: "o200k_base" for name in O200K} | {name: "cl100k_base" for name in CL100K}


@dataclass(frozen=True)
class Count:
    """A token count and whether it is exact (the model's own encoding) or an estimate."""

    tokens: int
    exact: bool

    def __add__(self, other: Count) -> Count:
        return Count(self.tokens + other.tokens, self.exact and other.exact)


@lru_cache(maxsize=64)
def encoding_name(model: str) -> str | None:
    """The OpenAI encoding a model uses, or None when it is not an OpenAI model we know."""
    known = family(model, ENCODINGS)
    return ENCODINGS[known] if known else None


class _Counter:
    """Counts tokens of one encoding with bpe-openai's Rust tokenizer."""

    def __init__(self, backend) -> None:
        self.backend = backend

    def count(self, text: str) -> int:
        """Tokens in `text`, special-token text counted as ordinary text."""
        try:
            return self.backend.count(text)
        except UnicodeEncodeError:  # lone surrogates: counted as the replacement character, as bpe-openai does
            return self.backend.count(text.encode("utf-16", "surrogatepass").decode("utf-16", "replace"))


def _bindings():
    """bpe-openai's compiled tokenizer alone: `import bpe_openai` first decodes every vocabulary in Python (~1 s)."""
    import importlib.util

    spec = importlib.util.find_spec("bpe_openai")
    folder = Path(spec.origin).parent if spec and spec.origin else None
    for path in sorted(folder.glob("_bindings*")) if folder else []:
        spec = importlib.util.spec_from_file_location("bpe_openai._bindings", path)
        if spec and spec.loader:
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module
    import bpe_openai._bindings  # the package's own way, slower

    return bpe_openai._bindings


@lru_cache(maxsize=2)
def _encoding(name: str) -> _Counter:
    # Only the vocabulary this model needs is built (~50 ms), when a count is first asked for.
    return _Counter(_bindings().tokenizer_for_encoding(name))


def estimate(text: str) -> int:
    """A rough count for unknown models: about one token per Hangul/CJK character, four ASCII characters per token."""
    ascii_chars = sum(ch.isascii() for ch in text)
    return (len(text) - ascii_chars) + (ascii_chars + 3) // 4


def _counter(model: str) -> tuple[Callable[[str], int], bool]:
    """How to count a text for `model`, and whether that count is exact."""
    name = encoding_name(model)
    return (estimate, False) if name is None else (_encoding(name).count, True)


def load_vocabulary(model: str) -> None:
    """Load the vocabulary `model` counts with now (a ~50 ms step that holds the interpreter), if it has one."""
    _counter(model)


def count_text(text: str, model: str) -> Count:
    """Tokens in `text` for `model`."""
    count, exact = _counter(model)
    return Count(count(text), exact)


def count_messages(messages: list[Message], model: str) -> Count:
    """Prompt tokens a chat request will be billed for."""
    count, exact = _counter(model)
    return Count(PER_REPLY + sum(count(m["content"]) + PER_MESSAGE + 1 for m in messages), exact)

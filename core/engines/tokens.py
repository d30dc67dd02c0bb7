"""Token counts: exact offline for OpenAI's encodings (bpe-openai ships the tables), else a labelled estimate."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

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


def encoding_name(model: str) -> str | None:
    """The OpenAI encoding a model uses, or None when it is not an OpenAI model we know."""
    known = family(model, ENCODINGS)
    return ENCODINGS[known] if known else None


@lru_cache(maxsize=2)
def _encoding(name: str):
    import bpe_openai  # loads ~0.5 s of tables: only when a count is asked for

    return bpe_openai.get_encoding(name)


def estimate(text: str) -> int:
    """A rough count for unknown models: about one token per Hangul/CJK character, four ASCII characters per token."""
    ascii_chars = sum(ch.isascii() for ch in text)
    return (len(text) - ascii_chars) + (ascii_chars + 3) // 4


def count_text(text: str, model: str) -> Count:
    """Tokens in `text` for `model`."""
    name = encoding_name(model)
    if name is None:
        return Count(estimate(text), False)
    return Count(len(_encoding(name).encode_ordinary(text)), True)


def count_messages(messages: list[Message], model: str) -> Count:
    """Prompt tokens a chat request will be billed for."""
    total = Count(PER_REPLY, True)
    for message in messages:
        total = total + count_text(message["content"], model) + Count(PER_MESSAGE + 1, True)
    return total

"""A local OpenAI-compatible server for tests and benchmarks: chat completions, models, faults, a request log."""

from testserver.server import FakeOpenAI, RecordedRequest, echo_responder

__all__ = ["FakeOpenAI", "RecordedRequest", "echo_responder"]

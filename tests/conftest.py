"""Shared test setup: every test gets its own run store, never the user's."""

import pytest

from core.store import ENV_STORE
from testserver.server import FakeOpenAI


@pytest.fixture(autouse=True)
def private_store(tmp_path_factory, monkeypatch):
    path = tmp_path_factory.mktemp("store") / "runs.sqlite3"
    monkeypatch.setenv(ENV_STORE, str(path))
    return path


@pytest.fixture
def server():
    """A fresh local OpenAI-compatible server for one test (modules that share one define their own)."""
    with FakeOpenAI() as srv:
        yield srv


@pytest.fixture
def at(server):
    """A session with the CP949 utterance table loaded, on the Rows page, pointed at `server`."""
    from tests.app_support import connect, loaded  # imported late: it loads Streamlit's test harness

    return connect(loaded(), server.base_url)

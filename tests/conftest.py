"""Shared test setup: every test gets its own run store, never the user's."""
import pytest

from core.store import ENV_STORE


@pytest.fixture(autouse=True)
def private_store(tmp_path_factory, monkeypatch):
    path = tmp_path_factory.mktemp("store") / "runs.sqlite3"
    monkeypatch.setenv(ENV_STORE, str(path))
    return path

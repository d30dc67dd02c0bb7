"""`python -m core` in this process through `main(argv)`: exit code, stdout and stderr as a subprocess gives them."""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass

from core.cli.main import main

KEY = "sk-cli-planted-key-0000"


@dataclass(frozen=True)
class Done:
    """How a command ended, as `subprocess.run(..., text=True)` would report it."""

    returncode: int
    stdout: str
    stderr: str


@contextlib.contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """OPENAI_* variables replaced by `values` for the command, the environment restored after."""
    saved = dict(os.environ)
    for name in [n for n in os.environ if n.startswith("OPENAI_")]:
        del os.environ[name]
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _stream() -> io.TextIOWrapper:
    """A redirected stream with a byte buffer under it (commands write CSV bytes to stdout.buffer)."""
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="")


def _text(stream: io.TextIOWrapper) -> str:
    stream.flush()
    return stream.buffer.getvalue().decode("utf-8")


def cli(*args: object, server=None, key: str = KEY) -> Done:
    """Run one command in-process; with `server`, the key and base URL point at our local server."""
    values = {"OPENAI_API_KEY": key, "OPENAI_BASE_URL": server.base_url} if server is not None else {}
    out, err = _stream(), _stream()
    with _environment(values), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse's usage errors and --help
            code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 2
    return Done(code, _text(out), _text(err))

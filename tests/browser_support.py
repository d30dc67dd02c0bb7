"""Running the real app for browser tests and screenshots: a Streamlit server and Debian's Chromium."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from core.store import ENV_STORE

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    """Debian's Chromium, if installed (never a downloaded browser build)."""
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def browser_expect(timeout_ms: int | None = None):
    """Playwright's `expect` for a browser test module, or skip the module (no Chromium, no playwright package).

    `timeout_ms`: how long an expectation may wait (two cores are shared by Chromium, Streamlit and the test server)."""
    import pytest

    if chromium_path() is None:
        pytest.skip(
            "Chromium not found at /usr/bin/chromium or on PATH (Debian: apt-get install chromium)",
            allow_module_level=True,
        )
    expect = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed").expect
    if timeout_ms is not None:
        expect.set_options(timeout=timeout_ms)
    return expect


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch(playwright):
    """Chromium headless with the flags this machine needs."""
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as resp:
                if resp.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("streamlit did not become healthy in time")


@contextmanager
def streamlit_app(env: dict[str, str | None], timeout: float = 60.0) -> Iterator[str]:
    """`streamlit run app.py` on a free port with `env` added (None: removed); yields its URL, stops it after."""
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    log = Path(tempfile.mkstemp(prefix="streamlit-", suffix=".log")[1])
    # Never the user's own run store: a test's runs and answers would show in their History and serve later tests.
    store_dir = tempfile.TemporaryDirectory(prefix="studio-store-")
    env = {ENV_STORE: str(Path(store_dir.name) / "runs.sqlite3"), **env}
    with open(log, "w") as out:
        full = {k: v for k, v in {**os.environ, **env}.items() if v is not None}
        proc = subprocess.Popen(cmd, cwd=ROOT, env=full, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc, log, timeout)
        yield url
    finally:
        _stop(proc)
        log.unlink(missing_ok=True)
        store_dir.cleanup()


def _stop(proc: subprocess.Popen) -> None:
    """Stop the app and whatever it started (its own process group; Windows has no groups to signal)."""
    if os.name == "nt":
        proc.terminate()
        proc.wait(10)
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(5)


@contextmanager
def korean_page(app_url: str) -> Iterator:
    """A fresh Korean-locale Chromium page on the app, closed after."""
    from playwright import sync_api

    with sync_api.sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context(locale="ko-KR", viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(app_url)
        yield page
        browser.close()


def settled(page, timeout: float = 20_000) -> None:
    """Wait for the current rerun to finish."""
    from playwright.sync_api import expect

    page.wait_for_timeout(300)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=timeout)


def _column_index(grid, column: str, timeout: float) -> int:
    """Where `column` is among the grid's headers (0 is the row numbers)."""
    from playwright.sync_api import expect

    headers = grid.get_by_role("columnheader", include_hidden=True)
    expect(headers.filter(has_text=column)).to_have_count(1, timeout=timeout)
    names = headers.evaluate_all("hs => hs.map(h => h.textContent)")
    index = next((i for i, h in enumerate(names) if column in h), None)
    assert index is not None, f"no column {column!r} in {names}"
    return index


_FOCUSED = """([cell]) => { const a = document.activeElement, grid = '[data-testid="stDataFrame"]';
    return a?.id === cell && a.closest(grid) === document.querySelector(grid); }"""


def grid_cell(page, row: int, column: str, timeout: float = 20_000) -> None:
    """Focus the results grid on (row of the rows shown, 0-based; column): click the row number, then arrow right,
    each step waited for in the grid itself (a key sent before the grid took the click is lost)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    grid = page.get_by_test_id("stDataFrame").first  # the results; per-row details follow it
    index = _column_index(grid, column, timeout)
    for _ in range(3):
        grid.scroll_into_view_if_needed()  # the quote and metrics above push it below the fold
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 12, box["y"] + 35 * (row + 1) + 17)  # the row-number cell of that row
        try:
            page.wait_for_function(_FOCUSED, arg=[f"glide-cell-0-{row}"], polling="raf", timeout=timeout / 4)
            for step in range(1, index + 1):
                page.keyboard.press("ArrowRight")
                page.wait_for_function(_FOCUSED, arg=[f"glide-cell-{step}-{row}"], polling="raf", timeout=timeout / 4)
            return
        except PlaywrightTimeout:
            continue  # the click or a key met a redraw of the grid (or the page moved under it): from the start
    raise AssertionError(f"a click on row {row + 1}'s number never focused it")


def grid_column(page, column: str, timeout: float = 20_000) -> dict[int, str]:
    """What the results grid holds in `column`, by row (0-based), as the browser has it now (its accessible table,
    rows drawn only)."""
    grid = page.get_by_test_id("stDataFrame").first
    index = _column_index(grid, column, timeout)
    cells = grid.locator(f'[data-testid^="glide-cell-{index}-"]')
    found = cells.evaluate_all("cs => cs.map(c => [c.dataset.testid, c.textContent])")
    return {int(testid.rsplit("-", 1)[1]): text for testid, text in found}


def cell_editor(page, row: int, column: str, timeout: float = 20_000):
    """The grid's editor opened with the keyboard on (row, column), walked to again when a redraw of the grid
    between the arrow keys left the focus on a read-only column."""
    from playwright.sync_api import expect

    editor = page.get_by_test_id("portal").locator("textarea")
    for _ in range(3):
        grid_cell(page, row, column, timeout)
        page.keyboard.press("Enter")
        expect(editor).to_be_visible(timeout=timeout)
        if editor.is_enabled():
            return editor
        page.keyboard.press("Escape")
        settled(page, timeout)
    raise AssertionError(f"the editor of row {row + 1}, column {column!r} never opened for writing")


_CELL_IS = """([testid, text]) =>
    document.querySelector(`[data-testid="stDataFrame"] [data-testid="${testid}"]`)?.textContent === text"""


def tick_row(page, row: int, offered, timeout: float = 20_000) -> float:
    """Tick `row` (0-based), and only it, with the keyboard; wait until `offered` (what the tick enables) is enabled.
    Returns seconds from the key press that ticked it to `offered` enabled.

    Should a key still go astray (the grid redrawn after it was focused), the grid's own values say what each press
    did: a tick that landed on another row is pressed off again, and a key that reached no tick (an editor it may
    have opened is closed) is tried again.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    grid = page.get_by_test_id("stDataFrame").first
    index, seen = _column_index(grid, "선택", timeout), []

    def ticked() -> list[int]:
        return sorted(r for r, v in grid_column(page, "선택", timeout).items() if v == "true")

    for _ in range(5):
        before = ticked()
        seen.append(before)
        # a stray tick first; the row itself when it shows ticked but the app never heard (off, then on again)
        toggle = next((r for r in before if r != row), row)
        grid_cell(page, toggle, "선택", timeout)
        pressed = time.perf_counter()
        page.keyboard.press(" ")
        if toggle == row and row not in before:
            try:
                expect(offered).to_be_enabled(timeout=timeout)
                took = time.perf_counter() - pressed
                # the grid's accessible copy of its values is redrawn a little after the app answers
                page.wait_for_function(_CELL_IS, arg=[f"glide-cell-{index}-{row}", "true"], timeout=5_000)
                if ticked() == [row]:
                    return took
            except (AssertionError, PlaywrightTimeout):
                page.keyboard.press("Escape")
        else:
            try:
                want = "true" if toggle not in before else "false"
                page.wait_for_function(_CELL_IS, arg=[f"glide-cell-{index}-{toggle}", want], timeout=5_000)
            except PlaywrightTimeout:
                page.keyboard.press("Escape")
        settled(page, timeout)
    buttons = page.get_by_role("button").evaluate_all("bs => bs.map(b => b.textContent).filter(Boolean)")
    raise AssertionError(f"the tick of row {row + 1} never registered; rows ticked before each try: {seen}; {buttons}")

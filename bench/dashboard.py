"""The Rows page at real sizes, in Chromium, side by side with the CLI on the same files.

    python -m bench.dashboard                    # 1k, 10k and 50k rows
    python -m bench.dashboard --sizes 1000 --model-sizes 1000

For each size: an offline 대본 정리 of every row from the page vs `python -m core run --engine offline`; a model run
(200 ms latency, 32 in flight, the local server) vs the CLI on the same rows; one answer cell edited and one row ticked
(seconds until the page has answered); the Streamlit server's CPU seconds and peak memory.
Not part of the test run: it takes minutes and its figures depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

from bench.dashfiles import cli, utterances
from tests.browser_support import cell_editor, korean_page, settled, streamlit_app, tick_row
from testserver.server import FakeOpenAI

RESULTS = Path(__file__).parent / "results"
OUT = "정리된 발화"
LATENCY, CONCURRENCY = 0.2, 32
LONG = 900_000  # ms: a slow run must still be measured, not cut off
STEP = 120_000  # ms: an edit or a tick that takes longer than this is broken, not slow


class Server:
    """The Streamlit process behind a URL: CPU seconds and peak memory from /proc (Linux)."""

    def __init__(self, url: str) -> None:
        port = url.rsplit(":", 1)[1]
        self.pid = next(
            int(p.name)
            for p in Path("/proc").iterdir()
            if p.name.isdigit() and _cmdline(p).count(port) and "streamlit" in _cmdline(p)
        )

    def cpu(self) -> float:
        """User plus system seconds so far."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / 100

    def peak_mb(self) -> float:
        """The largest resident size so far (VmHWM)."""
        line = next(x for x in Path(f"/proc/{self.pid}/status").read_text().splitlines() if x.startswith("VmHWM"))
        return int(line.split()[1]) / 1024


def _cmdline(p: Path) -> str:
    try:
        return (p / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def _open_rows(page, path: Path, n: int, expect) -> None:
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(path)
    count = re.compile(rf"^{n:,}$|^{n}$")
    expect(page.get_by_test_id("stMetricValue").filter(has_text=count)).to_have_count(1, timeout=LONG)
    settled(page, LONG)
    page.get_by_test_id("stSidebar").get_by_role("link", name="행별 처리").click()
    settled(page, LONG)


def _set_concurrency(page, value: int) -> None:
    box = page.get_by_test_id("stSidebar").get_by_role("spinbutton", name="동시 요청")
    box.fill(str(value))
    box.press("Enter")
    settled(page)


def _run_all(page, n: int, expect) -> float:
    """Click Run and wait for the page to say every row is done: seconds."""
    started = time.perf_counter()
    page.get_by_role("button", name=f"전체 {n:,}행 실행").click()
    done = page.get_by_text(re.compile(rf"^{n:,}행 처리를 마쳤습니다|^{n}행 처리를 마쳤습니다"))
    expect(done).to_be_visible(timeout=LONG)
    seconds = time.perf_counter() - started
    settled(page, LONG)
    return seconds


def _edit(page, expect) -> float:
    """Edit row 2's answer: seconds from the commit until the page counts the edit."""
    editor = cell_editor(page, 1, OUT, STEP)
    editor.fill("손으로 고친 답")
    started = time.perf_counter()
    editor.press("Enter")
    expect(page.get_by_text(re.compile(r"손으로 고친 셀: 1개"))).to_be_visible(timeout=STEP)
    seconds = time.perf_counter() - started
    settled(page, STEP)
    return seconds


def _tick(page) -> float:
    """Tick row 3: seconds until the re-run button offers one row."""
    seconds = tick_row(page, 2, page.get_by_role("button", name=re.compile("선택한 1행 다시 실행")), STEP)
    settled(page, STEP)
    return seconds


def dashboard(path: Path, n: int, *, model: bool, base_url: str | None = None) -> dict:
    """One session on a fresh app: upload, run (offline, or the model at 32 in flight), edit, tick."""
    from playwright.sync_api import expect

    env = {"OPENAI_API_KEY": "sk-bench", "OPENAI_BASE_URL": base_url} if model else {}
    env = {"OPENAI_API_KEY": None, "OPENAI_BASE_URL": None} | env
    with streamlit_app(env) as url, korean_page(url) as page:
        server = Server(url)
        _say(f"{n:,} rows, {'model' if model else 'offline'}: uploading")
        _open_rows(page, path, n, expect)
        if model:
            _set_concurrency(page, CONCURRENCY)
        cpu = server.cpu()
        _say("running")
        run = _run_all(page, n, expect)
        cpu = server.cpu() - cpu
        _say(f"ran in {run:.1f} s; ticking and editing")
        tick = _tick(page)  # first: the edit scrolls the grid away from the tick column
        edit = _edit(page, expect)
        return {"seconds": run, "server_cpu": cpu, "edit": edit, "tick": tick, "peak_mb": server.peak_mb()}


def measure(sizes: list[int], model_sizes: list[int], folder: Path) -> dict:
    """Every size: offline from the page and the CLI, then (for model_sizes) a model run from both."""
    out: dict = {}
    for n in sizes:
        path = utterances(n, folder)
        row = {"offline": dashboard(path, n, model=False)}
        row["offline_cli"] = cli(path, folder / f"cli_offline_{n}.sqlite3", engine="offline")
        if n in model_sizes:
            with FakeOpenAI(latency=LATENCY) as srv:
                row["model"] = dashboard(path, n, model=True, base_url=srv.base_url)
                row["model_cli"] = cli(
                    path, folder / f"cli_model_{n}.sqlite3", engine="openai", base_url=srv.base_url,
                    concurrency=CONCURRENCY,
                )  # fmt: skip
        out[str(n)] = row
        print(json.dumps({n: row}), flush=True)
    return out


def table(results: dict) -> str:
    """The README's dashboard table."""
    lines = [
        "| rows | offline: page vs CLI | model run (200 ms, 32 in flight): page vs CLI | edit a cell | tick a row "
        "| server CPU (offline run) | server peak memory |",
        "|---|---|---|---|---|---|---|",
    ]
    for n, r in results.items():
        off, cli_off = r["offline"], r["offline_cli"]
        model = "—"
        if "model" in r:
            model = f"{r['model']['seconds']:.1f} s vs {r['model_cli']['seconds']:.1f} s = "
            model += f"{r['model']['seconds'] / r['model_cli']['seconds']:.2f}×"
        worst = max([off, r.get("model", off)], key=lambda x: x["peak_mb"])
        lines.append(
            f"| {int(n):,} | {off['seconds']:.1f} s vs {cli_off['seconds']:.1f} s = "
            f"{off['seconds'] / cli_off['seconds']:.2f}× | {model} | {off['edit']:.2f} s | {off['tick']:.2f} s "
            f"| {off['server_cpu']:.1f} s | {worst['peak_mb']:.0f} MB |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Measure, print the table, keep the raw figures in bench/results/dashboard.json."""
    parser = argparse.ArgumentParser(prog="python -m bench.dashboard")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 50_000])
    parser.add_argument("--model-sizes", type=int, nargs="*", default=[1000, 10_000])
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-dash-") as folder:
        results = measure(args.sizes, args.model_sizes, Path(folder))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "dashboard.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

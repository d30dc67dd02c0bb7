"""A 100,000-row batch setup: build, split and upload its files, then collect its results, against the local server."""

from __future__ import annotations

import contextlib
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from core.batch.route import BatchRun, begin, submit, transport_for
from core.batch.watch import refresh
from core.engines.layers import RunOptions
from core.rows.plan import row_plan
from core.rows.service import RunSetup
from core.settings import ModelSettings
from core.store import Store


@contextlib.contextmanager
def _server() -> Iterator[str]:
    """The local server in its own process, so its memory and CPU are not counted as ours."""
    proc = subprocess.Popen([sys.executable, "-m", "testserver.server"], stdout=subprocess.PIPE, text=True)
    try:
        yield proc.stdout.readline().strip()
    finally:
        proc.terminate()
        proc.wait(30)
        proc.stdout.close()


def _peak_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024


def batch_job(rows: int = 100_000, batch_size: int = 50_000) -> dict:
    """Seconds and rows/s to build + split + upload, and to collect; peak memory growth while doing it."""
    speakers = [f"참석자 {i % 7}" for i in range(rows)]
    df = pd.DataFrame({"화자": speakers, "발화": [f"음 그러니까 {i}번째 안건은 일정" for i in range(rows)]})
    plan = row_plan(task="clean", text_column="발화")
    with _server() as base_url, tempfile.TemporaryDirectory() as tmp:
        setup = RunSetup(df, "big.csv", plan, ModelSettings(base_url=base_url, api_key="x"), RunOptions())
        store = Store(Path(tmp) / "runs.sqlite3")
        run_id, _ = begin(setup, store)
        run = BatchRun(setup, store, run_id, transport_for(setup.settings))
        before = _peak_mb()
        started = time.perf_counter()
        parts = submit(run, batch_size=batch_size)
        built = time.perf_counter() - started
        for part in parts:  # the service's work, not ours: outside the timing (each retrieve moves its clock)
            while run.transport.retrieve(part.batch_id)["status"] != "completed":
                pass
        started = time.perf_counter()
        refresh(run)
        collected = time.perf_counter() - started
        ok = sum(r.status == "ok" for r in store.results(run_id))
        run.transport.close()
        store.close()
    return {
        "rows": rows,
        "parts": len(parts),
        "build_seconds": built,
        "build_rows_per_second": rows / built,
        "collect_seconds": collected,
        "collect_rows_per_second": rows / collected,
        "answered": ok,
        "peak_growth_mb": _peak_mb() - before,
    }


if __name__ == "__main__":
    print(batch_job(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000))

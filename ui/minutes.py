"""Minutes by map-reduce on the summary page: the chunk size, each step's progress, the Markdown as written."""
from __future__ import annotations

import time

import streamlit as st

from core.chunking import chunk_transcript, default_chunk_tokens
from core.engine import Completion
from core.loaders import Table
from core.minutes import MinutesResult, minutes_settings, minutes_sync
from core.pipeline import build_engine
from ui import config, prompts
from ui import state as S
from ui import summary
from ui.errors import capture
from ui.i18n import t

MIN_CHUNK, MAX_CHUNK = 50, 1_000_000
CURSOR = "▌"


def model() -> str:
    """The model the minutes are sized and written for."""
    return config.model_settings().model


def budget() -> int:
    """The chunk size in use: the user's, else the model's default."""
    return S.get(S.CHUNK_TOKENS) or default_chunk_tokens(model())


def chunk_count(table: Table) -> int:
    """How many chunks the transcript makes at the size in use (kept while nothing it depends on changes)."""
    key = (S.get(S.UPLOAD)["id"], S.get(S.TEXT_COL), S.get(S.SPEAKER_COL), model(), budget())
    return S.memo("minutes_chunks", key, lambda: len(chunk_transcript(
        table.df, model=model(), text_column=S.get(S.TEXT_COL), speaker_column=S.get(S.SPEAKER_COL),
        chunk_tokens=budget())))


def settings(table: Table) -> None:
    """The chunk size (empty: the model's default, shown) and how many chunks that makes."""
    default = default_chunk_tokens(model())
    st.number_input(t("minutes.chunk_tokens"), MIN_CHUNK, MAX_CHUNK, value=None, step=500,
                    placeholder=t("minutes.chunk_auto", tokens=f"{default:,}"), help=t("minutes.chunk_help"),
                    **S.bind_key(S.CHUNK_TOKENS))
    try:
        chunks = chunk_count(table)
    except Exception as exc:  # a size too small for one utterance, a missing column: say so, writing is refused too
        summary.tell(capture(exc))
        return
    key = "minutes.plan_one" if chunks == 1 else "minutes.plan"
    st.caption(t(key, chunks=f"{chunks:,}", tokens=f"{budget():,}", model=model()))


class Live:
    """The page while the minutes are written: a progress bar for the steps, the Markdown as it grows."""

    def __init__(self) -> None:
        self.bar = st.progress(0.0, text=t("minutes.stage_start"))
        self.box = st.container(border=True).empty()
        self.streamed: list[str] = []

    def progress(self, stage: str, done: int, total: int) -> None:
        """Show how far a step has come."""
        if stage == "final":  # every part is in: what is left is written below as it comes
            self.bar.progress(1.0, text=t("minutes.stage_final"))
        else:
            self.bar.progress(done / total if total else 0.0, text=t(f"minutes.stage_{stage}", done=done, total=total))

    def delta(self, text: str) -> None:
        """Add what was written (whole items, each with its citations) to the page."""
        self.streamed.append(text)
        self.box.markdown("".join(self.streamed) + CURSOR)


def write(table: Table) -> None:
    """Write the minutes chunk by chunk, stream the last step onto the page, then keep them (even a partial text)."""
    S.put(S.SUMMARY_ERROR, None)
    try:
        chosen = minutes_settings(config.model_settings())
        # The same pacing, budget and store as row runs; a rewrite asks afresh instead of reading back the stored text.
        options = config.run_options(reuse_answers=not S.get(S.SUMMARY))
        engine = build_engine(chosen, config.engine_choice()[0], prompts.SUMMARY_TASK, options, config.store())
    except Exception as exc:
        S.put(S.SUMMARY_ERROR, capture(exc))
        return
    live, result, started = Live(), None, time.perf_counter()
    try:
        result = minutes_sync(table.df, engine=engine, model=chosen.model, text_column=S.get(S.TEXT_COL),
                              speaker_column=S.get(S.SPEAKER_COL),
                              system=prompts.system_text(prompts.SUMMARY_TASK), chunk_tokens=S.get(S.CHUNK_TOKENS),
                              concurrency=chosen.concurrency, on_progress=live.progress, on_delta=live.delta)
    except Exception as exc:
        S.put(S.SUMMARY_ERROR, capture(exc))
    finally:  # also when the user stops the script mid-stream: what was written is kept
        _keep(result, "".join(live.streamed), time.perf_counter() - started)
    st.rerun()


def _keep(result: MinutesResult | None, streamed: str, seconds: float) -> None:
    if result is not None:
        usage = Completion(result.markdown, result.prompt_tokens, result.completion_tokens, seconds)
        summary.keep(summary.MINUTES, result.markdown, usage, result)
    elif streamed.strip():  # a partial text: no structured result behind it
        summary.keep(summary.MINUTES, streamed, None)

"""Minutes by map-reduce on the Summary page: the chunk size, then the minutes written in the background (a
core.jobs.minutes.MinutesJob, so reruns and page switches do not stop them), each step's progress and the Markdown as
written, folded into the page once they end."""

from __future__ import annotations

import streamlit as st

from core.engines.layers import build_engine
from core.engines.protocol import Completion
from core.jobs.minutes import MinutesJob, MinutesSnapshot
from core.loaders import Table
from core.minutes.chunking import chunk_transcript, default_chunk_tokens
from core.minutes.mapreduce import MinutesResult, minutes_settings
from core.store import Store
from ui import prompts, settings
from ui import state as S
from ui.errors import capture, show
from ui.i18n import t
from ui.minutes import held
from ui.store import store

MIN_CHUNK, MAX_CHUNK = 50, 1_000_000
CURSOR = "▌"
LIVE_EVERY = 0.5  # seconds between progress refreshes, as on the rows page
STOP_WAIT = 2.0  # seconds Stop waits for the job to wind down, so the page folds it in at once


def model() -> str:
    """The model the minutes are sized and written for."""
    return settings.model_settings().model


def budget() -> int:
    """The chunk size in use: the user's, else the model's default."""
    return S.get(S.CHUNK_TOKENS) or default_chunk_tokens(model())


def chunk_count(table: Table) -> int:
    """How many chunks the transcript makes at the size in use (kept while nothing it depends on changes)."""
    key = (S.upload().id, S.get(S.TEXT_COL), S.get(S.SPEAKER_COL), model(), budget())
    return S.memo(
        "minutes_chunks",
        key,
        lambda: len(
            chunk_transcript(
                table.df,
                model=model(),
                text_column=S.get(S.TEXT_COL),
                speaker_column=S.get(S.SPEAKER_COL),
                chunk_tokens=budget(),
            )
        ),
    )


def chunk_settings(table: Table) -> None:
    """The chunk size (empty: the model's default, shown) and how many chunks that makes."""
    default = default_chunk_tokens(model())
    st.number_input(
        t("minutes.chunk_tokens"),
        MIN_CHUNK,
        MAX_CHUNK,
        value=None,
        step=500,
        placeholder=t("minutes.chunk_auto", tokens=f"{default:,}"),
        help=t("minutes.chunk_help"),
        **S.bind_key(S.CHUNK_TOKENS),
    )
    try:
        chunks = chunk_count(table)
    except Exception as exc:  # a size too small for one utterance, a missing column: say so, writing is refused too
        show(capture(exc))
        return
    key = "minutes.plan_one" if chunks == 1 else "minutes.plan"
    st.caption(t(key, chunks=f"{chunks:,}", tokens=f"{budget():,}", model=model()))


def start(table: Table) -> None:
    """Start writing the minutes in the background, for the table loaded now; a setup problem becomes the error."""
    stop()
    S.put(S.MINUTES_ERROR, None)
    try:
        chosen = minutes_settings(settings.model_settings())
        # The same pacing, budget and store as row runs; a rewrite asks afresh instead of reading back the stored text.
        written = held.current()
        options = settings.run_options(reuse_answers=written is None or not written.text)
        # Its own connection: the job writes from its thread while this session's pages read and write theirs.
        own = Store(store().path)
        engine = build_engine(chosen, settings.engine_choice()[0], prompts.MINUTES_TASK, options, own, owns_store=True)
    except Exception as exc:
        S.put(S.MINUTES_ERROR, capture(exc))
        return
    job = MinutesJob(
        table.df,
        engine=engine,
        model=chosen.model,
        text_column=S.get(S.TEXT_COL),
        speaker_column=S.get(S.SPEAKER_COL),
        system=prompts.system_text(prompts.MINUTES_TASK),
        chunk_tokens=S.get(S.CHUNK_TOKENS),
        concurrency=chosen.concurrency,
    )
    S.put(S.MINUTES_JOB, job.start())


def forget() -> None:
    """Stop at once and drop the job writing minutes (a new table is loaded: they would describe another file)."""
    job = S.minutes_job()
    if job is not None:
        job.cancel()
        S.put(S.MINUTES_JOB, None)


def pending() -> bool:
    """Whether minutes were started for this table and not yet folded in (they may have just ended)."""
    return S.minutes_job() is not None


def stop() -> None:
    """Stop the minutes being written (the Stop button); what was written so far is kept."""
    job = S.minutes_job()
    if job is not None:
        job.cancel()
        job.wait(STOP_WAIT)


def collect() -> bool:
    """Fold minutes that have ended into the page, once: the result, else the text written so far, and any error."""
    job = S.minutes_job()
    if job is None or job.running:
        return False
    S.put(S.MINUTES_JOB, None)
    snap = job.snapshot()
    if snap.error is not None:
        S.put(S.MINUTES_ERROR, capture(snap.error))
    _keep(snap.result, snap.streamed, snap.seconds)
    return True


def stage_text(snap: MinutesSnapshot) -> str:
    """How far the writing has come, in words."""
    return t(f"minutes.stage_{snap.stage}", done=snap.done, total=snap.total)


@st.fragment(run_every=LIVE_EVERY)
def live() -> None:
    """Progress, the Markdown as written and Stop; redrawn on its own, folds the minutes in when they end."""
    job = S.minutes_job()
    if job is None or not job.running:
        collect()
        st.rerun()
    snap = job.snapshot()
    st.progress(snap.fraction, text=stage_text(snap))
    if snap.streamed:
        st.container(border=True).markdown(snap.streamed + CURSOR)
    st.button(t("minutes.stop"), icon="⏹️", key="b.minutes_stop", on_click=stop)


def _keep(result: MinutesResult | None, streamed: str, seconds: float) -> None:
    if result is not None:
        usage = Completion(result.markdown, result.prompt_tokens, result.completion_tokens, seconds)
        held.keep(held.MINUTES, result.markdown, usage, result)
    elif streamed.strip():  # a partial text: no structured result behind it
        held.keep(held.MINUTES, streamed, None)

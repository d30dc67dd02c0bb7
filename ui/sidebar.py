"""The sidebar on every page: language, the system prompt (the main knob), model, throughput, connection."""

from __future__ import annotations

import streamlit as st

from core.engines.factory import ENGINES
from ui import prompts, settings
from ui import state as S
from ui.i18n import LANGS, t, task_title
from ui.rows import runs

MAX_TOKENS_LIMIT = 128_000
MAX_CONCURRENCY = 64
MAX_TIMEOUT = 1800  # seconds: local models on a CPU can take minutes per answer
MAX_RETRIES = 10
MAX_RPM, MAX_TPM = 100_000, 100_000_000  # well above any account's limits
MAX_BUDGET = 10_000.0
MAX_PACK = 50


def render(task: str) -> None:
    """Draw the sidebar; `task` is the task whose system prompt the current page uses."""
    with st.sidebar:
        language()
        system_prompt(task)
        model()
        throughput()
        connection()
        run_status()


def language() -> None:
    """한국어 / English switch."""
    st.radio(t("sidebar.language"), list(LANGS), format_func=LANGS.get, horizontal=True, **S.bind_key(S.LANG))


def system_prompt(task: str) -> None:
    """The system prompt box for `task`, with a reset to the preset's default."""
    st.subheader(t("sidebar.prompt"))
    st.text_area(
        t("sidebar.system_for", task=task_title(task)),
        height=260,
        help=t("sidebar.system_help"),
        **S.bind(prompts.system_widget(task), prompts.system_text(task), lambda text: prompts.set_system(task, text)),
    )
    modified = prompts.is_modified(task)
    st.button(
        t("sidebar.reset"),
        on_click=prompts.reset_system,
        args=(task,),
        disabled=not modified,
        key="b.reset_system",
        icon="↩️",
        width="stretch",
    )
    st.caption(t("sidebar.modified") if modified else t("sidebar.default"))
    saved_prompt_badge(task)


def saved_prompt_badge(task: str) -> None:
    """Which saved prompt (and version) is in use, and whether the box holds unsaved changes."""
    from ui.workbench import library  # the Workbench's prompt library, in the run store

    library.badge(task)


def model() -> None:
    """Model name and sampling settings."""
    st.subheader(t("sidebar.model"))
    st.text_input(t("sidebar.model_name"), help=t("sidebar.model_help"), **S.bind_key(S.MODEL))
    st.slider(
        t("sidebar.temperature"), 0.0, 2.0, step=0.05, help=t("sidebar.temperature_help"), **S.bind_key(S.TEMPERATURE)
    )
    left, right = st.columns(2)
    left.number_input(
        t("sidebar.max_tokens"),
        1,
        MAX_TOKENS_LIMIT,
        step=64,
        help=t("sidebar.max_tokens_help"),
        **S.bind_key(S.MAX_TOKENS),
    )
    right.number_input(
        t("sidebar.concurrency"),
        1,
        MAX_CONCURRENCY,
        step=1,
        help=t("sidebar.concurrency_help"),
        **S.bind_key(S.CONCURRENCY),
    )


def throughput() -> None:
    """Throughput and spend: pace under rate limits, stop at a budget, pack short rows into one request."""
    with st.expander(t("sidebar.throughput"), expanded=bool(S.get(S.BUDGET))):
        left, right = st.columns(2)
        left.number_input(t("sidebar.rpm"), 0, MAX_RPM, step=10, help=t("sidebar.rpm_help"), **S.bind_key(S.RPM))
        right.number_input(t("sidebar.tpm"), 0, MAX_TPM, step=10_000, help=t("sidebar.tpm_help"), **S.bind_key(S.TPM))
        left.number_input(
            t("sidebar.budget"),
            0.0,
            MAX_BUDGET,
            step=0.5,
            format="%.2f",
            help=t("sidebar.budget_help"),
            **S.bind_key(S.BUDGET),
        )
        right.number_input(t("sidebar.pack"), 1, MAX_PACK, step=1, help=t("sidebar.pack_help"), **S.bind_key(S.PACK))


def connection() -> None:
    """API key (this session only), base URL and engine."""
    source = settings.key_source()
    with st.expander(t("sidebar.connection"), expanded=source == "none" and not S.get(S.BASE_URL)):
        st.text_input(
            t("sidebar.api_key"),
            type="password",
            placeholder="sk-...",
            help=t("sidebar.api_key_help"),
            **S.bind_key(S.API_KEY),
        )
        st.caption(t(f"sidebar.key_{source}"))
        st.text_input(
            t("sidebar.base_url"),
            placeholder="https://api.openai.com/v1",
            help=t("sidebar.base_url_help"),
            **S.bind_key(S.BASE_URL),
        )
        names = {settings.AUTO: t("sidebar.engine_auto")}  # looked up now: format_func may run outside this run
        st.selectbox(
            t("sidebar.engine"),
            [settings.AUTO, *ENGINES],
            format_func=lambda name: names.get(name, name),
            help=t("sidebar.engine_help"),
            **S.bind_key(S.ENGINE),
        )
        left, right = st.columns(2)
        left.number_input(
            t("sidebar.timeout"), 5, MAX_TIMEOUT, step=5, help=t("sidebar.timeout_help"), **S.bind_key(S.TIMEOUT)
        )
        right.number_input(
            t("sidebar.retries"), 0, MAX_RETRIES, step=1, help=t("sidebar.retries_help"), **S.bind_key(S.MAX_RETRIES)
        )


def run_status() -> None:
    """A line about a run going on in the background, visible from any page."""
    progress = runs.progress()
    if progress is not None and progress.running:
        st.divider()
        st.progress(progress.fraction, text=t("sidebar.running", done=progress.done, total=progress.total))

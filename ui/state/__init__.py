"""Every session-state key in one place, initialised once per session, and widget<->state binding; the typed
values some keys hold are in ui/state/values.py.

Widget keys are cleaned up by Streamlit when their widget is not drawn (e.g. on another page), so
anything that must last lives under a plain key below; widgets are bound to it with `bind`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import streamlit as st

from core.settings import ModelSettings
from ui.state.values import Minutes, RowRun, RunMessage, Upload

if TYPE_CHECKING:
    from core.jobs.minutes import MinutesJob
    from core.jobs.rows import RowJob
    from ui.rows.window import ResultsWindow
    from ui.workbench.state import Workbench

__all__ = ["Minutes", "RowRun", "RunMessage", "Upload"]  # the typed values, importable from here


# The UI
LANG = "lang"  # "ko" | "en"
PAGE = "page"  # the page drawn by the last full run
NEW_PAGE = "new_page"  # True during the first run on a page (its widgets are new to the browser)
# The upload
UPLOAD = "upload"  # Upload of the table's file, or None
UPLOAD_SEEN = "upload_seen"  # token of the last uploader file handled (so a rerun does not re-parse it)
UPLOAD_ERROR = "upload_error"  # the exception of the last file that could not be read, or None
TABLE = "table"  # core.loaders.Table or None
TEXT_COL = "text_column"
SPEAKER_COL = "speaker_column"  # column name or None
SPEAKER_NAMES = "speaker_names"  # label -> name applied to the table's speakers (empty: as the file has them)
# The prompt
TASK = "task"  # a row task name or CUSTOM
SYSTEMS = "systems"  # task -> system prompt the user wrote (absent: the preset's)
TEMPLATES = "templates"  # task -> user template the user wrote (absent: the preset's)
LABELS = "labels"  # task -> label list the user chose (absent: the preset's)
CUSTOM_OUTPUT = "custom_output"  # name of the answer column for a custom template
FILLERS = "fillers"  # the offline 대본 정리 filler list as typed (one entry a line), or None: the preset's
# The model
MODEL, TEMPERATURE, MAX_TOKENS = "model", "temperature", "max_tokens"
CONCURRENCY, BASE_URL, ENGINE = "concurrency", "base_url", "engine"
TIMEOUT, MAX_RETRIES = "timeout", "max_retries"
API_KEY = "api_key"  # this session's key: only ever in memory, never written anywhere
# Throughput and spend (0 means no limit)
RPM, TPM = "rpm", "tpm"  # requests / tokens per minute to pace under
BUDGET = "budget"  # USD: requests past it are not sent
PACK = "pack"  # rows per request (1: one row each)
# Row runs
ROW_JOB = "row_job"  # core.jobs.rows.RowJob started and not yet folded into ROW_RUN, or None
ROW_RUN = "row_run"  # RowRun: the run the Rows page shows, or None
EDITS = "edits"  # row -> the output text the user typed (also saved in the store)
REPLACE_EDITS = "replace_edits"  # True: re-runs may overwrite hand-edited rows
SELECTED = "selected"  # rows ticked for a re-run
EDITOR_VERSION = "editor_version"  # bumped when results change underneath the editor (resets its widget)
EDITS_VERSION = "edits_version"  # bumped when EDITS changes (label counts and exports are kept per version)
RESULTS_WINDOW = "results_window"  # ResultsWindow shown last, or None
ROWS_QUERY = "rows_query"  # the results search text
ROWS_STATUSES = "rows_statuses"  # statuses the results are filtered to (empty: all)
ROWS_PAGE = "rows_page"  # the page of matching results shown, from 1
RUN_MESSAGE = "run_message"  # RunMessage of the last Run or re-run, or None
RUN_MODE, BATCH_NOTE = "run_mode", "batch_note"  # "live" | "batch" (Batch API); ui.batch.BatchNote of the last Submit
MEMO = "memo"  # name -> (fingerprint, value): derived values (exports, estimates) kept across reruns
STORE = "store"  # this session's connection to the run store (core.store.Store), opened on first use
# The history
HISTORY_RUN = "history_run"  # the run id picked on the History page, or None
CONFIRM_DELETE = "confirm_delete"  # the run id waiting for "yes, delete", or None
OWNER = "owner"  # "session:<uuid>": whose runs these are on a shared server without login, or None
# The minutes
MINUTES = "minutes"  # Minutes last written (of this upload or an earlier one), or None
MINUTES_VERSION = "minutes_version"  # bumped when MINUTES changes underneath its editor
MINUTES_ERROR = "minutes_error"  # the exception of the last failed attempt, or None
MINUTES_JOB = "minutes_job"  # core.jobs.minutes.MinutesJob writing minutes of this upload, or None
ACTIONS = "actions"  # the minutes' action items as edited (DataFrame), or None
ACTIONS_VERSION = "actions_version"  # bumped when edits are folded in (the editor starts fresh)
CHUNK_TOKENS = "chunk_tokens"  # minutes chunk size in tokens, or None for the model's default
SENTENCES = "summary_sentences"  # offline summary length in sentences, or None for automatic
# The workbench
WORKBENCH = "workbench"  # ui.workbench.state.Workbench: saved prompt in use, sample, trial, review

CUSTOM = "custom"
_DEFAULT_MODEL = ModelSettings()

DEFAULTS: dict[str, Callable[[], Any]] = {
    PAGE: lambda: None,
    NEW_PAGE: lambda: True,
    UPLOAD: lambda: None,
    UPLOAD_SEEN: lambda: None,
    UPLOAD_ERROR: lambda: None,
    TABLE: lambda: None,
    TEXT_COL: lambda: None,
    SPEAKER_COL: lambda: None,
    SPEAKER_NAMES: dict,
    TASK: lambda: "clean",
    SYSTEMS: dict,
    TEMPLATES: dict,
    LABELS: dict,
    CUSTOM_OUTPUT: lambda: "output",
    FILLERS: lambda: None,
    MODEL: lambda: _DEFAULT_MODEL.model,
    TEMPERATURE: lambda: _DEFAULT_MODEL.temperature,
    MAX_TOKENS: lambda: _DEFAULT_MODEL.max_tokens,
    CONCURRENCY: lambda: _DEFAULT_MODEL.concurrency,
    BASE_URL: lambda: "",
    ENGINE: lambda: "auto",
    API_KEY: lambda: "",
    TIMEOUT: lambda: int(_DEFAULT_MODEL.timeout),
    MAX_RETRIES: lambda: _DEFAULT_MODEL.max_retries,
    RPM: lambda: 0,
    TPM: lambda: 0,
    BUDGET: lambda: 0.0,
    PACK: lambda: 1,
    ROW_JOB: lambda: None,
    ROW_RUN: lambda: None,
    EDITS: dict,
    REPLACE_EDITS: lambda: False,
    SELECTED: set,
    EDITOR_VERSION: lambda: 0,
    EDITS_VERSION: lambda: 0,
    RESULTS_WINDOW: lambda: None,
    ROWS_QUERY: lambda: "",
    ROWS_STATUSES: list,
    ROWS_PAGE: lambda: 1,
    RUN_MESSAGE: lambda: None,
    RUN_MODE: lambda: "live",
    BATCH_NOTE: lambda: None,
    MEMO: dict,
    STORE: lambda: None,
    HISTORY_RUN: lambda: None,
    CONFIRM_DELETE: lambda: None,
    OWNER: lambda: None,
    MINUTES: lambda: None,
    MINUTES_VERSION: lambda: 0,
    MINUTES_ERROR: lambda: None,
    MINUTES_JOB: lambda: None,
    ACTIONS: lambda: None,
    ACTIONS_VERSION: lambda: 0,
    CHUNK_TOKENS: lambda: None,
    SENTENCES: lambda: None,
    WORKBENCH: lambda: _new_workbench(),
}


def _new_workbench() -> Workbench:
    from ui.workbench.state import Workbench  # its own module: the page's state is large

    return Workbench()


def init(lang: str) -> None:
    """Give every key its default the first time a session runs (later runs keep what is there)."""
    ss = st.session_state
    if LANG not in ss:
        ss[LANG] = lang
    for key, make in DEFAULTS.items():
        if key not in ss:
            ss[key] = make()


def get(key: str) -> Any:
    """The value under a plain state key."""
    return st.session_state[key]


def upload() -> Upload | None:
    """The file behind the session's table."""
    return st.session_state[UPLOAD]


def row_run() -> RowRun | None:
    """The run the Rows page shows."""
    return st.session_state[ROW_RUN]


def results_window() -> ResultsWindow | None:
    """The rows the results editor showed last."""
    return st.session_state[RESULTS_WINDOW]


def row_job() -> RowJob | None:
    """The row job started and not yet folded into the run shown."""
    return st.session_state[ROW_JOB]


def minutes() -> Minutes | None:
    """The minutes last written, of whichever upload."""
    return st.session_state[MINUTES]


def workbench() -> Workbench:
    """The Workbench page's state."""
    return st.session_state[WORKBENCH]


def minutes_job() -> MinutesJob | None:
    """The job writing minutes of the table loaded now."""
    return st.session_state[MINUTES_JOB]


def put(key: str, value: Any) -> None:
    """Set a plain state key."""
    st.session_state[key] = value


def enter(page: str) -> None:
    """Note which page this run draws (call once per full run, before any widget)."""
    st.session_state[NEW_PAGE] = st.session_state[PAGE] != page
    st.session_state[PAGE] = page


def bind(widget: str, value: Any, on_change: Callable[[Any], None]) -> dict[str, Any]:
    """Widget kwargs showing `value` (the plain state) and sending the user's changes to `on_change`."""
    ss = st.session_state
    # On a new page the key may still hold the old page's widget state, which the new widget (another
    # element id) would not pick up. Otherwise set only on a change: setting it resends the value and
    # would wipe text the user is typing but has not committed yet.
    if ss[NEW_PAGE] or widget not in ss or ss[widget] != value:
        ss[widget] = value
    return {"key": widget, "on_change": lambda: on_change(st.session_state[widget])}


def bind_key(plain: str) -> dict[str, Any]:
    """Widget kwargs keeping the plain key `plain` and the widget "w.<plain>" in step."""
    return bind(f"w.{plain}", st.session_state[plain], lambda v: put(plain, v))


def set_widget(widget: str, value: Any) -> None:
    """Overwrite a widget's value (only from callbacks or before the widget is drawn)."""
    st.session_state[widget] = value


def widget_state(widget: str) -> Any:
    """A widget's current state, or None when it is not drawn (yet)."""
    return st.session_state.get(widget)


def bump(key: str) -> None:
    """Increase a version counter (so a widget keyed by it starts fresh)."""
    st.session_state[key] += 1


def memo(name: str, key: Any, make: Callable[[], Any]) -> Any:
    """`make()`, kept in this session and reused while `key` stays the same."""
    cached = st.session_state[MEMO].get(name)
    if cached is None or cached[0] != key:
        cached = (key, make())
        st.session_state[MEMO][name] = cached
    return cached[1]

"""The upload page's parts: reading files (cached by their bytes), samples, sheet and column choices."""

from __future__ import annotations

import uuid
from pathlib import Path

import streamlit as st

from core.loaders import SUPPORTED_EXTENSIONS, Table, load_bytes
from ui import state as S
from ui.errors import capture, show
from ui.i18n import has, t
from ui.minutes import writing
from ui.rows import runs
from ui.state import Upload

SAMPLES = Path(__file__).resolve().parent.parent / "sample_data"
PREVIEW_ROWS = 200
NO_SPEAKER = None


def need_table() -> Table:
    """The session's table, or a pointer to the upload page and a stop."""
    table = S.get(S.TABLE)
    if table is None:
        st.info(t("common.no_table"), icon="📂")
        st.page_link("pages/upload.py", label=t("common.go_upload"), icon="📂")
        st.stop()
    return table


def extensions() -> list[str]:
    """Upload types without the dot, as the file uploader wants them."""
    return sorted({ext.lower().lstrip(".") for ext in SUPPORTED_EXTENSIONS})


@st.cache_data(max_entries=4, ttl=3600, show_spinner=False)
def parse(name: str, data: bytes, sheet: str | None) -> Table:
    """The table in a file; cached by content, so the same bytes are parsed once for everyone."""
    return load_bytes(name, data, sheet=sheet)


def accept(name: str, data: bytes, sheet: str | None = None) -> bool:
    """Make this file the session's table; on a bad file keep the old table and remember why."""
    try:
        table = parse(name, data, sheet)
    except Exception as exc:  # InputError, or a loader bug: either way a message, never a traceback
        S.put(S.UPLOAD_ERROR, capture(exc))
        return False
    use_table(name, data, table)
    S.put(S.UPLOAD_ERROR, None)
    return True


def use_table(name: str, data: bytes, table: Table) -> None:
    """Make `table` the session's; results, minutes and summaries of the one before go (they describe another file)."""
    runs.clear()
    writing.forget()
    S.put(S.UPLOAD, Upload(name, data, uuid.uuid4().hex))
    S.put(S.TABLE, table)
    S.put(S.TEXT_COL, table.text_column or str(table.df.columns[0]))
    S.put(S.SPEAKER_COL, table.speaker_column)
    S.put(S.SPEAKER_NAMES, {})
    S.put(S.MINUTES, None)
    S.put(S.MINUTES_ERROR, None)
    S.bump(S.MINUTES_VERSION)


def uploader() -> None:
    """The file drop zone; a new file replaces the table only if it can be read."""
    file = st.file_uploader(t("upload.file"), type=extensions(), help=t("upload.file_help"), key="w.uploader")
    if file is not None and file.file_id != S.get(S.UPLOAD_SEEN):
        S.put(S.UPLOAD_SEEN, file.file_id)
        accept(file.name, file.getvalue())


def sample_files() -> list[str]:
    """The sample files shipped with the app."""
    if not SAMPLES.is_dir():
        return []
    allowed = {f".{ext}" for ext in extensions()}
    names = [p.name for p in SAMPLES.iterdir() if p.suffix.lower() in allowed]
    return sorted(names, key=lambda n: ("_ko" not in n, n))  # Korean samples first


def load_sample(name: str | None) -> None:
    """Load a sample file as if it had been uploaded (a button callback)."""
    if name:
        path = SAMPLES / name
        accept(path.name, path.read_bytes())


def sample_picker() -> None:
    """ "Try the sample": pick one of sample_data/ and load it in one click."""
    names = sample_files()
    if not names:
        return
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    labels = {n: f"{n} — {t(f'samples.{Path(n).stem}')}" if has(f"samples.{Path(n).stem}") else n for n in names}
    choice = left.selectbox(t("upload.sample"), names, format_func=labels.get, key="w.sample")
    right.button(t("upload.sample_button"), on_click=load_sample, args=(choice,), key="b.sample", width="stretch")


def problem() -> None:
    """Why the last file could not be read (the previous table, if any, stays)."""
    if S.get(S.UPLOAD_ERROR) is not None:
        show(S.get(S.UPLOAD_ERROR))
        if S.get(S.TABLE) is not None:
            st.caption(t("upload.kept", name=S.upload().name))


def switch_sheet(sheet: str) -> None:
    """Read another sheet of the same workbook (a callback)."""
    up = S.upload()
    accept(up.name, up.data, sheet=sheet)


def sheet_picker(table: Table) -> None:
    """For workbooks with several sheets: which one to read."""
    if not table.sheets or len(table.sheets) < 2:
        return
    st.selectbox(
        t("upload.sheet"),
        list(table.sheets),
        help=t("upload.sheet_help"),
        **S.bind(f"w.sheet.{S.upload().id}", table.sheet, switch_sheet),
    )


def facts(table: Table) -> None:
    """Name, kind, detected encoding and size of the table."""
    st.subheader(S.upload().name + (f" · {table.sheet}" if table.sheet else ""))
    cols = st.columns(4)
    cols[0].metric(t("upload.kind"), str(table.kind))
    cols[1].metric(t("upload.encoding"), table.encoding or t("upload.no_encoding"))
    cols[2].metric(t("upload.rows"), f"{len(table.df):,}")
    cols[3].metric(t("upload.columns"), f"{len(table.df.columns):,}")


def column_mapping(table: Table) -> None:
    """Which column holds the text, which the speaker."""
    columns = [str(c) for c in table.df.columns]
    token = S.upload().id
    left, right = st.columns(2)
    with left:
        st.selectbox(
            t("upload.text_column"),
            columns,
            help=t("upload.text_column_help"),
            **S.bind(f"w.text_col.{token}", S.get(S.TEXT_COL), lambda v: S.put(S.TEXT_COL, v)),
        )
    with right:
        st.selectbox(
            t("upload.speaker_column"),
            [NO_SPEAKER, *columns],
            format_func=lambda c, none=t("upload.no_speaker"): none if c is NO_SPEAKER else c,
            help=t("upload.speaker_column_help"),
            **S.bind(f"w.speaker_col.{token}", S.get(S.SPEAKER_COL), lambda v: S.put(S.SPEAKER_COL, v)),
        )


def preview(table: Table) -> None:
    """The first rows of the table."""
    shown = table.df.head(PREVIEW_ROWS)
    st.dataframe(shown, hide_index=True, width="stretch")
    if len(table.df) > PREVIEW_ROWS:
        st.caption(t("upload.preview_first", shown=PREVIEW_ROWS, total=len(table.df)))

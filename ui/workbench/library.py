"""Saved prompts on the Workbench: save, load into the sidebar, rename, delete, versions, diffs, TOML in and out."""

from __future__ import annotations

import time

import streamlit as st

from core.errors import CoreError
from core.workbench.prompts import PromptLibrary, PromptVersion
from core.workbench.prompts_toml import export_toml, import_toml
from ui import prompts
from ui import state as S
from ui.errors import show
from ui.i18n import t
from ui.store import store
from ui.workbench.state import take_error, wb


def library() -> PromptLibrary:
    """The prompt library in this session's run store."""
    held, state = store(), wb()
    if state.library is None or state.library_path != str(held.path) or state.library.db is not held.db:
        state.library, state.library_path = PromptLibrary(held), str(held.path)
    return state.library


def current(task: str) -> tuple[str, str]:
    """The system prompt and template the sidebar and Rows page hold now."""
    return prompts.system_text(task), prompts.template_text(task)


def in_use(task: str) -> PromptVersion | None:
    """The saved version loaded or saved last for this task, else one holding exactly the current text."""
    lib, loaded = library(), wb().in_use.get(task)
    if loaded is not None:
        try:
            return lib.get(*loaded)
        except CoreError:  # deleted or renamed since
            wb().in_use.pop(task, None)
    return lib.matching(*current(task), task=task)


def badge(task: str) -> None:
    """A line under the sidebar's prompt: which saved prompt and version is in use, and unsaved changes."""
    try:
        version = in_use(task)
    except Exception:  # the store cannot be opened: the pages say so; the sidebar stays quiet
        return
    if version is None:
        st.caption(t("wb.badge_none"))
    elif version.same_text(*current(task)):
        st.caption(t("wb.badge_saved", name=version.name, version=version.version))
    else:
        st.caption(t("wb.badge_unsaved", name=version.name, version=version.version))


def use_text(task: str, system: str, template: str | None = None) -> None:
    """Put a prompt in the sidebar (and its template on the Rows page); a callback, before the widgets are drawn."""
    prompts.set_system(task, system)
    S.set_widget(prompts.system_widget(task), prompts.system_text(task))
    if template:
        prompts.set_template(task, template)
        S.set_widget(f"w.template.{task}", template)


def load(task: str, name: str, version: int) -> None:
    """Use a saved version from now on (a callback)."""
    v = library().get(name, version)
    use_text(task, v.system, v.template)
    wb().in_use[task] = (v.name, v.version)


def _save(task: str) -> None:
    name = (S.widget_state("w.wb.save_name") or "").strip()
    note = S.widget_state("w.wb.save_note") or ""
    try:
        saved = library().save(name, *current(task), task=task, note=note)
    except CoreError as exc:
        wb().error = exc
        return
    wb().in_use[task] = (saved.name, saved.version)


def save_form(task: str) -> None:
    """Save the sidebar's prompt as the next version of a named prompt."""
    version = in_use(task)
    left, mid, right = st.columns([3, 3, 2], vertical_alignment="bottom")
    if S.widget_state("w.wb.save_name") is None or S.get(S.NEW_PAGE):
        S.set_widget("w.wb.save_name", version.name if version else "")
    left.text_input(t("wb.save_name"), key="w.wb.save_name", placeholder=t("wb.save_name_ph"))
    mid.text_input(t("wb.save_note"), key="w.wb.save_note")
    right.button(t("wb.save"), key="b.wb.save", icon="💾", on_click=_save, args=(task,), width="stretch")
    problem = take_error()
    if problem is not None:
        show(problem)


def panel(task: str) -> None:
    """The saved prompts of this task: versions, load, rename, delete, diff, export and import."""
    lib = library()
    save_form(task)
    names = [p.name for p in lib.names(task)]
    if not names:
        st.info(t("wb.no_prompts"), icon="📌")
        io_panel(task)
        return
    loaded = wb().in_use.get(task)
    default = names.index(loaded[0]) if loaded and loaded[0] in names else 0
    name = st.selectbox(t("wb.prompt"), names, index=default, key=f"w.wb.prompt.{task}")
    versions = lib.versions(name)
    st.dataframe(
        [
            {
                t("wb.col_version"): f"v{v.version}",
                t("wb.col_when"): time.strftime("%Y-%m-%d %H:%M", time.localtime(v.created)),
                t("wb.col_note"): v.note,
                t("wb.col_system"): v.system.splitlines()[0][:80] if v.system else "",
            }
            for v in reversed(versions)
        ],
        hide_index=True,
        width="stretch",
    )
    numbers = [v.version for v in versions]
    left, right = st.columns(2)
    pick = left.selectbox(t("wb.version"), numbers[::-1], format_func=lambda n: f"v{n}", key=f"w.wb.v.{name}")
    right.button(
        t("wb.load"),
        key="b.wb.load",
        icon="↩️",
        on_click=load,
        args=(task, name, pick),
        width="stretch",
        help=t("wb.load_help"),
    )
    diff_view(lib, name, numbers)
    manage(lib, task, name)
    io_panel(task)


def diff_view(lib: PromptLibrary, name: str, numbers: list[int]) -> None:
    """A readable diff between any two versions."""
    if len(numbers) < 2:
        return
    with st.expander(t("wb.diff"), expanded=True):
        left, right = st.columns(2)
        a = left.selectbox(
            t("wb.diff_from"), numbers, index=len(numbers) - 2, format_func=lambda n: f"v{n}", key=f"w.wb.da.{name}"
        )
        b = right.selectbox(
            t("wb.diff_to"), numbers, index=len(numbers) - 1, format_func=lambda n: f"v{n}", key=f"w.wb.db.{name}"
        )
        text = lib.diff(name, a, b)
        if text:
            st.code(text, language="diff", wrap_lines=True)
        else:
            st.caption(t("wb.diff_same"))


def _rename(task: str, name: str) -> None:
    new = (S.widget_state("w.wb.rename") or "").strip()
    try:
        library().rename(name, new)
    except CoreError as exc:
        wb().error = exc
        return
    loaded = wb().in_use.get(task)
    if loaded and loaded[0] == name:
        wb().in_use[task] = (new, loaded[1])
    S.set_widget(f"w.wb.prompt.{task}", new)


def _delete(task: str, name: str) -> None:
    library().delete(name)
    if wb().in_use.get(task, ("",))[0] == name:
        wb().in_use.pop(task, None)
    left = [p.name for p in library().names(task)]
    if left:
        S.set_widget(f"w.wb.prompt.{task}", left[0])


def manage(lib: PromptLibrary, task: str, name: str) -> None:
    """Rename or delete the prompt picked."""
    with st.expander(t("wb.manage")):
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        left.text_input(t("wb.rename_to"), key="w.wb.rename", value=name)
        right.button(t("wb.rename"), key="b.wb.rename", on_click=_rename, args=(task, name), width="stretch")
        sure = st.checkbox(t("wb.delete_sure", name=name), key="w.wb.delete_sure")
        st.button(t("wb.delete"), key="b.wb.delete", icon="🗑️", disabled=not sure, on_click=_delete, args=(task, name))


def _import() -> None:
    upload = S.widget_state("w.wb.import")
    if upload is None:
        return
    try:
        added = import_toml(library(), upload.getvalue().decode("utf-8-sig"))
    except (CoreError, UnicodeDecodeError) as exc:
        wb().error = exc
        return
    wb().notice = t("wb.imported", prompts=len(added), versions=sum(added.values()))


def io_panel(task: str) -> None:
    """Export every saved prompt as TOML; import a colleague's file."""
    with st.expander(t("wb.share")):
        lib = library()
        st.download_button(
            t("wb.export"),
            export_toml(lib),
            file_name="prompts.toml",
            mime="application/toml",
            key="b.wb.export",
            icon="⬇️",
            disabled=not lib.names(),
        )
        upload = st.file_uploader(t("wb.import"), type=["toml"], key="w.wb.import")
        st.button(t("wb.import_go"), key="b.wb.import", disabled=upload is None, on_click=_import)
        problem, done = take_error(), wb().notice
        wb().notice = ""
        if problem is not None:
            show(problem)
        elif done:
            st.success(done)

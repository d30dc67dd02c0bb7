"""What the summary page shows once written: coverage, the text, its sources, action items, downloads."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import pandas as pd
import streamlit as st

from core.cells import cell_text
from core.exports.minutes_docx import markdown_docx, minutes_docx
from core.exports.tables import to_csv_bytes, to_xlsx_bytes
from core.loaders import Table
from core.minutes.citations import by_section, citations, sources
from core.minutes.mapreduce import MinutesResult
from ui import downloads
from ui import state as S
from ui.i18n import t
from ui.minutes import held

ACTION_COLUMNS = ["text", "owner", "due", "rows", "time"]  # as core.minutes.document.action_items_frame makes them


def result(table: Table) -> None:
    """The summary made from this table, if any: how complete it is, the text, sources, action items, downloads."""
    made = held.current()
    if made is None:
        return
    found = made.result
    key = fold_actions() if found is not None else ""
    status(made.kind, found)
    held.metrics(made.usage, found.requests if found is not None else None)
    with held.text_tabs(made):
        sources_view(table, made.text)
    held.downloads(made.text, structured(found, made.text) if found is not None else None, word(made, found))
    if found is not None:
        actions(key)


def status(kind: str, found: MinutesResult | None) -> None:
    """What the text is: an extractive summary, an unfinished text, or minutes with their coverage."""
    if kind == held.EXTRACT:
        st.caption(t("minutes.offline_badge"))
    elif found is None:
        st.warning(t("minutes.partial"), icon="⚠️")
    else:
        coverage(found)


def spans(missing: Sequence[int], rows: Sequence[int]) -> str:
    """Rows as runs of neighbouring utterances: "#3–#5, #9" (blank rows between them do not break a run)."""
    where = {r: i for i, r in enumerate(rows)}
    runs: list[list[int]] = []
    for row in missing:
        if runs and where.get(row, -2) == where.get(runs[-1][-1], -2) + 1:
            runs[-1].append(row)
        else:
            runs.append([row])
    return ", ".join(f"#{g[0]}" if len(g) == 1 else f"#{g[0]}–#{g[-1]}" for g in runs)


def coverage(found: MinutesResult) -> None:
    """Every utterance read, or which ones are missing because their chunk failed."""
    cov = found.coverage
    if cov.complete:
        st.caption(
            t("minutes.coverage_full", rows=f"{len(cov.rows):,}", chunks=len(found.chunks), requests=found.requests)
        )
    else:
        st.warning(
            t(
                "minutes.coverage_gap",
                missing=f"{len(cov.missing):,}",
                ranges=spans(cov.missing, cov.rows),
                share=f"{cov.share:.0%}",
            ),
            icon="⚠️",
        )
    if found.dropped:
        st.caption(t("minutes.dropped", n=found.dropped))


def sources_view(table: Table, text: str) -> None:
    """For each section, the utterances its points cite, taken from the table (follows the edited text)."""
    st.caption(t("minutes.sources_help"))
    groups = by_section(citations(text))
    if not groups:
        st.info(t("minutes.sources_none"))
        return
    config = {
        "item": st.column_config.NumberColumn(t("minutes.col_item"), width="small"),
        "point": st.column_config.TextColumn(t("minutes.col_point"), width="medium"),
        "row": st.column_config.NumberColumn(t("minutes.col_row"), format="#%d", width="small"),
        "time": st.column_config.TextColumn(t("minutes.col_time"), width="small"),
        "speaker": st.column_config.TextColumn(t("minutes.col_speaker"), width="small"),
        "text": st.column_config.TextColumn(t("minutes.col_text"), width="large"),
    }
    for section, items in groups.items():
        with st.expander(t("minutes.sources_section", section=section or "—", n=len(items))):
            frame = sources(table.df, items, S.get(S.TEXT_COL), S.get(S.SPEAKER_COL))
            st.dataframe(frame, hide_index=True, column_config=config, width="stretch")


def apply_edits(table: pd.DataFrame, state: Mapping) -> pd.DataFrame:
    """The table with an editor's pending changes: cells edited, rows added, rows deleted (as Streamlit applies
    them)."""
    out = table.reset_index(drop=True).map(cell_text)
    for pos, change in dict(state.get("edited_rows") or {}).items():
        for column, value in change.items():
            if column in out.columns and 0 <= int(pos) < len(out):
                out.at[int(pos), column] = cell_text(value)
    added = [{c: cell_text(row.get(c)) for c in out.columns} for row in state.get("added_rows") or []]
    if added:
        out = pd.concat([out, pd.DataFrame(added, columns=out.columns, dtype=str)], ignore_index=True)
    gone = [int(p) for p in state.get("deleted_rows") or [] if 0 <= int(p) < len(table)]
    return out.drop(index=gone).reset_index(drop=True)


def fold_actions() -> str:
    """Fold the action item editor's pending changes into plain state (a fresh editor shows them); its key now."""
    key = f"w.actions.{S.get(S.ACTIONS_VERSION)}"
    pending = S.widget_state(key)
    if isinstance(pending, Mapping) and any(pending.get(k) for k in ("edited_rows", "added_rows", "deleted_rows")):
        S.put(S.ACTIONS, apply_edits(S.get(S.ACTIONS), pending))
        S.bump(S.ACTIONS_VERSION)
        key = f"w.actions.{S.get(S.ACTIONS_VERSION)}"
    return key


def labelled(actions: pd.DataFrame) -> pd.DataFrame:
    """The action items with column names in the UI language, for the downloads."""
    names = {"text": "col_task", "owner": "col_owner", "due": "col_due", "rows": "col_rows", "time": "col_time"}
    return actions.rename(columns={c: t(f"minutes.{n}") for c, n in names.items()})


def actions(key: str) -> None:
    """The action items as an editable table (owner, due, item, rows), downloadable as CSV and XLSX."""
    st.subheader(t("minutes.actions"))
    table = S.get(S.ACTIONS)
    if table.empty:
        st.caption(t("minutes.actions_none"))
    config = {
        "text": st.column_config.TextColumn(t("minutes.col_task"), width="large"),
        "owner": st.column_config.TextColumn(t("minutes.col_owner"), width="small"),
        "due": st.column_config.TextColumn(t("minutes.col_due"), width="small"),
        "rows": st.column_config.TextColumn(t("minutes.col_rows"), width="small"),
        "time": st.column_config.TextColumn(t("minutes.col_time"), width="small"),
    }
    st.data_editor(
        table,
        key=key,
        num_rows="dynamic",
        hide_index=True,
        disabled=["time"],
        column_config=config,
        column_order=ACTION_COLUMNS,
        width="stretch",
    )
    st.caption(t("minutes.actions_help"))
    stem, shown = f"{held.stem()}_{t('minutes.actions_stem')}", labelled(table)
    xlsx = to_xlsx_bytes(shown, sheet=t("minutes.actions"))
    downloads.table_pair(st.columns(2), stem, to_csv_bytes(shown), xlsx, key="actions_", labels="minutes")


def structured(found: MinutesResult, text: str) -> bytes:
    """The structured result as JSON, with the text and action items as the user edited them."""
    edited = {"markdown": text, "action_items": S.get(S.ACTIONS).to_dict(orient="records")}
    return json.dumps(found.as_dict() | {"edited": edited}, ensure_ascii=False, indent=2).encode("utf-8")


def word(made: S.Minutes, found: MinutesResult | None) -> bytes:
    """The minutes as Word: the structured minutes (with the action items as edited) while the text is as written,
    else the text as it stands."""
    actions = S.get(S.ACTIONS) if found is not None else None
    key = (made.text, None if actions is None else actions.to_json())

    def make() -> bytes:
        title = t("summary.file_stem")
        if found is not None and made.text == found.markdown:
            notes = [line for line in found.markdown.split("\n## ")[0].split("\n") if line.startswith(">")]
            return minutes_docx(found.minutes, found.times, title, notes, actions)
        return markdown_docx(made.text, title)

    return S.memo("minutes_docx", key, make)

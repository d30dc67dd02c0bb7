"""The review queue for labels: off-list answers and variant disagreements, one at a time, with keyboard shortcuts."""

from __future__ import annotations

import streamlit as st

from core.cells import cell_text
from core.rows.results import RowResult
from core.workbench.review import Review, review_queue
from ui import prompts
from ui import state as S
from ui.i18n import t
from ui.store import store
from ui.workbench.results import current
from ui.workbench.state import wb

RUN = "run"


def sources() -> dict[str, list[RowResult]]:
    """Whose answers are reviewed: the run shown (this task's) and the variants of the last comparison."""
    out: dict[str, list[RowResult]] = {}
    run, task = S.row_run(), S.get(S.TASK)
    if run is not None and (run.task or S.CUSTOM) == task:
        out[RUN] = [r for _, r in sorted(run.results.items())]
    trial = current()
    if trial is not None and len(trial.comparison.runs) > 1:
        for v in trial.comparison.runs:
            out[v.variant.label] = v.results
    return out


def queue() -> Review | None:
    """The review in progress, rebuilt when its sources change."""
    state, srcs = wb(), sources()
    key = (S.get(S.TASK), tuple((n, tuple((r.row, r.output, r.status) for r in rs)) for n, rs in srcs.items()))
    if state.review is None or state.review_key != key:
        table = S.get(S.TABLE)
        col = S.get(S.TEXT_COL)
        texts = {i: cell_text(v) for i, v in enumerate(table.df[col])} if table is not None and col else {}
        items = [i for i in review_queue(texts, srcs) if i.row not in state.corrections]
        state.review, state.review_key = Review(items, tuple(prompts.labels(S.get(S.TASK)))), key
    return state.review


def _decide(action: str, label: str = "") -> None:
    review = wb().review
    item = review.current()
    if item is None:
        return
    {"accept": review.accept, "skip": review.skip, "back": review.back}.get(action, lambda: review.pick(label))()
    if action in ("accept", "pick"):
        _save(item.row, review.decisions[item.row])


def _save(row: int, label: str) -> None:
    """A decision is a correction: kept for the examples and, for the run shown, as a hand edit of that row."""
    wb().corrections[row] = label
    run = S.row_run()
    if run is not None and (run.task or S.CUSTOM) == S.get(S.TASK) and row in run.results:
        S.get(S.EDITS)[row] = label
        if run.run_id is not None:
            store().save_edit(run.run_id, row, label)
        S.bump(S.EDITOR_VERSION)


def panel() -> None:
    """One item at a time: the text, each source's answer, accept / a label / skip; agreement of the variants."""
    labels = prompts.labels(S.get(S.TASK))
    if not labels:
        st.info(t("wb.review_labels_only"), icon="🏷️")
        return
    review = queue()
    trial = current()
    if trial is not None and len(trial.comparison.runs) > 1:
        agree = trial.comparison.agreement()
        kappa = "—" if agree.kappa is None else f"{agree.kappa:.2f}"
        st.caption(t("wb.review_agreement", rate=f"{agree.rate:.0%}", kappa=kappa, rows=agree.rows))
    item = review.current()
    st.progress(
        (len(review.items) - review.left) / max(1, len(review.items)),
        text=t("wb.review_progress", done=len(review.items) - review.left, total=len(review.items)),
    )
    if item is None:
        st.success(t("wb.review_done", decided=len(review.decisions), skipped=len(review.skipped)))
        return
    with st.container(border=True):
        st.markdown(f"**#{item.row + 1}** · {', '.join(t(f'wb.reason_{r}') for r in item.reasons)}")
        st.markdown(f"> {item.text}")
        for name, answer in item.answers.items():
            st.markdown(f"- **{t('wb.source_run') if name == RUN else name}**: {answer}")
        suggestion = item.suggestion(labels)
        st.button(
            t("wb.accept", label=suggestion),
            key="b.wb.accept",
            type="primary",
            shortcut="Enter",
            on_click=_decide,
            args=("accept",),
        )
        cols = st.columns(min(len(labels), 6) or 1)
        for n, label in enumerate(labels):
            cols[n % len(cols)].button(
                f"{n + 1} · {label}",
                key=f"b.wb.label.{n}",
                on_click=_decide,
                args=("pick", label),
                shortcut=str(n + 1) if n < 9 else None,
                width="stretch",
            )
        left, right = st.columns(2)
        left.button(t("wb.skip"), key="b.wb.skip", shortcut="s", on_click=_decide, args=("skip",), width="stretch")
        right.button(
            t("wb.back"),
            key="b.wb.back",
            shortcut="b",
            on_click=_decide,
            args=("back",),
            width="stretch",
            disabled=review.position == 0,
        )
    st.caption(t("wb.review_keys"))

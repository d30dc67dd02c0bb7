"""The Rows page's quote: what Run would send and cost (core.rows.quote, as the CLI's --quote)."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from core.errors import CoreError
from core.loaders import Table
from core.rows.plan import RowPlan
from core.rows.quote import Quote, quote_rows
from core.rows.runner import table_rows
from core.rows.service import row_keys
from ui import settings
from ui import state as S
from ui.i18n import t
from ui.rows.runs import run_setup
from ui.store import store

QUOTE_ROWS = 20_000  # past this the quote counts the first rows and scales: counting 200k rows takes ~10 s


def money(value: float | None) -> str:
    """Dollars as the quote and the metrics show them ('—' when no price is known)."""
    return "—" if value is None else f"${value:,.4f}"


def panel(plan: RowPlan, table: Table) -> None:
    """What Run would send and cost (core.rows.quote, as the CLI's --quote): requests, tokens, price, time."""
    try:
        engine, _ = settings.engine_choice()
    except CoreError:
        return  # the engine notice above already says what is wrong
    if engine == "offline":
        st.caption(t("rows.quote_offline", rows=f"{len(table.df):,}"))
        return
    options, model = settings.run_options(), settings.model_settings()
    key = (
        hash(plan),
        model.model,
        model.max_tokens,
        model.temperature,
        options,
        S.upload().id,
        S.get(S.EDITOR_VERSION),
    )
    q, known, sampled = S.memo("quote", key, lambda: _quote(plan, table))
    with st.container(border=True):
        st.markdown(f"**{t('rows.quote')}**")
        cols = st.columns(6)
        cols[0].metric(t("rows.q_requests"), f"{q.requests:,}")
        cols[1].metric(t("rows.q_input" if q.exact else "rows.q_input_rough"), f"{q.input_tokens:,}")
        cols[2].metric(
            t("rows.q_output"), f"{q.output_tokens:,}", help=t("rows.q_output_help", most=f"{q.max_output_tokens:,}")
        )
        cols[3].metric(
            t("rows.q_cost"), money(q.cost), help=t("rows.q_cost_help", most=money(q.max_cost), taken=q.prices_taken)
        )
        cols[4].metric(t("rows.q_batch"), money(q.batch_cost))
        pace = "—" if q.seconds_at_limits is None else f"{q.seconds_at_limits:,.0f}s"
        cols[5].metric(t("rows.q_time"), pace, help=t("rows.q_time_help"))
        _quote_notes(q, known, sampled)


def _quote_notes(q: Quote, known: int, sampled: bool) -> None:
    notes = [t("rows.q_known", n=f"{known:,}")] if known else []
    notes += [t("rows.q_sampled", n=f"{QUOTE_ROWS:,}")] if sampled else []
    if q.cost is None:
        notes.append(t("rows.q_no_price", model=settings.model_settings().model))
    if notes:
        st.caption(" ".join(notes))
    budget = settings.run_options().budget
    if budget is not None and q.max_cost is not None and q.max_cost > budget:
        st.warning(t("rows.q_over_budget", budget=money(budget), most=money(q.max_cost)), icon="💸")


def _quote(plan: RowPlan, table: Table) -> tuple[Quote, int, bool]:
    """The quote for the rows not already answered in the store (when rows go one per request)."""
    setup = run_setup(plan, table)
    rows = table_rows(table.df, plan.text_column)
    fresh = rows
    if setup.options.pack == 1:
        keys = row_keys(setup, "openai", rows)
        known = _known(keys)
        fresh = [row for row, k in zip(rows, keys) if k not in known]
    first = fresh[:QUOTE_ROWS]
    got = quote_rows(
        first,
        plan,
        model=setup.settings.model,
        max_tokens=setup.settings.max_tokens,
        pack=setup.options.pack,
        rpm=setup.options.rpm,
        tpm=setup.options.tpm,
    )
    if len(first) < len(fresh):
        got = _scaled(got, len(fresh) / len(first))
    return got, len(rows) - len(fresh), len(first) < len(fresh)


def _known(keys: list[str]) -> set[str]:
    """Which requests already have a stored answer (none when the store cannot be opened)."""
    try:
        return store().known(keys)
    except CoreError:
        return set()


def _scaled(q: Quote, factor: float) -> Quote:
    """A quote of the first rows, grown to the whole table (so no longer exact)."""

    def count(value: int) -> int:
        return round(value * factor)

    def more(value: float | None) -> float | None:
        return None if value is None else value * factor

    return replace(
        q,
        requests=count(q.requests),
        input_tokens=count(q.input_tokens),
        output_tokens=count(q.output_tokens),
        max_output_tokens=count(q.max_output_tokens),
        exact=False,
        cost=more(q.cost),
        batch_cost=more(q.batch_cost),
        max_cost=more(q.max_cost),
        seconds_at_limits=more(q.seconds_at_limits),
    )

"""How the results columns look in the editor and the live table: the answer wide and editable, status in words."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.rows.results import STATUSES
from ui.i18n import t
from ui.rows.table import SELECT


def status_label(status: str | None) -> str:
    """A status code in words."""
    return t(f"status.{status}") if status else t("status.none")


def columns_config(output_column: str) -> dict:
    """The tick, the answer (wide, editable), status in words and the reason."""
    return {
        SELECT: st.column_config.CheckboxColumn(t("rows.col_select"), help=t("rows.col_select_help"), width="small"),
        output_column: st.column_config.TextColumn(f"✏️ {output_column}", help=t("rows.col_output_help"), width="large"),
        "status": st.column_config.SelectboxColumn(
            t("rows.col_status"), options=["", *STATUSES], format_func=status_label, disabled=True, width="small"
        ),
        "error": st.column_config.TextColumn(t("rows.col_error"), disabled=True, width="medium"),
    }


def column_order(table: pd.DataFrame, output_column: str) -> list[str]:
    """Inputs, then status right before the answer so both stay in view, then the reason."""
    ahead = [c for c in table.columns if c not in (output_column, "status", "error")]
    return [*ahead, "status", output_column, "error"]

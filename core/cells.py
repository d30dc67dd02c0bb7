"""One reading of a table cell: a missing value (None, NaN, NaT, pd.NA) is empty text, never "nan" or "None".

Free of pandas on purpose: templates use it, and `python -m core tasks` must start without loading pandas.
"""

from __future__ import annotations


def is_missing(value: object) -> bool:
    """True for None and for what pandas puts in an empty cell (NaN, NaT, pd.NA)."""
    if value is None:
        return True
    if isinstance(value, str):
        return False
    try:
        return bool(value != value)  # NaN and NaT are the values not equal to themselves
    except TypeError:  # pd.NA: its truth value is ambiguous
        return True
    except ValueError:  # an array-like cell: present
        return False


def cell_text(value: object) -> str:
    """A table cell as text: "" for a missing value, else str(value)."""
    return "" if is_missing(value) else str(value)

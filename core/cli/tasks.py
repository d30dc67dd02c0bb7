"""`python -m core tasks`: kept apart so listing the tasks imports neither pandas nor openai."""

from __future__ import annotations

import argparse

from core.rows.tasks import load_tasks


def cmd_tasks(args: argparse.Namespace) -> int:
    """List the built-in tasks."""
    for task in load_tasks().values():
        print(f"{task.name:<10} {task.scope:<9} {task.title_ko} / {task.title_en} -> {task.output_column}")
    return 0

"""The product's data: tasks, prompts, prices, contexts, fillers, stopwords and the store schema (TOML and SQL)."""

from pathlib import Path

PRESETS = Path(__file__).parent

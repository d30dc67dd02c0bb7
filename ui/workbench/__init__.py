"""The Workbench page's parts: saved prompts, trying and comparing on a sample, learning from corrections, review."""

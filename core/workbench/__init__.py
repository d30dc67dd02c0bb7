"""The prompt workbench: named prompt versions, samples, variant comparisons, diffs, agreement, few-shot, review."""

"""The prompt workbench: named prompt versions, samples, variant comparisons, diffs, agreement, few-shot, review."""

MAX_EXAMPLES = 4  # few-shot examples per request, the most similar to the row
EXAMPLE_TOKENS = 1500  # prompt tokens all of a row's examples may add

"""The Rows page: task and template, quote, runs in the background, results to fix, re-run and download."""

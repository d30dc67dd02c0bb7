"""The batch route: rows through a provider's Batch API (or `vllm run-batch`) at about half price, resumable."""

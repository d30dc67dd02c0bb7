"""The batch route: rows through a provider's Batch API (or `vllm run-batch`) at about half price, resumable."""

DEFAULT_BATCH_SIZE = 50_000  # requests per batch, the OpenAI Batch API's own limit

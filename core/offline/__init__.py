"""The offline engine: 대본 정리, extractive summaries and keywords without a language model."""

"""The offline engine: 대본 정리, extractive summaries and keywords without a language model."""
from .clean import clean_text
from .engine import OfflineEngine, minutes_markdown
from .fillers import Fillers, default_fillers, fillers_from_list, make_fillers
from .keywords import keywords
from .summarize import Sentence, parse_transcript, summarize

__all__ = ["Fillers", "OfflineEngine", "Sentence", "clean_text", "default_fillers", "fillers_from_list", "keywords",
           "make_fillers", "minutes_markdown", "parse_transcript", "summarize"]

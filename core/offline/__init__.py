"""The offline engine: 대본 정리, extractive summaries and keywords without a language model."""

from core.offline.clean import clean_text
from core.offline.engine import OfflineEngine, minutes_markdown
from core.offline.fillers import Fillers, default_fillers, fillers_from_list, make_fillers
from core.offline.keywords import keywords
from core.offline.summarize import Sentence, summarize, transcript_sentences

__all__ = [
    "Fillers",
    "OfflineEngine",
    "Sentence",
    "clean_text",
    "default_fillers",
    "fillers_from_list",
    "keywords",
    "make_fillers",
    "minutes_markdown",
    "summarize",
    "transcript_sentences",
]

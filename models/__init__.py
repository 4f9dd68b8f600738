"""Analyses of the corpus: TF-IDF themes, comparison, keyness, statistics and cited figures."""

from models.errors import (
    EmptyVocabularyError,
    ModelError,
    NotEnoughTextError,
    SelectionError,
    UnknownThemeError,
)
from models.export import safe_cell, to_csv_bytes, to_excel_bytes
from models.topic_store import (
    ThemeModelState,
    current_themes,
    score_new,
    set_label,
    stored_themes,
    theme_mix,
    themes_over_time,
)
from models.topics import TopicModel
from models.vectorize import as_texts

__all__ = [
    "EmptyVocabularyError",
    "ModelError",
    "NotEnoughTextError",
    "SelectionError",
    "ThemeModelState",
    "TopicModel",
    "UnknownThemeError",
    "as_texts",
    "current_themes",
    "safe_cell",
    "score_new",
    "set_label",
    "stored_themes",
    "theme_mix",
    "themes_over_time",
    "to_csv_bytes",
    "to_excel_bytes",
]

"""Analyses of the corpus: TF-IDF themes, comparison, keyness, statistics and cited figures.

The names below are loaded on first use, so that importing one analysis (the figure extractor in
its worker processes, the first dashboard page) does not load every other one, scikit-learn
included.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the same names, for type checkers
    from models.errors import (
        EmptyVocabularyError,
        ModelError,
        NotEnoughTextError,
        SelectionError,
        UnknownThemeError,
    )
    from models.export import safe_cell, to_csv_bytes, to_excel_bytes
    from models.figures.series import series_frame, series_summary
    from models.figures.store import corpus_quantities
    from models.selection import resolve
    from models.themes.store import (
        ThemeModelState,
        current_themes,
        score_new,
        set_label,
        stored_themes,
        theme_mix,
        themes_over_time,
    )
    from models.themes.topics import TopicModel
    from models.themes.vectorize import as_texts

_WHERE = {
    "resolve": "models.selection",
    "series_frame": "models.figures.series",
    "series_summary": "models.figures.series",
    "corpus_quantities": "models.figures.store",
    "EmptyVocabularyError": "models.errors",
    "ModelError": "models.errors",
    "NotEnoughTextError": "models.errors",
    "SelectionError": "models.errors",
    "UnknownThemeError": "models.errors",
    "safe_cell": "models.export",
    "to_csv_bytes": "models.export",
    "to_excel_bytes": "models.export",
    "ThemeModelState": "models.themes.store",
    "current_themes": "models.themes.store",
    "score_new": "models.themes.store",
    "set_label": "models.themes.store",
    "stored_themes": "models.themes.store",
    "theme_mix": "models.themes.store",
    "themes_over_time": "models.themes.store",
    "TopicModel": "models.themes.topics",
    "as_texts": "models.themes.vectorize",
}

__all__ = [
    "EmptyVocabularyError",
    "ModelError",
    "NotEnoughTextError",
    "SelectionError",
    "ThemeModelState",
    "TopicModel",
    "UnknownThemeError",
    "as_texts",
    "corpus_quantities",
    "current_themes",
    "resolve",
    "safe_cell",
    "score_new",
    "series_frame",
    "series_summary",
    "set_label",
    "stored_themes",
    "theme_mix",
    "themes_over_time",
    "to_csv_bytes",
    "to_excel_bytes",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'models' has no attribute {name!r}")
    return getattr(import_module(_WHERE[name]), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])

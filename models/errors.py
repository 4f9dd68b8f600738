"""Errors raised by the models package.

ModelError
├── NotEnoughTextError     the selection is too small for the analysis asked for
├── EmptyVocabularyError   no terms remain after the vocabulary rules
├── SelectionError         a selection such as `speaker:"Sergey Lavrov"` cannot be understood or is empty
├── UnknownThemeError      no theme has the given number
└── StopTermError          a stop term is empty, too long, or one too many

Every message is one plain sentence that says what failed and what to do.
"""

from __future__ import annotations


class ModelError(Exception):
    """Base class of every error the models package raises on purpose."""


class NotEnoughTextError(ModelError):
    """The selection is too small for the analysis asked for."""


class EmptyVocabularyError(ModelError):
    """No terms remain after the vocabulary rules."""


class SelectionError(ModelError):
    """A selection cannot be understood or selects nothing."""


class UnknownThemeError(ModelError):
    """No theme has the given number."""


class StopTermError(ModelError):
    """A stop term is empty, too long, or one too many."""

"""Progress of long steps (fitting themes, reading figures), reported through logging.

The analyses say which step they start (`step`); the command line shows those lines on a
terminal with the time since the command started (`show_on_terminal`). Nothing listens in the
dashboard or when the output is piped, so the steps cost nothing there.
"""

from __future__ import annotations

import logging
import time
from typing import TextIO

__all__ = ["LOGGER_NAME", "show_on_terminal", "step"]

LOGGER_NAME = "speechtrack.progress"
_LOGGER = logging.getLogger(LOGGER_NAME)


def step(message: str, *args: object) -> None:
    """Say that a long step starts ("counting terms in %s speeches", 10924)."""
    _LOGGER.info(message, *args)


class _Elapsed(logging.Formatter):
    def __init__(self) -> None:
        super().__init__()
        self.started = time.monotonic()

    def format(self, record: logging.LogRecord) -> str:
        return f"[{time.monotonic() - self.started:6.1f} s] {record.getMessage()}"


def show_on_terminal(stream: TextIO) -> None:
    """Print every step on `stream` (standard error of a terminal) with the elapsed time."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(_Elapsed())
    _LOGGER.addHandler(handler)
    _LOGGER.setLevel(logging.INFO)
    _LOGGER.propagate = False

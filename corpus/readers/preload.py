"""Imported once by the fork server of the upload readers, so that no reader repeats it.

The fork server (see `corpus.readers.guard`) imports `corpus.readers.priority` first, then this
module: the readers themselves, and the code-point tables that normalising a text and counting its
words look up. Every reader forked from the server starts with both.
"""

from __future__ import annotations

import corpus.importer  # noqa: F401 - the readers of every upload format
from corpus.readers.decode import build_tables

build_tables()

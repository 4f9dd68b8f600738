"""Imported once by the fork server of the upload readers, so that no reader repeats it.

The fork server (see `corpus.readers.guard`) imports `corpus.readers.priority` first, then this
module: the readers themselves, the code-point tables that normalising a text and counting its
words look up, and the language identifier's model (loading it took about 0.35 s of every upload
when each reader loaded its own). Every reader forked from the server starts with all three.
"""

from __future__ import annotations

import corpus.importer  # noqa: F401 - the importer and the readers it loads first
import corpus.readers.office  # noqa: F401 - PDF and Word, loaded when a file needs them
import corpus.readers.webpage  # noqa: F401 - web pages, likewise
from corpus.metadata.parse import preload_language_model
from corpus.readers.decode import build_tables

build_tables()
preload_language_model()

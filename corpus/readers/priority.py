"""Imported first by the process that reads uploads: it lowers that process's CPU priority.

Upload readers run in children of one fork server (see `corpus.readers.guard`). Importing this
module there, before the readers, gives the fork server and every reader it forks a lower
scheduling priority than the process that serves pages, so that a large or hostile upload being
read never slows the pages other users are waiting for. It has no effect in any other process.
"""

from __future__ import annotations

import os

READER_NICENESS = 10

if hasattr(os, "nice"):
    try:
        os.nice(READER_NICENESS)
    except OSError:  # not permitted here: readers keep the server's priority
        pass

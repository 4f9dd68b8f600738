"""Time importing the whole UN General Debate table into a fresh store, and its peak memory.

Run: python bench/bench_import.py [--db URL] [--limit N] [--table PATH]
Reads ../shared/corpora/ungdc/ungdc_1946-2024.jsonl.gz (or $SPEECHTRACK_SHARED/corpora/...) through
the same path as `speechtrack import-table`: read_table -> speech_from_row -> CorpusStore.add_many,
into a new SQLite file under a temporary folder (or the PostgreSQL database given with --db, which
should be empty). Prints one table: rows, rows per second, time per stage and peak memory (the
process's maximum resident set size, from resource.getrusage). Each stage shows wall time and this
process's CPU time: on a shared machine the CPU time is the steadier figure.
"""

from __future__ import annotations

import argparse
import itertools
import os
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from corpus.readers.tables import Rejected, TableReading, read_table, speech_from_row  # noqa: E402
from corpus.records import Speech  # noqa: E402
from corpus.store import CorpusStore, sqlite_url  # noqa: E402

SHARED = Path(os.environ.get("SPEECHTRACK_SHARED", ROOT.parent / "shared"))
UNGDC = SHARED / "corpora" / "ungdc" / "ungdc_1946-2024.jsonl.gz"


def peak_mb() -> float:
    """The process's peak resident memory so far, in MB (ru_maxrss is KB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


class Pipeline:
    """Rows -> speeches, timing each stage; whatever the store spends is the rest of the wall time."""

    def __init__(self, reading: TableReading, limit: int | None) -> None:
        self.reading = reading
        self.limit = limit
        self.read_s = self.read_cpu = 0.0
        self.speech_s = self.speech_cpu = 0.0
        self.rejected: list[Rejected] = []

    def speeches(self) -> Iterator[Speech]:
        rows = itertools.islice(self.reading.rows(), self.limit)
        while True:
            start, start_cpu = time.perf_counter(), time.process_time()
            row = next(rows, None)
            parsed, parsed_cpu = time.perf_counter(), time.process_time()
            self.read_s += parsed - start
            self.read_cpu += parsed_cpu - start_cpu
            if row is None:
                return
            if isinstance(row, Rejected):
                self.rejected.append(row)
                continue
            speech = speech_from_row(row)
            self.speech_s += time.perf_counter() - parsed
            self.speech_cpu += time.process_time() - parsed_cpu
            yield speech


def run(table: Path, url: str, limit: int | None) -> list[tuple[str, str]]:
    baseline = peak_mb()
    store = CorpusStore(url, seed=False)
    start, start_cpu = time.perf_counter(), time.process_time()
    reading = read_table(table.name, table)
    opened = time.perf_counter()
    n_rows = reading.n_rows
    counted, counted_cpu = time.perf_counter(), time.process_time()
    pipeline = Pipeline(reading, limit)
    results = store.add_many(pipeline.speeches())
    done, done_cpu = time.perf_counter(), time.process_time()
    total = done - start
    imported = done - counted
    store_s = imported - pipeline.read_s - pipeline.speech_s
    store_cpu = done_cpu - counted_cpu - pipeline.read_cpu - pipeline.speech_cpu
    n_done = len(results) + len(pipeline.rejected)
    added = sum(r.status == "added" for r in results)
    stored = store.count()
    described = store.describe()
    store.dispose()
    mb = 1024 * 1024
    return [
        ("table", f"{table.name} ({table.stat().st_size / mb:.1f} MB)"),
        ("database", described),
        ("rows in table (n_rows)", f"{n_rows:,}"),
        ("rows read", f"{n_done:,}"),
        ("speeches added", f"{added:,}"),
        ("duplicates", f"{len(results) - added:,}"),
        ("rows rejected", f"{len(pipeline.rejected):,}"),
        ("speeches in store", f"{stored:,}"),
        ("open + map columns (wall)", f"{opened - start:.2f} s"),
        ("count rows, n_rows (wall)", f"{counted - opened:.2f} s"),
        (
            "read + normalise rows (wall / CPU)",
            f"{pipeline.read_s:.1f} s / {pipeline.read_cpu:.1f} s",
        ),
        (
            "speech_from_row (wall / CPU)",
            f"{pipeline.speech_s:.1f} s / {pipeline.speech_cpu:.1f} s",
        ),
        ("store.add_many (wall / CPU)", f"{store_s:.1f} s / {store_cpu:.1f} s"),
        ("total (wall / CPU)", f"{total:.1f} s / {done_cpu - start_cpu:.1f} s"),
        ("rows per second (wall, import)", f"{n_done / imported:,.0f}"),
        ("rows per second (CPU, import)", f"{n_done / (done_cpu - counted_cpu):,.0f}"),
        ("peak memory (ru_maxrss)", f"{peak_mb():,.0f} MB"),
        ("peak memory before import", f"{baseline:,.0f} MB"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="an SQLAlchemy URL (default: a new SQLite file in a temp dir)")
    parser.add_argument("--limit", type=int, help="import only the first N rows")
    parser.add_argument("--table", type=Path, default=UNGDC, help="the table to import")
    args = parser.parse_args()
    if not args.table.exists():
        sys.exit(f"{args.table} is missing; put the shared corpora beside the checkout.")
    with tempfile.TemporaryDirectory(prefix="bench_import_") as folder:
        url = args.db or sqlite_url(Path(folder) / "speeches.sqlite")
        lines = run(args.table, url, args.limit)
        if not args.db:
            size = (Path(folder) / "speeches.sqlite").stat().st_size / (1024 * 1024)
            lines.insert(2, ("database file size", f"{size:,.0f} MB"))
    width = max(len(name) for name, _ in lines)
    print(f"{'measure':<{width}}  value")
    print(f"{'-' * width}  {'-' * 30}")
    for name, value in lines:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()

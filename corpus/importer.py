"""Bringing files into the corpus: one report per file, archive member or table row.

Every file is read, parsed and stored on its own: a bad file is reported with its reason and the
good files of the same batch are still stored. Nothing half-written reaches the store, because a
speech is stored in one transaction after it has been read and parsed completely.

Example:
    reports = import_paths(store, [Path("speeches/")], overrides=SpeechFields(place="Moscow"))
    rejected = [r for r in reports if r.status == "rejected"]
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from corpus.errors import CorpusError, UnreadableFileError
from corpus.limits import DEFAULT_LIMITS, Limits
from corpus.metadata.parse import parse_document
from corpus.readers.guard import BudgetExceeded, run_guarded
from corpus.readers.ingest import iter_archive, read_file, sniff_format
from corpus.readers.table_formats import Record
from corpus.readers.tables import Rejected, TableReading, read_table, row_document, speech_from_row
from corpus.records import Document, Speech, SpeechFields, fingerprint
from corpus.store import AddResult, CorpusStore

logger = logging.getLogger(__name__)

ReportStatus = Literal["added", "duplicate", "rejected"]


@dataclass(frozen=True, slots=True, kw_only=True)
class FileReport:
    """What happened to one file, archive member or table row."""

    file: str
    status: ReportStatus
    speech_id: str | None = None
    reason: str = ""
    warnings: tuple[str, ...] = ()
    title: str = ""

    def as_dict(self) -> dict[str, object]:
        """Return the report as the command line's JSON object."""
        return {
            "file": self.file,
            "status": self.status,
            "speech_id": self.speech_id,
            "reason": self.reason or None,
            "warnings": list(self.warnings),
            "title": self.title,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Prepared:
    """A speech read and parsed from an upload, ready to be confirmed and stored."""

    file: str
    speech: Speech
    warnings: tuple[str, ...] = ()
    # `fingerprint(speech.text)` when it was made with the speech (in a worker), so that storing
    # does not hash the text again
    content_hash: str = ""


def _rejected(name: str, err: CorpusError | str) -> FileReport:
    reason = str(err)
    prefix = f"{name}: "
    if reason.startswith(prefix):
        reason = reason[len(prefix) :]
    return FileReport(file=name, status="rejected", reason=reason)


def prepare_upload(
    name: str,
    data: bytes,
    *,
    overrides: SpeechFields = SpeechFields(),
    mapping: Mapping[str, str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    isolate: bool = True,
    already: tuple[int, int] = (0, 0),
) -> list[Prepared | FileReport]:
    """Read and parse one upload without storing it: a speech per file, member or table row.

    With `isolate` (the default) the upload is read in a separate process under the time and
    memory budget of `corpus.readers.guard`, so that no file can hang or exhaust the caller.

    Args:
        already: the speeches and characters of text the upload held before this file (when
            it is one of several files of one upload; `prepare_uploads`).

    Returns:
        `Prepared` speeches to confirm and store, and rejected `FileReport`s with their reasons.
    """
    args = (name, data, overrides, mapping, limits, already)
    if not isolate:
        return list(bounded_upload(*args))
    if not _READERS.acquire(timeout=limits.reader_wait_seconds):
        return [
            _rejected(
                name,
                f"the server is reading other uploads ({limits.max_readers} at a time) and none "
                f"finished within {limits.reader_wait_seconds:.0f} seconds; try again in a minute.",
            )
        ]
    try:
        return run_guarded(
            bounded_upload, args, seconds=limits.seconds_per_file, memory=limits.max_memory_bytes
        )
    except BudgetExceeded as over:
        reason = {
            "time": f"reading it took longer than {limits.seconds_per_file:.0f} seconds, so it was stopped",
            "memory": f"reading it needed more than {limits.max_memory_bytes // 2**20} MB of memory, so it was stopped",
        }.get(over.reason, "the reader stopped unexpectedly")
        refusal = _rejected(
            name,
            f"{reason}; the file is damaged, hostile or far larger than a transcript. "
            "Check it, or split it into smaller files.",
        )
        return [*over.items, refusal]
    finally:
        _READERS.release()


# the reader processes this server runs at once, shared by every session
_READERS = threading.BoundedSemaphore(DEFAULT_LIMITS.max_readers)


def bounded_upload(
    name: str,
    data: bytes,
    overrides: SpeechFields = SpeechFields(),
    mapping: Mapping[str, str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    already: tuple[int, int] = (0, 0),
) -> Iterator[Prepared | FileReport]:
    """`iter_upload`, stopped with a refusal once the upload (with the `already` speeches and
    characters of its earlier files) holds more speeches or text than `limits` allows. Counted in
    the reader's process, so the excess never reaches the caller."""
    speeches, chars = already
    for item in iter_upload(name, data, overrides, mapping, limits):
        if isinstance(item, Prepared):
            speeches += 1
            chars += len(item.speech.text)
            if speeches > limits.max_upload_speeches or chars > limits.max_upload_text_chars:
                what = (
                    f"more than {limits.max_upload_speeches:,} speeches"
                    if speeches > limits.max_upload_speeches
                    else f"more than {limits.max_upload_text_chars:,} characters of text"
                )
                yield _rejected(
                    name,
                    f"the upload holds {what}, the most one upload may hold, so none of it "
                    "was kept past that point; split it into smaller files, or import a large "
                    "table with `speechtrack import-table`, which streams it into the store.",
                )
                return
        yield item


def prepare_uploads(
    files: Iterable[tuple[str, bytes]],
    *,
    overrides: SpeechFields = SpeechFields(),
    limits: Limits = DEFAULT_LIMITS,
    progress: Callable[[int], None] | None = None,
) -> list[Prepared | FileReport]:
    """Read the files of one upload (`prepare_upload` each) within the upload's budget: its
    speeches and text together, and `limits.upload_seconds` for all of them.

    Args:
        files: (name, bytes) of each file, in the order chosen.
        progress: called with the number of files read so far.
    """
    started = time.monotonic()
    out: list[Prepared | FileReport] = []
    speeches = chars = 0
    for done, (name, data) in enumerate(files, start=1):
        if time.monotonic() - started > limits.upload_seconds:
            out.append(
                _rejected(
                    name,
                    f"reading the upload took longer than {limits.upload_seconds:.0f} seconds in "
                    "all, so this file was not read; upload it again on its own.",
                )
            )
        elif speeches >= limits.max_upload_speeches or chars >= limits.max_upload_text_chars:
            out.append(
                _rejected(
                    name,
                    f"the upload already holds the most speeches ({limits.max_upload_speeches:,}) "
                    f"or text ({limits.max_upload_text_chars:,} characters) one upload may "
                    "hold, so this file was not read; upload it again on its own.",
                )
            )
        else:
            items = prepare_upload(
                name, data, overrides=overrides, limits=limits, already=(speeches, chars)
            )
            for item in items:
                if isinstance(item, Prepared):
                    speeches += 1
                    chars += len(item.speech.text)
            out.extend(items)
        if progress is not None:
            progress(done)
    return out


def iter_upload(
    name: str,
    data: bytes,
    overrides: SpeechFields = SpeechFields(),
    mapping: Mapping[str, str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Iterator[Prepared | FileReport]:
    """Yield the speeches (or refusals) of one upload, in this process and without a budget."""
    try:
        kind = sniff_format(name, data)
    except CorpusError as err:
        yield _rejected(name, err)
        return
    if kind == "table":
        yield from _prepare_table(name, data, mapping=mapping, overrides=overrides)
    elif kind == "archive":
        yield from _prepare_archive(name, data, overrides=overrides, limits=limits)
    else:
        yield from _prepare_file(name, data, overrides=overrides, limits=limits)


def _prepare_file(
    name: str, data: bytes, *, overrides: SpeechFields, limits: Limits
) -> list[Prepared | FileReport]:
    try:
        documents = read_file(name, data, limits=limits)
        return [_parse(doc, overrides) for doc in documents]
    except CorpusError as err:
        return [_rejected(name, err)]
    except (
        ValueError,
        LookupError,
        TypeError,
        ArithmeticError,
        RecursionError,
        MemoryError,
    ) as err:
        # A file that trips a reader library in a way no rule foresaw must not stop the batch:
        # it is refused on its own, and the log keeps the details for a bug report.
        logger.exception("Unexpected failure reading %s", name)
        return [
            _rejected(
                name,
                f"the file could not be read ({type(err).__name__}); check that it is a transcript "
                "in a supported format (txt, html, docx, pdf, zip, csv, jsonl, parquet, xlsx).",
            )
        ]


# A PDF, Word file or web page with fewer words than this is no transcript: an error page saved
# as PDF ("Your session has expired."), a cover sheet, an empty export. A plain text this short
# may be a note typed on purpose: it is stored, like any speech under `SHORT_SPEECH_WORDS`, with
# a warning that it is too short for themes and most comparisons.
MIN_SPEECH_WORDS = 10
SHORT_SPEECH_WORDS = 50
_DOCUMENT_FORMATS = ("pdf", "docx", "html")


def _parse(document: Document, overrides: SpeechFields) -> Prepared | FileReport:
    try:
        speech = parse_document(document, overrides=overrides)
    except CorpusError as err:
        return _rejected(document.source_name, err)
    warnings = document.warnings
    if speech.n_words < MIN_SPEECH_WORDS and document.format in _DOCUMENT_FORMATS:
        quoted = " ".join(speech.text.split())[:80]
        return _rejected(
            document.source_name,
            f'the text has only {speech.n_words} word(s) ("{quoted}"), too few for a '
            "transcript: perhaps an error page, a cover sheet or an empty export; upload the "
            "full text of the speech.",
        )
    if speech.n_words < SHORT_SPEECH_WORDS:
        warnings = (
            *warnings,
            f"{document.source_name}: only {speech.n_words} words, too short for themes and "
            "most comparisons; it is stored, but check that this is the whole speech.",
        )
    return Prepared(file=document.source_name, speech=speech, warnings=warnings)


def _prepare_archive(
    name: str, data: bytes, *, overrides: SpeechFields, limits: Limits
) -> Iterator[Prepared | FileReport]:
    skipped: list[UnreadableFileError] = []
    n_members = 0
    try:
        for member_name, member_data in iter_archive(
            name, data, limits=limits, on_skip=skipped.append
        ):
            yield from (_rejected(problem.source_name, problem.reason) for problem in skipped)
            skipped.clear()
            n_members += 1
            # iter_archive already refused archives inside the archive
            yield from iter_upload(member_name, member_data, overrides, None, limits)
    except CorpusError as err:
        yield _rejected(name, err)
        return
    yield from (_rejected(problem.source_name, problem.reason) for problem in skipped)
    if n_members == 0 and not skipped:
        yield _rejected(name, "the archive holds no files to read; add transcripts and try again.")


def _prepare_table(
    name: str,
    source: bytes | Path,
    *,
    mapping: Mapping[str, str] | None,
    overrides: SpeechFields,
) -> Iterator[Prepared | FileReport]:
    try:
        reading = read_table(name, source, mapping=mapping)
        yield from _table_rows(reading, overrides=overrides)
    except CorpusError as err:
        yield _rejected(name, err)


def _table_rows(
    reading: TableReading, *, overrides: SpeechFields
) -> Iterator[Prepared | FileReport]:
    for row in reading.rows():
        yield _prepared_row(row, overrides)


def _prepared_row(row: Document | Rejected, overrides: SpeechFields) -> Prepared | FileReport:
    if isinstance(row, Rejected):
        return _rejected(row.source_name, row.reason)
    digest = fingerprint(row.text)
    try:
        speech = speech_from_row(row, overrides=overrides, content_hash=digest)
    except CorpusError as err:
        return _rejected(row.source_name, err)
    return Prepared(file=row.source_name, speech=speech, warnings=row.warnings, content_hash=digest)


# Rows handed to a worker at a time, and the rows of a table below which one process is quicker
# than starting workers.
_CHUNK_ROWS = 100
PARALLEL_MIN_ROWS = 1_000
# fresh interpreters: the fork server of the upload readers runs at a lower priority
_POOL_CONTEXT = multiprocessing.get_context("spawn")


def _exit_with_parent(parent: int) -> None:
    """Make a worker end itself when the importing process is gone.

    A killed import cannot stop its workers, and they would wait for ever: each holds the pipe
    its results go back through open for the others.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _prepare_chunk(
    name: str,
    chunk: list[tuple[int, Record]],
    by_field: dict[str, list[str]],
    overrides: SpeechFields,
) -> list[Prepared | FileReport]:
    """Turn numbered records into prepared speeches (run in a worker process)."""
    return [
        _prepared_row(row_document(name, number, record, by_field), overrides)
        for number, record in chunk
    ]


def _chunks(records: Iterator[tuple[int, Record]]) -> Iterator[list[tuple[int, Record]]]:
    chunk: list[tuple[int, Record]] = []
    for item in records:
        chunk.append(item)
        if len(chunk) >= _CHUNK_ROWS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _table_rows_parallel(
    reading: TableReading, *, overrides: SpeechFields, workers: int
) -> Iterator[Prepared | FileReport]:
    """As `_table_rows`, with rows cleaned, counted and hashed on `workers` processes, in order.

    At most a few chunks per worker are in flight, so memory stays bounded on any table size.
    """
    by_field = reading.fields()
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=_POOL_CONTEXT,
        initializer=_exit_with_parent,
        initargs=(os.getpid(),),
    ) as pool:
        pending: deque[Future[list[Prepared | FileReport]]] = deque()
        for chunk in _chunks(reading.records()):
            pending.append(pool.submit(_prepare_chunk, reading.name, chunk, by_field, overrides))
            if len(pending) >= 4 * workers:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


def _workers_for(reading: TableReading) -> int:
    """Return how many processes should prepare the rows of a table (1: this one alone)."""
    if multiprocessing.current_process().daemon:  # an upload reader may not start processes
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return min(cores, 4) if cores > 1 and (reading.n_rows or 0) >= PARALLEL_MIN_ROWS else 1


def store_prepared(
    store: CorpusStore,
    items: Iterable[Prepared | FileReport],
    *,
    progress: Callable[[int], None] | None = None,
    batch_size: int = 500,
    writers: int = 1,
) -> list[FileReport]:
    """Store prepared speeches (in batches, each speech complete or absent) and report on each.

    With `writers` above 1, that many batches are written at once on their own connections (a
    PostgreSQL server then works on several cores); reports keep the order of `items`.
    """
    reports: list[FileReport] = []
    batch: list[Prepared] = []
    slots: list[int] = []
    pending: deque[tuple[list[int], list[Prepared], Future[list[AddResult]]]] = deque()

    def settle(slots: list[int], batch: list[Prepared], future: Future[list[AddResult]]) -> None:
        for slot, prepared, result in zip(slots, batch, future.result(), strict=True):
            duplicate = result.status == "duplicate"
            reports[slot] = FileReport(
                file=prepared.file,
                status=result.status,
                speech_id=result.speech_id if result.status != "rejected" else "",
                reason=f"the same text is already stored as {result.speech_id}"
                if duplicate
                else result.reason,
                warnings=prepared.warnings,
                title=prepared.speech.title,
            )
        if progress is not None:
            progress(len(batch))

    with ThreadPoolExecutor(max_workers=max(1, writers)) as pool:

        def flush() -> None:
            speeches = [p.speech for p in batch]
            hashes = [p.content_hash for p in batch]
            if writers > 1:
                future = pool.submit(store.add_many, speeches, content_hashes=hashes)
            else:  # written here, on this thread's connection
                future = Future()
                future.set_result(store.add_many(speeches, content_hashes=hashes))
            pending.append((list(slots), list(batch), future))
            batch.clear()
            slots.clear()
            while len(pending) >= max(1, writers):
                settle(*pending.popleft())

        for item in items:
            if isinstance(item, FileReport):
                reports.append(item)
                if progress is not None:
                    progress(1)
                continue
            slots.append(len(reports))
            reports.append(FileReport(file=item.file, status="rejected", reason="not stored"))
            batch.append(item)
            if len(batch) >= batch_size:
                flush()
        if batch:
            flush()
        while pending:
            settle(*pending.popleft())
    return reports


def import_upload(
    store: CorpusStore,
    name: str,
    data: bytes,
    *,
    overrides: SpeechFields = SpeechFields(),
    mapping: Mapping[str, str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> list[FileReport]:
    """Read, parse and store one upload (a transcript, an archive or a table of speeches)."""
    prepared = prepare_upload(name, data, overrides=overrides, mapping=mapping, limits=limits)
    return store_prepared(store, prepared)


def iter_files(paths: Iterable[Path]) -> Iterator[tuple[Path, str]]:
    """Yield each file named, and every file below each folder named, with its short name.

    The short name is what the speech records as its source: the file name for a file named
    directly, the path from the folder's own name down for a file found inside a folder.
    """
    for path in paths:
        if path.is_dir():
            for root, dirs, names in os.walk(path, followlinks=False):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for file_name in sorted(names):
                    if not file_name.startswith("."):
                        found = Path(root) / file_name
                        yield found, str(found.relative_to(path.parent))
        else:
            yield path, path.name


def import_paths(
    store: CorpusStore,
    paths: Iterable[Path],
    *,
    overrides: SpeechFields = SpeechFields(),
    limits: Limits = DEFAULT_LIMITS,
) -> list[FileReport]:
    """Import files, folders (recursively) and archives; one report per file or member.

    Reports name each file by the path given (so users can find it); speeches record the
    short name as their source.
    """
    return list(iter_import_paths(store, paths, overrides=overrides, limits=limits))


def iter_import_paths(
    store: CorpusStore,
    paths: Iterable[Path],
    *,
    overrides: SpeechFields = SpeechFields(),
    limits: Limits = DEFAULT_LIMITS,
) -> Iterator[FileReport]:
    """`import_paths`, reporting each file as soon as it is stored or refused."""
    for path, short in iter_files(paths):
        name = str(path)
        try:
            if path.is_symlink() and not path.exists():
                raise OSError("broken link")
            size = path.stat().st_size
        except OSError:
            yield _rejected(name, "the file cannot be found or opened; check the path.")
            continue
        if size > limits.max_file_bytes:
            yield _rejected(
                name,
                f"the file is {size / 1e6:.0f} MB, more than the {limits.max_file_bytes / 1e6:.0f} MB "
                "a transcript may have; split it or import it as a table of speeches.",
            )
            continue
        try:
            data = path.read_bytes()
        except OSError as err:
            yield _rejected(
                name, f"the file cannot be read ({err.strerror}); check its permissions."
            )
            continue
        for report in import_upload(store, short, data, overrides=overrides, limits=limits):
            shown = (
                name + report.file[len(short) :] if report.file.startswith(short) else report.file
            )
            yield replace(report, file=shown)


def import_table(
    store: CorpusStore,
    reading: TableReading,
    *,
    overrides: SpeechFields = SpeechFields(),
    progress: Callable[[int], None] | None = None,
) -> list[FileReport]:
    """Import every row of a table of speeches opened with `read_table`; one report per row.

    Rows of a large table are cleaned, counted and hashed on every core while this process
    stores them; the reports come in the order of the rows either way.
    """
    workers = _workers_for(reading)
    rows = (
        _table_rows_parallel(reading, overrides=overrides, workers=workers)
        if workers > 1
        else _table_rows(reading, overrides=overrides)
    )
    # SQLite takes one writer at a time; a PostgreSQL server indexes each writer's rows on a core
    writers = workers if store.dialect == "postgresql" else 1
    return store_prepared(store, rows, progress=progress, writers=writers)

"""One upload's budget: speeches and text per upload and per request, a deadline for the whole
upload, and a server-wide number of reader processes. Real files, real reader processes."""

from __future__ import annotations

import io
from dataclasses import replace

import pandas as pd

from corpus.importer import Prepared, prepare_upload, prepare_uploads
from corpus.limits import DEFAULT_LIMITS

WORDS = "The delegation spoke about rivers, treaties and the fisheries of the north. "


def _parquet(n_rows: int, text: str) -> bytes:
    frame = pd.DataFrame(
        {
            "title": [f"Speech {i}" for i in range(n_rows)],
            "date": ["2018-06-15"] * n_rows,
            "text": [text] * n_rows,  # one string: the file stays tiny, the rows do not
        }
    )
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def _csv(n_rows: int, start: int = 0) -> bytes:
    rows = [
        f'"Speech {i}",2019-03-0{1 + i % 9},"{WORDS * 3} Number {i}."'
        for i in range(start, start + n_rows)
    ]
    return ("title,date,text\n" + "\n".join(rows) + "\n").encode()


def test_a_small_file_declaring_huge_rows_is_refused_past_the_text_budget() -> None:
    data = _parquet(3_000, WORDS * 700)  # 3,000 rows of 52 KB in a file of a few KB
    assert len(data) < 50_000
    items = prepare_upload("declared.parquet", data)
    prepared = [i for i in items if isinstance(i, Prepared)]
    refusals = [i for i in items if not isinstance(i, Prepared)]
    kept = sum(len(p.speech.text) for p in prepared)
    assert kept <= DEFAULT_LIMITS.max_upload_text_chars
    assert len(prepared) < 400
    assert refusals and "more than 20,000,000 characters of text" in refusals[-1].reason
    assert "speechtrack import-table" in refusals[-1].reason


def test_the_speech_budget_counts_every_file_of_one_request() -> None:
    limits = replace(DEFAULT_LIMITS, max_upload_speeches=5)
    items = prepare_uploads([("a.csv", _csv(3)), ("b.csv", _csv(3, 3)), ("c.csv", _csv(2, 6))],
                            limits=limits)  # fmt: skip
    prepared = [i for i in items if isinstance(i, Prepared)]
    assert len(prepared) == 5
    reasons = {i.file: i.reason for i in items if not isinstance(i, Prepared)}
    assert "more than 5 speeches" in reasons["b.csv"]
    assert "already holds the most speeches (5)" in reasons["c.csv"]


def test_an_upload_past_its_deadline_refuses_the_files_not_reached() -> None:
    limits = replace(DEFAULT_LIMITS, upload_seconds=0.0)
    items = prepare_uploads([("a.csv", _csv(2)), ("b.csv", _csv(2, 2))], limits=limits)
    reasons = [i.reason for i in items if not isinstance(i, Prepared)]
    assert len(reasons) == 2  # the clock ran out before the first file was read
    assert all("took longer than 0 seconds in all" in r for r in reasons)


def test_a_server_reads_a_bounded_number_of_uploads_at_once() -> None:
    from corpus import importer

    limits = replace(DEFAULT_LIMITS, reader_wait_seconds=0.2)
    held = [importer._READERS.acquire(timeout=5) for _ in range(DEFAULT_LIMITS.max_readers)]
    assert all(held)  # as many reads in progress as the server runs
    try:
        busy = prepare_upload("late.csv", _csv(1), limits=limits)
    finally:
        for _ in held:
            importer._READERS.release()
    assert not isinstance(busy[0], Prepared)
    assert "reading other uploads (2 at a time)" in busy[0].reason
    again = prepare_upload("late.csv", _csv(1), limits=limits)
    assert isinstance(again[0], Prepared)

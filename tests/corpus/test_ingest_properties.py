"""Properties of the upload readers on arbitrary bytes: only our own errors, never a traceback."""

from __future__ import annotations

import io
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

from corpus.errors import CorpusError, TranscriptDecodeError
from corpus.readers.archive import iter_archive
from corpus.readers.decode import decode_transcript, normalise_text
from corpus.readers.ingest import read_file

# Prefixes that send arbitrary bytes down every reader: BOMs, markup, PDF and ZIP magic.
PREFIXES = [
    b"",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xfe\xff",
    b"\xff\xfe\x00\x00",
    b"<!DOCTYPE html><html><body><p>",
    b"<?xml version='1.0'?><html>",
    b"%PDF-1.4\n",
    b"PK\x03\x04",
    b"{\\rtf1 ",
]
NAMES = ["speech.txt", "page.html", "doc.pdf", "file.docx", "archive.zip", "data.csv", "noext"]

uploads = hs.tuples(hs.sampled_from(PREFIXES), hs.binary(max_size=3000))
texts = hs.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass"))
encoded = hs.tuples(
    hs.text(max_size=300), hs.sampled_from(["utf-8", "utf-16", "utf-16-le", "cp1251", "koi8_r"])
).map(lambda pair: pair[0].encode(pair[1], "ignore"))

RELAXED = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@RELAXED
@given(data=hs.one_of(hs.binary(max_size=4000), uploads.map(b"".join), texts, encoded))
def test_decode_transcript_raises_only_transcript_decode_error(data: bytes) -> None:
    try:
        text, warnings = decode_transcript("speech.txt", data)
    except TranscriptDecodeError as err:
        assert str(err).startswith("speech.txt: ")
    else:
        assert text.strip()
        assert normalise_text(text) == text
        assert all(isinstance(warning, str) for warning in warnings)


@RELAXED
@given(name=hs.sampled_from(NAMES), data=hs.one_of(uploads.map(b"".join), texts, encoded))
def test_read_file_raises_only_corpus_errors(name: str, data: bytes) -> None:
    try:
        documents = read_file(name, data)
    except CorpusError as err:
        assert str(err).startswith(f"{name}: ")
    else:
        assert len(documents) == 1
        assert documents[0].text == normalise_text(documents[0].text)


@RELAXED
@given(
    members=hs.lists(
        hs.tuples(
            hs.text(hs.characters(exclude_categories=("Cc", "Cs")), min_size=1, max_size=20),
            hs.one_of(hs.binary(max_size=300), uploads.map(b"".join)),
        ),
        max_size=8,
        unique_by=lambda member: member[0],
    )
)
def test_archive_members_fail_one_by_one(members: list[tuple[str, bytes]]) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member, payload in members:
            archive.writestr(member, payload)
    skipped: list[CorpusError] = []
    for member, payload in iter_archive("upload.zip", out.getvalue(), on_skip=skipped.append):
        assert member.startswith("upload.zip/")
        try:
            read_file(member, payload)
        except CorpusError as err:
            assert str(err).startswith(f"{member}: ")


@RELAXED
@given(text=hs.text(max_size=500))
def test_normalise_text_is_idempotent_and_clean(text: str) -> None:
    once = normalise_text(text)
    assert normalise_text(once) == once
    assert "\r" not in once and "\x00" not in once and "\n\n\n" not in once
    assert once == once.strip("\n")

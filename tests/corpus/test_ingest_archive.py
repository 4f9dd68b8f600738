"""ZIP archives and Word packages: members one by one, and every bomb refused before reading."""

from __future__ import annotations

import io
import stat
import struct
import time
import tracemalloc
import zipfile
from collections.abc import Sequence
from pathlib import Path

import docx
import pytest

from corpus.errors import CorpusError, UnreadableFileError
from corpus.limits import Limits
from corpus.readers.archive import iter_archive, open_zip
from corpus.readers.ingest import read_file

SPEECH = "Fellow citizens,\n\nWe meet today in a time of trial. Thank you."


def make_zip(members: Sequence[tuple[str | zipfile.ZipInfo, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member, payload in members:
            archive.writestr(member, payload)
    return out.getvalue()


def make_docx(text: str = SPEECH) -> bytes:
    document = docx.Document()
    for paragraph in text.split("\n\n"):
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def central_entries(data: bytes) -> list[int]:
    """Return the offsets of the central directory entries of a ZIP file."""
    offsets, start = [], 0
    while (found := data.find(b"PK\x01\x02", start)) != -1:
        offsets.append(found)
        start = found + 4
    return offsets


def read_all(name: str, data: bytes) -> tuple[list[str], list[str], list[str]]:
    """Import an archive the way the importer does; return texts, read failures and skips."""
    texts: list[str] = []
    failures: list[str] = []
    skipped: list[UnreadableFileError] = []
    for member, payload in iter_archive(name, data, on_skip=skipped.append):
        try:
            texts.extend(doc.text for doc in read_file(member, payload))
        except CorpusError as err:
            failures.append(str(err))
    return texts, failures, [str(err) for err in skipped]


def test_archive_with_good_and_bad_members_reports_each_one() -> None:
    link = zipfile.ZipInfo("speeches/link.txt")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    data = make_zip(
        [
            ("speeches/a.txt", SPEECH.encode()),
            ("speeches/b.txt", "Уважаемые коллеги!\n\nСпасибо.".encode("utf-16")),
            ("speeches/c.docx", make_docx("Dear friends.\n\nGood night.")),
            ("speeches/empty.txt", b""),
            ("speeches/photo.txt", b"\x89PNG\r\n\x1a\n" + bytes(32)),
            ("../outside.txt", SPEECH.encode()),
            ("/etc/absolute.txt", SPEECH.encode()),
            (link, b"/etc/passwd"),
            ("inner.zip", make_zip([("x.txt", b"nested")])),
            ("__MACOSX/speeches/._a.txt", b"\x00\x05\x16\x07"),
            ("speeches/.DS_Store", b"\x00\x00\x00\x01Bud1"),
        ]
    )
    texts, failures, skipped = read_all("speeches.zip", data)
    assert texts == [SPEECH, "Уважаемые коллеги!\n\nСпасибо.", "Dear friends.\n\nGood night."]
    assert failures == [
        "speeches.zip/speeches/empty.txt: the file is empty; upload a file with the speech text.",
        "speeches.zip/speeches/photo.txt: the file is a PNG image, not a transcript; save the "
        "speech as text, a web page, Word (DOCX) or PDF and upload that.",
    ]
    assert skipped == [
        "speeches.zip/../outside.txt: the file has a path that points outside the archive, so it "
        "was skipped.",
        "speeches.zip//etc/absolute.txt: the file has a path that points outside the archive, so "
        "it was skipped.",
        "speeches.zip/speeches/link.txt: the file is a symbolic link, not a file, so it was "
        "skipped.",
        "speeches.zip/inner.zip: the file is an archive inside the archive, which is not opened; "
        "unpack it and upload its files.",
    ]


def test_skips_are_logged_when_nobody_listens(caplog: pytest.LogCaptureFixture) -> None:
    data = make_zip([("../x.txt", b"a"), ("ok.txt", b"b")])
    assert [name for name, _ in iter_archive("a.zip", data)] == ["a.zip/ok.txt"]
    assert "a.zip/../x.txt: the file has a path that points outside" in caplog.text


def test_zip_bomb_is_refused_before_anything_is_decompressed() -> None:
    data = make_zip([("bomb.txt", b"\x00" * 30_000_000)])
    assert len(data) < 100_000
    tracemalloc.start()
    started = time.monotonic()
    with pytest.raises(UnreadableFileError, match="looks like a zip bomb"):
        list(iter_archive("bomb.zip", data))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert time.monotonic() - started < 10
    assert peak < 5_000_000


def test_many_small_members_with_a_high_overall_ratio_are_refused() -> None:
    members = [(f"s{i}.txt", b" " * 900_000) for i in range(3)]
    with pytest.raises(UnreadableFileError, match="zip bomb"):
        open_zip("spaces.zip", make_zip(members))


def test_lying_declared_size_cannot_blow_up_memory() -> None:
    data = bytearray(make_zip([("big.txt", b"word " * 400_000), ("ok.txt", SPEECH.encode())]))
    first = central_entries(bytes(data))[0]
    # Declare 1,000 unpacked bytes for a 2 MB member: zipfile stops there and the CRC fails.
    data[first + 24 : first + 28] = struct.pack("<L", 1_000)
    texts, failures, skipped = read_all("liar.zip", bytes(data))
    assert texts == [SPEECH]
    assert skipped == [
        "liar.zip/big.txt: the file is damaged inside the archive; create the archive again."
    ]
    assert failures == []


def test_too_many_members_are_refused() -> None:
    data = make_zip([(f"s{i}.txt", b"x") for i in range(2_001)])
    with pytest.raises(UnreadableFileError, match="has 2,001 entries, more than the 2,000"):
        open_zip("many.zip", data)


def test_total_unpacked_size_is_checked_from_the_directory() -> None:
    data = make_zip([("a.txt", b"a b c d " * 200), ("b.txt", b"e f g h " * 200)])
    limits = Limits(max_archive_total_bytes=2_000)
    with pytest.raises(UnreadableFileError, match="unpacks to 3,200 bytes, more than the 2,000"):
        open_zip("big.zip", data, limits=limits)


def test_member_over_the_file_budget_is_skipped_with_a_reason() -> None:
    data = make_zip([("big.txt", b"a b c d " * 200), ("ok.txt", b"fine")])
    skipped: list[UnreadableFileError] = []
    limits = Limits(max_file_bytes=1_000)
    names = [name for name, _ in iter_archive("z.zip", data, limits=limits, on_skip=skipped.append)]
    assert names == ["z.zip/ok.txt"]
    assert "unpacks to 1,600 bytes, more than the 1,000" in str(skipped[0])


def test_overlapping_entries_are_refused() -> None:
    data = bytearray(make_zip([("a.txt", SPEECH.encode()), ("b.txt", SPEECH.encode())]))
    second = central_entries(bytes(data))[1]
    # Point the second entry at the first one's bytes: the trick that multiplies zip bombs.
    data[second + 42 : second + 46] = struct.pack("<L", 0)
    with pytest.raises(UnreadableFileError, match="entries that share the same bytes"):
        open_zip("overlap.zip", bytes(data))


def test_entry_running_past_the_end_is_refused() -> None:
    data = bytearray(make_zip([("a.txt", SPEECH.encode())]))
    first = central_entries(bytes(data))[0]
    data[first + 20 : first + 24] = struct.pack("<L", 10_000_000)  # compressed size
    with pytest.raises(UnreadableFileError, match="not a readable ZIP archive"):
        open_zip("cut.zip", bytes(data))


def test_password_protected_member_is_skipped() -> None:
    data = bytearray(make_zip([("secret.txt", b"hidden"), ("open.txt", b"visible")]))
    first = central_entries(bytes(data))[0]
    data[first + 8] |= 0x1  # the "encrypted" flag bit
    skipped: list[UnreadableFileError] = []
    names = [name for name, _ in iter_archive("p.zip", bytes(data), on_skip=skipped.append)]
    assert names == ["p.zip/open.txt"]
    assert str(skipped[0]) == (
        "p.zip/secret.txt: the file is password-protected; add it to the archive without a "
        "password."
    )


def test_damaged_archive_is_refused() -> None:
    data = make_zip([("a.txt", SPEECH.encode())])
    with pytest.raises(UnreadableFileError, match="not a readable ZIP archive"):
        list(iter_archive("cut.zip", data[: len(data) // 2]))


def test_docx_gets_the_same_bomb_checks() -> None:
    document = io.BytesIO(make_docx())
    with zipfile.ZipFile(document, "a", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("word/media/padding.bin", b"\x00" * 30_000_000)
    with pytest.raises(UnreadableFileError, match="looks like a zip bomb"):
        read_file("bomb.docx", document.getvalue())


def _docx_with_document_xml(transform: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(make_docx("Before the entity.\n\nPLACEHOLDER")))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            payload = source.read(info)
            if info.filename == "word/document.xml":
                head, _, body = payload.partition(b"?>")
                payload = head + b"?>" + transform + body.replace(b"PLACEHOLDER", b"&lol9;")
            target.writestr(info.filename, payload)
    return out.getvalue()


def test_docx_billion_laughs_is_not_expanded() -> None:
    doctype = b'<!DOCTYPE w:document [<!ENTITY lol "lol">'
    for level in range(1, 10):
        previous = b"&lol;" if level == 1 else b"&lol%d;" % (level - 1)
        doctype += b'<!ENTITY lol%d "%s">' % (level, previous * 10)
    data = _docx_with_document_xml(doctype + b"]>")
    started = time.monotonic()
    # libxml2 stops the expansion (amplification guard) and the file is refused as damaged.
    with pytest.raises(UnreadableFileError, match="laughs.docx: the Word file is damaged"):
        read_file("laughs.docx", data)
    assert time.monotonic() - started < 10


def test_docx_external_entity_is_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    doctype = f'<!DOCTYPE w:document [<!ENTITY lol9 SYSTEM "file://{secret}">]>'.encode()
    [document] = read_file("xxe.docx", _docx_with_document_xml(doctype))
    assert document.text == "Before the entity."


def test_huge_central_directory_is_refused_before_zipfile_parses_it() -> None:
    data = bytearray(make_zip([(f"member-{i:04d}.txt", b"x") for i in range(400)]))
    end = bytes(data).rfind(b"PK\x05\x06")
    data[end + 8 : end + 12] = struct.pack("<2H", 1, 1)  # the end record claims one entry
    with pytest.raises(UnreadableFileError, match="entries, more than the 10 one upload"):
        open_zip("liar.zip", bytes(data), limits=Limits(max_archive_members=10))


def test_docx_xml_part_over_budget_is_refused() -> None:
    with pytest.raises(UnreadableFileError, match="XML part, more than the 1,000 one may hold"):
        read_file("big.docx", make_docx(), limits=Limits(max_docx_xml_bytes=1_000))

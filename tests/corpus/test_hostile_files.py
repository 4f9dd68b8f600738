"""A folder of hostile files through `speechtrack add`: every one refused, the store left exactly as it was."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from docx import Document as DocxWriter
from pypdf import PdfWriter

from corpus.importer import import_paths
from corpus.store import CorpusStore


def _zip(members: dict[str, bytes], *, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _empty_docx() -> bytes:
    buffer = io.BytesIO()
    DocxWriter().save(buffer)
    return buffer.getvalue()


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
    b'<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>'
    b"<html><body><p>&lol4;</p></body></html>"
)

HOSTILE: dict[str, bytes] = {
    "empty.txt": b"",
    "blank.txt": b" \n\n\t \r\n",
    "random.txt": bytes((i * 7919 + 13) % 256 for i in range(20_000)),
    "nul-bytes.txt": b"Date: 2019-01-01\n\nWords\x00\x00\x00" * 400,
    "pdf-named.html": _blank_pdf(),
    "encrypted.pdf": _encrypted_pdf(),
    "damaged.pdf": b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\nxref\n0 9999\ntrailer",
    "truncated.docx": _empty_docx()[:300],
    "empty.docx": _empty_docx(),
    "bomb.zip": _zip({"big.txt": b"0" * 150_000_000}),
    "traversal.zip": _zip({"../../outside.txt": b"Date: 2019-01-01\n\nEscaped text."}),
    "nested.zip": _zip({"inner.zip": _zip({"a.txt": b"Date: 2019-01-01\n\nInner text."})}),
    "laughs.html": BILLION_LAUGHS,
    "one-word.txt": b"Date: 2019-01-01\n\n" + b"x" * 1_000_000,
    "future.txt": b"Date: 2999-05-01\n\nA speech from the future.",
    "ambiguous.txt": b"Date: 03/04/2019\n\nA speech on an ambiguous day.",
    "no-date.txt": b"A speech that says nothing about when it was given.",
    "image.txt": b"\x89PNG\r\n\x1a\n" + b"\x00" * 2000,
    "mixed-encodings.txt": "Date: 2019-01-01\n\nПривет, друзья. ".encode() * 50
    + "Привет, друзья. ".encode("cp1251") * 50,
}


@pytest.fixture(scope="module")
def hostile_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    for name, data in HOSTILE.items():
        (folder / name).write_bytes(data)
    return folder


def test_every_hostile_file_is_refused_and_nothing_changes(
    hostile_folder: Path, tmp_path: Path
) -> None:
    store = CorpusStore(str(tmp_path / "corpus.sqlite"))
    before = (store.version(), store.catalogue().drop(columns="added_at"), store.annotation_kinds())
    reports = import_paths(store, [hostile_folder])
    by_file = {Path(r.file).name: r for r in reports}
    for name in HOSTILE:  # a report for every file (archives: for the archive or its members)
        path = str(hostile_folder / name)
        assert any(r.file == path or r.file.startswith(path + "/") for r in reports), name
    added = [r for r in reports if r.status != "rejected"]
    assert added == [], [(r.file, r.status) for r in added]
    for report in reports:
        assert report.reason and "\n" not in report.reason, report
        assert "Traceback" not in report.reason
    assert "future" in by_file["future.txt"].reason
    assert "ambiguous" in by_file["ambiguous.txt"].reason
    assert "--date" in by_file["no-date.txt"].reason
    assert "password" in by_file["encrypted.pdf"].reason
    after = (store.version(), store.catalogue().drop(columns="added_at"), store.annotation_kinds())
    assert after[0] == before[0] and after[2] == before[2]
    assert after[1].equals(before[1]), "the store must be exactly as it was"
    assert store.integrity_check() == "ok"
    assert not (hostile_folder.parent / "outside.txt").exists()
    store.dispose()

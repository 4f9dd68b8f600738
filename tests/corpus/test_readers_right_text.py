"""Readers store the text a person reads, or refuse the file with its reason: a browser's
single-file page (MHTML, quoted-printable, windows-1251), a Word file edited with tracked
changes, an error page saved as PDF."""

from __future__ import annotations

import base64
import io
import quopri

import docx
from docx.oxml.ns import qn
from lxml import etree

from corpus.importer import Prepared, prepare_upload
from corpus.readers.ingest import read_file
from tests.corpus.test_ingest_formats import make_pdf

BODY = "Уважаемые коллеги, мы обсуждаем работу неправительственных организаций в мире. " * 8


def _mhtml(
    html: str, *, encoding: str = "quoted-printable", charset: str = "windows-1251"
) -> bytes:
    raw = html.encode(charset)
    if encoding == "base64":
        body = base64.encodebytes(raw).decode("ascii")
    else:
        body = quopri.encodestring(raw).decode("ascii")
    return (
        "From: <Saved by Blink>\r\nSnapshot-Content-Location: https://example.org/speech\r\n"
        "Subject: =?utf-8?Q?Speech?=\r\nMIME-Version: 1.0\r\nContent-Type: multipart/related;\r\n"
        '\ttype="text/html";\r\n\tboundary="----MultipartBoundary--x1----"\r\n\r\n'
        "------MultipartBoundary--x1----\r\n"
        f"Content-Type: text/html; charset={charset}\r\n"
        f"Content-Transfer-Encoding: {encoding}\r\nContent-Location: https://example.org/speech\r\n"
        f"\r\n{body}\r\n"
        "------MultipartBoundary--x1----\r\nContent-Type: image/png\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n"
        "------MultipartBoundary--x1------\r\n"
    ).encode("ascii")


def test_a_page_saved_as_one_file_is_read_as_its_page() -> None:
    html = (
        "<html><head><meta charset='windows-1251'><title>Lavrov, Moscow, 15 June 2018</title>"
        f"</head><body><article><p>{BODY}</p></article></body></html>"
    )
    for encoding in ("quoted-printable", "base64"):
        [document] = read_file("speech.mhtml", _mhtml(html, encoding=encoding))
        assert "неправительственных организаций" in document.text
        assert "MultipartBoundary" not in document.text and "=D0" not in document.text
        assert document.hints.title == "Lavrov, Moscow, 15 June 2018"
    prepared = prepare_upload("speech.mht", _mhtml(html), isolate=False)
    assert isinstance(prepared[0], Prepared)
    assert prepared[0].speech.delivered_on.isoformat() == "2018-06-15"


def test_tracked_insertions_in_a_word_file_are_part_of_the_text() -> None:
    document = docx.Document()
    document.add_paragraph("Remarks by Jane Doe, Geneva, 3 March 2024")
    paragraph = document.add_paragraph("We stand for peace. ")
    inserted = etree.SubElement(paragraph._p, qn("w:ins"))
    inserted.set(qn("w:id"), "1")
    inserted.set(qn("w:author"), "Editor")
    run = etree.SubElement(etree.SubElement(inserted, qn("w:r")), qn("w:t"))
    run.text = "And for the rule of law, added in review."
    deleted = etree.SubElement(paragraph._p, qn("w:del"))
    deleted.set(qn("w:id"), "2")
    deleted.set(qn("w:author"), "Editor")
    gone = etree.SubElement(etree.SubElement(deleted, qn("w:r")), qn("w:delText"))
    gone.text = "A sentence struck out in review."
    table = document.add_table(rows=1, cols=1)
    cell_paragraph = table.cell(0, 0).paragraphs[0]
    cell_insert = etree.SubElement(cell_paragraph._p, qn("w:ins"))
    cell_insert.set(qn("w:id"), "3")
    cell_insert.set(qn("w:author"), "Editor")
    cell_run = etree.SubElement(etree.SubElement(cell_insert, qn("w:r")), qn("w:t"))
    cell_run.text = "Inserted in a table cell."
    buffer = io.BytesIO()
    document.save(buffer)
    [read] = read_file("tracked.docx", buffer.getvalue())
    assert "We stand for peace. And for the rule of law, added in review." in read.text
    assert "Inserted in a table cell." in read.text
    assert "struck out" not in read.text


def test_an_error_page_saved_as_pdf_is_refused_and_a_short_note_is_flagged() -> None:
    refused = prepare_upload(
        "2024-03-03-speech.pdf", make_pdf(["Your session has expired."]), isolate=False
    )
    assert not isinstance(refused[0], Prepared)
    assert (
        "only 4 word(s)" in refused[0].reason and "Your session has expired." in refused[0].reason
    )
    note = prepare_upload(
        "2024-03-03-note.txt", b"Thank you all for coming today, friends.", isolate=False
    )
    assert isinstance(note[0], Prepared)
    assert any("too short for themes" in w for w in note[0].warnings)


def test_a_word_file_without_its_document_part_is_refused_not_read_as_xml() -> None:
    import zipfile

    document = docx.Document()
    document.add_paragraph("We stand for peace and the rule of law. " * 20)
    buffer = io.BytesIO()
    document.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            if not item.filename.startswith("word/"):
                target.writestr(item, source.read(item.filename))
    items = prepare_upload("2024-03-03-speech.docx", broken.getvalue(), isolate=False)
    assert len(items) == 1 and not isinstance(items[0], Prepared)
    assert "without its document part" in items[0].reason

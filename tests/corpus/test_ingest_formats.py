"""Reading uploads by their real format: plain text, web pages, Word and PDF files."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import docx
import pytest
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject, TextStringObject

from corpus.errors import CorpusError, TranscriptDecodeError, UnreadableFileError
from corpus.readers.ingest import read_file, sniff_format
from corpus.records import SpeechDate

SPEECH_LINES = ["Fellow citizens,", "We meet today in a time of trial.", "Thank you."]


def make_pdf(
    lines: list[str],
    *,
    password: str | None = None,
    with_text: bool = True,
    title: str = "",
    n_pages: int = 1,
) -> bytes:
    """Build a real PDF with pypdf: a Helvetica text content stream, or only a filled square."""
    writer = PdfWriter()
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    font_ref = writer._add_object(font)
    for _ in range(n_pages):
        page = writer.add_blank_page(width=612, height=792)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font_ref})}
        )
        stream = DecodedStreamObject()
        if with_text:
            shown = " ".join(f"({line}) '" for line in lines)
            operators = f"BT /F1 12 Tf 72 720 Td 14 TL {shown} ET"
        else:
            operators = "0 0 1 rg 72 72 200 200 re f"  # a filled square: what a scan looks like
        stream.set_data(operators.encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(stream)
    if title:
        writer.add_metadata({"/Title": TextStringObject(title), "/CreationDate": "D:20180615"})
    if password:
        writer.encrypt(user_password=password, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_docx(*, title: str = "", created: datetime | None = None) -> bytes:
    """Build a real Word file with a table between two paragraphs."""
    document = docx.Document()
    document.core_properties.title = title
    if created is not None:
        document.core_properties.created = created
    document.add_paragraph("Dear colleagues, the figures speak for themselves.")
    table = document.add_table(rows=3, cols=2)
    for row, (year, budget) in enumerate([("Year", "Budget"), ("2017", "$4bn"), ("2018", "$5bn")]):
        table.cell(row, 0).text = year
        table.cell(row, 1).text = budget
    document.add_paragraph("We will keep this course.\nLine two of the same paragraph.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="{charset}">
<title>Remarks at the Forum | Ministry of Foreign Affairs</title>
<meta property="og:title" content="Remarks by the Minister at the Forum">
<meta property="article:published_time" content="2018-06-15T10:00:00+03:00">
<style>body {{ font-family: serif; }} .hidden {{ display: none; }}</style>
<script>window.tracker = "SCRIPT-TEXT-MUST-NOT-APPEAR";</script>
</head><body>
<nav class="main-menu"><ul><li><a href="/">Home</a></li><li><a href="/news">NAV-ITEM</a></li>
</ul></nav>
<div id="cookie-banner" class="cookie-consent"><p>COOKIE-BANNER: we use cookies, accept all?</p>
<button>Accept</button></div>
<main><article>
<h1>Remarks by the Minister at the Forum</h1>
<p>Dear colleagues, it’s a pleasure to be here in Moscow to discuss the future of our
cooperation and the challenges that every nation in the region now faces together.</p>
<p>We believe that dialogue — not confrontation — is the only way forward for the world
community, and we will keep saying so in every forum where we are invited to speak.</p>
<p>Thank you for your attention; I am ready to answer your questions about our policy.</p>
</article></main>
<footer><p>FOOTER-TEXT: Copyright 2018 Ministry. All rights reserved.</p></footer>
</body></html>
"""


def test_web_page_keeps_the_speech_and_drops_the_furniture() -> None:
    [document] = read_file("remarks.html", PAGE.format(charset="utf-8").encode("utf-8"))
    assert "it’s a pleasure to be here in Moscow" in document.text
    assert "dialogue — not confrontation" in document.text
    assert "ready to answer your questions" in document.text
    for noise in ("SCRIPT-TEXT", "NAV-ITEM", "COOKIE-BANNER", "FOOTER-TEXT", "font-family"):
        assert noise not in document.text
    assert document.hints.title == "Remarks by the Minister at the Forum"
    assert document.hints.delivered == SpeechDate(date(2018, 6, 15))
    assert document.warnings == ()


def test_lying_meta_charset_loses_to_valid_utf8() -> None:
    data = PAGE.format(charset="windows-1251").encode("utf-8")
    [document] = read_file("remarks.htm", data)
    assert "it’s a pleasure" in document.text
    assert "dialogue — not confrontation" in document.text


def test_true_meta_charset_is_used_for_legacy_bytes() -> None:
    page = PAGE.format(charset="windows-1251").replace("in Moscow", "в Москве")
    [document] = read_file("remarks.html", page.encode("cp1251"))
    assert "here в Москве to discuss" in document.text
    assert "dialogue — not confrontation" in document.text


def test_title_falls_back_to_the_title_element_and_fallback_walk_reads_short_pages() -> None:
    page = (
        "<html><head><title>Short  remarks</title><script>var x = 1;</script></head>"
        "<body><nav>Menu</nav><p>Thank you all.</p></body></html>"
    )
    [document] = read_file("short.html", page.encode())
    assert document.text == "Thank you all."
    assert document.hints.title == "Short remarks"


def test_deeply_nested_page_is_refused() -> None:
    page = "<html><body>" + "<div>" * 5000 + "text" + "</div>" * 5000 + "</body></html>"
    with pytest.raises(UnreadableFileError, match="nests its elements more than 250 deep"):
        read_file("deep.html", page.encode())


def test_web_page_entities_are_not_fetched() -> None:
    page = (
        '<?xml version="1.0"?><!DOCTYPE html [<!ENTITY ext SYSTEM "file:///etc/passwd">]>'
        "<html><body><p>Before &ext; after, with a long enough paragraph of speech text.</p>"
        "</body></html>"
    )
    [document] = read_file("entity.html", page.encode())
    assert "root:" not in document.text
    assert "Before" in document.text


def test_docx_paragraphs_and_table_in_document_order_with_hints() -> None:
    data = make_docx(title="Budget remarks", created=datetime(2019, 3, 4, 9, 30))
    [document] = read_file("budget.docx", data)
    assert document.text == (
        "Dear colleagues, the figures speak for themselves.\n\n"
        "Year | Budget\n2017 | $4bn\n2018 | $5bn\n\n"
        "We will keep this course.\nLine two of the same paragraph."
    )
    assert document.hints.title == "Budget remarks"
    assert document.hints.delivered == SpeechDate(date(2019, 3, 4))
    assert document.given.known() == {}


def test_damaged_docx_is_refused_with_a_plain_message() -> None:
    data = make_docx()
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    parts["word/document.xml"] = b"<w:document><unclosed>"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, payload in parts.items():
            target.writestr(name, payload)
    with pytest.raises(UnreadableFileError, match="the Word file is damaged"):
        read_file("broken.docx", out.getvalue())


def test_pdf_text_layer_and_hints() -> None:
    [document] = read_file("address.pdf", make_pdf(SPEECH_LINES, title="Address"))
    assert document.text == "Fellow citizens,\nWe meet today in a time of trial.\nThank you."
    assert document.hints.title == "Address"
    assert document.hints.delivered == SpeechDate(date(2018, 6, 15))


def test_pdf_named_html_is_read_as_pdf_with_a_warning() -> None:
    data = make_pdf(SPEECH_LINES)
    assert sniff_format("address.html", data) == "pdf"
    [document] = read_file("address.html", data)
    assert "We meet today" in document.text
    assert document.warnings == (
        "address.html: the file is a PDF despite its .html name, and was read as such.",
    )


def test_encrypted_pdf_is_refused() -> None:
    with pytest.raises(UnreadableFileError, match="is password-protected; remove the password"):
        read_file("secret.pdf", make_pdf(SPEECH_LINES, password="s3cret"))


def test_pdf_with_empty_user_password_is_read() -> None:
    [document] = read_file("open.pdf", make_pdf(SPEECH_LINES, password=""))
    assert "Fellow citizens," in document.text


def test_image_only_pdf_is_refused_as_scanned() -> None:
    with pytest.raises(
        UnreadableFileError, match=r"has no text layer \(it looks scanned\); run OCR"
    ):
        read_file("scan.pdf", make_pdf([], with_text=False))


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(make_pdf(SPEECH_LINES)[:400], id="truncated"),
        pytest.param(b"%PDF-1.7\n" + bytes(range(256)) * 8, id="garbage-body"),
        pytest.param(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n", id="no-xref"),
    ],
)
def test_damaged_pdf_is_refused_with_a_plain_message(data: bytes) -> None:
    with pytest.raises(UnreadableFileError, match="the PDF is damaged and cannot be read"):
        read_file("damaged.pdf", data)


def test_pdf_page_limit() -> None:
    from corpus.limits import Limits

    data = make_pdf(SPEECH_LINES, n_pages=3)
    with pytest.raises(UnreadableFileError, match="has 3 pages, more than the 2"):
        read_file("long.pdf", data, limits=Limits(max_pdf_pages=2))


SNIFFED = [
    pytest.param("a.txt", b"Dear friends", "text", id="text"),
    pytest.param("a.txt", b"  <!DOCTYPE html><html></html>", "html", id="html-in-txt"),
    pytest.param("a", b"<?xml version='1.0'?>\n<html xmlns='x'></html>", "html", id="xhtml"),
    pytest.param("a.html", b"<section>Remarks</section>", "html", id="fragment-by-name"),
    pytest.param("a.txt", b'<div class="speech"><p>Hi</p></div>', "html", id="fragment"),
    pytest.param("a.txt", b"<Applause> Thank you.", "text", id="angle-bracket-text"),
    pytest.param("a.csv", b"speaker,date,text\n", "table", id="csv"),
    pytest.param("a.jsonl", b'{"text": "x"}\n', "table", id="jsonl"),
    pytest.param("a.parquet", b"PAR1\x15\x04", "table", id="parquet"),
    pytest.param("a.txt", b"PAR1\x15\x04", "table", id="parquet-magic-wins"),
    pytest.param("a.txt", b"\x89PNG\r\n\x1a\n\x00\x00", "unsupported", id="png-named-txt"),
    pytest.param("a.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00", "unsupported", id="old-doc"),
    pytest.param("a.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00", "table", id="old-xls"),
    pytest.param("a.rtf", b"{\\rtf1\\ansi Hello}", "unsupported", id="rtf"),
    pytest.param("a.txt", b"\x1f\x8b\x08\x00", "unsupported", id="gzip"),
]


@pytest.mark.parametrize(("name", "data", "expected"), SNIFFED)
def test_sniff_format_from_content(name: str, data: bytes, expected: str) -> None:
    assert sniff_format(name, data) == expected


def _zip_with(names: list[str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for member in names:
            archive.writestr(member, b"<x/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("members", "expected"),
    [
        pytest.param(["[Content_Types].xml", "word/document.xml"], "docx", id="docx"),
        pytest.param(["[Content_Types].xml", "xl/workbook.xml"], "table", id="xlsx"),
        pytest.param(["[Content_Types].xml", "ppt/presentation.xml"], "unsupported", id="pptx"),
        pytest.param(["speech1.txt", "speech2.txt"], "archive", id="plain-zip"),
    ],
)
def test_sniff_zip_kinds_from_member_names(members: list[str], expected: str) -> None:
    assert sniff_format("upload.zip", _zip_with(members)) == expected


def test_docx_is_sniffed_from_content_even_when_named_zip() -> None:
    assert sniff_format("speech.zip", make_docx()) == "docx"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        pytest.param("photo.txt", b"\x89PNG\r\n\x1a\n" + bytes(64), "is a PNG image", id="png"),
        pytest.param("speech.txt", bytes(range(256)) * 16, "binary data", id="binary"),
        pytest.param("speech.txt", b"", "the file is empty", id="empty"),
        pytest.param("speech.txt", b"\n \t\r\n ", "no text once blank space", id="blank"),
        pytest.param("speeches.zip", _zip_with(["a.txt"]), "import it as an archive", id="zip"),
        pytest.param("speeches.csv", b"speaker,text\nA,B\n", "import it as a table", id="csv"),
        pytest.param("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), "old Microsoft"),
    ],
)
def test_read_file_refusals_name_the_file_and_the_fix(name: str, data: bytes, message: str) -> None:
    with pytest.raises(CorpusError, match=message) as caught:
        read_file(name, data)
    assert isinstance(caught.value, UnreadableFileError)
    assert str(caught.value).startswith(f"{name}: ")
    assert str(caught.value).endswith(".")


def test_read_file_on_text_returns_one_document_with_decode_warnings() -> None:
    [document] = read_file("lavrov.txt", "Уважаемые коллеги!\r\n\r\nСпасибо.".encode("utf-16"))
    assert document.source_name == "lavrov.txt"
    assert document.text == "Уважаемые коллеги!\n\nСпасибо."
    assert document.warnings == ()


def test_html_named_txt_is_read_as_a_page_with_a_warning() -> None:
    [document] = read_file("page.txt", PAGE.format(charset="utf-8").encode())
    assert "NAV-ITEM" not in document.text
    assert document.warnings[0].startswith("page.txt: the file is a web page despite its .txt")


def test_text_errors_are_transcript_decode_errors() -> None:
    with pytest.raises(TranscriptDecodeError):
        read_file("mixed.txt", "Россия — “мир”".encode() + "Россия".encode("cp1251"))


def test_web_page_size_and_element_budgets() -> None:
    from corpus.limits import Limits

    page = PAGE.format(charset="utf-8").encode()
    with pytest.raises(UnreadableFileError, match="bytes, more than the 1,000 a page may hold"):
        read_file("big.html", page, limits=Limits(max_html_bytes=1_000))
    with pytest.raises(UnreadableFileError, match="elements, more than the 10 a page may hold"):
        read_file("busy.html", page, limits=Limits(max_html_elements=10))


def test_pdf_time_budget_is_checked_between_pages() -> None:
    from corpus.limits import Limits

    data = make_pdf(SPEECH_LINES, n_pages=3)
    with pytest.raises(UnreadableFileError, match=r"took more than 0 seconds \(stopped at page 1"):
        read_file("slow.pdf", data, limits=Limits(pdf_seconds=0.0))


def test_docx_merged_cells_are_read_once() -> None:
    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "Spending by year"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "Defence"
    table.cell(1, 1).text, table.cell(1, 2).text = "2017", "$4bn"
    table.cell(2, 1).text, table.cell(2, 2).text = "2018", "$5bn"
    out = io.BytesIO()
    document.save(out)
    [read] = read_file("merged.docx", out.getvalue())
    assert read.text == "Spending by year\nDefence | 2017 | $4bn\n2018 | $5bn"

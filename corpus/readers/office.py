"""Word (DOCX) and PDF transcripts: their text in reading order, their properties as weak hints."""

from __future__ import annotations

import io
import logging
import struct
import time
import zipfile
import zlib
from collections.abc import Iterator
from datetime import date, datetime

import docx
import pypdf
from docx.document import Document as DocxDocument
from docx.opc.exceptions import OpcError
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml import etree
from pypdf.errors import DependencyError, FileNotDecryptedError, PyPdfError

from corpus.errors import UnreadableFileError
from corpus.limits import DEFAULT_LIMITS, Limits
from corpus.readers.archive import open_zip
from corpus.readers.decode import finish_text
from corpus.records import Document, SpeechDate, SpeechFields

logger = logging.getLogger(__name__)

# What python-docx raises on a package that is not a sound Word file: missing parts (KeyError),
# a different main content type (ValueError), broken XML.
_DOCX_FAILURES = (
    OpcError,
    KeyError,
    ValueError,
    AttributeError,
    TypeError,
    etree.LxmlError,
    zipfile.BadZipFile,
    zlib.error,
    OSError,
    EOFError,
)
# What pypdf raises on damaged files: its own errors, and the plain errors of a parser that
# meets impossible values (missing keys, bad numbers, broken streams, endless nesting).
_PDF_FAILURES = (
    PyPdfError,
    ValueError,
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
    AssertionError,
    RecursionError,
    OverflowError,
    NotImplementedError,
    zlib.error,
    struct.error,
    OSError,
    EOFError,
)
_PDF_DAMAGED = (
    "the PDF is damaged and cannot be read; open it in a PDF viewer, save or print it to a new "
    "PDF, and upload that."
)


def read_docx(name: str, data: bytes, *, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read a Word (DOCX) transcript: paragraphs and tables in document order.

    The package passes the ZIP safety checks before python-docx opens it; python-docx parses
    its XML with entity resolution off. Headers, footers and comments are left out: they are
    page furniture, not the speech. The core properties title and creation date become hints.

    Raises:
        UnreadableFileError: the file is damaged, not a Word document, over the budget or
            without text.
    """
    package = open_zip(name, data, limits=limits)
    for info in package.infolist():
        if info.filename.endswith((".xml", ".rels")) and info.file_size > limits.max_docx_xml_bytes:
            raise UnreadableFileError(
                name,
                f"the Word file has a {info.file_size:,}-byte XML part, more than the "
                f"{limits.max_docx_xml_bytes:,} one may hold; save the speech as text or PDF "
                "and upload that.",
            )
    try:
        document = docx.Document(io.BytesIO(data))
        blocks = list(_docx_blocks(document, limits=limits))
        hints = _docx_hints(document)
    except _DOCX_FAILURES as err:
        raise UnreadableFileError(
            name,
            "the Word file is damaged or is not a Word document; open it in Word or LibreOffice, "
            "save it again as .docx, and upload it.",
        ) from err
    text = finish_text(name, "\n\n".join(blocks), limits=limits)
    return Document(source_name=name, text=text, hints=hints)


def _docx_blocks(document: DocxDocument, *, limits: Limits) -> Iterator[str]:
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            yield paragraph_text(block)
        else:
            yield "\n".join(_table_rows(block, depth=1, limits=limits))


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TEXT_TAGS = (f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr")


def paragraph_text(paragraph: Paragraph) -> str:
    """The text of a paragraph as the document reads now: tracked insertions (`w:ins`) count,
    tracked deletions (`w:delText`) do not, tabs and line breaks kept; text boxes anchored in
    the paragraph are left out, as python-docx leaves them out.

    python-docx's `Paragraph.text` reads only the runs directly in the paragraph, so a speech
    edited with tracked changes lost every inserted word.
    """
    parts: list[str] = []
    for element in paragraph._p.iter(*_TEXT_TAGS):
        if any(True for _ in element.iterancestors(f"{_W}txbxContent")):
            continue
        if element.tag == f"{_W}t":
            parts.append(element.text or "")
        elif element.tag == f"{_W}tab":
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)


def _table_rows(table: Table, *, depth: int, limits: Limits) -> Iterator[str]:
    """Yield one line per table row, cells separated by " | ", each merged cell once.

    The cells come from the row's XML rather than `row.cells`, which repeats a merged cell once
    per grid column and per merged row (a crafted gridSpan of 10^8 would fill the memory, and
    vertically merged text would be repeated on every row).
    """
    for row in table.rows:
        cells: list[str] = []
        for tc in row._tr.tc_lst:
            if tc.vMerge == "continue":
                continue  # the text of a vertical merge lives in its first row
            parts: list[str] = []
            for inner in _Cell(tc, table).iter_inner_content():
                if isinstance(inner, Paragraph):
                    parts.append(paragraph_text(inner))
                elif depth < limits.max_docx_table_depth:
                    parts.extend(_table_rows(inner, depth=depth + 1, limits=limits))
            cells.append(" ".join(p.strip() for p in parts if p.strip()))
        if any(cells):
            yield " | ".join(cells)


def _docx_hints(document: DocxDocument) -> SpeechFields:
    props = document.core_properties
    created = props.created
    return SpeechFields(
        title=(props.title or "").strip(),
        delivered=SpeechDate(created.date()) if isinstance(created, datetime) else None,
    )


def read_pdf(name: str, data: bytes, *, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read a PDF transcript from its text layer, page by page, within the time budget.

    A PDF with an empty user password is opened; one that needs a password is refused. The
    time budget is checked between pages (pypdf 6.10.2 and later end their own loops within
    a page). The document title and creation date become hints.

    Raises:
        UnreadableFileError: the PDF is password-protected, damaged, too long, too slow to
            read, or has no text layer (a scan).
    """
    started = time.monotonic()
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise _password_error(name)
        n_pages = len(reader.pages)
        if n_pages > limits.max_pdf_pages:
            raise UnreadableFileError(
                name,
                f"the PDF has {n_pages:,} pages, more than the {limits.max_pdf_pages:,} one "
                "upload may hold; split it into smaller files.",
            )
        pages: list[str] = []
        for number, page in enumerate(reader.pages, start=1):
            if time.monotonic() - started > limits.pdf_seconds:
                raise UnreadableFileError(
                    name,
                    f"reading the PDF took more than {limits.pdf_seconds:g} seconds (stopped at "
                    f"page {number:,} of {n_pages:,}); split it into smaller files or upload "
                    "the text.",
                )
            pages.append(page.extract_text() or "")
        hints = _pdf_hints(reader)
    except (FileNotDecryptedError, DependencyError) as err:
        raise _password_error(name) from err
    except _PDF_FAILURES as err:
        raise UnreadableFileError(name, _PDF_DAMAGED) from err
    if not any(page.strip() for page in pages):
        raise UnreadableFileError(
            name,
            "the PDF has no text layer (it looks scanned); run OCR on it (for example with "
            "OCRmyPDF) or upload the text instead.",
        )
    text = finish_text(name, "\n\n".join(pages), limits=limits)
    return Document(source_name=name, text=text, hints=hints)


def _password_error(name: str) -> UnreadableFileError:
    return UnreadableFileError(
        name,
        "the PDF is password-protected; remove the password (open it with the password and "
        "save or print it to a new PDF) and upload it again.",
    )


def _pdf_hints(reader: pypdf.PdfReader) -> SpeechFields:
    info = reader.metadata
    if info is None:
        return SpeechFields()
    title = info.title if isinstance(info.title, str) else ""
    created: date | None = None
    try:
        stamp = info.creation_date
    except _PDF_FAILURES:
        stamp = None
    if isinstance(stamp, datetime):
        created = stamp.date()
    return SpeechFields(
        title=title.strip(), delivered=SpeechDate(created) if created is not None else None
    )

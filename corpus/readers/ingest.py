"""The single entry point for uploaded files: tell the real format from the bytes, then read it.

Formats come from the content (magic bytes, ZIP member names, the first markup), never from
the name alone: a PDF named `.html` is read as a PDF, with a warning, and a binary file
named `.txt` is refused. The name decides only between text and a text table (`.csv`,
`.tsv`, `.json`, `.jsonl`, `.ndjson`).

How the importer handles each format (see `read_file`):

- "text", "html", "pdf", "docx": `read_file` returns one `Document`.
- "archive" (ZIP): `read_file` refuses it; call `iter_archive` and `read_file` on each member,
  catching `CorpusError` per member, so each member is reported on its own.
- "table" (CSV, JSON Lines, Parquet, XLSX): `read_file` refuses it; route it to the table reader.
- "unsupported": `read_file` refuses it with a message naming what the file is.
"""

from __future__ import annotations

import email
import email.policy
import os
import re
from dataclasses import replace
from typing import Literal

from corpus.errors import TranscriptDecodeError, UnreadableFileError
from corpus.limits import DEFAULT_LIMITS, Limits
from corpus.readers.archive import ZIP_MAGICS, iter_archive, zip_kind
from corpus.readers.decode import decode_transcript, normalise_text
from corpus.records import Document

__all__ = [
    "DEFAULT_LIMITS",
    "Format",
    "Limits",
    "decode_transcript",
    "iter_archive",
    "normalise_text",
    "read_file",
    "sniff_format",
]

Format = Literal["text", "html", "pdf", "docx", "archive", "table", "unsupported"]

_TABLE_EXTENSIONS = frozenset({".csv", ".tsv", ".json", ".jsonl", ".ndjson"})
_EXPECTED: dict[str, Format] = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
    ".docx": "docx",
    ".zip": "archive",
    ".csv": "table",
    ".tsv": "table",
    ".json": "table",
    ".jsonl": "table",
    ".ndjson": "table",
    ".parquet": "table",
    ".xlsx": "table",
    ".xls": "table",
}
_NAMES: dict[Format, str] = {
    "text": "plain text",
    "html": "a web page",
    "pdf": "a PDF",
    "docx": "a Word (DOCX) file",
    "archive": "a ZIP archive",
    "table": "a table",
}
_SAVE_AS = "save the speech as text, a web page, Word (DOCX) or PDF and upload that."
# Leading bytes of formats that are never transcripts, with what to tell the user.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"BZh", "a bzip2-compressed file"),
    (b"\xfd7zXZ\x00", "an xz-compressed file"),
    (b"(\xb5/\xfd", "a zstd-compressed file"),
    (b"7z\xbc\xaf'\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x7fELF", "a program"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"ID3", "an MP3 recording"),
    (b"fLaC", "a FLAC recording"),
    (b"OggS", "an Ogg recording"),
    (b"{\\rtf", "an RTF document"),
    (b"%!PS", "a PostScript file"),
)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_STARTS = ("<!doctype html", "<html", "<head", "<body", "<meta", "<title")
# Markup fragments that no speech starts with, even one named .txt.
_FRAGMENT_START = re.compile(r"<(div|p|article|section|main|h[1-6]|table|span|br)\b[^>]*>")


def sniff_format(name: str, data: bytes) -> Format:
    """Tell the real format of an uploaded file from its content.

    Args:
        name: the file name; its extension only separates text from text tables.
        data: the bytes of the file.

    Returns:
        "text", "html", "pdf", "docx", "archive" (ZIP), "table" (CSV, TSV, JSON, JSON Lines,
        Parquet, XLSX, XLS) or "unsupported" (images, other archives, programs, old .doc...).

    Example:
        >>> sniff_format("speech.html", b"%PDF-1.7 ...")
        'pdf'
    """
    return _sniff(name, data)[0]


def _sniff(name: str, data: bytes) -> tuple[Format, str]:
    """Return the format and, for unsupported files, what they are."""
    head = data[:2048]
    extension = os.path.splitext(name)[1].lower()
    if b"%PDF-" in data[:1024]:
        return "pdf", ""
    if head.startswith(ZIP_MAGICS):
        kind = zip_kind(data)
        if kind is None:
            return ("docx", "") if extension == ".docx" else ("archive", "")
        described = {
            "pptx": "a PowerPoint presentation",
            "opendocument": "an OpenDocument file",
            "epub": "an EPUB book",
            "broken_office": "an Office file without its document part (damaged); open the "
            "original in Word or LibreOffice and save it again",
        }
        if kind in described:
            return "unsupported", described[kind]
        if kind == "docx":
            return "docx", ""
        if kind == "xlsx":
            return "table", ""
        return "archive", ""
    if head.startswith(_OLE2):
        if extension == ".xls":
            return "table", ""
        return "unsupported", "an old Microsoft Office file (.doc, .xls or .ppt)"
    if head.startswith(b"PAR1"):
        return "table", ""
    if len(head) > 12 and head[4:8] == b"ftyp":
        return "unsupported", "an audio or video file"
    if head.startswith(b"RIFF") and head[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return "unsupported", "an image, audio or video file"
    for magic, described_as in _MAGIC:
        if head.startswith(magic):
            return "unsupported", described_as
    if _looks_like_html(head, extension=extension):
        return "html", ""
    if extension in _TABLE_EXTENSIONS or extension in (".parquet", ".xlsx", ".xls"):
        return "table", ""
    return "text", ""


def _looks_like_html(head: bytes, *, extension: str) -> bool:
    # UTF-16 pages interleave NUL bytes; dropping them leaves the ASCII markup readable.
    start = head.replace(b"\x00", b"").decode("latin-1").lstrip("\ufeff\xef\xbb\xbf\xff\xfe ")
    start = start.lstrip().lower()
    if start.startswith("<?xml") or start.startswith("<!--"):
        return "<html" in start
    if extension in (".html", ".htm", ".xhtml") and start.startswith("<"):
        return True  # a saved fragment: "<div class=...>" with no <html> around it
    return start.startswith(_HTML_STARTS) or bool(_FRAGMENT_START.match(start))


def read_file(name: str, data: bytes, *, limits: Limits = DEFAULT_LIMITS) -> list[Document]:
    r"""Read one uploaded transcript (plain text, web page, Word or PDF) into documents.

    The format comes from `sniff_format`; when the name says otherwise, the document carries a
    warning. Archives and tables are refused here: the importer reads archives member by
    member through `iter_archive`, and tables through the table reader.

    Args:
        name: the file name as the user knows it ("archive.zip/member.txt" for members).
        data: the bytes of the file.
        limits: the per-file budget.

    Returns:
        A list with one `Document` (a list, so that every reader has the same shape).

    Raises:
        UnreadableFileError: the file is empty, too large, in a format that holds no
            transcript, damaged, or without text; `TranscriptDecodeError` (a subclass) when the
            bytes are not trustworthy text.

    Example:
        >>> [doc] = read_file("lavrov.txt", "Dear colleagues,\n\nThank you.".encode())
        >>> doc.text
        'Dear colleagues,\n\nThank you.'
    """
    if not data:
        raise TranscriptDecodeError(name, "the file is empty; upload a file with the speech text.")
    if len(data) > limits.max_file_bytes:
        raise UnreadableFileError(
            name,
            f"the file has {len(data):,} bytes, more than the {limits.max_file_bytes:,} one "
            "upload may hold; split it into smaller files.",
        )
    fmt, described = _sniff(name, data)
    if fmt == "unsupported":
        raise UnreadableFileError(name, f"the file is {described}, not a transcript; {_SAVE_AS}")
    if fmt == "archive":
        raise UnreadableFileError(
            name,
            "the file is a ZIP archive of several files; import it as an archive, so that each "
            "file in it is read and reported on its own.",
        )
    if fmt == "table":
        raise UnreadableFileError(
            name,
            "the file is a table of speeches; import it as a table, so that each row becomes "
            "a speech.",
        )
    # the readers of web pages, PDF and Word load large libraries: imported when a file needs
    # them (the readers' fork server has them loaded already: corpus.readers.preload)
    web_page = mhtml_page(name, data)
    if web_page is not None or fmt == "html":
        from corpus.readers.webpage import read_html

        # a page saved by a browser as one file: its HTML part, decoded, read as a web page
        document = read_html(name, data if web_page is None else web_page, limits=limits)
        fmt = "html"
    elif fmt in ("pdf", "docx"):
        from corpus.readers.office import read_docx, read_pdf

        document = (read_pdf if fmt == "pdf" else read_docx)(name, data, limits=limits)
    else:
        text, warnings = decode_transcript(name, data, limits=limits)
        document = Document(source_name=name, text=text, warnings=warnings)
    mismatch = _name_mismatch(name, fmt)
    if mismatch:
        document = replace(document, warnings=(mismatch, *document.warnings))
    return [replace(document, format=fmt)]


_MHTML_HEAD = re.compile(rb"(?im)^(?:mime-version:|content-type:\s*multipart/related)")


def mhtml_page(name: str, data: bytes) -> bytes | None:
    """Return the HTML of a web page saved as one file (MHTML, .mht), as UTF-8 bytes; None when
    the file is not one.

    Such a file is a MIME message: headers, then parts in quoted-printable or base64, the page
    itself in its own charset (often windows-1251 for Russian pages). The standard library's
    `email` parser undoes both encodings; the page's declared charset decodes it.

    Raises:
        UnreadableFileError: a MIME message without an HTML part.
    """
    head = data[:4096]
    if not (_MHTML_HEAD.search(head) and b"multipart/related" in head.lower()):
        return None
    message = email.message_from_bytes(data, policy=email.policy.default)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            raw = payload if isinstance(payload, bytes) else b""
            charset = part.get_content_charset() or "utf-8"
            try:
                html = raw.decode(charset)
            except (LookupError, UnicodeDecodeError):
                html = raw.decode("utf-8", errors="replace")
            # the charset is undone here: the page's own meta tag must not decode it again
            html = re.sub(r"(?i)<meta[^>]+charset[^>]*>", "", html)
            return html.encode("utf-8")
    raise UnreadableFileError(
        name,
        "the file is a saved web page archive (MHTML) without a web page in it; open the page "
        "in a browser and save it as 'Web page, HTML only', then upload that.",
    )


def _name_mismatch(name: str, fmt: Format) -> str:
    extension = os.path.splitext(name)[1].lower()
    expected = _EXPECTED.get(extension)
    if expected is None or expected == fmt:
        return ""
    return f"{name}: the file is {_NAMES[fmt]} despite its {extension} name, and was read as such."

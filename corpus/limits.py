"""The budget that every upload reader checks before and while it reads: per file, per upload
and per server.

Every limit exists so that one bad upload (a zip bomb, a 50 MB line, a PDF that loops) is
refused within seconds and a few hundred megabytes, instead of stalling a dashboard server
that other people share. The defaults fit real speeches with a wide margin: the longest
State of the Union address is about 200,000 characters, the longest UN General Debate
speech about 150,000.
"""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class Limits:
    """How much one uploaded file may ask of the server.

    Attributes:
        max_file_bytes: size of one uploaded file, and of one member once unpacked from an
            archive (50 MB: a whole PDF book, or a hundred long speeches in one archive).
        max_text_chars: characters of text read from one file (10 million, about 1.5
            million words: fifty times the longest speech on record).
        max_line_chars: characters in one line (2 million): a whole speech saved without
            line breaks still fits, a 50 MB line does not.
        max_word_chars: characters in one run without white space (10,000): long URLs and
            unspaced Chinese or Japanese paragraphs fit, an encoded blob does not.
        max_archive_members: entries in one ZIP archive (2,000).
        max_archive_total_bytes: unpacked size of all members of one archive (200 MB).
        max_compression_ratio: unpacked size over packed size, per member and for the whole
            archive (100: plain text compresses about 3 to 10 times, zip bombs thousands).
        ratio_floor_bytes: members smaller than this unpacked size skip the ratio check,
            since a small file of repeated spaces compresses well and harms nobody (1 MB).
        max_pdf_pages: pages in one PDF (2,000).
        pdf_seconds: time budget for extracting the text of one PDF, checked between pages
            (8 s: pypdf reads about 50 pages a second; a longer PDF is refused with a message
            that asks for smaller files, before the process guard's deadline would kill it).
        max_html_bytes: size of one web page (5 MB: pages with a speech weigh 50 KB to 1 MB,
            and main-text extraction takes about 2 seconds per megabyte).
        max_html_elements: elements in one web page (30,000; speech pages have a few
            thousand, and extraction time grows with the element count).
        max_html_depth: nesting depth of HTML elements (250; real pages stay under 100, and
            the HTML parser gives up at 256 in any case).
        max_docx_xml_bytes: unpacked size of one XML part of a Word file (20 MB; the text of
            a 500-page document is about 5 MB of XML, and parsing takes ten times that in memory).
        max_docx_table_depth: tables nested inside table cells that are still read (5).
        seconds_per_file: wall-clock deadline for reading one file or archive member (10 s),
            enforced by the process guard that runs the readers (`corpus.readers.guard`).
        max_memory_bytes: memory one read may add (512 MB), enforced by the same guard.
        max_upload_speeches: speeches one upload may hold, all its files, archives and table
            rows together (2,000); a larger table goes through `speechtrack import-table`,
            which streams it into the store.
        max_upload_text_chars: characters of text one upload may hold, all its speeches
            together (20 million, about 3 million words): what a dashboard process holds while
            the user checks the metadata.
        upload_seconds: wall-clock deadline for reading all the files of one upload (60 s);
            the files not reached by then are refused and can be uploaded again on their own.
        max_readers: reader processes one server runs at once, whatever the number of users
            uploading (2, one per core); an upload waits up to `reader_wait_seconds` (30 s)
            for one, then is refused with a request to try again.
    """

    max_file_bytes: int = 50 * MB
    max_text_chars: int = 10_000_000
    max_line_chars: int = 2_000_000
    max_word_chars: int = 10_000
    max_archive_members: int = 2_000
    max_archive_total_bytes: int = 200 * MB
    max_compression_ratio: float = 100.0
    ratio_floor_bytes: int = 1 * MB
    max_pdf_pages: int = 2_000
    pdf_seconds: float = 8.0
    max_html_bytes: int = 5 * MB
    max_html_elements: int = 30_000
    max_html_depth: int = 250
    max_docx_xml_bytes: int = 20 * MB
    max_docx_table_depth: int = 5
    seconds_per_file: float = 10.0
    max_memory_bytes: int = 512 * MB
    max_upload_speeches: int = 2_000
    max_upload_text_chars: int = 20_000_000
    upload_seconds: float = 60.0
    max_readers: int = 2
    reader_wait_seconds: float = 30.0


DEFAULT_LIMITS = Limits()

"""ZIP archives of transcripts: safety checks from the central directory, then members one by one.

Nothing is ever extracted to disk. Before any member is decompressed, `open_zip` checks the
central directory: the number of entries, the declared unpacked size of each member and of
the whole archive, the compression ratios, and that no two entries share bytes (overlapping
entries are how the worst zip bombs multiply a small file; this Python predates the zipfile
fix, so the check is ours). Members are read through zipfile, which stops at each member's
declared size and checks its CRC, so a lying size cannot blow up memory either.

Archives inside archives are not opened: one level only. Word (DOCX) and Excel (XLSX) files
are ZIP files too; they are read as documents, with the same checks, not as nested archives.
"""

from __future__ import annotations

import io
import logging
import lzma
import stat
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from typing import Literal

from corpus.errors import UnreadableFileError
from corpus.limits import DEFAULT_LIMITS, Limits

logger = logging.getLogger(__name__)

ZipKind = Literal["archive", "docx", "xlsx", "pptx", "opendocument", "epub", "broken_office"]

ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_LOCAL_SIGNATURE = b"PK\x03\x04"
_END_RECORD = struct.Struct("<4s4H2LH")
# A central-directory entry is 46 bytes plus its name; 1 KB per entry is generous.
_DIRECTORY_BYTES_PER_ENTRY = 1024
# Files that operating systems add to archives; nobody uploads them on purpose.
_SYSTEM_FILES = frozenset({".ds_store", "thumbs.db", "desktop.ini"})
# What zipfile and the decompressors raise on damaged or unsupported data.
_READ_FAILURES = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    lzma.LZMAError,
    OSError,
    EOFError,
    ValueError,
    NotImplementedError,
    RuntimeError,
    struct.error,
)
_NOT_A_ZIP = "the file is not a readable ZIP archive (it is damaged or cut short); "


def open_zip(name: str, data: bytes, *, limits: Limits = DEFAULT_LIMITS) -> zipfile.ZipFile:
    """Open a ZIP archive and check its central directory before anything is decompressed.

    Args:
        name: the file name, used in messages.
        data: the bytes of the archive.
        limits: the per-file budget.

    Returns:
        The open archive, safe to read member by member.

    Raises:
        UnreadableFileError: the archive is damaged, holds too many entries, unpacks to too
            much, compresses too well to be text (a zip bomb) or has overlapping entries.
    """
    n_declared = _declared_entries(data, limits=limits)
    if n_declared > limits.max_archive_members:
        raise _too_many(name, n_declared, limits)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except _READ_FAILURES as err:
        raise UnreadableFileError(name, _NOT_A_ZIP + "create it again and upload it.") from err
    if len(infos) > limits.max_archive_members:
        raise _too_many(name, len(infos), limits)
    total = sum(info.file_size for info in infos)
    if total > limits.max_archive_total_bytes:
        raise UnreadableFileError(
            name,
            f"the archive unpacks to {total:,} bytes, more than the "
            f"{limits.max_archive_total_bytes:,} one upload may hold; split it into smaller "
            "archives.",
        )
    packed = sum(info.compress_size for info in infos)
    bomb = UnreadableFileError(
        name,
        "the file compresses far better than text does, so it looks like a zip bomb and was "
        "not opened; upload the files themselves.",
    )
    if total > limits.ratio_floor_bytes and total > packed * limits.max_compression_ratio:
        raise bomb
    for info in infos:
        big = info.file_size > limits.ratio_floor_bytes
        if big and info.file_size > info.compress_size * limits.max_compression_ratio:
            raise bomb
    _refuse_overlaps(name, data, infos)
    return archive


def _declared_entries(data: bytes, *, limits: Limits) -> int:
    """Read the entry count from the end record, before zipfile builds one object per entry.

    zipfile reads the whole central directory by its declared size, whatever the count says,
    so a directory too large for the member limit counts as too many entries as well.
    """
    position = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if position < 0 or position + _END_RECORD.size > len(data):
        return 0
    fields = _END_RECORD.unpack_from(data, position)
    n_entries, directory_bytes = fields[4], fields[5]
    if directory_bytes > limits.max_archive_members * _DIRECTORY_BYTES_PER_ENTRY:
        return max(n_entries, directory_bytes // 46)
    return n_entries


def _too_many(name: str, n_entries: int, limits: Limits) -> UnreadableFileError:
    return UnreadableFileError(
        name,
        f"the archive has {n_entries:,} entries, more than the {limits.max_archive_members:,} "
        "one upload may hold; split it into smaller archives.",
    )


def _refuse_overlaps(name: str, data: bytes, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse entries whose bytes overlap or run past the end of the file."""
    spans: list[tuple[int, int]] = []
    for info in infos:
        start = info.header_offset
        header = data[start : start + _LOCAL_HEADER.size]
        if len(header) < _LOCAL_HEADER.size or header[:4] != _LOCAL_SIGNATURE:
            raise UnreadableFileError(name, _NOT_A_ZIP + "create it again and upload it.")
        fields = _LOCAL_HEADER.unpack(header)
        end = start + _LOCAL_HEADER.size + fields[10] + fields[11] + info.compress_size
        if end > len(data):
            raise UnreadableFileError(name, _NOT_A_ZIP + "create it again and upload it.")
        spans.append((start, end))
    spans.sort()
    for (_, end), (next_start, _) in zip(spans, spans[1:], strict=False):
        if next_start < end:
            raise UnreadableFileError(
                name,
                "the archive has entries that share the same bytes, a trick of zip bombs, so it "
                "was not opened; create the archive again with a standard tool.",
            )


def zip_kind(data: bytes) -> ZipKind | None:
    """Tell what a ZIP file is from its member names (the central directory only).

    Returns:
        "docx", "xlsx", "pptx", "opendocument", "epub", "broken_office" (an Office package
        without its document part) or "archive"; None when the bytes are not a readable ZIP.
    """
    if _declared_entries(data, limits=DEFAULT_LIMITS) > DEFAULT_LIMITS.max_archive_members:
        return "archive"  # far too many entries for a document; the archive reader refuses it
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except _READ_FAILURES:
        return None
    if "[Content_Types].xml" in names or any(n.startswith("_rels/") for n in names):
        if "word/document.xml" in names or any(n.startswith("word/") for n in names):
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        if any(n.startswith("ppt/") for n in names):
            return "pptx"
        # an Office package without its main part: its XML parts are no transcripts
        return "broken_office"
    if "mimetype" in names and "META-INF/container.xml" in names:
        return "epub"
    if "mimetype" in names and "content.xml" in names:
        return "opendocument"
    return "archive"


def iter_archive(
    name: str,
    data: bytes,
    *,
    limits: Limits = DEFAULT_LIMITS,
    on_skip: Callable[[UnreadableFileError], None] | None = None,
) -> Iterator[tuple[str, bytes]]:
    """Yield the readable members of a ZIP archive, after the safety checks, one at a time.

    Directories and operating-system files (`__MACOSX/`, `._*`, `.DS_Store`, `Thumbs.db`) are
    passed over in silence. Members that cannot be read safely (unsafe paths, symbolic links,
    password-protected, too large, damaged, archives inside the archive) are skipped, each
    reported to `on_skip` as an `UnreadableFileError` naming the member, or logged as a
    warning when `on_skip` is None. Pass each yielded member to `read_file` and catch
    `CorpusError` per member, so one bad file does not stop the others.

    Args:
        name: the archive's file name; members are named "archive.zip/dir/member.txt".
        data: the bytes of the archive.
        limits: the per-file budget, applied to the archive and to each member.
        on_skip: called with the reason for every member skipped.

    Yields:
        (member display name, member bytes) for every member that passed the checks.

    Raises:
        UnreadableFileError: the archive as a whole is refused (see `open_zip`); raised before
            the first member is yielded.

    Example:
        >>> skipped: list[UnreadableFileError] = []
        >>> for member, payload in iter_archive("speeches.zip", data, on_skip=skipped.append):
        ...     documents = read_file(member, payload)
    """
    archive = open_zip(name, data, limits=limits)
    for info in archive.infolist():
        member = f"{name}/{info.filename}"
        if info.is_dir() or _is_system_file(info.filename):
            continue
        reason = _skip_reason(info, limits)
        payload = b""
        if not reason:
            try:
                with archive.open(info) as stream:
                    payload = stream.read(limits.max_file_bytes + 1)
            except _READ_FAILURES as err:
                logger.debug("cannot read %s: %s", member, err)
                reason = "the file is damaged inside the archive; create the archive again."
        if not reason and payload.startswith(ZIP_MAGICS) and zip_kind(payload) == "archive":
            reason = (
                "the file is an archive inside the archive, which is not opened; unpack it and "
                "upload its files."
            )
        if reason:
            problem = UnreadableFileError(member, reason)
            if on_skip is None:
                logger.warning("%s", problem)
            else:
                on_skip(problem)
            continue
        yield member, payload


def _is_system_file(filename: str) -> bool:
    parts = filename.replace("\\", "/").split("/")
    base = parts[-1].lower()
    return parts[0] == "__MACOSX" or base.startswith("._") or base in _SYSTEM_FILES


def _skip_reason(info: zipfile.ZipInfo, limits: Limits) -> str:
    parts = info.filename.replace("\\", "/").split("/")
    unsafe = info.filename.startswith(("/", "\\")) or ".." in parts or ":" in parts[0]
    if unsafe:
        return "the file has a path that points outside the archive, so it was skipped."
    if stat.S_ISLNK(info.external_attr >> 16):
        return "the file is a symbolic link, not a file, so it was skipped."
    if info.flag_bits & 0x1:
        return "the file is password-protected; add it to the archive without a password."
    if info.file_size > limits.max_file_bytes:
        return (
            f"the file unpacks to {info.file_size:,} bytes, more than the "
            f"{limits.max_file_bytes:,} one file may hold; split it into smaller files."
        )
    return ""

r"""Bytes to trustworthy text: encoding detection, stray-byte repair and text normalisation.

The rule, in order (the first that applies wins):

1. A byte-order mark (UTF-32, UTF-8, UTF-16) names the encoding; bytes that do not decode
   with it are refused.
2. Text files never contain NUL bytes, so NUL bytes mean UTF-16 without a mark (when the
   zero bytes fall on one side of each byte pair and the pairs decode) or binary data
   (refused).
3. Valid UTF-8 is always read as UTF-8, without a warning.
4. UTF-8 with a few stray legacy bytes (at most 1% of the bytes, or 4) is repaired when every stray
   byte stands for punctuation or a symbol: a Big5 punctuation pair (the NLTK addresses hold
   "\xa1\xa6" for an apostrophe) or a single Windows-1252 byte ("\x92", "\xbd\xa2" for
   "½¢"). The result carries a warning that counts the bytes. A UTF-8 file cut in the middle of
   its last character loses that character, with a warning.
5. Files with a whole line of real UTF-8 text and other lines with bytes of another encoding
   are refused: no single reading is right.
6. Otherwise charset-normalizer chooses among `LEGACY_ENCODINGS`. Readings it scores alike
   are settled only within one family (Western European: fewest symbols stuck inside words,
   then the most common encoding; Cyrillic: the reading with fewer capitals); readings from
   different families, or with high chaos, are refused as doubtful. A kept reading carries a
   warning naming the encoding.

Every refusal tells the user to re-save the file as UTF-8.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import cache

import numpy as np
import numpy.typing as npt
from charset_normalizer import from_bytes
from charset_normalizer.models import CharsetMatch

from corpus.codepoints import codepoints, word_table
from corpus.errors import TranscriptDecodeError
from corpus.limits import DEFAULT_LIMITS, Limits

LEGACY_ENCODINGS: tuple[str, ...] = (
    "cp1252",
    "cp1250",
    "cp1251",
    "koi8_r",
    "koi8_u",
    "cp866",
    "cp1253",
    "cp1254",
    "cp1255",
    "cp1256",
    "cp1257",
    "gb18030",
    "big5",
    "shift_jis",
    "euc_jp",
    "euc_kr",
)
"""The legacy encodings a file may be read in, most common first. Latin-1 is read as
Windows-1252 (its superset for text); Mac Roman and ISO-8859-2/15 are left out: on nearly-ASCII
English they score as well as Windows-1252 and turn every apostrophe into a letter."""
# Encodings that read the same letters differently, and the order to prefer them in when the
# detector scores them alike: Western European first, then Cyrillic.
_FAMILIES: dict[str, tuple[str, int]] = {
    "cp1252": ("western", 0),
    "cp1250": ("western", 1),
    "cp1257": ("western", 2),
    "cp1254": ("western", 3),
    "cp1251": ("cyrillic", 0),
    "koi8_r": ("cyrillic", 1),
    "koi8_u": ("cyrillic", 2),
    "cp866": ("cyrillic", 3),
}

_LABELS = {
    "cp1252": "Windows-1252",
    "cp1251": "Windows-1251",
    "koi8_r": "KOI8-R",
    "koi8_u": "KOI8-U",
    "cp1250": "Windows-1250",
    "latin_1": "ISO-8859-1",
    "iso8859_15": "ISO-8859-15",
    "cp866": "DOS-866",
}

_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"),
    (b"\xef\xbb\xbf", "utf-8", "UTF-8"),
    (b"\xff\xfe", "utf-16-le", "UTF-16"),
    (b"\xfe\xff", "utf-16-be", "UTF-16"),
)

MAX_CHAOS = 0.1
_RESAVE = "open it in a text editor and save it as UTF-8, then upload it again."

_STRAY_RUN = re.compile(r"[\udc80-\udcff]+[\x40-\x7e]?")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_PARAGRAPH_BREAKS = re.compile(r"\n{3,}")
_MAX_MARKS = 4

# Each pair is applied with str.replace, then _INVISIBLE is deleted: both run in C, and much
# faster than str.translate on multi-megabyte texts.
_REPLACEMENTS = (
    ("\r\n", "\n"),
    ("\r", "\n"),
    ("\t", " "),
    ("\x0b", "\n"),
    ("\x0c", "\n"),
    ("\x85", "\n"),
    ("\u2028", "\n"),
    ("\u2029", "\n\n"),
)
# C0 and C1 controls, bidirectional overrides and isolates, zero-width characters, and lone
# surrogates (which no file can encode).
_INVISIBLE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200d\u2060\ufeff\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_MARK_CANDIDATE = re.compile(rf"[^\w\s]{{{_MAX_MARKS + 1},}}")
_TEXT_CONTROLS = frozenset("\t\n\r\x0b\x0c\x1a\x1b")


def decode_transcript(
    name: str, data: bytes, *, limits: Limits = DEFAULT_LIMITS
) -> tuple[str, tuple[str, ...]]:
    r"""Decode the bytes of a plain-text transcript into normalised text.

    The encoding rule is the one in this module's docstring.

    Args:
        name: the file name, used in messages.
        data: the uploaded bytes.
        limits: the per-file budget.

    Returns:
        The normalised text (see `normalise_text`) and the warnings about repairs or guesses.

    Raises:
        TranscriptDecodeError: the file is empty, binary, too large, not trustworthy text in
            any encoding, or empty once normalised.

    Example:
        >>> decode_transcript("a.txt", "Dear friends,\r\n\r\n\r\nThank you.".encode())
        ('Dear friends,\n\nThank you.', ())
    """
    raw, warnings = decode_bytes(name, data, limits=limits)
    return finish_text(name, raw, limits=limits), warnings


def decode_bytes(
    name: str, data: bytes, *, limits: Limits = DEFAULT_LIMITS
) -> tuple[str, tuple[str, ...]]:
    """Decode bytes by the module's encoding rule, without normalising the text.

    Raises:
        TranscriptDecodeError: as `decode_transcript`, except for the checks on the text itself.
    """
    if not data:
        raise TranscriptDecodeError(name, "the file is empty; upload a file with the speech text.")
    if len(data) > limits.max_file_bytes:
        raise TranscriptDecodeError(
            name,
            f"the file has {len(data):,} bytes, more than the {limits.max_file_bytes:,} "
            "one upload may hold; split it into smaller files.",
        )
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            return _decode_with_bom(name, data[len(bom) :], codec, label), ()
    if b"\x00" in data:
        return _decode_utf16_without_bom(name, data), ()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return _decode_not_utf8(name, data)
    _refuse_binary(name, text)
    return text, ()


def _decode_with_bom(name: str, body: bytes, codec: str, label: str) -> str:
    try:
        text = body.decode(codec)
    except UnicodeDecodeError as err:
        raise TranscriptDecodeError(
            name,
            f"the file starts with a {label} byte-order mark but is not valid {label} "
            f"(at byte {err.start:,}); {_RESAVE}",
        ) from err
    _refuse_binary(name, text)
    return text


def _decode_utf16_without_bom(name: str, data: bytes) -> str:
    binary = TranscriptDecodeError(
        name,
        "the file holds binary data (NUL bytes), not text; upload the speech as a text, "
        "HTML, Word (DOCX) or PDF file.",
    )
    if len(data) % 2:
        raise binary
    n_pairs = len(data) // 2
    zeros_even, zeros_odd = data[0::2].count(0), data[1::2].count(0)
    if zeros_odd > max(1, n_pairs // 50) and zeros_even * 10 <= zeros_odd:
        codec = "utf-16-le"
    elif zeros_even > max(1, n_pairs // 50) and zeros_odd * 10 <= zeros_even:
        codec = "utf-16-be"
    else:
        raise binary
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as err:
        raise binary from err
    sample = text[:65536]
    if _count_controls(sample) > max(2, len(sample) // 100) or "\x00" in text:
        raise binary
    return text


def _count_controls(text: str) -> int:
    count = 0
    for ch in text:
        if ch < " " and ch not in _TEXT_CONTROLS:
            count += 1
    return count


def _refuse_binary(name: str, text: str) -> None:
    # Counting controls on the whole of a 50 MB text costs seconds; a sample decides as well.
    sample = text[:65536]
    if _count_controls(sample) > max(2, len(sample) // 100):
        raise TranscriptDecodeError(
            name,
            "the file holds control codes rather than text (it looks binary); upload the "
            "speech as a text, HTML, Word (DOCX) or PDF file.",
        )


def _decode_not_utf8(name: str, data: bytes) -> tuple[str, tuple[str, ...]]:
    escaped = data.decode("utf-8", "surrogateescape")
    n_stray = len(escaped) - len(data.decode("utf-8", "ignore"))
    truncated = _truncated_tail(escaped)
    if truncated and n_stray == truncated:
        text = escaped[:-truncated]
        _refuse_binary(name, text)
        return text, (
            f"{name}: the file ends in the middle of a character, which was dropped; "
            "check the end of the text.",
        )
    if n_stray <= max(4, len(data) // 100):
        repaired = _repair_stray_bytes(escaped)
        if repaired is not None:
            text, examples = repaired
            _refuse_binary(name, text)
            shown = " ".join(examples)
            were, they, stand = (
                ("was", "it", "stands") if n_stray == 1 else ("were", "they", "stand")
            )
            return text, (
                f"{name}: {_bytes_were(n_stray)} not valid UTF-8 and {were} read as the "
                f"punctuation {they} most likely {stand} for ({shown}); check those marks, or "
                "re-save the file as UTF-8.",
            )
    if _has_utf8_and_legacy_lines(escaped):
        raise TranscriptDecodeError(
            name,
            f"the file mixes UTF-8 text with {n_stray:,} bytes in another encoding, so no "
            f"single reading is right; {_RESAVE}",
        )
    return _decode_legacy(name, data)


def _has_utf8_and_legacy_lines(escaped: str) -> bool:
    """Whether some lines are real UTF-8 text while others hold bytes of another encoding.

    Legacy text is valid UTF-8 only by chance, a character here and there, never for a whole
    line of non-ASCII text; so one line with at least 16 bytes of valid multi-byte UTF-8 and
    another with stray bytes mean two encodings in one file.
    """
    has_utf8 = has_stray = False
    for line in escaped.split("\n"):
        if line.isascii():
            continue
        if _SURROGATE.search(line):
            has_stray = True
        elif len(line.encode("utf-8")) - len(line) >= 16:
            has_utf8 = True
        if has_utf8 and has_stray:
            return True
    return False


def _bytes_were(count: int) -> str:
    return "1 byte was" if count == 1 else f"{count:,} bytes were"


def _truncated_tail(escaped: str) -> int:
    """Return how many stray bytes at the very end form an unfinished UTF-8 character."""
    tail = bytearray()
    for ch in reversed(escaped[-3:]):
        if not "\udc80" <= ch <= "\udcff":
            break
        tail.insert(0, ord(ch) - 0xDC00)
    if not tail or not 0xC2 <= tail[0] <= 0xF4:
        return 0
    needed = 2 if tail[0] < 0xE0 else 3 if tail[0] < 0xF0 else 4
    rest_ok = all(0x80 <= b <= 0xBF for b in tail[1:])
    return len(tail) if rest_ok and len(tail) < needed else 0


def _is_mark_like(text: str) -> bool:
    """Whether a repaired character is punctuation, a symbol, a number or a space."""
    return all(unicodedata.category(ch)[0] in "PSNZ" for ch in text)


def _repair_stray_bytes(escaped: str) -> tuple[str, list[str]] | None:
    """Read each run of stray bytes as Big5 punctuation or Windows-1252 symbols, or give up."""
    examples: list[str] = []
    failed = False

    def repair(match: re.Match[str]) -> str:
        nonlocal failed
        run = match.group()
        trail = run[-1] if run[-1] < "\x80" else ""
        n_stray = len(run) - len(trail)
        raw = bytes(ord(ch) - 0xDC00 for ch in run[:n_stray]) + trail.encode("ascii")
        pieces: list[str] = []
        i = 0
        while i < n_stray:
            piece, step = _repair_at(raw, i)
            if piece is None:
                failed = True
                return run
            pieces.append(piece)
            i += step
        fixed = "".join(" " if piece.isspace() else piece for piece in pieces)
        if len(examples) < 5 and fixed.strip() and fixed not in examples:
            examples.append(fixed)
        return fixed if i > n_stray else fixed + trail

    text = _STRAY_RUN.sub(repair, escaped)
    return None if failed else (text, examples)


def _repair_at(raw: bytes, i: int) -> tuple[str | None, int]:
    """Return the character that the stray byte at `i` (with its partner) stands for."""
    if 0xA1 <= raw[i] <= 0xA3 and i + 1 < len(raw):
        try:
            piece = raw[i : i + 2].decode("big5")
        except UnicodeDecodeError:
            piece = ""
        if piece and _is_mark_like(piece):
            return piece, 2
    try:
        piece = raw[i : i + 1].decode("cp1252")
    except UnicodeDecodeError:
        return None, 1
    return (piece, 1) if _is_mark_like(piece) else (None, 1)


def _decode_legacy(name: str, data: bytes) -> tuple[str, tuple[str, ...]]:
    matches = list(from_bytes(data, cp_isolation=list(LEGACY_ENCODINGS), threshold=0.2))
    doubtful = TranscriptDecodeError(
        name,
        "the file is not UTF-8 and its encoding cannot be recognised with confidence, so "
        f"storing it could garble the text; {_RESAVE}",
    )
    if not matches or matches[0].chaos > MAX_CHAOS:
        raise doubtful
    best = _choose(matches)
    if best is None:
        raise doubtful
    text = str(best)
    _refuse_binary(name, text)
    # The detector merges encodings that give the same text; name the most common of them.
    encoding = min(best.could_be_from_charset, key=lambda e: _FAMILIES.get(e, ("", 9))[1])
    label = _LABELS.get(encoding, encoding.upper().replace("_", "-"))
    return text, (
        f"{name}: the file is not UTF-8 and was read as {label}; check that the text reads "
        "correctly, or re-save the file as UTF-8.",
    )


def _choose(matches: list[CharsetMatch]) -> CharsetMatch | None:
    r"""Choose among readings the detector scores alike, or return None when in doubt.

    Readings that give the same text are one reading (the most common encoding names it).
    Different readings are settled only inside one family: Western encodings by the fewest
    symbols stuck inside words ("Pa\xb9stwo" read as Windows-1252 gives "Pa¹stwo"), then by
    how common the encoding is; Cyrillic ones by the share of lower-case letters (reading
    KOI8-R as Windows-1251 swaps the case of every letter), then by how common.
    """
    best = matches[0]
    close = [
        m
        for m in matches[:6]
        if m.chaos - best.chaos < 0.02 and best.coherence - m.coherence < 0.05
    ]
    readings: dict[str, CharsetMatch] = {}
    for match in close:
        readings.setdefault(_sample(match), match)
    if len(readings) == 1:
        return best
    families = {_FAMILIES.get(m.encoding, (m.encoding, 0))[0] for m in readings.values()}
    if len(families) != 1 or families.isdisjoint({"western", "cyrillic"}):
        return None
    ranked = sorted(readings.items(), key=lambda item: _family_rank(*item))
    if _family_rank(*ranked[0])[:1] == _family_rank(*ranked[1])[:1]:
        return ranked[0][1] if _FAMILIES[ranked[0][1].encoding][0] == "western" else None
    return ranked[0][1]


def _family_rank(sample: str, match: CharsetMatch) -> tuple[float, int]:
    family, order = _FAMILIES[match.encoding]
    if family == "western":
        stuck = sum(
            1
            for i in range(1, len(sample) - 1)
            if sample[i] > "\x7f"
            and not sample[i].isalpha()
            and sample[i - 1].isalpha()
            and sample[i + 1].isalpha()
        )
        return float(stuck), order
    cyrillic = [ch for ch in sample if "\u0400" <= ch <= "\u04ff"]
    upper = sum(1 for ch in cyrillic if ch.isupper())
    return upper / max(1, len(cyrillic)), order


def _sample(match: CharsetMatch) -> str:
    return match.raw[:65536].decode(match.encoding, "ignore")


def finish_text(name: str, text: str, *, limits: Limits = DEFAULT_LIMITS) -> str:
    """Check decoded text against the budget, normalise it and refuse it when empty.

    Raises:
        TranscriptDecodeError: too many characters, a line or a run without spaces too long
            to be speech, or no text at all once normalised.
    """
    if len(text) > limits.max_text_chars:
        raise TranscriptDecodeError(
            name,
            f"the file holds {len(text):,} characters of text, more than the "
            f"{limits.max_text_chars:,} one upload may hold; split it into smaller files.",
        )
    if _long_run(limits.max_word_chars).search(text):
        raise TranscriptDecodeError(
            name,
            f"the text has a run of more than {limits.max_word_chars:,} characters without a "
            "space, which is not speech; check that this is the right file.",
        )
    text = normalise_text(text)
    if _long_line(limits.max_line_chars).search(text):
        raise TranscriptDecodeError(
            name,
            f"the text has a line of more than {limits.max_line_chars:,} characters; add line "
            "breaks between paragraphs and upload it again.",
        )
    if not text:
        raise TranscriptDecodeError(
            name, "the file has no text once blank space is removed; check that it is the speech."
        )
    return text


@cache
def _long_run(n_chars: int) -> re.Pattern[str]:
    # Anchored at the start of a run, so each run is scanned once: linear time on any input.
    return re.compile(rf"(?<!\S)\S{{{n_chars + 1}}}")


@cache
def _long_line(n_chars: int) -> re.Pattern[str]:
    return re.compile(rf"^[^\n]{{{n_chars + 1}}}", re.MULTILINE)


def build_tables() -> None:
    """Build the code-point tables that `normalise_text` and word counting look up (once per
    process, about a third of a second): a process that forks readers does it before forking."""
    _mark_table()
    _mark_flood()
    word_table()


@cache
def _marks() -> list[str]:
    # every combining mark (general category M*), in code point order
    return [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c))[0] == "M"]


@cache
def _mark_table() -> npt.NDArray[np.bool_]:
    table = np.zeros(sys.maxunicode + 1, dtype=bool)
    table[[ord(m) for m in _marks()]] = True
    return table


@cache
def _mark_flood() -> re.Pattern[str]:
    marks = _marks()
    ranges: list[str] = []
    start = prev = marks[0]
    for ch in [*marks[1:], "\U0010ffff"]:
        if ord(ch) != ord(prev) + 1:
            ranges.append(re.escape(start) if start == prev else f"{start}-{prev}")
            start = ch
        prev = ch
    cls = "[" + "".join(ranges) + "]"
    return re.compile(f"({cls}{{{_MAX_MARKS}}}){cls}+")


def normalise_text(text: str) -> str:
    r"""Normalise text for storage, so the same speech always gives the same text.

    Unicode NFC; newlines as "\n" (also for "\r\n", "\r", form feeds and Unicode line
    separators); tabs as spaces; no NUL, C0 or C1 control characters, bidirectional overrides
    and isolates (U+202A-202E, U+2066-2069) or zero-width characters (U+200B-200D, U+2060,
    U+FEFF); at most four combining marks in a row; no spaces at line ends; paragraphs
    separated by exactly one blank line, lines inside a paragraph kept; no blank lines at
    either end.

    Args:
        text: any text.

    Returns:
        The normalised text, possibly empty (callers refuse empty text).

    Example:
        >>> normalise_text("Thank you.  \r\n\r\n\r\n\u202eGood night.\t")
        'Thank you.\n\nGood night.'
    """
    for old, new in _REPLACEMENTS:
        text = text.replace(old, new)
    text = unicodedata.normalize("NFC", _INVISIBLE.sub("", text))
    # Combining marks are neither word characters nor space: only runs of such characters
    # can hold a flood, and scanning for those is fast.
    if _mark_table()[codepoints(text)].any():  # most texts have no combining mark at all
        flood = _mark_flood()
        text = _MARK_CANDIDATE.sub(lambda m: flood.sub(r"\1", m.group()), text)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    if "\n\n\n" in text:  # a plain search first: most texts have no such runs
        text = _PARAGRAPH_BREAKS.sub("\n\n", text)
    return text.strip("\n")

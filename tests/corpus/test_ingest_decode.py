"""Bytes to text: every encoding users upload, stray-byte repair, refusals and normalisation."""

from __future__ import annotations

import time
import unicodedata
import zipfile

import pytest

from corpus.errors import TranscriptDecodeError
from corpus.limits import Limits
from corpus.readers.decode import decode_transcript, normalise_text
from tests.conftest import need_corpora

RUSSIAN = (
    "Уважаемые коллеги! Мы собрались сегодня, чтобы обсудить вопросы международной "
    "безопасности, сотрудничества и развития.\n\nРоссия всегда выступала за равноправный "
    "диалог, уважение суверенитета и невмешательство во внутренние дела других государств. "
    "Её позиция хорошо известна, и мы от неё не отступим."
)
ENGLISH = (
    "My fellow citizens: we hold these truths to be self-evident — “that all men are created "
    "equal.”\n\nIt’s the nation’s promise… and we’ll keep it, café by café."
)

FRENCH = "Mesdames et messieurs, c’est avec émotion que je m’adresse à vous aujourd’hui."
POLISH = "Szanowni Państwo, Polska jest gotowa do współpracy w sprawach bezpieczeństwa."
UKRAINIAN = "Шановні пані та панове! Україна прагне миру, свободи та незалежності."
CHINESE = "女士们，先生们，中国始终坚持和平发展道路，坚定奉行互利共赢的开放战略。"
NEARLY_ASCII = "The minister’s visit to the café was brief." + " We discussed trade." * 30

ENCODED = [
    pytest.param(RUSSIAN.encode("cp1251"), RUSSIAN, "Windows-1251", id="cp1251-russian"),
    pytest.param(RUSSIAN.encode("koi8_r"), RUSSIAN, "KOI8-R", id="koi8r-russian"),
    pytest.param(RUSSIAN.encode("cp866"), RUSSIAN, "DOS-866", id="cp866-russian"),
    pytest.param(ENGLISH.encode("cp1252"), ENGLISH, "Windows-1252", id="cp1252-curly-quotes"),
    # Mac Roman used to win here and turn the apostrophe into "í".
    pytest.param(NEARLY_ASCII.encode("cp1252"), NEARLY_ASCII, "Windows-1252", id="nearly-ascii"),
    pytest.param((FRENCH * 3).encode("cp1252"), FRENCH * 3, "Windows-1252", id="cp1252-french"),
    # Windows-1252 reads this as "Pañstwo ... wspó³pracy": symbols inside words lose.
    pytest.param((POLISH * 3).encode("cp1250"), POLISH * 3, "Windows-1250", id="cp1250-polish"),
    pytest.param((UKRAINIAN * 3).encode("koi8_u"), UKRAINIAN * 3, "KOI8-U", id="koi8u-ukrainian"),
    pytest.param((CHINESE * 3).encode("gb18030"), CHINESE * 3, "GB18030", id="gb18030-chinese"),
]


@pytest.mark.parametrize(("data", "expected", "label"), ENCODED)
def test_legacy_encodings_are_detected_and_named(data: bytes, expected: str, label: str) -> None:
    text, warnings = decode_transcript("speech.txt", data)
    assert text == expected
    assert len(warnings) == 1
    assert f"read as {label}" in warnings[0]
    assert warnings[0].startswith("speech.txt: ")


def test_cp1251_and_koi8r_of_the_same_text_are_told_apart() -> None:
    # The same bytes read in the other encoding give a different, wrong text: the detector
    # has to choose on language, not on byte ranges.
    as_cp1251 = RUSSIAN.encode("cp1251")
    as_koi8 = RUSSIAN.encode("koi8_r")
    assert as_cp1251.decode("koi8_r") != RUSSIAN
    assert decode_transcript("a.txt", as_cp1251)[0] == RUSSIAN
    assert decode_transcript("b.txt", as_koi8)[0] == RUSSIAN


UNICODE_FORMS = [
    pytest.param(b"\xef\xbb\xbf" + ENGLISH.encode("utf-8"), id="utf8-bom"),
    pytest.param(ENGLISH.encode("utf-8"), id="utf8"),
    pytest.param(ENGLISH.encode("utf-16"), id="utf16-bom"),
    pytest.param(b"\xfe\xff" + ENGLISH.encode("utf-16-be"), id="utf16be-bom"),
    pytest.param(ENGLISH.encode("utf-16-le"), id="utf16le-no-bom"),
    pytest.param(ENGLISH.encode("utf-16-be"), id="utf16be-no-bom"),
    pytest.param(ENGLISH.encode("utf-32"), id="utf32-bom"),
    pytest.param(b"\x00\x00\xfe\xff" + ENGLISH.encode("utf-32-be"), id="utf32be-bom"),
]


@pytest.mark.parametrize("data", UNICODE_FORMS)
def test_unicode_forms_decode_without_warnings(data: bytes) -> None:
    assert decode_transcript("speech.txt", data) == (ENGLISH, ())


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-16"])
def test_russian_utf16_with_and_without_bom(codec: str) -> None:
    assert decode_transcript("speech.txt", RUSSIAN.encode(codec)) == (RUSSIAN, ())


def test_valid_utf8_is_always_utf8_even_when_it_could_be_cp1252() -> None:
    # "Ã©" in cp1252 is the UTF-8 encoding of "é": valid UTF-8 wins.
    assert decode_transcript("a.txt", "Café Müller".encode()) == ("Café Müller", ())


def test_stray_windows_byte_in_utf8_is_repaired_with_a_counted_warning() -> None:
    data = "Russia’s role — “key”.".encode() + b" It\x92s time."
    text, warnings = decode_transcript("a.txt", data)
    assert text == "Russia’s role — “key”. It’s time."
    assert warnings == (
        "a.txt: 1 byte was not valid UTF-8 and was read as the punctuation it most likely stands "
        "for (’); check those marks, or re-save the file as UTF-8.",
    )


def test_stray_big5_punctuation_is_read_as_punctuation() -> None:
    data = b"America\xa1\xa6s priorities\xa1Xand more " * 10 + b"plain text " * 400
    text, warnings = decode_transcript("nixon.txt", data)
    assert text.startswith("America’s priorities—and more America’s")
    assert "30 bytes were not valid UTF-8" in warnings[0]


def test_mixed_utf8_and_cp1251_is_refused() -> None:
    data = RUSSIAN.encode("utf-8") + b"\n\n" + RUSSIAN.encode("cp1251")
    with pytest.raises(TranscriptDecodeError, match="mixes UTF-8 text with .* save it as UTF-8"):
        decode_transcript("mixed.txt", data)


def test_stray_letters_in_utf8_are_refused_not_guessed() -> None:
    # One cp1251 word in an English UTF-8 file with real UTF-8 punctuation: a letter cannot be
    # guessed, and no single encoding reads both parts.
    data = "Minister — welcome, “friends”.".encode() + b" Mr " + "Лавров".encode("cp1251")
    with pytest.raises(TranscriptDecodeError, match="save it as UTF-8, then upload it again"):
        decode_transcript("a.txt", data)


def test_short_legacy_text_is_refused_as_doubtful() -> None:
    with pytest.raises(TranscriptDecodeError, match="cannot be recognised with confidence"):
        decode_transcript("short.txt", "Да, конечно.".encode("cp1251"))


def test_utf8_cut_inside_the_last_character_loses_only_that_character() -> None:
    text, warnings = decode_transcript("cut.txt", "Спасибо, Россия".encode()[:-1])
    assert text == "Спасибо, Росси"
    assert "ends in the middle of a character" in warnings[0]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b"", "the file is empty", id="empty"),
        pytest.param(b" \r\n\t \n\xc2\xa0\n", "no text once blank space", id="whitespace-only"),
        pytest.param(b"\xef\xbb\xbf\n\n", "no text once blank space", id="bom-only"),
        pytest.param(bytes(range(256)) * 4, "binary data", id="binary-with-nul"),
        pytest.param(b"\x01\x02\x03\x04\x05abc\x06\x07\x08" * 50, "control codes", id="controls"),
        pytest.param(b"\xff\xfe" + b"\x00\xd8", "not valid UTF-16", id="bad-utf16-bom"),
    ],
)
def test_untrustworthy_bytes_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(TranscriptDecodeError, match=message) as caught:
        decode_transcript("upload.txt", data)
    assert str(caught.value).startswith("upload.txt: ")


def test_one_megabyte_word_is_refused_quickly() -> None:
    data = b"Thank you. " + b"x" * 1_048_576 + b" Good night."
    started = time.monotonic()
    with pytest.raises(TranscriptDecodeError, match="without a space"):
        decode_transcript("word.txt", data)
    assert time.monotonic() - started < 10


def test_fifty_megabyte_line_is_refused_quickly() -> None:
    data = b"word " * 10_000_000
    started = time.monotonic()
    with pytest.raises(TranscriptDecodeError, match="more than the 10,000,000"):
        decode_transcript("line.txt", data)
    assert time.monotonic() - started < 10


def test_long_line_limit_applies_when_the_text_fits() -> None:
    limits = Limits(max_line_chars=1_000)
    with pytest.raises(TranscriptDecodeError, match="a line of more than 1,000 characters"):
        decode_transcript("line.txt", b"word " * 300, limits=limits)
    assert decode_transcript("ok.txt", b"word " * 150 + b"\n" + b"word " * 150, limits=limits)


def test_file_over_the_byte_budget_is_refused() -> None:
    with pytest.raises(TranscriptDecodeError, match="more than the 100 one upload may hold"):
        decode_transcript("big.txt", b"a " * 51, limits=Limits(max_file_bytes=100))


NORMALISED = [
    pytest.param("a\r\nb\rc", "a\nb\nc", id="newlines"),
    pytest.param("one  \t \nline two   ", "one\nline two", id="trailing-space"),
    pytest.param("p1\n\n\n\n\np2\n \n\t\np3", "p1\n\np2\n\np3", id="one-blank-line"),
    pytest.param("line one\nline two\n\npara", "line one\nline two\n\npara", id="lines-kept"),
    pytest.param("\n\n  \nbody\n\n\n", "body", id="blank-ends"),
    pytest.param("a\x00b\x07c\x1bd\x7fe\x9bf", "abcdef", id="c0-c1-controls"),
    pytest.param("col1\tcol2", "col1 col2", id="tab-to-space"),
    pytest.param("page one\x0cpage two", "page one\npage two", id="form-feed"),
    pytest.param("a\u2028b\u2029c", "a\nb\n\nc", id="unicode-separators"),
    pytest.param("\u202eevil\u202c \u2066iso\u2069", "evil iso", id="bidi-overrides"),
    pytest.param("zero\u200bwidth\u200c\u200d\u2060\ufeffjoin", "zerowidthjoin", id="zero-width"),
    pytest.param("Cafe\u0301", "Café", id="nfc"),
    pytest.param("x\ud800y", "xy", id="lone-surrogate"),
]


@pytest.mark.parametrize(("raw", "expected"), NORMALISED)
def test_normalise_text(raw: str, expected: str) -> None:
    assert normalise_text(raw) == expected


def test_combining_mark_flood_is_capped_at_four() -> None:
    zalgo = "Z" + "\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308" * 50 + "algo"
    capped = normalise_text(zalgo)
    assert capped.startswith("Ź")  # NFC composes the first mark with its letter
    marks = [ch for ch in capped if unicodedata.combining(ch)]
    assert len(marks) <= 4
    assert capped.endswith("algo")
    # Real text with two or three marks on a letter is left alone.
    vietnamese = "Việt Nam, Tiếng Việt"
    assert normalise_text(vietnamese) == unicodedata.normalize("NFC", vietnamese)


def test_normalise_text_is_idempotent() -> None:
    once = normalise_text("  A\r\n\r\n\r\nB\u200b\t \nC\u0301  ")
    assert normalise_text(once) == once


NLTK_NOT_UTF8 = {
    ("inaugural.zip", "inaugural/2005-Bush.txt"),
    ("state_union.zip", "state_union/1954-Eisenhower.txt"),
    ("state_union.zip", "state_union/1970-Nixon.txt"),
    ("state_union.zip", "state_union/1971-Nixon.txt"),
    ("state_union.zip", "state_union/1972-Nixon.txt"),
    ("state_union.zip", "state_union/1973-Nixon.txt"),
    ("state_union.zip", "state_union/1974-Nixon.txt"),
}


def test_nltk_addresses_decode_and_only_the_seven_legacy_files_warn() -> None:
    folder = need_corpora("nltk-us-addresses")
    warned: set[tuple[str, str]] = set()
    n_files = 0
    for archive in ("inaugural.zip", "state_union.zip"):
        with zipfile.ZipFile(folder / archive) as zf:
            for info in zf.infolist():
                if info.is_dir() or not info.filename.endswith(".txt"):
                    continue
                n_files += 1
                text, warnings = decode_transcript(info.filename, zf.read(info))
                assert "\ufffd" not in text
                assert not any(unicodedata.category(ch) == "Co" for ch in text)
                if warnings:
                    warned.add((archive, info.filename))
                    assert len(warnings) == 1
                    assert "were not valid UTF-8 and were read as the punctuation" in warnings[0]
    assert n_files == 124
    assert warned == NLTK_NOT_UTF8


def test_nltk_stray_bytes_become_the_right_punctuation() -> None:
    folder = need_corpora("nltk-us-addresses")
    with zipfile.ZipFile(folder / "state_union.zip") as zf:
        nixon = decode_transcript("1970-Nixon.txt", zf.read("state_union/1970-Nixon.txt"))[0]
        eisenhower = zf.read("state_union/1954-Eisenhower.txt")
    with zipfile.ZipFile(folder / "inaugural.zip") as zf:
        bush, warnings = decode_transcript("2005-Bush.txt", zf.read("inaugural/2005-Bush.txt"))
    assert "what man’s genius" in nixon
    assert "be remembered—not so much" in nixon
    assert "years of sabbatical—and then" in bush
    assert "¡" not in bush and "¡" not in nixon
    assert warnings[0].startswith("2005-Bush.txt: 55 bytes were not valid UTF-8")
    assert "the ½¢ decrease" in decode_transcript("1954.txt", eisenhower)[0]

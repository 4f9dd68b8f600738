"""Speech metadata from a transcript: its title line, header lines, dateline, file name and language."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from pathlib import PurePosixPath
from typing import Any

from corpus.errors import MetadataError
from corpus.metadata.dates import (
    DateMention,
    date_mentions,
    format_date,
    parse_date,
    parse_dateline,
)
from corpus.metadata.titles import is_title_line, opens_speech, parse_speaker, title_fields
from corpus.records import Document, Speech, SpeechDate, SpeechFields, speech_id_for

__all__ = [
    "guess_language",
    "language_code",
    "parse_document",
    "parse_filename",
    "parse_header",
    "parse_speaker",
    "parse_title",
    "parse_transcript",
]

NO_DATE = (
    "no date found in the title, the header or the file name; "
    "give one with --date YYYY-MM-DD (or YYYY-MM, or YYYY)"
)
_TOP_LINES = 12  # header lines sit within the first lines of a transcript
_MAX_HEADER_LINE = 300

# Header keys, lower case, by the field they give. "Written by" and friends name who posted the
# page on a website, never the speaker.
_KEYS_BY_FIELD = {
    "delivered": "date|dated|delivered|delivered on|date delivered|date of delivery|speech date|"
    "event date|date of speech",
    "published": "published|published on|updated on|posted|posted on|created|last updated|"
    "updated|release date|released|issued|modified|date published",
    "speaker": "speaker|speakers|delivered by|spoken by|name",
    "role": "role|position|post|function|office",
    "place": "place|location|venue|city|where",
    "title": "title|headline|subject",
    "source": "source|url|link|original|source url",
    "country": "country|delegation|member state|nation",
    "category": "category|categories|section|parent category|type",
    "posted_by": "written by|posted by|author|published by|created by|uploaded by|editor",
    "language": "language|lang",
    "": "hits|views|tags|keywords|print|email|share|reading time|details|comments|duration",
}
_HEADER_KEYS = {key: name for name, keys in _KEYS_BY_FIELD.items() for key in keys.split("|")}
_KEYS_BY_LENGTH = sorted(_HEADER_KEYS, key=len, reverse=True)
_BY_KEYS = (
    "written by", "posted by", "published by", "created by", "uploaded by", "posted on",
    "published on", "updated on", "delivered on",
)  # fmt: skip
_KEY = re.compile(
    r"(?<![\w-])(?:(?P<colon>" + "|".join(re.escape(k) for k in _KEYS_BY_LENGTH) + r")\s*:"
    r"|(?P<by>" + "|".join(re.escape(k) for k in _BY_KEYS) + r")(?![\w-]):?)",
    re.IGNORECASE,
)
_CRUFT = re.compile(
    r"(?:print|email|e-mail|share|tweet|pdf|version for print|back)\W*|\[original:[^\]]*\]", re.I
)
_TIME_LINE = re.compile(
    r"\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\s*(?:[ap]\.?\s?m\.?)?\s*(?:[A-Z]{2,5})?", re.IGNORECASE
)
_BYLINE = re.compile(r"by\s+(?P<name>[^\W\d_][\w.'’ -]{2,60})", re.IGNORECASE)
_NOT_PEOPLE = frozenset(
    "staff reuters afp ap tass news agency service office press team desk editor editors "
    "correspondent correspondents ministry department embassy mission website admin".split()
)


@dataclass(slots=True)
class _Top:
    """What the top of a transcript says, and which lines carry it."""

    fields: SpeechFields = field(default_factory=SpeechFields)
    dated: SpeechDate | None = None  # a "Date:" line
    dateline: SpeechDate | None = None  # a line that is only a date (and place)
    published: SpeechDate | None = None  # a web page's posting date: the weakest
    errors: list[MetadataError] = field(default_factory=list)
    drop: set[int] = field(default_factory=set)


def parse_header(
    text: str, *, today: date | None = None, source_name: str = "text"
) -> tuple[SpeechFields, str]:
    r"""Read the metadata lines at the top of a transcript and remove them from the text.

    Lines read: "Key: value" fields (Date, Speaker, Place, Location, Title, Source, Country,
    Category...), a web page's "Category: ... Written by ... Hits: 517" line, datelines
    ("Moscow, 15 June 2018") and lone clock times, among the first lines; up to three other
    lines (a title, a lead, a place) may stand among them and are kept.

    Returns:
        The fields found (`posted_by` is who posted a web page, never the speaker) and the text
        without those lines.

    Raises:
        MetadataError: a header date is ambiguous, impossible, before 1700 or in the future.

    Example:
        >>> fields, rest = parse_header("Date: 15 June 2018\nPlace: Moscow\n\nColleagues,")
        >>> fields.place, rest
        ('Moscow', 'Colleagues,')
    """
    top = _read_top(text, today=today, source_name=source_name)
    if top.errors:
        raise top.errors[0]
    delivered = top.dated or top.dateline or top.published
    return replace(top.fields, delivered=delivered), _without(text, top.drop)


def parse_title(
    text: str, *, today: date | None = None, source_name: str = "text"
) -> tuple[SpeechFields, str]:
    """Find the title line of a transcript and read the speaker, role, place and date from it.

    The title is the first non-empty line when it reads as a heading: not too long, not a
    salutation ("Colleagues,"), and without the closing full stop of prose unless a blank line
    follows it. A text of one line is its own title (the text left is then empty).

    Returns:
        The fields from the title (empty when there is none) and the text without the title.

    Raises:
        MetadataError: the date in the title is ambiguous, impossible or in the future.
    """
    lines = text.splitlines()
    found = _title_lines(lines)
    if found is None:
        return SpeechFields(), text
    title = " ".join(lines[i].strip() for i in found)
    fields = title_fields(title, today=today, source_name=source_name)
    return fields, _without(text, set(found))


def parse_filename(name: str, *, today: date | None = None) -> SpeechFields:
    """Read the date and, where it is safe, the speaker from a file or archive member name.

    "1789-Washington.txt" gives 1789 (year precision) and "Washington"; "1965-Johnson-1.txt"
    gives 1965 and "Johnson"; "2018-06-15-lavrov-remarks-to-russian-ngos.txt" gives 15 June
    2018 and no speaker. Only one capitalised word beside the date is taken for a surname:
    lower-case slugs and several words are usually title words, so they are never guessed.
    Numbers that cannot be dates (before 1700, in the future) are ignored.

    Raises:
        MetadataError: the name holds a numeric date that could be read two ways (03-04-2019).
    """
    base = PurePosixPath(name.replace("\\", "/").split("#", 1)[0]).name
    stem = base.rsplit(".", 1)[0] if "." in base else base
    when, rest = _date_in_name(stem, name, today or date.today())
    words = [w for w in re.split(r"[-_ .]+", rest) if w and not re.fullmatch(r"\d{1,2}", w)]
    speaker = ""
    if when and len(words) == 1 and re.fullmatch(r"[A-Z][A-Za-z'’]*[a-z][A-Za-z'’]*", words[0]):
        speaker = "" if words[0].lower() in _FILE_WORDS else words[0]
    return SpeechFields(delivered=when, speaker=speaker)


_FILE_WORDS = frozenset(
    "inaugural speech address remarks statement transcript final draft text copy full part "
    "annual message sotu interview briefing report english russian notes union state".split()
)
_NAME_DATES = (
    (re.compile(r"(?<!\d)(\d{4})[-_.](\d{2})[-_.](\d{2})(?!\d)"), "ymd"),
    (re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)"), "ymd"),
    (re.compile(r"(?<!\d)(\d{1,2})([-_.])(\d{1,2})\2(\d{4})(?!\d)"), "dmy"),
    (re.compile(r"(?<!\d)(\d{4})[-_.](0[1-9]|1[0-2])(?![\d])"), "ym"),
    (re.compile(r"(?<!\d)(\d{4})(?!\d)"), "y"),
)


def _date_in_name(stem: str, name: str, today: date) -> tuple[SpeechDate | None, str]:
    spaced = re.sub(r"[_-]", " ", stem)
    for mention in date_mentions(spaced):
        if any(ch.isalpha() for ch in mention.text):
            try:
                found = parse_date(mention.text, today=today, source_name=name)
            except MetadataError:
                continue
            return found, spaced[: mention.start] + " " + spaced[mention.end :]
    for pattern, order in _NAME_DATES:
        for m in pattern.finditer(stem):
            text = _as_date_text(m, order)
            try:
                found = parse_date(text, today=today, source_name=name)
            except MetadataError as err:
                if "ambiguous" in err.reason:
                    raise
                continue
            return found, stem[: m.start()] + " " + stem[m.end() :]
    return None, stem


def _as_date_text(m: re.Match[str], order: str) -> str:
    """Rewrite a date found in a file name in a form `parse_date` reads the same way."""
    if order == "ymd":
        return f"{m[1]}-{m[2]}-{m[3]}"
    if order == "dmy":
        separator = "." if m[2] == "." else "/"
        return f"{m[1]}{separator}{m[3]}{separator}{m[4]}"
    return f"{m[1]}-{m[2]}" if order == "ym" else m[1]


def guess_language(text: str) -> str:
    """Detect the language of a transcript with py3langid's model (97 languages, shipped with it).

    The first `LANGUAGE_SAMPLE` characters are read: enough for a confident answer on a speech,
    and it keeps detection under 1 ms a speech. The model is deterministic: the same
    text always gets the same answer. A text without letters has no language to detect and is
    taken for English, the corpus's default.

    Returns:
        An ISO 639-1 code such as "en", "ru", "uk", "fr", "es", "it", "de".
    """
    sample = text[:LANGUAGE_SAMPLE]
    if not _LETTER.search(sample):
        return "en"
    code, _probability = _language_identifier().classify(sample)
    return str(code)


def language_code(given: str) -> str:
    """The ISO 639-1 code of a language as a header, a table or a user names it.

    "ru", "RU", "rus", "Russian" and "ru-RU" all give "ru" (pycountry's ISO 639 data); a name
    it does not know, or a language without a two-letter code, gives "" so that the language
    is detected from the text instead.
    """
    value = re.split(r"[-_]", given.strip(), maxsplit=1)[0]
    if not value:
        return ""
    import pycountry

    # codes first: a name lookup takes "en" for the En language (alpha-3 "enc")
    found = pycountry.languages.get(alpha_2=value.lower()) if len(value) == 2 else None
    if found is None and len(value) == 3:
        found = pycountry.languages.get(alpha_3=value.lower())
    if found is None:
        try:
            found = pycountry.languages.lookup(value)
        except LookupError:
            return ""
    return str(getattr(found, "alpha_2", ""))


LANGUAGE_SAMPLE = 3_000
_LETTER = re.compile(r"[^\W\d_]")


@lru_cache(maxsize=1)
def _language_identifier() -> Any:
    """py3langid's model, loaded once a process (about 0.6 s; it reads a file in its package)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def preload_language_model() -> None:
    """Load the language identifier's model now, in a process whose children will detect
    languages (the upload readers' fork server), so that none of them loads it again."""
    _language_identifier()


def parse_document(
    doc: Document, *, overrides: SpeechFields = SpeechFields(), today: date | None = None
) -> Speech:
    r"""Turn a document into a speech, laying each origin of metadata over the weaker ones.

    From weakest to strongest: the format's hints (HTML <title>, DOCX properties), the file
    name (it fills what the text leaves missing), the text (title line, header lines, dateline),
    the table columns of `doc.given`, and the user's `overrides`, which always win. A coarser
    date ("June 2018") is made finer by a weaker origin that agrees with it ("2018-06-15").

    Raises:
        MetadataError: no date anywhere, an ambiguous or impossible date, or no speech text.

    Example:
        >>> doc = Document(source_name="1789-Washington.txt", text="Fellow-Citizens:\n\nAmong...")
        >>> parse_document(doc).date_iso, parse_document(doc).speaker
        ('1789', 'Washington')
    """
    name = doc.source_name or "text"
    text_fields, body, text_errors = _read_text(doc.text, today=today, source_name=name)
    hints = _title_from_header(doc.hints.title, today, name, []).merged(doc.hints)
    try:
        from_name = parse_filename(doc.source_name, today=today)
    except MetadataError as err:
        if not text_fields.delivered:
            text_errors.append(err)
        from_name = SpeechFields()
    fields = _layered(hints, from_name, text_fields, doc.given).merged(overrides)
    if text_errors and not (text_fields.delivered or doc.given.delivered or overrides.delivered):
        raise text_errors[0]  # a date the text gets wrong is never replaced by a weaker one
    return _speech(doc, fields, body)


def _read_text(
    text: str, *, today: date | None, source_name: str
) -> tuple[SpeechFields, str, list[MetadataError]]:
    """Return what the text says of itself, the speech text without it, and the date errors."""
    top = _read_top(text, today=today, source_name=source_name)
    body = _without(text, top.drop)
    errors = list(top.errors)
    if top.fields.title:
        from_title = _title_from_header(top.fields.title, today, source_name, errors)
        body = _drop_repeated_title(body, top.fields.title)
    else:
        try:
            from_title, rest = parse_title(body, today=today, source_name=source_name)
        except MetadataError as err:
            errors.append(err)
            from_title, rest = SpeechFields(), body
        if rest.strip():
            body = rest
        else:  # a text of one line is the speech, not its title
            from_title = SpeechFields()
    lines = body.split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        raise MetadataError(
            source_name,
            "holds no speech text besides its title and metadata lines; add the transcript "
            "under them.",
        )
    fields = from_title.merged(replace(top.fields, delivered=None))
    delivered = top.dated or top.dateline or from_title.delivered or top.published
    return replace(fields, delivered=delivered), "\n".join(lines), errors


def parse_transcript(
    name: str, text: str, *, overrides: SpeechFields = SpeechFields(), today: date | None = None
) -> Speech:
    """Parse the metadata of a plain transcript given by file name and text."""
    return parse_document(Document(source_name=name, text=text), overrides=overrides, today=today)


def _layered(*layers: SpeechFields) -> SpeechFields:
    """Lay fields from weakest to strongest, keeping a finer date that a coarser one agrees with."""
    result = SpeechFields()
    for layer in layers:
        finer = result.delivered
        result = result.merged(layer)
        if finer and layer.delivered and _refines(finer, layer.delivered):
            result = replace(result, delivered=finer)
    return result


def _refines(finer: SpeechDate, coarser: SpeechDate) -> bool:
    rank = {"day": 0, "month": 1, "year": 2}
    if rank[finer.precision] >= rank[coarser.precision]:
        return False
    if coarser.precision == "year":
        return finer.on.year == coarser.on.year
    return (finer.on.year, finer.on.month) == (coarser.on.year, coarser.on.month)


def _speech(doc: Document, fields: SpeechFields, text: str) -> Speech:
    name = doc.source_name or "text"
    if fields.delivered is None:
        raise MetadataError(name, NO_DATE)
    title = fields.title or _built_title(fields.speaker, fields.country, fields.delivered)
    return Speech(
        speech_id=speech_id_for(text),
        title=title,
        speaker=fields.speaker,
        delivered_on=fields.delivered.on,
        date_precision=fields.delivered.precision,
        text=text,
        role=fields.role,
        country=fields.country,
        place=fields.place,
        category=fields.category,
        posted_by=fields.posted_by,
        source=fields.source or doc.source_name,
        language=language_code(fields.language) or guess_language(text),
    )


def _built_title(speaker: str, country: str, when: SpeechDate) -> str:
    """Return a title for a speech that has none: "Sergey Lavrov, 15 June 2018"."""
    who = f"{speaker} ({country})" if speaker and country else speaker or country or "Speech"
    return f"{who}, {format_date(when)}"


def _title_from_header(
    title: str, today: date | None, source_name: str, errors: list[MetadataError]
) -> SpeechFields:
    if not title.strip():
        return SpeechFields()
    try:
        return title_fields(title, today=today, source_name=source_name)
    except MetadataError as err:
        errors.append(err)
        return SpeechFields(title=" ".join(title.split()))


def _drop_repeated_title(text: str, title: str) -> str:
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.strip():
            if " ".join(line.split()).casefold() == " ".join(title.split()).casefold():
                return _without(text, {index})
            break
    return text


def _read_top(text: str, *, today: date | None, source_name: str) -> _Top:
    """Find the metadata lines among the first lines, skipping over up to three other lines."""
    top = _Top()
    lines = text.splitlines()
    seen = others = 0
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        seen += 1
        if seen > _TOP_LINES or len(stripped) > _MAX_HEADER_LINE:
            break
        if _read_line(stripped, top, today=today, source_name=source_name):
            top.drop.add(index)
            continue
        others += 1  # a title, a lead or a place line may stand among the header lines
        if others > 3 or stripped[-1] in ":," or opens_speech(stripped):
            break
    return top


def _read_line(line: str, top: _Top, *, today: date | None, source_name: str) -> bool:
    """Read one line into `top` if it is a metadata line; say whether it was."""
    if _CRUFT.fullmatch(line) or _TIME_LINE.fullmatch(line):
        return True
    first = _KEY.match(line)
    if first is not None:
        _read_fields(line, top, today=today, source_name=source_name)
        return True
    try:
        dateline = parse_dateline(line, today=today, source_name=source_name)
    except MetadataError as err:
        top.errors.append(err)
        return True
    if dateline is not None:
        top.dateline = top.dateline or dateline.on
        if dateline.place and not top.fields.place:
            top.fields = replace(top.fields, place=dateline.place)
        return True
    byline = _BYLINE.fullmatch(line)
    if byline and not top.fields.speaker and _is_person(byline["name"]):
        top.fields = parse_speaker(byline["name"]).merged(top.fields)
        return True
    return False


def _read_fields(line: str, top: _Top, *, today: date | None, source_name: str) -> None:
    keys = list(_KEY.finditer(line))
    for key, after in zip(keys, [*keys[1:], None], strict=True):
        label = " ".join((key["colon"] or key["by"]).lower().split())
        value = line[key.end() : after.start() if after else len(line)].strip(" :|·•–—-")
        target = _HEADER_KEYS[label]
        mentions = date_mentions(value)
        if target in ("delivered", "published"):
            when = _header_date(value, mentions, today, source_name, top.errors)
            if target == "delivered":
                top.dated = top.dated or when
            else:
                top.published = top.published or when
            continue
        if mentions and target in ("category", "posted_by"):
            # a web page's posting date follows the category or byline without a label
            when = _header_date(mentions[0].text, mentions, today, source_name, top.errors)
            top.published = top.published or when
            value = value[: mentions[0].start].strip(" ,;|·•–—-")
        if target == "speaker" and value and not top.fields.speaker:
            top.fields = parse_speaker(value).merged(top.fields)
        elif target and value and not getattr(top.fields, target):
            change: dict[str, Any] = {target: value}
            top.fields = replace(top.fields, **change)


def _header_date(
    value: str,
    mentions: list[DateMention],
    today: date | None,
    source_name: str,
    errors: list[MetadataError],
) -> SpeechDate | None:
    text = mentions[0].text if mentions else value
    if not text:
        return None
    try:
        return parse_date(text, today=today, source_name=source_name)
    except MetadataError as err:
        errors.append(err)
        return None


def _is_person(name: str) -> bool:
    words = name.split()
    return (
        1 <= len(words) <= 4
        and all(w[0].isupper() for w in words)
        and not any(w.lower().strip(".,") in _NOT_PEOPLE for w in words)
    )


def _title_lines(lines: list[str]) -> list[int] | None:
    """Return the index (or two indexes) of the title line, or None when the text has no title."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    if not filled:
        return None
    first = filled[0]
    line = lines[first].strip()

    def after(index: int) -> str:
        return lines[index + 1] if index + 1 < len(lines) else ""

    second = after(first).strip()
    if line.endswith(":") and second and len(second) <= 100 and not after(first + 1).strip():
        if is_title_line(f"{line} {second}"):
            return [first, first + 1]  # a heading set on two lines ("...Congress:\nOverview")
    if is_title_line(line, next_line=after(first)):
        return [first]
    return None


def _without(text: str, drop: set[int]) -> str:
    """Return the text without the given lines (blank where they stood) and no leading blanks.

    Runs of blank lines left among the removed lines fold into one, so the line under a
    removed title or header reads as following a blank line.
    """
    if not drop:
        return text
    lines = text.splitlines()
    last = max(drop)
    kept: list[str] = []
    for index, line in enumerate(lines):
        line = "" if index in drop else line
        if index <= last + 1 and not line.strip():
            if not kept or not kept[-1]:
                continue
            line = ""
        kept.append(line)
    return "\n".join(kept)

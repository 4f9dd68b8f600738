"""Speech titles: telling a title line from prose, and reading speaker, role, country and place from it."""

from __future__ import annotations

import re
from datetime import date

from corpus.metadata.dates import date_mentions, parse_date
from corpus.records import SpeechDate, SpeechFields

# Roles as government sites write them; the longest wins where several match.
ROLES: tuple[str, ...] = (
    "Deputy Minister of Foreign Affairs", "Minister of Foreign Affairs",
    "Minister for Foreign Affairs", "First Deputy Prime Minister", "Deputy Prime Minister",
    "Deputy Foreign Minister", "Foreign Minister", "Foreign Secretary", "Secretary of State",
    "Prime Minister", "Vice President", "Vice-President", "President", "Federal Chancellor",
    "Chancellor", "Deputy Permanent Representative", "Permanent Representative", "Ambassador",
    "Spokesperson", "Spokesman", "Spokeswoman", "Press Secretary", "Secretary-General",
    "Secretary General", "Director-General", "Director General", "High Representative",
    "Crown Prince", "King", "Queen", "Emir", "Amir", "Sultan", "Premier", "Taoiseach",
    "Chairman", "Chairwoman", "Chairperson", "Head of State", "Head of Government",
    "Defence Minister", "Defense Minister", "Deputy Minister", "Minister", "Secretary",
    "Senator", "Governor", "Mayor", "Pope", "PM",
)  # fmt: skip
_CANONICAL_ROLE = {role.lower(): role for role in ROLES} | {"pm": "Prime Minister"}
_ROLE = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(re.escape(r).replace(r"\ ", r"\s+") for r in sorted(ROLES, key=len, reverse=True))
    + r")(?![\w-])",
    re.IGNORECASE,
)
# "Minister of Defence", "Minister for Trade and Industry": a ministry named after the word.
_MINISTRY = re.compile(
    r"\s+(?:of|for)\s+(?:the\s+)?((?:[A-Z][\w-]*\s+(?:and\s+)?){0,3}"
    r"(?:Affairs|Defence|Defense|Finance|Justice|Trade|Economy|Development|Health|Education|"
    r"Interior|Energy|Culture|Agriculture|Labour|Labor|Transport|Environment|Industry|"
    r"Relations|Cooperation|Security))(?![\w-])"
)
DEMONYMS: dict[str, str] = {
    "russian": "Russia", "soviet": "Soviet Union", "american": "United States",
    "us": "United States", "u.s.": "United States", "british": "United Kingdom",
    "uk": "United Kingdom", "chinese": "China", "french": "France", "german": "Germany",
    "indian": "India", "japanese": "Japan", "ukrainian": "Ukraine", "turkish": "Turkey",
    "iranian": "Iran", "israeli": "Israel", "italian": "Italy", "spanish": "Spain",
    "canadian": "Canada", "australian": "Australia", "brazilian": "Brazil", "mexican": "Mexico",
    "polish": "Poland", "belarusian": "Belarus", "kazakh": "Kazakhstan", "saudi": "Saudi Arabia",
    "egyptian": "Egypt", "pakistani": "Pakistan", "syrian": "Syria", "cuban": "Cuba",
    "venezuelan": "Venezuela", "serbian": "Serbia", "hungarian": "Hungary", "greek": "Greece",
    "dutch": "Netherlands", "swedish": "Sweden", "norwegian": "Norway", "finnish": "Finland",
    "indonesian": "Indonesia", "vietnamese": "Vietnam", "georgian": "Georgia",
    "armenian": "Armenia", "azerbaijani": "Azerbaijan", "emirati": "United Arab Emirates",
    "qatari": "Qatar", "nigerian": "Nigeria", "kenyan": "Kenya", "ethiopian": "Ethiopia",
    "argentine": "Argentina", "chilean": "Chile", "colombian": "Colombia", "irish": "Ireland",
    "austrian": "Austria", "swiss": "Switzerland", "belgian": "Belgium", "czech": "Czech Republic",
    "romanian": "Romania", "bulgarian": "Bulgaria", "estonian": "Estonia", "latvian": "Latvia",
    "lithuanian": "Lithuania", "slovak": "Slovakia", "croatian": "Croatia", "danish": "Denmark",
    "portuguese": "Portugal", "afghan": "Afghanistan", "iraqi": "Iraq", "lebanese": "Lebanon",
    "jordanian": "Jordan", "moroccan": "Morocco", "algerian": "Algeria",
}  # fmt: skip
_COUNTRY_TAILS = frozenset(
    "federation republic kingdom states emirates islands union arabia africa zealand korea "
    "guinea herzegovina principality confederation commonwealth sudan leone rica salvador "
    "lanka timor".split()
)
_NOT_NAME = frozenset(
    "on at to in for of the a an and with before during after from by about as via remarks "
    "speech address statement interview delivers delivered gives holds speaks meets visits "
    "opening closing press conference briefing meeting session general assembly joint message "
    "annual special full text transcript video audio answers questions media news "
    "government ministry delegation office department embassy mission council committee "
    "commission organization organisation nations group summit forum people nation".split()
)
_PARTICLES = frozenset(
    "van von de da do das del der den di du dos la le al el bin ibn ben ter".split()
)
_HONORIFICS = re.compile(
    r"(?:(?:his|her)\s+(?:excellency|majesty|royal\s+highness|highness|holiness)|h\.\s?e\.|he"
    r"|h\.\s?m\.|h\.\s?r\.\s?h\.|mr|mrs|ms|dr|prof|professor|hon|honourable|honorable|rt|right"
    r"|sir|dame|shri|sri|madame|monsieur|mme|excellency|comrade|the\s+honourable"
    r"|the\s+honorable)\.?\s+",
    re.IGNORECASE,
)
_KINDS = (
    r"(?:opening\s+|closing\s+|keynote\s+|introductory\s+|video\s+|televised\s+|joint\s+|press\s+"
    r"|special\s+|annual\s+|written\s+|official\s+|new\s+year\s+)*"
    r"(?:remarks|speech|address|statement|interview|message|lecture|briefing|keynote|toast"
    r"|article|op-ed|words|comments|answers|conference|declaration|greetings?|appeal|report"
    r"|testimony|presentation|intervention)"
)
_AGENT = re.compile(
    rf"^(?:[\w-]+\s+){{0,5}}?{_KINDS}\s+(?:(?:as\s+(?:prepared\s+for\s+delivery|delivered)|"
    r"made|delivered|given)\s+)?(?:by|of|from)\s+|^(?:[\w-]+\s+){0,2}?interview\s+with\s+",
    re.IGNORECASE,
)
_PREFIX = re.compile(
    r"^(?:transcript|full\s+text|text|video|audio|watch|read|live|update[d]?)\s*[:|–—-]\s*",
    re.IGNORECASE,
)
_SALUTATION = re.compile(
    r"^(?:ladies\s+and\s+gentlemen|dear\b|excellenc|colleagues|friends|mdm\b|(?:his|her)\s+"
    r"(?:excellency|majesty)|honou?rable|in\s+the\s+name\s+of|mr\.?\s+(?:president|"
    r"speaker|chairman|secretary)|madam|distinguished|your\s+(?:excellency|majesty|highness)"
    r"|thank\s+you|good\s+(?:morning|afternoon|evening)|my\s+(?:fellow|dear|friends|countrymen)"
    r"|fellow|hello|greetings|esteemed)",
    re.IGNORECASE,
)
_ADDRESSEES = re.compile(
    r"\b(?:fellow[- ](?:citizens|americans|countrymen)|ladies\s+and\s+gentlemen"
    r"|distinguished\s+guests|dear\s+(?:friends|colleagues)|my\s+friends)\b",
    re.IGNORECASE,
)
_PERSONAL = re.compile(r"\b(?:I|we|my|our|me|us|you|your)\b", re.IGNORECASE)
_OBJECT_OF = frozenset(
    "with to for between and toward towards against on about meets met hosts congratulates "
    "thanks receives welcomes visits".split()
)
_SENTENCE_BREAK = re.compile(r"[a-z]{2}[.!?]\s+[A-Z]")
_SMALL_WORDS = frozenset("of the a an and or to on in at by for before from with as".split())
_BROKEN_OFF = (
    _SMALL_WORDS | _PARTICLES | frozenset("his her their our my mr. mrs. ms. dr. h.e.".split())
)
_INITIALS = re.compile(r"(?:[A-Z]\.)+")
_PLACE_WORDS = frozenset("of the upon am sur de la del do da on-the-hudson".split())


def is_title_line(line: str, *, next_line: str = "") -> bool:
    """Say whether a line reads as a heading rather than the opening of a speech.

    A heading is not too long, does not open with a salutation, does not end with ":", "," or a
    dash, and the next line (`next_line`, "" when blank) does not carry on its sentence. A line
    ending with a full stop, or one with text right under it, must be in heading case.
    """
    stripped = line.strip().strip("*#_ ").strip()
    following = next_line.strip().strip("*#_ ")
    words = stripped.split()
    limit = 150 if following else 300
    if not words or len(stripped) > limit or len(words) > 50:
        return False
    if stripped[-1] in ":,;-–—" or _SALUTATION.match(stripped) or stripped[0].islower():
        return False
    if _ADDRESSEES.search(stripped) or (following and not following[0].isupper()):
        return False
    if words[-1].lower() in _BROKEN_OFF:  # a sentence broken off mid-way
        return False
    if not _is_heading_case(words) and _PERSONAL.search(stripped):
        return False  # prose speaks as "I" or "we"; a title in sentence case does not
    if len(stripped) > 150 and _SENTENCE_BREAK.search(stripped) and not _is_heading_case(words):
        return False
    if following and (len(words) < 2 or not opens_speech(following)):
        return False  # text right under a heading must be the speech's salutation
    if stripped[-1] in ".!?…" or following:
        return _is_heading_case(words) and ": " not in stripped
    return True


def opens_speech(line: str) -> bool:
    """Say whether a line opens a speech with a salutation ("Colleagues,", "Mr. President")."""
    return bool(_SALUTATION.match(line) or _ADDRESSEES.search(line))


def title_fields(
    title: str, *, today: date | None = None, source_name: str = "text"
) -> SpeechFields:
    """Read the speaker, role, country, place and date from a speech title.

    Works on titles as government sites write them: "Foreign Minister Sergey Lavrov's remarks
    at ..., Moscow, June 15, 2018"; "Remarks by President Biden on ..., Washington, D.C.";
    "Statement by H.E. Mr. X, Minister for Foreign Affairs of Y, at ..."; "Speech of the
    Prime Minister ..."; "Transcript: ...". Titles in capitals are read in heading case.

    Returns:
        The fields found, with `title` set to the title as written (spacing folded).

    Raises:
        MetadataError: the date in the title is ambiguous, impossible or in the future.

    Example:
        >>> title_fields("President Vladimir Putin's address, Moscow, March 1, 2018").speaker
        'Vladimir Putin'
    """
    written = " ".join(title.split())
    work = _PREFIX.sub("", _heading_case(written) if _is_capitals(written) else written)
    when, head = _title_date(work, today=today, source_name=source_name)
    place, head = _trailing_place(head)
    speaker, role, country = _agent(head)
    return SpeechFields(
        title=written, speaker=speaker, role=role, country=country, place=place, delivered=when
    )


def parse_speaker(text: str) -> SpeechFields:
    """Read a speaker line into name, role and country, leaving out honorifics.

    "H.E. Mr. Sergey V. Lavrov, Minister for Foreign Affairs of the Russian Federation" gives
    "Sergey V. Lavrov", "Minister for Foreign Affairs" and "Russian Federation"; "President
    Biden" gives "Biden" and "President". A line with no recognisable name is kept as written.
    """
    written = " ".join(text.split()).strip(" ,;:")
    work = _heading_case(written) if _is_capitals(written) else written
    speaker, role, country = _person_phrase(work)
    return SpeechFields(
        speaker=speaker or (written if not role else ""), role=role, country=country
    )


def _title_date(
    work: str, *, today: date | None, source_name: str
) -> tuple[SpeechDate | None, str]:
    """Return the last date written in a title, and the title before it."""
    for mention in reversed(date_mentions(work)):
        found = parse_date(mention.text, today=today, source_name=source_name)
        head = work[: mention.start] + work[mention.end :]
        return found, head.strip(" ,.;:–—-")
    return None, work


def _trailing_place(head: str) -> tuple[str, str]:
    """Split "..., Moscow" or "..., Washington, D.C." off the end of a title."""
    segments = [s.strip() for s in head.split(",")]
    taken = 0
    while taken < 2 and len(segments) - taken > 1 and _is_place(segments[-1 - taken]):
        taken += 1
    if not taken:
        return "", head
    return ", ".join(segments[-taken:]), ", ".join(segments[:-taken])


def _is_place(segment: str) -> bool:
    words = segment.split()
    if not 1 <= len(words) <= 4 or _ROLE.search(segment) or _HONORIFICS.match(segment):
        return False
    if any(w.lower().strip(".") in _NOT_NAME - _PLACE_WORDS for w in words):
        return False
    return all(w[0].isupper() or w.lower() in _PLACE_WORDS for w in words) and (
        words[0][0].isupper()
    )


def _agent(head: str) -> tuple[str, str, str]:
    """Return (speaker, role, country) named in a title without its place and date."""
    by = _AGENT.match(head)
    if by:
        return _person_phrase(head[by.end() :])
    start = _ROLE.search(head)
    while start:
        found = _person_phrase(head[start.start() :])
        before = _HONORIFICS.sub("", re.sub(r"(?i)\bthe\b", "", head[: start.start()])).split()
        if before and before[-1].lower() in DEMONYMS:
            before.pop()
        if before and before[-1].lower() in _OBJECT_OF:  # "talks with President X": not X speaking
            found = ("", "", "")
        if found[1] and (found[0] or not before):
            country = found[2] or _demonym_before(head, start.start())
            return found[0], found[1], country
        start = _ROLE.search(head, start.end())
    possessive = re.match(r"^(.*?)['’]s\s+" + _KINDS, head, re.IGNORECASE)
    if possessive:
        name, _ = _name_at(possessive.group(1) + "'s", 0)
        if len(name.split()) >= 2 and not _is_organisation(name):
            return name, "", ""
    return "", "", ""


def _person_phrase(text: str) -> tuple[str, str, str]:
    """Read "[the] [Role] [of Country][,] [Mr.] [Name][, Role of Country]" from the start."""
    rest = text
    while lead := re.match(r"the\s+", rest, re.IGNORECASE) or _HONORIFICS.match(rest):
        rest = rest[lead.end() :]
    adjective = re.match(r"([\w.]+)\s+", rest)
    country = ""
    if adjective and adjective.group(1).lower() in DEMONYMS and _ROLE.match(rest, adjective.end()):
        country = DEMONYMS[adjective.group(1).lower()]
        rest = rest[adjective.end() :]
    role = ""
    if role_match := _ROLE.match(rest):
        role, rest = _role_text(role_match.group(0), rest[role_match.end() :])
        of_country, rest = _of_country(rest)
        country = of_country or country
        rest = re.sub(r"^\s*,\s*", " ", rest)
    honorific = False
    while h := _HONORIFICS.match(rest.lstrip()):
        honorific = True
        rest = rest.lstrip()[h.end() :]
    name, consumed = _name_at(rest, 0)
    if name and not role and not honorific and len(name.split()) < 2:
        name = ""
    if name and _is_organisation(name):
        return "", role, country or _country_of(name)
    after = re.match(r"\s*,\s*(?:the\s+)?", rest[consumed:], flags=re.IGNORECASE)
    if name and after and (late := _ROLE.match(rest, consumed + after.end())):
        # "Mr. X, Minister for Foreign Affairs of Y": the role and country follow the name
        late_role, tail = _role_text(late.group(0), rest[late.end() :])
        role = role or late_role
        country = country or _of_country(tail)[0]
    return name, role, country


def _role_text(matched: str, after: str) -> tuple[str, str]:
    """Return the role as written (with a ministry it names) and the text after it."""
    role = _CANONICAL_ROLE.get(" ".join(matched.lower().split()), matched)
    if role.endswith("Minister") and (ministry := _MINISTRY.match(after)):
        return f"{role} {after[: ministry.end()].strip()}", after[ministry.end() :]
    return role, after


def _of_country(text: str) -> tuple[str, str]:
    """Read " of [the] Country" at the start of text; split off a name that follows directly."""
    m = re.match(r"\s+of\s+(?:the\s+)?", text, re.IGNORECASE)
    if not m:
        return "", text
    words: list[str] = []
    position = m.end()
    for word in re.finditer(r"\s*([^\s,;:()]+)", text[position:]):
        token = word.group(1)
        if not (token[0].isupper() or (token in ("and", "of", "the") and words)):
            break
        words.append(token)
        position = m.end() + word.end()
    while words and words[-1] in ("and", "of", "the"):
        words.pop()
    if words and words[0].lower() in _NOT_NAME:  # "of the Ministry of Foreign Affairs of Ukraine"
        inner = [i for i, w in enumerate(words) if w == "of"]
        words = [w for w in words[inner[-1] + 1 :] if w != "the"] if inner else []
    if not words:
        return "", text
    # where no comma ends the country, a name may follow it: "of India Narendra Modi"
    connected = any(w in ("and", "of", "the") for w in words)
    tails = [
        i
        for i, w in enumerate(words)
        if w.lower() in _COUNTRY_TAILS and (i + 1 == len(words) or words[i + 1] != "of")
    ]
    keep = tails[-1] + 1 if tails else (1 if len(words) >= 3 and not connected else len(words))
    country = " ".join(words[:keep])
    leftover = " ".join(words[keep:])
    rest = text[position:]
    return country, (f" {leftover}{rest}" if leftover else rest)


def _name_at(text: str, start: int) -> tuple[str, int]:
    """Return the personal name at the start of text and where it ends ("" when there is none)."""
    tokens: list[str] = []
    end = position = start
    for word in re.finditer(r"\s*([^\W\d_][\w.'’-]*)", text[start:]):
        if word.start() != position - start:
            break
        token = word.group(1)
        possessive = re.search(r"['’]s$", token)
        core = token[: possessive.start()] if possessive else token
        if core.lower() in _PARTICLES and tokens:
            tokens.append(core)
        elif core[:1].isupper() and core.lower().strip(".") not in _NOT_NAME:
            if _ROLE.fullmatch(core) and tokens:
                break
            tokens.append(core)
            end = start + word.end()
        else:
            break
        position = start + word.end()
        if possessive or len(tokens) >= 5:
            break
    while tokens and tokens[-1].lower() in _PARTICLES:
        tokens.pop()
    if tokens and tokens[-1].endswith(".") and not _INITIALS.fullmatch(tokens[-1]):
        tokens[-1] = tokens[-1][:-1]
    return " ".join(tokens), end if tokens else start


def _is_organisation(name: str) -> bool:
    words = [w.lower().strip(".") for w in name.split()]
    return any(w in _COUNTRY_TAILS or w in _NOT_NAME for w in words) or words[0] in DEMONYMS


def _country_of(name: str) -> str:
    words = name.split()
    return name if words and words[-1].lower() in _COUNTRY_TAILS else ""


def _demonym_before(head: str, position: int) -> str:
    before = head[:position].split()
    return DEMONYMS.get(before[-1].lower(), "") if before else ""


def _is_capitals(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 10 and sum(ch.isupper() for ch in letters) > 0.8 * len(letters)


def _heading_case(text: str) -> str:
    """Rewrite a title in capitals in heading case, so names and roles can be told apart."""
    words = []
    for index, word in enumerate(text.split()):
        if _INITIALS.fullmatch(word.rstrip(",;:")) or re.fullmatch(r"[IVX]+", word):
            words.append(word)
        elif index and word.lower() in _SMALL_WORDS:
            words.append(word.lower())
        else:
            parts = re.split(r"([-'’])", word.lower())
            cased = "".join(p[:1].upper() + p[1:] for p in parts)
            words.append(re.sub(r"(['’])S\b", r"\1s", cased))
    return " ".join(words)


def _is_heading_case(words: list[str]) -> bool:
    content = [w for w in words if w[:1].isalpha() and w.lower() not in _SMALL_WORDS]
    if not content:
        return False
    return sum(w[0].isupper() for w in content) >= 0.6 * len(content)

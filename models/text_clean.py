"""Text as the analysis reads it: page furniture out, British and American spellings as one.

Stored transcripts are never changed; themes, keyness, distinctive terms and term trends read
speeches through these functions.

- `strip_furniture` drops the lines a printed or converted document leaves between paragraphs:
  page markers ("### Page 3 (continued):", "Page 1|6", "- 4 -") and running headers made of
  document symbols, job numbers, dates and page counts ("A/70/PV.15 28/09/2015", "15-29425 31/34").
  Such lines otherwise give every speech of a session the terms "page" or "pv".
- `fold_spelling` writes the common British forms the American way on lower-cased text
  ("organisation" -> "organization", "labour" -> "labor", "centre" -> "center", "defence" ->
  "defense", "programme" -> "program", "travelled" -> "traveled"), so that one word is one term
  whoever transcribed it. Words that only look alike keep their spelling: "otherwise",
  "enterprise", "exercise", "promise", "crisis", "precise", "raise", "hour", "four".
- `variants_pattern` gives the regular expression of a word in both spellings, for searches
  over original text ("organisation" finds "organization" too).
"""

from __future__ import annotations

import re
from collections.abc import Callable

# -- page furniture -------------------------------------------------------------------------

_PAGE_MARKER = re.compile(
    r"(?im)^[ \t#*>_\-–—|]*(?:page|p\.)\s*\d+(?:\s*(?:\||/|of)\s*\d+)?\s*"
    r"(?:\((?:continued|cont'?d?\.?)\))?[ \t:.\-–—*_|]*$"
)
# Short lines of digits, signs and short letter groups: page numbers, document symbols
# (A/70/PV.15), job numbers (05-51226), dates, "3/27", "- 4 -". Those with a digit and no word
# of three letters or more are furniture.
_SHORT_LINE = re.compile(r"(?m)^[ \t\d/.,:;|()\[\]#*\-–—A-Za-z]{1,60}$")
_DIGIT = re.compile(r"\d")
_LONG_WORD = re.compile(r"[A-Za-z]{3}")


def _furniture(match: re.Match[str]) -> str:
    line = match.group()
    return "" if _DIGIT.search(line) and not _LONG_WORD.search(line) else line


def strip_furniture(text: str) -> str:
    """Return the text without page markers and running-header lines (other lines unchanged)."""
    if "\n" not in text and len(text) > 60:
        return text  # one line of prose: nothing to strip
    return _SHORT_LINE.sub(_furniture, _PAGE_MARKER.sub("", text))


# -- British and American spellings ---------------------------------------------------------
# Each pattern opens with a literal, which the regular-expression engine finds at C speed; the
# word's stem is then read back from the text in Python for the few matches there are.

# -ise/-isation words whose stem must not change: "-ise" is part of the word there.
_ISE_KEPT = (
    "advert appra appr chast circumc compr comprom cris desp disgu enfranch franch enterpr exerc "
    "expert improv merchand prem prom repr superv surm surpr telev treat porpo torto parad chem "
    "sunr moonr upr mort pract"
).split()
_ISE_KEPT_ENDINGS = tuple(_ISE_KEPT)
_ISE = re.compile(r"is(e|es|ed|ing|er|ers|ation|ations|ational|ability|able)\b")
_YSE = re.compile(r"ys(e|es|ed|ing|er|ers)\b")
_YSE_STEMS = frozenset("anal paral catal dial electrol hydrol".split())
_OUR = re.compile(r"our(s|ed|ing|ite|ites|able|ably|er|ers|hood|hoods|less|ful|ist|ists)?\b")
_OUR_STEMS = frozenset(  # the letters before "our": "lab" for labour
    """lab fav hon neighb behavi col vig endeav harb rum hum sav val arm ferv savi flav splend
    cand clam rig tum od parl ard demean dishon misbehavi disfav discol belab""".split()
)
_TRE = re.compile(r"([tbgv])re([sd]?)\b")
_TRE_STEMS = frozenset(
    "cent theat met kilomet centimet millimet lit fib calib spect somb meag lust".split()
)
_ENCE = re.compile(r"ence(s|less)?\b")
_ENCE_STEMS = frozenset("def off pret lic".split())
_DOUBLE_L = re.compile(r"ll(ed|ing|er|ers|or|ors)\b")
_DOUBLE_L_STEMS = frozenset(  # the letters before "ll": "trave" for travelled
    """trave labe mode cance fue counse signa channe leve tota equa marsha tunne quarre riva
    jewe dia initia penci pane libe funne shove""".split()
)
_WHOLE_WORDS = {
    "programme": "program",
    "programmes": "programs",
    "programmed": "programed",
    "judgement": "judgment",
    "judgements": "judgments",
    "ageing": "aging",
    "grey": "gray",
    "enrol": "enroll",
    "enrolment": "enrollment",
    "enrolments": "enrollments",
    "fulfil": "fulfill",
    "fulfils": "fulfills",
    "fulfilment": "fulfillment",
    "instalment": "installment",
    "instalments": "installments",
    "manoeuvre": "maneuver",
    "manoeuvres": "maneuvers",
}
# (a literal the word holds, the pattern of its tail): a text without the literal skips the pattern
_WHOLE = [
    (literal, re.compile(pattern))
    for literal, pattern in (
        ("amme", r"amme[sd]?\b"),
        ("dgement", r"dgements?\b"),
        ("geing", r"geing\b"),
        ("grey", r"grey\b"),
        ("nrol", r"nrol(?:ments?)?\b"),
        ("ulfil", r"ulfil(?:s|ment)?\b"),
        ("nstalment", r"nstalments?\b"),
        ("oeuvre", r"oeuvres?\b"),
    )
]
_LETTERS = re.compile(r"[a-z]+$")


def _stem_before(match: re.Match[str]) -> str:
    """The letters of the word right before a match (the stem its suffix belongs to)."""
    found = _LETTERS.search(match.string, max(0, match.start() - 30), match.start())
    return found.group() if found else ""


def _ise(match: re.Match[str]) -> str:
    stem = _stem_before(match)
    # "otherwise", "likewise"; "precise", "exercise" (but "criticise" folds)
    if (
        len(stem) < 4
        or stem.endswith(_ISE_KEPT_ENDINGS)
        or stem.endswith("w")
        or (stem.endswith("c") and not stem.endswith("ic"))
    ):
        return match.group()
    return f"iz{match.group(1)}"


def _with_stems(stems: frozenset[str], replacement: str) -> Callable[[re.Match[str]], str]:
    def replace(match: re.Match[str]) -> str:
        if _stem_before(match) not in stems:
            return match.group()
        return replacement.format(*(g or "" for g in match.groups()))

    return replace


_YSE_FOLD = _with_stems(_YSE_STEMS, "yz{0}")
_OUR_FOLD = _with_stems(_OUR_STEMS, "or{0}")
_ENCE_FOLD = _with_stems(_ENCE_STEMS, "ense{0}")
_DOUBLE_L_FOLD = _with_stems(_DOUBLE_L_STEMS, "l{0}")


def _tre(match: re.Match[str]) -> str:
    if _stem_before(match) + match.group(1) not in _TRE_STEMS:
        return match.group()
    return match.group(1) + {"": "er", "s": "ers", "d": "ered"}[match.group(2)]


def _whole(match: re.Match[str]) -> str:
    word = _stem_before(match) + match.group()
    if word not in _WHOLE_WORDS:
        return match.group()
    american = _WHOLE_WORDS[word]
    # the stem stays in the text; only the matched tail is replaced
    return american[len(word) - len(match.group()) :]


def fold_spelling(lowered: str) -> str:
    """Return lower-cased text with British spellings written the American way (module doc)."""
    text = _ISE.sub(_ise, lowered)
    text = _YSE.sub(_YSE_FOLD, text)
    text = _OUR.sub(_OUR_FOLD, text)
    text = _TRE.sub(_tre, text)
    text = _ENCE.sub(_ENCE_FOLD, text)
    text = _DOUBLE_L.sub(_DOUBLE_L_FOLD, text)
    for literal, pattern in _WHOLE:
        if literal in text:
            text = pattern.sub(_whole, text)
    return text


def variants_pattern(word: str) -> str:
    """Return a regular-expression body matching a lower-case word in its British and American
    spellings ("organisation" -> "organi[sz]ation"); other words come back escaped."""
    american = fold_spelling(word.lower())
    for british in _british_forms(american):
        if british != american and fold_spelling(british) == american:
            return f"(?:{re.escape(american)}|{re.escape(british)})"
    pattern = re.escape(american)
    return pattern


def _british_forms(american: str) -> list[str]:
    """Candidate British spellings of an American word (checked by folding them back)."""
    forms = []
    match = re.fullmatch(
        r"([a-z]{4,}?)iz(e|es|ed|ing|er|ers|ation|ations|ational|ability|able)", american
    )
    if match:
        forms.append(f"{match.group(1)}is{match.group(2)}")
    match = re.fullmatch(r"([a-z]+)yz(e|es|ed|ing|er|ers)", american)
    if match:
        forms.append(f"{match.group(1)}ys{match.group(2)}")
    match = re.fullmatch(r"([a-z]+)or(.*)", american)
    if match and match.group(1) in _OUR_STEMS:
        forms.append(f"{match.group(1)}our{match.group(2)}")
    match = re.fullmatch(r"(.+)er(s|ed)?", american)
    if match:
        forms.append(f"{match.group(1)}re{'d' if match.group(2) == 'ed' else match.group(2) or ''}")
    match = re.fullmatch(r"(def|off|pret|lic)ense(s|less)?", american)
    if match:
        forms.append(f"{match.group(1)}ence{match.group(2) or ''}")
    match = re.fullmatch(r"program(s|ed)?", american)
    if match:
        forms.append("programme" + {"s": "s", "ed": "d"}.get(match.group(1) or "", ""))
    match = re.fullmatch(r"([a-z]+l)(ed|ing|er|ers|or|ors)", american)
    if match:
        forms.append(f"{match.group(1)}l{match.group(2)}")
    forms.extend(british for british, us in _WHOLE_WORDS.items() if us == american)
    return forms

"""Number expressions in speech text: digits, number words, fractions, multipliers, money and percentages.

This module reads values only; deciding whether a number is a cited figure (and not a date, a year,
an identifier or an ordinal) is the job of `models.figures.extract`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from text_to_num import text2num

_UNITS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen"
).split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_SCALES = {"hundred": 100.0, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_SCALE_ABBREVIATIONS = {"bn": 1e9, "mln": 1e6, "mn": 1e6, "tn": 1e12, "trn": 1e12}
_FRACTIONS = {
    "half": 2,
    "halves": 2,
    "third": 3,
    "thirds": 3,
    "quarter": 4,
    "quarters": 4,
    "fifth": 5,
    "fifths": 5,
    "sixth": 6,
    "sixths": 6,
    "seventh": 7,
    "sevenths": 7,
    "eighth": 8,
    "eighths": 8,
    "ninth": 9,
    "ninths": 9,
    "tenth": 10,
    "tenths": 10,
    "fourth": 4,
    "fourths": 4,
}
_VAGUE = {
    "dozens": 12.0,
    "scores": 20.0,
    "tens": 10.0,
    "hundreds": 100.0,
    "thousands": 1e3,
    "millions": 1e6,
    "billions": 1e9,
    "trillions": 1e12,
}
_MULTIPLIER_VERBS = {
    "double": 2.0,
    "doubled": 2.0,
    "doubles": 2.0,
    "doubling": 2.0,
    "triple": 3.0,
    "tripled": 3.0,
    "triples": 3.0,
    "tripling": 3.0,
    "quadrupled": 4.0,
    "quadrupling": 4.0,
    "halved": 0.5,
    "halving": 0.5,
    "twice": 2.0,
}
_MULTIPLIER_WORDS = {
    "twofold": 2,
    "threefold": 3,
    "fourfold": 4,
    "fivefold": 5,
    "sixfold": 6,
    "sevenfold": 7,
    "eightfold": 8,
    "ninefold": 9,
    "tenfold": 10,
    "hundredfold": 100,
    "thousandfold": 1000,
}

# Currencies written before the number ("$", "US$ ", "EUR ") and after it ("dollars", "roubles").
_CURRENCY_PREFIXES = (
    (r"US\s?\$|U\.S\.\s?\$|\$|USD\s?", "USD"),
    (r"€|EUR\s?", "EUR"),
    (r"£|GBP\s?", "GBP"),
    (r"₽|RUB\s?", "RUB"),
    (r"¥|JPY\s?", "JPY"),
    (r"CHF\s?", "CHF"),
)
_CURRENCY_WORDS = (
    (r"(?:US|U\.S\.|American)\s+dollars?|dollars?|USD", "USD"),
    (r"euros?|EUR", "EUR"),
    (r"pounds\s+sterling|GBP", "GBP"),
    (r"roubles?|rubles?|RUB", "RUB"),
    (r"yuan|renminbi|RMB|CNY", "CNY"),
    (r"yen", "JPY"),
    (r"rupees", "INR"),
    (r"Swiss\s+francs|francs", "CHF"),
)
_PERCENT = r"\s?%|[\s-]+per[\s-]?cent\b|[\s-]+percent\b|\s+percentage\s+points?\b"

_WORD = "|".join(sorted([*_UNITS, *_TENS, *_SCALES], key=len, reverse=True))
_FIRST_WORD = "|".join(sorted([*_UNITS, *_TENS], key=len, reverse=True))
# at most a dozen words: a longer run is no number a person says, and a bound keeps matching linear
_WORD_NUMBER = rf"(?:{_FIRST_WORD})(?:(?:\s+and\s+|\s+|-)(?:{_WORD})\b){{0,12}}"
_DIGITS = r"\d{1,3}(?:,\d{3}){1,6}(?:\.\d+)?|\d{1,3}(?:\.\d{3}){1,6}(?![\d.,])|\d{1,3}(?:[\u00a0\u202f\u2009]\d{3}){1,6}|\d+(?:\.\d+)?"
# "twenty millions", "$19 millions": the plural scale of older English
_SCALE = "|".join([*(f"{w}s?" for w in _SCALES), *_SCALE_ABBREVIATIONS])
_FRACTION_NUMERATOR = "a|one|two|three|four|five|six|seven|eight|nine"
_SINGULAR_FRACTION = "|".join(f for f in _FRACTIONS if not f.endswith("s"))
_PLURAL_FRACTION = "|".join(f for f in _FRACTIONS if f.endswith("s"))

_CORE = re.compile(
    rf"""
    \b(?=[\dotfsnehdbmaqOTFSNEHDBMAQ])  # numbers start a word with a digit or one of these letters
    (?:(?P<vague>(?:tens|hundreds|thousands)\s+of\s+(?:thousands|millions|billions)
        |(?:dozens|scores)(?=\s+of\b)|hundreds|thousands|millions|billions|trillions)
    |(?P<fold>(?:{_DIGITS}|{_WORD_NUMBER})-?fold\b|(?:{"|".join([*_MULTIPLIER_WORDS, *_MULTIPLIER_VERBS])})\b)
    |(?P<fraction>(?:a|one)[\s-]+(?:{_SINGULAR_FRACTION})\s+of\s+an?\s+(?:{_SCALE})\b
        |(?:a|one)[\s-]+(?:{_SINGULAR_FRACTION})(?=\s+of\b|\s*[.,;:!?])|one-(?:{_SINGULAR_FRACTION})\b
        |(?:{_FRACTION_NUMERATOR})[\s-]+(?:{_PLURAL_FRACTION})\b
        |half(?=\s+(?:of|the|our|their|its|all)\b|\s*[.,;:!?]))
    |(?P<digits>(?:{_DIGITS})(?:\s*(?:thousand\s+)?(?:{_SCALE})\b)?)
    |(?P<words>(?:half\s+an?\s+(?:dozen|hundred|thousand|million|billion|trillion)|half\s+dozen
        |a\s+(?:dozen|hundred|thousand|million|billion|trillion)(?:\s+and\s+a\s+half)?
        |{_WORD_NUMBER}(?:\s+and\s+a\s+half|\s+dozen)?)
        (?:\s+(?:{_SCALE})\b)?))
    """,
    re.VERBOSE | re.IGNORECASE,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class NumberExpression:
    """A number as written, with its value and unit, before any judgement about what it counts.

    Attributes:
        start: offset of the expression (including a currency sign before it).
        end: offset just past the expression (including its scale word and unit).
        number_start: offset of the number itself, without the currency sign.
        value: the value with the scale applied (1.5 million -> 1_500_000.0).
        unit: "count", "percent", "percentage_points", "fraction", "fold" or a currency code.
        multiplier: the scale applied (1e6 for "million"; 1.0 when none).
        is_vague: True for "dozens of", "thousands of" (value is the order of magnitude).
        kind: how it was written: "digits", "words", "fraction", "fold" or "vague".
        text: the expression as written.
    """

    start: int
    end: int
    number_start: int
    value: float
    unit: str
    multiplier: float
    is_vague: bool
    kind: str
    text: str


def _word_value(words: str) -> tuple[float, float] | None:
    """Return (value, scale) of number words, or None when they do not form one number."""
    folded = re.sub(r"\s+", " ", words.lower().strip())
    if folded.startswith("a "):
        folded = "one " + folded[2:]
    if folded == "dozen" or folded == "one dozen":
        return 12.0, 1.0
    if folded.startswith("half"):  # "half a dozen", "half a million"
        last = folded.split()[-1]
        return (6.0, 1.0) if last == "dozen" else (0.5 * _SCALES[last], _SCALES[last])
    if " and a half" in folded:
        return _and_a_half(folded)
    tokens = [_singular_scale(t) for t in folded.replace("-", " ").split()]
    scale = 1.0
    if tokens and tokens[-1] in _SCALE_ABBREVIATIONS:
        scale = _SCALE_ABBREVIATIONS[tokens.pop()]
    if tokens and tokens[-1] == "trillion":
        tokens.pop()  # text2num stops at billions
        scale *= 1e12
    if tokens and tokens[-1] == "dozen":
        tokens.pop()
        scale *= 12
    try:
        value = float(text2num(" ".join(tokens), "en")) if tokens else 1.0
    except ValueError:
        return None
    value *= scale
    for token in reversed(tokens):
        if token in ("thousand", "million", "billion", "trillion"):
            scale *= _SCALES[token]
            break
    return value, scale


def _singular_scale(word: str) -> str:
    """ "millions" as a scale word ("twenty millions") is "million"."""
    return word[:-1] if word.endswith("s") and word[:-1] in _SCALES else word


def _and_a_half(folded: str) -> tuple[float, float] | None:
    """ "two and a half thousand" is 2,500; "a million and a half" is 1,500,000."""
    left, right = folded.split(" and a half", 1)
    whole = _word_value(left)
    if whole is None:
        return None
    scale = 1.0
    for word in right.split():
        scale *= _SCALES.get(word, 1.0)
    if scale > 1.0:
        return (whole[0] + 0.5) * scale, scale
    return whole[0] + 0.5 * whole[1], whole[1]


_DIGITS_AND_SCALE = re.compile(rf"({_DIGITS})\s*([A-Za-z ]*)")
_DOTTED_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")
_THOUSANDS_SEPARATOR = re.compile(r"[,\u00a0\u202f\u2009]")


def _digits_value(raw: str) -> tuple[float, float]:
    match = _DIGITS_AND_SCALE.match(raw)
    if match is None:  # the pattern that found `raw` guarantees a match
        raise ValueError(raw)
    digits = match.group(1)
    if _DOTTED_THOUSANDS.fullmatch(digits):
        digits = digits.replace(".", "")  # "27.000 tons": a full stop between thousands
    number = float(_THOUSANDS_SEPARATOR.sub("", digits))
    scale = 1.0
    for word in match.group(2).lower().split():  # "9.5 thousand million"
        word = _singular_scale(word)
        scale *= _SCALES.get(word) or _SCALE_ABBREVIATIONS.get(word) or 1.0
    return number * scale, scale


def _fraction_value(raw: str) -> float:
    words = raw.lower().replace("-", " ").split()
    if len(words) == 1:
        return 0.5
    if len(words) > 2 and words[2] == "of":  # "a quarter of a million": a count, not a share
        return -_SCALES[words[-1].rstrip("s")] / _FRACTIONS[words[1]]
    numerator = 1.0 if words[0] in ("a", "one") else float(text2num(words[0], "en"))
    return numerator / _FRACTIONS[words[-1]]


def _fold_value(raw: str) -> float:
    folded = raw.lower()
    if folded in _MULTIPLIER_WORDS:
        return float(_MULTIPLIER_WORDS[folded])
    if folded in _MULTIPLIER_VERBS:
        return _MULTIPLIER_VERBS[folded]
    head = re.sub(r"-?fold$", "", folded)
    if re.fullmatch(_DIGITS, head):
        return _digits_value(head)[0]
    parsed = _word_value(head)
    return parsed[0] if parsed else float("nan")


_PREFIX_RE = re.compile(rf"(?:{'|'.join(f'(?:{p})' for p, _ in _CURRENCY_PREFIXES)})\s?$")
_SUFFIX_RES = [(re.compile(rf"\s+(?:of\s+)?(?:{p})\b"), code) for p, code in _CURRENCY_WORDS]
_PERCENT_RE = re.compile(_PERCENT, re.IGNORECASE)
_PREFIX_RES = [(re.compile(rf"(?:{pattern})\s?"), code) for pattern, code in _CURRENCY_PREFIXES]
_DEGREES = re.compile(r"\s?°\s?([CF])\b")
# any currency written after the number: when this fails, no single currency pattern can match
_ANY_SUFFIX = re.compile(rf"\s+(?:of\s+)?(?:{'|'.join(p for p, _ in _CURRENCY_WORDS)})\b")


def _prefix_currency(text: str, start: int) -> tuple[str, int] | None:
    window = text[max(0, start - 6) : start]
    match = _PREFIX_RE.search(window)
    if match is None:
        return None
    for pattern, code in _PREFIX_RES:
        if pattern.fullmatch(match.group()):
            return code, start - len(match.group())
    return None


# units of measure written after the number ("40 million tonnes", "180,000 square miles of ocean")
_PHYSICAL_UNITS = [
    (re.compile(rf"[\s-]+(?:{pattern})\b", re.IGNORECASE), code)
    for pattern, code in (
        (r"square\s+(?:kilometres|kilometers|km)|km2|sq\.?\s*km", "km2"),
        (r"square\s+miles", "mi2"),
        (r"nautical\s+miles", "nmi"),
        (r"(?:metric\s+)?(?:tonnes|tons|tonne)", "t"),
        (r"kilometres|kilometers|km", "km"),
        (r"miles", "mi"),
        (r"hectares", "ha"),
        (r"acres", "acres"),
        (r"barrels", "barrels"),
        (r"megawatts|MW", "MW"),
        (r"gigawatts|GW", "GW"),
        (r"kilowatt-hours|kWh", "kWh"),
        (r"cubic\s+(?:metres|meters)", "m3"),
        (r"litres|liters", "l"),
    )
]
_PHYSICAL_START = re.compile(r"[\s-]+[a-zA-Z]")


def _suffix_unit(text: str, end: int, *, allow_of: bool) -> tuple[str, int] | None:
    degrees = _DEGREES.match(text[end : end + 5])
    if degrees:
        return ("celsius" if degrees.group(1) == "C" else "fahrenheit"), end + degrees.end()
    percent = _PERCENT_RE.match(text, end)
    if percent:
        unit = "percentage_points" if "point" in percent.group().lower() else "percent"
        return unit, percent.end()
    if _PHYSICAL_START.match(text, end):
        for pattern, code in _PHYSICAL_UNITS:
            match = pattern.match(text, end)
            if match:
                return code, match.end()
    if not _ANY_SUFFIX.match(text, end):
        return None
    for pattern, code in _SUFFIX_RES:
        match = pattern.match(text, end)
        if match and (allow_of or not match.group().lstrip().startswith("of")):
            return code, match.end()
    return None


def _parse_core(match: re.Match[str]) -> tuple[float, float, str] | None:
    """Return (value, scale, kind) for one core match, or None when the words are not a number."""
    raw = match.group()
    kind = match.lastgroup or ""
    if kind == "vague":
        last = raw.lower().split()[-1]
        first = raw.lower().split()[0]
        # "dozens" means at least two dozen: the lower bound is twice the magnitude
        value = 2.0 * _VAGUE[last] * (_VAGUE[first] if first != last else 1.0)
        return value, 1.0, kind
    if kind == "fold":
        return _fold_value(raw), 1.0, kind
    if kind == "fraction":
        return _fraction_value(raw), 1.0, kind
    if kind == "digits":
        value, scale = _digits_value(raw)
        return value, scale, kind
    parsed = _word_value(raw)
    if parsed is None:
        return None
    return parsed[0], parsed[1], kind


_START_WORDS = (
    *_UNITS,
    *_TENS,
    *(
        f"a {word}"
        for word in ("dozen", "hundred", "thousand", "million", "billion", "trillion", "quarter")
    ),
    *(f"a {word}" for word in ("third", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")),
    *(
        "half",
        "dozens",
        "scores",
        "tens",
        "hundreds",
        "thousands",
        "millions",
        "billions",
        "trillions",
    ),
    *("hundredfold", "thousandfold"),
    *_MULTIPLIER_VERBS,
)
_DIGIT_RUN = re.compile(r"\d(?<!\d\d)")  # the first digit of each run of digits
_COMPOUND = re.compile(r"-(?:\s?(?!plus\b|per[\s-]?cent\b|percent\b)[^\W\d_]|\s*\n)")


def _alternation(words: tuple[str, ...]) -> str:
    """Return a pattern matching any of `words`, grouped by first letter (fewer branches to try)."""
    by_letter: dict[str, list[str]] = {}
    for word in sorted(set(words), key=lambda w: (-len(w), w)):
        by_letter.setdefault(word[0], []).append(re.escape(word[1:]))
    return "|".join(
        f"{re.escape(first)}(?:{'|'.join(rests)})" for first, rests in by_letter.items()
    )


# A number word starts the text or follows a character that is not a letter or digit: the engine
# looks for such characters (few, compared with letters) and checks the words after them.
_START_WORD = re.compile(_alternation(_START_WORDS))
_START_WORD_AFTER = re.compile(rf"[^a-z0-9](?={_START_WORD.pattern})")


def _candidate_positions(text: str) -> list[int]:
    """Return the offsets where a number may start: digit runs and number words at a word start.

    Finding the start words first keeps the full pattern off most of the text.
    """
    positions = [m.start() for m in _DIGIT_RUN.finditer(text)]
    lowered = text.lower()
    if _START_WORD.match(lowered):
        positions.append(0)
    for match in _START_WORD_AFTER.finditer(lowered):
        if not lowered[match.start()].isalnum():  # "é" is a letter too
            positions.append(match.start() + 1)
    return sorted(set(positions))


_RANK_HINT = re.compile(r"est\b|in size|in the world|rank|placed|rated", re.IGNORECASE)
_TWICE_AS = re.compile(
    r"\s+(?:as|the|that|what|more|less|over|\w+er\s+than)\b|\s+(?:a|per)\s+(?:year|month|week|day)\b"
)


_CENTS = re.compile(r"\s+cents?\b")
_TIMES_AS = re.compile(
    r"\s+times(?=\s+(?:the|as|more|less|that|what|over|higher|larger|greater|bigger|faster|"
    r"smaller|lower|shorter|longer|worse|better|\w+er\s+than)\b)"
)
_ORDINALS = {
    word: index + 1
    for index, word in enumerate(
        "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
        "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth "
        "twentieth".split()
    )
}
# a rank is an ordinal before a superlative or "in the world", or after "ranked" or "ranks":
# "the world's seventeenth largest economy", "third in size", "ranked first among"
_TENS_PREFIX = r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)-)?"
_RANK = re.compile(
    rf"""(?<![\w-])(?:(?P<after>(?:ranked|ranks|ranking|placed|rated)\s+(?:No\.\s*)?)
        (?P<a>{_TENS_PREFIX}(?:{"|".join(_ORDINALS)})|\d{{1,3}}(?:st|nd|rd|th))\b
    |(?P<b>{_TENS_PREFIX}(?:{"|".join(_ORDINALS)})|\d{{1,3}}(?:st|nd|rd|th))(?=[\s-]+(?:largest|biggest|highest|
        lowest|greatest|richest|poorest|most\s+\w+|\w{{3,}}est|in\s+size|in\s+the\s+world)\b))""",
    re.IGNORECASE | re.VERBOSE,
)


_TENS_WORDS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_TOP = re.compile(r"\btop\s+$", re.IGNORECASE)


def _ranks(text: str) -> list[NumberExpression]:
    """Find ranks ("seventeenth largest", "ranked first"): value the place, unit rank."""
    found = []
    for match in _RANK.finditer(text):
        group = "a" if match.group("a") else "b"
        word = match.group(group)
        tens, _, unit = word.lower().rpartition("-")  # "twenty-second": 20 + 2
        value = _ORDINALS.get(unit)
        if value is None:
            value = int(word[:-2])
        elif tens:
            value += 10 * (_TENS_WORDS.index(tens) + 2)
        start, end = match.start(group), match.end(group)
        found.append(
            NumberExpression(
                start=start,
                end=end,
                number_start=start,
                value=float(value),
                unit="rank",
                multiplier=1.0,
                is_vague=False,
                kind="rank",
                text=text[start:end],
            )  # fmt: skip
        )
    return found


def find_number_expressions(text: str) -> list[NumberExpression]:
    """Find every number expression in `text`, with currency, scale and percent attached.

    Args:
        text: a sentence or a whole speech.

    Returns:
        Expressions in text order, not yet filtered: years, dates and identifiers are included.

    Example:
        >>> [(n.value, n.unit) for n in find_number_expressions("over $100 billion and 20 per cent")]
        [(100000000000.0, 'USD'), (20.0, 'percent')]
    """
    found = []
    last_end = -1
    ranks = _ranks(text) if _RANK_HINT.search(text) else []
    for position in _candidate_positions(text):
        if position < last_end:
            continue
        match = _CORE.match(text, position)
        if match is None:
            continue
        if match.start() > 0 and (
            text[match.start() - 1].isalnum() or text[match.start() - 1] == "_"
        ):
            continue
        if match.end() < len(text) and (text[match.end()].isalpha() or text[match.end()] == "_"):
            continue  # "1990s", "21st", "G20s": part of a word, never a figure
        if _COMPOUND.match(text[match.end() : match.end() + 8]):
            continue  # "two-state", "five-year", "seventy-fifth": a compound word, not a figure
        parsed = _parse_core(match)
        if parsed is None:
            continue
        last_end = match.end()
        value, scale, kind = parsed
        start, end, unit = match.start(), match.end(), "count"
        if kind == "fraction" and value < 0:  # "a quarter of a million": 250,000 people
            value, kind = -value, "words"
        elif kind == "fraction":  # "a third" is 33.33 per cent
            unit, value = "percent", value * 100.0
        elif kind == "fold":
            # "twice as many", "twice the size" is a multiple; "twice in our lifetime", "met
            # twice" is how often: a frequency of 2
            how_often = text[start:end].lower() == "twice" and not _TWICE_AS.match(text, end)
            unit = "count" if how_often else "x"
        prefix = _prefix_currency(text, start) if kind in ("digits", "words") else None
        if prefix:
            unit, start = prefix
        suffix = _suffix_unit(text, end, allow_of=kind == "vague") if unit == "count" else None
        if suffix:
            unit, end = suffix
        elif unit == "count" and kind in ("digits", "words"):
            cents = _CENTS.match(text, end)
            times = _TIMES_AS.match(text, end)
            if cents:  # "10 cents a pound": a tenth of a dollar
                unit, end, value = "USD", cents.end(), value / 100.0
            elif times:  # "nine times the size", "38 times more": a multiple
                unit, end = "x", times.end()
        found.append(
            NumberExpression(
                start=start,
                end=end,
                number_start=match.start(),
                value=value,
                unit=unit,
                multiplier=scale,
                is_vague=kind == "vague",
                kind=kind,
                text=text[start:end],
            )
        )
    # "a top 10 donor", "among the top 50 nations": a place in a ranking, not a count
    found = [
        replace(e, unit="rank", kind="rank")
        if e.unit == "count" and not e.is_vague and _TOP.search(text, max(0, e.start - 12), e.start)
        else e
        for e in found
    ]
    if ranks:
        taken = [(e.start, e.end) for e in found]
        found += [r for r in ranks if not any(a < r.end and r.start < b for a, b in taken)]
        found.sort(key=lambda e: e.start)
    return found

"""Cited figures in speeches ("quantities" in code): what number, qualified how, counting what, for whom.

The extractor is rule-based: `models.figures.numbers` reads number expressions; this module drops the numbers
that are not figures (dates, years, times, identifiers, ordinals, phone numbers, page furniture,
idioms such as "one cannot"), then reads the qualifier before the number, the counted noun phrase
after it, its scope, the organisation it concerns and the year it refers to.

Decisions users can rely on:
- a range ("between 10 and 15 per cent", "10-15 countries") is one quantity with `value` the low end,
  `value_high` the high end and qualifier "about"; "from 10 to 15" is two quantities (a change);
- vague amounts ("dozens of", "thousands of") get `is_vague=True`, qualifier "about" and the order of
  magnitude as value (dozens 12, hundreds 100, thousands 1,000, tens of thousands 10,000);
  "several", "a few" and "many" are not figures;
- a bare "one" is a figure only with a qualifier ("only one") or a unit ("one per cent"); a number word
  after "the", "our", "these" ("our two countries") is a reference, not a figure;
- "N years ago" is a date, not a figure; durations ("over 70 years") are figures.
"""

from __future__ import annotations

import re
import time
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from itertools import accumulate
from operator import attrgetter

import pandas as pd

from corpus.records import Speech
from models.errors import ModelError
from models.figures.counted import choose_counted
from models.figures.features import candidate_features, figure_model
from models.figures.numbers import NumberExpression, find_number_expressions
from models.figures.text import (
    counted_phrase,
    exclusion_reason,
    qualifier_of,
    sentence_spans,
    unavailable_spans,
)
from models.figures.workers import available_cores, in_parallel
from models.organisations import (
    OrgMention,
    figures_organisation,
    find_organisations,
    organisation,
)

QUALIFIERS = ("only", "over", "about", "under", "up_to", "exact")

QUANTITY_COLUMNS = [
    "speech_id",
    "date",
    "value",
    "value_high",
    "unit",
    "multiplier",
    "is_vague",
    "kind",
    "qualifier",
    "counted",
    "scope",
    "organisation",
    "reference_year",
    "text",
    "sentence",
    "start",
    "end",
    "sentence_start",
    "sentence_end",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Quantity:
    """One cited figure in one speech.

    Attributes:
        speech_id: the speech it was cited in ("" for loose text).
        value: the value with its scale applied (1.5 million -> 1_500_000.0; 20 per cent -> 20.0;
            a third -> 0.333...; two-fold -> 2.0).
        value_high: the high end of a range, else None.
        unit: "count", "percent", "percentage_points", "fraction", "fold" or a currency code (USD, EUR, RUB...).
        multiplier: the scale word applied (1e6 for "million"), 1.0 when none.
        is_vague: True for "dozens of", "thousands of" (value is the lower bound: dozens 24).
        kind: what the figure measures: count, percent, share, change, multiplier, money,
            quantity, rank, range, target or frequency (FIGURES.md).
        qualifier: one of only, over, about, under, up_to, exact.
        counted: what is counted, as written without articles ("Russian NGOs"); "" when unsaid.
        scope: whose ("Russian", "our", "all"), "" when unsaid.
        organisation: the canonical organisation the figure concerns, "" when none.
        reference_year: the year the figure refers to: a year named in the sentence, else the speech's.
        reference_on: the speech date when the sentence names no year, else None.
        text: the number expression as written ("over" excluded: "4,000", "$100 billion").
        sentence: the sentence it was cited in.
        start, end: character offsets of the number expression in the speech text.
        sentence_start, sentence_end: character offsets of the sentence in the speech text.
    """

    speech_id: str = ""
    value: float
    value_high: float | None = None
    unit: str = "count"
    multiplier: float = 1.0
    is_vague: bool = False
    kind: str = "count"
    qualifier: str = "exact"
    counted: str = ""
    scope: str = ""
    organisation: str = ""
    reference_year: int | None = None
    reference_on: date | None = None
    text: str
    sentence: str
    start: int
    end: int
    sentence_start: int
    sentence_end: int


@dataclass(frozen=True, slots=True)
class _Blocked:
    starts: list[int]
    max_ends: list[int]


def _is_blocked(expr: NumberExpression, blocked: _Blocked) -> bool:
    # spans are sorted by start: the ones starting before the expression ends overlap it when the
    # furthest end among them passes the number's start
    index = bisect_left(blocked.starts, expr.end)
    return bool(index and blocked.max_ends[index - 1] > expr.number_start)


_DASH_BETWEEN = re.compile(r"\s*(?:-|–|—|to)\s*")
_FROM_BEFORE = re.compile(r"\bfrom\s*$")
_OR_BETWEEN = re.compile(r"\s+or\s+")
_AND_BETWEEN = re.compile(r"\s+and\s+")
_BETWEEN_BEFORE = re.compile(r"\bbetween\s*$")
_TO_BETWEEN = re.compile(r"\s+to\s+")
_VERSION = re.compile(r"\s\d+(?:\.\d+)?\b")
_RATIO_BETWEEN = re.compile(r"\s+(?:out\s+of|in)\s+(?:every\s+)?")
_TIME_AFTER = re.compile(r"\s+(?:years?|months?|weeks?|days?|decades?|centuries)\b")


def _merge_ranges(
    text: str, exprs: list[NumberExpression]
) -> list[tuple[NumberExpression, float | None]]:
    """Join "10-15", "10 to 15" and "between 10 and 15" into one expression with a high end."""
    merged: list[tuple[NumberExpression, float | None]] = []
    index = 0
    while index < len(exprs):
        low = exprs[index]
        high = exprs[index + 1] if index + 1 < len(exprs) else None
        if high is not None:
            between = text[low.end : high.start]
            before = text[max(0, low.start - 30) : low.start].lower()
            dash = _DASH_BETWEEN.fullmatch(between) and not _FROM_BEFORE.search(before)
            between_and = _AND_BETWEEN.fullmatch(between) and _BETWEEN_BEFORE.search(before)
            # "seven or eight seamen": a range said with "or" between close numbers
            or_range = (
                _OR_BETWEEN.fullmatch(between) is not None
                and low.unit == high.unit == "count"
                and low.multiplier == high.multiplier == 1.0
                and 0 < low.value < high.value <= 2 * low.value
            )
            and_range = bool(between_and) or or_range
            # "10 to 15 per cent" and "$200-250 million" say the unit once
            same_unit = low.unit == high.unit or "count" in (low.unit, high.unit)
            if (dash or and_range) and same_unit and low.value <= high.value * high.multiplier:
                unit = high.unit if low.unit == "count" else low.unit
                scale = high.multiplier
                value = low.value * (scale if low.multiplier == 1.0 and scale > 1.0 else 1.0)
                low_adjusted = replace(
                    low, end=high.end, unit=unit, value=value, text=text[low.start : high.end]
                )
                merged.append((low_adjusted, high.value))
                index += 2
                continue
            if _TO_BETWEEN.fullmatch(between) and low.unit == "count" and high.unit != "count":
                low = replace(low, unit=high.unit)  # "from 3 to 5 per cent": the unit is said once
            ratio = _RATIO_BETWEEN.fullmatch(between) and not _TIME_AFTER.match(text, high.end)
            if ratio and low.unit == high.unit == "count" and 0 < low.value < high.value <= 1000:
                share = replace(  # "nine out of ten", "one in five": a share in percent
                    low,
                    end=high.end,
                    unit="percent",
                    value=100.0 * low.value / high.value,
                    kind="ratio",
                    text=text[low.start : high.end],
                )
                merged.append((share, None))
                index += 2
                continue
        merged.append((low, None))
        index += 1
    return merged


_YEAR_IN_SENTENCE = re.compile(r"(?<![\w$€£/.,-])(1[89]\d\d|20\d\d)(?![\w/%-]|,\d)")


def _years_in(sentence: str) -> list[tuple[int, int]]:
    """Return (offset, year) of every year named in a sentence."""
    return [(m.start(), int(m.group(1))) for m in _YEAR_IN_SENTENCE.finditer(sentence)]


def _reference_year(
    years: list[tuple[int, int]],
    sentence: str,
    span: tuple[int, int],
    delivered_on: date | None,
) -> tuple[int | None, date | None]:
    named = [
        (abs(at - span[0]), year)
        for at, year in years
        if not span[0] <= at < span[1]  # "over 2000 people": the figure is no year
    ]
    if delivered_on is not None and not named:
        if "last year" in sentence.lower():
            return delivered_on.year - 1, None
        return delivered_on.year, delivered_on
    if named:
        return min(named)[1], None
    return None, None


_PRONOUN = re.compile(
    r"\b(?:its|this\s+organi[sz]ation|(?:with|in|within|to|joined)\s+it"
    r"|it\s+(?:now\s+)?(?:has|had|includes|included|comprises|counts|unites|brings|employs|numbers))\b",
    re.IGNORECASE,
)


def _most_specific(mentions: list[OrgMention]) -> list[OrgMention]:
    """Drop mentions of an organisation when a body within it is named too: in "the UN's Economic
    and Social Council" the figure is about the Council, not the United Nations."""
    parents = {organisation(m.entity).parent for m in mentions}
    kept = [m for m in mentions if m.entity not in parents]
    return kept or mentions


_CLAUSE_BREAK = re.compile(r"[,;:()]|\s(?:while|whereas|and|but)\s")


def _same_clause(text: str, expr: NumberExpression, mention: OrgMention) -> bool:
    """Say whether no comma, semicolon or clause word stands between a number and a mention."""
    between = (
        text[mention.end : expr.start]
        if mention.end <= expr.start
        else text[expr.end : mention.start]
    )
    return _CLAUSE_BREAK.search(between) is None


_SOURCE_BEFORE = re.compile(
    r"\b(?:according\s+to|report(?:s|ed)?\s+(?:of|by|from)|estimates?\s+(?:of|by|from)|"
    r"data\s+(?:of|from)|statistics\s+(?:of|from)|figures\s+(?:of|from)|said\s+by)"
    r"\s+(?:the\s+|a\s+|recent\s+)*$",
    re.IGNORECASE,
)
_MEMBERSHIP = re.compile(
    r"\b(?:members?|member\s+states|resolutions|budget|staff|personnel|contributions?|"
    r"participants|observers|signatories|parties|seats|votes)\b",
    re.IGNORECASE,
)
_FRAME_BEFORE = re.compile(
    r"(?:^|[.;]\s*|\b(?:at|in|within|for|among|inside|across)\s+)(?:the\s+)?$", re.IGNORECASE
)
_WORDS_BETWEEN = re.compile(r"[A-Za-z'’-]+")
_CLAUSE_WORDS = re.compile(r"\b(?:while|whereas|but|which|who|although|because|since|when)\b")


def _linked(text: str, expr: NumberExpression, mention: OrgMention) -> bool:
    """Say whether a mention belongs to a figure's own phrase: "70 Russian NGOs ... with ECOSOC",
    "NATO has 30 members", "the OSCE's 57 States"; a mention in another clause, far away, or
    named as the figure's source ("according to the World Bank") does not."""
    if _SOURCE_BEFORE.search(text, max(0, mention.start - 40), mention.start):
        return False
    if mention.end <= expr.start:
        between, most = text[mention.end : expr.start], 6
        framing = _FRAME_BEFORE.search(text, max(0, mention.start - 20), mention.start)
        if (
            framing
            and len(_WORDS_BETWEEN.findall(between)) <= 2
            and not re.search(r"[;:()]", between)
        ):
            return True  # "At UNESCO, only three of our NGOs": the frame of the sentence
    else:
        between, most = text[expr.end : mention.start], 9
    if _CLAUSE_BREAK.search(between) or _CLAUSE_WORDS.search(between):
        return False
    return len(_WORDS_BETWEEN.findall(between)) <= most


def _organisation_for(
    text: str,
    expr: NumberExpression,
    mentions: list[OrgMention],
    previous: list[OrgMention],
    sentence: str,
    counted: str,
) -> str:
    """Return the organisation a figure is about: a mention linked to its phrase, else one named in
    its sentence when it counts members, States or resolutions, else the organisation "it" or
    "its" points to in the sentence before; "" when none."""
    mentions = _most_specific(mentions)

    def distance(mention: OrgMention) -> float:
        if mention.end <= expr.start:
            return expr.start - mention.end
        return (mention.start - expr.end) * 1.2

    linked = [m for m in mentions if _linked(text, expr, m)]
    if linked:
        return figures_organisation(min(linked, key=distance).entity)
    sources = [m for m in mentions if _SOURCE_BEFORE.search(text, max(0, m.start - 40), m.start)]
    named = [m for m in mentions if m not in sources]
    if named and _MEMBERSHIP.search(counted):
        return figures_organisation(min(named, key=distance).entity)
    near = text[max(0, expr.start - 40) : expr.start] + " " + text[expr.end : expr.end + 40]
    previous = _most_specific(previous)
    if previous and not named and _PRONOUN.search(near):
        return figures_organisation(previous[0].entity)  # "it" most often names the last subject
    if named and _PRONOUN.search(near):
        return figures_organisation(min(named, key=distance).entity)
    return ""


def _blocked_spans(text: str, org_mentions: list[OrgMention]) -> _Blocked:
    blocked = unavailable_spans(text)
    for mention in org_mentions:  # "G20", and the version in "UN 2.0" or "NATO 2030"
        version = _VERSION.match(text[mention.end : mention.end + 12])
        blocked.append((mention.start, mention.end + (version.end() if version else 0)))
    blocked.sort()
    return _Blocked(
        starts=[b[0] for b in blocked], max_ends=list(accumulate((b[1] for b in blocked), max))
    )


# A sentence holding more numbers than this is a table or a list flattened into text, not prose
# citing figures; and no speech cites more figures than this. Both bound the work a hostile
# upload can cause.
MAX_NUMBERS_PER_SENTENCE = 40
MAX_FIGURES_PER_SPEECH = 2_000


@dataclass(frozen=True, slots=True)
class Candidate:
    """A number expression in its sentence, with what the figure classifier reads about it."""

    sentence_index: int
    sentence: tuple[int, int]
    expr: NumberExpression
    high: float | None
    reason: str
    features: list[str]


def _candidates(
    text: str, org_mentions: list[OrgMention], sentences: list[tuple[int, int]]
) -> Iterator[Candidate]:
    spans = _blocked_spans(text, org_mentions)
    all_exprs = find_number_expressions(text)
    expr_starts = [e.start for e in all_exprs]
    for index, (s_start, s_end) in enumerate(sentences):
        first = bisect_left(expr_starts, s_start)
        last = bisect_left(expr_starts, s_end, first)
        if first == last or last - first > MAX_NUMBERS_PER_SENTENCE:
            continue  # most sentences hold no number at all
        exprs = [e for e in all_exprs[first:last] if e.end <= s_end and not _is_blocked(e, spans)]
        for expr, high in _merge_ranges(text, exprs):
            reason = exclusion_reason(text, expr, (s_start, s_end))
            features = candidate_features(
                text, expr, (s_start, s_end), reason=reason, is_range=high is not None
            )
            yield Candidate(index, (s_start, s_end), expr, high, reason, features)


def candidates(text: str) -> Iterator[Candidate]:
    """Yield every number of a text that may be a cited figure, sentence by sentence.

    Numbers inside addresses, phone numbers, dates and page furniture are left out; ranges are
    joined; each candidate carries the rule verdict and the features the classifier weighs.
    """
    return _candidates(text, find_organisations(text), sentence_spans(text))


# rules that judge the words, not the number's form: the classifier weighs them with the rest
SOFT_REASONS = frozenset({"reference", "rhetorical"})


def _is_cited(candidate: Candidate) -> bool:
    """Decide whether a candidate is a cited figure: the rules first, then the classifier.

    A number a rule excludes (a year, a date, an identifier, "one of") is never a figure, except
    a word number after "the", "these", "our" (`SOFT_REASONS`: "these nineteen nations declared"
    counts, "our two countries" does not), which the classifier decides; a vague
    magnitude ("thousands of"), a ratio ("one in five") or a multiple ("twofold") that no rule
    excludes always is
    (FIGURES.md); the classifier weighs the rest.
    """
    if candidate.reason and candidate.reason not in SOFT_REASONS:
        return False
    if (
        not candidate.reason
        and candidate.expr.kind in ("vague", "ratio")
        or candidate.expr.text.lower().endswith("fold")
    ):
        return True
    model = figure_model()
    return model is None or model.probability(candidate.features) >= model.threshold


def extract_quantities(
    text: str, *, speech_id: str = "", delivered_on: date | None = None, country: str = ""
) -> list[Quantity]:
    """Extract every cited figure of a speech, with its qualifier, counted thing and organisation.

    Args:
        text: the speech text.
        speech_id: the id stored on every quantity.
        delivered_on: the speech date; the reference date of figures whose sentence names no year.
        country: the country the speaker speaks for; "our" in a figure's scope is this country.

    Returns:
        Quantities in text order (at most `MAX_FIGURES_PER_SPEECH`).

    Example:
        >>> [(q.value, q.qualifier, q.counted) for q in extract_quantities("Only 70 Russian NGOs voted.")]
        [(70.0, 'only', 'Russian NGOs')]
    """
    return extract_within(
        text, speech_id=speech_id, delivered_on=delivered_on, country=country, seconds=None
    )[0]


def extract_within(
    text: str,
    *,
    seconds: float | None,
    speech_id: str = "",
    delivered_on: date | None = None,
    country: str = "",
) -> tuple[list[Quantity], int | None]:
    """`extract_quantities` with a time budget: a page or a job never waits longer on one speech.

    Returns:
        (quantities, cut_at): the figures found, and None when the whole text was read, else the
        character offset where reading stopped once `seconds` had passed.

    A long text is read in blocks of about `BLOCK_CHARS` cut at line ends, so that the budget is
    checked between blocks as well as between numbers.
    """
    deadline = None if seconds is None else time.monotonic() + seconds
    found: list[Quantity] = []
    start = 0
    while start < len(text):
        end = _block_end(text, start)
        block, cut_at = _extract_block(
            text[start:end],
            deadline,
            speech_id=speech_id,
            delivered_on=delivered_on,
            country=country,
            room=MAX_FIGURES_PER_SPEECH - len(found),
        )
        found += [_shifted(q, start) for q in block] if start else block
        if cut_at is not None:
            return found, start + cut_at
        start = end
        if start < len(text) and deadline is not None and time.monotonic() > deadline:
            return found, start
    return found, None


BLOCK_CHARS = 50_000


def _block_end(text: str, start: int) -> int:
    """Where the block starting at `start` ends: a line end (else a space) near `BLOCK_CHARS`."""
    if len(text) - start <= BLOCK_CHARS * 3 // 2:
        return len(text)
    limit = start + BLOCK_CHARS
    for separator in ("\n", " "):
        at = text.rfind(separator, start + BLOCK_CHARS // 2, limit)
        if at > start:
            return at + 1
    return limit


def _shifted(quantity: Quantity, offset: int) -> Quantity:
    return replace(
        quantity,
        start=quantity.start + offset,
        end=quantity.end + offset,
        sentence_start=quantity.sentence_start + offset,
        sentence_end=quantity.sentence_end + offset,
    )


def _extract_block(
    text: str,
    deadline: float | None,
    *,
    speech_id: str,
    delivered_on: date | None,
    country: str,
    room: int,
) -> tuple[list[Quantity], int | None]:
    cut_at = None
    org_mentions = find_organisations(text)
    sentences = sentence_spans(text)
    mention_starts = [m.start for m in org_mentions]

    def mentions_in(s_start: int, s_end: int) -> list[OrgMention]:
        first = bisect_left(mention_starts, s_start)
        chosen = org_mentions[first : bisect_left(mention_starts, s_end, first)]
        return [m for m in chosen if m.end <= s_end]

    by_sentence: dict[int, list[tuple[NumberExpression, float | None]]] = {}
    kept = 0
    for number, candidate in enumerate(_candidates(text, org_mentions, sentences)):
        if kept >= room:
            cut_at = candidate.expr.start
            break
        if deadline is not None and number % 32 == 0 and time.monotonic() > deadline:
            cut_at = candidate.expr.start
            break
        if _is_cited(candidate):
            by_sentence.setdefault(candidate.sentence_index, []).append(
                (candidate.expr, candidate.high)
            )
            kept += 1
    quantities: list[Quantity] = []
    for index, merged in by_sentence.items():
        span = sentences[index]
        # the sentence before: "its" and "it" point at its organisation
        previous_mentions = mentions_in(*sentences[index - 1]) if index else []
        quantities.extend(
            _sentence_quantities(
                text,
                merged,
                span,
                (mentions_in(*span), previous_mentions),
                speech_id=speech_id,
                delivered_on=delivered_on,
                country=country,
            )
        )
    return quantities, cut_at


_TO_BEFORE = re.compile(r"\bto\s+(?:about\s+|nearly\s+|almost\s+|some\s+|only\s+|just\s+)?$")
_CURRENCY_UNITS = frozenset("USD EUR GBP RUB JPY CHF CNY INR".split())
_CHANGE_BEFORE = re.compile(
    r"\b(?:(?:increas|decreas|reduc|rais|grow|grew|rose|rise|risen|fall|fell|fallen|drop|declin|cut|"
    r"jump|climb|shrank|shrunk|slash|lower|expand|boost)\w*\s+(?:\w+\s+)?by"
    r"|(?:an?\s+)?(?:increase|decrease|reduction|rise|drop|decline|fall|growth|cut)\s+of)\s+"
    r"(?:more\s+than\s+|over\s+|about\s+|nearly\s+|almost\s+|some\s+)?$",
    re.IGNORECASE,
)
_TARGET_BEFORE = re.compile(
    r"\b(?:target|goal|aim|objective|commitment|pledge)s?\s+(?:\w+\s+){0,3}(?:of|to|at|for)\s+"
    r"(?:at\s+least\s+|some\s+)?$|\b(?:aim(?:s|ing)?\s+(?:for|at)|to\s+reach)\s+$",
    re.IGNORECASE,
)
_TIMES_AFTER = re.compile(r"\s+times\b(?!\s+(?:as|more|less|greater|higher|larger|the))")


def figure_kind(text: str, expr: NumberExpression, high: float | None, sentence_start: int) -> str:
    """Return what a figure measures (FIGURES.md kinds) from its unit and the words before it."""
    if high is not None:
        return "range"
    before = text[max(sentence_start, expr.start - 50) : expr.start]
    if _CHANGE_BEFORE.search(before) and expr.unit != "x":
        return "change"
    if _TARGET_BEFORE.search(before):
        return "target"
    if expr.unit == "x":
        return "multiplier"
    if expr.unit == "rank":
        return "rank"
    if expr.kind in ("fraction", "ratio"):
        return "share"
    if expr.unit in _CURRENCY_UNITS:
        return "money"
    if expr.unit in ("percent", "percentage_points"):
        return "percent"
    if expr.unit != "count":
        return "quantity"
    if _TIMES_AFTER.match(text, expr.end) or expr.kind == "fold":
        return "frequency"  # "held eleven times", "twice in our lifetime"
    return "count"


def _sentence_quantities(
    text: str,
    merged: list[tuple[NumberExpression, float | None]],
    sentence_span: tuple[int, int],
    mentions: tuple[list[OrgMention], list[OrgMention]],
    *,
    speech_id: str,
    delivered_on: date | None,
    country: str,
) -> list[Quantity]:
    """Read qualifier, counted thing, organisation and year of the figures of one sentence."""
    s_start, s_end = sentence_span
    sentence = text[s_start:s_end]
    years = _years_in(sentence)
    found: list[Quantity] = []
    for expr, high in merged:
        rule_counted, scope = counted_phrase(text, expr, s_end, s_start)
        counted = choose_counted(text, expr, sentence_span, rule_counted)
        if counted.lower() in ("ones", "of them") and found:  # "41 NGOs ..., 14 ones are ..."
            counted, scope = found[-1].counted, scope or found[-1].scope
        elif (
            not counted
            and found
            and _TO_BEFORE.search(text, max(s_start, expr.start - 30), expr.start)
        ):
            # "reduce the deficit from $20 billion to $8 billion": the same thing at both ends
            counted, scope = found[-1].counted, scope or found[-1].scope
        if scope.lower() in ("our", "my") and country:
            scope = country
        qualifier = "about" if (high is not None or expr.is_vague) else "exact"
        qualifier = qualifier_of(text, expr, sentence_span) or qualifier
        year, reference_on = _reference_year(
            years, sentence, (expr.start - s_start, expr.end - s_start), delivered_on
        )
        found.append(
            Quantity(
                speech_id=speech_id,
                value=expr.value,
                value_high=high,
                unit=expr.unit,
                multiplier=expr.multiplier,
                is_vague=expr.is_vague,
                kind=figure_kind(text, expr, high, s_start),
                qualifier=qualifier,
                counted=counted,
                scope=scope,
                organisation=_organisation_for(
                    text, expr, mentions[0], mentions[1], sentence, counted
                ),
                reference_year=year,
                reference_on=reference_on,
                text=expr.text,
                sentence=sentence,
                start=expr.start,
                end=expr.end,
                sentence_start=s_start,
                sentence_end=s_end,
            )
        )
    return found


Job = tuple[str, str, date | None, str]  # speech_id, text, delivered_on, country
PARALLEL_MIN_CHARS = 4_000_000  # below this (about 200 long speeches) one process is quicker


_ROW_FIELDS = attrgetter(*(name for name in QUANTITY_COLUMNS if name != "date"))
_DATE_AT = QUANTITY_COLUMNS.index("date")


# no background job spends longer than this on one speech (a real one takes milliseconds)
SECONDS_PER_SPEECH = 10.0


def _row(quantity: Quantity, delivered_on: date | None) -> tuple[object, ...]:
    values = _ROW_FIELDS(quantity)
    return (*values[:_DATE_AT], delivered_on, *values[_DATE_AT:])


def _frame(rows: list[tuple[object, ...]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=QUANTITY_COLUMNS)
    frame["date"] = pd.to_datetime(frame["date"])
    return frame.astype({"value_high": "float64", "reference_year": "Int64"})


def quantities_table(quantities: Sequence[Quantity], delivered_on: date | None) -> pd.DataFrame:
    """Lay the figures of one speech out as `quantities_frame` does (columns `QUANTITY_COLUMNS`)."""
    return _frame([_row(q, delivered_on) for q in quantities])


# marks, among the rows a worker returns, a speech whose reading stopped at its deadline
_CUT = "\x00cut"


def _rows(jobs: Sequence[Job]) -> list[tuple[object, ...]]:
    """Extract the figures of speeches as rows of values in the order of `QUANTITY_COLUMNS`,
    with a (`_CUT`, speech_id, character) row for each speech cut short by its deadline."""
    rows: list[tuple[object, ...]] = []
    for speech_id, text, delivered_on, country in jobs:
        found, cut_at = extract_within(
            text,
            speech_id=speech_id,
            delivered_on=delivered_on,
            country=country,
            seconds=SECONDS_PER_SPEECH,
        )
        rows.extend(_row(quantity, delivered_on) for quantity in found)
        if cut_at is not None:
            rows.append((_CUT, speech_id, cut_at))
    return rows


def _worker_count(jobs: Sequence[Job], n_jobs: int | None) -> int:
    if n_jobs is not None:
        if n_jobs < 1:
            raise ModelError(
                f"n_jobs must be 1 or more, not {n_jobs}; use 1 to extract in one process."
            )
        return min(n_jobs, len(jobs)) or 1
    if sum(len(job[1]) for job in jobs) < PARALLEL_MIN_CHARS:
        return 1
    return available_cores()


def quantities_frame(speeches: Iterable[Speech], *, n_jobs: int | None = None) -> pd.DataFrame:
    """Build the table of cited figures of several speeches.

    Args:
        speeches: the speeches, in the order their figures should come.
        n_jobs: how many processes extract: None uses every core for large selections (over
            `PARALLEL_MIN_CHARS` characters) and this process alone for small ones; 1 always
            extracts here. The table is the same whatever the number.

    Returns:
        One row per quantity with columns `QUANTITY_COLUMNS`: speech_id, date (datetime64), value,
        value_high, unit, multiplier, is_vague, qualifier, counted, scope, organisation,
        reference_year, text, sentence, start, end, sentence_start, sentence_end.

    Raises:
        ModelError: when `n_jobs` is below 1, or a worker process fails.
    """
    return quantities_frame_and_cuts(speeches, n_jobs=n_jobs)[0]


def quantities_frame_and_cuts(
    speeches: Iterable[Speech], *, n_jobs: int | None = None
) -> tuple[pd.DataFrame, dict[str, int]]:
    """`quantities_frame`, with the speeches whose reading stopped at `SECONDS_PER_SPEECH`: by
    id, the character where it stopped (their figures before it are in the table)."""
    jobs = [(s.speech_id, s.text, s.delivered_on, s.country) for s in speeches]
    workers = _worker_count(jobs, n_jobs)
    if workers > 1:
        rows = in_parallel(_rows, jobs, workers=workers, weight=lambda job: len(job[1]))
    else:
        rows = _rows(jobs)
    cuts = {str(row[1]): int(row[2]) for row in rows if row and row[0] == _CUT}  # type: ignore[call-overload]
    return _frame([row for row in rows if not row or row[0] != _CUT]), cuts

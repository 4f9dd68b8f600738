"""Cited figures in speeches ("quantities" in code): what number, qualified how, counting what, for whom.

The extractor is rule-based: `models.numbers` reads number expressions; this module drops the numbers
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
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from itertools import accumulate
from operator import attrgetter

import pandas as pd

from corpus.records import Speech
from models.errors import ModelError
from models.numbers import NumberExpression, find_number_expressions
from models.organisations import OrgMention, figures_organisation, find_organisations
from models.quantity_text import (
    counted_phrase,
    is_excluded_by_context,
    qualifier_of,
    sentence_spans,
    unavailable_spans,
)
from models.quantity_workers import available_cores, in_parallel

QUALIFIERS = ("only", "over", "about", "under", "up_to", "exact")

QUANTITY_COLUMNS = [
    "speech_id",
    "date",
    "value",
    "value_high",
    "unit",
    "multiplier",
    "is_vague",
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
        is_vague: True for "dozens of", "thousands of".
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


def _is_figure(
    text: str, expr: NumberExpression, sentence: tuple[int, int], blocked: _Blocked
) -> bool:
    # spans are sorted by start: the ones starting before the expression ends overlap it when the
    # furthest end among them passes the number's start
    index = bisect_left(blocked.starts, expr.end)
    if index and blocked.max_ends[index - 1] > expr.number_start:
        return False
    return not is_excluded_by_context(text, expr, sentence)


_DASH_BETWEEN = re.compile(r"\s*(?:-|–|—|to)\s*")
_FROM_BEFORE = re.compile(r"\bfrom\s*$")
_AND_BETWEEN = re.compile(r"\s+and\s+")
_BETWEEN_BEFORE = re.compile(r"\bbetween\s*$")
_TO_BETWEEN = re.compile(r"\s+to\s+")
_VERSION = re.compile(r"\s\d+(?:\.\d+)?\b")


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
            and_range = _AND_BETWEEN.fullmatch(between) and _BETWEEN_BEFORE.search(before)
            same_unit = low.unit in (high.unit, "count")  # "10 to 15 per cent" says the unit once
            if (dash or and_range) and same_unit:
                unit, scale = high.unit, high.multiplier
                value = low.value * (scale if low.multiplier == 1.0 and scale > 1.0 else 1.0)
                low_adjusted = replace(
                    low, end=high.end, unit=unit, value=value, text=text[low.start : high.end]
                )
                merged.append((low_adjusted, high.value))
                index += 2
                continue
            if _TO_BETWEEN.fullmatch(between) and low.unit == "count" and high.unit != "count":
                low = replace(low, unit=high.unit)  # "from 3 to 5 per cent": the unit is said once
        merged.append((low, None))
        index += 1
    return merged


_YEAR_IN_SENTENCE = re.compile(r"(?<![\w$€£/.,-])(1[89]\d\d|20\d\d)(?![\w/%-]|,\d)")


def _reference_year(
    sentence: str, span: tuple[int, int], delivered_on: date | None
) -> tuple[int | None, date | None]:
    years = [
        (abs(m.start() - span[0]), int(m.group(1)))
        for m in _YEAR_IN_SENTENCE.finditer(sentence)
        if not span[0] <= m.start() < span[1]  # "over 2000 people": the figure is no year
    ]
    lowered = sentence.lower()
    if delivered_on is not None and not years:
        if "last year" in lowered:
            return delivered_on.year - 1, None
        return delivered_on.year, delivered_on
    if years:
        return min(years)[1], None
    return None, None


_PRONOUN = re.compile(
    r"\b(?:its|this\s+organi[sz]ation|(?:with|in|within|to|joined)\s+it"
    r"|it\s+(?:now\s+)?(?:has|had|includes|included|comprises|counts|unites|brings|employs|numbers))\b",
    re.IGNORECASE,
)


def _organisation_for(
    expr: NumberExpression, mentions: list[OrgMention], previous: list[OrgMention], sentence: str
) -> str:
    if mentions:

        def distance(mention: OrgMention) -> float:
            if mention.end <= expr.start:
                return expr.start - mention.end
            return (mention.start - expr.end) * 1.2

        return figures_organisation(min(mentions, key=distance).entity)
    if previous and _PRONOUN.search(sentence):
        return figures_organisation(previous[0].entity)  # "it" most often names the last subject
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


def extract_quantities(
    text: str, *, speech_id: str = "", delivered_on: date | None = None
) -> list[Quantity]:
    """Extract every cited figure of a speech, with its qualifier, counted thing and organisation.

    Args:
        text: the speech text.
        speech_id: the id stored on every quantity.
        delivered_on: the speech date; the reference date of figures whose sentence names no year.

    Returns:
        Quantities in text order.

    Example:
        >>> [(q.value, q.qualifier, q.counted) for q in extract_quantities("Only 70 Russian NGOs voted.")]
        [(70.0, 'only', 'Russian NGOs')]
    """
    org_mentions = find_organisations(text)
    spans = _blocked_spans(text, org_mentions)
    all_exprs = find_number_expressions(text)
    expr_starts = [e.start for e in all_exprs]
    mention_starts = [m.start for m in org_mentions]

    def mentions_in(s_start: int, s_end: int) -> list[OrgMention]:
        first = bisect_left(mention_starts, s_start)
        chosen = org_mentions[first : bisect_left(mention_starts, s_end, first)]
        return [m for m in chosen if m.end <= s_end]

    quantities: list[Quantity] = []
    previous = (0, 0)  # the sentence before: "its" and "it" point at its organisation
    for s_start, s_end in sentence_spans(text):
        first = bisect_left(expr_starts, s_start)
        last = bisect_left(expr_starts, s_end, first)
        if first == last:  # most sentences hold no number at all
            previous = (s_start, s_end)
            continue
        exprs = [
            e
            for e in all_exprs[first:last]
            if e.end <= s_end and _is_figure(text, e, (s_start, s_end), spans)
        ]
        if exprs:
            in_sentence = mentions_in(s_start, s_end)
            previous_mentions = mentions_in(*previous) if previous[1] else []
            quantities.extend(
                _sentence_quantities(
                    text,
                    _merge_ranges(text, exprs),
                    (s_start, s_end),
                    (in_sentence, previous_mentions),
                    speech_id=speech_id,
                    delivered_on=delivered_on,
                )
            )
        previous = (s_start, s_end)
    return quantities


def _sentence_quantities(
    text: str,
    merged: list[tuple[NumberExpression, float | None]],
    sentence_span: tuple[int, int],
    mentions: tuple[list[OrgMention], list[OrgMention]],
    *,
    speech_id: str,
    delivered_on: date | None,
) -> list[Quantity]:
    """Read qualifier, counted thing, organisation and year of the figures of one sentence."""
    s_start, s_end = sentence_span
    sentence = text[s_start:s_end]
    found = []
    for expr, high in merged:
        counted, scope = counted_phrase(text, expr, s_end)
        qualifier = "about" if (high is not None or expr.is_vague) else "exact"
        qualifier = qualifier_of(text, expr, sentence_span) or qualifier
        year, reference_on = _reference_year(
            sentence, (expr.start - s_start, expr.end - s_start), delivered_on
        )
        found.append(
            Quantity(
                speech_id=speech_id,
                value=expr.value,
                value_high=high,
                unit=expr.unit,
                multiplier=expr.multiplier,
                is_vague=expr.is_vague,
                qualifier=qualifier,
                counted=counted,
                scope=scope,
                organisation=_organisation_for(expr, mentions[0], mentions[1], sentence),
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


Job = tuple[str, str, date | None]  # speech_id, text, delivered_on
PARALLEL_MIN_CHARS = 4_000_000  # below this (about 200 long speeches) one process is quicker


_ROW_FIELDS = attrgetter(*(name for name in QUANTITY_COLUMNS if name != "date"))
_DATE_AT = QUANTITY_COLUMNS.index("date")


def _rows(jobs: Sequence[Job]) -> list[tuple[object, ...]]:
    """Extract the figures of speeches as rows of values in the order of `QUANTITY_COLUMNS`."""
    rows = []
    for speech_id, text, delivered_on in jobs:
        for quantity in extract_quantities(text, speech_id=speech_id, delivered_on=delivered_on):
            values = _ROW_FIELDS(quantity)
            rows.append((*values[:_DATE_AT], delivered_on, *values[_DATE_AT:]))
    return rows


def _worker_count(jobs: Sequence[Job], n_jobs: int | None) -> int:
    if n_jobs is not None:
        if n_jobs < 1:
            raise ModelError(
                f"n_jobs must be 1 or more, not {n_jobs}; use 1 to extract in one process."
            )
        return min(n_jobs, len(jobs)) or 1
    if sum(len(text) for _, text, _ in jobs) < PARALLEL_MIN_CHARS:
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
    jobs = [(s.speech_id, s.text, s.delivered_on) for s in speeches]
    workers = _worker_count(jobs, n_jobs)
    if workers > 1:
        rows = in_parallel(_rows, jobs, workers=workers, weight=lambda job: len(job[1]))
    else:
        rows = _rows(jobs)
    frame = pd.DataFrame(rows, columns=QUANTITY_COLUMNS)
    frame["date"] = pd.to_datetime(frame["date"])
    return frame.astype({"value_high": "float64", "reference_year": "Int64"})

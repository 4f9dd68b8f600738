"""Scoring cited-figure extraction on sentences of real speeches labelled by reading (FIGURES.md).

The labelled set (`bench/figures/labelled.jsonl`, drawn by `bench/figures/sample.py`) holds one
sentence per record with the two sentences before it as context, the speaker's country and year,
and the figures a person found in it. The extractor reads context and sentence together, as it
reads a speech, and only its figures inside the sentence are scored.

A predicted figure *matches* a labelled one when their spans overlap and their values agree
(relative difference under 0.1 %, or 0.01 for percentages such as a third). On matched figures:
- counted is right when both are empty, or their head nouns agree after folding plurals, spelling
  and synonyms ("Russian NGOs with ECOSOC consultative status" and "Russian non-governmental
  organisations" agree; "NGOs" and "countries" do not);
- organisation is right when both name the same canonical organisation, or both name none;
- vague, unit, kind, scope and qualifier are compared as they are (qualifiers by their class).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import pandas as pd

from models.figures.extract import Quantity, extract_quantities
from models.figures.series import normalise_counted, scope_key
from models.organisations import canonical_organisation, figures_organisation

TARGETS = {
    "value precision": 0.92,
    "value recall": 0.88,
    "counted right": 0.85,
    "organisation right": 0.85,
    "vague right": 0.9,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class LabelledFigure:
    """One figure a person found in a sentence (offsets into the sentence)."""

    start: int
    end: int
    value: float
    value_max: float | None = None
    unit: str = "count"
    qualifier: str = ""
    vague: bool = False
    kind: str = "count"
    counted: str = ""
    scope: str = ""
    organisation: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class LabelledRecord:
    """One labelled sentence of a real speech."""

    record_id: str
    split: str
    source: str
    doc: str
    year: int
    country: str
    context: str
    sentence: str
    figures: tuple[LabelledFigure, ...] = ()
    candidates: tuple[dict[str, object], ...] = field(default_factory=tuple)


def read_labelled_records(path: Path, *, split: str | None = None) -> list[LabelledRecord]:
    """Read the labelled set; `split` keeps one part (train, dev or test)."""
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        raw = json.loads(line)
        if split is not None and raw["split"] != split:
            continue
        figures = tuple(
            LabelledFigure(
                start=int(f["start"]),
                end=int(f["end"]),
                value=float(f["value"]),
                value_max=None if f.get("value_max") is None else float(f["value_max"]),
                unit=str(f.get("unit") or "count"),
                qualifier=str(f.get("qualifier") or ""),
                vague=bool(f.get("vague")),
                kind=str(f.get("kind") or "count"),
                counted=str(f.get("counted") or ""),
                scope=str(f.get("scope") or ""),
                organisation=str(f.get("organisation") or ""),
            )
            for f in raw["figures"]
        )
        records.append(
            LabelledRecord(
                record_id=raw["id"],
                split=raw["split"],
                source=raw["source"],
                doc=raw["doc"],
                year=int(raw["year"]),
                country=str(raw.get("country") or ""),
                context=str(raw.get("context") or ""),
                sentence=raw["sentence"],
                figures=figures,
                candidates=tuple(raw.get("candidates", ())),
            )
        )
    return records


Extractor = Callable[..., list[Quantity]]


def predict_record(
    record: LabelledRecord, *, extractor: Extractor = extract_quantities
) -> list[Quantity]:
    """Extract from context and sentence; return the sentence's figures, offsets into the sentence."""
    prefix = f"{record.context}\n" if record.context else ""
    found = extractor(
        prefix + record.sentence, delivered_on=date(record.year, 1, 1), country=record.country
    )
    shift = len(prefix)
    return [replace(q, start=q.start - shift, end=q.end - shift) for q in found if q.start >= shift]


def _same_value(predicted: Quantity, expected: LabelledFigure) -> bool:
    if predicted.unit in ("percent", "percentage_points") or expected.unit == "percent":
        if abs(predicted.value - expected.value) <= 0.01:
            return True
    return math.isclose(predicted.value, expected.value, rel_tol=1e-3)


def match_figures(
    predicted: list[Quantity], expected: Iterable[LabelledFigure]
) -> list[tuple[Quantity, LabelledFigure]]:
    """Pair predicted and labelled figures whose spans overlap and whose values agree."""
    unused = list(expected)
    pairs = []
    for quantity in predicted:
        for figure in unused:
            overlaps = quantity.start < figure.end and figure.start < quantity.end
            if overlaps and _same_value(quantity, figure):
                unused.remove(figure)
                pairs.append((quantity, figure))
                break
    return pairs


_CLAUSE_WORD = re.compile(
    r"^(?:of|with|in|on|for|to|from|at|by|who|that|which|whose|under|into|per|between|across|"
    r"against|over|is|are|was|were|be|been|have|has|had|will|would|can|could|now|still|yet|"
    r"\w{3,}ed|\w{3,}ing)$"
)


def counted_core(counted: str) -> list[str]:
    """Return the folded words of a counted thing's first noun phrase (before a preposition,
    a participle or a verb): "corals bleached" -> ["coral"]; "Russian NGOs with ECOSOC status" ->
    ["russian", "ngo"]."""
    words = normalise_counted(counted).split()
    core: list[str] = []
    for word in words:
        if core and _CLAUSE_WORD.match(word):
            break
        core.append(word)
    return core


def counted_head(counted: str) -> str:
    """Return the head noun of a counted thing, folded: the last word of its first noun phrase."""
    core = counted_core(counted)
    return core[-1] if core else ""


def same_counted(predicted: str, expected: str) -> bool:
    """Say whether two counted things name the same thing: one's head noun is a word of the
    other's first noun phrase (both empty counts as the same)."""
    got, want = counted_core(predicted), counted_core(expected)
    if not got or not want:
        return not got and not want
    return got[-1] in want or want[-1] in got


def _organisation_key(name: str) -> str:
    if not name:
        return ""
    canonical = canonical_organisation(name)
    return figures_organisation(canonical) if canonical else name.strip().lower()


def same_organisation(predicted: str, expected: str) -> bool:
    """Say whether two organisations are the same one under any of its names (or both none)."""
    return _organisation_key(predicted) == _organisation_key(expected)


_QUALIFIER_CLASS = {
    "": "exact",
    "exactly": "exact",
    "only": "only",
    "just": "only",
    "merely": "only",
    "a mere": "only",
    "over": "over",
    "more than": "over",
    "at least": "over",
    "above": "over",
    "upwards of": "over",
    "upward of": "over",
    "in excess of": "over",
    "exceed": "over",
    "about": "about",
    "nearly": "about",
    "almost": "about",
    "some": "about",
    "approximately": "about",
    "around": "about",
    "roughly": "about",
    "close to": "about",
    "up to": "up_to",
    "as many as": "up_to",
    "at most": "up_to",
    "fewer than": "under",
    "less than": "under",
    "under": "under",
    "below": "under",
    "from": "from",
    "to": "to",
}


def qualifier_class(words: str) -> str:
    """Return the class of a labelled qualifier ("more than" -> over); unknown words keep their own."""
    return _QUALIFIER_CLASS.get(words.strip().lower(), words.strip().lower())


def _scope_of(quantity: Quantity, country: str) -> str:
    return scope_key(quantity.scope, country=country)


@dataclass(slots=True)
class _Counts:
    predicted: int = 0
    expected: int = 0
    matched: int = 0
    fields: dict[str, int] = field(default_factory=dict)


_FIELD_CHECKS: dict[str, Callable[[Quantity, LabelledFigure, str], bool]] = {
    "counted right": lambda q, f, c: same_counted(q.counted, f.counted),
    "organisation right": lambda q, f, c: same_organisation(q.organisation, f.organisation),
    "vague right": lambda q, f, c: q.is_vague == f.vague,
    "unit right": lambda q, f, c: q.unit == f.unit,
    "kind right": lambda q, f, c: q.kind == f.kind,
    "qualifier right": lambda q, f, c: q.qualifier == qualifier_class(f.qualifier),
    "scope right": lambda q, f, c: _scope_of(q, c) == scope_key(f.scope, country=c),
}


def score_records(
    records: Iterable[LabelledRecord], *, extractor: Extractor = extract_quantities
) -> pd.DataFrame:
    """Score extraction on labelled records.

    Returns:
        One row per measure (value precision, value recall, then each field's share right among
        matched figures) with columns measure, score, n_right, n_of, target.
    """
    counts = _Counts(fields=dict.fromkeys(_FIELD_CHECKS, 0))
    for record in records:
        predicted = predict_record(record, extractor=extractor)
        pairs = match_figures(predicted, record.figures)
        counts.predicted += len(predicted)
        counts.expected += len(record.figures)
        counts.matched += len(pairs)
        for name, check in _FIELD_CHECKS.items():
            counts.fields[name] += sum(check(q, f, record.country) for q, f in pairs)
    rows = [
        ("value precision", counts.matched, counts.predicted),
        ("value recall", counts.matched, counts.expected),
        *((name, right, counts.matched) for name, right in counts.fields.items()),
    ]
    return pd.DataFrame(
        [
            {
                "measure": name,
                "score": right / of if of else float("nan"),
                "n_right": right,
                "n_of": of,
                "target": TARGETS.get(name, float("nan")),
            }
            for name, right, of in rows
        ]
    )


def record_errors(
    records: Iterable[LabelledRecord], *, extractor: Extractor = extract_quantities
) -> pd.DataFrame:
    """List every false figure, missed figure and wrong field, one row each, to read one by one.

    Returns:
        Columns record_id, error (false, missed, or the field name), text, predicted, expected,
        sentence.
    """
    rows = []
    for record in records:
        predicted = predict_record(record, extractor=extractor)
        pairs = match_figures(predicted, record.figures)
        matched_q = {id(q) for q, _ in pairs}
        matched_f = {id(f) for _, f in pairs}
        for q in predicted:
            if id(q) not in matched_q:
                rows.append((record.record_id, "false", record.sentence[q.start : q.end],
                             f"{q.value:g} {q.unit}", "", record.sentence))  # fmt: skip
        for f in record.figures:
            if id(f) not in matched_f:
                rows.append((record.record_id, "missed", record.sentence[f.start : f.end], "",
                             f"{f.value:g} {f.unit}", record.sentence))  # fmt: skip
        for q, f in pairs:
            for name, got, want in (
                ("counted", q.counted, f.counted),
                ("organisation", q.organisation, f.organisation),
                ("vague", str(q.is_vague), str(f.vague)),
            ):
                check = _FIELD_CHECKS[f"{name} right"]
                if not check(q, f, record.country):
                    rows.append((record.record_id, name, record.sentence[q.start : q.end], got,
                                 want, record.sentence))  # fmt: skip
    return pd.DataFrame(
        rows, columns=["record_id", "error", "text", "predicted", "expected", "sentence"]
    )

"""Scoring cited-figure extraction against labelled sentences: precision and recall per field."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from models.figures.extract import Quantity, extract_quantities

SCORE_COLUMNS = ["field", "precision", "recall", "n_correct", "n_predicted", "n_expected"]


@dataclass(frozen=True, slots=True, kw_only=True)
class LabelledFigure:
    """One figure a person expects in a labelled sentence."""

    value: float
    unit: str
    qualifier: str
    organisation: str


@dataclass(frozen=True, slots=True, kw_only=True)
class LabelledSentence:
    """A sentence (with optional preceding context) and the figures it holds; none for a trap."""

    record_id: str
    sentence: str
    context: str = ""
    figures: tuple[LabelledFigure, ...] = ()


def read_labelled(path: Path) -> list[LabelledSentence]:
    """Read a JSON Lines file of labelled sentences.

    Each line holds `id`, `sentence`, optional `context` (the sentence before, for "it" and "its")
    and `figures`: a list of objects with value, unit, qualifier and organisation.
    """
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        raw = json.loads(line)
        figures = tuple(
            LabelledFigure(
                value=float(f["value"]),
                unit=f.get("unit", "count"),
                qualifier=f.get("qualifier", "exact"),
                organisation=f.get("organisation", ""),
            )
            for f in raw["figures"]
        )
        records.append(
            LabelledSentence(
                record_id=raw["id"],
                sentence=raw["sentence"],
                context=raw.get("context", ""),
                figures=figures,
            )
        )
    return records


Extractor = Callable[[str], list[Quantity]]


def predict_sentence(
    record: LabelledSentence, *, extractor: Extractor = extract_quantities
) -> list[Quantity]:
    """Extract the quantities of the labelled sentence itself, with its context read before it."""
    prefix = f"{record.context} " if record.context else ""
    found = extractor(prefix + record.sentence)
    return [q for q in found if q.start >= len(prefix)]


def _same_value(predicted: Quantity, expected: LabelledFigure) -> bool:
    return predicted.unit == expected.unit and math.isclose(
        predicted.value, expected.value, rel_tol=1e-3
    )


def _pairs(
    predicted: list[Quantity], expected: tuple[LabelledFigure, ...]
) -> list[tuple[Quantity, LabelledFigure]]:
    """Pair each predicted figure with an unused expected figure of the same value and unit."""
    unused = list(expected)
    pairs = []
    for quantity in predicted:
        match = next((f for f in unused if _same_value(quantity, f)), None)
        if match is not None:
            unused.remove(match)
            pairs.append((quantity, match))
    return pairs


def score_quantities(
    records: Iterable[LabelledSentence], *, extractor: Extractor = extract_quantities
) -> pd.DataFrame:
    """Score the extractor on labelled sentences.

    A value is correct when value and unit match a labelled figure; a qualifier (an organisation)
    is correct when its value is and the qualifier (organisation) matches too. Organisation
    precision and recall count only figures with an organisation, predicted or labelled.

    Returns:
        One row per field (value, qualifier, organisation) with columns `SCORE_COLUMNS`.
    """
    counts = {name: [0, 0, 0] for name in ("value", "qualifier", "organisation")}
    for record in records:
        predicted = predict_sentence(record, extractor=extractor)
        pairs = _pairs(predicted, record.figures)
        for name in ("value", "qualifier"):
            counts[name][1] += len(predicted)
            counts[name][2] += len(record.figures)
        counts["value"][0] += len(pairs)
        counts["qualifier"][0] += sum(q.qualifier == f.qualifier for q, f in pairs)
        counts["organisation"][0] += sum(
            bool(f.organisation) and q.organisation == f.organisation for q, f in pairs
        )
        counts["organisation"][1] += sum(bool(q.organisation) for q in predicted)
        counts["organisation"][2] += sum(bool(f.organisation) for f in record.figures)
    rows = [
        {
            "field": name,
            "precision": correct / n_predicted if n_predicted else float("nan"),
            "recall": correct / n_expected if n_expected else float("nan"),
            "n_correct": correct,
            "n_predicted": n_predicted,
            "n_expected": n_expected,
        }
        for name, (correct, n_predicted, n_expected) in counts.items()
    ]
    return pd.DataFrame(rows, columns=SCORE_COLUMNS)


def mistakes(records: Iterable[LabelledSentence]) -> pd.DataFrame:
    """List the labelled sentences where extraction differs from the labels, for people tuning rules.

    Returns:
        Columns record_id, sentence, expected, predicted (each a readable list of value/unit/qualifier/organisation).
    """
    rows = []
    for record in records:
        predicted = predict_sentence(record)
        got = sorted((round(q.value, 3), q.unit, q.qualifier, q.organisation) for q in predicted)
        want = sorted(
            (round(f.value, 3), f.unit, f.qualifier, f.organisation) for f in record.figures
        )
        if got != want:
            rows.append(
                {
                    "record_id": record.record_id,
                    "sentence": record.sentence,
                    "expected": want,
                    "predicted": got,
                }
            )
    return pd.DataFrame(rows, columns=["record_id", "sentence", "expected", "predicted"])

"""The current comparison of two speeches or two selections, as tables ready to draw and download."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

import pandas as pd

from corpus.records import SpeechFilter
from dashboard import cache
from dashboard.analysis import COUNTING, Outcome
from dashboard.charts import keyness_chart, side_by_side_chart
from dashboard.figure_tables import as_shown
from models.compare.keyness import theme_comparison
from models.compare.stats import stats_by_group
from models.errors import ModelError
from models.selection import is_in

FIGURE_COLUMNS = ["group", "date", "speech_id", "qualifier", "figure", "kind", "counted",
                  "organisation", "series_name", "sentence", "value", "unit", "date_iso",
                  "date_precision"]  # fmt: skip


@dataclass(frozen=True, slots=True)
class Side:
    """One side of a comparison: its name, its filter and its speeches."""

    name: str
    flt: SpeechFilter
    speech_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Comparison:
    """Every table of a comparison; a table that cannot be made yet carries its message."""

    summary: pd.DataFrame
    themes: Outcome = field(default_factory=Outcome)
    keyness: Outcome = field(default_factory=Outcome)
    stats: Outcome = field(default_factory=Outcome)
    figures: Outcome = field(default_factory=Outcome)

    def sheets(self) -> dict[str, pd.DataFrame]:
        """Return the tables by sheet name for the comparison pack."""
        return {
            "groups": self.summary,
            "theme shares": self.themes.frame,
            "keyness": self.keyness.frame,
            "text statistics": self.stats.frame,
            "figures": self.figures.frame,
        }


def narrowed(
    base: SpeechFilter,
    *,
    speakers: list[str],
    start: date | None,
    end: date | None,
    countries: Sequence[str] = (),
) -> SpeechFilter:
    """Return the sidebar filter narrowed to some speakers, countries and a period.

    The countries are offered from the sidebar's selection, so they lie within its own (which
    may spell them otherwise: "RUS" there, "Russia" here)."""
    flt = base
    if speakers:
        flt = replace(
            flt,
            speakers=frozenset(speakers) & base.speakers if base.speakers else frozenset(speakers),
        )
    if countries:
        flt = replace(flt, countries=frozenset(countries))
    if start is not None:
        flt = replace(flt, start=max(start, base.start) if base.start else start)
    if end is not None:
        flt = replace(flt, end=min(end, base.end) if base.end else end)
    return flt


def side(name: str, flt: SpeechFilter) -> Side:
    """Return a side with its speeches."""
    return Side(name, flt, tuple(cache.catalogue(flt)["speech_id"]))


def compare(a: Side, b: Side) -> Comparison:
    """Return every table and chart of the comparison of A with B (kept until the corpus
    changes)."""
    return cache.memo("compare", lambda *_: _compare(a, b), a.name, a.flt, b.name, b.flt)


def _compare(a: Side, b: Side) -> Comparison:
    cat = {s.name: cache.catalogue(s.flt) for s in (a, b)}
    summary = pd.DataFrame(
        {
            "group": ["A", "B"],
            "selection": [a.name, b.name],
            "n_speeches": [len(a.speech_ids), len(b.speech_ids)],
            "n_words": [int(cat[a.name]["n_words"].sum()), int(cat[b.name]["n_words"].sum())],
        }
    )
    if not a.speech_ids or not b.speech_ids:
        empty = Outcome(message="Pick speeches on both sides to compare them.")
        return Comparison(summary, empty, empty, empty, empty)
    return Comparison(summary, _themes(a, b), _keyness(a, b), _stats(a, b), _figures(a, b))


def _themes(a: Side, b: Side) -> Outcome:
    found = cache.themes()
    if found is None:
        return Outcome(
            message="Theme shares side by side will appear here once themes are fitted "
            "(Themes page)."
        )
    # the two sides' rows only: the mix of a large corpus is a hundred thousand rows to reshape
    mix = found.mix_long([*a.speech_ids, *b.speech_ids])
    try:
        frame = theme_comparison(mix, a=a.speech_ids, b=b.speech_ids)
    except ModelError as err:
        return Outcome(message=str(err))
    frame.insert(1, "label", frame["theme"].map(found.labels))
    return Outcome(frame=frame, chart=side_by_side_chart(frame, label_a="A", label_b="B"))


def _keyness(a: Side, b: Side) -> Outcome:
    try:
        frame = cache.keyness_of(list(a.speech_ids), list(b.speech_ids))
    except ModelError as err:
        return Outcome(message=str(err))
    if frame is None:
        return Outcome(message=COUNTING)
    if frame.empty:
        return Outcome(
            message="No term sets the two apart at p < 0.001; compare larger selections."
        )
    return Outcome(frame=frame, chart=keyness_chart(frame, label_a="A", label_b="B"))


def _stats(a: Side, b: Side) -> Outcome:
    stats = cache.speech_statistics(list(set(a.speech_ids) | set(b.speech_ids)))
    frame = stats_by_group(stats, groups={"A": a.speech_ids, "B": b.speech_ids})
    return Outcome(frame=frame)


def _figures(a: Side, b: Side) -> Outcome:
    found = cache.corpus_figures()
    if found is None:
        return Outcome(
            message="The cited figures of the corpus are being extracted; they "
            "appear here when ready."
        )
    figures = found.figures
    parts = []
    for label, ids in (("A", a.speech_ids), ("B", b.speech_ids)):
        part = figures[is_in(figures["speech_id"], ids)]
        parts.append(part.assign(group=label))
    frame = as_shown(pd.concat(parts, ignore_index=True), FIGURE_COLUMNS)
    if frame.empty:
        return Outcome(message="Neither side cites a figure.")
    return Outcome(frame=frame)

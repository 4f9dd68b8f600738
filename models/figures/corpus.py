"""The cited figures of a whole corpus: built from the store, or grown from the figures of an
earlier corpus version by the speeches added since (`grow_corpus_figures` gives what
`build_corpus_figures` would), with their series laid out over time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from corpus.store import CorpusStore
from models.figures.format import readable_columns
from models.figures.series import (
    CORRECTION_KIND,
    SERIES_EDIT_KIND,
    apply_corrections,
    grow_series,
    series_frame,
    series_inputs,
    series_summary,
)
from models.figures.store import corpus_quantities_and_inputs, extract_quantities, speech_owners
from models.selection import is_in


def with_speeches(figures: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """Return the figures of the catalogue's speeches with each speech's title and speaker, and
    the readable columns tables show (`readable_columns`), made once per corpus version."""
    columns = ["speech_id", "title", "speaker"]
    if "date_precision" not in figures:
        columns.append("date_precision")
    return readable_columns(figures.merge(catalogue[columns], on="speech_id", how="inner"))


def series_points(figures: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the points of every series (with title, speaker, changed) and one row per series.

    Args:
        figures: figures with series columns, title and speaker (`with_speeches`).

    Returns:
        (points, summary): points have the columns of `series_frame` plus speech_title, speaker and
        changed (the value differs from the previous speech's, or disagrees with a close one);
        summary is `series_summary`, by descending number of speeches.
    """
    points = series_frame(figures)
    names = figures.drop_duplicates("speech_id").set_index("speech_id")
    points = points.assign(
        speech_title=points["speech_id"].map(names["title"]),
        speaker=points["speech_id"].map(names["speaker"]),
        changed=points["is_change"] | points["is_disagreement"],
    )
    summary = series_summary(points)
    if not summary.empty:
        summary = summary.sort_values(["n_speeches", "series"], ascending=[False, True])
    columns = ["series_name", *[c for c in summary.columns if c not in ("series_name", "series")]]
    return points, summary[[*columns, "series"]].reset_index(drop=True)


# what the figures of a speech depend on, besides its text and the users' annotations
_BASIS_COLUMNS = ["speech_id", "date_iso", "country", "speaker", "title"]


@dataclass(frozen=True, slots=True)
class CorpusFigures:
    """The cited figures of the whole corpus and their series.

    Attributes:
        figures: every figure, corrected and in series, with the title and speaker of its speech.
        points: the points of every series over time (see `series_points`).
        summary: one row per series, by descending number of speeches.
        inputs: what each figure's series is found from (`series_inputs`), row for row.
        basis: the speeches these figures are of (speech_id, date_iso, country, speaker, title).
        annotations: the users' corrections and series edits they were made with (None when
            they changed during the extraction: the figures cannot be grown from).
    """

    figures: pd.DataFrame
    points: pd.DataFrame
    summary: pd.DataFrame
    inputs: pd.DataFrame
    basis: pd.DataFrame
    annotations: tuple[dict[str, Any], dict[str, Any]] | None


def _annotations(store: CorpusStore) -> tuple[dict[str, Any], dict[str, Any]]:
    return store.annotations(CORRECTION_KIND), store.annotations(SERIES_EDIT_KIND)


def build_corpus_figures(store: CorpusStore) -> CorpusFigures:
    """Return every cited figure of the corpus with its series laid out over time."""
    annotations: tuple[dict[str, Any], dict[str, Any]] | None = _annotations(store)
    catalogue = store.catalogue()
    quantities, inputs = corpus_quantities_and_inputs(store)
    figures = with_speeches(quantities, catalogue)
    if annotations != _annotations(store):  # edited meanwhile
        annotations = None
    if len(inputs) != len(figures):  # (every figure's speech is in the catalogue read with it)
        inputs = series_inputs(figures, *speech_owners(catalogue))
    points, summary = series_points(figures)
    basis = catalogue[_BASIS_COLUMNS].reset_index(drop=True)
    return CorpusFigures(figures, points, summary, inputs, basis, annotations)


# more words than this in new speeches, and their figures are extracted with the whole corpus's
# in a background job rather than added in the server (about a second per million words)
GROW_MAX_WORDS = 300_000


def grow_corpus_figures(
    previous: CorpusFigures,
    store: CorpusStore,
    catalogue: pd.DataFrame,
    *,
    pause: Callable[[], None] = lambda: None,
) -> CorpusFigures | None:
    """Return `previous` with the figures of the speeches added since, as `build_corpus_figures` would.

    Only the new speeches are read, and only the series their figures join or change are laid
    out again. Returns None when something else changed (a speech removed, re-dated or
    re-assigned, a correction or series edit), when the corpus had no figures yet, or when the
    new speeches are too long: the whole corpus is then extracted again.

    Args:
        previous: the figures of the corpus as it was.
        store: the corpus.
        catalogue: its whole catalogue now.
        pause: called between the steps (a few hundredths of a second each on the UN corpus),
            to let other work of the same process go first.
    """
    annotations = _annotations(store)
    if previous.annotations is None or annotations != previous.annotations:
        return None
    if previous.figures.empty:  # nothing to grow from (and no column types to keep)
        return None
    now = catalogue[_BASIS_COLUMNS].reset_index(drop=True)
    known = is_in(now["speech_id"], previous.basis["speech_id"])
    if known.sum() != len(previous.basis) or not now[known].set_index("speech_id").sort_index(
    ).equals(previous.basis.set_index("speech_id").sort_index()):  # fmt: skip
        return None
    new = catalogue[~known]
    if new.empty or int(new["n_words"].sum()) > GROW_MAX_WORDS:
        return None
    corrections, edits = annotations
    pause()
    added = apply_corrections(extract_quantities(store, new), corrections)
    added = with_speeches(added, catalogue)
    countries, owners = speech_owners(catalogue)
    pause()
    columns = [c for c in previous.figures.columns if c not in ("series", "series_name",
                                                               "confirmed")]  # fmt: skip
    figures, inputs, changed = grow_series(
        previous.figures,
        previous.inputs,
        added[[*columns, "series_override"]],
        corrections,
        edits,
        countries=countries,
        owners=owners,
        pause=pause,
    )
    pause()
    points, summary = _grown_points(previous, figures, changed, pause)
    return CorpusFigures(figures, points, summary, inputs, now, annotations)


def _grown_points(
    previous: CorpusFigures, figures: pd.DataFrame, changed: set[str], pause: Callable[[], None]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The series points and summary with the changed series laid out again."""
    ids = list(changed)
    points, summary = series_points(figures[is_in(figures["series"], ids)])
    pause()
    kept_points = previous.points[~is_in(previous.points["series"], ids)]
    kept_summary = previous.summary[~is_in(previous.summary["series"], ids)]
    # both are sorted by series, date, speech and start, and no series is in both: the new
    # points go in by series, without sorting every point again
    at = np.searchsorted(kept_points["series"].to_numpy(dtype=object),
                         points["series"].to_numpy(dtype=object))  # fmt: skip
    order = np.insert(np.arange(len(kept_points)), at, len(kept_points) + np.arange(len(points)))
    points = pd.concat([kept_points, points], ignore_index=True).iloc[order]
    points = points.reset_index(drop=True)
    pause()
    summary = pd.concat([kept_summary, summary], ignore_index=True)
    summary = summary.sort_values(["n_speeches", "series"], ascending=[False, True])
    return points, summary.reset_index(drop=True)

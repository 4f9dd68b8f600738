"""Tables of the Figures page: series points with their speeches, the filtered table of figures."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.figures.format import readable_columns
from models.selection import is_in

# "figure" and "date" as people read them ("dozens (24 or more)", "2018"); the exact value, range,
# ISO date and its precision stay beside them for exports
TABLE_COLUMNS = ["date", "speaker", "qualifier", "figure", "counted", "scope", "organisation",
                 "kind", "series_name", "confirmed", "corrected", "text", "sentence", "title",
                 "value", "value_high", "unit", "is_vague", "date_iso", "date_precision",
                 "speech_id", "key"]  # fmt: skip


def as_shown(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Select `columns` of figures carrying `readable_columns`, "date" being the date as read."""
    picked = [("when" if c == "date" else c) for c in columns]
    return frame[picked].rename(columns={"when": "date"}).reset_index(drop=True)


def figure_table(
    figures: pd.DataFrame, *, qualifiers: list[str], organisations: list[str], units: list[str]
) -> pd.DataFrame:
    """Return the table of figures, narrowed by qualifier, organisation and unit (empty = all)."""
    frame = figures
    if qualifiers:
        frame = frame[frame["qualifier"].isin(qualifiers)]
    if organisations:
        frame = frame[frame["organisation"].isin(organisations)]
    if units:
        frame = frame[frame["unit"].isin(units)]
    if "figure" not in frame:  # figures that did not come through `with_speeches`
        frame = readable_columns(frame)
    return as_shown(frame, TABLE_COLUMNS)


def in_selection(
    points: pd.DataFrame, summary: pd.DataFrame, speech_ids: pd.Series
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the series points of the selected speeches and the series they belong to.

    The summary rows (values, changes) describe each series over the whole corpus.
    """
    chosen = points[is_in(points["speech_id"], speech_ids)]
    kept = summary[is_in(summary["series"], chosen["series"])]
    return chosen.reset_index(drop=True), kept.reset_index(drop=True)


@dataclass(frozen=True, slots=True)
class FiguresView:
    """The cited figures of the speeches a filter selects, laid out for the Figures page.

    Attributes:
        figures: the figures of the selected speeches (columns as `CorpusFigures.figures`).
        points: the series points of the selected speeches.
        summary: the series those points belong to, by descending number of speeches.
        series_ids: every series with points, in the order of their codes.
        order: the row numbers of `points`, grouped by series code (stable within a series).
        bounds: where each series' rows start in `order` (one more entry than `series_ids`).
    """

    figures: pd.DataFrame
    points: pd.DataFrame
    summary: pd.DataFrame
    series_ids: pd.Index
    order: np.ndarray
    bounds: np.ndarray

    @classmethod
    def of(cls, figures: pd.DataFrame, points: pd.DataFrame, summary: pd.DataFrame) -> FiguresView:
        """Lay out the points by series with one stable sort of their codes.

        Row numbers only: a frame per series, or pandas' groupby `indices` on Arrow strings,
        takes seconds on tens of thousands of series.
        """
        codes, names = pd.factorize(points["series"])
        order = np.argsort(codes, kind="stable")
        # codes of points without a series are -1: sorted first, before every bound
        bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
        return cls(figures, points, summary, pd.Index(names), order, bounds)

    def has_series(self, series_id: str) -> bool:
        """Return whether the series has points in the selection."""
        return series_id in self.series_ids

    def series_points(self, series_id: str) -> pd.DataFrame:
        """Return the points of one series (empty when it has none in the selection)."""
        if not self.has_series(series_id):
            return self.points.iloc[:0]
        code = self.series_ids.get_loc(series_id)
        return self.points.iloc[self.order[self.bounds[code] : self.bounds[code + 1]]]

"""Tables of the Figures page: series points with their speeches, the filtered table of figures."""

from __future__ import annotations

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

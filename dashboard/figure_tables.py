"""Tables of the Figures page: series points with their speeches, the filtered table of figures."""

from __future__ import annotations

import pandas as pd

from models.figures.format import readable_date, readable_value
from models.figures.series import series_frame, series_summary
from models.selection import is_in

# "figure" and "date" as people read them ("dozens (24 or more)", "2018"); the exact value, range,
# ISO date and its precision stay beside them for exports
TABLE_COLUMNS = ["date", "speaker", "qualifier", "figure", "counted", "scope", "organisation",
                 "kind", "series_name", "confirmed", "corrected", "text", "sentence", "title",
                 "value", "value_high", "unit", "is_vague", "date_iso", "date_precision",
                 "speech_id", "key"]  # fmt: skip


def readable_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Add what tables show people: `figure`, the value as read ("$11,300,000,000", "dozens (24
    or more)"), and, when the frame has dates, `when` (the date to its precision: "2018") and
    `date_iso`. The exact `value` and the datetime `date` stay as they are."""
    vague = frame["is_vague"] if "is_vague" in frame else pd.Series(False, index=frame.index)
    high = frame["value_high"] if "value_high" in frame else pd.Series(float("nan"), frame.index)
    out = frame.assign(
        figure=[
            readable_value(v, u, vague=bool(g), value_max=None if pd.isna(m) else float(m))
            for v, u, g, m in zip(frame["value"], frame["unit"], vague, high, strict=True)
        ]
    )
    if "date" in frame:
        precision = (
            frame["date_precision"] if "date_precision" in frame else pd.Series("day", frame.index)
        )
        out = out.assign(
            date_precision=precision,
            date_iso=frame["date"].dt.strftime("%Y-%m-%d"),
            when=[readable_date(d, p) for d, p in zip(frame["date"], precision, strict=True)],
        )
    return out


def as_shown(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Select `columns` of figures carrying `readable_columns`, "date" being the date as read."""
    picked = [("when" if c == "date" else c) for c in columns]
    return frame[picked].rename(columns={"when": "date"}).reset_index(drop=True)


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

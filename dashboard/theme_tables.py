"""Tables of the Themes page: label edits, shares over time with labels, what a refit changed."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from models.topic_store import ThemeModelState, themes_over_time


def label_changes(
    table: pd.DataFrame, edited: pd.DataFrame, *, user_labelled: frozenset[int]
) -> dict[int, str]:
    """Return the labels the user changed in the themes table, by theme number.

    An emptied label is returned as "" (back to the top terms) only if a user had set one.
    """
    before = dict(zip(table["theme"], table["label"], strict=True))
    out: dict[int, str] = {}
    for theme, label in zip(edited["theme"], edited["label"], strict=True):
        text = str(label or "").strip()
        if text == str(before.get(theme, "")).strip():
            continue
        if not text and int(theme) not in user_labelled:
            continue
        out[int(theme)] = text
    return out


def shares_over_time(
    catalogue: pd.DataFrame, mix: pd.DataFrame, *, labels: Mapping[int, str], period: str
) -> pd.DataFrame:
    """Return theme shares by period with labels: period, theme, label, share, n_speeches."""
    frame = themes_over_time(catalogue, mix, period=period)
    frame.insert(2, "label", frame["theme"].map(labels).fillna(""))
    return frame


def selection_shares(
    found: ThemeModelState, catalogue: pd.DataFrame, *, period: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the theme mix of the selected speeches (long) and their theme shares over time."""
    mix = found.mix_long(catalogue["speech_id"])
    return mix, shares_over_time(catalogue, mix, labels=found.labels, period=period)


def refit_changes(
    before: pd.DataFrame, after: pd.DataFrame, refitted: ThemeModelState
) -> pd.DataFrame:
    """Return what a refit changed, one row per theme number.

    Returns:
        Columns theme, status ("kept", "changed", "new", "gone"), label_before, label_after,
        terms_before, terms_after, label_dropped (a user label removed because the theme changed).
    """
    merged = before.merge(after, on="theme", how="outer", suffixes=("_before", "_after"))
    merged = merged.sort_values("theme", ignore_index=True)
    status = []
    for row in merged.itertuples(index=False):
        if pd.isna(row.terms_before):
            status.append("new")
        elif pd.isna(row.terms_after):
            status.append("gone")
        elif (
            row.theme in refitted.dropped_labels
            or _overlap(row.terms_before, row.terms_after) < 0.5
        ):
            status.append("changed")
        else:
            status.append("kept")
    merged.insert(1, "status", status)
    merged["label_dropped"] = merged["theme"].map(refitted.dropped_labels).fillna("")
    columns = ["theme", "status", "label_before", "label_after", "terms_before", "terms_after"]
    return merged[columns + ["label_dropped"]].fillna("")


def _overlap(a: str, b: str) -> float:
    """Share of top terms two comma-joined term lists have in common."""
    left, right = set(a.split(", ")), set(b.split(", "))
    return len(left & right) / max(1, len(left | right))

"""Tables of the Themes page: label edits, shares over time with labels, the top themes."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from dashboard.charts import OTHER_THEMES
from models.themes.store import ThemeModelState, in_themes_language, themes_over_time


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
    """Return the theme mix of the selected speeches (long) and their theme shares over time.

    Speeches in another language than the themes' are left out (they have no share in any
    theme, and would only pull every share down)."""
    catalogue = catalogue[in_themes_language(found, catalogue)]
    mix = found.mix_long(catalogue["speech_id"])
    return mix, shares_over_time(catalogue, mix, labels=found.labels, period=period)


def top_themes(mix: pd.DataFrame, n: int) -> list[int]:
    """Return the `n` themes with the largest mean share over the speeches of a mix (long)."""
    if mix.empty:
        return []
    means = mix.groupby("theme")["share"].mean().sort_values(ascending=False, kind="stable")
    return [int(t) for t in means.index[:n]]


def with_other(over_time: pd.DataFrame, shown: list[int], *, label: str) -> pd.DataFrame:
    """Keep the shown themes' rows of shares over time and add up the rest per period as one
    row of theme `OTHER_THEMES` (so a stacked chart still sums to the whole)."""
    keep = over_time["theme"].isin(shown)
    rest = over_time[~keep]
    if rest.empty:
        return over_time[keep]
    other = rest.groupby("period", as_index=False).agg(
        share=("share", "sum"), n_speeches=("n_speeches", "max")
    )
    other = other.assign(theme=OTHER_THEMES, label=label)[over_time.columns]
    return pd.concat([over_time[keep], other], ignore_index=True)

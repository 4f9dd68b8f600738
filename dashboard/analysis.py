"""What pages show about speeches, built from the cached core results in `state`.

Each function returns an `Outcome`: a table, or a plain message saying why there is none yet and
what will make it appear (too few speeches, no themes fitted...). Pages draw one or the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from corpus.records import SpeechFilter
from dashboard import cache, charts
from dashboard.literal import Mark
from dashboard.summaries import speech_labels
from dashboard.theme_tables import selection_shares, top_themes, with_other
from models.errors import ModelError
from models.figures.format import readable_columns
from models.themes.store import ThemeModelState, speech_outline

# "figure" as people read it first; the exact value, range and unit after, for downloads
FIGURE_COLUMNS = ["text", "figure", "qualifier", "kind", "counted", "scope", "organisation",
                  "sentence", "value", "value_high", "unit", "is_vague"]  # fmt: skip


@dataclass(frozen=True, slots=True)
class Outcome:
    """A table to show, or the message that explains its absence."""

    frame: pd.DataFrame = field(default_factory=pd.DataFrame)
    message: str = ""
    note: str = ""  # how the table was made, shown under it
    chart: go.Figure | None = None  # the table drawn, where a page shows it as a chart too


def speech_figures(speech_id: str) -> pd.DataFrame:
    """Return the cited figures of a speech (columns of `models.figures.extract.QUANTITY_COLUMNS`)."""
    return readable_columns(cache.speech_quantities(speech_id))


def speech_organisations(speech_id: str) -> pd.DataFrame:
    """Return the organisation mentions of a speech: organisation, as_written, start, end."""
    return cache.speech_organisations(speech_id)


def marks(figures: pd.DataFrame, mentions: pd.DataFrame) -> list[Mark]:
    """Return the highlights of the reading view: each figure and each organisation mention."""
    out = [
        Mark(
            int(row.start),
            int(row.end),
            "figure",
            f"{row.qualifier} {row.value:,.6g} {row.unit}"
            + (f" · {row.counted}" if row.counted else "")
            + (f" · {row.organisation}" if row.organisation else ""),
        )
        for row in figures.itertuples(index=False)
    ]
    out += [
        Mark(int(row.start), int(row.end), "organisation", str(row.organisation))
        for row in mentions.itertuples(index=False)
    ]
    return out


def count_mentions(mentions: pd.DataFrame) -> pd.DataFrame:
    """Return mentions per organisation: organisation, n_mentions, as_written (the spellings used)."""
    grouped = mentions.groupby("organisation", as_index=False).agg(
        n_mentions=("start", "size"),
        as_written=("as_written", lambda s: ", ".join(sorted(set(s)))),
    )
    return grouped.sort_values(
        ["n_mentions", "organisation"], ascending=[False, True], kind="mergesort"
    ).reset_index(drop=True)


def _others_message(what: str, n: int) -> str:
    return (
        f"{what} compare this speech with the other speeches of the selection, and the selection "
        f"holds {n} speech{'es' if n != 1 else ''}. They will appear here once the corpus (or the "
        "filter in the sidebar) holds at least two speeches."
    )


def speech_comparisons(speech_id: str, flt: SpeechFilter) -> tuple[Outcome, Outcome, Outcome]:
    """Return the distinctive terms, the theme mix and the nearest speeches of one speech.

    Both compare the speech with the other speeches the filter selects. Kept until the corpus
    changes.
    """
    return cache.memo("speech", _speech_comparisons, speech_id, flt)


def _speech_comparisons(speech_id: str, flt: SpeechFilter) -> tuple[Outcome, Outcome, Outcome]:
    ids = cache.catalogue(flt)["speech_id"].to_numpy(dtype=object)
    others = ids[ids != speech_id].tolist()
    if not others:
        terms = Outcome(message=_others_message("Distinctive terms", len(others) + 1))
        nearest = Outcome(message=_others_message("Nearest speeches", len(others) + 1))
    elif cache.corpus_counts() is None:
        terms = nearest = Outcome(message=COUNTING)
    else:
        terms = _distinctive(speech_id, others)
        nearest = _nearest(speech_id, flt)
    return terms, theme_mix_of(speech_id), nearest


COUNTING = (
    "The terms of every speech are being counted (about a minute and a half for thirty "
    "million words); this part of the page fills in by itself when they are ready."
)


# The thresholds tried in turn for a speech's distinctive terms, strictest first, until
# `DISTINCTIVE_TERMS` terms pass: one speech against a large corpus rarely has many terms at
# p < 0.001, and a reader wants its fifteen most distinctive words, said at which level.
DISTINCTIVE_LEVELS = ((0.001, 3), (0.01, 3), (0.05, 2))
DISTINCTIVE_TERMS = 15


def _distinctive(speech_id: str, others: list[str]) -> Outcome:
    found = None
    for max_p, min_count in DISTINCTIVE_LEVELS:
        try:
            found = cache.keyness_of([speech_id], others, min_count=min_count, max_p=max_p)
        except ModelError as err:
            return Outcome(message=str(err))
        if found is None:
            return Outcome(message=COUNTING)
        found = found[found["favours"] == "a"].reset_index(drop=True)
        if len(found) >= DISTINCTIVE_TERMS:
            break
    if found is None or found.empty:
        return Outcome(
            message="No term is used significantly more here than in the other speeches "
            "(p < 0.05); add speeches or widen the filter."
        )
    return Outcome(
        frame=found,
        note=f"Terms used more here than in the other selected speeches, at p < {max_p:g} "
        f"(log-likelihood test), used at least {min_count} times in all.",
    )


def _nearest(speech_id: str, flt: SpeechFilter) -> Outcome:
    catalogue = cache.catalogue(flt).set_index("speech_id")
    near = cache.nearest_to(speech_id)
    if near is None:
        return Outcome(message=COUNTING)
    # positions by the index's hash table: `isin` walks ten thousand ids one by one
    positions = catalogue.index.get_indexer(near["neighbour_id"])
    kept = positions >= 0
    near = near[kept].head(8)
    rows = catalogue.iloc[positions[kept][: len(near)]][["date_iso", "speaker", "title"]]
    return Outcome(
        frame=pd.DataFrame(
            {
                "rank": range(1, len(near) + 1),
                "similarity": near["similarity"].round(3).to_numpy(),
                "date_iso": rows["date_iso"].to_numpy(),
                "speaker": rows["speaker"].to_numpy(),
                "title": rows["title"].to_numpy(),
                "speech_id": near["neighbour_id"].to_numpy(),
            }
        )
    )


def theme_mix_of(speech_id: str) -> Outcome:
    """Return the theme mix of one speech under the current themes: topic, label, share."""
    mix = cache.theme_mix([speech_id])
    if mix is None:
        return Outcome(
            message="The theme mix will appear here once themes are fitted (Themes page); "
            "every speech is then scored with the current themes, new ones included."
        )
    if mix.empty:
        return Outcome(message="This speech has no theme mix yet; reload the page in a moment.")
    frame = mix[["theme", "label", "share"]]
    return Outcome(frame=frame, chart=charts.theme_mix_chart(frame))


def one_speech_outline(speech_id: str) -> tuple[Outcome, Outcome]:
    """Return the themes of one speech's passages and its key terms, for a corpus of one speech
    (`models.themes.store.speech_outline`; kept per corpus version, so a rerun fits nothing)."""

    def build() -> tuple[Outcome, Outcome]:
        speech = cache.speech(speech_id)
        try:
            themes, key_terms = speech_outline(speech_id, speech.text, speech.language)
        except ModelError as err:
            message = f"Themes need more text than this speech has: {err}"
            return Outcome(message=message), Outcome(message=message)
        return (
            Outcome(frame=themes, note=f"{len(themes)} themes fitted on its passages."),
            Outcome(
                frame=key_terms,
                note="Weight relative to the first term. Distinctive terms, which compare a "
                "speech with the others, appear once the corpus holds two or more.",
            ),
        )

    return cache.memo("one_speech_outline", lambda _: build(), speech_id)


# -- the Themes page's views -----------------------------------------------------------------

# what the Themes page shows until people choose otherwise
DEFAULT_PERIOD = "year"
DEFAULT_STACKED = True
MAP_PAGE_SPEECHES = 30  # speeches per page of the speech x theme map, latest first
SHOWN_THEMES = 8  # themes drawn one by one in the chart over time, until people choose others
MAX_SHOWN_THEMES = 24  # at most: beyond, colours would repeat


def theme_shares(
    found: ThemeModelState, flt: SpeechFilter, period: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the theme mix of the selected speeches (long) and their theme shares over time."""
    return cache.memo(
        "themes",
        lambda *_: selection_shares(found, cache.catalogue(flt), period=period),
        flt,
        period,
    )


def theme_shares_chart(
    found: ThemeModelState,
    flt: SpeechFilter,
    period: str,
    *,
    stacked: bool,
    shown: tuple[int, ...],
) -> go.Figure:
    """Return the chart of `theme_shares` (lines or stacked areas): the `shown` themes one by
    one, the others together as "other themes"."""
    _, over_time = theme_shares(found, flt, period)
    n_other = len(found.theme_ids) - len(shown)
    return cache.memo(
        "themes_chart",
        lambda *_: charts.theme_shares_chart(
            with_other(over_time, list(shown), label=f"other themes ({n_other})"),
            stacked=stacked,
        ),
        flt,
        period,
        stacked,
        shown,
    )


def shown_themes(
    found: ThemeModelState, flt: SpeechFilter, period: str, chosen: object = None
) -> tuple[int, ...]:
    """Return the themes drawn one by one over time: those chosen (at most `MAX_SHOWN_THEMES`)
    or, until someone chooses, the `SHOWN_THEMES` with the largest share of the selection."""
    if isinstance(chosen, list | tuple) and chosen:
        valid = sorted({int(t) for t in chosen if t in found.theme_ids})
        if valid:
            return tuple(valid[:MAX_SHOWN_THEMES])
    mix, _ = theme_shares(found, flt, period)
    return tuple(sorted(top_themes(mix, SHOWN_THEMES)))


def quality_chart(found: ThemeModelState) -> go.Figure:
    """Return the chart of coherence and stability per number of themes tried."""
    return cache.memo(
        "themes_quality",
        lambda _: charts.theme_quality_chart(
            pd.DataFrame(found.quality), chosen=len(found.theme_ids)
        ),
        found.fit_id,
    )


def theme_map_pages(flt: SpeechFilter) -> int:
    """Return how many pages of `MAP_PAGE_SPEECHES` speeches the speech x theme map has."""
    return max(1, -(-len(cache.catalogue(flt)) // MAP_PAGE_SPEECHES))


def theme_heatmap(found: ThemeModelState, flt: SpeechFilter, page: int = 1) -> go.Figure | None:
    """Return one page of the speech x theme map, latest speeches first (None: none has a mix)."""

    def build() -> go.Figure | None:
        catalogue = cache.catalogue(flt)
        start = (page - 1) * MAP_PAGE_SPEECHES
        recent = catalogue.sort_values(["date", "speech_id"], ascending=False).iloc[
            start : start + MAP_PAGE_SPEECHES
        ]
        wide = found.mix.reindex(recent["speech_id"]).dropna(how="all")
        if wide.empty:
            return None
        theme_ids = sorted(found.theme_ids)
        heat = wide[theme_ids].rename(index=speech_labels(recent, width=40))
        return charts.theme_heatmap_chart(heat, labels=[found.labels[t] for t in theme_ids])

    return cache.memo("themes_heatmap", lambda *_: build(), flt, page)

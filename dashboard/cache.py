"""What the pages read, kept per database, corpus version and filter: the one cache of the dashboard.

This is the only module that touches `st.cache_data` and `st.cache_resource`. A cached value is
keyed on the database URL, the corpus version (`store.version()`) and, for a selection, the
filter as it is (`filter_key`), plus the page's own parameters: an upload or a correction makes
the next run read fresh values, and nothing else is thrown away. What is derived from the whole
corpus (term counts, similarity index, themes' mix, figures) is held by one
`models.derived.CorpusDerived` per database, which grows it by new speeches. Large values are
kept with `cache_resource` and are read-only.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from corpus.importer import prepare_upload
from corpus.metadata.speakers import SpeakerNames, likely_variants
from corpus.records import Speech, SpeechFilter
from corpus.store import CorpusStore
from dashboard import charts
from dashboard.charts import counts_by_speaker_chart, counts_by_year_chart, speeches_timeline_chart
from dashboard.figure_tables import FiguresView, in_selection
from dashboard.session import session
from dashboard.settings import load_settings
from dashboard.summaries import (
    country_options,
    counts_by_speaker,
    counts_by_year,
    latest_speeches,
    speech_label,
    speech_labels,
)
from models.compare.keyness import (
    DEFAULT_MAX_P,
    TermCounts,
    keyness,
    nearest_speeches,
)
from models.compare.stats import concordance, stored_speech_stats
from models.compare.stats import term_trend as trend_of_terms
from models.derived import CorpusDerived, CorpusSnapshot
from models.figures import extract as quantities
from models.figures.corpus import CorpusFigures
from models.figures.extract import extract_within, quantities_table
from models.figures.series import followed_series
from models.figures.store import extraction_cuts
from models.organisations import find_organisations
from models.selection import is_in
from models.themes.store import ThemeModelState

_log = logging.getLogger(__name__)


T = TypeVar("T")
MAX_CONCORDANCE = 2_000
NEAREST_POOL = 50  # neighbours sought in the corpus; those inside the filter are shown
KEYNESS_TERMS = 25  # terms shown on each side of a comparison

FilterKey = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], str, str, str, tuple[str, ...]]


# -- the store and its version -----------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def _store_for(url: str) -> CorpusStore:
    return CorpusStore(url)


def get_store() -> CorpusStore:
    """Return the store of this deployment (one per database URL, shared by every session)."""
    return _store_for(load_settings().database_url)


def corpus_version() -> int:
    """Return the corpus version, read once per script run (a page asks for it dozens of times).

    A change made through this server during the run is seen at once; changes made by other
    servers or processes are seen by the next run.
    """
    store = get_store()
    state = session()
    read = (store.url, store.local_changes)
    if state.run_version is not None and state.run_version[0] == read:
        return state.run_version[1]
    version = store.version()
    state.run_version = (read, version)
    return version


@dataclass(frozen=True, slots=True)
class CorpusKey:
    """What a cached value depends on: the database and its version."""

    url: str
    version: int


def corpus_key() -> CorpusKey:
    """Return the key of the corpus as it is now."""
    return CorpusKey(get_store().url, corpus_version())


_WARM_UP = b"Remarks at a warm-up, Geneva, 3 March 2024\n\nA short text read once at start.\n"


# seconds between the server's first page run and starting the readers' process: long enough for
# a browser opened with the server to draw its first page without the readers' imports competing
# for the same cores, short enough to be done long before anyone has picked a file to upload
WARM_UP_DELAY = 6.0


@st.cache_resource(show_spinner=False)
def warm_up() -> threading.Thread:
    """Start the upload readers' worker process in the background, once per server.

    Uploads are read in a guarded child process; starting its fork server imports the readers,
    which takes seconds. Doing it soon after the server starts keeps that wait off the first
    upload; an upload that comes sooner starts the process itself.
    """
    thread = threading.Timer(WARM_UP_DELAY, prepare_upload, args=("warm-up.txt", _WARM_UP))
    thread.name = "reader-warm-up"
    thread.daemon = True
    thread.start()
    return thread


# -- filters -------------------------------------------------------------------------------


def filter_key(flt: SpeechFilter) -> FilterKey:
    """Return a hashable, order-free key of a filter."""
    return (
        tuple(sorted(flt.speakers)),
        tuple(sorted(flt.places)),
        tuple(sorted(flt.countries)),
        flt.start.isoformat() if flt.start else "",
        flt.end.isoformat() if flt.end else "",
        flt.contains or "",
        tuple(sorted(flt.speech_ids)),
    )


def filter_from_key(key: FilterKey) -> SpeechFilter:
    """Rebuild a filter from `filter_key` output."""
    speakers, places, countries, start, end, contains, ids = key
    return SpeechFilter(
        speakers=frozenset(speakers),
        places=frozenset(places),
        countries=frozenset(countries),
        start=date.fromisoformat(start) if start else None,
        end=date.fromisoformat(end) if end else None,
        contains=contains or None,
        speech_ids=frozenset(ids),
    )


def speech_filter_of(speech_ids: list[str]) -> SpeechFilter:
    """Return the filter that selects exactly the given speeches."""
    return SpeechFilter(speech_ids=frozenset(speech_ids))


# -- cached tables ---------------------------------------------------------------------------


_NO_FILTER: FilterKey = filter_key(SpeechFilter())


def _catalogue(url: str, version: int, key: FilterKey) -> pd.DataFrame:
    """Return the catalogue of a selection, as a frame of the caller's own.

    The frame shares its data with the cached one until either is written to (pandas copies on
    write), so a caller may change it freely; handing out a whole copy of the UN catalogue (a
    cached table is unpickled on every call) cost 10-30 ms of every page run.
    """
    return _shared_catalogue(url, version, key).copy(deep=False)


@st.cache_resource(show_spinner=False, max_entries=64)
def _shared_catalogue(url: str, version: int, key: FilterKey) -> pd.DataFrame:
    if key == _NO_FILTER:
        return _snapshot(url, version).catalogue
    # a selection: its ids from the store, its rows from the whole catalogue (cached)
    whole = _shared_catalogue(url, version, _NO_FILTER)
    chosen = is_in(whole["speech_id"], _store_for(url).speech_ids(filter_from_key(key)))
    return whole[chosen].reset_index(drop=True)


@st.cache_data(show_spinner=False, max_entries=8)
def _corpus_size(url: str, version: int) -> int:
    return len(_catalogue(url, version, _NO_FILTER))


def corpus_size() -> int:
    """Return how many speeches the corpus holds (a number kept per version, not a table copy)."""
    key = corpus_key()
    return _corpus_size(key.url, key.version)


@dataclass(frozen=True, slots=True)
class SpeechChoices:
    """What a speech picker offers from a selection: its newest speeches, with their labels.

    Attributes:
        newest: at most `limit + 1` speech ids, newest first (one more, so that a picker that
            leaves out the other side's speech still offers `limit`).
        labels: the label of each id of `newest`.
        ids: every speech id of the selection.
    """

    newest: tuple[str, ...]
    labels: dict[str, str]
    ids: frozenset[str]

    def label(self, speech_id: str) -> str:
        """Return the label of a speech of the selection (looked up when not among the newest)."""
        found = self.labels.get(speech_id)
        if found is not None:
            return found
        whole = catalogue()
        row = whole[whole["speech_id"] == speech_id].iloc[0]
        return speech_label(row.to_dict())


# the most speeches a picker offers (the newest of the selection)
MAX_PICKER_OPTIONS = 1_000


@st.cache_resource(show_spinner=False, max_entries=32)
def _speech_choices(url: str, version: int, key: FilterKey, limit: int) -> SpeechChoices:
    listed = _catalogue(url, version, key)
    newest = _newest(listed, limit + 1)
    labels = speech_labels(newest)
    return SpeechChoices(tuple(labels), labels, frozenset(listed["speech_id"].tolist()))


def _newest(listed: pd.DataFrame, n: int) -> pd.DataFrame:
    """Return the `n` newest rows, newest first, ids in order within a day.

    Only the rows on or after the n-th newest date are sorted: sorting all ten thousand rows by
    date and string id took a fifth of a second of the first Speech page after an upload.
    """
    if len(listed) > n > 0:
        days = listed["date"].to_numpy(dtype="datetime64[ns]").view(np.int64)
        cut = np.partition(days, len(days) - n)[len(days) - n]
        listed = listed[days >= cut]
    return listed.sort_values(["date", "speech_id"], ascending=[False, True]).head(n)


def speech_choices(flt: SpeechFilter, limit: int) -> SpeechChoices:
    """Return the newest speeches of a selection for a picker (sorted and labelled once per
    corpus version and filter, not on every page run; shared: read-only)."""
    key = corpus_key()
    return _speech_choices(key.url, key.version, filter_key(flt), limit)


def catalogue(flt: SpeechFilter = SpeechFilter()) -> pd.DataFrame:
    """Return the metadata of the selected speeches (a copy; cached per corpus version)."""
    key = corpus_key()
    return _catalogue(key.url, key.version, filter_key(flt))


@st.cache_data(show_spinner=False, max_entries=64)
def _selection(url: str, version: int, key: FilterKey) -> str:
    """Return a digest of the speeches a filter selects (texts change only when it does)."""
    ids = _catalogue(url, version, key)["speech_id"]
    return hashlib.sha256("\n".join(ids).encode()).hexdigest()[:16]


# the texts of a large corpus weigh hundreds of MB: keep those of a few selections only
@st.cache_resource(show_spinner=False, max_entries=3)
def _texts_of(url: str, selection: str, _key: FilterKey) -> pd.Series:
    return _store_for(url).texts(filter_from_key(_key))


def _texts(url: str, version: int, key: FilterKey) -> pd.Series:
    return _texts_of(url, _selection(url, version, key), key)


def texts(flt: SpeechFilter = SpeechFilter()) -> pd.Series:
    """Return the texts of the selected speeches indexed by speech_id (shared: do not modify).

    Kept per set of selected speeches: a new label or figure correction does not reread them.
    """
    key = corpus_key()
    return _texts(key.url, key.version, filter_key(flt))


@st.cache_resource(show_spinner=False, max_entries=16)
def _overview(url: str, version: int, key: FilterKey) -> dict[str, Any]:
    frame = _catalogue(url, version, key)
    by_year, by_speaker = counts_by_year(frame), counts_by_speaker(frame)
    return {
        "by_year": by_year,
        "by_speaker": by_speaker,
        "latest": latest_speeches(frame, n=10),
        "timeline": speeches_timeline_chart(frame),
        "year_chart": counts_by_year_chart(by_year),
        "speaker_chart": counts_by_speaker_chart(by_speaker),
    }


def overview(flt: SpeechFilter) -> dict[str, Any]:
    """Return the overview's tables and figures of the selected speeches (shared: read-only).

    Keys: by_year, by_speaker, latest (frames) and timeline, year_chart, speaker_chart (charts).
    """
    key = corpus_key()
    return _overview(key.url, key.version, filter_key(flt))


@st.cache_resource(show_spinner=False, max_entries=8)
def _choices(url: str, version: int) -> Mapping[str, tuple[str, ...]]:
    # from the catalogue every run reads anyway: after an upload, three more queries (seven
    # thousand speakers on the UN corpus) took 200 ms of the first page's run on SQLite; one
    # shared read-only value, as the sidebar asks for it on every page of every reader
    frame = _catalogue(url, version, _NO_FILTER)
    return MappingProxyType(
        {
            "speaker": tuple(sorted(str(v) for v in frame["speaker"].unique() if v)),
            "place": tuple(sorted(str(v) for v in frame["place"].unique() if v)),
            # one entry per country, whatever the spellings of its speeches
            "country": tuple(country_options(frame)),
        }
    )


def choices() -> Mapping[str, tuple[str, ...]]:
    """Return the speakers, places and countries (one name per country code) of the corpus,
    sorted (shared: read-only)."""
    key = corpus_key()
    return _choices(key.url, key.version)


@st.cache_data(show_spinner=False, max_entries=8)
def _date_range(url: str, version: int) -> tuple[date, date] | None:
    dates = _catalogue(url, version, _NO_FILTER)["date"]
    return None if dates.empty else (dates.min().date(), dates.max().date())


def date_range() -> tuple[date, date] | None:
    """Return the first and last delivery dates of the corpus, or None when it is empty."""
    key = corpus_key()
    return _date_range(key.url, key.version)


@st.cache_resource(show_spinner=False, max_entries=64)
def _speech(url: str, version: int, speech_id: str) -> Speech:
    return _store_for(url).get(speech_id)


def speech(speech_id: str) -> Speech:
    """Return one speech (raises SpeechNotFoundError)."""
    key = corpus_key()
    return _speech(key.url, key.version, speech_id)


# -- what is derived from the corpus (models.derived) ----------------------------------------


@st.cache_resource(show_spinner=False)
def _derived_for(url: str) -> CorpusDerived:
    return CorpusDerived(_store_for(url))


@st.cache_resource(show_spinner=False, max_entries=4)
def _snapshot(url: str, version: int) -> CorpusSnapshot:
    """The corpus at a version: its catalogue, grown from the last one by the speeches added."""
    return _derived_for(url).snapshot(version)


def _derived() -> tuple[CorpusDerived, CorpusSnapshot]:
    key = corpus_key()
    return _derived_for(key.url), _snapshot(key.url, key.version)


def updating(name: str) -> bool:
    """Return whether a background job makes the `name` ("counts", "figures") of this corpus."""
    return _derived_for(get_store().url).updating(name)


def corpus_counts() -> TermCounts | None:
    """Return the term counts of every stored speech, or None while they are being counted.

    The counts are kept in the store, so a server reads them rather than counting again. On a
    large corpus, loading or counting runs in the background and pages say that the terms are on
    their way. Speeches added later are counted alone, and the counts of the others are kept.
    """
    derived, snapshot = _derived()
    return derived.counts(snapshot)


def refresh_after_change() -> None:
    """Once the page after a change is drawn, grow what is derived from the corpus (counts,
    similarity index, themes' mix, figures) by the new speeches, so that the pages opened next
    only draw. Changes made elsewhere (the command line, another server) are taken in by the
    first page that reads the derived data."""
    if session().take_corpus_change():
        derived, snapshot = _derived()
        derived.refresh(snapshot)


def _ids_digest(ids: tuple[str, ...]) -> str:
    return hashlib.sha256("\n".join(ids).encode()).hexdigest()[:16]


@st.cache_data(show_spinner=False, max_entries=64)
def _nearest(url: str, version: int, speech_id: str, _counts: TermCounts) -> pd.DataFrame:
    derived, snapshot = _derived()
    index = derived.similarity_index(snapshot)
    return nearest_speeches(_counts, speech_ids=[speech_id], n=NEAREST_POOL, index=index)


def nearest_to(speech_id: str) -> pd.DataFrame | None:
    """Return the NEAREST_POOL most similar speeches of the corpus, or None while counting."""
    counts = corpus_counts()
    if counts is None:
        return None
    key = corpus_key()
    return _nearest(key.url, key.version, speech_id, counts)


@st.cache_data(show_spinner=False, max_entries=64)
def _keyness(
    url: str, version: int, a_key: str, b_key: str, min_count: int, max_p: float,
    _a: tuple[str, ...], _b: tuple[str, ...], _counts: TermCounts,
) -> pd.DataFrame:  # fmt: skip
    # the groups are keyed by their digests: hashing ten thousand ids on every run costs more
    return keyness(_counts, a=_a, b=_b, min_count=min_count, max_p=max_p, n=KEYNESS_TERMS)


def keyness_of(
    a: list[str], b: list[str], *, min_count: int = 5, max_p: float = DEFAULT_MAX_P
) -> pd.DataFrame | None:
    """Return the terms that set speeches A apart from B (p below `max_p`), or None while
    counting.

    Raises:
        ModelError: when a group is empty or has no words.
    """
    counts = corpus_counts()
    if counts is None:
        return None
    key = corpus_key()
    ta, tb = tuple(sorted(a)), tuple(sorted(b))
    return _keyness(
        key.url,
        key.version,
        _ids_digest(ta),
        _ids_digest(tb),
        min_count,
        max_p,
        ta,
        tb,
        counts,
    )


def figure_seconds_per_speech() -> float:
    """The deadline of reading one speech's figures in a background job (seconds)."""
    return quantities.SECONDS_PER_SPEECH


@st.cache_data(show_spinner=False, max_entries=8)
def _figure_cuts(url: str, version: int) -> dict[str, int]:
    return extraction_cuts(_store_for(url))


def figure_cuts(flt: SpeechFilter) -> list[str]:
    """Return the titles of the selected speeches whose figures were read only in part (their
    reading passed its deadline), at most ten, with "and N more" after them."""
    key = corpus_key()
    cuts = _figure_cuts(key.url, key.version)
    if not cuts:
        return []
    selected = catalogue(flt)
    hit = selected[selected["speech_id"].isin(list(cuts))]
    titles = [f"{t} ({d})" for t, d in zip(hit["title"], hit["date_iso"], strict=True)]
    return titles[:10] + ([f"and {len(titles) - 10} more"] if len(titles) > 10 else [])


def corpus_figures() -> CorpusFigures | None:
    """Return every cited figure of the corpus, corrected and in series, or None while extracting.

    Extraction is kept in the store per speech, so only new speeches are read; the first
    extraction of a large corpus runs in the background. Made again when speeches, their dates
    or the users' corrections change (not when themes or labels do); while that runs in the
    background, the previous result is returned and `updating("figures")` is true.
    """
    derived, snapshot = _derived()
    return derived.figures(snapshot)


@st.cache_resource(show_spinner=False, max_entries=16)
def _figures_view(
    url: str, version: int, digest: str, stale: bool, key: FilterKey, _found: CorpusFigures
) -> FiguresView:
    ids = _catalogue(url, version, key)["speech_id"]
    figures = _found.figures[is_in(_found.figures["speech_id"], ids)].reset_index(drop=True)
    points, summary = in_selection(_found.points, _found.summary, ids)
    return FiguresView.of(figures, points, summary)


def figures_view(flt: SpeechFilter) -> FiguresView | None:
    """Return the figures and series of the selected speeches, or None while extracting.

    Kept per filter and per state of the figures, so that redrawing the page costs no pandas work.
    """
    found = corpus_figures()
    if found is None:
        return None
    key = corpus_key()
    digest = _snapshot(key.url, key.version).figures_basis
    return _figures_view(key.url, key.version, digest, updating("figures"), filter_key(flt), found)


@st.cache_resource(show_spinner=False, max_entries=16)
def _followed(
    url: str, version: int, digest: str, stale: bool, key: FilterKey, n: int, options: int,
    _view: FiguresView,
) -> tuple[str, ...]:  # fmt: skip
    return tuple(followed_series(_view.points, _view.summary.head(options), n=n))


def followed(flt: SpeechFilter, *, n: int, options: int) -> list[str]:
    """Return the series to chart first among the `options` most cited (`followed_series`)."""
    view = figures_view(flt)
    if view is None:
        return []
    key = corpus_key()
    digest = _snapshot(key.url, key.version).figures_basis
    return list(
        _followed(
            key.url, key.version, digest, updating("figures"), filter_key(flt), n, options, view
        )
    )


@st.cache_resource(show_spinner=False, max_entries=128)
def _series_chart(
    url: str, version: int, stale: bool, key: FilterKey, series_id: str, title: str,
    _part: pd.DataFrame,
) -> go.Figure:  # fmt: skip
    return charts.series_chart(_part, title=title)


def series_chart(flt: SpeechFilter, series_id: str, *, title: str) -> go.Figure | None:
    """Return the chart of one series within the selection (shared: read-only), if it has points."""
    view = figures_view(flt)
    if view is None or not view.has_series(series_id):
        return None
    key = corpus_key()
    return _series_chart(
        key.url, key.version, updating("figures"), filter_key(flt), series_id, title,
        view.series_points(series_id),
    )  # fmt: skip


@st.cache_data(show_spinner=False, max_entries=32)
def _stats(url: str, version: int, digest: str, speech_ids: tuple[str, ...]) -> pd.DataFrame:
    return stored_speech_stats(_store_for(url), list(speech_ids))


def speech_statistics(speech_ids: list[str]) -> pd.DataFrame:
    """Return the text statistics of speeches (kept in the store once measured)."""
    ids = tuple(sorted(speech_ids))
    key = corpus_key()
    return _stats(key.url, key.version, _ids_digest(ids), ids)


@st.cache_data(show_spinner=False, max_entries=32)
def _term_trend(
    url: str, version: int, key: FilterKey, terms: tuple[str, ...], period: str
) -> pd.DataFrame:
    return trend_of_terms(
        _texts(url, version, key),
        catalogue=_catalogue(url, version, key),
        terms=terms,
        period=period,
        seconds=TREND_SECONDS,
    )


# a term query on the Terms page stops starting new terms after this long (the page says which
# terms were left out)
TREND_SECONDS = 8.0


def term_trend(flt: SpeechFilter, *, terms: tuple[str, ...], period: str) -> pd.DataFrame:
    """Return the uses of terms per 10,000 words by period in the selected speeches (terms not
    reached within `TREND_SECONDS` are left out)."""
    key = corpus_key()
    return _term_trend(key.url, key.version, filter_key(flt), terms, period)


@st.cache_data(show_spinner=False, max_entries=32)
def _concordance(url: str, version: int, key: FilterKey, term: str, width: int) -> pd.DataFrame:
    return concordance(
        _texts(url, version, key),
        catalogue=_catalogue(url, version, key),
        term=term,
        width=width,
        limit=MAX_CONCORDANCE,
    )


def concordance_lines(flt: SpeechFilter, *, term: str, width: int) -> pd.DataFrame:
    """Return the uses of a term in context in the selected speeches (at most MAX_CONCORDANCE)."""
    key = corpus_key()
    return _concordance(key.url, key.version, filter_key(flt), term, width)


# the Speech page never waits longer than this for the figures of the speech it shows
SPEECH_PAGE_SECONDS = 1.5


@st.cache_data(show_spinner=False, max_entries=256)
def _speech_quantities(url: str, version: int, speech_id: str) -> tuple[pd.DataFrame, int | None]:
    found = _speech(url, version, speech_id)
    figures, cut_at = extract_within(
        found.text,
        seconds=SPEECH_PAGE_SECONDS,
        speech_id=found.speech_id,
        delivered_on=found.delivered_on,
        country=found.country,
    )
    return quantities_table(figures, found.delivered_on), cut_at


def speech_quantities(speech_id: str) -> pd.DataFrame:
    """Return the cited figures of one speech, columns `QUANTITY_COLUMNS`."""
    key = corpus_key()
    return _speech_quantities(key.url, key.version, speech_id)[0]


def speech_figures_cut_at(speech_id: str) -> int | None:
    """Return where reading a speech's figures stopped for lack of time (None: read whole)."""
    key = corpus_key()
    return _speech_quantities(key.url, key.version, speech_id)[1]


@st.cache_data(show_spinner=False, max_entries=256)
def _speech_organisations(url: str, version: int, speech_id: str) -> pd.DataFrame:
    mentions = find_organisations(_speech(url, version, speech_id).text)
    return pd.DataFrame(
        [(m.entity, m.surface, m.start, m.end) for m in mentions],
        columns=["organisation", "as_written", "start", "end"],
    )


def speech_organisations(speech_id: str) -> pd.DataFrame:
    """Return the organisation mentions of one speech: organisation, as_written, start, end."""
    key = corpus_key()
    return _speech_organisations(key.url, key.version, speech_id)


def themes() -> ThemeModelState | None:
    """Return the current themes with the mix of every speech, or None when none are fitted.

    Never fits: new speeches are scored with the stored model (shared: do not modify).
    """
    derived, snapshot = _derived()
    return derived.themes(snapshot)


@st.cache_data(show_spinner=False, max_entries=8)
def _speaker_merges(
    url: str, version: int
) -> tuple[dict[str, str], list[tuple[str, str]], list[list[str]]]:
    frame = _catalogue(url, version, _NO_FILTER)
    store = _store_for(url)
    shown = frame["speaker"].unique().tolist()
    return dict(store.speaker_names().merges), store.speaker_merges(), likely_variants(shown)


def speaker_merges() -> tuple[list[tuple[str, str]], list[list[str]]]:
    """Return the user's merges (each merged name with the speaker it is shown as) and the
    names shown that are likely one person (kept per corpus version: a tenth of a second on
    the UN corpus)."""
    key = corpus_key()
    return _speaker_merges(key.url, key.version)[1:]


def shown_speaker(stored: str) -> str:
    """Return the name shown for a stored speaker: tidied, with the user's merges."""
    key = corpus_key()
    return SpeakerNames(_speaker_merges(key.url, key.version)[0]).shown(stored)


def theme_mix(speech_ids: list[str]) -> pd.DataFrame | None:
    """Return the theme mix of speeches (speech_id, theme, label, share), or None without themes."""
    found = themes()
    if found is None:
        return None
    long = found.mix_long(speech_ids)
    long["label"] = long["theme"].map(found.labels)
    return long[["speech_id", "theme", "label", "share"]]


# -- results of whole page parts -----------------------------------------------------------


@st.cache_resource(show_spinner=False, max_entries=64)
def _memo(
    url: str, version: int, ready: tuple[bool, bool], name: str, key: tuple,
    _build: Callable[..., T], _args: tuple,
) -> T:  # fmt: skip
    return _build(*_args)


def memo(name: str, build: Callable[..., T], *args: object) -> T:
    """Return `build(*args)`, kept per database, corpus version and `args` (shared by sessions:
    read-only), and made again once the term counts or the figures it may read become ready.

    For the parts of a page made of several cached results (a comparison, a speech's neighbours):
    redrawing them then costs nothing. `args` are the page's parameters a result depends on
    besides the corpus: filters (`SpeechFilter`) and hashable values.
    """
    key = CorpusKey(get_store().url, corpus_version())
    derived = _derived_for(key.url)
    ready = derived.ready(_snapshot(key.url, key.version))
    params = tuple(filter_key(a) if isinstance(a, SpeechFilter) else a for a in args)
    return _memo(key.url, key.version, ready, name, params, build, args)

"""Themes kept in the database: the fitted model, each speech's mix, stable theme numbers and labels.

The dashboard and the command line both call these functions, so a page never refits on load
and two servers on one database see the same themes. Theme numbers are small integers that
stay with a meaning: a new speech is scored with the current model (no refit); a refit, asked
for or automatic once the corpus holds 25% more words than at the last fit (about 25% more
passages), keeps the number of themes and matches new themes to old ones by their term
vectors (Hungarian matching on cosine similarity), so numbers and user labels carry over.
Corpora above `topics.OUT_OF_CORE_WORDS` words are fitted out of core: speeches are read from
the store in pages of `stream.BATCH_SPEECHES` and no passage counts are stored; the
model, the mix and the matching of a refit are the same on both paths.

Example:
    >>> state = current_themes(store)
    >>> state.themes()                      # theme, label, terms
    >>> set_label(store, 2, "Eurasian integration")
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from corpus.records import SpeechFilter
from corpus.store import CorpusStore, Writes
from models.errors import ModelError, StopTermError, UnknownThemeError
from models.progress import step
from models.themes.quality import cosine_matrix
from models.themes.stream import speech_batches
from models.themes.terms import normalise_stop_term, speech_cells
from models.themes.topics import TopicModel
from models.themes.vectorize import PassageCounts

Target = CorpusStore | Writes  # where the helpers below read and write: the store or a transaction
LABEL_KIND = "theme_label"
MODEL_ARTIFACT = "themes/model"
MIX_ARTIFACT = "themes/mix"
FIT_ID_ARTIFACT = "themes/fit_id"
COUNTS_ARTIFACT = (
    "themes/passage_counts"  # term counts per passage, so refits tokenise new speeches only
)
THEMES_LOCK = "speechtrack:themes"  # refits, restores and label saves take turns under it
HISTORY_ARTIFACT = "themes/history"  # the earlier fits that can be restored, newest first
HISTORY_SLOTS = 5
STOP_KIND = "theme_stop_term"
MAX_STOP_TERMS = 500
MAX_STOP_TERM_CHARS = 60
REFIT_GROWTH = 0.25
SAME_THEME = 0.5  # cosine similarity of term vectors above which a refitted theme keeps its meaning
RELATED_THEME = 0.3  # similarity above which an old and a new theme share part of their meaning
CHANGE_COLUMNS = ["theme", "status", "related", "similarity", "label_before", "label_after",
                  "terms_before", "terms_after", "label_dropped"]  # fmt: skip
PERIODS = {"year": "Y", "quarter": "Q", "month": "M"}


@dataclass(frozen=True, slots=True, kw_only=True)
class ThemeModelState:
    """The current themes of a corpus and the theme mix of every stored speech.

    Attributes:
        model: the fitted model (treat it as read-only).
        theme_ids: the theme number of each model component, in component order.
        fit_id: changes with every fit; equal on every server reading the same database.
        mix: shares per speech, indexed by speech_id, one column per theme number.
        labels: the label of each theme number (a user's label wins over the top terms).
        user_labelled: theme numbers whose label a user set.
        n_words_at_fit: words of the corpus the model was fitted on.
        n_changed: themes whose meaning changed at the refit that made this model (None
            after a first fit).
        dropped_labels: user labels removed at that refit because their theme changed.
        fitted_now: whether this call fitted the model.
        changes: what the refit that made this model changed, one row per theme (`CHANGE_COLUMNS`;
            status kept, changed, split, merged, new or gone); empty after a first fit.
        boilerplate: the terms kept out of the themes and why (`terms`).
        quality: coherence and stability per number of themes tried (empty when the number
            was given).
        stop_terms: the user's stop terms the model was fitted with.
        fitted_at: when the model was fitted (ISO 8601, UTC; "" for models of older versions).
        fit_reason: why: "first fit", "asked for", or automatic with the corpus's growth.
        language: the ISO 639-1 language the themes were fitted on (`fit_language`); speeches
            in other languages were left out of the fit (`left_out_speeches`).
    """

    model: TopicModel
    theme_ids: tuple[int, ...]
    fit_id: str
    mix: pd.DataFrame
    labels: dict[int, str]
    user_labelled: frozenset[int] = frozenset()
    n_words_at_fit: int = 0
    n_changed: int | None = None
    dropped_labels: dict[int, str] = field(default_factory=dict)
    fitted_now: bool = False
    changes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CHANGE_COLUMNS))
    boilerplate: dict[str, str] = field(default_factory=dict)
    quality: list[dict[str, float]] = field(default_factory=list)
    stop_terms: tuple[str, ...] = ()
    fitted_at: str = ""
    fit_reason: str = ""
    language: str = "en"

    def top_terms(self, n: int = 10) -> pd.DataFrame:
        """Return each theme's heaviest terms: columns theme, rank, term, weight."""
        terms = self.model.top_terms(n=n)
        ids = np.asarray(self.theme_ids)
        out = terms.assign(theme=ids[terms["topic"].to_numpy()])
        return out[["theme", "rank", "term", "weight"]].sort_values(
            ["theme", "rank"], ignore_index=True
        )

    def themes(self, n_terms: int = 10) -> pd.DataFrame:
        """Return one row per theme: columns theme, label, terms (top terms joined by ", ")."""
        terms = self.top_terms(n=n_terms).groupby("theme")["term"].agg(", ".join)
        rows = [(t, self.labels[t], terms.get(t, "")) for t in sorted(self.theme_ids)]
        return pd.DataFrame(rows, columns=["theme", "label", "terms"])

    def mix_long(self, speech_ids: Iterable[str] | None = None) -> pd.DataFrame:
        """Return the mix as a tidy frame: columns speech_id, theme, share.

        Args:
            speech_ids: only these speeches (those without a mix are left out); None: every one.
        """
        mix = self.mix
        if speech_ids is not None:
            # a column of ids is taken whole: walking Arrow-backed strings one by one took
            # 20 ms for the UN corpus
            whole = isinstance(speech_ids, pd.Series | pd.Index | np.ndarray)
            mix = mix.loc[
                mix.index.intersection(pd.Index(speech_ids if whole else list(speech_ids)))
            ]
        # sorted as a wide table (one id per speech) and laid out row by row: sorting the long
        # table by its string ids cost twice as much on the 10,924-speech UN corpus
        mix = mix.sort_index()
        themes = mix.columns.to_numpy().astype(np.int64)
        order = np.argsort(themes, kind="stable")
        shares = mix.to_numpy(dtype="float64")[:, order]
        return pd.DataFrame(
            {
                "speech_id": mix.index.repeat(len(order)).rename(None),
                "theme": np.tile(themes[order], len(mix)),
                "share": shares.ravel(),
            }
        )


def current_themes(
    store: CorpusStore,
    *,
    n_topics: int | None = None,
    refit: bool = False,
    out_of_core: bool | None = None,
) -> ThemeModelState:
    """Return the stored themes, fitting, refitting or scoring new speeches only when needed.

    Args:
        store: the corpus.
        n_topics: the number of themes; None keeps the current number (chosen from the
            data at the first fit). A number different from the current one refits.
        refit: refit now even if the corpus has not grown past the threshold.
        out_of_core: for a fit, True streams the corpus in batches, False counts it in
            memory, None chooses by size (`topics.OUT_OF_CORE_WORDS`).

    Returns:
        The themes and the mix of every stored speech.

    Raises:
        NotEnoughTextError: when the corpus is too small for themes.
    """
    saved = _load_model(store)
    catalogue = store.catalogue(SpeechFilter())
    n_words = int(catalogue["n_words"].sum())
    if saved is None:
        return _fit(
            store,
            n_topics=n_topics,
            n_words=n_words,
            previous=None,
            out_of_core=out_of_core,
            reason="first fit",
        )
    model, theme_ids, info = saved
    grown = n_words >= (1 + REFIT_GROWTH) * info["n_words_at_fit"]
    other_k = n_topics is not None and n_topics != model.n_topics_
    if refit or grown or other_k:
        if refit or other_k:
            reason = "asked for"
        else:
            growth = n_words / max(1, info["n_words_at_fit"]) - 1
            reason = f"automatic: the corpus grew by {growth:.0%} since the last fit"
        return _fit(
            store,
            n_topics=n_topics,
            n_words=n_words,
            previous=saved,
            out_of_core=out_of_core,
            reason=reason,
        )
    mix = _sync_mix(
        store, model, theme_ids, info["fit_id"], pd.Index(catalogue["speech_id"], dtype=object)
    )
    return _state(store, model, theme_ids, info, mix)


def stored_themes(
    store: CorpusStore, *, speech_ids: Iterable[str] | None = None
) -> ThemeModelState | None:
    """Return the stored themes without ever fitting (None when none are fitted yet).

    New speeches are scored with the stored model and removed ones dropped from the mix,
    even when the corpus has grown past the refit threshold: pages call this on load.

    Args:
        store: the corpus.
        speech_ids: every speech of the corpus now, in catalogue order, when the caller has
            them at hand (reading them again is most of the time taken on a large corpus).
    """
    saved = _load_model(store)
    if saved is None:
        return None
    model, theme_ids, info = saved
    ids = pd.Index(
        store.catalogue(SpeechFilter())["speech_id"] if speech_ids is None else speech_ids,
        dtype=object,
    )
    mix = _sync_mix(store, model, theme_ids, info["fit_id"], ids)
    return _state(store, model, theme_ids, info, mix)


def theme_mix(store: CorpusStore, flt: SpeechFilter | None = None) -> pd.DataFrame:
    """Return the theme mix of the speeches a filter selects: columns speech_id, theme, share.

    Uses the stored themes (fitting only when none are stored), never refits on its own.
    """
    state = stored_themes(store) or current_themes(store)
    return state.mix_long(store.catalogue(flt or SpeechFilter())["speech_id"])


def score_new(store: CorpusStore, speech_ids: list[str]) -> pd.DataFrame:
    """Score speeches with the current model at once (no refit) and store their mix.

    Returns:
        Columns speech_id, theme, share for the given speeches.
    """
    saved = _load_model(store)
    if saved is None:
        return current_themes(store).mix_long(speech_ids)
    model, theme_ids, info = saved
    mix = _load_mix(store, info["fit_id"], theme_ids)
    texts = store.texts(SpeechFilter(speech_ids=frozenset(speech_ids)))
    scored = _score(model, theme_ids, texts, store.languages())
    mix = pd.concat([mix.drop(index=scored.index, errors="ignore"), scored])
    _save_mix(store, info["fit_id"], mix)
    state = _state(store, model, theme_ids, info, scored)
    return state.mix_long()


def set_label(store: CorpusStore, theme: int, label: str) -> None:
    """Give a theme a user's label (an empty label goes back to the top terms).

    Raises:
        UnknownThemeError: when no theme has that number.
    """

    def work(tx: Writes) -> None:
        # under the themes lock: the number is checked against the model the label lands on
        saved = _load_model(tx)
        ids = saved[1] if saved is not None else ()
        if theme not in ids:
            known = ", ".join(str(i) for i in sorted(ids)) or "none yet"
            raise UnknownThemeError(
                f"No theme has the number {theme}; the themes are {known}. "
                "Run `speechtrack themes` to list them."
            )
        if label.strip():
            tx.put_annotation(LABEL_KIND, str(theme), {"label": label.strip()})
        else:
            tx.delete_annotation(LABEL_KIND, str(theme))

    store.transaction(work, lock=THEMES_LOCK)


def themes_over_time(
    catalogue: pd.DataFrame, mix: pd.DataFrame, *, period: str = "year"
) -> pd.DataFrame:
    """Return theme shares by period with the number of speeches behind each point.

    Filter speeches upstream (`store.catalogue(flt)`); speeches without a mix are left out.
    A speech dated only to the year falls in the first month or quarter of its year.

    Args:
        catalogue: speeches with columns speech_id and date (datetime64).
        mix: the tidy mix, columns speech_id, theme, share.
        period: "year", "quarter" or "month".

    Returns:
        Columns period (datetime64, the first day), theme, share (mean over the period's
        speeches), n_speeches; sorted by period and theme.
    """
    if period not in PERIODS:
        raise ModelError(f"Unknown period {period!r}; use one of {', '.join(PERIODS)}.")
    dated = catalogue[["speech_id", "date"]].dropna().drop_duplicates("speech_id")
    starts = dated["date"].dt.to_period(PERIODS[period]).dt.start_time.to_numpy("datetime64[ns]")
    periods, period_of_speech = np.unique(starts, return_inverse=True)
    # each speech is looked up once, not once per theme: joining the long mix to the dates by
    # string id took most of the Themes page's run after an upload
    codes, speeches = pd.factorize(mix["speech_id"])
    where = pd.Index(dated["speech_id"]).get_indexer(speeches)[codes]
    dated_rows = where >= 0
    theme_codes, themes = pd.factorize(mix["theme"].to_numpy()[dated_rows], sort=True)
    share = mix["share"].to_numpy(dtype="float64")[dated_rows]
    group = period_of_speech[where[dated_rows]].astype(np.int64) * len(themes) + theme_codes
    n_groups = len(periods) * len(themes)
    scored = ~np.isnan(share)  # a mean over the speeches with a share, as pandas takes it
    sums = np.bincount(group[scored], weights=share[scored], minlength=n_groups)
    counts = np.bincount(group[scored], minlength=n_groups)
    first = ~pd.Series(group * len(speeches) + codes[dated_rows]).duplicated().to_numpy()
    n_speeches = np.bincount(group[first], minlength=n_groups)
    present = n_speeches > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        means = sums / counts
    return pd.DataFrame(
        {
            "period": np.repeat(periods, len(themes))[present],
            "theme": np.tile(np.asarray(themes, dtype=np.int64), len(periods))[present],
            "share": means[present],
            "n_speeches": n_speeches[present].astype(np.int64),
        }
    )


# -- fitting and matching ---------------------------------------------------------------


def _fit(
    store: CorpusStore,
    *,
    n_topics: int | None,
    n_words: int,
    previous: tuple[TopicModel, tuple[int, ...], dict[str, Any]] | None,
    out_of_core: bool | None = None,
    reason: str = "asked for",
) -> ThemeModelState:
    stops = tuple(stop_terms(store))
    catalogue = store.catalogue(SpeechFilter())
    language = fit_language(catalogue)
    if previous is None:
        model = TopicModel(
            n_topics=n_topics, out_of_core=out_of_core, stop_terms=stops, language=language
        )
    else:
        params = previous[0].get_params()
        model = TopicModel(
            **{
                **params,
                "n_topics": n_topics or previous[0].n_topics_,
                "out_of_core": out_of_core,
                "stop_terms": stops,
                "language": language,
            }
        )
    all_ids = pd.Index(catalogue["speech_id"], name="speech_id")
    # one language's words per fit: the speeches in others are left out (`left_out_speeches`)
    catalogue = catalogue[_languages(catalogue) == language]
    speech_ids = pd.Index(catalogue["speech_id"], name="speech_id")
    fit_words = int(catalogue["n_words"].sum())
    cells = speech_cells(catalogue)
    step(
        "themes (%s): counting terms in %s speeches, %s words",
        reason,
        f"{len(speech_ids):,}",
        f"{fit_words:,}",
    )
    if model.is_out_of_core(fit_words):
        # Large corpora: one page of speeches in memory at a time, no stored counts.
        pages = speech_batches(speech_ids, random_state=model.random_state)
        batches = (store.texts(SpeechFilter(speech_ids=frozenset(page))) for page in pages)
        mix = model.fit_stream(batches, n_words=fit_words, cells=cells)
        weights = mix.reindex(speech_ids, fill_value=0.0).to_numpy()
    else:
        counts = _current_counts(store, model, speech_ids, n_words=fit_words)
        weights = model.fit_counts(counts, speech_ids, cells=cells)
    if previous is not None and not model.selection_:
        # the number of themes was kept or given: the table of the last automatic choice stays,
        # for people choosing another number
        model.selection_ = previous[0].selection_
    payload = model.to_bytes()
    fit_id = hashlib.sha256(payload).hexdigest()[:16]

    def commit(tx: Writes) -> tuple[tuple[int, ...], dict[str, Any], pd.DataFrame]:
        # One transaction, under the themes lock: a label saved meanwhile or another server's
        # refit is either before it or after it, never between its writes. When another fit
        # landed while this one was computed, the new themes are matched against that one.
        base = _load_model(tx)
        if previous is not None and base is None:
            base = previous
        changes = pd.DataFrame(columns=CHANGE_COLUMNS)
        if base is None:
            theme_ids: tuple[int, ...] = tuple(range(model.n_topics_))
            n_changed, dropped = None, {}
        else:
            theme_ids, changed = _match_ids(base[0], base[1], model)
            n_changed = len(changed)
            old_labels = _labels(tx, base[0], base[1])
            _remember(tx, base, old_labels)
            dropped = _drop_labels(tx, changed | (set(base[1]) - set(theme_ids)))
            changes = refit_changes(
                (base[0], base[1], old_labels),
                (model, theme_ids, _labels(tx, model, theme_ids)),
                dropped,
            )
        info: dict[str, Any] = {
            "fit_id": fit_id,
            "n_words_at_fit": n_words,
            "n_changed": n_changed,
            "dropped_labels": {str(k): v for k, v in dropped.items()},
            "changes": changes.to_dict(orient="records"),
            "fitted_at": pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds"),
            "reason": reason,
        }
        _save_model(tx, payload, theme_ids, info)
        mix = pd.DataFrame(weights, index=speech_ids, columns=list(theme_ids))
        # speeches left out of the fit have no share in any theme
        mix = mix.reindex(all_ids, fill_value=0.0)
        _save_mix(tx, fit_id, mix, changes_results=True)
        return theme_ids, info, mix

    step("storing the themes and each speech's mix")
    theme_ids, info, mix = store.transaction(commit, lock=THEMES_LOCK)
    return _state(store, model, theme_ids, info, mix, fitted_now=True)


def fit_language(catalogue: pd.DataFrame) -> str:
    """The language themes are fitted on: the one most speeches are in (then most words).

    Words of different languages never share a theme (a Russian and an English speech on the
    same subject have no term in common), so one model over both would only split them by
    language. The corpus's main language is fitted; the others are left out and named
    (`left_out_speeches`).
    """
    if catalogue.empty:
        return "en"
    sizes = (
        catalogue.assign(language=_languages(catalogue))
        .groupby("language")
        .agg(n=("speech_id", "size"), words=("n_words", "sum"))
        .reset_index()
        .sort_values(["n", "words", "language"], ascending=[False, False, True])
    )
    return str(sizes["language"].iloc[0])


def left_out_speeches(state: ThemeModelState, catalogue: pd.DataFrame) -> pd.DataFrame:
    """The speeches of `catalogue` that the themes leave out, because of their language.

    Returns:
        Columns speech_id, title, language and reason, one row per speech not in the themes'
        language (empty when every speech is in it). Their theme shares are zero.
    """
    columns = ["speech_id", "title", "language", "reason"]
    languages = _languages(catalogue)
    other = catalogue.loc[languages != state.language, ["speech_id", "title"]].assign(
        language=languages[languages != state.language]
    )
    if other.empty:
        return pd.DataFrame(columns=columns)
    n_fitted = int((languages == state.language).sum())
    reason = other["language"].map(
        lambda code: (
            f"in {code!r}; the themes are fitted on the {n_fitted} speeches in "
            f"{state.language!r}, the language most speeches are in, and words of two "
            "languages share no theme"
        )
    )
    return other.assign(reason=reason)[columns].reset_index(drop=True)


def in_themes_language(state: ThemeModelState, catalogue: pd.DataFrame) -> pd.Series:
    """Whether each speech of `catalogue` is in the language the themes were fitted on."""
    return _languages(catalogue) == state.language


def _languages(catalogue: pd.DataFrame) -> pd.Series:
    """Each speech's language, "en" where none is stored."""
    if "language" not in catalogue.columns:
        return pd.Series("en", index=catalogue.index, dtype=object)
    return catalogue["language"].fillna("").replace("", "en").astype(object)


def _labels(store: Target, model: TopicModel, theme_ids: tuple[int, ...]) -> dict[int, str]:
    """Each theme's label: the user's where set, else the model's own."""
    annotations = store.annotations(LABEL_KIND)
    labels = dict(zip(theme_ids, model.default_labels(), strict=True))
    labels.update(
        {t: str(annotations[str(t)]["label"]) for t in theme_ids if str(t) in annotations}
    )
    return labels


def refit_changes(
    before: tuple[TopicModel, tuple[int, ...], dict[int, str]],
    after: tuple[TopicModel, tuple[int, ...], dict[int, str]],
    dropped: dict[int, str],
) -> pd.DataFrame:
    """Say what a refit changed, by the overlap of the themes' term weights.

    Each pair of an old and a new theme is compared by the cosine similarity of their term
    weights. A new theme that matches one old theme at `SAME_THEME` or more and shares part of
    its meaning (`RELATED_THEME`) with no other is **kept**; an old theme whose meaning went to
    two or more new themes was **split**; a new theme holding the meaning of two or more old
    ones **merged** them; a theme with its number but less of its meaning **changed**; a new
    theme related to no old one is **new**, and an old theme related to no new one is **gone**.

    Returns:
        One row per theme (`CHANGE_COLUMNS`): its number (the old number for a gone theme),
        status, the related themes' numbers on the other side ("split into 4, 7"), the
        similarity to its matched theme, labels and top terms before and after, and the user
        label dropped because the theme did not keep its meaning.
    """
    old, old_ids, old_labels = before
    new, new_ids, new_labels = after
    sim, rows, cols = _theme_similarity(old, new)
    match_of_new = dict(zip(cols.tolist(), rows.tolist(), strict=True))
    old_terms = _terms_by_theme(old, old_ids)
    new_terms = _terms_by_theme(new, new_ids)
    related = sim >= RELATED_THEME
    out = []
    for c, theme in enumerate(new_ids):
        r = match_of_new.get(c)
        sources = [old_ids[i] for i in np.flatnonzero(related[:, c])]
        if len(sources) > 1:
            status, others = "merged", f"merged from {', '.join(map(str, sources))}"
        elif r is not None and related[r].sum() > 1:
            targets = [new_ids[j] for j in np.flatnonzero(related[r])]
            status, others = (
                "split",
                f"split from {old_ids[r]} with {', '.join(str(t) for t in targets if t != theme)}",
            )
        elif r is not None and sim[r, c] >= SAME_THEME:
            status, others = "kept", ""
        elif r is not None and sim[r, c] >= RELATED_THEME:
            status, others = "changed", ""
        elif sources:
            # no old theme of its own, but part of one: a piece split off
            status, others = "split", f"split from {sources[0]}"
            r = int(np.flatnonzero(related[:, c])[0])
        else:
            status, others = "new", ""
        was = old_ids[r] if r is not None and related[r, c] else None
        out.append(
            {
                "theme": int(theme),
                "status": status,
                "related": others,
                "similarity": round(float(sim[r, c]), 3) if r is not None else 0.0,
                "label_before": old_labels.get(was, "") if was is not None else "",
                "label_after": new_labels.get(theme, ""),
                "terms_before": old_terms.get(was, "") if was is not None else "",
                "terms_after": new_terms.get(theme, ""),
                "label_dropped": dropped.get(int(theme), ""),
            }
        )
    for r, theme in enumerate(old_ids):
        if not related[r].any():
            out.append(
                {
                    "theme": int(theme),
                    "status": "gone",
                    "related": "",
                    "similarity": round(float(sim[r].max()), 3) if sim.shape[1] else 0.0,
                    "label_before": old_labels.get(theme, ""),
                    "label_after": "",
                    "terms_before": old_terms.get(theme, ""),
                    "terms_after": "",
                    "label_dropped": dropped.get(int(theme), "") if theme not in new_ids else "",
                }
            )
    return pd.DataFrame(out, columns=CHANGE_COLUMNS).sort_values("theme", ignore_index=True)


def _terms_by_theme(model: TopicModel, theme_ids: tuple[int, ...], n: int = 8) -> dict[int, str]:
    terms = model.top_terms(n=n)
    joined = terms.groupby("topic")["term"].agg(", ".join)
    return {theme_ids[int(topic)]: text for topic, text in joined.items()}


def speech_outline(
    speech_id: str, text: str, language: str = "en"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the themes of one speech's passages and its key terms (nothing is stored).

    What a corpus of one speech can show: themes fitted on its own passages, and the terms that
    carry most weight across them as those themes rebuild their TF-IDF.

    Returns:
        Themes (label, share, terms), heaviest first, and key terms (term, weight relative to the
        first), 15 at most.

    Raises:
        NotEnoughTextError, EmptyVocabularyError: the speech is too short for themes.
    """
    model = TopicModel(language=language)
    mix = model.fit_transform(pd.Series([text], index=[speech_id]))[0]
    terms = _terms_by_theme(model, tuple(range(model.n_topics_)))
    themes = pd.DataFrame(
        {
            "label": model.default_labels(),
            "share": mix.round(3),
            "terms": [terms.get(t, "") for t in range(model.n_topics_)],
        }
    ).sort_values("share", ascending=False, ignore_index=True)
    weight = mix @ model.components_
    top = np.argsort(-weight, kind="stable")[:15]
    key_terms = pd.DataFrame(
        {"term": model.terms_[top].astype(str), "weight": (weight[top] / weight[top[0]]).round(3)}
    )
    return themes, key_terms


# -- stop terms and earlier fits ------------------------------------------------------------


def stop_terms(store: CorpusStore) -> list[str]:
    """Return the user's stop terms, sorted (applied at the next fit)."""
    return sorted(store.annotations(STOP_KIND))


def add_stop_terms(store: CorpusStore, terms: Iterable[str]) -> list[str]:
    """Store stop terms for the next fit; return those newly added, as they will be matched.

    Raises:
        StopTermError: for an empty or over-long term, or more than `MAX_STOP_TERMS` in all.
    """
    wanted = []
    for term in terms:
        folded = normalise_stop_term(str(term))
        if not folded or not any(ch.isalpha() for ch in folded):
            raise StopTermError(
                f"The stop term {str(term)!r} has no word in it; give a word or a phrase."
            )
        if len(folded) > MAX_STOP_TERM_CHARS:
            raise StopTermError(
                f"A stop term may have at most {MAX_STOP_TERM_CHARS} characters; "
                f"{str(term)[:20]!r}... has {len(folded)}."
            )
        wanted.append(folded)
    have = set(stop_terms(store))
    new = sorted(set(wanted) - have)
    if len(have) + len(new) > MAX_STOP_TERMS:
        raise StopTermError(
            f"At most {MAX_STOP_TERMS} stop terms are kept; remove some before adding more."
        )
    for term in new:
        store.put_annotation(STOP_KIND, term, {"term": term})
    return new


def remove_stop_terms(store: CorpusStore, terms: Iterable[str]) -> list[str]:
    """Remove stop terms (from the next fit on); return those that were there."""
    have = set(stop_terms(store))
    gone = sorted({normalise_stop_term(str(t)) for t in terms} & have)
    for term in gone:
        store.delete_annotation(STOP_KIND, term)
    return gone


def earlier_fits(store: Target) -> list[dict[str, Any]]:
    """Return the earlier fits kept for restoring, newest first: fit_id, fitted_at, n_themes,
    n_words_at_fit, labels (theme number -> label at the time)."""
    payload = store.get_artifact(HISTORY_ARTIFACT)
    return [] if payload is None else list(json.loads(payload.decode()))


def _remember(
    store: Target,
    fit: tuple[TopicModel, tuple[int, ...], dict[str, Any]],
    labels: dict[int, str],
) -> None:
    """Keep a fit about to be replaced, in one of `HISTORY_SLOTS` slots (the oldest is reused)."""
    model, theme_ids, info = fit
    history = earlier_fits(store)
    used = {entry["slot"] for entry in history}
    free = [slot for slot in range(HISTORY_SLOTS) if slot not in used]
    slot = free[0] if free else history[-1]["slot"]
    history = [e for e in history if e["slot"] != slot and e["fit_id"] != info["fit_id"]]
    buffer = io.BytesIO()
    np.savez(
        buffer,
        model=np.frombuffer(model.to_bytes(), dtype=np.uint8),
        theme_ids=np.asarray(theme_ids, dtype=np.int64),
        info=np.asarray(json.dumps(info)),
    )
    store.put_artifact(f"{HISTORY_ARTIFACT}/{slot}", buffer.getvalue())
    entry = {
        "slot": slot,
        "fit_id": str(info["fit_id"]),
        "fitted_at": info.get("fitted_at", ""),
        "n_themes": len(theme_ids),
        "n_words_at_fit": int(info["n_words_at_fit"]),
        "labels": {str(t): labels.get(t, "") for t in theme_ids},
    }
    store.put_artifact(HISTORY_ARTIFACT, json.dumps([entry, *history]).encode())


def restore_fit(store: CorpusStore, fit_id: str | None = None) -> ThemeModelState:
    """Make an earlier fit current again (the latest earlier one when `fit_id` is None).

    The current fit is kept among the earlier ones, so a restore can be undone; user labels of
    the restored fit come back; every speech is scored with it; it is not refitted before the
    corpus grows by `REFIT_GROWTH` from now.

    Raises:
        ModelError: when no earlier fit is kept (or none has that id).
    """
    history = earlier_fits(store)
    entry = next((e for e in history if fit_id in (None, e["fit_id"])), None)
    if entry is None:
        raise ModelError(
            "No earlier theme model is kept to restore"
            + (f" with the id {fit_id!r}" if fit_id else "")
            + "; earlier models are kept from the next refit on."
        )
    payload = store.get_artifact(f"{HISTORY_ARTIFACT}/{entry['slot']}")
    if payload is None:
        raise ModelError("The earlier theme model is missing from the database; refit instead.")
    with np.load(io.BytesIO(payload), allow_pickle=False) as arrays:
        model = TopicModel.from_bytes(arrays["model"].tobytes())
        theme_ids = tuple(int(i) for i in arrays["theme_ids"])
        info = json.loads(str(arrays["info"]))
    n_words = int(store.catalogue(SpeechFilter())["n_words"].sum())
    info = {**info, "n_words_at_fit": n_words, "n_changed": None, "dropped_labels": {},
            "changes": []}  # fmt: skip
    defaults = dict(zip(theme_ids, model.default_labels(), strict=True))

    def swap(tx: Writes) -> None:
        # the current model into the history, the earlier one and its labels back: one change
        current = _load_model(tx)
        if current is not None:
            _remember(tx, current, _labels(tx, current[0], current[1]))
        history = [e for e in earlier_fits(tx) if e["fit_id"] != entry["fit_id"]]
        tx.put_artifact(HISTORY_ARTIFACT, json.dumps(history).encode())
        for key in tx.annotations(LABEL_KIND):
            tx.delete_annotation(LABEL_KIND, key)
        for theme, label in entry["labels"].items():
            if label and label != defaults.get(int(theme)):
                tx.put_annotation(LABEL_KIND, str(theme), {"label": label})
        _save_model(tx, model.to_bytes(), theme_ids, info)

    store.transaction(swap, lock=THEMES_LOCK)
    ids = pd.Index(store.catalogue(SpeechFilter())["speech_id"], dtype=object)
    mix = _sync_mix(store, model, theme_ids, str(info["fit_id"]), ids)
    return _state(store, model, theme_ids, info, mix, fitted_now=True)


MAX_MODEL_UNPACKED_BYTES = 400 * 1024 * 1024


def accept_backup_artifact(name: str, payload: bytes) -> bool:
    """Whether a restore may take an artifact from a backup: only the current theme model, and
    only when it unpacks within bounds, loads without pickle and has a number for every theme,
    so that the restored theme labels keep their themes. Everything else a backup holds is
    derived from the speeches and made again."""
    if name != MODEL_ARTIFACT:
        return False

    def too_large(packed: bytes) -> bool:  # an .npz is a ZIP: its declared sizes, unread
        with zipfile.ZipFile(io.BytesIO(packed)) as archive:
            return sum(i.file_size for i in archive.infolist()) > MAX_MODEL_UNPACKED_BYTES

    try:
        if too_large(payload):
            return False
        with np.load(io.BytesIO(payload), allow_pickle=False) as arrays:
            inner = arrays["model"].tobytes()
            theme_ids = [int(i) for i in arrays["theme_ids"]]
            info = json.loads(str(arrays["info"]))
        if too_large(inner):
            return False
        model = TopicModel.from_bytes(inner)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, ModelError):
        return False
    return (
        isinstance(info, dict)
        and isinstance(info.get("fit_id"), str)
        and isinstance(info.get("n_words_at_fit"), int)
        and len(theme_ids) == model.n_topics_ == len(set(theme_ids))
        and model.components_.shape == (model.n_topics_, len(model.terms_))
    )


def _current_counts(
    store: CorpusStore, model: TopicModel, speech_ids: pd.Index, *, n_words: int
) -> PassageCounts:
    """Return the passage counts of the corpus, tokenising only speeches not counted before."""
    settings = (
        model.ngram_range_for(n_words),
        model.min_passage_words,
        model.max_passage_words,
        model.language,
    )
    payload = store.get_artifact(COUNTS_ARTIFACT)
    cached = PassageCounts.from_bytes(payload) if payload is not None else None
    if cached is None or cached.settings() != settings:
        texts = store.texts(SpeechFilter())
        if len(texts) != len(speech_ids):  # speeches in other languages are left out
            texts = texts[texts.index.isin(speech_ids)]
        counts = model.count(texts)
    else:
        wanted = set(speech_ids)
        counted = set(cached.speech_ids)
        counts = cached.without(counted - wanted)
        missing = wanted - counted
        if missing:
            texts = store.texts(SpeechFilter(speech_ids=frozenset(missing)))
            # passages in corpus order, so that the same corpus gives the same fit
            counts = counts.combined(model.count(texts)).ordered(list(speech_ids))
        elif counted <= wanted:
            return counts
    store.put_artifact(COUNTS_ARTIFACT, counts.to_bytes())
    return counts


def _match_ids(
    old: TopicModel, old_ids: tuple[int, ...], new: TopicModel
) -> tuple[tuple[int, ...], set[int]]:
    """Give each new theme the number of its matched old theme; return the numbers that changed."""
    similarity, rows, cols = _theme_similarity(old, new)
    sims = similarity[rows, cols]
    related = similarity >= RELATED_THEME
    ids: list[int | None] = [None] * new.n_topics_
    changed: set[int] = set()
    for r, c, sim in zip(rows, cols, sims, strict=True):
        if sim < RELATED_THEME:
            continue  # nothing in common: the new theme gets a number of its own
        ids[c] = old_ids[r]
        # a theme keeps its meaning when it matches one theme closely and no other in part
        if sim < SAME_THEME or related[r].sum() > 1 or related[:, c].sum() > 1:
            changed.add(old_ids[r])
    free = (i for i in range(len(old_ids) + new.n_topics_) if i not in set(old_ids))
    for c, value in enumerate(ids):
        if value is None:
            fresh = next(free)
            ids[c] = fresh
            changed.add(fresh)
    return tuple(int(i) for i in ids if i is not None), changed


def _theme_similarity(
    old: TopicModel, new: TopicModel
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The cosine similarity of every old theme with every new one over the union of their
    terms, and the Hungarian matching on it: (similarity, old rows, new columns)."""
    terms = np.union1d(old.terms_.astype(str), new.terms_.astype(str))
    similarity = cosine_matrix(_on_terms(old, terms), _on_terms(new, terms))
    rows, cols = linear_sum_assignment(-similarity)
    return similarity, rows, cols


def _on_terms(model: TopicModel, terms: np.ndarray) -> np.ndarray:
    out = np.zeros((model.n_topics_, len(terms)))
    out[:, np.searchsorted(terms, model.terms_.astype(str))] = model.components_
    return out


def _drop_labels(store: Target, themes: set[int]) -> dict[int, str]:
    labels = store.annotations(LABEL_KIND)
    dropped = {}
    for theme in sorted(themes):
        if str(theme) in labels:
            dropped[theme] = str(labels[str(theme)].get("label", ""))
            store.delete_annotation(LABEL_KIND, str(theme))
    return dropped


def _score(
    model: TopicModel, theme_ids: tuple[int, ...], texts: pd.Series, languages: dict[str, str]
) -> pd.DataFrame:
    """Theme shares of new speeches; a speech not in the model's language has none (as at a fit:
    a French speech's "nations" and "conference" would otherwise give it English themes)."""
    if texts.empty:
        return pd.DataFrame(
            columns=list(theme_ids), index=pd.Index([], name="speech_id"), dtype=float
        )
    language = getattr(model, "language", "en") or "en"
    own = np.asarray([(languages.get(str(i)) or "en") == language for i in texts.index])
    values = np.zeros((len(texts), len(theme_ids)))
    if own.any():
        values[own] = model.transform(texts[own])
    return pd.DataFrame(values, index=texts.index.rename("speech_id"), columns=list(theme_ids))


def _sync_mix(
    store: CorpusStore,
    model: TopicModel,
    theme_ids: tuple[int, ...],
    fit_id: str,
    speech_ids: pd.Index,
) -> pd.DataFrame:
    """Bring the stored mix in line with the corpus: score new speeches, drop removed ones.

    The ids are compared as whole indexes: walking ten thousand Arrow-backed ids one by one in
    Python took a tenth of a second on every page's first run after an upload.
    """
    mix = _load_mix(store, fit_id, theme_ids)
    missing = speech_ids.difference(mix.index, sort=True)
    removed = mix.index.difference(speech_ids)
    if missing.empty and removed.empty:
        return mix.loc[speech_ids]
    if not missing.empty:
        texts = store.texts(SpeechFilter(speech_ids=frozenset(missing)))
        mix = pd.concat([mix, _score(model, theme_ids, texts, store.languages())])
    mix = mix.loc[speech_ids[speech_ids.isin(mix.index)]]
    _save_mix(store, fit_id, mix)
    return mix


def _state(
    store: CorpusStore,
    model: TopicModel,
    theme_ids: tuple[int, ...],
    info: dict[str, Any],
    mix: pd.DataFrame,
    *,
    fitted_now: bool = False,
) -> ThemeModelState:
    annotations = store.annotations(LABEL_KIND)
    user = {t: str(annotations[str(t)]["label"]) for t in theme_ids if str(t) in annotations}
    labels = {**dict(zip(theme_ids, model.default_labels(), strict=True)), **user}
    n_changed = info.get("n_changed")
    changes = pd.DataFrame(info.get("changes") or [], columns=CHANGE_COLUMNS)
    return ThemeModelState(
        model=model,
        theme_ids=theme_ids,
        fit_id=str(info["fit_id"]),
        mix=mix,
        labels=labels,
        user_labelled=frozenset(user),
        n_words_at_fit=int(info["n_words_at_fit"]),
        n_changed=None if n_changed is None else int(n_changed),
        dropped_labels={int(k): str(v) for k, v in (info.get("dropped_labels") or {}).items()},
        fitted_now=fitted_now,
        changes=changes,
        boilerplate=dict(getattr(model, "boilerplate_", {}) or {}),
        quality=list(model.selection_ or []),
        stop_terms=tuple(model.stop_terms),
        fitted_at=str(info.get("fitted_at", "")),
        fit_reason=str(info.get("reason", "")),
        language=str(getattr(model, "language", "en") or "en"),
    )


# -- artifacts (npz and JSON, no pickle) ---------------------------------------------------


def _save_model(
    store: Target, payload: bytes, theme_ids: tuple[int, ...], info: dict[str, Any]
) -> None:
    buffer = io.BytesIO()
    np.savez(
        buffer,
        model=np.frombuffer(payload, dtype=np.uint8),
        theme_ids=np.asarray(theme_ids, dtype=np.int64),
        info=np.asarray(json.dumps(info)),
    )
    store.put_artifact(MODEL_ARTIFACT, buffer.getvalue())
    # a new fit changes what every page and server shows: grow the corpus version
    store.put_artifact(FIT_ID_ARTIFACT, str(info["fit_id"]).encode(), changes_results=True)


def _load_model(
    store: Target,
) -> tuple[TopicModel, tuple[int, ...], dict[str, Any]] | None:
    payload = store.get_artifact(MODEL_ARTIFACT)
    if payload is None:
        return None
    with np.load(io.BytesIO(payload), allow_pickle=False) as arrays:
        model = TopicModel.from_bytes(arrays["model"].tobytes())
        theme_ids = tuple(int(i) for i in arrays["theme_ids"])
        info = json.loads(str(arrays["info"]))
    return model, theme_ids, info


def _save_mix(
    store: Target, fit_id: str, mix: pd.DataFrame, *, changes_results: bool = False
) -> None:
    """Store the mix of a fit.

    Scoring more speeches with the same model changes no result already shown, so it keeps the
    corpus version (pages would otherwise throw every cached table away after each upload); a new
    fit passes `changes_results`.
    """
    buffer = io.BytesIO()
    np.savez_compressed(
        buffer,
        fit_id=np.asarray(fit_id),
        speech_ids=np.asarray(mix.index, dtype=str),
        values=mix.to_numpy(dtype=np.float32),
    )
    store.put_artifact(MIX_ARTIFACT, buffer.getvalue(), changes_results=changes_results)


def _load_mix(store: Target, fit_id: str, theme_ids: tuple[int, ...]) -> pd.DataFrame:
    """Return the stored mix of this fit (an empty frame if it belongs to another fit)."""
    payload = store.get_artifact(MIX_ARTIFACT)
    empty = pd.DataFrame(columns=list(theme_ids), index=pd.Index([], name="speech_id"), dtype=float)
    if payload is None:
        return empty
    with np.load(io.BytesIO(payload), allow_pickle=False) as arrays:
        if str(arrays["fit_id"]) != fit_id:
            return empty
        index = pd.Index(arrays["speech_ids"].astype(object), name="speech_id")
        return pd.DataFrame(
            arrays["values"].astype(np.float64), index=index, columns=list(theme_ids)
        )


__all__ = [
    "fit_language",
    "in_themes_language",
    "left_out_speeches",
    "LABEL_KIND",
    "accept_backup_artifact",
    "add_stop_terms",
    "earlier_fits",
    "refit_changes",
    "remove_stop_terms",
    "restore_fit",
    "stop_terms",
    "REFIT_GROWTH",
    "ThemeModelState",
    "current_themes",
    "score_new",
    "set_label",
    "stored_themes",
    "theme_mix",
    "themes_over_time",
]

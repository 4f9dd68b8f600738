"""Themes of speeches: NMF topics fitted on TF-IDF passages, read out as tidy frames.

Two paths fit the same kind of themes. Up to `OUT_OF_CORE_WORDS` words the passages are counted
in memory over an exact vocabulary; above it (or with `out_of_core=True`) speeches are read in
batches, their counts hashed and spilled to disk, and the themes refined with mini-batch NMF
(`stream`), so memory no longer grows with the corpus. Both paths keep the same fitted
attributes and score new speeches and serialise the same way; the hashed path adds `buckets_`,
the hash bucket of each column, whose name is the bucket's most frequent term.

Why 20 million words: `bench/bench_topics.py --paths-only` (UN General Debate read from the store,
automatic number of themes, 2 shared cores) measured the in-memory path's peak memory (process
tree) at 0.40 GB for 1,000 speeches, 1.24 GB for 3,000 (9.5 million words) and 2.09 GB for all
10,924 (31.8 million), against 0.34, 0.94 and 0.97 GB out of core, with the same kind of themes
(NPMI 0.20 on both paths; 84% of matched top terms shared on the full corpus). Wall times were
alike on the full corpus (187 s and 195 s on a machine shared with other jobs). In memory grows
by about 38 MB per million words past 3,000 speeches, so at 20 million words it peaks near
1.65 GB: the last size with a safe margin under the 2 GB a dashboard process may use. Smaller
corpora stay in memory, where counts are exact and kept for incremental refits.

Example:
    >>> model = TopicModel(n_topics=5).set_output(transform="pandas")
    >>> mix = model.fit_transform(texts)          # texts: pd.Series indexed by speech_id
    >>> model.top_terms(n=10)                      # topic, rank, term, weight
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from typing import Self

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.utils.validation import check_is_fitted

from models.errors import EmptyVocabularyError, ModelError, NotEnoughTextError
from models.progress import step
from models.themes.quality import FIT_TOL, choose_n_topics, fit_nmf, solve_weights
from models.themes.stream import (
    HashedSpill,
    StreamSettings,
    hashed_counts,
    speech_batches,
    speech_mix,
    tfidf_rows,
)
from models.themes.terms import REASON_USER, TermSpread, label_terms, stopped
from models.themes.vectorize import (
    MAX_PASSAGE_WORDS,
    MIN_PASSAGE_WORDS,
    PARALLEL_MIN_CHARS,
    PassageCounts,
    Passages,
    count_speeches,
    document_frequency_bounds,
    make_counter,
    prune_terms,
    to_passages,
)

MIN_PASSAGES = 8
# Below this many words in the corpus, two-word terms ("consultative status") join the
# vocabulary when `ngram_range` is left unset; above it they cost more time than they add.
AUTO_BIGRAM_WORDS = 1_000_000
# Above this many passages, topics are fitted on a random sample of this size (see fit).
FIT_SAMPLE = 60_000
# Above this many words themes are fitted out of core (see the module docstring).
OUT_OF_CORE_WORDS = 20_000_000
_FORMAT = 1


class TopicModel(TransformerMixin, BaseEstimator):
    """NMF themes over TF-IDF passages; a speech's mix is the length-weighted mix of its passages.

    Args:
        n_topics: the number of themes; None chooses it from the data (see `quality`).
        max_df: drop terms in more passages than this (share or count); None adapts to size.
        min_df: drop terms in fewer passages than this (share or count); None adapts to size.
        ngram_range: (1, 1) words only, (1, 2) with two-word terms; None adds two-word terms
            up to a million words.
        max_topics: the largest number of themes the automatic choice tries.
        min_passage_words: the fewest words of a passage.
        max_passage_words: the most words of a passage.
        random_state: the seed; the same texts and settings give the same themes.
        n_jobs: processes for tokenising large corpora, threads for weighting passages.
        out_of_core: True streams hashed counts, False counts in memory, None chooses by
            corpus size (`OUT_OF_CORE_WORDS`).
        stop_terms: a user's terms kept out of the themes, with every phrase holding one.
        language: the ISO 639-1 language of the speeches, whose stop words are left out
            (`vectorize.stop_words_for`); a stored model of an older version is English.

    Fitted, besides the topics: `boilerplate_`, the terms kept out of the themes and why
    (`terms`: spread over the whole corpus, said in openings and closings, or a stop term).
    """

    def __init__(
        self,
        *,
        n_topics: int | None = None,
        max_df: int | float | None = None,
        min_df: int | float | None = None,
        ngram_range: tuple[int, int] | None = None,
        max_topics: int = 40,
        min_passage_words: int = MIN_PASSAGE_WORDS,
        max_passage_words: int = MAX_PASSAGE_WORDS,
        random_state: int = 0,
        n_jobs: int = 2,
        out_of_core: bool | None = None,
        stop_terms: tuple[str, ...] = (),
        language: str = "en",
    ) -> None:
        """Store the settings as given; they are checked when fitting."""
        self.n_topics = n_topics
        self.max_df = max_df
        self.min_df = min_df
        self.ngram_range = ngram_range
        self.max_topics = max_topics
        self.min_passage_words = min_passage_words
        self.max_passage_words = max_passage_words
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.out_of_core = out_of_core
        self.stop_terms = stop_terms
        self.language = language

    # -- fitting -------------------------------------------------------------------------

    def fit(self, X: pd.Series, y: None = None, *, cells: pd.Series | None = None) -> Self:
        """Fit themes on the passages of the speeches `X` (texts indexed by speech_id).

        Args:
            cells: each speech's period and speaker group (`terms.speech_cells`), for
                learning boilerplate; None treats the speeches as one group.

        Raises:
            NotEnoughTextError: when the speeches give too few passages for themes.
            EmptyVocabularyError: when no term survives the vocabulary rules.
        """
        self.fit_transform(X, cells=cells)
        return self

    def fit_transform(
        self, X: pd.Series, y: None = None, *, cells: pd.Series | None = None
    ) -> np.ndarray:
        """Fit themes and return each speech's theme mix, (n_speeches, n_topics)."""
        texts = _check_texts(X)
        n_words = _n_words(texts)
        if self.is_out_of_core(n_words):
            batches = (
                texts.loc[ids]
                for ids in speech_batches(texts.index, random_state=self.random_state)
            )
            mix = self.fit_stream(batches, n_words=n_words, cells=cells)
            return mix.reindex(texts.index, fill_value=0.0).to_numpy()
        return self.fit_counts(self._count(texts, n_words), texts.index, cells=cells)

    def is_out_of_core(self, n_words: int) -> bool:
        """Return whether a corpus of `n_words` words is fitted out of core (the setting if given)."""
        if self.out_of_core is not None:
            return bool(self.out_of_core)
        return n_words > OUT_OF_CORE_WORDS

    def fit_stream(
        self, batches: Iterable[pd.Series], *, n_words: int, cells: pd.Series | None = None
    ) -> pd.DataFrame:
        """Fit themes on speeches read batch by batch, holding one batch in memory at a time.

        Args:
            batches: texts indexed by speech_id, each speech in exactly one batch.
            n_words: the words of all batches together (sets the term lengths).

        Returns:
            The theme mix of every speech with passages, indexed by speech_id.

        Raises:
            NotEnoughTextError: when the speeches give too few passages for themes.
            EmptyVocabularyError: when no term survives the vocabulary rules.
        """
        settings = StreamSettings(
            ngram_range=self.ngram_range_for(n_words),
            n_topics=self.n_topics,
            max_topics=self.max_topics,
            min_df=self.min_df,
            max_df=self.max_df,
            min_passage_words=self.min_passage_words,
            max_passage_words=self.max_passage_words,
            random_state=self.random_state,
            n_jobs=self.n_jobs,
            # worker processes take seconds to start: they pay off on a few batches of text
            # (about 6 characters a word)
            n_processes=self.n_jobs if n_words * 6 >= PARALLEL_MIN_CHARS else 1,
            stop_terms=tuple(self.stop_terms),
            cells=cells,
            language=self.language,
        )
        with HashedSpill(settings) as spill:
            spill.fill(batches)
            self._check_sizes(spill.n_passages)
            fit = spill.fit()
        self.ngram_range_ = settings.ngram_range
        self.terms_ = fit.terms
        self.buckets_: np.ndarray | None = fit.buckets
        self.idf_ = fit.idf
        self.components_ = fit.components
        self.selection_: list[dict[str, float]] | None = fit.selection
        self.boilerplate_: dict[str, str] = fit.boilerplate
        self.n_topics_ = fit.components.shape[0]
        self.n_passages_ = fit.n_passages
        self.n_speeches_ = len(fit.mix)
        return fit.mix

    def count(self, X: pd.Series) -> PassageCounts:
        """Cut speeches into passages and count their terms, as `fit` does."""
        texts = _check_texts(X)
        return self._count(texts, _n_words(texts))

    def _count(self, texts: pd.Series, n_words: int) -> PassageCounts:
        return count_speeches(
            texts,
            ngram_range=self.ngram_range_for(n_words),
            min_words=self.min_passage_words,
            max_words=self.max_passage_words,
            n_jobs=self.n_jobs,
            language=self.language,
        )

    def ngram_range_for(self, n_words: int) -> tuple[int, int]:
        """Return the term lengths used for a corpus of `n_words` words (the setting if given)."""
        if self.ngram_range is not None:
            return self.ngram_range
        return (1, 2) if n_words <= AUTO_BIGRAM_WORDS else (1, 1)

    def fit_counts(
        self, counts: PassageCounts, speech_ids: pd.Index, *, cells: pd.Series | None = None
    ) -> np.ndarray:
        """Fit themes on passage counts kept from `count`; return the mix of `speech_ids`.

        Raises:
            ValueError: when the counts were made with other passage settings.
        """
        if (counts.min_words, counts.max_words) != (
            self.min_passage_words,
            self.max_passage_words,
        ):
            raise ValueError("The passage counts were made with other passage settings.")
        weights = self._fit_passages(counts, cells)
        return speech_mix(weights, counts.speech_ids, counts.n_words, speech_ids)

    def _passages(self, X: pd.Series) -> Passages:
        return to_passages(
            _check_texts(X), min_words=self.min_passage_words, max_words=self.max_passage_words
        )

    def _check_sizes(self, n: int) -> None:
        if n < MIN_PASSAGES:
            raise NotEnoughTextError(
                f"Themes need at least {MIN_PASSAGES} passages of about {self.min_passage_words} "
                f"words; the selection has {n}. Widen the date range or add speeches."
            )
        if self.n_topics is not None and not 2 <= self.n_topics <= n // 2:
            raise NotEnoughTextError(
                f"{self.n_topics} themes need between 2 and half as many themes as passages; "
                f"the selection has {n} passages. Choose at most {max(2, n // 2)} themes or "
                "widen the selection."
            )

    def _fit_passages(self, passage_counts: PassageCounts, cells: pd.Series | None) -> np.ndarray:
        n = len(passage_counts)
        self._check_sizes(n)
        ngram_range = passage_counts.ngram_range
        raw, terms = passage_counts.matrix, passage_counts.terms
        low, high = document_frequency_bounds(n, min_df=self.min_df, max_df=self.max_df)
        counts, terms = prune_terms(raw, terms, low=low, high=high)
        counts, terms = self._without_boilerplate(counts, terms, passage_counts, cells)
        if self.n_topics is not None and self.n_topics > len(terms):
            raise NotEnoughTextError(
                f"{self.n_topics} themes need at least as many terms; the selection has "
                f"{len(terms)} after the vocabulary rules. Choose fewer themes or add speeches."
            )
        idf = TfidfTransformer(sublinear_tf=True).fit(counts).idf_
        self.selection_ = None
        n_topics = self.n_topics
        if n_topics is None:
            n_topics, self.selection_ = choose_n_topics(
                counts,
                max_topics=self.max_topics,
                random_state=self.random_state,
                n_jobs=self.n_jobs,
            )
        step("fitting %s themes on %s passages", n_topics, f"{n:,}")
        # Large corpora in single precision: half the memory of the largest matrix, and far
        # finer than the fits' relative tolerance (FIT_TOL).
        tfidf = tfidf_rows(counts, idf, dtype=np.float32 if n > FIT_SAMPLE else np.float64)
        del counts
        if n > FIT_SAMPLE:
            # Topics from a large random sample of passages are the corpus's topics; every
            # passage is then weighted under them, in parallel.
            rng = np.random.default_rng(self.random_state)
            rows = np.sort(rng.choice(n, FIT_SAMPLE, replace=False))
            _, components = fit_nmf(
                tfidf[rows], n_topics=n_topics, random_state=self.random_state, tol=FIT_TOL
            )
            weights = solve_weights(tfidf, components, n_jobs=self.n_jobs)
        else:
            weights, components = fit_nmf(
                tfidf, n_topics=n_topics, random_state=self.random_state, tol=FIT_TOL
            )
        self.ngram_range_ = ngram_range
        self.terms_ = terms
        self.buckets_ = None
        self.idf_ = idf
        self.components_ = components.astype(np.float64)
        self.n_topics_ = n_topics
        self.n_passages_ = n
        self.n_speeches_ = len(set(passage_counts.speech_ids))
        return weights

    def _without_boilerplate(
        self,
        counts: sparse.csr_matrix,
        terms: np.ndarray,
        passages: PassageCounts,
        cells: pd.Series | None,
    ) -> tuple[sparse.csr_matrix, np.ndarray]:
        """Keep boilerplate and the user's stop terms out of the terms (`terms`)."""
        spread = TermSpread(len(terms))
        spread.add(counts, passages.speech_ids, passages.n_words, cells)
        reasons = spread.reasons()
        reasons[stopped(terms, self.stop_terms)] = REASON_USER
        out = reasons != ""
        order = np.argsort(-np.asarray(counts[:, out].sum(axis=0)).ravel(), kind="stable")
        self.boilerplate_ = {str(terms[out][i]): str(reasons[out][i]) for i in order}
        if out.all():
            raise EmptyVocabularyError(
                "Every term of the selection is boilerplate or a stop term; remove stop terms "
                "or add speeches."
            )
        return counts[:, ~out], terms[~out]

    # -- scoring -------------------------------------------------------------------------

    def transform(self, X: pd.Series) -> np.ndarray:
        """Return each speech's theme mix under the fitted themes, (n_speeches, n_topics).

        Each passage is scored on its own and the speech's mix is the mean of its passages'
        shares weighted by their words; rows sum to 1 (0 for a speech without known terms).
        """
        check_is_fitted(self, "components_")
        texts = _check_texts(X)
        passages = self._passages(texts)
        weights = self.passage_weights(passages.texts)
        return speech_mix(weights, passages.speech_ids, passages.n_words, texts.index)

    def passage_weights(self, texts: list[str]) -> np.ndarray:
        """Return the NMF weights of passages under the fitted themes, (n_passages, n_topics)."""
        check_is_fitted(self, "components_")
        if not texts:
            return np.zeros((0, self.n_topics_))
        if self.buckets_ is not None:
            hashed, _, _, _ = hashed_counts(
                texts, ngram_range=self.ngram_range_, language=self.language
            )
            counts = hashed[:, self.buckets_]
        else:
            counter = make_counter(
                ngram_range=self.ngram_range_,
                vocabulary=self.terms_.tolist(),
                language=self.language,
            )
            counts = counter.transform(texts)
        tfidf = tfidf_rows(counts, self.idf_)
        return solve_weights(tfidf, self.components_, n_jobs=self.n_jobs)

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        """Return the output column names: topic_0 ... topic_{k-1}."""
        check_is_fitted(self, "components_")
        return np.asarray([f"topic_{i}" for i in range(self.n_topics_)], dtype=object)

    # -- read-outs -----------------------------------------------------------------------

    def top_terms(self, n: int = 10) -> pd.DataFrame:
        """Return each topic's `n` heaviest terms.

        Returns:
            Columns topic (int), rank (1 = heaviest), term, weight (the NMF component value).
        """
        check_is_fitted(self, "components_")
        order = np.argsort(-self.components_, axis=1, kind="stable")[:, :n]
        rows = [
            (topic, rank + 1, str(self.terms_[j]), float(self.components_[topic, j]))
            for topic in range(self.n_topics_)
            for rank, j in enumerate(order[topic])
            if self.components_[topic, j] > 0
        ]
        return pd.DataFrame(rows, columns=["topic", "rank", "term", "weight"])

    def default_labels(self) -> list[str]:
        """Return a label per topic from its distinctive top terms ("ngos · consultative status ·
        ecosoc"; `terms.label_terms`)."""
        check_is_fitted(self, "components_")
        return [
            " · ".join(terms) for terms in label_terms(self.components_, self.terms_.astype(str))
        ]

    # -- persistence without pickle ------------------------------------------------------

    def to_bytes(self) -> bytes:
        """Serialise the fitted model as an .npz archive (arrays and JSON, no pickle)."""
        check_is_fitted(self, "components_")
        meta = {
            "format": _FORMAT,
            "params": {
                k: list(v) if isinstance(v, tuple) else v for k, v in self.get_params().items()
            },
            "ngram_range_": list(self.ngram_range_),
            "n_topics_": self.n_topics_,
            "n_passages_": self.n_passages_,
            "n_speeches_": self.n_speeches_,
            "selection_": self.selection_,
            "boilerplate_": [[t, r] for t, r in getattr(self, "boilerplate_", {}).items()],
            "hashed": self.buckets_ is not None,
        }
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer,
            meta=np.asarray(json.dumps(meta)),
            terms=self.terms_.astype(str),
            idf=self.idf_,
            components=self.components_,
            buckets=np.asarray([] if self.buckets_ is None else self.buckets_, dtype=np.int64),
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, payload: bytes) -> TopicModel:
        """Rebuild a fitted model from `to_bytes` output."""
        with np.load(io.BytesIO(payload), allow_pickle=False) as arrays:
            meta = json.loads(str(arrays["meta"]))
            if meta.get("format") != _FORMAT:
                raise ModelError(
                    "The stored theme model has an unknown format; refit themes with `--refit`."
                )
            params = meta["params"]
            if params.get("ngram_range") is not None:
                params["ngram_range"] = tuple(params["ngram_range"])
            params["stop_terms"] = tuple(params.get("stop_terms") or ())
            model = cls(**params)
            model.ngram_range_ = tuple(meta["ngram_range_"])
            model.terms_ = arrays["terms"].astype(object)
            model.idf_ = arrays["idf"]
            model.components_ = arrays["components"]
            hashed = bool(meta.get("hashed", False))
            model.buckets_ = arrays["buckets"] if hashed else None
        model.n_topics_ = int(meta["n_topics_"])
        model.n_passages_ = int(meta["n_passages_"])
        model.n_speeches_ = int(meta["n_speeches_"])
        model.selection_ = meta["selection_"]
        model.boilerplate_ = {str(t): str(r) for t, r in meta.get("boilerplate_", [])}
        return model


def _n_words(texts: pd.Series) -> int:
    return sum(len(str(t).split()) for t in texts.to_numpy())


def _check_texts(X: object) -> pd.Series:
    if not isinstance(X, pd.Series):
        raise TypeError("Themes are fitted on a pandas Series of texts indexed by speech_id.")
    if not X.index.is_unique:
        raise ValueError("The texts for themes must have unique speech ids in their index.")
    return X

"""Themes of speeches: NMF topics fitted on TF-IDF passages, read out as tidy frames.

Example:
    >>> model = TopicModel(n_topics=5).set_output(transform="pandas")
    >>> mix = model.fit_transform(texts)          # texts: pd.Series indexed by speech_id
    >>> model.top_terms(n=10)                      # topic, rank, term, weight
"""

from __future__ import annotations

import io
import json
from typing import Self

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.preprocessing import normalize
from sklearn.utils.validation import check_is_fitted

from models.errors import ModelError, NotEnoughTextError
from models.topic_quality import FIT_TOL, choose_n_topics, fit_nmf, solve_weights
from models.vectorize import (
    MAX_PASSAGE_WORDS,
    MIN_PASSAGE_WORDS,
    PassageCounts,
    Passages,
    count_passages,
    document_frequency_bounds,
    make_counter,
    prune_terms,
    to_passages,
)

MIN_PASSAGES = 8
# Below this many words in the corpus, two-word terms ("consultative status") join the
# vocabulary when `ngram_range` is left unset; above it they cost more time than they add.
AUTO_BIGRAM_WORDS = 1_000_000
TOP_TERMS_IN_LABEL = 3
# Above this many passages, topics are fitted on a random sample of this size (see fit).
FIT_SAMPLE = 60_000
_FORMAT = 1


class TopicModel(TransformerMixin, BaseEstimator):
    """NMF themes over TF-IDF passages; a speech's mix is the length-weighted mix of its passages.

    Args:
        n_topics: the number of themes; None chooses it from the data (see `topic_quality`).
        max_df: drop terms in more passages than this (share or count); None adapts to size.
        min_df: drop terms in fewer passages than this (share or count); None adapts to size.
        ngram_range: (1, 1) words only, (1, 2) with two-word terms; None adds two-word terms
            up to a million words.
        max_topics: the largest number of themes the automatic choice tries.
        min_passage_words: the fewest words of a passage.
        max_passage_words: the most words of a passage.
        random_state: the seed; the same texts and settings give the same themes.
        n_jobs: processes for tokenising large corpora, threads for weighting passages.
    """

    def __init__(
        self,
        *,
        n_topics: int | None = None,
        max_df: int | float | None = None,
        min_df: int | float | None = None,
        ngram_range: tuple[int, int] | None = None,
        max_topics: int = 25,
        min_passage_words: int = MIN_PASSAGE_WORDS,
        max_passage_words: int = MAX_PASSAGE_WORDS,
        random_state: int = 0,
        n_jobs: int = 2,
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

    # -- fitting -------------------------------------------------------------------------

    def fit(self, X: pd.Series, y: None = None) -> Self:
        """Fit themes on the passages of the speeches `X` (texts indexed by speech_id).

        Raises:
            NotEnoughTextError: when the speeches give too few passages for themes.
            EmptyVocabularyError: when no term survives the vocabulary rules.
        """
        self.fit_transform(X)
        return self

    def fit_transform(self, X: pd.Series, y: None = None) -> np.ndarray:
        """Fit themes and return each speech's theme mix, (n_speeches, n_topics)."""
        texts = _check_texts(X)
        return self.fit_counts(self.count(texts), texts.index)

    def count(self, X: pd.Series) -> PassageCounts:
        """Cut speeches into passages and count their terms, as `fit` does."""
        passages = self._passages(X)
        return count_passages(
            passages,
            ngram_range=self.ngram_range_for(int(passages.n_words.sum())),
            min_words=self.min_passage_words,
            max_words=self.max_passage_words,
            n_jobs=self.n_jobs,
        )

    def ngram_range_for(self, n_words: int) -> tuple[int, int]:
        """Return the term lengths used for a corpus of `n_words` words (the setting if given)."""
        if self.ngram_range is not None:
            return self.ngram_range
        return (1, 2) if n_words <= AUTO_BIGRAM_WORDS else (1, 1)

    def fit_counts(self, counts: PassageCounts, speech_ids: pd.Index) -> np.ndarray:
        """Fit themes on passage counts kept from `count`; return the mix of `speech_ids`.

        Raises:
            ValueError: when the counts were made with other passage settings.
        """
        if (counts.min_words, counts.max_words) != (
            self.min_passage_words,
            self.max_passage_words,
        ):
            raise ValueError("The passage counts were made with other passage settings.")
        weights = self._fit_passages(counts)
        return _speech_mix(weights, counts.speech_ids, counts.n_words, speech_ids)

    def _passages(self, X: pd.Series) -> Passages:
        return to_passages(
            _check_texts(X), min_words=self.min_passage_words, max_words=self.max_passage_words
        )

    def _fit_passages(self, passage_counts: PassageCounts) -> np.ndarray:
        n = len(passage_counts)
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
        ngram_range = passage_counts.ngram_range
        raw, terms = passage_counts.matrix, passage_counts.terms
        low, high = document_frequency_bounds(n, min_df=self.min_df, max_df=self.max_df)
        counts, terms = prune_terms(raw, terms, low=low, high=high)
        if self.n_topics is not None and self.n_topics > len(terms):
            raise NotEnoughTextError(
                f"{self.n_topics} themes need at least as many terms; the selection has "
                f"{len(terms)} after the vocabulary rules. Choose fewer themes or add speeches."
            )
        tfidf_model = TfidfTransformer(sublinear_tf=True).fit(counts)
        tfidf = tfidf_model.transform(counts)
        self.selection_: list[dict[str, float]] | None = None
        n_topics = self.n_topics
        if n_topics is None:
            n_topics, self.selection_ = choose_n_topics(
                counts,
                max_topics=self.max_topics,
                random_state=self.random_state,
                n_jobs=self.n_jobs,
            )
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
        self.idf_ = tfidf_model.idf_
        self.components_ = components
        self.n_topics_ = n_topics
        self.n_passages_ = n
        self.n_speeches_ = len(set(passage_counts.speech_ids))
        return weights

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
        return _speech_mix(weights, passages.speech_ids, passages.n_words, texts.index)

    def passage_weights(self, texts: list[str]) -> np.ndarray:
        """Return the NMF weights of passages under the fitted themes, (n_passages, n_topics)."""
        check_is_fitted(self, "components_")
        if not texts:
            return np.zeros((0, self.n_topics_))
        counter = make_counter(ngram_range=self.ngram_range_, vocabulary=self.terms_.tolist())
        tfidf = _tfidf(counter.transform(texts), self.idf_)
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
        """Return a label per topic made of its three heaviest terms ("ngo · status · un")."""
        terms = self.top_terms(n=TOP_TERMS_IN_LABEL)
        return [
            " · ".join(terms.loc[terms["topic"] == topic, "term"])
            for topic in range(self.n_topics_)
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
        }
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer,
            meta=np.asarray(json.dumps(meta)),
            terms=self.terms_.astype(str),
            idf=self.idf_,
            components=self.components_,
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
            model = cls(**params)
            model.ngram_range_ = tuple(meta["ngram_range_"])
            model.terms_ = arrays["terms"].astype(object)
            model.idf_ = arrays["idf"]
            model.components_ = arrays["components"]
        model.n_topics_ = int(meta["n_topics_"])
        model.n_passages_ = int(meta["n_passages_"])
        model.n_speeches_ = int(meta["n_speeches_"])
        model.selection_ = meta["selection_"]
        return model


def _check_texts(X: object) -> pd.Series:
    if not isinstance(X, pd.Series):
        raise TypeError("Themes are fitted on a pandas Series of texts indexed by speech_id.")
    if not X.index.is_unique:
        raise ValueError("The texts for themes must have unique speech ids in their index.")
    return X


def _tfidf(counts: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """Apply sublinear tf, the fitted idf and l2 normalisation, as TfidfTransformer does."""
    tf = counts.astype(np.float64).tocsr()
    np.log(tf.data, out=tf.data)
    tf.data += 1.0
    return normalize(tf @ sparse.diags(idf), norm="l2", copy=False).tocsr()


def _speech_mix(
    weights: np.ndarray, owners: np.ndarray, n_words: np.ndarray, speech_ids: pd.Index
) -> np.ndarray:
    """Turn passage weights into speech shares weighted by passage length."""
    totals = weights.sum(axis=1, keepdims=True)
    shares = np.divide(weights, totals, out=np.zeros_like(weights), where=totals > 0)
    length = n_words * (totals[:, 0] > 0)
    codes = pd.Index(speech_ids).get_indexer(owners)
    if (codes < 0).any():
        raise ValueError("Some passages belong to speeches that are not in speech_ids.")
    mix = np.zeros((len(speech_ids), weights.shape[1]))
    np.add.at(mix, codes, shares * length[:, None])
    words = np.bincount(codes, weights=length, minlength=len(speech_ids))
    return np.divide(mix, words[:, None], out=np.zeros_like(mix), where=words[:, None] > 0)

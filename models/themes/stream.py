"""Themes of corpora too large to count in memory: hashed passage counts streamed in batches.

The out-of-core path reads speeches in batches and never holds the corpus's texts or term
counts at once; memory depends on the batch size, not on the size of the corpus.

1. One streamed pass cuts each batch into passages and counts their terms with the vocabulary
   rules of `vectorize` (stop words, token pattern, formulas of speeches). Each term goes to one
   of `N_BUCKETS` columns by the hash scikit-learn's `HashingVectorizer` uses (`FeatureHasher`,
   no alternating sign), so every batch lands in the same columns without a shared vocabulary.
   The hashed counts are spilled to a temporary directory; the pass also adds up each column's
   document frequency and keeps a reservoir sample of passages.
2. Document-frequency bounds, IDF (smoothed, as `TfidfTransformer`) and the number of themes
   (`choose_n_topics` on the sample) come from those totals, as on the in-memory path.
3. NMF on the sample gives starting themes; `MiniBatchNMF.partial_fit` then refines them over
   every spilled passage in mini-batches of `MINIBATCH_PASSAGES`.
4. A last pass over the spill weights every passage under the final themes and turns the
   weights into each speech's mix, as the in-memory path does.

Names of hashed columns: hashing forgets which term a column holds, so each column keeps one
candidate term and a vote, updated batch by batch as a weighted majority vote (Boyer-Moore):
the batch's most frequent term of the column adds its count when it is the candidate and
subtracts it otherwise, taking over when the vote falls below zero. The state is two arrays of
`N_BUCKETS` entries, whatever the corpus size. The term that holds more than half of a column's
occurrences always wins; with 2**18 columns a term common enough to lead a theme shares its
column mostly with rare words, so the column reads as that term. Two common words sharing a
column (rare) give one column for both, named after the stronger.

Example:
    >>> with HashedSpill(StreamSettings(ngram_range=(1, 1))) as spill:
    ...     spill.fill(batches)                   # batches: pd.Series of texts by speech_id
    ...     fit = spill.fit()                     # fit.terms, fit.components, fit.mix
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from scipy import sparse
from sklearn.decomposition import MiniBatchNMF
from sklearn.feature_extraction import FeatureHasher
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from models.errors import EmptyVocabularyError
from models.progress import step
from models.themes.quality import FIT_TOL, choose_n_topics, fit_nmf, quiet_nmf, solve_weights
from models.themes.terms import REASON_USER, TermSpread, stopped
from models.themes.vectorize import document_frequency_bounds, make_counter, to_passages

N_BUCKETS = 2**18
# Passages sampled while streaming: the number of themes is chosen on (part of) them and the
# starting themes are fitted on them.
SAMPLE_PASSAGES = 20_000
MINIBATCH_PASSAGES = 4096
# Speeches read, cut and counted at a time: 200 UN speeches are about half a million words.
BATCH_SPEECHES = 200


@dataclass(frozen=True, slots=True, kw_only=True)
class StreamSettings:
    """The settings of a streamed fit (the `TopicModel` parameters that matter to it)."""

    ngram_range: tuple[int, int]
    n_topics: int | None = None
    max_topics: int = 40
    min_df: int | float | None = None
    max_df: int | float | None = None
    min_passage_words: int = 40
    max_passage_words: int = 200
    random_state: int = 0
    n_jobs: int = 2
    n_processes: int = 1
    stop_terms: tuple[str, ...] = ()
    cells: pd.Series | None = None
    language: str = "en"


@dataclass(frozen=True, slots=True, kw_only=True)
class StreamFit:
    """What a streamed fit learned.

    Attributes:
        terms: the name of each kept column (its most frequent term).
        buckets: the hash bucket of each kept column.
        idf: the IDF of each kept column.
        components: (n_topics, n_columns) topic-term weights.
        selection: the table of the automatic choice of the number of themes, or None.
        boilerplate: the terms kept out of the themes and why (`terms`).
        n_passages: passages seen.
        mix: theme shares of every speech seen, indexed by speech_id.
    """

    terms: np.ndarray
    buckets: np.ndarray
    idf: np.ndarray
    components: np.ndarray
    selection: list[dict[str, float]] | None
    boilerplate: dict[str, str]
    n_passages: int
    mix: pd.DataFrame


def hashed_counts(
    texts: list[str], *, ngram_range: tuple[int, int], language: str = "en"
) -> tuple[sparse.csr_matrix, np.ndarray, np.ndarray, np.ndarray]:
    """Count the terms of texts into hash buckets, as `HashingVectorizer(alternate_sign=False)`.

    Tokenising once with the vocabulary rules and moving each term's column to its bucket gives
    the hashed counts and, for naming columns, the terms behind them.

    Returns:
        (n_texts, N_BUCKETS) counts; the batch's terms; their buckets; their total counts.
    """
    counter = make_counter(ngram_range=ngram_range, language=language)
    try:
        counts = counter.fit_transform(texts).tocsr()
    except ValueError:  # texts without a single term
        empty = np.zeros(0, dtype=np.int64)
        return sparse.csr_matrix((len(texts), N_BUCKETS), dtype=np.int32), empty, empty, empty
    terms = counter.get_feature_names_out()
    buckets = bucket_of(terms)
    hashed = sparse.csr_matrix(
        (counts.data, buckets[counts.indices], counts.indptr), shape=(len(texts), N_BUCKETS)
    )
    hashed.sum_duplicates()
    totals = np.asarray(counts.sum(axis=0)).ravel()
    return hashed, terms, buckets, totals


def bucket_of(terms: np.ndarray | list[str]) -> np.ndarray:
    """Return the hash bucket of each term, as `HashingVectorizer` assigns it."""
    hasher = FeatureHasher(n_features=N_BUCKETS, input_type="string", alternate_sign=False)
    return hasher.transform([[str(t)] for t in terms]).tocsr().indices.astype(np.int64)


def speech_batches(speech_ids: pd.Index | list[str], *, random_state: int = 0) -> list[list[str]]:
    """Split speech ids into batches of `BATCH_SPEECHES` in a seeded random order.

    A random order makes every batch a sample of the whole corpus, so that the mini-batch
    updates do not drift from decade to decade of a corpus stored by date.
    """
    ids = np.asarray(speech_ids, dtype=object)
    order = np.random.default_rng(random_state).permutation(len(ids))
    return [ids[order[a : a + BATCH_SPEECHES]].tolist() for a in range(0, len(ids), BATCH_SPEECHES)]


def tfidf_rows(
    counts: sparse.csr_matrix, idf: np.ndarray, *, dtype: type = np.float64
) -> sparse.csr_matrix:
    """Apply sublinear tf, a fitted idf and l2 normalisation, as `TfidfTransformer` does."""
    # in place on one copy of the counts: no product matrix next to it
    tf = counts.astype(dtype).tocsr()
    np.log(tf.data, out=tf.data)
    tf.data += 1.0
    tf.data *= idf.astype(dtype)[tf.indices]
    return normalize(tf, norm="l2", copy=False)


def speech_mix(
    weights: np.ndarray, owners: np.ndarray, n_words: np.ndarray, speech_ids: pd.Index
) -> np.ndarray:
    """Turn passage weights into speech shares weighted by passage length (both paths)."""
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


def _hash_batch(
    texts: pd.Series, settings: StreamSettings
) -> tuple[sparse.csr_matrix, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Passages and hashed counts of one batch, with each bucket's most frequent term in it."""
    passages = to_passages(
        texts, min_words=settings.min_passage_words, max_words=settings.max_passage_words
    )
    hashed, terms, buckets, totals = hashed_counts(
        passages.texts, ngram_range=settings.ngram_range, language=settings.language
    )
    order = np.lexsort((-totals, buckets))  # by bucket, most frequent first
    first = np.ones(len(order), dtype=bool)
    first[1:] = buckets[order][1:] != buckets[order][:-1]
    top = order[first]
    return (
        hashed,
        passages.speech_ids,
        passages.n_words,
        buckets[top],
        terms[top].astype(object),
        totals[top],
    )


class HashedSpill:
    """Hashed passage counts in a temporary directory, with the totals gathered while writing.

    Use as a context manager: the directory is removed on leaving.
    """

    def __init__(self, settings: StreamSettings) -> None:
        """Prepare an empty spill; nothing is written before `fill`."""
        self.directory = Path(tempfile.mkdtemp(prefix="speechtrack-themes-"))
        self.settings = settings
        self.n_batches = 0
        self.n_passages = 0
        self.df = np.zeros(N_BUCKETS, dtype=np.int64)
        self.names = np.full(N_BUCKETS, "", dtype=object)
        self.votes = np.zeros(N_BUCKETS, dtype=np.int64)
        self.speech_ids: list[str] = []
        self.rng = np.random.default_rng(settings.random_state)
        self.sample_at = np.zeros((0, 2), dtype=np.int64)  # (batch, row) of sampled passages
        self.spread = TermSpread(N_BUCKETS)

    def __enter__(self) -> HashedSpill:
        """Return the spill."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Remove the spilled counts."""
        shutil.rmtree(self.directory, ignore_errors=True)

    def fill(self, batches: Iterable[pd.Series]) -> None:
        """Hash and spill every batch (side by side on `n_processes` processes)."""
        n_processes = self.settings.n_processes
        if n_processes > 1:
            results: Iterable[tuple] = Parallel(n_jobs=n_processes, return_as="generator")(
                delayed(_hash_batch)(texts, self.settings) for texts in batches
            )
        else:
            results = (_hash_batch(texts, self.settings) for texts in batches)
        for hashed, owners, n_words, buckets, terms, totals in results:
            self._add(hashed, owners, n_words)
            self._vote(buckets, terms, totals)

    def _add(self, hashed: sparse.csr_matrix, owners: np.ndarray, n_words: np.ndarray) -> None:
        first = len(self.speech_ids)
        ids, codes = np.unique(owners.astype(str), return_inverse=True)
        self.speech_ids.extend(ids.tolist())
        np.savez(
            self.directory / f"{self.n_batches}.npz",
            data=hashed.data.astype(np.int32),
            indices=hashed.indices.astype(np.int32),
            indptr=hashed.indptr.astype(np.int64),
            owners=(codes + first).astype(np.int64),
            n_words=n_words,
        )
        self.df += np.bincount(hashed.indices, minlength=N_BUCKETS)
        self.spread.add(hashed, owners, n_words, self.settings.cells)
        self._sample(hashed.shape[0])
        self.n_batches += 1
        self.n_passages += hashed.shape[0]

    def _sample(self, n_rows: int) -> None:
        """Reservoir sampling (algorithm R) of passages, as (batch, row) pairs."""
        rows = np.arange(n_rows)
        free = max(0, SAMPLE_PASSAGES - len(self.sample_at))
        taken = np.column_stack([np.full(min(free, n_rows), self.n_batches), rows[:free]])
        self.sample_at = np.vstack([self.sample_at, taken])
        seen = self.n_passages + rows[free:]
        slots = self.rng.integers(0, seen + 1)
        for row, slot in zip(rows[free:], slots, strict=True):
            if slot < SAMPLE_PASSAGES:
                self.sample_at[slot] = (self.n_batches, row)

    def _vote(self, buckets: np.ndarray, terms: np.ndarray, totals: np.ndarray) -> None:
        same = self.names[buckets] == terms
        votes = self.votes[buckets] + np.where(same, totals, -totals)
        lost = votes < 0
        self.names[buckets[lost]] = terms[lost]
        self.votes[buckets] = np.abs(votes)

    def batches(self) -> Iterator[tuple[sparse.csr_matrix, np.ndarray, np.ndarray]]:
        """Yield each spilled batch: (hashed counts, owner codes, words per passage)."""
        for i in range(self.n_batches):
            with np.load(self.directory / f"{i}.npz") as a:
                n = len(a["indptr"]) - 1
                matrix = sparse.csr_matrix(
                    (a["data"], a["indices"], a["indptr"]), shape=(n, N_BUCKETS)
                )
                yield matrix, a["owners"], a["n_words"]

    def fit(self) -> StreamFit:
        """Choose the columns and the number of themes, fit the themes, score every speech."""
        settings = self.settings
        n = self.n_passages
        low, high = document_frequency_bounds(n, min_df=settings.min_df, max_df=settings.max_df)
        keep = np.flatnonzero((self.df >= low) & (self.df <= high))
        # two-word terms must occur in at least 2 passages, as on the in-memory path
        is_phrase = np.char.find(self.names[keep].astype(str), " ") >= 0
        keep = keep[~is_phrase | (self.df[keep] >= 2)]
        if keep.size == 0:
            raise EmptyVocabularyError(
                f"No terms occur in between {low} and {high} passages of the selection; "
                "add speeches or relax the document-frequency bounds."
            )
        reasons = self.spread.reasons()[keep]
        names = self.names[keep].astype(str)
        reasons[stopped(names, settings.stop_terms)] = REASON_USER
        out = reasons != ""
        if out.all():
            raise EmptyVocabularyError(
                "Every term of the selection is boilerplate or a stop term; remove stop terms "
                "or add speeches."
            )
        order = np.argsort(-self.df[keep][out], kind="stable")
        boilerplate = {str(names[out][i]): str(reasons[out][i]) for i in order}
        keep = keep[~out]
        idf = np.log((1 + n) / (1 + self.df[keep])) + 1.0
        sample = self._sample_counts()[:, keep]
        selection = None
        n_topics = settings.n_topics
        if n_topics is None:
            n_topics, selection = choose_n_topics(
                sample,
                max_topics=settings.max_topics,
                random_state=settings.random_state,
                n_jobs=settings.n_jobs,
            )
        step("fitting %s themes", n_topics)
        components = self._refine(sample, keep, idf, n_topics)
        mix = self._mix(keep, idf, components)
        return StreamFit(
            terms=self.names[keep].astype(str).astype(object),
            buckets=keep,
            idf=idf,
            components=components,
            selection=selection,
            boilerplate=boilerplate,
            n_passages=n,
            mix=mix,
        )

    def _sample_counts(self) -> sparse.csr_matrix:
        order = np.lexsort((self.sample_at[:, 1], self.sample_at[:, 0]))
        at = self.sample_at[order]
        parts = []
        for i, (matrix, _, _) in enumerate(self.batches()):
            rows = at[at[:, 0] == i, 1]
            if rows.size:
                parts.append(matrix[rows])
        return sparse.vstack(parts, format="csr")

    def _refine(
        self, sample: sparse.csr_matrix, keep: np.ndarray, idf: np.ndarray, n_topics: int
    ) -> np.ndarray:
        """Start from NMF on the sample, then refine over every passage with MiniBatchNMF."""
        settings = self.settings
        _, start = fit_nmf(
            tfidf_rows(sample, idf),
            n_topics=n_topics,
            random_state=settings.random_state,
            tol=FIT_TOL,
        )
        nmf = MiniBatchNMF(
            n_components=n_topics,
            init="custom",
            batch_size=MINIBATCH_PASSAGES,
            random_state=settings.random_state,
        )
        # Mini-batch steps are small products: threaded BLAS only adds contention on a busy machine.
        with quiet_nmf(), threadpool_limits(limits=1, user_api="blas"):
            for matrix, _, _ in self.batches():
                tfidf = tfidf_rows(matrix[:, keep], idf)
                for a in range(0, tfidf.shape[0], MINIBATCH_PASSAGES):
                    chunk = tfidf[a : a + MINIBATCH_PASSAGES]
                    if hasattr(nmf, "components_"):
                        nmf.partial_fit(chunk)
                    else:
                        weights = solve_weights(chunk, start, n_jobs=1)
                        nmf.partial_fit(chunk, W=np.maximum(weights, 1e-6), H=start)
        return np.asarray(nmf.components_)

    def _mix(self, keep: np.ndarray, idf: np.ndarray, components: np.ndarray) -> pd.DataFrame:
        parts = []
        for matrix, owners, n_words in self.batches():
            weights = solve_weights(
                tfidf_rows(matrix[:, keep], idf), components, n_jobs=self.settings.n_jobs
            )
            ids = pd.Index(np.unique(owners))
            parts.append(pd.DataFrame(speech_mix(weights, owners, n_words, ids), index=ids))
        frame = pd.concat(parts).sort_index()
        frame.index = pd.Index(
            np.asarray(self.speech_ids, dtype=object)[frame.index], name="speech_id"
        )
        return frame

"""Comparison of speeches and groups of speeches: keyness, theme shares side by side, similarity.

Everything here starts from one `TermCounts`: a sparse speech-by-term count matrix built once with
scikit-learn's `CountVectorizer`. Keyness of any two groups, the distinctive terms of one speech and
TF-IDF similarity are then sums and products of sparse rows, so they take milliseconds even on a
corpus of ten thousand speeches; only building the counts reads the texts.

Example:
    counts = term_counts(store.texts(SpeechFilter()))
    keyness(counts, a=ids_2018, b=ids_2019, n=20)
    nearest_speeches(counts, speech_ids=["3f2a9c0d1e7b"], n=5)
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import sparse
from scipy.special import xlogy
from scipy.stats import chi2
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer
from sklearn.preprocessing import normalize

from corpus.records import SpeechFilter, count_words
from models.errors import EmptyVocabularyError, NotEnoughTextError, SelectionError
from models.selection import batches_by_words, is_in
from models.text_clean import fold_spelling, strip_furniture

__all__ = [
    "COUNTS_ARTIFACT",
    "KEYNESS_COLUMNS",
    "DEFAULT_MAX_P",
    "TermCounts",
    "corpus_term_counts",
    "distinctive_terms",
    "keyness",
    "SimilarityIndex",
    "nearest_speeches",
    "similarity_matrix",
    "term_counts",
    "theme_comparison",
    "update_term_counts",
]

KEYNESS_COLUMNS = [
    "term",
    "count_a",
    "count_b",
    "per_10k_a",
    "per_10k_b",
    "g2",
    "p_value",
    "log_ratio",
    "favours",
]
# p < 0.001, i.e. G2 >= 10.83 at one degree of freedom: the cut-off Rayson and Garside recommend for
# comparing corpora, where thousands of terms are tested at once and p < 0.05 would flag noise.
DEFAULT_MAX_P = 0.001

# Words of two or more letters, with inner hyphens kept ("co-operation", "peace-keeping": spellings
# change over the decades, and splitting them would credit "operation"); digits, underscores and
# single letters are not terms.
_TERM_PATTERN = r"(?u)\b[^\W\d_]{2,}(?:-[^\W\d_]+)*\b"
_TERM = re.compile(_TERM_PATTERN)
# The store artifact holding the corpus counts; raise the number when the vocabulary rules change.
COUNTS_ARTIFACT = "compare.term_counts/2"
# Texts read at a time when the whole corpus is counted (about 60 MB of text in memory at once)
COUNT_BATCH_WORDS = 5_000_000
_STOP_WORDS = frozenset(ENGLISH_STOP_WORDS)


@dataclass(frozen=True, slots=True, eq=False)
class TermCounts:
    """Term counts of a set of speeches.

    Attributes:
        speech_ids: the speeches, in row order.
        terms: the vocabulary, in column order.
        matrix: sparse counts, one row per speech and one column per term.
        n_words: the number of words of each speech (every word, stop words included), in row order.
    """

    speech_ids: pd.Index
    terms: np.ndarray
    matrix: sparse.csr_matrix
    n_words: np.ndarray
    _totals: np.ndarray | None = field(default=None, init=False, repr=False)

    def column_totals(self) -> np.ndarray:
        """Return each term's count over every speech (summed once, then kept with the counts)."""
        if self._totals is None:
            # two threads may both sum; they store the same array
            self.keep_totals(np.asarray(self.matrix.sum(axis=0)).ravel())
        assert self._totals is not None
        return self._totals

    def has_totals(self) -> bool:
        """Return whether the column totals are summed already."""
        return self._totals is not None

    def keep_totals(self, totals: np.ndarray) -> None:
        """Keep column totals worked out elsewhere (they must equal the matrix's column sums)."""
        object.__setattr__(self, "_totals", totals)

    def rows(self, speech_ids: Iterable[str], *, group: str) -> np.ndarray:
        """Return the row numbers of the given speeches, raising SelectionError for unknown ids."""
        wanted = pd.Index(list(dict.fromkeys(speech_ids)))
        if wanted.empty:
            raise SelectionError(f"Group {group} has no speeches; select at least one speech.")
        positions = self.speech_ids.get_indexer(wanted)
        missing = wanted[positions < 0]
        if len(missing):
            raise SelectionError(
                f"Speech {missing[0]!r} of group {group} is not among the counted speeches; "
                "count the terms of a selection that includes it."
            )
        return positions

    def to_bytes(self) -> bytes:
        """Serialise the counts as a NumPy archive (no pickle), e.g. for `put_artifact`."""
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer,
            speech_ids=self.speech_ids.to_numpy(dtype=str),
            terms=self.terms.astype(str),
            data=self.matrix.data,
            indices=self.matrix.indices,
            indptr=self.matrix.indptr,
            shape=np.asarray(self.matrix.shape),
            n_words=self.n_words,
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, payload: bytes) -> TermCounts:
        """Read counts written by `to_bytes`."""
        with np.load(io.BytesIO(payload), allow_pickle=False) as arrays:
            matrix = sparse.csr_matrix(
                (arrays["data"], arrays["indices"], arrays["indptr"]),
                shape=tuple(arrays["shape"]),
            )
            return cls(
                speech_ids=pd.Index(arrays["speech_ids"].astype(object), name="speech_id"),
                terms=arrays["terms"].astype(object),
                matrix=matrix,
                n_words=arrays["n_words"],
            )


class _Store(Protocol):
    def texts(self, flt: SpeechFilter = ...) -> pd.Series: ...
    def catalogue(self, flt: SpeechFilter = ...) -> pd.DataFrame: ...
    def get_artifact(self, name: str) -> bytes | None: ...
    def put_artifact(self, name: str, payload: bytes) -> None: ...


def _word_counts(texts: pd.Series) -> npt.NDArray[np.int64]:
    # the words of corpus.count_words: the per-10k denominator
    return np.fromiter((count_words(t) for t in texts), dtype=np.int64, count=len(texts))


def corpus_term_counts(store: _Store, *, bigrams: bool = False) -> TermCounts:
    """Term counts of every stored speech, kept in the store and brought up to date as it grows.

    Counting a large corpus reads every text once (about a minute for 30 million words); with the
    counts stored, keyness of any two selections takes well under a second. The stored counts are
    tied to the ids of the speeches they cover (an id is a hash of the text), not to the store's
    version, which also moves with labels and other stored results. When speeches were added or
    removed since, only the added ones are read (`update_term_counts`).

    Args:
        store: the corpus store.
        bigrams: as in `term_counts`; single words and word pairs are kept apart.

    Returns:
        The counts of every stored speech, in the store's order.
    """
    name = f"{COUNTS_ARTIFACT}.{'bigrams' if bigrams else 'words'}"
    catalogue = store.catalogue(SpeechFilter())
    key = hashlib.sha256("\n".join(catalogue["speech_id"]).encode()).hexdigest().encode()
    payload = store.get_artifact(name)
    stored = None
    if payload is not None:
        stored_key, _, body = payload.partition(b"\n")
        stored = TermCounts.from_bytes(body)
        if stored_key == key:
            return stored
    words = catalogue.set_index("speech_id")["n_words"]
    if stored is not None and len(stored.speech_ids):
        new = catalogue.loc[~is_in(catalogue["speech_id"], stored.speech_ids), "speech_id"]
        texts = store.texts(SpeechFilter(speech_ids=frozenset(new))) if len(new) else None
        counts = update_term_counts(
            stored, texts, order=pd.Index(catalogue["speech_id"]), n_words=words, bigrams=bigrams
        )
    else:
        counts = _count_in_batches(store, catalogue["speech_id"], words, bigrams=bigrams)
    store.put_artifact(name, key + b"\n" + counts.to_bytes())
    return counts


def _count_in_batches(
    store: _Store, speech_ids: pd.Series, words: pd.Series, *, bigrams: bool
) -> TermCounts:
    """Count every speech, reading the texts `COUNT_BATCH_WORDS` words at a time.

    The counts equal one `term_counts` over all the texts; the texts of only one batch are in
    memory at a time (all of them would be about 400 MB on the UN corpus).
    """
    batches = batches_by_words(list(speech_ids), words.to_dict(), COUNT_BATCH_WORDS)
    if len(batches) == 1:
        return term_counts(store.texts(SpeechFilter()), bigrams=bigrams, n_words=words)
    counts: TermCounts | None = None
    done = 0
    for batch in batches:
        texts = store.texts(SpeechFilter(speech_ids=frozenset(batch)))
        done += len(batch)
        if counts is None:
            counts = term_counts(texts, bigrams=bigrams, n_words=words)
        else:
            order = pd.Index(speech_ids.iloc[:done].to_numpy(dtype=object))
            counts = update_term_counts(counts, texts, order=order, n_words=words, bigrams=bigrams)
    assert counts is not None
    return counts


def update_term_counts(
    counts: TermCounts,
    texts: pd.Series | None,
    *,
    order: pd.Index,
    n_words: pd.Series | None = None,
    bigrams: bool = False,
) -> TermCounts:
    """Return the counts of the speeches `order`, counting only those not in `counts` yet.

    The result equals `term_counts` over all of them (same terms, same rows), but only the new
    texts are read: adding a speech to a corpus of thirty million words takes milliseconds.

    Args:
        counts: counts made by `term_counts` (or by this function) with the same `bigrams`.
        texts: the texts of the speeches of `order` missing from `counts`, indexed by speech_id
            (None or empty when none is missing).
        order: the speeches wanted, in the order of the rows of the result; those of `counts`
            not in it are dropped. Keeping the counted speeches in their order, with the new ones
            after them, is fastest: the counts are then not copied a second time.
        n_words: words per new speech, as in `term_counts`.
        bigrams: as in `term_counts`.

    Raises:
        SelectionError: when a speech of `order` is neither counted nor given in `texts`.
    """
    parts = [(counts.speech_ids, counts.terms, counts.matrix, counts.n_words)]
    if texts is not None:
        texts = texts[~is_in(texts.index, counts.speech_ids)]
    if texts is not None and not texts.empty:
        try:
            fresh = term_counts(texts, bigrams=bigrams, n_words=n_words)
        except EmptyVocabularyError:  # the new speeches add rows but no term
            fresh = TermCounts(
                speech_ids=pd.Index(texts.index, name="speech_id"),
                terms=np.asarray([], dtype=object),
                matrix=sparse.csr_matrix((len(texts), 0), dtype=np.int64),
                n_words=(
                    n_words.reindex(texts.index).fillna(0).to_numpy(dtype=np.int64)
                    if n_words is not None
                    else _word_counts(texts)
                ),
            )
        parts.append((fresh.speech_ids, fresh.terms, fresh.matrix, fresh.n_words))
    terms, matrices, moved = _on_common_terms(parts)
    # a row stays sorted when its part's was and the part's columns kept their order
    in_order = all(
        part[2].has_sorted_indices and (at is None or bool(np.all(at[1:] > at[:-1])))
        for part, at in zip(parts, moved, strict=True)
    )
    stacked = sparse.vstack(matrices, format="csr")
    ids = pd.Index(np.concatenate([p[0].to_numpy(dtype=object) for p in parts]))
    rows = ids.get_indexer(order)
    if (rows < 0).any():
        missing = order[rows < 0][0]
        raise SelectionError(
            f"Speech {missing!r} is neither counted nor among the new texts; give its text."
        )
    # the counted speeches first and the new ones after them are the stacked rows: no copy
    matrix = stacked if np.array_equal(rows, np.arange(len(ids))) else stacked[rows]
    if in_order:
        matrix.has_sorted_indices = True
    matrix.sort_indices()
    # drop terms only the removed speeches used, as a full count would
    kept_all = len(rows) == stacked.shape[0] and len(np.unique(rows)) == len(rows)
    used = (
        np.arange(len(terms))
        if kept_all  # every speech kept: every term is still used
        else np.flatnonzero(np.bincount(matrix.indices, minlength=len(terms)))
    )
    if len(used) < len(terms):
        matrix = matrix[:, used].tocsr()
        terms = terms[used]
    result = TermCounts(
        speech_ids=pd.Index(order.to_numpy(dtype=object), name="speech_id"),
        terms=terms,
        matrix=matrix,
        n_words=np.concatenate([p[3] for p in parts])[rows],
    )
    if counts.has_totals() and matrix is stacked and len(used) == len(terms):
        # the corpus totals of the counted speeches, plus the new ones': no pass over them all
        totals = np.zeros(len(terms), dtype=matrix.dtype)
        totals[slice(None) if moved[0] is None else moved[0]] = counts.column_totals()
        for part in matrices[1:]:
            totals += np.asarray(part.sum(axis=0)).ravel().astype(matrix.dtype)
        result.keep_totals(totals)
    return result


def _on_common_terms(
    parts: list[tuple[pd.Index, np.ndarray, sparse.csr_matrix, np.ndarray]],
) -> tuple[np.ndarray, list[sparse.csr_matrix], list[np.ndarray | None]]:
    """Return the sorted union of the parts' terms, each part's matrix on those columns, and where
    each part's columns went (None for a part whose columns did not move).

    When the new speeches bring no term the counted ones lack (most uploads to a large corpus),
    the counted matrix is kept as it is rather than rebuilt: it holds millions of counts. The
    counted terms are compared as they are, not converted: on a large vocabulary that alone took
    longer than the rest.
    """
    base = parts[0][1]
    positions: list[np.ndarray | None] = [None]  # the counted part keeps its columns
    if len(base) > 1 and bool(np.all(base[:-1] < base[1:])):  # sorted and distinct
        for _, part_terms, _, _ in parts[1:]:
            at = np.minimum(np.searchsorted(base, part_terms), len(base) - 1)
            if not np.array_equal(base[at], part_terms):
                break
            positions.append(at)
    if len(positions) == len(parts):
        terms = base
    else:
        terms = np.unique(np.concatenate([p[1].astype(str) for p in parts])).astype(object)
        positions = [np.searchsorted(terms, p[1].astype(str)) for p in parts]
    matrices = [
        matrix
        if at is None
        else sparse.csr_matrix(
            (matrix.data, at.astype(matrix.indices.dtype)[matrix.indices], matrix.indptr),
            shape=(matrix.shape[0], len(terms)),
        )
        for (_, _, matrix, _), at in zip(parts, positions, strict=True)
    ]
    return terms, matrices, positions


def analysis_text(text: str) -> str:
    """A speech as counting reads it: lower case, without page furniture, one spelling per word."""
    return fold_spelling(strip_furniture(text).lower())


def _bigram_analyzer(text: str) -> list[str]:
    """Return the non-stop words of a text and the pairs of adjacent non-stop words."""
    tokens = _TERM.findall(analysis_text(text))
    kept = [t if t not in _STOP_WORDS else None for t in tokens]
    unigrams = [t for t in kept if t is not None]
    bigrams = [
        f"{first} {second}"
        for first, second in zip(kept, kept[1:], strict=False)
        if first is not None and second is not None
    ]
    return unigrams + bigrams


def term_counts(
    texts: pd.Series, *, bigrams: bool = False, n_words: pd.Series | None = None
) -> TermCounts:
    """Count the terms of every speech, English stop words removed, lower-cased.

    Args:
        texts: speech texts indexed by speech_id (as `CorpusStore.texts` returns them).
        bigrams: also count pairs of adjacent words when neither is a stop word ("rule law" is
            never formed from "rule of law": the pair must be adjacent in the text).
        n_words: words per speech, indexed by speech_id (the catalogue's `n_words`); counted from
            the texts when omitted.

    Returns:
        The counts, with speeches in the order of `texts`.

    Raises:
        NotEnoughTextError: when `texts` is empty.
        EmptyVocabularyError: when no term is left after removing stop words.
    """
    if texts.empty:
        raise NotEnoughTextError("No speech to count terms in; select at least one speech.")
    if bigrams:
        vectorizer = CountVectorizer(analyzer=_bigram_analyzer, dtype=np.int64)
    else:
        vectorizer = CountVectorizer(
            preprocessor=analysis_text,
            token_pattern=_TERM_PATTERN,
            stop_words=sorted(_STOP_WORDS),
            dtype=np.int64,
        )
    try:
        matrix = vectorizer.fit_transform(texts.to_numpy())
    except (
        ValueError
    ) as err:  # sklearn: "empty vocabulary; perhaps the documents only contain stop words"
        raise EmptyVocabularyError(
            "The selected speeches contain only stop words, numbers or single letters; "
            "select speeches with more text."
        ) from err
    if n_words is None:
        words = _word_counts(texts)
    else:
        words = n_words.reindex(texts.index).fillna(0).to_numpy(dtype=np.int64)
    matrix = sparse.csr_matrix(matrix)
    matrix.sort_indices()  # terms in column order within each row, as every TermCounts keeps them
    return TermCounts(
        speech_ids=pd.Index(texts.index, name="speech_id"),
        terms=vectorizer.get_feature_names_out(),
        matrix=matrix,
        n_words=words,
    )


def _g2(a: np.ndarray, b: np.ndarray, total_a: float, total_b: float) -> np.ndarray:
    """Log-likelihood G2 of the 2x2 table [[a, b], [total_a - a, total_b - b]] (Dunning 1993)."""
    total = total_a + total_b
    row_term = a + b
    row_rest = total - row_term
    observed = (a, b, total_a - a, total_b - b)
    expected = (
        total_a * row_term / total,
        total_b * row_term / total,
        total_a * row_rest / total,
        total_b * row_rest / total,
    )
    g2 = sum(xlogy(o, o) - xlogy(o, e) for o, e in zip(observed, expected, strict=True))
    return np.maximum(2.0 * g2, 0.0)  # rounding can leave -1e-12 for identical rates


def _keyness_table(
    a: np.ndarray,
    b: np.ndarray,
    terms: np.ndarray,
    *,
    total_a: int,
    total_b: int,
    min_count: int,
    max_p: float | None,
    n: int | None,
) -> pd.DataFrame:
    keep = (a + b) >= min_count
    a, b, terms = a[keep], b[keep], terms[keep]
    g2 = _g2(a.astype(float), b.astype(float), float(total_a), float(total_b))
    rate_a = a / total_a
    rate_b = b / total_b
    keep = rate_a != rate_b
    if max_p is not None:
        # p < max_p exactly where G2 is above the chi-squared quantile: most terms of a large
        # corpus are dropped here, before a table is built for them (the exact test follows)
        keep &= g2 >= chi2.isf(max_p, df=1) * (1 - 1e-9)
    a, b, terms, g2, rate_a, rate_b = (
        a[keep],
        b[keep],
        terms[keep],
        g2[keep],
        rate_a[keep],
        rate_b[keep],
    )
    # Hardie's log-ratio: binary log of the ratio of relative frequencies; a zero count becomes 0.5
    # so that a term used by one group only gets a finite, comparable effect size.
    log_ratio = np.log2((np.where(a == 0, 0.5, a) / total_a) / (np.where(b == 0, 0.5, b) / total_b))
    frame = pd.DataFrame(
        {
            "term": terms.astype(str),
            "count_a": a.astype(np.int64),
            "count_b": b.astype(np.int64),
            "per_10k_a": rate_a * 10_000,
            "per_10k_b": rate_b * 10_000,
            "g2": g2,
            "p_value": chi2.sf(g2, df=1),
            "log_ratio": log_ratio,
            "favours": np.where(rate_a > rate_b, "a", "b"),
        }
    )
    if max_p is not None:
        frame = frame[frame["p_value"] < max_p]
    frame = frame.sort_values(
        ["favours", "g2", "term"], ascending=[True, False, True], kind="mergesort"
    )
    if n is not None:
        frame = frame.groupby("favours", sort=False).head(n)
    return frame.reset_index(drop=True)[KEYNESS_COLUMNS]


def _row_sums(counts: TermCounts, rows: np.ndarray) -> np.ndarray:
    """Return the column totals of some rows of a count matrix.

    A group of most of a large corpus (one speech against all the others) is the corpus totals
    less the rows left out, instead of a copy of most of the matrix summed again: the counts are
    integers, so the result is the same.
    """
    matrix = counts.matrix
    if len(rows) * 2 > matrix.shape[0] and len(np.unique(rows)) == len(rows):
        left_out = np.setdiff1d(np.arange(matrix.shape[0]), rows, assume_unique=True)
        return counts.column_totals() - np.asarray(matrix[left_out].sum(axis=0)).ravel()
    return np.asarray(matrix[rows].sum(axis=0)).ravel()


def keyness(
    counts: TermCounts,
    *,
    a: Iterable[str],
    b: Iterable[str],
    min_count: int = 5,
    max_p: float | None = DEFAULT_MAX_P,
    n: int | None = None,
) -> pd.DataFrame:
    """Terms that set group A apart from group B, by log-likelihood and log-ratio.

    The test is Dunning's log-likelihood G2 on the 2x2 table (term, every other word) x (A, B), with
    its p-value from the chi-squared distribution with one degree of freedom, as in quanteda's
    `textstat_keyness(measure = "lr")` without continuity correction. Group sizes are counted in
    words, stop words included, so `per_10k_*` reads as "times per 10,000 words spoken". The effect
    size is Hardie's log-ratio (log2 of the ratio of relative frequencies; 1 means twice as frequent
    in A, -1 twice as frequent in B), with a zero count replaced by 0.5.

    Args:
        counts: term counts covering both groups.
        a: speech ids of group A.
        b: speech ids of group B (a speech in both groups counts in both).
        min_count: drop terms used fewer times than this by both groups together.
        max_p: keep terms with a p-value below this; the default 0.001 (G2 >= 10.83) is Rayson and
            Garside's threshold for corpus comparison. `None` keeps every term. There is no
            correction for testing many terms at once: rank by g2 and read the log-ratio.
        n: keep at most this many terms favouring each group.

    Returns:
        One row per term with columns term, count_a, count_b, per_10k_a, per_10k_b, g2, p_value,
        log_ratio, favours ("a" or "b": the group where the term is relatively more frequent).
        Terms favouring A come first, then those favouring B, each by descending g2. Terms exactly
        as frequent in both groups are left out.

    Raises:
        SelectionError: when a group is empty or names a speech the counts do not cover.
        NotEnoughTextError: when a group has no words.
    """
    rows_a = counts.rows(a, group="A")
    rows_b = counts.rows(b, group="B")
    total_a = int(counts.n_words[rows_a].sum())
    total_b = int(counts.n_words[rows_b].sum())
    if total_a == 0 or total_b == 0:
        raise NotEnoughTextError("One of the groups has no words; select speeches with text.")
    sum_a = _row_sums(counts, rows_a)
    sum_b = _row_sums(counts, rows_b)
    return _keyness_table(
        sum_a,
        sum_b,
        counts.terms,
        total_a=total_a,
        total_b=total_b,
        min_count=min_count,
        max_p=max_p,
        n=n,
    )


def distinctive_terms(
    counts: TermCounts,
    *,
    speech_id: str,
    min_count: int = 3,
    max_p: float | None = DEFAULT_MAX_P,
    n: int | None = 20,
) -> pd.DataFrame:
    """Terms one speech uses far more than the rest of the counted speeches.

    This is `keyness` of the speech (group A) against every other counted speech (group B), keeping
    the terms that favour A. We chose keyness over TF-IDF weights so that "distinctive" carries the
    same meaning, units and significance test everywhere in the product, and so that the counts
    behind each term are shown.

    Returns:
        The columns of `keyness`; every row has favours == "a".

    Raises:
        SelectionError: when the speech is not counted or is the only speech counted.
    """
    rows = counts.rows([speech_id], group="A")
    rest = np.setdiff1d(np.arange(len(counts.speech_ids)), rows)
    if rest.size == 0:
        raise SelectionError(
            f"Speech {speech_id!r} is the only speech counted; distinctive terms need others "
            "to compare it with."
        )
    frame = keyness(
        counts,
        a=[speech_id],
        b=counts.speech_ids[rest],
        min_count=min_count,
        max_p=max_p,
        n=n,
    )
    return frame[frame["favours"] == "a"].reset_index(drop=True)


def theme_comparison(mix: pd.DataFrame, *, a: Iterable[str], b: Iterable[str]) -> pd.DataFrame:
    """Theme shares of two speeches or two groups side by side.

    A group's share of a theme is the mean of its speeches' shares (each speech weighs the same,
    whatever its length); a speech with no row for a theme has a share of 0 there.

    Args:
        mix: the theme mix, columns speech_id, theme, share (shares of a speech sum to 1).
        a: speech ids of group A.
        b: speech ids of group B.

    Returns:
        One row per theme with columns theme, share_a, share_b, difference (share_a - share_b),
        by descending difference (themes of A first, those of B last).

    Raises:
        NotEnoughTextError: when no speech of a group appears in the mix.
    """
    wide = mix.pivot_table(
        index="speech_id", columns="theme", values="share", aggfunc="sum", fill_value=0.0
    )
    means = {}
    for label, ids in (("a", a), ("b", b)):
        present = wide.index.intersection(pd.Index(list(ids)))
        if present.empty:
            raise NotEnoughTextError(
                f"No speech of group {label.upper()} has theme shares; fit the theme model on a "
                "selection that includes it."
            )
        means[label] = wide.loc[present].mean(axis=0)
    frame = pd.DataFrame(
        {
            "theme": wide.columns.to_numpy(),
            "share_a": means["a"].to_numpy(dtype=float),
            "share_b": means["b"].to_numpy(dtype=float),
        }
    )
    frame["difference"] = frame["share_a"] - frame["share_b"]
    frame = frame.sort_values(["difference", "theme"], ascending=[False, True], kind="mergesort")
    return frame.reset_index(drop=True)


# a query of up to this many speeches is scored against dense columns (terms x speeches asked)
_DENSE_QUERY = 32


@dataclass(frozen=True, slots=True)
class SimilarityIndex:
    """What `nearest_speeches` needs to score a few speeches against a whole corpus quickly.

    The weights are those of scikit-learn's `TfidfTransformer(sublinear_tf=True, smooth_idf=True,
    norm="l2")` fitted on every counted speech (the tests hold them to it). Rather than weighting
    and normalising the whole corpus (most of a second on the UN corpus, again after every
    upload), the index keeps each speech's sublinear term frequencies, the idf and each speech's
    norm: the cosine of a speech with every other is then one sparse product with a dense vector.
    Only scoring hundreds of speeches at once builds the weighted columns.

    Attributes:
        speech_ids: the counted speeches, in row order.
        frequencies: 1 + log(count) of every counted term, one row per speech (the counts' layout).
        idf: the smoothed inverse document frequency of each term.
        norms: the length of each speech's TF-IDF weights (0 for a speech with no terms).
    """

    speech_ids: pd.Index
    frequencies: sparse.csr_matrix
    idf: np.ndarray
    norms: np.ndarray
    _columns: sparse.csr_matrix | None = field(default=None, init=False, repr=False)

    @classmethod
    def of(cls, counts: TermCounts, *, previous: SimilarityIndex | None = None) -> SimilarityIndex:
        """Weigh `counts` and keep what scoring needs.

        Args:
            counts: the term counts of every speech to search.
            previous: the index of earlier counts; when `counts` keeps those speeches as its
                first rows (as the dashboard's counts do after an upload), their frequencies are
                taken from it and only the new rows are weighed.

        No temporary array is as large as the counts: on a server that has just taken an upload,
        fresh memory is what costs most.
        """
        matrix = counts.matrix
        n_speeches, n_terms = matrix.shape
        data = np.empty(matrix.nnz)
        kept = 0
        if previous is not None and previous.covers_start_of(counts):
            kept = previous.frequencies.nnz
            data[:kept] = previous.frequencies.data
        for start, stop in _spans(kept, matrix.nnz):
            data[start:stop] = _sublinear(matrix.data[start:stop])
        frequencies = sparse.csr_matrix((data, matrix.indices, matrix.indptr), shape=matrix.shape)
        documents = np.zeros(n_terms, dtype=np.int64)
        for start, stop in _spans(0, matrix.nnz):
            documents += np.bincount(matrix.indices[start:stop], minlength=n_terms)
        idf = np.log((1 + n_speeches) / (1 + documents)) + 1
        squared_idf = idf**2
        squares = np.zeros(n_speeches)
        for first, last in _spans(0, n_speeches, _ROWS):
            begin, end = matrix.indptr[first], matrix.indptr[last]
            block = sparse.csr_matrix(
                (
                    data[begin:end] ** 2,
                    matrix.indices[begin:end],
                    matrix.indptr[first : last + 1] - begin,
                ),
                shape=(last - first, n_terms),
            )
            squares[first:last] = block @ squared_idf
        return cls(counts.speech_ids, frequencies, idf, np.sqrt(squares))

    def covers_start_of(self, counts: TermCounts) -> bool:
        """Return whether `counts` begins with this index's speeches, their counts in the same place.

        The counts of a speech keep their place when later counts only add speeches after it and
        terms between its terms (`update_term_counts`), provided both keep each row's terms sorted.
        """
        n = len(self.speech_ids)
        matrix = counts.matrix
        return (
            n <= len(counts.speech_ids)
            and self.frequencies.has_sorted_indices
            and matrix.has_sorted_indices
            and bool(np.array_equal(matrix.indptr[: n + 1], self.frequencies.indptr))
            and bool(np.array_equal(counts.speech_ids[:n], self.speech_ids))
        )

    def weights(self, counts: TermCounts, rows: np.ndarray) -> sparse.csr_matrix:
        """Return the TF-IDF weights of speeches `rows` of `counts`, each of length 1 (or 0)."""
        chosen = counts.matrix[rows]
        weighted = sparse.csr_matrix(
            (_sublinear(chosen.data) * self.idf[chosen.indices], chosen.indices, chosen.indptr),
            shape=chosen.shape,
        )
        return sparse.csr_matrix(normalize(weighted, norm="l2"))

    def similarities(self, counts: TermCounts, rows: np.ndarray) -> np.ndarray:
        """Return the cosine similarity of speeches `rows` (of `counts`) with every speech.

        Returns:
            A dense array, one row per asked speech and one column per counted speech.
        """
        queries = self.weights(counts, rows)
        if len(rows) > _DENSE_QUERY:
            return np.asarray((queries @ self._weighted_columns()).toarray())
        dense = queries.multiply(self.idf).T.toarray()  # terms x asked
        products = np.asarray(self.frequencies @ dense).T
        norms = np.broadcast_to(self.norms, products.shape)
        return np.divide(products, norms, out=np.zeros_like(products), where=norms > 0)

    def _weighted_columns(self) -> sparse.csr_matrix:
        """The normalised weights of every speech, one column per speech (made once, then kept)."""
        if self._columns is None:
            weights = sparse.csr_matrix(self.frequencies.multiply(self.idf))
            scale = np.divide(1.0, self.norms, out=np.zeros_like(self.norms), where=self.norms > 0)
            columns = sparse.csr_matrix(weights.multiply(scale[:, None]).T)
            # two threads may both build; they store the same matrix
            object.__setattr__(self, "_columns", columns)
        assert self._columns is not None
        return self._columns


# values and rows of a count matrix are weighed a span at a time: small temporary arrays
_SPAN = 1 << 20
_ROWS = 2048


def _spans(start: int, stop: int, size: int = _SPAN) -> list[tuple[int, int]]:
    """Return consecutive (start, stop) pairs covering start..stop, `size` at most each."""
    return [(i, min(i + size, stop)) for i in range(start, stop, size)]


def _sublinear(counts: np.ndarray) -> np.ndarray:
    """Return 1 + log(count) for positive counts, as `TfidfTransformer(sublinear_tf=True)` does."""
    if counts.dtype.kind in "iu" and len(counts) and 0 < counts.min() <= counts.max() <= 1 << 20:
        # counts are small integers: look the logarithms up (twice as fast as taking them)
        table = np.ones(int(counts.max()) + 1)  # the entry of 0 is never looked up
        table[1:] += np.log(np.arange(1, len(table), dtype=np.float64))
        return np.asarray(np.take(table, counts))
    return np.log(counts.astype(np.float64)) + 1


def similarity_matrix(
    counts: TermCounts, *, speech_ids: Iterable[str] | None = None
) -> pd.DataFrame:
    """Cosine similarity between speeches on TF-IDF weights.

    TF-IDF is fitted on all counted speeches (so rare words weigh the same whatever subset is
    shown); the matrix holds the requested speeches only. It is square and dense: ask for at most a
    few thousand speeches, or use `nearest_speeches` on a whole corpus.

    Returns:
        A square frame indexed by speech_id with one column per speech_id, values from 0 to 1 and
        1 on the diagonal (0 for a speech with no terms).
    """
    index = SimilarityIndex.of(counts)
    rows = (
        np.arange(len(counts.speech_ids))
        if speech_ids is None
        else counts.rows(speech_ids, group="A")
    )
    chosen = index.weights(counts, rows)
    values = (chosen @ chosen.T).toarray()
    ids = counts.speech_ids[rows]
    return pd.DataFrame(
        values, index=pd.Index(ids, name="speech_id"), columns=pd.Index(ids, name="neighbour_id")
    )


def nearest_speeches(
    counts: TermCounts,
    *,
    speech_ids: Iterable[str] | None = None,
    n: int = 5,
    index: SimilarityIndex | None = None,
) -> pd.DataFrame:
    """The most similar other speeches to each given speech (cosine similarity on TF-IDF).

    Args:
        counts: term counts; neighbours are sought among all counted speeches.
        speech_ids: the speeches to find neighbours for; all counted speeches when omitted.
        n: neighbours per speech.
        index: `SimilarityIndex.of(counts)`, when made once for many calls.

    Returns:
        Columns speech_id, neighbour_id, similarity, rank (1 = most similar); per speech by rank.
        Ties in similarity are broken by neighbour_id.
    """
    index = index or SimilarityIndex.of(counts)
    rows = (
        np.arange(len(counts.speech_ids))
        if speech_ids is None
        else counts.rows(speech_ids, group="A")
    )
    ids = counts.speech_ids.to_numpy()
    parts = []
    for start in range(0, len(rows), 512):  # 512 dense rows at a time bounds memory on big corpora
        block = rows[start : start + 512]
        sims = index.similarities(counts, block)
        sims[np.arange(len(block)), block] = -np.inf  # a speech is not its own neighbour
        for i, row in enumerate(block):
            take = min(n, len(ids) - 1)
            top = np.argpartition(-sims[i], take - 1)[:take] if take else np.array([], int)
            order = top[np.lexsort((ids[top].astype(str), -sims[i, top]))]
            parts.append(
                pd.DataFrame(
                    {
                        "speech_id": ids[row],
                        "neighbour_id": ids[order],
                        "similarity": sims[i, order],
                        "rank": np.arange(1, len(order) + 1, dtype=np.int64),
                    }
                )
            )
    if not parts:
        return pd.DataFrame(
            {
                "speech_id": pd.Series(dtype=str),
                "neighbour_id": pd.Series(dtype=str),
                "similarity": pd.Series(dtype=float),
                "rank": pd.Series(dtype=np.int64),
            }
        )
    return pd.concat(parts, ignore_index=True)

"""Speech texts to passages and term counts: the vocabulary rules every theme model shares.

Speeches are cut into passages (paragraph-sized chunks of about 40 to 200 words) so that even a
corpus of one speech has enough units for themes: paragraphs of 40 words or more stand alone,
so a speech of 1,500 words gives about 15 passages, enough for 5 themes. Terms follow rules
that suit speeches: English stop words plus the formulas of speeches ("ladies and gentlemen",
"thank you", "Mr President"), no bare numbers, no absurdly long tokens, document-frequency
bounds that adapt to corpus size, and two-word terms on request.

Example:
    >>> counts, terms = count_terms(split_passages(speech_text), ngram_range=(1, 2))
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

from corpus.records import Speech
from models.errors import EmptyVocabularyError
from models.text_clean import fold_spelling, strip_furniture

MIN_PASSAGE_WORDS = 40
MAX_PASSAGE_WORDS = 200
PARALLEL_MIN_CHARS = 20_000_000

# Formulas of address, removed as phrases before tokenising so that "Mr President" does not
# become a theme of every speech while "President Putin" still counts. The other formulas
# ("ladies and gentlemen", "thank you", "dear colleagues", "your excellency") are made of stop
# words below and vanish word by word, which costs nothing per passage.
_FORMULA_RE = re.compile(
    r"\b(?:mr|mister|madam|madame|mrs|ms)\.?\s+(?:president|chairman|chairperson|chair|speaker"
    r"|secretary[- ]general|vice[- ]president|prime minister|minister|ambassador)\b"
)

_OFFICES = ("president", "chair", "speaker", "secretary", "minister", "ambassador")

# Single words that carry no theme in speeches, on top of scikit-learn's English stop words.
SPEECH_STOP_WORDS: frozenset[str] = frozenset(ENGLISH_STOP_WORDS) | frozenset(
    (
        "applause colleagues gentlemen ladies thank thanks mr mrs ms madam excellency "
        "excellencies majesty highness delegates distinguished esteemed dear like would also said say says "
        "just shall let today year years time way really certain want going know think "
        "ve ll don didn doesn isn aren won wouldn couldn shouldn wasn weren let st nd rd th "
        "course including include includes issue issues taking take taken make made making "
        "need needs important various particular number kind things thing continue "
        "believe hope sure clearly obviously naturally needless actually probably example "
        "like great good new today regard regarding respect"
    ).split()
)

# A token starts with a letter and has 2 to 25 letters or digits: no bare numbers
# ("2018", "1,455"), no absurdly long tokens (run-together words, URLs, encoded junk).
TOKEN_PATTERN = r"(?u)\b[^\W\d_][^\W_]{1,24}\b"

_TOKEN = re.compile(TOKEN_PATTERN)


@lru_cache(maxsize=64)
def stop_words_for(language: str = "en") -> frozenset[str]:
    """The stop words of theme and term counts for speeches in `language` (ISO 639-1).

    English speeches get `SPEECH_STOP_WORDS` as always. Other languages add the list that the
    `stop-words` package ships for them (33 languages: "и", "что", "які", "della", "und"...);
    the English list stays, for English words quoted in them. A language without a list gets
    the English one alone. Words the tokeniser would split ("во-первых") are left out, as they
    could never match a token.
    """
    if language == "en":
        return SPEECH_STOP_WORDS
    from stop_words import LANGUAGE_MAPPING, get_stop_words

    if language not in LANGUAGE_MAPPING:
        return SPEECH_STOP_WORDS
    listed = {normalise_text(w).strip() for w in get_stop_words(language)}
    return SPEECH_STOP_WORDS | frozenset(w for w in listed if _TOKEN.fullmatch(w))


_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+")
_LINE_BREAKS = re.compile(r"\n\s*")


def as_texts(speeches: Iterable[Speech]) -> pd.Series:
    """Return the texts of speeches as a Series indexed by `speech_id`, in the given order."""
    items = list(speeches)
    return pd.Series(
        [s.text for s in items],
        index=pd.Index([s.speech_id for s in items], name="speech_id"),
        name="text",
        dtype=object,
    )


def normalise_text(text: str) -> str:
    """Lower-case a text, fold British spellings into American ones (`text_clean`) and strip the
    formulas of speeches; the preprocessor of every vectorizer."""
    lowered = fold_spelling(text.lower())
    # Substring tests run at C speed; most passages name no office and skip the regex.
    if any(office in lowered for office in _OFFICES):
        return _FORMULA_RE.sub(" ", lowered)
    return lowered


def split_passages(
    text: str, *, min_words: int = MIN_PASSAGE_WORDS, max_words: int = MAX_PASSAGE_WORDS
) -> list[str]:
    """Cut a speech into passages of about `min_words` to `max_words` words.

    Page markers and running headers are left out first (`text_clean.strip_furniture`).
    Paragraphs (lines) shorter than `min_words` are merged with the next ones; paragraphs
    longer than `max_words` are split at sentence ends (and, for run-on sentences, between
    words). A short remainder at the end joins the previous passage.

    Args:
        text: the speech text, paragraphs separated by line breaks.
        min_words: the fewest words a passage should have.
        max_words: the most words a passage should have.

    Returns:
        The passages in reading order; an empty list for a text without words.
    """
    pieces: list[list[str]] = []
    for paragraph in _LINE_BREAKS.split(strip_furniture(text)):
        words = paragraph.split()
        if len(words) <= max_words:
            if words:
                pieces.append(words)
            continue
        pieces.extend(_split_long(paragraph, max_words=max_words))
    passages: list[list[str]] = []
    current: list[str] = []
    for words in pieces:
        if current and len(current) + len(words) > max_words and len(current) >= min_words // 2:
            passages.append(current)
            current = []
        current = current + words
        if len(current) >= min_words:
            passages.append(current)
            current = []
    if current:
        if passages and len(passages[-1]) + len(current) <= max_words + min_words:
            passages[-1] = passages[-1] + current
        else:
            passages.append(current)
    return [" ".join(words) for words in passages]


def _split_long(paragraph: str, *, max_words: int) -> list[list[str]]:
    """Split one long paragraph into pieces of at most `max_words` words at sentence ends."""
    target = max(1, (max_words * 3) // 5)
    pieces: list[list[str]] = []
    current: list[str] = []
    for sentence in _SENTENCE_END.split(paragraph):
        words = sentence.split()
        while len(words) > max_words:  # a run-on sentence: cut between words
            pieces.append(words[:target])
            words = words[target:]
        if current and len(current) + len(words) > max_words:
            pieces.append(current)
            current = []
        current = current + words
        if len(current) >= target:
            pieces.append(current)
            current = []
    if current:
        pieces.append(current)
    return pieces


@dataclass(frozen=True, slots=True)
class Passages:
    """The passages of a set of speeches, in speech order.

    Attributes:
        texts: the passage texts.
        speech_ids: the speech each passage comes from.
        n_words: the number of words of each passage.
    """

    texts: list[str]
    speech_ids: np.ndarray
    n_words: np.ndarray

    def __len__(self) -> int:
        """Return the number of passages."""
        return len(self.texts)


def to_passages(
    texts: pd.Series, *, min_words: int = MIN_PASSAGE_WORDS, max_words: int = MAX_PASSAGE_WORDS
) -> Passages:
    """Cut every speech of `texts` (indexed by `speech_id`) into passages."""
    out: list[str] = []
    owners: list[str] = []
    for speech_id, text in zip(texts.index, texts.to_numpy(), strict=True):
        parts = split_passages(str(text), min_words=min_words, max_words=max_words)
        out.extend(parts)
        owners.extend([str(speech_id)] * len(parts))
    n_words = np.fromiter((len(p.split()) for p in out), dtype=np.int64, count=len(out))
    return Passages(out, np.asarray(owners, dtype=object), n_words)


@dataclass(frozen=True, slots=True)
class PassageCounts:
    """Term counts of every passage of some speeches, before frequency bounds.

    Kept between fits, so that a refit tokenises only the speeches added since.

    Attributes:
        matrix: (n_passages, n_terms) counts.
        terms: the sorted terms of the columns.
        speech_ids: the speech each passage comes from.
        n_words: the number of words of each passage.
        ngram_range: the term lengths counted.
        min_words: the passage settings used.
        max_words: the passage settings used.
        language: the language whose stop words were left out.
    """

    matrix: sparse.csr_matrix
    terms: np.ndarray
    speech_ids: np.ndarray
    n_words: np.ndarray
    ngram_range: tuple[int, int]
    min_words: int
    max_words: int
    language: str = "en"

    def __len__(self) -> int:
        """Return the number of passages."""
        return self.matrix.shape[0]

    def settings(self) -> tuple[tuple[int, int], int, int, str]:
        """Return (ngram_range, min_words, max_words, language): counts with other settings
        cannot mix."""
        return self.ngram_range, self.min_words, self.max_words, self.language

    def without(self, speech_ids: set[str]) -> PassageCounts:
        """Return these counts without the passages of the given speeches."""
        keep = ~np.isin(self.speech_ids, list(speech_ids))
        return PassageCounts(
            self.matrix[keep],
            self.terms,
            self.speech_ids[keep],
            self.n_words[keep],
            self.ngram_range,
            self.min_words,
            self.max_words,
            self.language,
        )

    def ordered(self, speech_ids: Sequence[str]) -> PassageCounts:
        """Return the passages in the order of `speech_ids` (reading order within a speech)."""
        codes = pd.Index(speech_ids).get_indexer(self.speech_ids)
        order = np.argsort(codes, kind="stable")
        if (order == np.arange(len(order))).all():
            return self
        return PassageCounts(
            self.matrix[order],
            self.terms,
            self.speech_ids[order],
            self.n_words[order],
            self.ngram_range,
            self.min_words,
            self.max_words,
            self.language,
        )

    def combined(self, other: PassageCounts) -> PassageCounts:
        """Return these counts followed by `other`'s, over the union of their terms."""
        matrix, terms = merge_counts([(self.matrix, self.terms), (other.matrix, other.terms)])
        return PassageCounts(
            matrix,
            terms,
            np.concatenate([self.speech_ids, other.speech_ids]),
            np.concatenate([self.n_words, other.n_words]),
            self.ngram_range,
            self.min_words,
            self.max_words,
            self.language,
        )

    def to_bytes(self) -> bytes:
        """Serialise as an .npz archive (no pickle)."""
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer,
            data=self.matrix.data,
            indices=self.matrix.indices,
            indptr=self.matrix.indptr,
            shape=np.asarray(self.matrix.shape),
            terms=self.terms.astype(str),
            speech_ids=self.speech_ids.astype(str),
            n_words=self.n_words,
            settings=np.asarray([*self.ngram_range, self.min_words, self.max_words]),
            language=np.asarray(self.language),
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, payload: bytes) -> PassageCounts:
        """Rebuild counts from `to_bytes` output."""
        with np.load(io.BytesIO(payload), allow_pickle=False) as a:
            matrix = sparse.csr_matrix(
                (a["data"], a["indices"], a["indptr"]), shape=tuple(a["shape"])
            )
            low, high, min_words, max_words = (int(v) for v in a["settings"])
            language = str(a["language"]) if "language" in a.files else "en"
            return cls(
                matrix,
                a["terms"].astype(str),
                a["speech_ids"].astype(object),
                a["n_words"],
                (low, high),
                min_words,
                max_words,
                language,
            )


def count_passages(
    passages: Passages,
    *,
    ngram_range: tuple[int, int],
    min_words: int,
    max_words: int,
    n_jobs: int = 2,
    language: str = "en",
) -> PassageCounts:
    """Count the terms of passages (see `count_terms`) and keep who said them."""
    matrix, terms = count_terms(
        passages.texts, ngram_range=ngram_range, n_jobs=n_jobs, language=language
    )
    return PassageCounts(
        matrix,
        terms,
        passages.speech_ids,
        passages.n_words,
        ngram_range,
        min_words,
        max_words,
        language,
    )


def count_speeches(
    texts: pd.Series,
    *,
    ngram_range: tuple[int, int],
    min_words: int = MIN_PASSAGE_WORDS,
    max_words: int = MAX_PASSAGE_WORDS,
    n_jobs: int = 2,
    language: str = "en",
) -> PassageCounts:
    """Cut speeches into passages and count their terms, a chunk of speeches per process.

    Cutting inside the workers means only the counts come back: this process never holds the
    text of every passage next to the speeches, which on 30 million words saves about 1 GB.

    Args:
        texts: speech texts indexed by speech_id.
        ngram_range: (1, 1) for words only, (1, 2) to add two-word terms.
        min_words: the fewest words of a passage.
        max_words: the most words of a passage.
        n_jobs: processes for cutting and counting; 1 works in this process.
        language: the speeches' language, whose stop words are left out (`stop_words_for`).
    """
    lengths = np.fromiter((len(str(t)) for t in texts.to_numpy()), dtype=np.int64, count=len(texts))
    n_chars = int(lengths.sum())
    n_chunks = 1
    if n_jobs > 1 and n_chars >= PARALLEL_MIN_CHARS:
        n_chunks = min(len(texts), max(n_jobs * 2, math.ceil(n_chars / PARALLEL_MIN_CHARS)))
    cuts = np.searchsorted(np.cumsum(lengths), np.linspace(0, n_chars, n_chunks + 1)[1:-1])
    bounds = [0, *cuts.tolist(), len(texts)]
    chunks = (texts.iloc[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True) if b > a)
    settings = (ngram_range, min_words, max_words, language)
    if n_chunks == 1:
        results = [_count_speech_chunk(texts, settings)]
    else:
        results = Parallel(n_jobs=n_jobs)(delayed(_count_speech_chunk)(c, settings) for c in chunks)
    matrix, terms = merge_counts([(m, t) for m, t, _, _ in results])
    return PassageCounts(
        matrix,
        terms,
        np.concatenate([ids for _, _, ids, _ in results]),
        np.concatenate([n for _, _, _, n in results]),
        ngram_range,
        min_words,
        max_words,
        language,
    )


def _count_speech_chunk(
    texts: pd.Series, settings: tuple[tuple[int, int], int, int, str]
) -> tuple[sparse.csr_matrix, list[str], np.ndarray, np.ndarray]:
    ngram_range, min_words, max_words, language = settings
    passages = to_passages(texts, min_words=min_words, max_words=max_words)
    matrix, terms = _count_chunk(passages.texts, ngram_range, language)
    return matrix, terms, passages.speech_ids, passages.n_words


def make_counter(
    *,
    ngram_range: tuple[int, int] = (1, 1),
    vocabulary: Sequence[str] | None = None,
    language: str = "en",
) -> CountVectorizer:
    """Return the CountVectorizer that applies the speech vocabulary rules (no frequency bounds),
    with the stop words of `language` (`stop_words_for`)."""
    return CountVectorizer(
        preprocessor=normalise_text,
        token_pattern=TOKEN_PATTERN,
        stop_words=sorted(stop_words_for(language)),
        ngram_range=ngram_range,
        vocabulary=vocabulary,
        dtype=np.int32,
    )


def _count_chunk(
    texts: list[str], ngram_range: tuple[int, int], language: str = "en"
) -> tuple[sparse.csr_matrix, list[str]]:
    counter = make_counter(ngram_range=ngram_range, language=language)
    try:
        matrix = counter.fit_transform(texts)
    except ValueError:  # a chunk without a single term
        return sparse.csr_matrix((len(texts), 0), dtype=np.int32), []
    return matrix.tocsr(), counter.get_feature_names_out().tolist()


def count_terms(
    texts: Sequence[str],
    *,
    ngram_range: tuple[int, int] = (1, 1),
    n_jobs: int = 2,
    language: str = "en",
) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Count the terms of many texts, tokenising chunks on `n_jobs` processes.

    Args:
        texts: passage texts.
        ngram_range: (1, 1) for words only, (1, 2) to add two-word terms.
        n_jobs: processes for tokenising; 1 tokenises in this process.
        language: the texts' language, whose stop words are left out (`stop_words_for`).

    Returns:
        The (n_texts, n_terms) count matrix and the sorted terms of its columns.
    """
    n_chars = sum(len(t) for t in texts)
    # Worker processes take seconds to start; they pay off on a few million characters.
    # Chunks of at most about PARALLEL_MIN_CHARS keep each worker's memory small.
    n_chunks = 1
    if n_jobs > 1 and n_chars >= PARALLEL_MIN_CHARS:
        n_chunks = max(n_jobs * 2, math.ceil(n_chars / PARALLEL_MIN_CHARS))
    bounds = np.linspace(0, len(texts), n_chunks + 1).astype(int)
    chunks = [list(texts[a:b]) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    if n_chunks == 1:
        results = [_count_chunk(chunks[0], ngram_range, language)]
    else:
        results = Parallel(n_jobs=n_jobs)(
            delayed(_count_chunk)(c, ngram_range, language) for c in chunks
        )
    return merge_counts(results)


def merge_counts(
    parts: Sequence[tuple[sparse.csr_matrix, Sequence[str] | np.ndarray]],
) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Stack count matrices with different vocabularies into one over the union of their terms.

    Column numbers are moved in place of the CSR arrays (no COO copy): each part's terms are
    sorted, so its columns stay in order in the union.
    """
    terms = np.unique(np.concatenate([np.asarray(t, dtype=object) for _, t in parts] + [[]]))
    terms = terms.astype(str)
    data, indices, indptr = [], [], [np.zeros(1, dtype=np.int64)]
    offset = 0
    for matrix, part_terms in parts:
        matrix = matrix.tocsr()
        if len(part_terms):
            columns = np.searchsorted(terms, np.asarray(part_terms, dtype=str)).astype(np.int32)
            indices.append(columns[matrix.indices])
            data.append(matrix.data.astype(np.int32, copy=False))
        indptr.append(matrix.indptr[1:].astype(np.int64) + offset)
        offset += matrix.nnz if len(part_terms) else 0
    merged = sparse.csr_matrix(
        (
            np.concatenate(data) if data else np.zeros(0, dtype=np.int32),
            np.concatenate(indices) if indices else np.zeros(0, dtype=np.int32),
            np.concatenate(indptr),
        ),
        shape=(sum(m.shape[0] for m, _ in parts), len(terms)),
    )
    merged.sort_indices()
    return merged, terms


def document_frequency_bounds(
    n_docs: int, *, min_df: int | float | None = None, max_df: int | float | None = None
) -> tuple[int, int]:
    """Turn document-frequency settings into passage counts, adapting unset ones to corpus size.

    Unset `min_df` keeps terms in at least 2 passages (1 below 30 passages), rising to 1 in
    5,000 passages on large corpora so that rare names and typos do not crowd the vocabulary.
    Unset `max_df` drops terms in more than half of the passages (in more than 90% below
    30 passages, where half would remove the speaker's main subject).

    Args:
        n_docs: the number of passages.
        min_df: the fewest passages a term must occur in (int) or a share of passages (float).
        max_df: the most passages a term may occur in (int) or a share of passages (float).

    Returns:
        (lowest, highest) document frequency a kept term may have.
    """
    if min_df is None:
        low = 1 if n_docs < 30 else max(2, math.ceil(n_docs / 5000))
    elif isinstance(min_df, float):
        low = max(1, math.ceil(min_df * n_docs))
    else:
        low = int(min_df)
    if max_df is None:
        max_df = 0.9 if n_docs < 30 else 0.5
    high = int(max_df) if isinstance(max_df, int) else math.floor(max_df * n_docs)
    return low, max(high, 1)


def prune_terms(
    counts: sparse.csr_matrix, terms: np.ndarray, *, low: int, high: int
) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Keep the terms whose document frequency lies in [low, high].

    Two-word terms must occur in at least 2 passages whatever `low` is: a phrase seen once
    is an accident of wording, not a theme.

    Raises:
        EmptyVocabularyError: when no term is left.
    """
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    is_phrase = np.char.find(terms.astype(str), " ") >= 0
    lowest = np.where(is_phrase, max(low, 2), low)
    keep = np.flatnonzero((df >= lowest) & (df <= high))
    if keep.size == 0:
        raise EmptyVocabularyError(
            f"No terms occur in between {low} and {high} passages of the selection; "
            "add speeches or relax the document-frequency bounds."
        )
    return counts[:, keep], terms[keep]

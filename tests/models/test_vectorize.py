"""Passages and vocabulary rules of the theme models."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest
from scipy import sparse

from corpus.records import Speech, speech_id_for
from models.errors import EmptyVocabularyError
from models.themes.vectorize import (
    SPEECH_STOP_WORDS,
    as_texts,
    count_passages,
    count_speeches,
    count_terms,
    document_frequency_bounds,
    make_counter,
    merge_counts,
    prune_terms,
    split_passages,
    stop_words_for,
    to_passages,
)

DAY = date(2020, 1, 1)


def _words(n: int, word: str = "word") -> str:
    return " ".join(f"{word}{i}" for i in range(n))


@pytest.mark.parametrize(
    ("paragraphs", "expected"),
    [
        ([50, 50, 50], [50, 50, 50]),
        ([10, 10, 10, 10], [40]),
        ([30, 30, 30], [90]),
        ([100, 5], [105]),
        ([250], [125, 125]),
        ([0], []),
    ],
    ids=[
        "paragraphs-of-40-plus-words-stand-alone",
        "short-paragraphs-merge",
        "a-short-remainder-after-a-merge-joins-it",
        "a-short-remainder-joins-the-last-passage",
        "a-long-paragraph-splits-at-sentence-ends",
        "no-words-no-passages",
    ],
)
def test_split_passages_merges_short_and_splits_long_paragraphs(
    paragraphs: list[int], expected: list[int]
) -> None:
    if paragraphs == [250]:
        text = " ".join(_words(25, f"s{i}w") + "." for i in range(10))
    else:
        text = "\n\n".join(_words(n) for n in paragraphs)
    assert [len(p.split()) for p in split_passages(text)] == expected


def test_a_run_on_sentence_is_cut_between_words() -> None:
    passages = split_passages(_words(500), min_words=40, max_words=200)
    assert all(len(p.split()) <= 200 for p in passages)
    assert sum(len(p.split()) for p in passages) == 500


def test_single_line_breaks_separate_paragraphs_too() -> None:
    text = _words(45, "a") + "\n" + _words(45, "b")
    assert len(split_passages(text)) == 2


def test_to_passages_keeps_the_owner_and_length_of_each_passage() -> None:
    texts = as_texts(
        [
            Speech(speech_id="s1", title="t", speaker="p", delivered_on=DAY, text=_words(45)),
            Speech(speech_id="s2", title="t", speaker="p", delivered_on=DAY, text=_words(90)),
        ]
    )
    assert texts.index.name == "speech_id"
    passages = to_passages(texts, min_words=40, max_words=60)
    assert list(passages.speech_ids) == ["s1", "s2", "s2"]
    assert list(passages.n_words) == [45, 36, 54]  # 90 words cut to stay under 60


def test_formulas_numbers_and_long_tokens_are_not_terms() -> None:
    analyse = make_counter(ngram_range=(1, 1)).build_analyzer()
    text = (
        "Ladies and gentlemen, dear colleagues, thank you. Mr President, Madam Chairperson, "
        "in 2018 some 1,455 delegates discussed G20 budgets with President Putin and the "
        "Supercalifragilisticexpialidocious committee."
    )
    terms = analyse(text)
    assert terms == ["discussed", "g20", "budgets", "president", "putin", "committee"]


def test_bigrams_join_neighbouring_terms() -> None:
    analyse = make_counter(ngram_range=(1, 2)).build_analyzer()
    assert "consultative status" in analyse("NGOs with consultative status at ECOSOC")


@pytest.mark.parametrize(
    ("n_docs", "min_df", "max_df", "expected"),
    [
        (15, None, None, (1, 13)),
        (1000, None, None, (2, 500)),
        (250_000, None, None, (50, 125_000)),
        (1000, 5, 0.2, (5, 200)),
        (1000, 0.01, 900, (10, 900)),
    ],
    ids=["one-speech", "mid-size", "large", "explicit-counts", "shares-and-counts"],
)
def test_document_frequency_bounds_adapt_to_corpus_size(
    n_docs: int, min_df: float | None, max_df: float | None, expected: tuple[int, int]
) -> None:
    assert document_frequency_bounds(n_docs, min_df=min_df, max_df=max_df) == expected


def test_prune_terms_needs_two_passages_for_a_phrase_and_refuses_an_empty_vocabulary() -> None:
    counts = sparse.csr_matrix(np.array([[1, 1, 1], [1, 0, 0], [1, 0, 0]], dtype=np.int32))
    terms = np.array(["nets", "consultative status", "quota"])
    kept, kept_terms = prune_terms(counts, terms, low=1, high=3)
    assert list(kept_terms) == ["nets", "quota"]
    assert kept.shape == (3, 2)
    with pytest.raises(EmptyVocabularyError, match="No terms occur in between 5 and 9 passages"):
        prune_terms(counts, terms, low=5, high=9)


def test_counting_in_worker_processes_equals_counting_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import models.themes.vectorize as vectorize

    monkeypatch.setattr(vectorize, "PARALLEL_MIN_CHARS", 1000)  # about 12 chunks
    texts = [
        f"boats nets harbour {i % 7} taxes budget" if i % 2 else "goals league" for i in range(400)
    ]
    here, here_terms = count_terms(texts, n_jobs=1)
    there, there_terms = count_terms(texts, n_jobs=2)
    assert (
        list(here_terms)
        == list(there_terms)
        == ["boats", "budget", "goals", "harbor", "league", "nets", "taxes"]
    )
    assert (here != there).nnz == 0


def test_merge_counts_aligns_different_vocabularies() -> None:
    a = sparse.csr_matrix(np.array([[2, 1]], dtype=np.int32))
    b = sparse.csr_matrix(np.array([[3, 4]], dtype=np.int32))
    merged, terms = merge_counts([(a, ["boats", "nets"]), (b, ["budget", "nets"])])
    assert list(terms) == ["boats", "budget", "nets"]
    assert merged.toarray().tolist() == [[2, 0, 1], [0, 3, 4]]


def test_merge_counts_keeps_the_rows_of_a_part_without_terms() -> None:
    a = sparse.csr_matrix(np.array([[2, 1]], dtype=np.int32))
    empty = sparse.csr_matrix((2, 0), dtype=np.int32)
    merged, terms = merge_counts([(empty, []), (a, ["boats", "nets"])])
    assert list(terms) == ["boats", "nets"]
    assert merged.toarray().tolist() == [[0, 0], [0, 0], [2, 1]]


@pytest.mark.parametrize("n_jobs", [1, 2], ids=["here", "in-workers"])
def test_counting_speeches_equals_counting_their_passages(
    n_jobs: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import models.themes.vectorize as vectorize
    from tests.models.conftest import build_corpus

    monkeypatch.setattr(vectorize, "PARALLEL_MIN_CHARS", 5000)  # a few chunks of the 18 speeches
    texts = build_corpus().texts
    direct = count_speeches(texts, ngram_range=(1, 2), min_words=40, max_words=200, n_jobs=n_jobs)
    passages = to_passages(texts, min_words=40, max_words=200)
    reference = count_passages(passages, ngram_range=(1, 2), min_words=40, max_words=200, n_jobs=1)
    assert list(direct.terms) == list(reference.terms)
    assert (direct.matrix != reference.matrix).nnz == 0
    assert list(direct.speech_ids) == list(reference.speech_ids)
    assert direct.n_words.tolist() == reference.n_words.tolist()
    assert direct.settings() == reference.settings()


def test_as_texts_indexes_texts_by_speech_id() -> None:
    text = "Fishing boats and nets."
    speech = Speech(
        speech_id=speech_id_for(text), title="t", speaker="p", delivered_on=DAY, text=text
    )
    texts = as_texts([speech])
    assert texts.to_dict() == {speech.speech_id: text}


LANGUAGES = Path(__file__).parents[1] / "data" / "languages"


@pytest.mark.parametrize(
    ("code", "stop", "kept"),
    [
        ("ru", {"вами", "ваши", "во", "чтобы", "которые"}, {"конфликтов", "соотечественников"}),
        ("uk", {"вам", "за", "які", "нас"}, {"лікарні", "підтримку"}),
        ("it", {"delle", "nella", "sono", "il"}, {"giovani", "ricerca"}),
        ("de", {"und", "ihre", "wir", "die"}, {"forschung", "unternehmen"}),
    ],
)
def test_speeches_in_other_languages_lose_their_own_stop_words(
    code: str, stop: set[str], kept: set[str]
) -> None:
    text = (LANGUAGES / f"{code}.txt").read_text(encoding="utf-8")
    _, english_rules = count_terms([text], n_jobs=1)
    _, own_rules = count_terms([text], n_jobs=1, language=code)
    assert stop <= set(english_rules), "the English list leaves them in"
    assert not stop & set(own_rules)
    assert kept <= set(own_rules)


def test_english_stop_words_are_those_of_before() -> None:
    assert stop_words_for("en") == SPEECH_STOP_WORDS
    assert SPEECH_STOP_WORDS < stop_words_for("fr")
    assert stop_words_for("xx") == SPEECH_STOP_WORDS  # no list shipped: English only

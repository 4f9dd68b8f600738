"""The out-of-core theme path: hashed counts, themes like the in-memory path's, scoring, the store."""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linear_sum_assignment
from sklearn.feature_extraction.text import HashingVectorizer

import models.themes.topics as topics
from corpus.records import Speech, speech_id_for
from corpus.store import CorpusStore
from models.themes.store import current_themes, score_new, stored_themes
from models.themes.stream import N_BUCKETS, bucket_of, hashed_counts, speech_batches
from models.themes.topics import TopicModel
from models.themes.vectorize import SPEECH_STOP_WORDS, TOKEN_PATTERN, normalise_text, split_passages
from tests.conftest import SHARED, need_corpora

# UN speeches of the late 2000s: lines 8,000 to 8,080 of the corpus file, about 200,000 words.
FIRST_LINE, N_SPEECHES = 8000, 80
N_THEMES = 6


@pytest.fixture(scope="module")
def un_speeches() -> list[Speech]:
    """Eighty real UN General Debate speeches, plus one more held out for scoring."""
    path = need_corpora("ungdc", "ungdc_1946-2024.jsonl.gz")
    out: list[Speech] = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i < FIRST_LINE:
                continue
            if len(out) > N_SPEECHES:
                break
            record = json.loads(line)
            text = record["text"].strip()
            out.append(
                Speech(
                    speech_id=speech_id_for(text),
                    title=f"General Debate {record['year']}, {record['iso3']}",
                    speaker=str(record.get("speaker") or record["iso3"]),
                    delivered_on=date(int(record["year"]), 9, 20),
                    date_precision="year",
                    text=text,
                )
            )
    return out


def _texts(speeches: list[Speech]) -> pd.Series:
    return pd.Series(
        [s.text for s in speeches],
        index=pd.Index([s.speech_id for s in speeches], name="speech_id"),
        dtype=object,
    )


@pytest.fixture(scope="module")
def both_paths(un_speeches: list[Speech]) -> tuple[TopicModel, TopicModel]:
    """The same speeches fitted in memory and out of core, with the same number of themes."""
    texts = _texts(un_speeches[:-1])
    in_memory = TopicModel(n_topics=N_THEMES, out_of_core=False, n_jobs=1).fit(texts)
    streamed = TopicModel(n_topics=N_THEMES, out_of_core=True, n_jobs=1).fit(texts)
    return in_memory, streamed


def _seed_text() -> str:
    seed = SHARED / "seed" / "2018-06-15-lavrov-remarks-to-russian-ngos.txt"
    if not seed.exists():
        pytest.skip(f"needs the seed speech at {seed} (../shared/seed beside the checkout)")
    return seed.read_text(encoding="utf-8")


def test_hashed_counts_equal_scikit_learns_hashing_vectorizer() -> None:
    passages = split_passages(_seed_text())
    hashed, terms, buckets, totals = hashed_counts(passages, ngram_range=(1, 1))
    reference = HashingVectorizer(
        n_features=N_BUCKETS,
        preprocessor=normalise_text,
        token_pattern=TOKEN_PATTERN,
        stop_words=sorted(SPEECH_STOP_WORDS),
        alternate_sign=False,
        norm=None,
    ).transform(passages)
    assert (hashed != reference).nnz == 0
    assert hashed.sum() == totals.sum() > 500
    assert "ngos" in set(terms)
    assert buckets[list(terms).index("ngos")] == bucket_of(["ngos"])[0]


def test_speech_batches_cover_every_speech_once_in_a_seeded_order() -> None:
    ids = [f"s{i}" for i in range(450)]
    batches = speech_batches(ids, random_state=3)
    assert [len(b) for b in batches] == [200, 200, 50]
    assert sorted(sum(batches, [])) == sorted(ids)
    assert batches == speech_batches(ids, random_state=3) != speech_batches(ids)


def test_streamed_themes_match_the_in_memory_themes(
    both_paths: tuple[TopicModel, TopicModel],
) -> None:
    in_memory, streamed = both_paths
    assert streamed.buckets_ is not None and in_memory.buckets_ is None
    assert streamed.n_passages_ == in_memory.n_passages_
    # hashed columns are named after terms the exact vocabulary also has
    top = set(streamed.top_terms(n=10)["term"])
    assert len(top & set(in_memory.terms_)) >= 0.95 * len(top)
    old, new = _top_term_sets(in_memory), _top_term_sets(streamed)
    overlap = np.array([[len(a & b) / 10 for b in new] for a in old])
    rows, cols = linear_sum_assignment(-overlap)
    shares = overlap[rows, cols]
    labels = (in_memory.default_labels(), streamed.default_labels())
    assert np.median(shares) >= 0.6 and (shares >= 0.3).all(), labels


def _top_term_sets(model: TopicModel) -> list[set[str]]:
    terms = model.top_terms(n=10)
    return [set(group["term"]) for _, group in terms.groupby("topic")]


def test_the_streamed_model_scores_a_new_speech_and_round_trips_through_bytes(
    both_paths: tuple[TopicModel, TopicModel], un_speeches: list[Speech]
) -> None:
    in_memory, streamed = both_paths
    new = _texts(un_speeches[-1:])
    mix = streamed.transform(new)
    assert mix.shape == (1, N_THEMES)
    np.testing.assert_allclose(mix.sum(axis=1), 1.0)
    # both paths see the same leading theme in the held-out speech
    top_terms = _top_term_sets(in_memory)[int(np.argmax(in_memory.transform(new)))]
    assert top_terms & _top_term_sets(streamed)[int(np.argmax(mix))]
    again = TopicModel.from_bytes(streamed.to_bytes())
    assert again.buckets_ is not None
    np.testing.assert_array_equal(again.buckets_, streamed.buckets_)
    np.testing.assert_allclose(again.transform(new), mix)
    with np.load(io.BytesIO(in_memory.to_bytes()), allow_pickle=False) as arrays:
        assert json.loads(str(arrays["meta"]))["hashed"] is False


@pytest.fixture
def un_store(tmp_path: Path, un_speeches: list[Speech]) -> Iterator[CorpusStore]:
    """A store on an SQLite file with the UN slice (not the held-out speech)."""
    store = CorpusStore(f"sqlite:///{tmp_path / 'un.sqlite'}", seed=False)
    store.add_many(un_speeches[:-1])
    yield store
    store.dispose()


def test_the_store_picks_the_out_of_core_path_above_the_threshold(
    un_store: CorpusStore, un_speeches: list[Speech], monkeypatch: pytest.MonkeyPatch
) -> None:
    n_words = sum(s.n_words for s in un_speeches[:-1])
    monkeypatch.setattr(topics, "OUT_OF_CORE_WORDS", n_words - 1)
    assert TopicModel().is_out_of_core(n_words)
    assert not TopicModel(out_of_core=False).is_out_of_core(n_words)
    streamed = current_themes(un_store, n_topics=N_THEMES)
    assert streamed.fitted_now and streamed.model.buckets_ is not None
    assert len(streamed.mix) == N_SPEECHES
    np.testing.assert_allclose(streamed.mix.sum(axis=1), 1.0, atol=1e-6)
    # a new speech is scored with the stored hashed model, without a refit
    un_store.add(un_speeches[-1])
    scored = score_new(un_store, [un_speeches[-1].speech_id])
    assert scored["share"].sum() == pytest.approx(1.0)
    loaded = stored_themes(un_store)
    assert loaded is not None and loaded.fit_id == streamed.fit_id
    assert loaded.model.buckets_ is not None and len(loaded.mix) == N_SPEECHES + 1
    assert loaded.themes()["terms"].tolist() == streamed.themes()["terms"].tolist()
    # a refit in memory matches its themes to the hashed ones and keeps their numbers
    refit = current_themes(un_store, refit=True, out_of_core=False)
    assert refit.model.buckets_ is None
    kept = set(refit.theme_ids) & set(streamed.theme_ids)
    assert len(kept) >= len(streamed.theme_ids) - 2
    assert refit.n_changed is not None and refit.n_changed <= 3
    old = streamed.top_terms(n=10).groupby("theme")["term"].agg(set)
    new = refit.top_terms(n=10).groupby("theme")["term"].agg(set)
    shared = [len(old[t] & new[t]) for t in kept]
    assert np.median(shared) >= 5, (streamed.themes(), refit.themes())

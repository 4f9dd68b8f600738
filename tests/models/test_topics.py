"""The theme model: known themes, the estimator contract, read-outs, persistence, the seed speech."""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from models.errors import NotEnoughTextError
from models.themes.quality import (
    candidate_counts,
    choose_n_topics,
    coarser_counts,
    granularity_floor,
    npmi_coherence,
)
from models.themes.topics import TopicModel
from tests.models.conftest import SUBJECTS, SyntheticCorpus, synthetic_speech


@pytest.fixture(scope="module")
def topic_model(speeches: SyntheticCorpus) -> TopicModel:
    """A model with three themes fitted on the synthetic corpus."""
    return TopicModel(n_topics=3).fit(speeches.texts)


def _subject_of_topics(model: TopicModel) -> dict[int, str]:
    """Name each topic after the subject its top five terms come from (all five must agree)."""
    terms = model.top_terms(n=5)
    named = {}
    for topic, group in terms.groupby("topic"):
        owners = {s for term in group["term"] for s, words in SUBJECTS.items() if term in words}
        assert len(owners) == 1, f"topic {topic} mixes subjects: {list(group['term'])}"
        named[int(topic)] = owners.pop()
    return named


def test_the_three_subjects_come_out_as_three_themes(
    topic_model: TopicModel, speeches: SyntheticCorpus
) -> None:
    named = _subject_of_topics(topic_model)
    assert sorted(named.values()) == ["fishing", "football", "taxes"]
    mix = topic_model.transform(speeches.texts)
    main = pd.Series(np.argmax(mix, axis=1), index=speeches.texts.index).map(named)
    assert (main == speeches.main_subject).all()


def test_a_speech_mix_is_the_length_weighted_mix_of_its_passages(
    topic_model: TopicModel, speeches: SyntheticCorpus
) -> None:
    mix = topic_model.transform(speeches.texts)
    np.testing.assert_allclose(mix.sum(axis=1), 1.0)
    # four paragraphs on the main subject, one on the second: about 0.8 and 0.2
    top_two = np.sort(mix, axis=1)[:, ::-1][:, :2]
    assert (top_two[:, 0] > 0.65).all() and (top_two[:, 1] > 0.1).all()


def test_the_number_of_themes_is_chosen_from_the_data(speeches: SyntheticCorpus) -> None:
    # 90 passages: the floor is 6 themes, far less coherent here than three or four (three
    # subjects and the filler), so the data win over the floor
    model = TopicModel(max_topics=6).fit(speeches.texts)
    assert model.n_topics_ in (3, 4)
    assert sorted(row["k"] for row in model.selection_) == [3, 5, 6]
    assert set(model.selection_[0]) == {"k", "coherence", "stability"}


def test_candidate_counts_grow_with_the_corpus() -> None:
    assert granularity_floor(15) == 3  # one speech: a handful
    assert granularity_floor(800) == 10  # a few dozen speeches
    assert 15 <= granularity_floor(20_000) <= granularity_floor(450_000) <= 25  # the UN corpus
    assert candidate_counts(15, max_topics=40) == [3, 4, 5]
    assert candidate_counts(9000, max_topics=40) == [14, 17, 20, 22, 25, 28]
    assert candidate_counts(100, max_topics=40)[-1] == 12  # at most twice the floor
    assert coarser_counts(9000, max_topics=40) == [3, 13]
    assert coarser_counts(15, max_topics=40) == []


def test_choose_n_topics_is_deterministic(
    topic_model: TopicModel, speeches: SyntheticCorpus
) -> None:
    from models.themes.vectorize import count_terms, to_passages

    passages = to_passages(speeches.texts)
    counts, _ = count_terms(passages.texts, n_jobs=1)
    assert choose_n_topics(counts, max_topics=5) == choose_n_topics(counts, max_topics=5)


def test_npmi_is_one_for_terms_that_always_occur_together() -> None:
    from scipy import sparse

    binary = sparse.csr_matrix(np.array([[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 1], [0, 0, 1, 1]]))
    components = np.array([[1.0, 0.9, 0.0, 0.0], [0.0, 0.0, 1.0, 0.9]])
    np.testing.assert_allclose(npmi_coherence(binary, components, top_n=2), [1.0, 1.0])


# -- estimator contract (STYLE.md sections 5 and 11) -----------------------------------------


def test_init_is_keyword_only_and_stores_params_verbatim() -> None:
    with pytest.raises(TypeError):
        TopicModel(3)  # type: ignore[misc]
    model = TopicModel(n_topics=4, max_df=0.7, min_df=3, ngram_range=(1, 2))
    assert model.get_params()["ngram_range"] == (1, 2)
    assert clone(model).get_params() == model.get_params()
    assert model.set_params(n_topics=5).n_topics == 5


def test_fit_returns_self_and_nothing_works_before_fit(speeches: SyntheticCorpus) -> None:
    model = TopicModel(n_topics=3)
    for call in (
        lambda: model.transform(speeches.texts),
        lambda: model.top_terms(),
        lambda: model.get_feature_names_out(),
        lambda: model.to_bytes(),
    ):
        with pytest.raises(NotFittedError):
            call()
    assert model.fit(speeches.texts) is model


def test_same_random_state_gives_the_same_themes(
    topic_model: TopicModel, speeches: SyntheticCorpus
) -> None:
    again = TopicModel(n_topics=3).fit(speeches.texts)
    np.testing.assert_array_equal(again.components_, topic_model.components_)
    pd.testing.assert_frame_equal(again.top_terms(), topic_model.top_terms())


def test_transform_width_and_pandas_output_keep_the_speech_ids(
    topic_model: TopicModel, speeches: SyntheticCorpus
) -> None:
    names = topic_model.get_feature_names_out()
    assert list(names) == ["topic_0", "topic_1", "topic_2"]
    assert topic_model.transform(speeches.texts).shape == (len(speeches.texts), len(names))
    framed = clone(topic_model).set_output(transform="pandas").fit_transform(speeches.texts)
    assert list(framed.columns) == list(names)
    assert framed.index.equals(speeches.texts.index)
    assert framed.index.name == "speech_id"


def test_fit_transform_equals_fit_then_transform_closely(
    topic_model: TopicModel, speeches: SyntheticCorpus
) -> None:
    fitted = TopicModel(n_topics=3).fit_transform(speeches.texts)
    np.testing.assert_allclose(fitted, topic_model.transform(speeches.texts), atol=0.02)


def test_a_new_speech_is_scored_without_refitting(topic_model: TopicModel) -> None:
    before = topic_model.components_.copy()
    new = synthetic_speech("football", "taxes", seed=99)
    mix = topic_model.transform(pd.Series({new.speech_id: new.text}))
    named = _subject_of_topics(topic_model)
    assert named[int(np.argmax(mix[0]))] == "football"
    np.testing.assert_array_equal(topic_model.components_, before)


def test_too_little_text_says_how_much_is_needed() -> None:
    with pytest.raises(NotEnoughTextError, match="Themes need at least 8 passages .* has 1"):
        TopicModel().fit(pd.Series({"s1": "Fishing boats and nets in the harbour."}))


def test_too_many_themes_for_the_selection_is_refused(speeches: SyntheticCorpus) -> None:
    with pytest.raises(NotEnoughTextError, match="Choose at most 45 themes"):
        TopicModel(n_topics=80).fit(speeches.texts)


def test_texts_must_be_a_series_with_unique_ids(speeches: SyntheticCorpus) -> None:
    with pytest.raises(TypeError, match="pandas Series"):
        TopicModel().fit(list(speeches.texts))  # type: ignore[arg-type]
    doubled = pd.concat([speeches.texts, speeches.texts])
    with pytest.raises(ValueError, match="unique speech ids"):
        TopicModel().fit(doubled)


# -- read-outs and persistence ---------------------------------------------------------------


def test_top_terms_is_a_tidy_frame(topic_model: TopicModel) -> None:
    terms = topic_model.top_terms(n=4)
    assert list(terms.columns) == ["topic", "rank", "term", "weight"]
    assert len(terms) == 12
    assert terms.groupby("topic")["rank"].apply(list).tolist() == [[1, 2, 3, 4]] * 3
    weights = terms.groupby("topic")["weight"].apply(lambda w: list(w) == sorted(w, reverse=True))
    assert weights.all()


def test_default_labels_join_three_top_terms(topic_model: TopicModel) -> None:
    labels = topic_model.default_labels()
    terms = topic_model.top_terms(n=3)
    assert labels[0] == " · ".join(terms.loc[terms["topic"] == 0, "term"])


def test_the_model_round_trips_through_bytes_without_pickle(
    topic_model: TopicModel, speeches: SyntheticCorpus
) -> None:
    payload = topic_model.to_bytes()
    with np.load(__import__("io").BytesIO(payload), allow_pickle=False) as arrays:
        assert sorted(arrays.files) == ["buckets", "components", "idf", "meta", "terms"]
    again = TopicModel.from_bytes(payload)
    assert again.get_params() == topic_model.get_params()
    np.testing.assert_allclose(
        again.transform(speeches.texts), topic_model.transform(speeches.texts)
    )


# -- the seed speech alone -------------------------------------------------------------------


def _seed_text() -> str:
    text = resources.files("corpus").joinpath("data/2018-06-15-lavrov-remarks-to-russian-ngos.txt")
    lines = text.read_text(encoding="utf-8").strip().splitlines()
    return "\n".join(lines[3:])  # after the title, a blank line and the page-metadata line


def test_the_seed_speech_alone_gives_sensible_themes() -> None:
    model = TopicModel().fit(pd.Series({"seed": _seed_text()}))
    assert model.n_topics_ >= 4
    terms = model.top_terms(n=10).groupby("topic")["term"].apply(set)

    def themes_with(*words: str) -> set[int]:
        return {t for t, ts in terms.items() if any(w in term for term in ts for w in words)}

    ngo = themes_with("ngo", "consultative", "status")
    # the speech's Eurasian passage: the SCO, the EAEU, the Greater Eurasian Partnership
    eurasia = themes_with("eurasian", "integration", "eaeu", "partnership", "sco")
    assert ngo and eurasia
    assert ngo != eurasia or len(ngo | eurasia) > 1
    assert not any("colleagues" in ts or "gentlemen" in ts for ts in terms)

"""Keyness, theme comparison, similarity and the comparison command line."""

from __future__ import annotations

import argparse
import io
import json
import math
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from scipy.stats import chi2_contingency

from cli import compare as cli_compare
from cli.compare import register
from corpus.store import CorpusStore
from models.compare.keyness import (
    COUNTS_ARTIFACT,
    KEYNESS_COLUMNS,
    TermCounts,
    corpus_term_counts,
    distinctive_terms,
    keyness,
    nearest_speeches,
    similarity_matrix,
    term_counts,
    theme_comparison,
    update_term_counts,
)
from models.errors import EmptyVocabularyError, NotEnoughTextError, SelectionError
from tests.conftest import make_speech

COMMON = "the minister spoke about cooperation, development and the future of the region. "
FISH = "our fisheries need quotas for fishing boats and healthy fish stocks in the sea. "
TAX = "fair taxation needs budget rules, tax collection and steady revenue for the national treasury. "


def _texts() -> pd.Series:
    """Four speeches on fisheries (a1-a4) and four on taxation (b1-b4), sharing common words.

    Both groups have the same number of words, so the common words are exactly as frequent in each.
    """
    a = {f"a{i}": (FISH * (3 + i) + COMMON * 4) for i in range(1, 5)}
    b = {f"b{i}": (TAX * (3 + i) + COMMON * 4) for i in range(1, 5)}
    a["a1"] += " herring herring herring herring herring herring."
    b["b1"] += " levy levy levy levy levy levy."  # both groups stay the same size
    return pd.Series({**a, **b}, name="text").rename_axis("speech_id")


A_IDS = ["a1", "a2", "a3", "a4"]
B_IDS = ["b1", "b2", "b3", "b4"]


def test_keyness_finds_the_terms_each_group_was_built_around() -> None:
    frame = keyness(term_counts(_texts()), a=A_IDS, b=B_IDS)

    assert list(frame.columns) == KEYNESS_COLUMNS
    assert KEYNESS_COLUMNS == [
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
    a_terms = set(frame.loc[frame["favours"] == "a", "term"])
    b_terms = set(frame.loc[frame["favours"] == "b", "term"])
    assert {"fisheries", "fishing", "fish", "quotas"} <= a_terms
    assert {"taxation", "tax", "revenue", "treasury"} <= b_terms
    # shared words are as frequent on both sides relative to size, stop words never appear
    assert "minister" not in set(frame["term"])
    assert not {"the", "and", "our", "for"} & set(frame["term"])
    # A's terms first, each side by descending g2, every kept term significant
    favours = frame["favours"].tolist()
    assert favours == sorted(favours)
    for side in ("a", "b"):
        g2 = frame.loc[frame["favours"] == side, "g2"].to_numpy()
        assert (np.diff(g2) <= 0).all()
    assert (frame["p_value"] < 0.001).all()
    assert (frame.loc[frame["favours"] == "a", "log_ratio"] > 0).all()
    assert (frame.loc[frame["favours"] == "b", "log_ratio"] < 0).all()


def test_g2_p_value_and_log_ratio_match_a_hand_computation() -> None:
    # A: 1,000 words of which "fisheries" 10; B: 1,000 words of which "fisheries" 2.
    texts = pd.Series(
        {"a": "fisheries " * 10 + "alpha " * 990, "b": "fisheries " * 2 + "beta " * 998}
    )
    frame = keyness(term_counts(texts), a=["a"], b=["b"], min_count=1, max_p=None)
    row = frame.set_index("term").loc["fisheries"]

    # By hand: N = 2000; expected 6 and 6 for the term, 994 and 994 for the other words.
    # G2 = 2 (10 ln 10/6 + 2 ln 2/6 + 990 ln 990/994 + 998 ln 998/994)
    #    = 2 (5.108256 - 2.197225 - 3.991938 + 4.008067) = 5.854257
    assert row["g2"] == pytest.approx(5.85425656648961, rel=1e-12)
    g2_scipy = chi2_contingency(
        [[10, 2], [990, 998]], correction=False, lambda_="log-likelihood"
    ).statistic
    assert row["g2"] == pytest.approx(g2_scipy, rel=1e-12)
    assert row["p_value"] == pytest.approx(0.0155394207840957, rel=1e-9)
    assert row["log_ratio"] == pytest.approx(math.log2(5))
    assert (row["count_a"], row["count_b"]) == (10, 2)
    assert (row["per_10k_a"], row["per_10k_b"]) == (pytest.approx(100.0), pytest.approx(20.0))
    assert row["favours"] == "a"
    # the default threshold (p < 0.001) drops it
    assert "fisheries" not in set(keyness(term_counts(texts), a=["a"], b=["b"])["term"])


def test_log_ratio_replaces_a_zero_count_by_one_half() -> None:
    texts = pd.Series({"a": "fisheries " * 10 + "alpha " * 990, "b": "beta " * 1000})
    frame = keyness(term_counts(texts), a=["a"], b=["b"], min_count=1, max_p=None)
    row = frame.set_index("term").loc["fisheries"]
    assert row["log_ratio"] == pytest.approx(math.log2((10 / 1000) / (0.5 / 1000)))
    assert math.isfinite(row["g2"]) and row["count_b"] == 0


def test_keyness_options_min_count_n_and_equal_rates() -> None:
    counts = term_counts(_texts())
    everything = keyness(counts, a=A_IDS, b=B_IDS, min_count=1, max_p=None)
    assert "minister" not in set(everything["term"])  # exactly as frequent on both sides
    top = keyness(counts, a=A_IDS, b=B_IDS, n=2)
    assert top["favours"].value_counts().to_dict() == {"a": 2, "b": 2}
    strict = keyness(counts, a=A_IDS, b=B_IDS, min_count=10_000)
    assert strict.empty and list(strict.columns) == KEYNESS_COLUMNS


@pytest.mark.parametrize("max_p", [0.05, 0.001, 1e-6])
def test_keyness_keeps_exactly_the_terms_below_the_p_value_asked_for(max_p: float) -> None:
    # one speech against many, on a Zipf-like vocabulary, as on the Speech page
    rng = np.random.default_rng(7)
    letters = "bcdfghjklmnpqrstvwxz"
    vocabulary = np.array([f"w{letters[i // 20]}{letters[i % 20]}a" for i in range(400)])
    weights = 1 / np.arange(1, 401)
    texts = pd.Series(
        {
            f"s{i}": " ".join(rng.choice(vocabulary, size=300, p=weights / weights.sum()))
            for i in range(60)
        }
    )
    counts = term_counts(texts)
    everything = keyness(counts, a=["s0"], b=[f"s{i}" for i in range(1, 60)], max_p=None)
    kept = keyness(counts, a=["s0"], b=[f"s{i}" for i in range(1, 60)], max_p=max_p)
    expected = everything[everything["p_value"] < max_p].reset_index(drop=True)
    assert len(kept) < len(everything)
    pd.testing.assert_frame_equal(kept, expected)


def test_column_totals_are_the_counts_of_every_speech() -> None:
    counts = term_counts(_texts())
    totals = counts.column_totals()
    assert totals.tolist() == np.asarray(counts.matrix.sum(axis=0)).ravel().tolist()
    assert counts.column_totals() is totals  # summed once


def test_bigrams_join_adjacent_words_only() -> None:
    texts = pd.Series(
        {"a": "fish stocks and the rule of law. " * 50, "b": "tax revenue for the state. " * 50}
    )
    counts = term_counts(texts, bigrams=True)
    assert "fish stocks" in set(counts.terms)
    assert "rule law" not in set(counts.terms)
    frame = keyness(counts, a=["a"], b=["b"])
    assert "fish stocks" in set(frame.loc[frame["favours"] == "a", "term"])
    assert "tax revenue" in set(frame.loc[frame["favours"] == "b", "term"])


def test_term_counts_use_given_word_counts_and_refuse_empty_input() -> None:
    texts = pd.Series({"x": "fisheries and quotas", "y": "taxation of boats"})
    counts = term_counts(texts, n_words=pd.Series({"y": 30, "x": 10}))
    assert counts.n_words.tolist() == [10, 30]
    assert term_counts(texts).n_words.tolist() == [3, 3]
    with pytest.raises(NotEnoughTextError, match="No speech"):
        term_counts(pd.Series([], dtype=object))
    with pytest.raises(EmptyVocabularyError, match="only stop words"):
        term_counts(pd.Series({"x": "and the of 12 3", "y": "a b c"}))


def test_keyness_refuses_unknown_or_empty_groups() -> None:
    counts = term_counts(_texts())
    with pytest.raises(SelectionError, match="'zz' of group B is not among the counted"):
        keyness(counts, a=A_IDS, b=["zz"])
    with pytest.raises(SelectionError, match="Group A has no speeches"):
        keyness(counts, a=[], b=B_IDS)


def test_distinctive_terms_of_one_speech_against_the_rest() -> None:
    frame = distinctive_terms(term_counts(_texts()), speech_id="a1")
    assert list(frame.columns) == KEYNESS_COLUMNS
    assert frame["term"].iloc[0] == "herring"
    assert set(frame["favours"]) == {"a"}
    with pytest.raises(SelectionError, match="only speech counted"):
        distinctive_terms(term_counts(pd.Series({"x": "fisheries quotas"})), speech_id="x")


def test_theme_comparison_means_shares_per_group() -> None:
    mix = pd.DataFrame(
        {
            "speech_id": ["s1", "s1", "s2", "s2", "s3", "s3"],
            "theme": ["fish", "tax", "fish", "tax", "fish", "tax"],
            "share": [0.9, 0.1, 0.7, 0.3, 0.2, 0.8],
        }
    )
    frame = theme_comparison(mix, a=["s1", "s2"], b=["s3"])
    assert list(frame.columns) == ["theme", "share_a", "share_b", "difference"]
    assert frame["theme"].tolist() == ["fish", "tax"]
    assert frame["share_a"].tolist() == pytest.approx([0.8, 0.2])
    assert frame["share_b"].tolist() == pytest.approx([0.2, 0.8])
    assert frame["difference"].tolist() == pytest.approx([0.6, -0.6])
    # a speech without a row for a theme has a share of 0 there
    partial = theme_comparison(mix.iloc[:5], a=["s3"], b=["s1"])
    assert partial.set_index("theme").loc["tax", "share_a"] == 0.0
    with pytest.raises(NotEnoughTextError, match="group B has theme shares"):
        theme_comparison(mix, a=["s1"], b=["nope"])


def test_similarity_matrix_and_nearest_speeches() -> None:
    counts = term_counts(_texts())
    matrix = similarity_matrix(counts)
    assert matrix.shape == (8, 8)
    assert list(matrix.index) == list(matrix.columns) == A_IDS + B_IDS
    assert np.diag(matrix.to_numpy()) == pytest.approx(np.ones(8))
    assert matrix.loc["a1", "a2"] > matrix.loc["a1", "b1"]
    assert np.allclose(matrix.to_numpy(), matrix.to_numpy().T)
    assert similarity_matrix(counts, speech_ids=["b2", "a1"]).index.tolist() == ["b2", "a1"]

    nearest = nearest_speeches(counts, speech_ids=["a1", "b1"], n=3)
    assert list(nearest.columns) == ["speech_id", "neighbour_id", "similarity", "rank"]
    assert nearest["rank"].tolist() == [1, 2, 3, 1, 2, 3]
    assert set(nearest.loc[nearest["speech_id"] == "a1", "neighbour_id"]) <= set(A_IDS[1:])
    assert set(nearest.loc[nearest["speech_id"] == "b1", "neighbour_id"]) <= set(B_IDS[1:])
    assert (np.diff(nearest.loc[nearest["speech_id"] == "a1", "similarity"]) <= 0).all()
    assert len(nearest_speeches(counts)) == 8 * 5


# -- the command line on a real SQLite store ------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Iterator[CorpusStore]:
    """A store with the fisheries speeches (2018, Ann Fisher) and taxation ones (2019, Bo Tax)."""
    store = CorpusStore(f"sqlite:///{tmp_path / 'corpus.sqlite'}", seed=False)
    speeches = []
    for i, (name, text) in enumerate(_texts().items()):
        fisheries = name.startswith("a")
        speeches.append(
            make_speech(
                text,
                title=f"Speech {name}",
                speaker="Ann Fisher" if fisheries else "Bo Tax",
                delivered_on=date(2018 if fisheries else 2019, 1 + i % 4, 10),
            )
        )
    store.add_many(speeches)
    yield store
    store.dispose()


def _run(store: CorpusStore, *argv: str) -> str:
    parser = argparse.ArgumentParser(prog="speechtrack")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    out = io.StringIO()
    assert args.handler(args, store, out) == 0
    return out.getvalue()


def test_cli_compare_json_has_both_groups_keyness_and_stats(store: CorpusStore) -> None:
    result = json.loads(
        _run(store, "compare", 'speaker:"Ann Fisher"', "year:2019", "--format", "json")
    )
    assert list(result) == ["a", "b", "themes", "themes_note", "keyness", "stats"]
    assert result["a"]["selection"] == 'speaker:"Ann Fisher"'
    assert result["a"]["n_speeches"] == 4 and result["b"]["n_speeches"] == 4
    assert result["a"]["n_words"] > 0
    assert result["themes"] is None and "No theme model" in result["themes_note"]
    # every fisheries word is used equally often: ties are listed alphabetically
    assert result["keyness"]["a"][0]["term"] == "boats"
    assert "taxation" in [row["term"] for row in result["keyness"]["b"]]
    assert [row["group"] for row in result["stats"]] == ["a", "b"]


def test_cli_compare_text_and_csv(store: CorpusStore) -> None:
    text = _run(store, "compare", "year:2018", "year:2019")
    assert "Terms that set A apart" in text and "fisheries" in text and "No theme model" in text
    csv = _run(store, "compare", "year:2018", "year:2019", "--format", "csv", "--csv-for", "data")
    assert csv.splitlines()[0] == ",".join(KEYNESS_COLUMNS)


def test_cli_compare_refuses_a_selection_that_selects_nothing(store: CorpusStore) -> None:
    with pytest.raises(
        SelectionError, match="No speech matches year:2031; the corpus runs from 2018 to 2019"
    ):
        _run(store, "compare", "year:2031", "year:2019")


def test_cli_trend_kwic_stats_and_mentions(store: CorpusStore) -> None:
    trend = json.loads(_run(store, "trend", "taxation", "fish stocks", "--format", "json"))
    assert [(r["term"], r["period"]) for r in trend] == [
        ("taxation", "2018-01-01"),
        ("taxation", "2019-01-01"),
        ("fish stocks", "2018-01-01"),
        ("fish stocks", "2019-01-01"),
    ]
    assert trend[0]["n_matches"] == 0 and trend[1]["n_matches"] == 4 + 5 + 6 + 7
    kwic = json.loads(_run(store, "kwic", "herring", "--width", "10", "--format", "json"))
    assert len(kwic) == 6 and {r["match"] for r in kwic} == {"herring"}
    stats = json.loads(_run(store, "stats", "--select", "year:2019", "--format", "json"))
    assert len(stats) == 4 and stats[0]["speaker"] == "Bo Tax"
    assert "(nothing to show)" in _run(store, "mentions", "--kind", "countries")


def test_term_counts_round_trip_through_bytes() -> None:
    counts = term_counts(_texts(), bigrams=True)
    again = TermCounts.from_bytes(counts.to_bytes())
    assert again.speech_ids.equals(counts.speech_ids)
    assert list(again.terms) == list(counts.terms)
    assert (again.matrix != counts.matrix).nnz == 0
    assert again.n_words.tolist() == counts.n_words.tolist()
    pd.testing.assert_frame_equal(
        keyness(again, a=A_IDS, b=B_IDS), keyness(counts, a=A_IDS, b=B_IDS)
    )


def test_corpus_term_counts_are_kept_until_the_corpus_changes(store: CorpusStore) -> None:
    first = corpus_term_counts(store)
    payload = store.get_artifact(COUNTS_ARTIFACT + ".words")
    assert payload is not None
    assert list(first.speech_ids) == list(store.catalogue()["speech_id"])
    assert first.n_words.tolist() == store.catalogue()["n_words"].tolist()
    # the stored counts are what is read back, whatever else is stored meanwhile
    key = payload.partition(b"\n")[0]
    marker = term_counts(pd.Series({"m": "marker words only"}))
    store.put_artifact(COUNTS_ARTIFACT + ".words", key + b"\n" + marker.to_bytes())
    store.put_artifact("another.result", b"x")
    assert list(corpus_term_counts(store).terms) == ["marker", "words"]
    # a new speech changes the set of speeches: everything is counted again
    store.add(make_speech("Whaling and whaling quotas.", delivered_on=date(2020, 5, 1)))
    recounted = corpus_term_counts(store)
    assert "whaling" in set(recounted.terms) and len(recounted.speech_ids) == 9


def _same_counts(left: TermCounts, right: TermCounts) -> None:
    assert list(left.speech_ids) == list(right.speech_ids)
    assert list(left.terms) == list(right.terms)
    assert (left.matrix != right.matrix).nnz == 0
    assert left.n_words.tolist() == right.n_words.tolist()


@pytest.mark.parametrize("bigrams", [False, True])
def test_updated_counts_equal_a_full_recount(bigrams: bool) -> None:
    texts = _texts()
    texts["c1"] = "Whaling quotas and whaling boats, said the minister of the sea."
    texts["c2"] = "A tariff on whaling ships."
    # counted without a2 and b4 and the two new speeches; then a2 removed, c1, c2 and b4 added
    before = term_counts(texts.drop(["b4", "c1", "c2"]), bigrams=bigrams)
    wanted = pd.Index(["c2", "a1", "a3", "a4", "b1", "b2", "b3", "b4", "c1"])
    updated = update_term_counts(
        before, texts[["c1", "c2", "b4", "a1"]], order=wanted, bigrams=bigrams
    )
    _same_counts(updated, term_counts(texts[wanted], bigrams=bigrams))
    # nothing new: the same counts in another order, terms only a2 used are dropped
    dropped = update_term_counts(before, None, order=pd.Index(["b1", "a1"]), bigrams=bigrams)
    _same_counts(dropped, term_counts(texts[["b1", "a1"]], bigrams=bigrams))
    with pytest.raises(SelectionError, match="c9"):
        update_term_counts(before, None, order=pd.Index(["a1", "c9"]))


@pytest.mark.parametrize("bigrams", [False, True])
def test_a_large_corpus_is_counted_in_batches_equal_to_one_count(
    store: CorpusStore, monkeypatch: pytest.MonkeyPatch, bigrams: bool
) -> None:
    import models.compare.keyness as compare

    whole = term_counts(
        store.texts(), bigrams=bigrams, n_words=store.catalogue().set_index("speech_id")["n_words"]
    )
    read: list[int] = []
    texts = store.texts

    def counted_texts(*args: object) -> pd.Series:
        found = texts(*args)  # type: ignore[arg-type]
        read.append(len(found))
        return found

    monkeypatch.setattr(compare, "COUNT_BATCH_WORDS", 10)  # a speech or two at a time
    monkeypatch.setattr(store, "texts", counted_texts)
    batched = corpus_term_counts(store, bigrams=bigrams)
    assert len(read) >= 3 and max(read) < len(whole.speech_ids), read
    _same_counts(batched, whole)


def test_updated_counts_take_a_new_speech_of_stop_words_only() -> None:
    before = term_counts(_texts())
    wanted = pd.Index([*before.speech_ids, "s"])
    updated = update_term_counts(before, pd.Series({"s": "of the and"}), order=wanted)
    assert updated.matrix.shape == (9, len(before.terms))
    assert updated.matrix[8].nnz == 0 and updated.n_words[8] == 3


def test_stored_counts_are_brought_up_to_date_by_counting_new_speeches_only(
    store: CorpusStore,
) -> None:
    corpus_term_counts(store)
    payload = store.get_artifact(COUNTS_ARTIFACT + ".words")
    assert payload is not None
    key = payload.partition(b"\n")[0]
    # stored counts in which the first speech reads "marker words": if it were read again, the
    # marker would be gone
    texts = store.texts()
    first = str(texts.index[0])
    marked = texts.copy()
    marked[first] = "marker words"
    store.put_artifact(COUNTS_ARTIFACT + ".words", key + b"\n" + term_counts(marked).to_bytes())
    store.add(make_speech("Whaling and whaling quotas.", delivered_on=date(2020, 5, 1)))
    store.remove(str(texts.index[1]))
    updated = corpus_term_counts(store)
    assert list(updated.speech_ids) == list(store.catalogue()["speech_id"])
    assert "whaling" in set(updated.terms)
    row = updated.matrix[updated.speech_ids.get_loc(first)]
    assert set(updated.terms[row.indices]) == {"marker", "words"}
    assert corpus_term_counts(store).matrix.nnz == updated.matrix.nnz  # stored, read back


def test_terms_keep_their_inner_hyphens() -> None:
    counts = term_counts(pd.Series({"x": "Co-operation, cooperation and peace-keeping."}))
    assert list(counts.terms) == ["co-operation", "cooperation", "peace-keeping"]


def test_cli_compare_of_large_selections_keeps_corpus_counts(
    store: CorpusStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_compare, "LARGE_SELECTION_WORDS", 100)
    result = json.loads(_run(store, "compare", "year:2018", "year:2019", "--format", "json"))
    assert store.get_artifact(COUNTS_ARTIFACT + ".words") is not None
    assert "taxation" in [row["term"] for row in result["keyness"]["b"]]


def test_cli_compare_shows_theme_shares_once_themes_are_fitted(store: CorpusStore) -> None:
    from models.themes.store import current_themes

    current_themes(store, n_topics=2)
    result = json.loads(_run(store, "compare", "year:2018", "year:2019", "--format", "json"))
    assert result["themes_note"] is None
    assert list(result["themes"][0]) == ["theme", "label", "share_a", "share_b", "difference"]
    assert len(result["themes"]) == 2
    # one theme is the fisheries one: A's share of it far exceeds B's
    assert result["themes"][0]["difference"] > 0.5
    assert result["themes"][-1]["difference"] < -0.5


def test_most_of_a_corpus_is_summed_as_the_whole_less_the_rest() -> None:
    from models.compare.keyness import _row_sums

    counts = term_counts(_texts())
    matrix = counts.matrix
    everyone_but_one = np.arange(1, matrix.shape[0])
    for rows in (everyone_but_one, everyone_but_one[::-1], np.array([0, 2]), np.array([1, 1, 2])):
        expected = np.asarray(matrix[rows].sum(axis=0)).ravel()
        assert np.array_equal(_row_sums(counts, rows), expected), rows


@pytest.mark.parametrize("dense_query", [32, 0], ids=["few speeches asked", "many asked"])
def test_nearest_speeches_with_a_prebuilt_index_are_the_same(
    dense_query: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from models.compare.keyness import SimilarityIndex

    monkeypatch.setattr("models.compare.keyness._DENSE_QUERY", dense_query)
    texts = pd.concat([_texts(), pd.Series({"empty": "1 2 3", "again": "water water water"})])
    counts = term_counts(texts)
    index = SimilarityIndex.of(counts)
    fresh = _tfidf_reference(counts)
    everyone = np.arange(len(counts.speech_ids))
    for rows in (everyone, everyone[:1], everyone[[3, 1]], everyone[::-1]):
        assert np.allclose(index.similarities(counts, rows), (fresh[rows] @ fresh.T).toarray())
    for speech_ids in (None, ["a1"], ["b3", "a2"], ["empty"]):
        pd.testing.assert_frame_equal(
            nearest_speeches(counts, speech_ids=speech_ids, n=3, index=index),
            nearest_speeches(counts, speech_ids=speech_ids, n=3),
        )
    assert np.allclose(similarity_matrix(counts).to_numpy(), (fresh @ fresh.T).toarray())


@pytest.mark.parametrize(
    "added",
    [{"a9": FISH * 2}, {"a9": FISH + " zanzibarish krill", "b9": TAX}, {}],
    ids=["known terms", "new terms", "nothing new"],
)
def test_an_index_grown_from_the_previous_one_equals_a_fresh_one(added: dict[str, str]) -> None:
    from models.compare.keyness import SimilarityIndex

    before = term_counts(_texts())
    previous = SimilarityIndex.of(before)
    order = before.speech_ids.append(pd.Index(list(added)))
    after = update_term_counts(before, pd.Series(added) if added else None, order=order)
    assert previous.covers_start_of(after)
    grown = SimilarityIndex.of(after, previous=previous)
    fresh = SimilarityIndex.of(after)
    assert np.array_equal(grown.frequencies.data, fresh.frequencies.data)
    assert np.allclose(grown.idf, fresh.idf) and np.allclose(grown.norms, fresh.norms)
    reference = _tfidf_reference(after)
    everyone = np.arange(len(after.speech_ids))
    assert np.allclose(grown.similarities(after, everyone), (reference @ reference.T).toarray())


def test_an_index_of_other_rows_is_not_grown_from() -> None:
    from models.compare.keyness import SimilarityIndex

    before = term_counts(_texts())
    previous = SimilarityIndex.of(before)
    reordered = update_term_counts(before, None, order=before.speech_ids[::-1])
    shorter = update_term_counts(before, None, order=before.speech_ids[1:])
    for counts in (reordered, shorter):
        assert not previous.covers_start_of(counts)
        grown = SimilarityIndex.of(counts, previous=previous)
        reference = _tfidf_reference(counts)
        everyone = np.arange(len(counts.speech_ids))
        assert np.allclose(
            grown.similarities(counts, everyone), (reference @ reference.T).toarray()
        )


def _tfidf_reference(counts: TermCounts) -> object:
    from sklearn.feature_extraction.text import TfidfTransformer

    return TfidfTransformer(sublinear_tf=True, smooth_idf=True, norm="l2").fit_transform(
        counts.matrix
    )


@pytest.mark.parametrize(
    ("added", "keep"),
    [
        ({"a9": FISH * 2}, None),
        ({"a9": FISH + " zanzibarish krill", "b9": TAX}, None),
        ({"c1": "1 2 3"}, None),
        ({"a9": FISH + " krill"}, ["b1", "a1", "a9"]),
    ],
    ids=["known terms", "new terms", "no terms", "reordered and fewer"],
)
def test_totals_carried_over_an_update_equal_the_column_sums(
    added: dict[str, str], keep: list[str] | None
) -> None:
    before = term_counts(_texts())
    before.column_totals()
    order = pd.Index(keep) if keep else before.speech_ids.append(pd.Index(list(added)))
    after = update_term_counts(before, pd.Series(added), order=order)
    expected = np.asarray(after.matrix.sum(axis=0)).ravel()
    assert np.array_equal(after.column_totals(), expected)
    assert after.column_totals().dtype == expected.dtype


def test_an_update_over_counts_whose_terms_are_out_of_order_keeps_rows_sorted() -> None:
    texts = _texts()
    counted = term_counts(texts)
    backwards = sparse.csr_matrix(counted.matrix[:, ::-1])
    backwards.sort_indices()
    base = TermCounts(counted.speech_ids, counted.terms[::-1], backwards, counted.n_words)
    added = pd.Series({"a9": FISH + " zanzibarish krill"})
    after = update_term_counts(base, added, order=base.speech_ids.append(added.index))
    resorted = after.matrix.copy()
    resorted.has_sorted_indices = False
    resorted.sort_indices()
    assert np.array_equal(resorted.indices, after.matrix.indices)
    full = term_counts(pd.concat([texts, added]))
    assert list(after.terms) == list(full.terms)
    assert (after.matrix != full.matrix).nnz == 0

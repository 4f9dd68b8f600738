"""Themes kept in a real SQLite database: persistence, stable numbers, labels, refits, the CLI."""

from __future__ import annotations

import argparse
import dataclasses
import io
import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from cli.themes import register
from corpus.store import CorpusStore
from models.errors import ModelError, StopTermError, UnknownThemeError
from models.themes.store import (
    ThemeModelState,
    current_themes,
    fit_language,
    left_out_speeches,
    score_new,
    set_label,
    stored_themes,
    theme_mix,
    themes_over_time,
)
from tests.models.conftest import SUBJECTS, SyntheticCorpus, synthetic_speech


@pytest.fixture
def store(tmp_path: Path, speeches: SyntheticCorpus) -> Iterator[CorpusStore]:
    """A store on an SQLite file holding the synthetic speeches (not the seed)."""
    store = CorpusStore(f"sqlite:///{tmp_path / 'corpus.sqlite'}", seed=False)
    store.add_many(speeches.records)
    yield store
    store.dispose()


def _theme_of(state: ThemeModelState, subject: str) -> int:
    """The number of the theme whose top five terms are words of `subject`."""
    terms = state.top_terms(n=5)
    for theme, group in terms.groupby("theme"):
        if set(group["term"]) <= set(SUBJECTS.get(subject, ())) | _extra(subject):
            return int(theme)
    raise AssertionError(f"no theme about {subject}: {terms.to_dict('list')}")


def _extra(subject: str) -> set[str]:
    from tests.models.conftest import EXTRA_SUBJECT

    return set(EXTRA_SUBJECT.get(subject, ()))


def test_themes_are_fitted_once_and_shared_through_the_database(
    store: CorpusStore, tmp_path: Path
) -> None:
    first = current_themes(store, n_topics=3)
    assert first.fitted_now and first.n_changed is None
    assert first.theme_ids == (0, 1, 2)
    other_server = CorpusStore(f"sqlite:///{tmp_path / 'corpus.sqlite'}", seed=False)
    again = current_themes(other_server)
    other_server.dispose()
    assert not again.fitted_now
    assert again.fit_id == first.fit_id
    pd.testing.assert_frame_equal(again.themes(), first.themes())
    pd.testing.assert_frame_equal(again.mix_long(), first.mix_long(), atol=1e-6)


def test_read_outs_have_exact_columns(store: CorpusStore, speeches: SyntheticCorpus) -> None:
    state = current_themes(store, n_topics=3)
    assert list(state.themes().columns) == ["theme", "label", "terms"]
    assert list(state.top_terms(n=3).columns) == ["theme", "rank", "term", "weight"]
    mix = state.mix_long()
    assert list(mix.columns) == ["speech_id", "theme", "share"]
    assert len(mix) == 3 * len(speeches.records)
    assert mix.groupby("speech_id")["share"].sum().round(6).eq(1.0).all()
    some = list(mix["speech_id"].drop_duplicates()[:2]) + ["not-a-speech"]
    part = state.mix_long(some)
    pd.testing.assert_frame_equal(part, mix[mix["speech_id"].isin(some)].reset_index(drop=True))


def test_a_new_speech_is_scored_at_once_without_a_refit(store: CorpusStore) -> None:
    state = current_themes(store, n_topics=3)
    new = synthetic_speech("taxes", "fishing", seed=101)
    store.add(new)
    scored = score_new(store, [new.speech_id])
    assert list(scored.columns) == ["speech_id", "theme", "share"]
    assert set(scored["speech_id"]) == {new.speech_id}
    top = scored.loc[scored["share"].idxmax(), "theme"]
    assert top == _theme_of(state, "taxes")
    later = current_themes(store)
    assert not later.fitted_now and later.fit_id == state.fit_id
    assert new.speech_id in later.mix.index


def test_stored_themes_never_fit_but_score_new_and_drop_removed_speeches(
    store: CorpusStore, speeches: SyntheticCorpus
) -> None:
    assert stored_themes(store) is None
    state = current_themes(store, n_topics=3)
    new = synthetic_speech("fishing", "football", seed=102)
    store.add(new)
    store.remove(speeches.records[0].speech_id)
    version = store.version()
    synced = stored_themes(store)
    assert synced is not None and synced.fit_id == state.fit_id
    assert new.speech_id in synced.mix.index
    assert speeches.records[0].speech_id not in synced.mix.index
    # scoring with the same model changes nothing shown: pages keep their cached tables
    assert store.version() == version
    again = stored_themes(store)
    assert again is not None and list(again.mix.index) == list(synced.mix.index)
    assert np.allclose(again.mix.to_numpy(), synced.mix.to_numpy(), atol=1e-6)  # kept as float32
    # the ids a page already holds give the same themes
    given = stored_themes(store, speech_ids=store.catalogue()["speech_id"])
    assert given is not None and list(given.mix.index) == list(again.mix.index)


def test_a_refit_keeps_theme_numbers_and_labels(store: CorpusStore) -> None:
    state = current_themes(store, n_topics=3)
    fishing = _theme_of(state, "fishing")
    set_label(store, fishing, "Fisheries")
    store.add_many([synthetic_speech("football", "fishing", seed=s) for s in (201, 202)])
    refitted = current_themes(store, refit=True)
    assert refitted.fitted_now and refitted.fit_id != state.fit_id
    assert refitted.n_changed == 0
    assert len(refitted.theme_ids) == 3
    for subject in ("fishing", "taxes", "football"):
        assert _theme_of(refitted, subject) == _theme_of(state, subject)
    assert refitted.labels[fishing] == "Fisheries"
    assert refitted.user_labelled == {fishing}


def _football_replaced_by_astronomy(
    store: CorpusStore, speeches: SyntheticCorpus
) -> tuple[ThemeModelState, int, ThemeModelState]:
    """Fit three themes, label football "Sport", swap its speeches for astronomy and refit.

    Returns:
        The first fit, football's theme number in it, and the refit.
    """
    state = current_themes(store, n_topics=3)
    football = _theme_of(state, "football")
    set_label(store, football, "Sport")
    for record in speeches.records:
        if speeches.main_subject[record.speech_id] == "football":
            store.remove(record.speech_id)
    store.add_many([synthetic_speech("astronomy", "fishing", seed=300 + i) for i in range(6)])
    refitted = current_themes(store, refit=True)
    return state, football, refitted


def test_a_refit_reports_a_theme_that_changed_and_drops_its_label(
    store: CorpusStore, speeches: SyntheticCorpus
) -> None:
    state, football, refitted = _football_replaced_by_astronomy(store, speeches)
    assert refitted.n_changed == 1
    # astronomy shares nothing with football: a new number, and football's is gone
    astronomy = _theme_of(refitted, "astronomy")
    assert astronomy not in state.theme_ids and football not in refitted.theme_ids
    assert refitted.dropped_labels == {football: "Sport"}
    assert football not in refitted.user_labelled
    status = dict(zip(refitted.changes["theme"], refitted.changes["status"], strict=True))
    assert status == {
        **{t: "kept" for t in state.theme_ids if t != football},
        football: "gone",
        astronomy: "new",
    }
    gone = refitted.changes.set_index("theme").loc[football]
    assert gone["label_before"] == "Sport" and gone["label_dropped"] == "Sport"
    assert "football" in gone["terms_before"] or "goals" in gone["terms_before"]
    assert refitted.fit_reason == "asked for"


def test_an_earlier_fit_can_be_restored_with_its_labels(
    store: CorpusStore, speeches: SyntheticCorpus
) -> None:
    from models.themes.store import earlier_fits, restore_fit

    state, football, refitted = _football_replaced_by_astronomy(store, speeches)
    history = earlier_fits(store)
    assert [e["fit_id"] for e in history] == [state.fit_id]
    assert history[0]["labels"][str(football)] == "Sport"
    restored = restore_fit(store)
    assert restored.fit_id == state.fit_id and restored.labels[football] == "Sport"
    assert football in restored.user_labelled
    assert set(restored.mix.index) == set(store.catalogue()["speech_id"])
    # the restored model is current and not refitted at once; the replaced one can come back
    assert not current_themes(store).fitted_now
    assert [e["fit_id"] for e in earlier_fits(store)] == [refitted.fit_id]
    assert restore_fit(store, refitted.fit_id).fit_id == refitted.fit_id
    with pytest.raises(ModelError, match="No earlier theme model"):
        restore_fit(store, "0000")


def test_stop_terms_are_stored_and_kept_out_at_the_next_fit(store: CorpusStore) -> None:
    from models.themes.store import add_stop_terms, remove_stop_terms, stop_terms

    state = current_themes(store, n_topics=3)
    assert "harbor" in set(state.top_terms(n=20)["term"])
    assert add_stop_terms(store, ["Harbour", "  trawlers "]) == ["harbor", "trawlers"]
    assert add_stop_terms(store, ["harbor"]) == []
    assert stop_terms(store) == ["harbor", "trawlers"]
    assert current_themes(store).fit_id == state.fit_id  # applied at the next fit, not before
    refitted = current_themes(store, refit=True)
    terms = set(refitted.top_terms(n=50)["term"])
    assert not {"harbor", "trawlers"} & terms
    assert refitted.boilerplate["harbor"] == "a stop term of yours"
    assert refitted.stop_terms == ("harbor", "trawlers")
    with pytest.raises(StopTermError, match="no word"):
        add_stop_terms(store, ["  "])
    with pytest.raises(StopTermError, match="at most 60 characters"):
        add_stop_terms(store, ["x" * 61])
    assert remove_stop_terms(store, ["HARBOUR", "unknown"]) == ["harbor"]
    assert stop_terms(store) == ["trawlers"]


def test_a_refit_tokenises_only_new_speeches_and_matches_a_fresh_fit(
    store: CorpusStore,
) -> None:
    from models.themes.topics import TopicModel
    from models.themes.vectorize import PassageCounts

    current_themes(store, n_topics=3)
    store.add_many([synthetic_speech("taxes", "football", seed=s) for s in (501, 502)])
    refitted = current_themes(store, refit=True)
    payload = store.get_artifact("themes/passage_counts")
    assert payload is not None
    counts = PassageCounts.from_bytes(payload)
    texts = store.texts()
    fresh_model = TopicModel(n_topics=3)
    fresh = fresh_model.count(texts)
    assert list(counts.speech_ids) == list(fresh.speech_ids)
    assert list(counts.terms) == list(fresh.terms)
    assert (counts.matrix != fresh.matrix).nnz == 0
    fresh_model.fit(texts)
    ours = refitted.top_terms(n=5).groupby("theme")["term"].apply(frozenset)
    theirs = fresh_model.top_terms(n=5).groupby("topic")["term"].apply(frozenset)
    assert set(ours) == set(theirs)


def test_growth_past_the_threshold_refits_with_the_same_number_of_themes(
    store: CorpusStore,
) -> None:
    state = current_themes(store, n_topics=3)
    store.add(synthetic_speech("taxes", "football", seed=400))
    assert not current_themes(store).fitted_now  # one speech: scored, not refitted
    store.add_many([synthetic_speech("fishing", "taxes", seed=401 + i) for i in range(6)])
    grown = current_themes(store)
    assert grown.fitted_now and grown.fit_id != state.fit_id
    assert len(grown.theme_ids) == 3 and grown.n_changed == 0


def test_asking_for_another_number_of_themes_refits(store: CorpusStore) -> None:
    current_themes(store, n_topics=3)
    four = current_themes(store, n_topics=4)
    assert four.fitted_now and len(four.theme_ids) == 4
    assert four.n_changed is not None and four.n_changed >= 1  # at least the fourth is new
    assert set(four.changes["status"]) <= {"kept", "changed", "split", "new"}


def test_labels_of_unknown_themes_are_refused_and_empty_labels_restore_terms(
    store: CorpusStore,
) -> None:
    with pytest.raises(UnknownThemeError, match="No theme has the number 0; the themes are none"):
        set_label(store, 0, "Anything")
    state = current_themes(store, n_topics=3)
    with pytest.raises(
        UnknownThemeError, match="No theme has the number 7; the themes are 0, 1, 2"
    ):
        set_label(store, 7, "Anything")
    set_label(store, 1, "Mine")
    assert current_themes(store).labels[1] == "Mine"
    set_label(store, 1, "  ")
    assert current_themes(store).labels[1] == state.labels[1]


def test_theme_mix_follows_the_filter(store: CorpusStore, speeches: SyntheticCorpus) -> None:
    from corpus.records import SpeechFilter

    current_themes(store, n_topics=3)
    mix = theme_mix(store, SpeechFilter(speakers=frozenset({"Anna Berg"})))
    assert list(mix.columns) == ["speech_id", "theme", "share"]
    anna = set(speeches.catalogue.loc[speeches.catalogue["speaker"] == "Anna Berg", "speech_id"])
    assert set(mix["speech_id"]) == anna


def test_themes_over_time_counts_the_speeches_behind_each_point(
    speeches: SyntheticCorpus,
) -> None:
    ids = speeches.catalogue["speech_id"]
    mix = pd.DataFrame(
        {
            "speech_id": list(ids) * 2,
            "theme": [0] * len(ids) + [1] * len(ids),
            "share": [0.75] * len(ids) + [0.25] * len(ids),
        }
    )
    yearly = themes_over_time(speeches.catalogue, mix, period="year")
    assert list(yearly.columns) == ["period", "theme", "share", "n_speeches"]
    assert yearly["period"].dt.year.tolist() == [2019, 2019, 2020, 2020, 2021, 2021]
    assert yearly["n_speeches"].tolist() == [6] * 6
    assert yearly["share"].tolist() == [0.75, 0.25] * 3
    quarterly = themes_over_time(speeches.catalogue, mix, period="quarter")
    assert quarterly["n_speeches"].sum() == 2 * len(ids)
    assert (quarterly["period"].dt.month.isin([1, 4, 7, 10])).all()
    one_speaker = speeches.catalogue[speeches.catalogue["speaker"] == "Carl Dunn"]
    assert themes_over_time(one_speaker, mix)["n_speeches"].tolist() == [3] * 6
    with pytest.raises(ModelError, match="Unknown period 'week'"):
        themes_over_time(speeches.catalogue, mix, period="week")


def _over_time_by_pandas(catalogue: pd.DataFrame, mix: pd.DataFrame, period: str) -> pd.DataFrame:
    """The definition of `themes_over_time`, written as a join and a group-by."""
    dated = catalogue[["speech_id", "date"]].dropna().drop_duplicates("speech_id")
    joined = mix.merge(dated, on="speech_id", how="inner")
    starts = joined["date"].dt.to_period({"year": "Y", "quarter": "Q", "month": "M"}[period])
    joined = joined.assign(period=starts.dt.start_time.astype("datetime64[ns]"))
    out = joined.groupby(["period", "theme"], as_index=False).agg(
        share=("share", "mean"), n_speeches=("speech_id", "nunique")
    )
    return out[["period", "theme", "share", "n_speeches"]].sort_values(
        ["period", "theme"], ignore_index=True
    )


@settings(max_examples=60, deadline=None)
@given(
    rows=hs.lists(
        hs.tuples(
            hs.integers(0, 7),  # speech
            hs.integers(0, 4),  # theme
            hs.one_of(hs.floats(0, 1), hs.just(float("nan"))),
        ),
        max_size=40,
    ),
    days=hs.lists(hs.one_of(hs.integers(0, 3000), hs.none()), min_size=6, max_size=6),
    period=hs.sampled_from(["year", "quarter", "month"]),
)
def test_themes_over_time_is_the_mean_per_period_and_theme(
    rows: list[tuple[int, int, float]], days: list[int | None], period: str
) -> None:
    """Speeches without a date or absent from the catalogue, missing shares, repeated rows."""
    catalogue = pd.DataFrame(
        {
            "speech_id": [f"s{i}" for i in range(6)],  # s6 and s7 are in no catalogue
            "date": [pd.NaT if d is None else pd.Timestamp("2015-01-01") + pd.Timedelta(days=d)
                     for d in days],
        }
    )  # fmt: skip
    mix = pd.DataFrame(rows, columns=["speech_id", "theme", "share"])
    mix = mix.astype({"theme": np.int64, "share": float})
    mix["speech_id"] = "s" + mix["speech_id"].astype(str)
    found = themes_over_time(catalogue, mix, period=period)
    pd.testing.assert_frame_equal(found, _over_time_by_pandas(catalogue, mix, period))


def test_a_mix_laid_out_long_is_the_melted_table(store: CorpusStore) -> None:
    state = current_themes(store, n_topics=3)
    shuffled = state.mix.sample(frac=1.0, random_state=4)
    shuffled = shuffled[list(reversed(shuffled.columns))]
    state = dataclasses.replace(state, mix=shuffled)
    expected = (
        shuffled.rename_axis(index="speech_id")
        .reset_index()
        .melt(id_vars="speech_id", var_name="theme", value_name="share")
        .astype({"theme": np.int64})
        .sort_values(["speech_id", "theme"], ignore_index=True)
    )
    pd.testing.assert_frame_equal(state.mix_long(), expected)
    some = shuffled.index[:3].tolist()
    pd.testing.assert_frame_equal(
        state.mix_long([*some, "not-a-speech"]),
        expected[expected["speech_id"].isin(some)].reset_index(drop=True),
    )


# -- command line ----------------------------------------------------------------------------


def _run(store: CorpusStore, *argv: str) -> str:
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    args = parser.parse_args(argv)
    out = io.StringIO()
    assert args.handler(args, store, out) == 0
    return out.getvalue()


def test_cli_themes_json_label_and_text(store: CorpusStore, speeches: SyntheticCorpus) -> None:
    data = json.loads(_run(store, "themes", "--topics", "3", "--format", "json"))
    assert {"themes", "mix", "n_changed", "quality", "changes", "boilerplate", "stop_terms",
            "earlier_fits", "fitted_at", "fit_reason", "chosen_k"} <= set(data)  # fmt: skip
    assert [t["theme"] for t in data["themes"]] == [0, 1, 2]
    assert set(data["themes"][0]) == {"theme", "label", "terms"}
    assert len(data["themes"][0]["terms"]) == 10
    assert set(data["mix"][0]) == {"speech_id", "date", "speaker", "theme", "share"}
    first = data["mix"][0]
    record = next(r for r in speeches.records if r.speech_id == first["speech_id"])
    assert first["speaker"] == record.speaker and first["date"] == record.delivered_on.isoformat()
    assert len(data["mix"]) == 3 * len(speeches.records)
    assert data["changes"] is None and data["fit_reason"] == "first fit"
    auto = json.loads(_run(store, "themes", "--refit", "--topics", "4", "--format", "json"))
    assert auto["chosen_k"] == 4 and auto["n_changed"] >= 1
    assert {c["status"] for c in auto["changes"]} <= {"kept", "changed", "split", "merged", "new"}
    assert auto["earlier_fits"][0]["n_themes"] == 3
    restored = json.loads(_run(store, "themes", "--restore", "--format", "json"))
    assert restored["chosen_k"] == 3 and restored["notes"][0].startswith("Restored")
    # a later call still says what the refit that made the current model changed
    refit_again = json.loads(_run(store, "themes", "--refit", "--topics", "4", "--format", "json"))
    later = json.loads(_run(store, "themes", "--format", "json"))
    assert refit_again["refitted_now"] and not later["refitted_now"]
    assert later["changes"] == refit_again["changes"] and later["n_changed"] is not None
    assert _run(store, "label", "2", "Football") == 'Theme 2 is now labelled "Football".\n'
    text = _run(store, "themes")
    assert "Football" in text and text.splitlines()[0].split() == ["theme", "label", "terms"]
    csv = _run(store, "themes", "--format", "csv", "--csv-for", "data")
    assert csv.splitlines()[0] == "theme,label,terms"
    refit = _run(store, "themes", "--refit")
    assert "Refitted (asked for): 4 kept." in refit
    assert "--restore" in refit
    stop = _run(store, "themes", "--stop", "Harbour", "--refit")
    assert stop.startswith("Stop terms added: harbor (applied at the next fit).")
    data = json.loads(_run(store, "themes", "--format", "json"))
    assert data["stop_terms"] == ["harbor"]
    assert {"term": "harbor", "reason": "a stop term of yours"} in data["boilerplate"]


def test_a_mixed_language_corpus_fits_its_main_language_and_names_the_speeches_left_out(
    store: CorpusStore,
) -> None:
    from tests.conftest import make_speech

    folder = Path(__file__).parents[1] / "data" / "languages"
    others = [
        make_speech((folder / f"{code}.txt").read_text(encoding="utf-8"), title=code, language=code)
        for code in ("ru", "uk")
    ]
    store.add_many(others)
    state = current_themes(store, n_topics=3)
    assert state.language == "en"
    assert fit_language(store.catalogue()) == "en"
    left_out = left_out_speeches(state, store.catalogue())
    assert sorted(left_out["language"]) == ["ru", "uk"]
    assert left_out["reason"].str.contains("fitted on the 18 speeches in 'en'").all()
    ids = [s.speech_id for s in others]
    assert (state.mix.loc[ids].to_numpy() == 0).all(), "no share in any theme"
    assert not any(
        ch.isalpha() and not ch.isascii() for term in state.top_terms(n=20)["term"] for ch in term
    )
    # a speech added later in another language gets no share either, without a refit
    # French that shares words with the English themes ("budget", "football", "penalty")
    french = make_speech(
        "Mesdames et Messieurs, le budget de l'État sera présenté demain. Le budget prévoit un "
        "audit des comptes et un surplus modeste. Le football aussi a besoin de règles: le coach, "
        "le penalty et le football des jeunes méritent notre attention et notre budget.",
        language="fr",
    )
    store.add(french)
    assert (score_new(store, [french.speech_id])["share"] == 0).all()
    synced = stored_themes(store)
    assert synced is not None and synced.fit_id == state.fit_id
    assert (synced.mix.loc[french.speech_id] == 0).all()
    assert "fr" in set(left_out_speeches(synced, store.catalogue())["language"])
    shown = json.loads(_run(store, "themes", "--format", "json"))
    assert shown["language"] == "en"
    assert {row["language"] for row in shown["left_out"]} == {"fr", "ru", "uk"}
    assert "left out: 1 in 'fr', 1 in 'ru', 1 in 'uk'" in _run(store, "themes")


def test_a_corpus_mostly_in_russian_fits_with_russian_stop_words(
    tmp_path: Path, speeches: SyntheticCorpus
) -> None:
    store = CorpusStore(f"sqlite:///{tmp_path / 'ru.sqlite'}", seed=False)
    try:
        # the synthetic speeches marked Russian: the majority language decides the stop words
        store.add_many([dataclasses.replace(s, language="ru") for s in speeches.records])
        state = current_themes(store, n_topics=3)
        assert state.language == "ru" and state.model.language == "ru"
        assert left_out_speeches(state, store.catalogue()).empty
    finally:
        store.dispose()


def test_one_speech_outline_gives_its_themes_and_key_terms() -> None:
    from corpus.seed import seed_bytes
    from models.errors import NotEnoughTextError
    from models.themes.store import speech_outline

    themes, key_terms = speech_outline("seed", seed_bytes().decode("utf-8"))
    assert len(themes) >= 2 and list(themes.columns) == ["label", "share", "terms"]
    assert themes["share"].is_monotonic_decreasing and abs(themes["share"].sum() - 1) < 0.01
    assert key_terms["weight"].iloc[0] == 1.0 and len(key_terms) == 15
    assert {"ngos", "organizations"} & set(key_terms["term"])
    with pytest.raises(NotEnoughTextError):
        speech_outline("short", "Only a few words here.")

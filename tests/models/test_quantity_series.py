"""Tests for series of cited figures, users' corrections and series edits, and the figures CLI."""

from __future__ import annotations

import argparse
import io
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from cli.figures import FIGURES_CLI_COLUMNS, register
from corpus.records import SpeechFilter
from corpus.store import CorpusStore
from models.errors import ModelError
from models.figures.extract import QUANTITY_COLUMNS, quantities_frame
from models.figures.series import (
    CORRECTION_KIND,
    SERIES_COLUMNS,
    apply_corrections,
    assign_series,
    followed_series,
    normalise_counted,
    quantity_key,
    series_frame,
    series_summary,
)
from models.figures.store import (
    FIGURE_COLUMNS,
    confirm_series,
    corpus_quantities,
    corpus_series,
    correct_quantity,
    dismiss_quantity,
    merge_series,
    rename_series,
    restore_quantity,
    split_series,
)
from tests.conftest import make_speech

ECOSOC = "UN Economic and Social Council"
SPEECHES = [
    ("Only 70 Russian NGOs enjoy consultative status with ECOSOC.", date(2018, 6, 15), "Russia"),
    (
        "About 80 Russian NGOs now have consultative status with ECOSOC.",
        date(2019, 6, 20),
        "Russia",
    ),
    (
        "Only 90 of our non-governmental organisations have consultative status with the "
        "Economic and Social Council.",
        date(2021, 6, 1),
        "Russia",
    ),
    ("NATO has 29 members, and the Alliance keeps growing.", date(2019, 1, 10), "Norway"),
    ("NATO has 30 members today.", date(2019, 3, 1), "Norway"),
]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[CorpusStore]:
    """A real SQLite store holding speeches from several years."""
    store = CorpusStore(f"sqlite:///{tmp_path / 'corpus.sqlite'}", seed=False)
    for text, spoken, country in SPEECHES:
        store.add(make_speech(text, delivered_on=spoken, country=country, speaker="Speaker"))
    yield store
    store.dispose()


@pytest.mark.parametrize(
    ("counted", "scope", "expected"),
    [
        ("Russian NGOs", "Russian", "organisation"),
        ("non-governmental organisations", "our", "organisation"),
        ("the world's countries", "", "world country"),
        ("member states", "", "member"),
        ("refugees", "", "refugee"),
        ("", "", ""),
    ],
    ids=[
        "scope-word-dropped",
        "synonym",
        "possessive-and-plural",
        "member-states",
        "plural",
        "empty",
    ],
)
def test_normalise_counted(counted: str, scope: str, expected: str) -> None:
    assert normalise_counted(counted, scope=scope) == expected


def test_series_join_the_same_measure_across_years(store: CorpusStore) -> None:
    figures = corpus_quantities(store)
    assert list(figures.columns) == FIGURE_COLUMNS
    ngo = figures[figures["organisation"] == ECOSOC]
    assert len(set(ngo["series"])) == 1  # "our NGOs" of a Russian speaker joins "Russian NGOs"
    assert ngo["series_name"].iloc[0] == "Russian NGOs with ECOSOC consultative status"
    nato = figures[figures["organisation"] == "NATO"]
    assert len(set(nato["series"])) == 1
    assert set(nato["series"]).isdisjoint(set(ngo["series"]))


def test_a_large_corpus_is_read_in_batches_with_the_same_figures(
    store: CorpusStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import models.figures.store as quantity_store

    whole = corpus_quantities(store)
    again = CorpusStore(f"sqlite:///{tmp_path / 'batched.sqlite'}", seed=False)
    for text, spoken, country in SPEECHES:
        again.add(make_speech(text, delivered_on=spoken, country=country, speaker="Speaker"))
    read: list[int] = []
    find = again.find

    def counted_find(flt: SpeechFilter) -> list[object]:
        found = find(flt)
        read.append(len(found))
        return found

    monkeypatch.setattr(quantity_store, "EXTRACT_BATCH_WORDS", 12)  # about one speech each
    monkeypatch.setattr(again, "find", counted_find)
    batched = corpus_quantities(again)
    again.dispose()
    assert len(read) >= 3 and max(read) <= 2, read  # never the whole corpus at once
    pd.testing.assert_frame_equal(batched, whole)


def test_series_flag_changes_and_disagreements(store: CorpusStore) -> None:
    points = corpus_series(store)
    assert list(points.columns) == SERIES_COLUMNS
    ngo = points[points["organisation"] == ECOSOC]
    assert ngo["value"].tolist() == [70.0, 80.0, 90.0]
    assert ngo["qualifier"].tolist() == ["only", "about", "only"]
    assert ngo["change"].tolist()[1:] == [10.0, 10.0]
    assert ngo["change_pct"].round(2).tolist()[1:] == [14.29, 12.5]
    assert ngo["is_change"].tolist() == [False, True, True]
    assert not ngo["is_disagreement"].any()  # a year apart: a change, not a disagreement
    nato = points[points["organisation"] == "NATO"]
    assert nato["is_disagreement"].tolist() == [True, True]  # 29 and 30 seven weeks apart
    summary = series_summary(points)
    row = summary[summary["organisation"] == ECOSOC].iloc[0]
    assert row["values"] == "2018-06-15: only 70; 2019-06-20: about 80; 2021-06-01: only 90"
    assert (row["n_speeches"], row["n_changes"], row["n_disagreements"]) == (3, 2, 0)


def test_corrections_survive_re_extraction(store: CorpusStore) -> None:
    figures = corpus_quantities(store)
    first = figures[figures["value"] == 70.0].iloc[0]
    nato_29 = figures[figures["value"] == 29.0].iloc[0]
    correct_quantity(store, first["key"], qualifier="about", organisation="ecosoc")
    dismiss_quantity(store, nato_29["key"])
    with pytest.raises(ModelError, match="Unknown qualifier"):
        correct_quantity(store, first["key"], qualifier="roughly")

    # a fresh extraction, without the cache: the corrections are laid over it again
    fresh = quantities_frame(store.find(SpeechFilter()))
    corrected = apply_corrections(fresh, store.annotations(CORRECTION_KIND))
    assert 29.0 not in corrected["value"].tolist()
    row = corrected[corrected["value"] == 70.0].iloc[0]
    assert (row["qualifier"], row["organisation"], row["corrected"]) == ("about", ECOSOC, True)

    # the extractor reads the number longer now: the correction follows the figure's start
    longer = fresh.assign(end=fresh["end"] + 1)
    shifted = apply_corrections(longer, store.annotations(CORRECTION_KIND))
    assert shifted[shifted["value"] == 70.0]["qualifier"].tolist() == ["about"]

    again = corpus_quantities(store)
    assert 29.0 not in again["value"].tolist()
    restore_quantity(store, nato_29["key"])
    assert 29.0 in corpus_quantities(store)["value"].tolist()


def test_rename_confirm_merge_and_split(store: CorpusStore) -> None:
    figures = corpus_quantities(store)
    ngo_id = figures[figures["organisation"] == ECOSOC]["series"].iloc[0]
    nato_id = figures[figures["organisation"] == "NATO"]["series"].iloc[0]
    rename_series(store, ngo_id, "Russian NGOs accredited to ECOSOC")
    confirm_series(store, ngo_id)
    figures = corpus_quantities(store)
    ngo = figures[figures["series"] == ngo_id]
    assert set(ngo["series_name"]) == {"Russian NGOs accredited to ECOSOC"}
    assert ngo["confirmed"].all()

    moved = ngo[ngo["value"] == 90.0]["key"].tolist()
    new_id = split_series(store, ngo_id, moved, name="Later count")
    figures = corpus_quantities(store)
    assert figures[figures["series"] == new_id]["value"].tolist() == [90.0]
    assert figures[figures["series"] == ngo_id]["value"].tolist() == [70.0, 80.0]

    merge_series(store, [nato_id], into=ngo_id)
    figures = corpus_quantities(store)
    assert sorted(figures[figures["series"] == ngo_id]["value"]) == [29.0, 30.0, 70.0, 80.0]
    with pytest.raises(ModelError, match="into itself"):
        merge_series(store, [ngo_id], into=ngo_id)
    with pytest.raises(ModelError, match="empty"):
        rename_series(store, ngo_id, "  ")


def test_assign_series_leaves_figures_that_count_nothing_out() -> None:
    speech = make_speech("Exports grew by 20 per cent. We met 12 NGOs.")
    frame = quantities_frame([speech])
    # the speaker's country never stands in for a missing scope (FIGURES.md): no series
    assigned = assign_series(frame, {}, owners={speech.speech_id: "Norway"})
    assert assigned["series"].tolist() == ["", ""]
    assert series_frame(assigned).empty
    assert assign_series(frame, {})["series"].tolist() == ["", ""]


def _run(store: CorpusStore, argv: list[str]) -> str:
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    args = parser.parse_args(argv)
    out = io.StringIO()
    assert args.handler(args, store, out) == 0
    return out.getvalue()


def test_cli_figures_and_series(store: CorpusStore) -> None:
    csv = pd.read_csv(io.StringIO(_run(store, ["figures", "--format", "csv"])))
    assert list(csv.columns) == FIGURES_CLI_COLUMNS
    assert len(csv) == 5
    one = store.find(SpeechFilter())[0].speech_id
    rows = json.loads(_run(store, ["figures", "--speech", one, "--format", "json"]))
    assert rows[0]["date"] == "2018-06-15"
    assert (rows[0]["value"], rows[0]["qualifier"], rows[0]["organisation"]) == (
        70.0,
        "only",
        ECOSOC,
    )
    assert rows[0]["series"] == "Russian NGOs with ECOSOC consultative status"
    series = json.loads(_run(store, ["series", "--format", "json"]))
    assert {s["series_name"] for s in series} >= {"Russian NGOs with ECOSOC consultative status"}
    points = json.loads(_run(store, ["series", "--points", "--format", "json"]))
    assert len(points) == 5

    key = rows[0]["speech_id"] + f":{rows[0]['start']}:{rows[0]['end']}"
    assert _run(store, ["figure-fix", key, "--dismiss"]) == f"dismissed {key}\n"
    assert len(json.loads(_run(store, ["figures", "--speech", one, "--format", "json"]))) == 0
    with pytest.raises(ModelError, match="speech_id:start:end"):
        _run(store, ["figure-fix", "not-a-key", "--dismiss"])
    with pytest.raises(ModelError, match="Nothing to change"):
        _run(store, ["series-edit", "x"])


def test_durations_and_pronoun_scopes() -> None:
    first = make_speech(
        "For 70 years the OSCE has worked. Its 57 States agreed.", country="Austria"
    )
    second = make_speech("Its 56 States met in Vienna with the OSCE.", country="Chile")
    frame = quantities_frame([first, second])
    owners = {first.speech_id: "Austria", second.speech_id: "Chile"}
    assigned = assign_series(frame, {}, countries=owners, owners=owners)
    by_value = dict(zip(assigned["value"], assigned["series"], strict=True))
    assert 70.0 not in by_value  # a duration used as a time reference is no figure
    assert by_value[57.0] == by_value[56.0] == "OSCE|count|-|-|member"  # "its" scopes nothing


def test_series_name_takes_the_wording_said_first_among_equally_common_ones() -> None:
    first = make_speech("Only 70 Russian NGOs have consultative status with ECOSOC.")
    second = make_speech(
        "About 80 Russian non-governmental organisations have consultative status with ECOSOC.",
        delivered_on=date(2021, 1, 1),
    )
    frame = quantities_frame([first, second])
    names = assign_series(frame, {})["series_name"].tolist()
    assert names == ["Russian NGOs with ECOSOC consultative status"] * 2
    reversed_names = assign_series(frame.iloc[::-1].reset_index(drop=True), {})["series_name"]
    expected = "Russian non-governmental organisations with ECOSOC consultative status"
    assert reversed_names.tolist() == [expected] * 2


def test_series_summary_has_one_row_per_series_in_series_order() -> None:
    speeches = [
        make_speech("NATO has 30 members today.", delivered_on=date(2019, 3, 1), country="Norway"),
        make_speech("We met 12 Chilean NGOs.", delivered_on=date(2019, 5, 1), country="Chile"),
        make_speech("NATO has 29 members.", delivered_on=date(2019, 1, 10), country="Norway"),
    ]
    owners = {s.speech_id: s.country for s in speeches}
    points = series_frame(assign_series(quantities_frame(speeches), {}, owners=owners))
    shuffled = points.iloc[[2, 0, 1]].reset_index(drop=True)  # the summary sorts by series itself
    summary = series_summary(shuffled)
    assert summary["series"].tolist() == [
        "-|count|chilean|by chile|organisation",  # "we met": who speaks counts too
        "NATO|count|-|-|member",
    ]
    assert summary["key"].tolist() == [
        "organisation · chilean · by chile · count",
        "member · NATO · count",
    ]
    nato = summary.iloc[1]
    assert nato["values"] == "2019-03-01: 30; 2019-01-10: 29"  # in the order of the points
    assert (nato["n_speeches"], nato["n_changes"], nato["n_disagreements"]) == (2, 1, 2)
    assert (nato["first_date"], nato["last_date"]) == ("2019-01-10", "2019-03-01")
    assert (nato["first_date_iso"], nato["date_precision"]) == ("2019-01-10", "day")
    assert summary["confirmed"].dtype == bool and not summary["confirmed"].any()
    assert summary["n_speeches"].tolist() == [1, 2]
    empty = series_summary(points.iloc[0:0])
    assert empty.empty and list(empty.columns) == list(summary.columns)


def test_corrections_of_several_figures_land_on_their_own_rows() -> None:
    speech = make_speech(
        "Only 70 Russian NGOs work with ECOSOC. NATO has 29 members. We met 12 NGOs."
    )
    frame = quantities_frame([speech])
    keys = [
        quantity_key(speech.speech_id, s, e)
        for s, e in zip(frame["start"], frame["end"], strict=True)
    ]
    corrections = {
        keys[0]: {"value": 71, "qualifier": "about"},
        keys[1]: {"organisation": "OSCE", "series": "mine"},
        keys[2]: {"dismissed": True},
    }
    corrected = apply_corrections(frame, corrections)
    assert corrected["value"].tolist() == [71.0, 29.0]
    assert corrected["qualifier"].tolist() == ["about", "exact"]
    assert corrected["organisation"].tolist() == [ECOSOC, "OSCE"]
    assert corrected["series_override"].tolist() == ["", "mine"]
    assert corrected["corrected"].tolist() == [True, True]
    assert corrected["value"].dtype == "float64"


def test_followed_series_prefers_steady_measures_that_changed() -> None:
    def points_of(series: str, values: list[float]) -> list[dict[str, object]]:
        return [
            {"series": series, "speech_id": f"{series}{i}", "value": v}
            for i, v in enumerate(values)
        ]

    rows = (
        points_of("mixed", [2, 6e9, 40, 193, 1e6])  # different things near one name
        + points_of("same", [2, 2, 2, 2])  # never changes
        + points_of("members", [10, 10, 12, 12])  # a union growing: worth following
        + points_of("ngos", [70, 80])
        + points_of("once", [5])
    )
    points = pd.DataFrame(rows)
    summary = pd.DataFrame(
        {
            "series": ["mixed", "same", "members", "ngos", "once"],
            "n_speeches": [5, 4, 4, 2, 1],
        }
    )
    assert followed_series(points, summary, n=2) == ["members", "ngos"]
    # too few steady ones: the most cited fill the rest, in the summary's order, but never a
    # series of one speech
    assert followed_series(points, summary, n=4) == ["members", "ngos", "mixed", "same"]
    assert followed_series(points, summary, n=6) == ["members", "ngos", "mixed", "same"]
    assert followed_series(points, summary.iloc[:0], n=2) == []
    # only the series offered (the page offers the most cited) are chosen from
    offered = summary[summary["series"] != "members"]
    assert followed_series(points, offered, n=2) == ["ngos", "mixed"]
    assert followed_series(points, summary.tail(2), n=2) == ["ngos"]


def test_figures_an_older_extractor_stored_are_read_again_and_dropped(store: CorpusStore) -> None:
    """A database an earlier release filled keeps that release's figures under its version; this
    one reads its speeches again (a new rule or model changes the figures) and drops them."""
    fresh = corpus_quantities(store)
    ngos = fresh[fresh["counted"].str.contains("NGOs")]
    old = ngos.drop(columns=[c for c in ngos.columns if c not in QUANTITY_COLUMNS]).copy()
    old["value"] = old["value"] * 100  # what the old version said, visibly different
    buffer = io.BytesIO()
    old.reindex(columns=QUANTITY_COLUMNS).to_parquet(buffer, index=False)
    index = {sid: iso for sid, iso in store.catalogue()[["speech_id", "date_iso"]].to_numpy()}
    for name in [n for n in store.artifact_names() if n.startswith("quantities/")]:
        store.transaction(lambda tx, n=name: tx.delete_artifact(n))
    store.put_artifact("quantities/v2/frame.parquet", buffer.getvalue())
    store.put_artifact("quantities/v2/speeches.json", json.dumps(index).encode())
    again = corpus_quantities(store)
    pd.testing.assert_series_equal(
        again["value"].reset_index(drop=True), fresh["value"].reset_index(drop=True)
    )
    assert not [n for n in store.artifact_names() if n.startswith("quantities/v2/")]

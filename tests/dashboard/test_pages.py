"""Every page in-process (AppTest) on the seed, and the upload flow end to end without a browser."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from corpus.store import CorpusStore
from tests.conftest import make_speech
from tests.dashboard.conftest import APP

PAGES = ["overview", "speech", "themes", "compare", "figures", "terms", "upload"]


def _plain(shown: str) -> str:
    """A message as the reader sees it: without the escapes that keep Markdown from reading it."""
    return shown.replace("\\", "")


def _texts(at: AppTest) -> str:
    parts = [
        e.value for kind in ("info", "warning", "caption", "markdown") for e in getattr(at, kind)
    ]
    return "\n".join(str(p) for p in parts)


def test_every_page_runs_on_the_seed_and_says_what_will_appear(app: AppTest) -> None:
    app.run()
    assert not app.exception
    assert app.title[0].value == "Speech tracker"
    assert "The speech" in [s.value for s in app.main.subheader]
    assert "Only one speech so far" in _texts(app)
    assert not app.metric, "one speech: a line about it, not four metrics"
    for name in PAGES:
        app.switch_page(f"dashboard/pages/{name}.py").run()
        assert not app.exception, (name, [e.value for e in app.exception])
        assert not app.error, (name, [e.value for e in app.error])
    app.switch_page("dashboard/pages/speech.py").run()
    assert "holds at least two speeches" in _texts(app)


def test_upload_confirm_store_and_see_it_everywhere(
    app: AppTest, hostile: str, warm_reader: None
) -> None:
    app.switch_page("dashboard/pages/upload.py").run()
    app.file_uploader(key="upload_files").set_value(
        [
            ("hostile.txt", hostile.encode(), "text/plain"),
            ("picture.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image/png"),
        ]
    ).run()
    assert not app.exception
    refused = app.dataframe[0].value
    assert list(refused["file"]) == ["picture.png"], list(refused["reason"])
    assert refused["reason"].iloc[0]
    editor = app.dataframe[1].value
    assert list(editor["file"]) == ["hostile.txt"], "the metadata is shown for correction"
    assert editor["title"].iloc[0].startswith("Remarks by Jane Doe at the <script>")
    assert editor["place"].iloc[0] == "Geneva"
    assert app.button(key="upload_store").label == "Store 1 speech(es)"
    app.button(key="upload_store").click().run()
    assert not app.exception
    report = app.dataframe[0].value
    assert list(report["status"]) == ["rejected", "added"]
    assert report["title"].iloc[1].startswith("Remarks by Jane Doe")
    new_id = report["speech_id"].iloc[1]

    app.switch_page("dashboard/pages/overview.py").run()
    assert app.metric[0].value == "2"
    app.query_params["speech"] = new_id
    app.switch_page("dashboard/pages/speech.py").run()
    assert not app.exception
    assert app.selectbox(key="speech").value == new_id
    subheaders = [s.value for s in app.subheader]
    # the title is shown literally: every Markdown special is escaped
    assert any(r"\<script\>" in s for s in subheaders)


def test_one_speech_has_no_filters_and_says_when_they_appear(app: AppTest) -> None:
    app.query_params["q"] = "nonexistentwordxyz"
    app.run()
    assert not app.exception
    assert not app.sidebar.multiselect and not app.sidebar.text_input
    assert "appear here once the corpus holds two speeches" in _texts(app)
    assert "The speech" in [s.value for s in app.main.subheader]
    assert "Sergey Lavrov" in _texts(app), "a filter in the URL hides nothing on one speech"


@pytest.mark.parametrize("speaker", ["Sergey Lavrov"])
def test_filters_come_from_the_url(app: AppTest, tmp_path: Path, speaker: str) -> None:
    store = CorpusStore(str(tmp_path / "corpus.sqlite"))
    store.add(make_speech("Rivers and glaciers need treaties.", speaker="Ana Ruiz"))
    store.dispose()
    app.query_params["speaker"] = speaker
    app.run()
    assert not app.exception
    assert app.multiselect(key="speaker").value == [speaker]
    assert app.metric[0].value == "1" and "2 in the whole corpus" in app.metric[0].help

    app.text_input(key="q").set_value("nonexistentwordxyz").run()
    assert "No speech matches the filters" in app.warning[0].value


def test_figures_review_renames_a_series_and_the_page_shows_the_new_name(app: AppTest) -> None:
    app.switch_page("dashboard/pages/figures.py").run()
    assert not app.exception
    assert not [b for b in app.button if b.key == "review_rename"], "tools drawn only on request"
    app.toggle(key="figures_review").set_value(True).run()
    chosen = app.selectbox(key="review_series").value
    app.text_input(key="review_name").set_value("NGOs with ECOSOC status (renamed)").run()
    app.button(key="review_rename").click().run()
    assert not app.exception
    assert "Series renamed." in [_plain(s.value) for s in app.success]
    series = [d.value for d in app.dataframe if "series_name" in d.value.columns][0]
    renamed = series.loc[series["series"] == chosen, "series_name"]
    assert list(renamed) == ["NGOs with ECOSOC status (renamed)"]


def test_speech_pickers_offer_the_newest_first_and_never_the_same_speech_twice(
    app: AppTest, tmp_path: Path
) -> None:
    from datetime import date

    store = CorpusStore(str(tmp_path / "corpus.sqlite"))
    older = make_speech("Rivers and glaciers need treaties.", delivered_on=date(2001, 5, 2))
    newer = make_speech("Oceans and fisheries need rules.", delivered_on=date(2024, 9, 1))
    store.add_many([older, newer])
    seed_id = store.catalogue()["speech_id"][0]
    store.dispose()

    app.switch_page("dashboard/pages/compare.py").run()
    assert not app.exception
    first, second = app.selectbox(key="compare_a"), app.selectbox(key="compare_b")
    assert first.options[0].startswith("2024-09-01") and len(first.options) == 3
    assert first.value == newer.speech_id
    assert len(second.options) == 2 and not any(o.startswith("2024-09-01") for o in second.options)

    # a speech named in a shared link is chosen; the other side still leaves it out
    linked = AppTest.from_file(str(APP), default_timeout=90)
    linked.run()
    linked.query_params["compare_a"] = older.speech_id
    linked.switch_page("dashboard/pages/compare.py").run()
    assert linked.selectbox(key="compare_a").value == older.speech_id
    assert linked.selectbox(key="compare_b").value in {newer.speech_id, seed_id}
    assert not any(o.startswith("2001-05-02") for o in linked.selectbox(key="compare_b").options)


def test_the_speech_page_says_when_reading_its_figures_ran_out_of_time(
    app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dashboard import cache

    app.switch_page("dashboard/pages/speech.py").run()
    assert not app.exception
    assert not [w for w in app.warning if "stopped after" in w.value]
    monkeypatch.setattr(cache, "SPEECH_PAGE_SECONDS", 0.0)
    cache._speech_quantities.clear()
    app.run()
    assert not app.exception
    assert [w for w in app.warning if "stopped after 0 seconds, at character" in w.value]


def _themed_corpus(tmp_path: Path) -> None:
    """Eighteen short speeches on three subjects beside the seed, for the Themes page."""
    from tests.models.conftest import build_corpus

    store = CorpusStore(str(tmp_path / "corpus.sqlite"))
    store.add_many(list(build_corpus().records))
    store.dispose()


def test_the_themes_page_keeps_out_stop_terms_says_why_and_restores_an_earlier_model(
    app: AppTest, tmp_path: Path
) -> None:
    _themed_corpus(tmp_path)
    app.switch_page("dashboard/pages/themes.py").run()
    app.button(key="themes_fit").click().run()
    assert not app.exception
    assert "Fitted" in _plain(app.success[0].value)
    # how the number was chosen: a row per number tried, the chosen one marked
    quality = next(d.value for d in app.dataframe if "stability" in d.value.columns)
    assert quality["chosen"].sum() == 1 and quality["k"].is_unique
    first_themes = app.dataframe[0].value
    top = first_themes["terms"].iloc[0].split(", ")[0]  # the first theme's heaviest term
    # a stop term, stored and applied at the refit
    app.text_input(key="themes_stop_add").set_value(f"{top.upper()}, trawlers").run()
    app.button(key="themes_stop_add_button").click().run()
    assert "Added 2 stop term(s)" in _plain(app.success[0].value)
    assert "apply at the next refit" in _texts(app)
    app.button(key="themes_refit").click().run()
    assert not app.exception
    refitted = app.dataframe[0].value
    assert top not in ", ".join(refitted["terms"]).split(", ")
    kept_out = next(d.value for d in app.dataframe if list(d.value.columns) == ["term", "reason"])
    assert "a stop term of yours" in set(kept_out.loc[kept_out["term"] == top, "reason"])
    report = next(d.value for d in app.dataframe if "status" in d.value.columns)
    assert set(report["status"]) <= {"kept", "changed", "split", "merged", "new", "gone"}
    assert "Last refit" in _texts(app)
    # the model before the refit comes back, stop terms and all
    assert app.selectbox(key="themes_earlier").options
    app.button(key="themes_restore").click().run()
    assert not app.exception
    assert "Restored the earlier theme model" in _plain(app.success[0].value)
    assert top in ", ".join(app.dataframe[0].value["terms"]).split(", ")
    # the chart draws the chosen themes one by one and the others together
    shown = app.multiselect(key="themes_shown")
    assert 1 <= len(shown.value) <= 8
    shown.set_value(shown.value[:1]).run()
    assert not app.exception


def test_comparing_two_selections_opens_on_the_earlier_and_later_halves(
    app: AppTest, tmp_path: Path
) -> None:
    from datetime import date

    store = CorpusStore(str(tmp_path / "corpus.sqlite"))
    store.add_many(
        [
            make_speech("Rivers and glaciers need treaties.", delivered_on=date(2001, 5, 2)),
            make_speech("Oceans and fisheries need rules.", delivered_on=date(2024, 9, 1)),
        ]
    )
    store.dispose()
    app.switch_page("dashboard/pages/compare.py").run()
    app.segmented_control(key="compare_mode").set_value("two selections").run()
    assert not app.exception
    a_from, a_to = (
        app.date_input(key="compare_a_from").value,
        app.date_input(key="compare_a_to").value,
    )
    b_from, b_to = (
        app.date_input(key="compare_b_from").value,
        app.date_input(key="compare_b_to").value,
    )
    assert a_from == date(2001, 5, 2) and b_to == date(2024, 9, 1)
    assert a_to < b_from
    summary = app.dataframe[0].value
    assert len(summary) == 2 and summary.iloc[0].tolist() != summary.iloc[1].tolist()


def test_error_messages_show_user_text_as_written(app: AppTest) -> None:
    app.switch_page("dashboard/pages/terms.py").run()
    app.text_input(key="terms").set_value("$$ **").run()
    assert not app.exception
    shown = app.error[0].value
    # Markdown and maths in the user's term are escaped: shown as typed, never drawn
    assert r"\$\$ \*\*" in shown and "has no word in it" in shown


def test_a_link_asking_for_thousands_of_terms_is_refused_at_once(app: AppTest) -> None:
    app.query_params["terms"] = ",".join(f"word{i}" for i in range(2000))
    app.switch_page("dashboard/pages/terms.py").run()
    assert not app.exception
    shown = _plain(app.error[0].value)
    assert "At most 20 terms can be followed at once; 2,000 were given" in shown


def _countries(path: Path) -> None:
    from datetime import date

    store = CorpusStore(str(path))
    store.add_many(
        [
            make_speech("Rivers and glaciers need treaties.", country="Russian Federation",
                        delivered_on=date(1995, 9, 1)),
            make_speech("Oceans and fisheries need rules.", country="RUS",
                        delivered_on=date(2010, 9, 1)),
            make_speech("Trade and tariffs need talks.", country="United Kingdom",
                        delivered_on=date(2012, 9, 1)),
            make_speech("Disarmament needs verification.", country="USSR",
                        delivered_on=date(1985, 9, 1)),
        ]
    )  # fmt: skip
    store.dispose()


def test_the_sidebar_offers_each_country_once_and_filters_by_its_code(
    app: AppTest, tmp_path: Path
) -> None:
    _countries(tmp_path / "corpus.sqlite")
    app.run()
    assert not app.exception
    countries = app.multiselect(key="country")
    assert countries.options == ["Russia", "Soviet Union", "United Kingdom"]
    countries.set_value(["Russia"]).run()
    # the seed (Russia), "Russian Federation" and "RUS"; not the Soviet Union
    assert app.metric[0].value == "3" and "5 in the whole corpus" in app.metric[0].help


def test_a_link_may_name_a_country_by_its_code(app: AppTest, tmp_path: Path) -> None:
    _countries(tmp_path / "corpus.sqlite")
    app.query_params["country"] = "RUS"
    app.run()
    assert not app.exception
    assert app.multiselect(key="country").value == ["RUS"]
    assert app.metric[0].value == "3"


def test_comparing_two_selections_by_country(app: AppTest, tmp_path: Path) -> None:
    from datetime import date

    _countries(tmp_path / "corpus.sqlite")
    app.switch_page("dashboard/pages/compare.py").run()
    app.segmented_control(key="compare_mode").set_value("two selections").run()
    assert app.multiselect(key="compare_a_countries").options == [
        "Russia",
        "Soviet Union",
        "United Kingdom",
    ]
    for side, country in (("a", "Russia"), ("b", "Soviet Union")):
        app.multiselect(key=f"compare_{side}_countries").set_value([country])
        app.date_input(key=f"compare_{side}_from").set_value(date(1985, 9, 1))
        app.date_input(key=f"compare_{side}_to").set_value(date(2018, 6, 15))
    app.run()
    assert not app.exception
    summary = app.dataframe[0].value
    assert summary["n_speeches"].tolist() == [3, 1]
    assert summary["selection"].tolist()[0].startswith("Russia")


def test_an_editor_merges_names_of_one_speaker_and_every_page_shows_one(
    app: AppTest, tmp_path: Path
) -> None:
    from datetime import date

    store = CorpusStore(str(tmp_path / "corpus.sqlite"))
    store.add_many(
        [
            make_speech(f"Statement {i} on rivers and treaties.", speaker=name,
                        delivered_on=date(2005 + i, 9, 1))
            for i, name in enumerate(["Sergei Lavrov", "Mr. Sergey V. LAVROV", "Mr. KOZYREV"])
        ]
    )  # fmt: skip
    store.dispose()
    app.run()
    assert app.multiselect(key="speaker").options == [
        "Kozyrev", "Sergei Lavrov", "Sergey Lavrov", "Sergey V. Lavrov",
    ]  # fmt: skip
    app.toggle(key="merge_speakers_open").set_value(True).run()
    assert not app.exception
    assert "Sergei Lavrov = Sergey Lavrov = Sergey V. Lavrov" in _plain(_texts(app))
    app.selectbox(key="merge_keep").set_value("Sergey Lavrov")
    app.multiselect(key="merge_variants").set_value(["Sergei Lavrov", "Sergey V. Lavrov"])
    app.button[0].click().run()  # the form's Merge button
    assert not app.exception
    assert app.multiselect(key="speaker").options == ["Kozyrev", "Sergey Lavrov"]
    assert app.metric[1].value == "2"  # speakers
    done = _plain(" ".join(str(e.value) for e in app.success))
    assert "Sergey Lavrov now stands for Sergei Lavrov, Sergey V. Lavrov" in done
    app.multiselect(key="speaker").set_value(["Sergey Lavrov"]).run()
    assert app.metric[0].value == "3"  # the seed and both variants
    reopened = CorpusStore(str(tmp_path / "corpus.sqlite"))
    assert set(reopened.catalogue()["speaker"]) == {"Sergey Lavrov", "Kozyrev"}
    reopened.dispose()
    undo = app.multiselect(key="unmerge_names")
    assert undo.options == ["Sergei Lavrov → Sergey Lavrov", "Sergey V. Lavrov → Sergey Lavrov"]
    undo.set_value(["Sergei Lavrov → Sergey Lavrov"]).run()
    app.button(key="unmerge_button").click().run()
    assert not app.exception
    assert "Sergei Lavrov" in app.multiselect(key="speaker").options


def test_viewers_cannot_merge_speakers(app: AppTest, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from corpus.access import hash_password

    store = CorpusStore(str(tmp_path / "corpus.sqlite"))
    store.add(make_speech("Statement on rivers.", speaker="Sergei Lavrov"))
    store.dispose()
    monkeypatch.setenv("SPEECHTRACK_EDITOR_PASSWORD_HASH", hash_password("a long secret"))
    app.run()
    app.toggle(key="merge_speakers_open").set_value(True).run()
    assert not app.exception
    assert "Enter the editor password to merge speakers" in _plain(_texts(app))
    assert not [s for s in app.selectbox if s.key == "merge_keep"]


def test_compare_leaves_readability_blank_for_a_russian_speech_and_says_why(
    app: AppTest, tmp_path: Path
) -> None:
    from datetime import date

    text = (Path(__file__).parents[1] / "data" / "languages" / "ru.txt").read_text("utf-8")
    store = CorpusStore(str(tmp_path / "corpus.sqlite"))
    store.add(make_speech(text, delivered_on=date(2024, 9, 1), language="ru"))
    store.dispose()

    app.switch_page("dashboard/pages/compare.py").run()
    assert not app.exception
    (stats,) = [d.value for d in app.dataframe if "readability_note" in d.value.columns]
    rows = stats.set_index("group")
    assert pd.isna(rows.loc["A", "flesch_reading_ease"])
    assert "defined for English only" in rows.loc["A", "readability_note"]
    assert "'ru'" in rows.loc["A", "readability_note"]
    assert rows.loc["B", "flesch_reading_ease"] > 0 and rows.loc["B", "readability_note"] == ""


def test_the_themes_page_names_the_speeches_its_language_leaves_out(
    app: AppTest, tmp_path: Path
) -> None:
    from datetime import date

    _themed_corpus(tmp_path)
    text = (Path(__file__).parents[1] / "data" / "languages" / "uk.txt").read_text("utf-8")
    store = CorpusStore(str(tmp_path / "corpus.sqlite"))
    store.add(make_speech(text, title="Промова", delivered_on=date(2022, 3, 1), language="uk"))
    store.dispose()
    app.switch_page("dashboard/pages/themes.py").run()
    app.button(key="themes_fit").click().run()
    assert not app.exception
    warning = _plain(next(w.value for w in app.warning if "Left out" in _plain(w.value)))
    assert "fitted on the speeches in 'en'" in warning and "1 in 'uk'" in warning
    left_out = next(
        d.value
        for d in app.dataframe
        if "reason" in d.value.columns and "language" in d.value.columns
    )
    assert list(left_out["title"]) == ["Промова"]

"""Chart builders: real date axes, one colour per speaker and theme, hover text from the frame."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.charts import (
    NAME_COLOURS,
    OKABE_ITO,
    OTHER_THEMES,
    SERIES_COLOURS,
    color_for,
    counts_by_year_chart,
    distinct_colors,
    keyness_chart,
    series_chart,
    speeches_timeline_chart,
    term_trend_chart,
    theme_heatmap_chart,
    theme_shares_chart,
)
from dashboard.summaries import counts_by_year


def _catalogue() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "speech_id": ["a1", "b2", "c3"],
            "title": ["First <b>", "Second", "Third"],
            "speaker": ["Sergey Lavrov", "Sergey Lavrov", "Antonio Guterres"],
            "date": pd.to_datetime(["2018-06-15", "1995-01-01", "2020-03-01"]),
            "date_iso": ["2018-06-15", "1995", "2020-03-01"],
            "date_precision": ["day", "year", "day"],
            "n_words": [1421, 3000, 800],
        }
    )


def test_colours_are_stable_and_from_the_palette() -> None:
    assert color_for("Sergey Lavrov") == color_for("Sergey Lavrov")
    assert {color_for(f"speaker {i}") for i in range(50)} <= set(NAME_COLOURS)


def test_no_two_series_of_a_chart_share_a_colour() -> None:
    assert len(set(SERIES_COLOURS)) == len(SERIES_COLOURS) >= 24
    colours = distinct_colors([f"speaker {i}" for i in range(24)])
    assert len(set(colours.values())) == 24
    assert distinct_colors(["b", "a"]) == distinct_colors(["a", "b"])  # the set decides, not order
    assert list(distinct_colors(range(8)).values())[:6] == list(OKABE_ITO[:6])
    terms = ["nato", "west", "ukraine", "sanctions"]
    trend = pd.DataFrame(
        {
            "term": terms,
            "period": pd.to_datetime(["2018-01-01"] * 4),
            "n_speeches": [1] * 4,
            "n_words": [100] * 4,
            "n_matches": [1] * 4,
            "per_10k": [1.0, 2.0, 3.0, 4.0],
        }
    )
    assert len({t.line.color for t in term_trend_chart(trend).data}) == 4
    timeline = speeches_timeline_chart(
        _catalogue().assign(speaker=["A. One", "B. Two", "C. Three"])
    )
    assert len({t.marker.color for t in timeline.data}) == 3


def test_timeline_is_a_real_date_axis_with_one_trace_per_speaker() -> None:
    chart = speeches_timeline_chart(_catalogue())
    spec = chart.to_dict()
    assert spec["layout"]["xaxis"]["type"] == "date"
    by_name = {t.name: t for t in chart.data}
    assert set(by_name) == {"Sergey Lavrov", "Antonio Guterres"}
    lavrov = by_name["Sergey Lavrov"]
    assert lavrov.marker.color != by_name["Antonio Guterres"].marker.color
    # the year-precision speech sits at its year, not at an ordinal position
    assert [pd.Timestamp(x) for x in lavrov.x] == [
        pd.Timestamp("1995-01-01"),
        pd.Timestamp("2018-06-15"),
    ]
    assert list(lavrov.y) == [3000, 1421]
    # hover text is escaped so titles cannot add markup
    assert lavrov.customdata[1][0] == "First &lt;b&gt;"


def test_counts_by_year_places_bars_on_their_year() -> None:
    counts = counts_by_year(_catalogue())
    assert list(counts.columns) == ["year", "year_start", "speaker", "n_speeches", "n_words"]
    chart = counts_by_year_chart(counts)
    assert chart.to_dict()["layout"]["barmode"] == "stack"
    assert chart.layout.xaxis.type == "date"
    lavrov = next(t for t in chart.data if t.name == "Sergey Lavrov")
    assert [pd.Timestamp(x).year for x in lavrov.x] == [1995, 2018]
    assert list(lavrov.y) == [1, 1]


def test_theme_shares_carry_the_number_of_speeches() -> None:
    frame = pd.DataFrame(
        {
            "period": pd.to_datetime(["2018-01-01", "2019-01-01", "2018-01-01", "2019-01-01"]),
            "theme": [0, 0, 1, 1],
            "label": ["ngo · status", "ngo · status", "security", "security"],
            "share": [0.7, 0.4, 0.3, 0.6],
            "n_speeches": [3, 5, 3, 5],
        }
    )
    chart = theme_shares_chart(frame)
    assert [t.name for t in chart.data] == ["ngo · status", "security"]
    assert chart.data[0].line.color != chart.data[1].line.color
    assert chart.data[0].stackgroup == "themes"
    assert [row[0] for row in chart.data[0].customdata] == [3, 5]
    assert "speeches" in chart.data[0].hovertemplate


def test_many_themes_read_as_the_shown_ones_plus_other_themes() -> None:
    from dashboard.theme_tables import with_other

    periods = pd.to_datetime(["2018-01-01", "2019-01-01"])
    frame = pd.DataFrame(
        [
            {"period": p, "theme": t, "label": f"theme {t} · words", "share": 1 / 25,
             "n_speeches": 4}
            for p in periods
            for t in range(25)
        ]
    )  # fmt: skip
    shown = with_other(frame, [0, 3, 7], label="other themes (22)")
    chart = theme_shares_chart(shown)
    names = [t.name for t in chart.data]
    assert names == ["theme 0 · words", "theme 3 · words", "theme 7 · words", "other themes (22)"]
    assert chart.data[-1].line.color == "#999999"
    assert len({t.line.color for t in chart.data}) == 4
    other = shown[shown["theme"] == OTHER_THEMES]
    assert np.allclose(other["share"], 22 / 25) and list(other["n_speeches"]) == [4, 4]
    # the legend never sits over the title: a column on the right or rows under the chart
    legend = chart.layout.legend
    assert legend.orientation == "v" and legend.x >= 1 or legend.y < 0


def test_the_theme_map_is_coloured_over_its_own_range() -> None:
    wide = pd.DataFrame({0: [0.3, 0.1], 1: [0.05, 0.2]}, index=["speech a", "speech b"])
    chart = theme_heatmap_chart(wide, labels=["x", "y"])
    assert chart.data[0].zmin == 0 and chart.data[0].zmax == 0.3


def test_keyness_puts_a_and_b_on_either_side() -> None:
    frame = pd.DataFrame(
        {
            "term": ["ngo", "sanctions"],
            "count_a": [10, 1],
            "count_b": [1, 12],
            "per_10k_a": [20.0, 1.0],
            "per_10k_b": [1.0, 25.0],
            "g2": [15.0, 18.0],
            "p_value": [0.0001, 0.0001],
            "log_ratio": [4.3, -4.6],
            "favours": ["a", "b"],
        }
    )
    a, b = keyness_chart(frame, label_a="2018", label_b="2019").data
    assert (a.name, list(a.y), list(a.x)) == ("2018", ["ngo"], [4.3])
    assert (b.name, list(b.y), list(b.x)) == ("2019", ["sanctions"], [-4.6])


def test_series_shows_the_qualifier_and_flags_changes() -> None:
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime(["2018-06-15", "2019-05-20"]),
            "value": [70.0, 80.0],
            "qualifier": ["only", "over"],
            "sentence": ["Only 70 NGOs.", "Over 80 NGOs."],
            "speech_title": ["A", "B"],
            "speaker": ["Sergey Lavrov", "Sergey Lavrov"],
            "changed": [False, True],
        }
    )
    trace = series_chart(frame, title="Russian NGOs (ECOSOC)").data[0]
    assert list(trace.text) == ["only", "over"]
    # a run of one qualifier is written once; exact figures are written nothing (both in the hover)
    run = frame.iloc[[0, 1, 1, 1, 0]].assign(
        date=pd.to_datetime(["2015-01-01", "2016-01-01", "2017-01-01", "2018-01-01", "2019-01-01"]),
        qualifier=["exact", "about", "about", "exact", "about"],
    )
    labels = list(series_chart(run, title="Refugees").data[0].text)
    assert labels == ["", "about", "", "", "about"]
    assert list(trace.marker.symbol) == ["circle-open", "triangle-up"]
    assert list(trace.marker.line.width) == [0, 2]
    assert trace.customdata[1][0] == "Over 80 NGOs."


def test_a_large_corpus_is_drawn_as_a_density_on_the_date_axis() -> None:
    many = pd.DataFrame(
        {
            "speech_id": [f"s{i}" for i in range(1_500)],
            "title": ["t"] * 1_500,
            "speaker": [f"country {i % 190}" for i in range(1_500)],
            "date": pd.to_datetime([f"{1946 + i % 79}-01-01" for i in range(1_500)]),
            "date_iso": [str(1946 + i % 79) for i in range(1_500)],
            "date_precision": ["year"] * 1_500,
            "n_words": [1_000 + i for i in range(1_500)],
        }
    )
    chart = speeches_timeline_chart(many)
    assert chart.layout.xaxis.type == "date"
    (trace,) = chart.data
    assert trace.type == "heatmap"
    assert np.nansum(np.asarray(trace.z, dtype=float)) == 1_500  # every speech in one cell
    assert len(trace.x) == 79  # one column per year of the 79 years
    assert "1,500 speeches" in chart.layout.title.text

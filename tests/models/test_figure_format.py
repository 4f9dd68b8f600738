"""Figures as people read them: full numbers, vague magnitudes, dates to their precision."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard.figure_tables import figure_table
from models.figures.extract import quantities_frame
from models.figures.format import readable_date, readable_value
from models.figures.series import assign_series, series_frame, series_summary
from tests.conftest import make_speech


def test_values_are_written_in_full_and_vague_ones_say_their_bound() -> None:
    assert readable_value(1.13e10, "USD") == "$11,300,000,000"
    assert readable_value(1.13e10, "count") == "11,300,000,000"
    assert readable_value(24, "count", vague=True) == "dozens (24 or more)"
    assert readable_value(2e6, "count", vague=True) == "millions (2,000,000 or more)"
    assert readable_value(100 / 3, "percent") == "33.33%"
    assert readable_value(200e6, "USD", value_max=250e6) == "$200,000,000–250,000,000"
    assert readable_value(2, "x") == "2×"
    assert "e+" not in readable_value(1e15, "count")


def test_a_date_known_to_the_year_shows_the_year_on_pages_and_exports() -> None:
    assert readable_date(date(2018, 1, 1), "year") == "2018"
    assert readable_date(date(2018, 6, 1), "month") == "2018-06"
    assert readable_date(date(2018, 6, 15), "day") == "2018-06-15"
    speeches = [
        make_speech("Only 70 Russian NGOs enjoy consultative status with ECOSOC.",
                    delivered_on=date(2018, 1, 1)),
        make_speech("Only 64 Russian NGOs have consultative status with ECOSOC.",
                    delivered_on=date(2016, 1, 1)),
    ]  # fmt: skip
    frame = quantities_frame(speeches)
    frame["date_precision"] = "year"
    frame = assign_series(frame, {})
    summary = series_summary(series_frame(frame))
    row = summary.iloc[0]
    assert (row["first_date"], row["last_date"], row["date_precision"]) == ("2016", "2018", "year")
    assert row["values"] == "2016: only 64; 2018: only 70"
    assert row["first_date_iso"] == "2016-01-01"  # exports keep the ISO date beside its precision
    table = figure_table(
        frame.assign(
            corrected=False, key="", title="", speaker="", series_name=frame["series_name"]
        ),
        qualifiers=[],
        organisations=[],
        units=[],
    )
    assert set(table["date"]) == {"2016", "2018"} and set(table["date_precision"]) == {"year"}
    assert list(table["figure"]) == ["64", "70"] or list(table["figure"]) == ["70", "64"]
    assert pd.api.types.is_float_dtype(table["value"])  # the exact value stays for downloads

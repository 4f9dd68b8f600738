"""The Figures page's view of the points of each series."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.figure_tables import FiguresView


def test_each_series_gets_exactly_its_points_in_row_order() -> None:
    rng = np.random.default_rng(3)
    names = [f"series {i}" for i in range(40)]
    series = [rng.choice(names) if rng.random() > 0.1 else None for _ in range(500)]
    points = pd.DataFrame({"series": pd.Series(series, dtype="str"), "value": np.arange(500)})
    view = FiguresView.of(points.iloc[:0], points, points.iloc[:0])
    for name in names:
        expected = points[points["series"] == name]
        assert view.has_series(name) == (not expected.empty)
        pd.testing.assert_frame_equal(view.series_points(name), expected)
    assert not view.has_series("no such series")
    assert view.series_points("no such series").empty
    assert list(view.series_points("no such series").columns) == ["series", "value"]

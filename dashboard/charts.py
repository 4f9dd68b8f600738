"""The dashboard's charts: tidy frame in, Plotly `go.Figure` out, one colour per speaker and theme.

Builders do no computation beyond sorting and picking columns; hover text comes from frame columns.
Within one chart no two series share a colour (`distinct_colors`: the Okabe-Ito palette first,
then Plotly's Dark24, 31 colours in all), given in the sorted order of their names or numbers,
so the same speakers or themes get the same colours on every chart that shows the same set.
`controls.show_chart` draws a chart with the toolbar's PNG export. (A "figure" in this product is a
number a speech cites, never a chart.)
"""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly import colors as pc

from models.figures.format import readable_date, readable_value

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour vision.
OKABE_ITO = (
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#009E73",  # bluish green
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#F0E442",  # yellow
    "#000000",  # black
)
NAME_COLOURS = OKABE_ITO[:6]
# Plotly's Dark24 after the Okabe-Ito colours without yellow (too faint on white for lines)
# (its first colour, a blue near Okabe-Ito's two, goes last)
SERIES_COLOURS = (
    *OKABE_ITO[:6],
    OKABE_ITO[7],
    *pc.qualitative.Dark24[1:],
    pc.qualitative.Dark24[0],
)
OTHER_COLOUR = "#999999"
YEAR_MS = 365.25 * 24 * 3600 * 1000
# Speakers drawn as their own traces (with a legend entry); beyond this, one trace coloured per point.
MAX_LEGEND_SPEAKERS = 12
# Beyond this many speeches the time line shows their density instead of one point each: more
# points cannot be told apart, and a browser without a graphics card draws them slowly.
MAX_POINTS = 1_000
# Series with more points than this show the qualifier in the marker and the hover only.
MAX_LABELLED_POINTS = 40


def color_for(name: str) -> str:
    """Return the palette colour of a speaker or term: the same name, the same colour, always.

    Names use the first six colours of the palette: yellow is too faint for bars and lines on
    white, and black stays for text and single series.
    """
    return NAME_COLOURS[zlib.crc32(name.encode("utf-8")) % len(NAME_COLOURS)]


def distinct_colors(keys: object) -> dict[object, str]:
    """Give each series of a chart its own colour, in the sorted order of the keys (31 colours;
    beyond that they repeat, which charts avoid by showing at most 24 series)."""
    ordered = sorted(set(keys), key=lambda k: (str(type(k)), k))  # type: ignore[call-overload]
    return {k: SERIES_COLOURS[i % len(SERIES_COLOURS)] for i, k in enumerate(ordered)}


def _date_range(chart: go.Figure, dates: pd.Series) -> None:
    """Give a date axis at least two years of room, so one speech is not drawn at hour scale."""
    if dates.empty:
        return
    low, high = pd.Timestamp(dates.min()), pd.Timestamp(dates.max())
    if high - low < pd.Timedelta(days=730):
        middle = low + (high - low) / 2
        chart.update_xaxes(range=[middle - pd.Timedelta(days=400), middle + pd.Timedelta(days=400)])


def _layout(chart: go.Figure, *, title: str, x_title: str = "", y_title: str = "") -> go.Figure:
    # one update: each call walks Plotly's validators again (a tenth of the time of a chart)
    chart.update_layout(
        title={"text": _hover_safe(title), "x": 0, "xanchor": "left"},
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        # under the chart, clear of the title however many rows it takes
        legend={"orientation": "h", "yanchor": "top", "y": -0.22, "x": 0},
        hoverlabel={"namelength": -1},
        xaxis_title_text=x_title,
        yaxis_title_text=y_title,
    )
    return chart


# Plotly draws a chart, measures what sticks out of its margins (tick labels, a legend, a colour
# bar) and, when anything does, draws it all again: in a browser without a graphics card that
# second drawing is a third of a page switch. Charts whose labels are known here get margins wide
# enough for them and are drawn once; labels too long for that are left to Plotly.
_CHAR_PX = 7.5  # a character of tick or legend text at the charts' font size, generously
_MAX_LABEL_PX = 330


def _text_px(labels: object) -> int:
    return int(max((len(str(v)) for v in labels), default=0) * _CHAR_PX)  # type: ignore[attr-defined]


def _fixed_margins(
    chart: go.Figure,
    *,
    left: int = 70,
    right: int = 20,
    top: int = 50,
    bottom: int = 50,
    **layout: object,
) -> go.Figure:
    """Give the chart margins that hold its labels, so that Plotly draws it once (and any other
    `layout` in the same update)."""
    chart.update_layout(
        margin={"l": left, "r": right, "t": top, "b": bottom, "autoexpand": False}, **layout
    )
    return chart


def _labels_margin(chart: go.Figure, labels: object, **margins: int) -> go.Figure:
    """Fixed margins with room on the left for category labels (left to Plotly when too long)."""
    width = _text_px(labels)
    if width > _MAX_LABEL_PX:
        return chart
    return _fixed_margins(chart, left=width + 16, **margins)


def _two_sided_margin(chart: go.Figure) -> go.Figure:
    """Fixed margins for bars of A and B: category labels on the left, their legend in one row
    between the title and the bars (left to Plotly when the names would not fit in one row)."""
    legend = sum(_text_px([trace.name]) + 40 for trace in chart.data)
    if legend > 2 * _MAX_LABEL_PX:
        return chart
    labels = [label for trace in chart.data for label in trace.y]
    return _labels_margin(chart, labels, top=85)


def speeches_timeline_chart(catalogue: pd.DataFrame) -> go.Figure:
    """Each speech as a point on a real date axis, its length on y, coloured by speaker.

    Args:
        catalogue: columns date (datetime64), date_iso, speaker, title, n_words, speech_id.
    """
    frame = catalogue.sort_values(["date", "speech_id"])
    if len(frame) > MAX_POINTS:
        return _timeline_density(frame)
    chart = go.Figure()
    hover = "%{customdata[0]}<br>%{customdata[1]} · %{customdata[2]}<br>%{y:,} words<extra></extra>"
    speakers = frame["speaker"].drop_duplicates().tolist()
    if len(speakers) <= MAX_LEGEND_SPEAKERS:
        colours = distinct_colors(speakers)
        for speaker in speakers:
            part = frame[frame["speaker"] == speaker]
            chart.add_trace(
                go.Scatter(
                    x=part["date"],
                    y=part["n_words"],
                    mode="markers",
                    name=_hover_safe(speaker or "(unknown speaker)"),
                    marker={"color": colours[speaker], "size": 9},
                    customdata=_texts(part, ["title", "speaker", "date_iso"]),
                    hovertemplate=hover,
                )
            )
    else:  # many speakers: one trace per colour, so a speaker keeps its colour without a legend
        colours = frame["speaker"].map({s: color_for(s) for s in speakers})
        for colour, part in frame.groupby(colours, sort=True):
            chart.add_trace(
                go.Scatter(
                    x=part["date"].to_numpy(),
                    y=part["n_words"].to_numpy(),
                    mode="markers",
                    name="speeches",
                    marker={"color": colour, "size": 5},
                    customdata=_texts(part, ["title", "speaker", "date_iso"]),
                    hovertemplate=hover,
                    showlegend=False,
                )
            )
    chart.update_xaxes(type="date")
    chart.update_yaxes(rangemode="tozero")
    _date_range(chart, frame["date"])
    return _layout(chart, title="Speeches by date and length", x_title="date", y_title="words")


def _timeline_density(frame: pd.DataFrame) -> go.Figure:
    """Many speeches: how many fall in each stretch of time and length, on the same date axis.

    The counts are binned here, so the browser draws a small grid instead of binning every speech.
    """
    seconds = frame["date"].to_numpy(dtype="datetime64[s]").astype(np.int64)
    words = frame["n_words"].to_numpy(dtype=np.float64)
    n_x = min(200, max(20, frame["date"].dt.year.nunique()))
    span = (seconds.min(), max(seconds.max(), seconds.min() + 86_400))
    counts, x_edges, y_edges = np.histogram2d(
        seconds, words, bins=(n_x, 30), range=(span, (0.0, max(words.max(), 1.0)))
    )
    x_mid = ((x_edges[:-1] + x_edges[1:]) / 2).astype(np.int64).astype("datetime64[s]")
    y_mid = (y_edges[:-1] + y_edges[1:]) / 2
    chart = go.Figure(
        go.Heatmap(
            x=pd.to_datetime(x_mid),
            y=np.round(y_mid),
            z=np.where(counts.T > 0, counts.T, np.nan),
            colorscale="Blues",
            colorbar={"title": {"text": "speeches"}},
            hovertemplate="around %{x|%Y-%m}<br>about %{y:,.0f} words<br>%{z} speeches"
            "<extra></extra>",
            name="speeches",
        )
    )
    chart.update_xaxes(type="date")
    title = f"Speeches by date and length ({len(frame):,} speeches; darker = more)"
    return _fixed_margins(
        _layout(chart, title=title, x_title="date", y_title="words"), left=80, right=110
    )


def counts_by_year_chart(counts: pd.DataFrame) -> go.Figure:
    """Speeches per year as bars placed on the year, stacked by speaker when there are few.

    Args:
        counts: columns year_start (datetime64, 1 January of the year), speaker, n_speeches, n_words.
    """
    chart = go.Figure()
    speakers = counts["speaker"].drop_duplicates().tolist()
    if len(speakers) <= MAX_LEGEND_SPEAKERS:
        colours = distinct_colors(speakers)
        groups = [(s, counts[counts["speaker"] == s], colours[s]) for s in speakers]
    else:
        total = counts.groupby("year_start", as_index=False)[["n_speeches", "n_words"]].sum()
        groups = [("all speakers", total, OKABE_ITO[3])]
    for name, part, colour in groups:
        chart.add_trace(
            go.Bar(
                x=part["year_start"],
                y=part["n_speeches"],
                name=_hover_safe(name or "(unknown speaker)"),
                marker_color=colour,
                customdata=part[["n_words"]].to_numpy(),
                hovertemplate=f"{_hover_safe(name)}<br>%{{x|%Y}}: %{{y}} speeches, "
                "%{customdata[0]:,} words<extra></extra>",
                width=[0.85 * YEAR_MS] * len(part),
                offset=0.075 * YEAR_MS,
            )
        )
    chart.update_layout(barmode="stack")
    chart.update_xaxes(type="date")
    _date_range(chart, counts["year_start"])
    return _layout(chart, title="Speeches per year", x_title="year", y_title="speeches")


def counts_by_speaker_chart(counts: pd.DataFrame, *, top: int = 20) -> go.Figure:
    """Horizontal bars of speeches per speaker (the `top` speakers with most speeches).

    Args:
        counts: columns speaker, n_speeches, n_words.
    """
    frame = counts.sort_values(["n_speeches", "speaker"], ascending=[False, True]).head(top)
    frame = frame.iloc[::-1]
    chart = go.Figure(
        go.Bar(
            x=frame["n_speeches"],
            y=[_hover_safe(s or "(unknown speaker)") for s in frame["speaker"]],
            orientation="h",
            marker_color=[distinct_colors(frame["speaker"])[s] for s in frame["speaker"]],
            customdata=frame[["n_words"]].to_numpy(),
            hovertemplate="%{y}: %{x} speeches, %{customdata[0]:,} words<extra></extra>",
            name="speeches",
        )
    )
    title = "Speeches per speaker" if len(counts) <= top else f"Speeches per speaker (top {top})"
    chart.update_yaxes(type="category")
    chart.update_layout(height=max(260, 26 * len(frame) + 140), bargap=0.3)
    return _labels_margin(_layout(chart, title=title, x_title="speeches"), chart.data[0].y)


def keyness_chart(frame: pd.DataFrame, *, label_a: str, label_b: str) -> go.Figure:
    """Diverging bars: terms of A to the right, terms of B to the left, by log-ratio.

    Args:
        frame: keyness columns term, count_a, count_b, per_10k_a, per_10k_b, g2, log_ratio, favours.
    """
    chart = go.Figure()
    for side, name, colour in (("a", label_a, OKABE_ITO[0]), ("b", label_b, OKABE_ITO[3])):
        part = frame[frame["favours"] == side].sort_values("g2", ascending=True)
        chart.add_trace(
            go.Bar(
                x=part["log_ratio"],
                y=[_hover_safe(t) for t in part["term"]],
                orientation="h",
                name=_hover_safe(name),
                marker_color=colour,
                customdata=part[["per_10k_a", "per_10k_b", "g2"]].to_numpy(),
                hovertemplate="%{y}: %{customdata[0]:.1f} vs %{customdata[1]:.1f} per 10,000 words"
                " (G2 %{customdata[2]:.1f})<extra></extra>",
            )
        )
    chart.update_layout(barmode="relative", height=max(400, 18 * len(frame) + 120))
    chart.update_yaxes(type="category")
    return _two_sided_margin(
        _layout(chart, title="Terms that set them apart", x_title="log2 ratio (A vs B)")
    )


OTHER_THEMES = -1  # the theme number of "other themes" in a chart of the top themes


def theme_shares_chart(frame: pd.DataFrame, *, stacked: bool = True) -> go.Figure:
    """Theme shares over time as stacked areas (or lines), with the speeches behind each point.

    Args:
        frame: columns period (datetime64, first day), theme (int; `OTHER_THEMES` for the
            themes not shown one by one, drawn last in grey), label, share, n_speeches.
    """
    traces = []
    themes = sorted(int(t) for t in frame["theme"].unique() if t != OTHER_THEMES)
    colours = {**distinct_colors(themes), OTHER_THEMES: OTHER_COLOUR}
    ordered = frame.assign(_last=frame["theme"] == OTHER_THEMES)
    for (_, topic), part in ordered.sort_values(["_last", "theme", "period"]).groupby(
        ["_last", "theme"], sort=True
    ):
        label = str(part["label"].iloc[0])
        # arrays, not pandas columns: Plotly converts each column it is given on its own
        traces.append(
            go.Scatter(
                x=part["period"].to_numpy(),
                y=part["share"].to_numpy(),
                name=_hover_safe(label),
                mode="lines" if stacked else "lines+markers",
                stackgroup="themes" if stacked else None,
                line={"color": colours[int(topic)]},
                customdata=part["n_speeches"].to_numpy()[:, None],
                hovertemplate=f"{_hover_safe(label)}<br>%{{x|%Y-%m}}: %{{y:.0%}} of the words, "
                "%{customdata[0]} speeches<extra></extra>",
            )
        )
    chart = go.Figure(
        data=traces, layout={"xaxis": {"type": "date"}, "yaxis": {"tickformat": ".0%"}}
    )
    _layout(chart, title="Theme shares over time", x_title="period", y_title="share")
    legend = _text_px(trace.name for trace in chart.data) + 50  # the line sample and a gap
    if legend > _MAX_LABEL_PX:
        # long labels: the legend in rows under the chart, clear of the title
        chart.update_layout(
            legend={"orientation": "h", "x": 0, "xanchor": "left", "y": -0.18, "yanchor": "top"},
            height=420 + 22 * len(chart.data),
        )
        return chart
    # the legend in a column on the right: its width is known, whatever the chart's width
    return _fixed_margins(
        chart,
        right=legend + 20,
        legend={"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1, "yanchor": "top"},
        height=max(420, 22 * len(chart.data) + 120),
    )


def theme_quality_chart(frame: pd.DataFrame, *, chosen: int) -> go.Figure:
    """Coherence and stability of each number of themes tried, the chosen number marked.

    Args:
        frame: columns k, coherence, stability.
    """
    frame = frame.sort_values("k")
    chart = go.Figure()
    for column, colour in (("coherence", OKABE_ITO[3]), ("stability", OKABE_ITO[0])):
        chart.add_trace(
            go.Scatter(
                x=frame["k"].to_numpy(),
                y=frame[column].to_numpy(),
                name=column,
                mode="lines+markers",
                line={"color": colour},
                yaxis="y" if column == "coherence" else "y2",
                hovertemplate=f"%{{x}} themes: {column} %{{y:.3f}}<extra></extra>",
            )
        )
    chart.add_vline(x=chosen, line_dash="dot", line_color=OTHER_COLOUR)
    chart.update_layout(
        yaxis={"title": {"text": "coherence (NPMI)"}},
        yaxis2={
            "title": {"text": "stability"},
            "overlaying": "y",
            "side": "right",
            "range": [0, 1.05],
        },
        height=320,
    )
    _layout(chart, title=f"Coherence and stability per number of themes ({chosen} chosen)",
            x_title="number of themes")  # fmt: skip
    return _fixed_margins(chart, left=70, right=70, top=80)


def theme_mix_chart(frame: pd.DataFrame) -> go.Figure:
    """Horizontal bars of one speech's (or group's) theme shares.

    Args:
        frame: columns theme (int), label, share.
    """
    ordered = frame.sort_values("share")
    chart = go.Figure(
        go.Bar(
            x=ordered["share"],
            y=[_hover_safe(str(v)) for v in ordered["label"]],
            orientation="h",
            marker_color=[distinct_colors(ordered["theme"])[t] for t in ordered["theme"]],
            hovertemplate="%{y}: %{x:.0%}<extra></extra>",
            name="share",
        )
    )
    chart.update_xaxes(tickformat=".0%")
    chart.update_yaxes(type="category")
    return _labels_margin(
        _layout(chart, title="Theme mix", x_title="share of the speech"), chart.data[0].y
    )


def theme_heatmap_chart(wide: pd.DataFrame, *, labels: list[str]) -> go.Figure:
    """A speech x theme heatmap of shares.

    Args:
        wide: one row per speech (index: a readable speech name), one column per theme.
        labels: the theme labels, in column order.
    """
    chart = go.Figure(
        go.Heatmap(
            z=wide.to_numpy(),
            x=[_hover_safe(v) for v in labels],
            y=[_hover_safe(str(i)) for i in wide.index],
            colorscale="Blues",
            # the data's own range: with 25 themes a speech's largest share is often 30%, which
            # a 0-100% scale would draw almost white
            zmin=0,
            zmax=max(float(np.nanmax(wide.to_numpy())) if wide.size else 0.0, 0.05),
            hovertemplate="%{y}<br>%{x}: %{z:.0%}<extra></extra>",
            colorbar={"tickformat": ".0%"},
        )
    )
    chart.update_layout(height=max(300, 22 * len(wide) + 160))
    chart.update_yaxes(type="category", autorange="reversed")
    chart.update_xaxes(type="category", tickangle=-40)
    _layout(chart, title="Theme shares per speech")
    # theme labels slanted at 40 degrees below, the colour bar on the right
    return _labels_margin(
        chart, chart.data[0].y, right=100, bottom=int(_text_px(chart.data[0].x) * 0.65) + 30
    )


def side_by_side_chart(frame: pd.DataFrame, *, label_a: str, label_b: str) -> go.Figure:
    """Theme shares of A and B side by side.

    Args:
        frame: columns label, share_a, share_b.
    """
    chart = go.Figure()
    for column, name, colour in (
        ("share_a", label_a, OKABE_ITO[0]),
        ("share_b", label_b, OKABE_ITO[3]),
    ):
        chart.add_trace(
            go.Bar(
                y=[_hover_safe(str(v)) for v in frame["label"]],
                x=frame[column],
                name=_hover_safe(name),
                orientation="h",
                marker_color=colour,
                hovertemplate="%{y}: %{x:.0%}<extra>" + _hover_safe(name) + "</extra>",
            )
        )
    chart.update_layout(barmode="group", height=max(350, 40 * len(frame) + 120))
    chart.update_xaxes(tickformat=".0%")
    chart.update_yaxes(type="category", autorange="reversed")
    return _two_sided_margin(_layout(chart, title="Theme shares side by side", x_title="share"))


def term_trend_chart(frame: pd.DataFrame) -> go.Figure:
    """Uses of terms per 10,000 words over time, one line per term.

    Args:
        frame: columns term, period (datetime64, first day), n_speeches, n_words, n_matches,
            per_10k.
    """
    chart = go.Figure()
    colours = distinct_colors(frame["term"].astype(str))
    for term, part in frame.sort_values("period").groupby("term", sort=False):
        chart.add_trace(
            go.Scatter(
                x=part["period"],
                y=part["per_10k"],
                name=_hover_safe(str(term)),
                mode="lines+markers",
                line={"color": colours[str(term)]},
                customdata=part[["n_matches", "n_speeches"]].to_numpy(),
                hovertemplate=f"{_hover_safe(str(term))}<br>%{{x|%Y-%m-%d}}: %{{y:.2f}} per 10,000 "
                "words (%{customdata[0]} uses in %{customdata[1]} speeches)<extra></extra>",
            )
        )
    chart.update_xaxes(type="date")
    return _layout(chart, title="Term use over time", x_title="period", y_title="per 10,000 words")


def series_chart(frame: pd.DataFrame, *, title: str) -> go.Figure:
    """One tracked figure over time: the qualifier in the marker, sentence and speech in the hover.

    Args:
        frame: columns date (datetime64), value, qualifier ("over", "only", "about", "" ...),
            sentence, speech_title, speaker, changed (bool: the value differs from the last one).
    """
    frame = frame.sort_values("date")
    precision = frame["date_precision"] if "date_precision" in frame else ["day"] * len(frame)
    units = frame["unit"] if "unit" in frame else ["count"] * len(frame)
    frame = frame.assign(  # the date to its precision ("2018") and the value as people read it
        when=[readable_date(d, p) for d, p in zip(frame["date"], precision, strict=True)],
        figure=[readable_value(v, u) for v, u in zip(frame["value"], units, strict=True)],
    )
    symbols = {
        "over": "triangle-up",
        "under": "triangle-down",
        "only": "circle-open",
        "about": "diamond",
    }
    chart = go.Figure(
        go.Scatter(
            x=frame["date"],
            y=frame["value"],
            # the qualifier written by each point while it stays legible; always in the hover
            mode="lines+markers+text" if len(frame) <= MAX_LABELLED_POINTS else "lines+markers",
            name=_hover_safe(title),
            line={"color": "#999999", "dash": "dot"},
            marker={
                "size": [16 if c else 12 for c in frame["changed"]],
                "color": [color_for(s) for s in frame["speaker"]],
                "symbol": [symbols.get(q, "circle") for q in frame["qualifier"]],
                "line": {"width": [2 if c else 0 for c in frame["changed"]], "color": "#D55E00"},
            },
            text=_qualifier_labels(frame["qualifier"].tolist()),
            textposition="top center",
            customdata=_texts(
                frame, ["sentence", "speech_title", "speaker", "qualifier", "when", "figure"]
            ),
            hovertemplate="%{customdata[4]}: %{customdata[3]} %{customdata[5]}<br>%{customdata[2]} · "
            "%{customdata[1]}<br>“%{customdata[0]}”<extra></extra>",
        )
    )
    chart.update_xaxes(type="date")
    chart.update_yaxes(rangemode="tozero")
    _date_range(chart, frame["date"])
    # one trace and no legend; values are written short on the axis ("4k", "1.2M")
    return _fixed_margins(_layout(chart, title=title, x_title="date", y_title="value"), left=80)


def _qualifier_labels(qualifiers: list[str]) -> list[str]:
    """The words written by each point of a series: its qualifier ("over", "about") where it
    starts a run of points so qualified; nothing for exact figures, nor again along a run (16
    points "about" a million, written over one another, could not be read)."""
    labels = []
    previous = None
    for qualifier in qualifiers:
        said = "" if qualifier in ("", "exact") else qualifier
        labels.append(said if said != previous else "")
        previous = said
    return labels


def _hover_safe(text: str) -> str:
    """Escape text placed inside a Plotly hover template (no template fields, no tags)."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("%{", "%\u200b{")
    )


def _texts(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """Return hover data rows of text columns, each value made safe for Plotly's labels."""
    safe = {c: frame[c].astype(str).map(_hover_safe) for c in columns}
    return (
        np.column_stack([safe[c].to_numpy(dtype=object) for c in columns])
        if len(frame)
        else np.empty((0, len(columns)), dtype=object)
    )

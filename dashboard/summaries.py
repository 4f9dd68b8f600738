"""Small tables that summarise the catalogue for the overview: counts by year and by speaker.

These are plain pandas functions on the catalogue (no text), tested on their own; pages only draw them.
"""

from __future__ import annotations

import pandas as pd

from corpus.metadata.countries import country_name

OVERVIEW_COLUMNS = ["date_iso", "speaker", "title", "place", "country", "country_code", "n_words",
                    "speech_id"]  # fmt: skip


def country_options(catalogue: pd.DataFrame) -> list[str]:
    """Return one entry per country of the catalogue, sorted: the short name of its code
    ("Russia" for "Russian Federation", "RUS" and "Russia" alike), or the name as written when it
    has no code. Each entry, given to a filter, selects that country's speeches."""
    pairs = set(zip(catalogue["country_code"].tolist(), catalogue["country"].tolist(), strict=True))
    names = {country_name(code) if code else str(name) for code, name in pairs if code or name}
    return sorted(names, key=str.casefold)


def counts_by_year(catalogue: pd.DataFrame) -> pd.DataFrame:
    """Return speeches and words per year and speaker.

    Returns:
        Columns year (int), year_start (datetime64, 1 January), speaker, n_speeches, n_words,
        by year then speaker.
    """
    frame = catalogue.assign(year=catalogue["date"].dt.year)
    counts = (
        frame.groupby(["year", "speaker"], as_index=False)
        .agg(n_speeches=("speech_id", "size"), n_words=("n_words", "sum"))
        .sort_values(["year", "speaker"], kind="mergesort")
    )
    counts.insert(1, "year_start", pd.to_datetime(counts["year"].astype(str) + "-01-01"))
    return counts.reset_index(drop=True)


def counts_by_speaker(catalogue: pd.DataFrame) -> pd.DataFrame:
    """Return speeches, words and date span per speaker.

    Returns:
        Columns speaker, n_speeches, n_words, first (ISO text), last (ISO text), by descending
        n_speeches then speaker.
    """
    ordered = catalogue.sort_values(["date", "speech_id"], kind="mergesort")
    counts = ordered.groupby("speaker", as_index=False).agg(
        n_speeches=("speech_id", "size"),
        n_words=("n_words", "sum"),
        first=("date_iso", "first"),
        last=("date_iso", "last"),
    )
    counts = counts.sort_values(
        ["n_speeches", "speaker"], ascending=[False, True], kind="mergesort"
    )
    return counts.reset_index(drop=True)


def latest_speeches(catalogue: pd.DataFrame, *, n: int = 10) -> pd.DataFrame:
    """Return the `n` latest additions (by time added when the catalogue has it, else by date).

    Returns:
        The OVERVIEW_COLUMNS (and added_at when known) of the newest speeches first.
    """
    by = "added_at" if "added_at" in catalogue.columns else "date"
    columns = OVERVIEW_COLUMNS + (["added_at"] if by == "added_at" else [])
    ordered = catalogue.sort_values([by, "speech_id"], ascending=[False, True], kind="mergesort")
    return ordered.head(n)[columns].reset_index(drop=True)


def speech_label(row: pd.Series | dict, *, width: int = 90) -> str:
    """Return a one-line name of a speech for pickers: "2018-06-15 · Sergey Lavrov · Remarks at ..."."""
    title = str(row["title"])
    if len(title) > width:
        title = title[: width - 3] + "..."
    speaker = str(row["speaker"]) or "unknown speaker"
    return f"{row['date_iso']} · {speaker} · {title}"


def speech_labels(speeches: pd.DataFrame, *, width: int = 90) -> dict[str, str]:
    """Return `speech_label` of each row of a catalogue, by speech id.

    Reads only the four columns a label uses: walking whole rows converts every column of every
    row to Python objects, which took 25 ms for a picker's thousand speeches.
    """
    columns = [speeches[c].tolist() for c in ("speech_id", "title", "speaker", "date_iso")]
    return {
        speech_id: speech_label({"title": title, "speaker": speaker, "date_iso": day}, width=width)
        for speech_id, title, speaker, day in zip(*columns, strict=True)
    }

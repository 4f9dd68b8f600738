"""The `export` subcommand of `speechtrack`: the corpus and its analyses as tidy tables.

Example:
    speechtrack export speeches.csv                      # read back with `speechtrack import-table`
    speechtrack export figures.parquet --table figures
    speechtrack export mix.jsonl --table mix --select 'year:2010-2020'
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path
from typing import TextIO

import pandas as pd

from corpus.errors import CorpusError
from corpus.readers.tables import TABLE_FIELDS
from corpus.records import SpeechFilter
from corpus.store import CorpusStore
from models.export import CSV_USES, to_csv_bytes
from models.selection import resolve

__all__ = ["SPEECH_COLUMNS", "TABLES", "export_table", "register", "speeches_table"]

SPEECH_COLUMNS = (
    "id",
    "date",
    *(field for field in TABLE_FIELDS if field not in ("id", "date", "year", "text")),
    "text",
)
"""The columns of an exported table of speeches: each is one that `import-table` reads by name."""

TABLES = ("speeches", "figures", "series", "themes", "mix")
EXTENSIONS = {
    ".csv": "csv",
    ".csv.gz": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".jsonl.gz": "jsonl",
    ".ndjson": "jsonl",
}


def speeches_table(store: CorpusStore, flt: SpeechFilter) -> pd.DataFrame:
    """The speeches with their text and metadata, in `SPEECH_COLUMNS`, oldest first.

    `date` is as precise as it is known (2018-06-15, 2018-06 or 2018) and `id` is the speech id,
    so `import-table` into an empty store gives the same speeches with the same ids.
    """
    catalogue = store.catalogue(flt)
    texts = store.texts(flt)
    frame = catalogue.assign(
        id=catalogue["speech_id"],
        # the name as stored, not as shown (tidied, merged): importing gives the same speech
        speaker=catalogue.get("speaker_as_written", catalogue["speaker"]),
        date=catalogue["date_iso"],
        text=catalogue["speech_id"].map(texts),
    )
    return frame[list(SPEECH_COLUMNS)].reset_index(drop=True)


def _themes_table(store: CorpusStore, flt: SpeechFilter) -> pd.DataFrame:
    from models.themes.store import current_themes

    state = current_themes(store)
    labels = state.themes().set_index("theme")["label"]
    terms = state.top_terms(n=20)
    terms.insert(1, "label", terms["theme"].map(labels))
    return terms


def _mix_table(store: CorpusStore, flt: SpeechFilter) -> pd.DataFrame:
    from models.themes.store import current_themes

    state = current_themes(store)
    labels = state.themes().set_index("theme")["label"]
    catalogue = store.catalogue(flt)[["speech_id", "date_iso", "speaker", "country", "title"]]
    mix = state.mix_long(catalogue["speech_id"]).merge(catalogue, on="speech_id", how="left")
    mix = mix.rename(columns={"date_iso": "date"}).assign(label=mix["theme"].map(labels))
    return mix[["speech_id", "date", "speaker", "country", "title", "theme", "label", "share"]]


def _figures_table(store: CorpusStore, flt: SpeechFilter) -> pd.DataFrame:
    from cli.figures import figures_table

    return figures_table(store, flt)


def _series_table(store: CorpusStore, flt: SpeechFilter) -> pd.DataFrame:
    from models.figures.series import series_frame
    from models.figures.store import corpus_quantities

    return series_frame(corpus_quantities(store, flt))


def export_table(store: CorpusStore, table: str, flt: SpeechFilter) -> pd.DataFrame:
    """Return one of `TABLES` for the selected speeches as a long, tidy frame."""
    build = {
        "speeches": speeches_table,
        "figures": _figures_table,
        "series": _series_table,
        "themes": _themes_table,
        "mix": _mix_table,
    }[table]
    return build(store, flt)


def _format_of(path: Path, given: str | None) -> str:
    if given:
        return given
    name = path.name.lower()
    for suffix, fmt in sorted(EXTENSIONS.items(), key=lambda item: -len(item[0])):
        if name.endswith(suffix):
            return fmt
    raise CorpusError(
        f"{path.name}: cannot tell the format from the name; end it with .csv, .parquet or "
        ".jsonl (optionally .gz), or give --format csv|parquet|jsonl."
    )


def write_table(frame: pd.DataFrame, path: Path, fmt: str, *, csv_for: str = "data") -> None:
    """Write a frame to `path` whole or not at all (a temporary file renamed at the end)."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise CorpusError(f"{folder}: no such folder; create it or write elsewhere.")
    gz = path.name.lower().endswith(".gz")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    os.close(handle)
    try:
        if fmt == "csv":
            data = to_csv_bytes(frame, csv_for=csv_for)
            if gz:
                import gzip

                data = gzip.compress(data)
            Path(temporary).write_bytes(data)
        elif fmt == "parquet":
            frame.to_parquet(temporary, index=False)
        else:
            frame.to_json(
                temporary,
                orient="records",
                lines=True,
                force_ascii=False,
                date_format="iso",
                compression="gzip" if gz else None,
            )
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def run_export(args: argparse.Namespace, store: CorpusStore, out: TextIO) -> int:
    """Write one table of the corpus to a file."""
    path = Path(args.file)
    fmt = _format_of(path, args.format)
    flt = resolve(store, args.select) if args.select else SpeechFilter()
    frame = export_table(store, args.table, flt)
    write_table(frame, path, fmt, csv_for=args.csv_for)
    out.write(f"wrote {len(frame)} rows of {args.table} to {path}\n")
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `export` subcommand to the `speechtrack` parser."""
    p = sub.add_parser(
        "export",
        help="write the speeches (or their figures, series, themes, mix) to a CSV, Parquet or "
        "JSON Lines file",
        description="Write one table to FILE, its format taken from the name (.csv, .parquet, "
        ".jsonl, optionally .gz). The speeches table has exactly the columns `import-table` "
        "reads, so importing it into an empty store gives the same speeches; the others are "
        "long tidy tables: one row per figure, per figure in a series, per theme term, per "
        "speech and theme.",
    )
    p.add_argument("file", metavar="FILE", help="the file to write, e.g. speeches.csv")
    p.add_argument("--table", choices=TABLES, default="speeches", help="default speeches")
    p.add_argument(
        "--format", choices=("csv", "parquet", "jsonl"), help="override the name's format"
    )
    p.add_argument(
        "--select",
        metavar="SELECTION",
        help="only these speeches, e.g. 'speaker:\"Sergey Lavrov\" year:2015-2018'",
    )
    p.add_argument(
        "--csv-for",
        choices=CSV_USES,
        default="data",
        help="data (default): values exactly as stored, read back by import-table, R and pandas; "
        "spreadsheet: a byte-order mark and formula-safe cells, for opening in Excel",
    )
    p.set_defaults(handler=run_export)

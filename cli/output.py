"""Printing tables on the command line as aligned text, CSV (for a spreadsheet or for data tools) or JSON."""

from __future__ import annotations

import argparse
import json
import math
import os
from typing import TextIO

import pandas as pd

from models.export import CSV_USES, to_csv_bytes

FORMATS = ("text", "csv", "json")
CSV_FOR_VARIABLE = "SPEECHTRACK_CSV_FOR"


def add_format_options(parser: argparse.ArgumentParser, formats: tuple[str, ...] = FORMATS) -> None:
    """Add --format and --csv-for to a subcommand that prints a table."""
    parser.add_argument(
        "--format", choices=formats, default="text", help="how to print the table (default text)"
    )
    parser.add_argument(
        "--csv-for",
        choices=CSV_USES,
        default=os.environ.get(CSV_FOR_VARIABLE) or "spreadsheet",
        help="CSV for a spreadsheet (byte-order mark, cells that would start a formula get a "
        "leading apostrophe) or for data tools such as R and pandas (values exactly as stored); "
        f"default spreadsheet, or ${CSV_FOR_VARIABLE}",
    )


def _plain(value: object) -> object:
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()  # type: ignore[no-any-return]
    if hasattr(value, "isoformat"):
        return value.isoformat()  # type: ignore[no-any-return]
    return value


def frame_records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """Return the rows of a frame as JSON-ready dicts (ISO dates, None for missing values)."""
    return [
        {str(k): _plain(v) for k, v in zip(frame.columns, row, strict=True)}
        for row in frame.itertuples(index=False, name=None)
    ]


def write_json(value: object, out: TextIO) -> None:
    """Print one JSON value, UTF-8, indented."""
    out.write(json.dumps(value, ensure_ascii=False, indent=2, default=_plain))
    out.write("\n")


def write_frame(
    frame: pd.DataFrame, fmt: str, out: TextIO, *, max_width: int = 60, csv_for: str = "spreadsheet"
) -> None:
    """Print a frame as an aligned text table, CSV (see `to_csv_bytes`) or one JSON array."""
    if fmt == "json":
        write_json(frame_records(frame), out)
    elif fmt == "csv":
        # the byte-order mark is written as its character, so it reaches a file piped to
        out.write(to_csv_bytes(frame, csv_for=csv_for).decode("utf-8"))
    else:
        if frame.empty:
            out.write("(nothing to show)\n")
            return
        shown = frame.copy()
        for column in shown.columns:
            shown[column] = [
                _shorten(" ".join(str(_plain(v) if v is not None else "").split()), max_width)
                for v in shown[column]
            ]
        out.write(shown.to_string(index=False))
        out.write("\n")


def _shorten(value: str, width: int) -> str:
    return value if len(value) <= width else value[: width - 1] + "…"

"""Printing tables on the command line as aligned text, formula-safe CSV or JSON."""

from __future__ import annotations

import json
import math
from typing import TextIO

import pandas as pd

from models.export import to_csv_bytes

FORMATS = ("text", "csv", "json")


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


def write_frame(frame: pd.DataFrame, fmt: str, out: TextIO, *, max_width: int = 60) -> None:
    """Print a frame as an aligned text table, formula-safe CSV, or one JSON array of objects."""
    if fmt == "json":
        write_json(frame_records(frame), out)
    elif fmt == "csv":
        out.write(to_csv_bytes(frame).decode("utf-8"))
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

"""Tables as files users can open safely: CSV and Excel with no cell that acts as a formula.

Example:
    data = to_csv_bytes(frame)                      # for Excel: byte-order mark, formula-safe
    data = to_csv_bytes(frame, csv_for="data")      # for R and pandas: values exactly as stored
    book = to_excel_bytes({"keyness": frame}, about={"Filters": "year:2018"})
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from datetime import date, datetime

import pandas as pd

# Characters that make a spreadsheet read a cell as a formula or a command (OWASP CSV injection),
# including the full-width forms some spreadsheet programs also honour.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
# Control characters that Excel's XML refuses (everything below 0x20 except tab, newline, return).
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EXCEL_CELL_LIMIT = 32_767
_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


def safe_cell(value: object) -> object:
    """Return a value that a spreadsheet will show as written, never run.

    Text that starts with a formula character gets a leading apostrophe; numbers, dates and
    booleans pass unchanged; characters that spreadsheet writers refuse are dropped, and line
    breaks are written as "\n".
    """
    if not isinstance(value, str):
        return value
    # line breaks become "\n", which CSV writers quote; a lone "\r" could split a row
    cleaned = _ILLEGAL_XML.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    if cleaned.lstrip(" ").startswith(_FORMULA_START):
        return "'" + cleaned
    return cleaned


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of `frame` with every text cell made safe by `safe_cell`."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(safe_cell)
    out.columns = [str(safe_cell(str(c))) for c in out.columns]
    return out


def _iso(value: object) -> object:
    if isinstance(value, pd.Timestamp | datetime):
        ts = pd.Timestamp(value)
        return ts.date().isoformat() if ts == ts.normalize() else ts.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _with_iso_dates(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = [_iso(v) if not pd.isna(v) else "" for v in out[column]]
    return out


CSV_USES = ("spreadsheet", "data")
"""Who reads a CSV file: a spreadsheet program, or R, pandas and other data tools."""


def to_csv_bytes(frame: pd.DataFrame, *, csv_for: str = "spreadsheet") -> bytes:
    """Write a frame as CSV with no index and ISO dates, for a spreadsheet or for data tools.

    Args:
        csv_for: "spreadsheet" (the default): UTF-8 with a byte-order mark, so that Excel shows
            Cyrillic and accents right, and every text cell formula-safe (`safe_cell`); "data":
            plain UTF-8 with every value exactly as stored, for R, pandas and `import-table`.

    Returns:
        The CSV bytes, with a header row in the frame's column order.
    """
    if csv_for not in CSV_USES:
        raise ValueError(f"csv_for must be one of {CSV_USES}, not {csv_for!r}")
    dated = _with_iso_dates(frame)
    if csv_for == "data":
        return dated.to_csv(index=False).encode("utf-8")
    return safe_frame(dated).to_csv(index=False).encode("utf-8-sig")


def _sheet_name(name: str, used: set[str]) -> str:
    base = _SHEET_NAME.sub(" ", name).strip("' ")[:31] or "Sheet"
    candidate, n = base, 2
    while candidate.lower() in used:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate.lower())
    return candidate


def to_excel_bytes(sheets: Mapping[str, pd.DataFrame], *, about: Mapping[str, str]) -> bytes:
    """Write tables as one Excel workbook: an "About" sheet first, then one sheet per table.

    Args:
        sheets: the tables by sheet name (names are shortened and made unique as Excel requires).
        about: what the workbook shows first: the filters, the corpus version, when it was made.

    Returns:
        The .xlsx bytes. Every text cell is written as text (strings are never read as formulas
        or URLs), and cells longer than Excel's limit are cut with a note.
    """
    buffer = io.BytesIO()
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": options}) as writer:
        used: set[str] = set()
        about_frame = pd.DataFrame({"item": list(about.keys()), "value": list(about.values())})
        _write_sheet(writer, about_frame, _sheet_name("About", used))
        for name, frame in sheets.items():
            _write_sheet(writer, frame, _sheet_name(name, used))
    return buffer.getvalue()


def _write_sheet(writer: pd.ExcelWriter, frame: pd.DataFrame, name: str) -> None:
    safe = safe_frame(_with_iso_dates(frame))
    for column in safe.columns:
        if safe[column].dtype == object:
            safe[column] = safe[column].map(_fit_cell)
    safe.to_excel(writer, sheet_name=name, index=False)
    sheet = writer.sheets[name]
    for i, column in enumerate(safe.columns):
        longest = max([len(str(column))] + [len(str(v)) for v in safe[column].head(200)])
        sheet.set_column(i, i, min(max(10, longest + 2), 80))
    sheet.freeze_panes(1, 0)


def _fit_cell(value: object) -> object:
    if isinstance(value, str) and len(value) > _EXCEL_CELL_LIMIT:
        note = " [cut: longer than Excel allows]"
        return value[: _EXCEL_CELL_LIMIT - len(note)] + note
    return value

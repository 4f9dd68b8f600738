"""Downloads: a CSV per table, an Excel workbook per page, the comparison pack.

Files are built only when the user clicks (deferred data), so drawing a page never pays for them.
Every cell is formula-safe (`models.export`), and each workbook opens with an "About" sheet that
names the page, the filters, the corpus version and when it was made.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from corpus.records import SpeechFilter
from models.export import to_csv_bytes, to_excel_bytes

CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def describe_filter(flt: SpeechFilter) -> str:
    """Return the filter in words, e.g. "speakers: A, B; from 2018-01-01; text: sanctions"."""
    parts = []
    if flt.speakers:
        parts.append("speakers: " + ", ".join(sorted(flt.speakers)))
    if flt.places:
        parts.append("places: " + ", ".join(sorted(flt.places)))
    if flt.countries:
        parts.append("countries: " + ", ".join(sorted(flt.countries)))
    if flt.start:
        parts.append(f"from {flt.start.isoformat()}")
    if flt.end:
        parts.append(f"to {flt.end.isoformat()}")
    if flt.contains:
        parts.append(f"text: {flt.contains}")
    if flt.speech_ids:
        parts.append("speeches: " + ", ".join(sorted(flt.speech_ids)))
    return "; ".join(parts) or "all speeches"


def about(
    *, page: str, flt: SpeechFilter, version: int, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Return the rows of a workbook's About sheet."""
    rows = {
        "Page": page,
        "Filters": describe_filter(flt),
        "Corpus version": str(version),
        "Made at (UTC)": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"),
    }
    rows.update(extra or {})
    return rows


def file_stem(text: str) -> str:
    """Return a safe file name stem from a title or label."""
    stem = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    return stem[:60] or "table"


def csv_button(frame: pd.DataFrame, *, file_name: str, key: str, label: str = "CSV") -> None:
    """Draw a download button for one table as formula-safe CSV."""
    st.download_button(
        f"Download {label}",
        data=_deferred(lambda: to_csv_bytes(frame)),
        file_name=file_name,
        mime=CSV_MIME,
        key=key,
        on_click="ignore",
        icon=":material/download:",
    )


def workbook_button(
    sheets: Mapping[str, pd.DataFrame],
    *,
    about_rows: Mapping[str, str],
    file_name: str,
    key: str,
    label: str = "Excel workbook of this page",
) -> None:
    """Draw a download button for several tables as one Excel workbook (About sheet first)."""
    frozen = dict(sheets)
    rows = dict(about_rows)
    st.download_button(
        f"Download {label}",
        data=_deferred(lambda: to_excel_bytes(frozen, about=rows)),
        file_name=file_name,
        mime=XLSX_MIME,
        key=key,
        on_click="ignore",
        icon=":material/table_view:",
    )


def _deferred(build: Callable[[], bytes]) -> Callable[[], bytes]:
    return build

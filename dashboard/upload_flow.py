"""The upload flow without widgets: prepared speeches as an editable table, corrections, reports.

An upload is read and parsed first (`corpus.importer.prepare_upload`), shown as a table the user can
correct, then stored (`store_prepared`). These functions turn the prepared speeches into that table
and the corrected table back into speeches to store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

import pandas as pd

from corpus.importer import FileReport, Prepared
from corpus.metadata.parse import language_code
from corpus.records import DATE_PRECISIONS, PEOPLE_AND_PLACE_FIELDS

EDITABLE = [*PEOPLE_AND_PLACE_FIELDS, "date", "precision", "language"]
PREPARED_COLUMNS = ["store", "file", *EDITABLE, "words", "warnings"]
REPORT_COLUMNS = ["file", "status", "speech_id", "title", "reason", "warnings"]


def prepared_frame(items: Sequence[Prepared | FileReport]) -> pd.DataFrame:
    """Return the parsed metadata of the prepared speeches, one row each, for correction.

    Returns:
        Columns PREPARED_COLUMNS: store (bool, True), file, title, speaker, role, country, place,
        date (datetime.date), precision, language (ISO 639-1, as detected), words, warnings
        (joined).
    """
    rows = [
        {
            "store": True,
            "file": item.file,
            "title": item.speech.title,
            "speaker": item.speech.speaker,
            "role": item.speech.role,
            "country": item.speech.country,
            "place": item.speech.place,
            "date": item.speech.delivered_on,
            "precision": item.speech.date_precision,
            "language": item.speech.language,
            "words": item.speech.n_words,
            "warnings": " ".join(item.warnings),
        }
        for item in items
        if isinstance(item, Prepared)
    ]
    return pd.DataFrame(rows, columns=PREPARED_COLUMNS)


def refused(items: Sequence[Prepared | FileReport]) -> list[FileReport]:
    """Return the files that could not be read or parsed, with their reasons."""
    return [item for item in items if isinstance(item, FileReport)]


def apply_corrections(
    items: Sequence[Prepared | FileReport], edited: pd.DataFrame
) -> tuple[list[Prepared | FileReport], list[str]]:
    """Lay the user's corrections over the prepared speeches, in order.

    Args:
        items: what `prepare_upload` returned for every file.
        edited: the table of `prepared_frame`, as corrected by the user (same rows, same order).

    Returns:
        The items to store (refused files kept, so they appear in the report; rows the user
        unticked left out) and the problems found in the corrections, one sentence each.
    """
    prepared = [item for item in items if isinstance(item, Prepared)]
    if len(edited) != len(prepared):
        raise ValueError("the corrected table must keep one row per prepared speech")
    out: list[Prepared | FileReport] = [item for item in items if isinstance(item, FileReport)]
    problems: list[str] = []
    for item, row in zip(prepared, edited.to_dict("records"), strict=True):
        if not bool(row.get("store", True)):
            continue
        changes = {name: str(row.get(name) or "").strip() for name in PEOPLE_AND_PLACE_FIELDS}
        if not changes["title"]:
            problems.append(f"{item.file}: the title is empty; type a title or untick the row.")
            continue
        when = row.get("date")
        if isinstance(when, pd.Timestamp):
            when = when.date()
        if not isinstance(when, date):
            problems.append(f"{item.file}: the date is empty; pick a date or untick the row.")
            continue
        precision = str(row.get("precision") or item.speech.date_precision)
        if precision not in DATE_PRECISIONS:
            problems.append(f"{item.file}: pick day, month or year for how precise the date is.")
            continue
        given = str(row.get("language") or "").strip()
        language = language_code(given) if given else item.speech.language
        if not language:
            problems.append(
                f"{item.file}: {given!r} is not a language; give its code, such as ru or uk, "
                "or its English name."
            )
            continue
        speech = replace(
            item.speech,
            title=changes["title"],
            speaker=changes["speaker"],
            role=changes["role"],
            country=changes["country"],
            place=changes["place"],
            delivered_on=when,
            date_precision=precision,  # type: ignore[arg-type]  # checked just above
            language=language,
        )
        out.append(replace(item, speech=speech))
    return out, problems


def reports_frame(reports: Sequence[FileReport]) -> pd.DataFrame:
    """Return the report of an upload, one row per file, member or table row.

    Returns:
        Columns REPORT_COLUMNS: file, status (added, duplicate, rejected), speech_id, title,
        reason, warnings (joined).
    """
    return pd.DataFrame(
        [
            {
                "file": r.file,
                "status": r.status,
                "speech_id": r.speech_id or "",
                "title": r.title,
                "reason": r.reason,
                "warnings": " ".join(r.warnings),
            }
            for r in reports
        ],
        columns=REPORT_COLUMNS,
    )


def summary(reports: Sequence[FileReport]) -> str:
    """Return the upload's outcome in one sentence: "2 added, 1 already stored, 1 refused."."""
    counts = {
        status: sum(r.status == status for r in reports)
        for status in ("added", "duplicate", "rejected")
    }
    parts = [f"{counts['added']} added"]
    if counts["duplicate"]:
        parts.append(f"{counts['duplicate']} already stored")
    if counts["rejected"]:
        parts.append(f"{counts['rejected']} refused")
    return ", ".join(parts) + "."

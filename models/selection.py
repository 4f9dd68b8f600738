"""Selections of speeches written as text, e.g. `speaker:"Sergey Lavrov" year:2015-2018`.

A selection is a list of terms separated by spaces. A term is `key:value` (quote values that hold
spaces) or a bare speech id. Terms with different keys must all hold (AND); several terms with the
same list-valued key (speaker, place, country, id) widen that key (OR): `speaker:A speaker:B`
selects the speeches of either. Date terms (year, date) narrow the date range together.

Example:
    parse_selection('speaker:"Sergey Lavrov" year:2018')
    resolve(store, "country:Russia date:2018-01-01..2018-06-30")
"""

from __future__ import annotations

import difflib
import re
import shlex
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Protocol

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from corpus.records import SpeechFilter
from models.errors import SelectionError

__all__ = ["SELECTION_KEYS", "batches_by_words", "is_in", "parse_selection", "resolve"]

SELECTION_KEYS = ("speaker", "year", "date", "place", "country", "id")


def is_in(values: pd.Series | pd.Index, wanted: Iterable[str]) -> npt.NDArray[np.bool_]:
    """Return which of `values` (strings, such as speech ids) are among `wanted`.

    The same as `values.isin(wanted)`, which on pandas' Arrow-backed strings turns every wanted
    value into an Arrow scalar one by one: a tenth of a second for the ids of a large corpus,
    on every page that selects speeches. Arrow's own `is_in` takes milliseconds. A missing
    value (None or NaN, in `values` or in `wanted`) is never among `wanted`.
    """
    # a Series, Index or array goes to Arrow whole; walking Arrow-backed strings costs more
    whole = wanted if isinstance(wanted, pd.Series | pd.Index | np.ndarray) else list(wanted)
    found = pc.is_in(
        pa.array(values, type=pa.string(), from_pandas=True),
        value_set=pa.array(whole, type=pa.string(), from_pandas=True),
        skip_nulls=True,
    )
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)


_YEAR = re.compile(r"(\d{4})(?:-(\d{4}))?")
_DATE_RANGE = re.compile(r"(\d{4}-\d{2}-\d{2})?\.\.(\d{4}-\d{2}-\d{2})?")
_SET_FIELDS = {"speaker": "speakers", "place": "places", "country": "countries", "id": "speech_ids"}


class _Catalogued(Protocol):
    def catalogue(self, flt: SpeechFilter = ...) -> pd.DataFrame: ...


def _year_range(value: str, term: str) -> tuple[date, date]:
    match = _YEAR.fullmatch(value)
    if not match:
        raise SelectionError(
            f"Cannot read the year in {term!r}; write year:2018 or year:2015-2018."
        )
    first = int(match.group(1))
    last = int(match.group(2) or first)
    if last < first:
        raise SelectionError(f"The years in {term!r} run backwards; write the earlier year first.")
    return date(first, 1, 1), date(last, 12, 31)


def _date_range(value: str, term: str) -> tuple[date | None, date | None]:
    match = _DATE_RANGE.fullmatch(value)
    try:
        if match:
            start = date.fromisoformat(match.group(1)) if match.group(1) else None
            end = date.fromisoformat(match.group(2)) if match.group(2) else None
        else:
            start = end = date.fromisoformat(value)
    except ValueError as err:
        raise SelectionError(
            f"Cannot read the date in {term!r}; write date:2018-06-15 or "
            "date:2018-01-01..2018-12-31."
        ) from err
    if start and end and end < start:
        raise SelectionError(f"The dates in {term!r} run backwards; write the earlier date first.")
    return start, end


def _narrow(flt: SpeechFilter, start: date | None, end: date | None) -> SpeechFilter:
    """Intersect the filter's date range with [start, end]."""
    if start is not None and (flt.start is None or start > flt.start):
        flt = replace(flt, start=start)
    if end is not None and (flt.end is None or end < flt.end):
        flt = replace(flt, end=end)
    return flt


def _split(selection: str) -> list[str]:
    try:
        return shlex.split(selection)
    except ValueError as err:  # shlex: "No closing quotation"
        raise SelectionError(
            f"The selection {selection!r} has an unclosed quote; close it, as in "
            'speaker:"Sergey Lavrov".'
        ) from err


def parse_selection(selection: str) -> SpeechFilter:
    """Turn a written selection into a `SpeechFilter`.

    Keys: speaker:NAME, year:YYYY or year:YYYY-YYYY, date:YYYY-MM-DD or date:FROM..TO (either end
    may be left open), place:NAME, country:NAME, id:SPEECH_ID; a term without a key is a speech id.
    Key names are case-insensitive; values are kept as written.

    Raises:
        SelectionError: for an empty selection, an unknown key, a missing value or an unreadable
            year or date; the message names the term and, for keys, lists the valid ones.
    """
    terms = _split(selection)
    if not terms:
        raise SelectionError("The selection is empty; give a speech id or terms such as year:2018.")
    flt = SpeechFilter()
    for term in terms:
        key, sep, value = term.partition(":")
        if not sep:
            key, value = "id", term
        key = key.strip().lower()
        value = value.strip()
        if key not in SELECTION_KEYS:
            raise SelectionError(
                f"Unknown key {key!r} in {term!r}; use one of "
                f"{', '.join(k + ':' for k in SELECTION_KEYS)} or a bare speech id."
            )
        if not value:
            raise SelectionError(f"The term {term!r} has no value; write e.g. {key}:VALUE.")
        if key in _SET_FIELDS:
            name = _SET_FIELDS[key]
            flt = replace(flt, **{name: getattr(flt, name) | {value}})
        elif key == "year":
            flt = _narrow(flt, *_year_range(value, term))
        else:
            flt = _narrow(flt, *_date_range(value, term))
    return flt


def resolve(store: _Catalogued, selection: str) -> SpeechFilter:
    """Parse a selection and check that it selects at least one stored speech.

    Args:
        store: the corpus store (anything with `catalogue(flt) -> DataFrame`).
        selection: the written selection.

    Returns:
        The filter, selecting at least one speech.

    Raises:
        SelectionError: when the selection cannot be parsed or selects nothing; the message then
            says what the corpus holds (its years, or the nearest speaker names).
    """
    flt = parse_selection(selection)
    if not store.catalogue(flt).empty:
        return flt
    everything = store.catalogue(SpeechFilter())
    if everything.empty:
        raise SelectionError(f"No speech matches {selection}; the corpus is empty, add speeches.")
    hints = []
    for speaker in sorted(flt.speakers):
        if speaker not in set(everything["speaker"]):
            near = difflib.get_close_matches(speaker, sorted(set(everything["speaker"])), n=1)
            if near:
                hints.append(f'did you mean speaker:"{near[0]}"')
    for speech_id in sorted(flt.speech_ids):
        if speech_id not in set(everything["speech_id"]):
            hints.append(f"no speech has the id {speech_id!r}")
    dates = pd.to_datetime(everything["date"])
    hints.append(f"the corpus runs from {dates.min().year} to {dates.max().year}")
    raise SelectionError(f"No speech matches {selection}; {'; '.join(hints)}.")


def batches_by_words(
    speech_ids: Sequence[str], words: Mapping[str, int], limit: int
) -> list[list[str]]:
    """Cut speech ids, in their order, into consecutive batches of about `limit` words each.

    Work over a whole large corpus reads its texts a batch at a time, so that memory depends on
    the batch, not on the corpus. A batch closes once it holds `limit` words or more.
    """
    batches: list[list[str]] = [[]]
    total = 0
    for speech_id in speech_ids:
        if batches[-1] and total >= limit:
            batches.append([])
            total = 0
        batches[-1].append(speech_id)
        total += int(words.get(speech_id) or 0)
    return batches

"""Figures written as people read them: "11,300,000,000", "42%", "dozens (24 or more)", "2018".

Pages and the command line's text tables show these; CSV, XLSX and JSON keep the exact numbers
and the ISO date with its precision beside them.
"""

from __future__ import annotations

import math
from datetime import date, datetime

import pandas as pd

_VAGUE_WORDS = {
    24.0: "dozens",
    40.0: "scores",
    200.0: "hundreds",
    2_000.0: "thousands",
    20_000.0: "tens of thousands",
    200_000.0: "hundreds of thousands",
    2_000_000.0: "millions",
    20_000_000.0: "tens of millions",
    200_000_000.0: "hundreds of millions",
    2_000_000_000.0: "billions",
    2e12: "trillions",
}
_CURRENCY_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£", "RUB": "₽", "JPY": "¥"}


def _number(value: float) -> str:
    """Write a number in full with thousands separators: 11,300,000,000; 33.33; 0.7."""
    if math.isnan(value):
        return ""
    if value == int(value) and abs(value) < 1e18:
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def readable_value(
    value: float, unit: str = "count", *, vague: bool = False, value_max: float | None = None
) -> str:
    """Write a figure's value as a reader says it.

    Examples:
        >>> readable_value(1.13e10, "USD")
        '$11,300,000,000'
        >>> readable_value(24, vague=True)
        'dozens (24 or more)'
        >>> readable_value(200, "count", value_max=250)
        '200–250'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if vague:
        word = _VAGUE_WORDS.get(float(value))
        text = f"{word} ({_number(value)} or more)" if word else f"{_number(value)} or more"
    else:
        text = _number(value)
        if value_max is not None and not (isinstance(value_max, float) and math.isnan(value_max)):
            text = f"{text}–{_number(value_max)}"
    if unit == "percent":
        return f"{text}%"
    if unit == "percentage_points":
        return f"{text} percentage points"
    if unit == "x":
        return f"{text}×"
    if unit in _CURRENCY_SIGNS:
        return f"{_CURRENCY_SIGNS[unit]}{text}"
    if unit and unit != "count":
        return f"{text} {unit}"
    return text


def readable_date(day: date | datetime | pd.Timestamp | None, precision: str = "day") -> str:
    """Write a date to its precision: "2018" for a year, "2018-06" for a month, else the day."""
    if day is None or day is pd.NaT:
        return ""
    if precision == "year":
        return f"{day.year:04d}"
    if precision == "month":
        return f"{day.year:04d}-{day.month:02d}"
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"


def readable_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Add what tables show people: `figure`, the value as read ("$11,300,000,000", "dozens (24
    or more)"), and, when the frame has dates, `when` (the date to its precision: "2018") and
    `date_iso`. The exact `value` and the datetime `date` stay as they are."""
    vague = frame["is_vague"] if "is_vague" in frame else pd.Series(False, index=frame.index)
    high = frame["value_high"] if "value_high" in frame else pd.Series(float("nan"), frame.index)
    out = frame.assign(
        figure=[
            readable_value(v, u, vague=bool(g), value_max=None if pd.isna(m) else float(m))
            for v, u, g, m in zip(frame["value"], frame["unit"], vague, high, strict=True)
        ]
    )
    if "date" in frame:
        precision = (
            frame["date_precision"] if "date_precision" in frame else pd.Series("day", frame.index)
        )
        out = out.assign(
            date_precision=precision,
            date_iso=frame["date"].dt.strftime("%Y-%m-%d"),
            when=[readable_date(d, p) for d, p in zip(frame["date"], precision, strict=True)],
        )
    return out

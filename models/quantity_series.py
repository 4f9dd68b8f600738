"""Series of cited figures across speeches, and the corrections users make to figures and series.

A series gathers the figures of different speeches that measure the same thing: the same
organisation, the same kind of measure (unit), the same scope and a counted thing that matches after
simple normalisation (plurals, articles, "non-governmental organisations" = "NGOs") and a fuzzy
comparison. "Our" is the speaker's country; a figure with neither organisation nor scope is
scoped to whoever speaks (the country, else the speaker), so one country's refugees never join
another's. Durations ("for 70 years") and figures that count nothing said join no series.
Users correct single figures and edit series; both are stored as annotations and laid over every
fresh extraction, so they survive re-extraction and rule changes.

Annotation kinds:
    "quantity_correction", key "speech_id:start:end": any of value, value_high, unit, qualifier,
        counted, scope, organisation, series (a series id to move the figure to), dismissed (bool).
    "series_edit", key = series id: any of name, merged_into (another series id), confirmed (bool).
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Mapping

import numpy as np
import pandas as pd

from models.organisations import short_name
from models.quantities import QUANTITY_COLUMNS

CORRECTION_KIND = "quantity_correction"
SERIES_EDIT_KIND = "series_edit"
SIMILARITY_THRESHOLD = 0.85
DISAGREEMENT_DAYS = 183
CORRECTABLE_FIELDS = (
    "value",
    "value_high",
    "unit",
    "qualifier",
    "counted",
    "scope",
    "organisation",
    "series",
)

SERIES_COLUMNS = [
    "series",
    "series_name",
    "confirmed",
    "speech_id",
    "date",
    "value",
    "value_high",
    "unit",
    "qualifier",
    "change",
    "change_pct",
    "is_change",
    "is_disagreement",
    "disagrees_with",
    "counted",
    "scope",
    "organisation",
    "sentence",
    "start",
    "end",
]

_SYNONYMS = (
    (r"\bnon-?governmental organi[sz]ations?\b", "ngo"),
    (r"\bnon-?profit organi[sz]ations?\b", "npo"),
    (r"\bngos\b", "ngo"),
    (r"\bmember states\b", "member state"),
    (r"\bcountries\b", "country"),
)
# durations ("for 70 years") are figures, but not measures users follow from speech to speech
_TIME_WORDS = frozenset("year month week day hour minute decade century time occasion".split())
_DROPPED = frozenset("the a an our their its my your his her all of".split())
_DEMONYM_OF = {
    "russia": "Russian",
    "russian federation": "Russian",
    "united states": "American",
    "united states of america": "American",
    "china": "Chinese",
    "united kingdom": "British",
    "france": "French",
    "germany": "German",
    "india": "Indian",
    "brazil": "Brazilian",
    "turkey": "Turkish",
    "japan": "Japanese",
    "ukraine": "Ukrainian",
    "belarus": "Belarusian",
    "kazakhstan": "Kazakh",
}
_PREDICATE = re.compile(
    r"\b((?:consultative|observer|partner|participatory|associate|full|general|special)\s+status"
    r"|permanent\s+participants|observers|member\s+states|members|participants|partners)\b",
    re.IGNORECASE,
)


def quantity_key(speech_id: str, start: int, end: int) -> str:
    """Return the stable key of one figure: "speech_id:start:end" (offsets of the number in the speech)."""
    return f"{speech_id}:{start}:{end}"


def _lemma(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return {"people": "person", "children": "child", "women": "woman", "men": "man"}.get(word, word)


def normalise_counted(counted: str, *, scope: str = "") -> str:
    """Return the comparable form of a counted thing: lower case, singular, no articles or scope word.

    Example:
        >>> normalise_counted("Russian non-governmental organisations", scope="Russian")
        'ngo'
    """
    text = counted.lower().replace("’", "'")
    text = re.sub(r"'s\b", "", text)
    for pattern, replacement in _SYNONYMS:
        text = re.sub(pattern, replacement, text)
    scope_word = scope.lower()
    words = [
        _lemma(w) for w in re.findall(r"[\w-]+", text) if w not in _DROPPED and w != scope_word
    ]
    return " ".join(words)


def normalise_scope(scope: str, *, country: str = "") -> str:
    """Return the comparable scope: "our" becomes the speaker's country's adjective when it is known."""
    if scope.lower() in ("our", "my") and country.lower() in _DEMONYM_OF:
        return _DEMONYM_OF[country.lower()]
    return scope


def _similar(a: str, b: str) -> bool:
    if a == b:
        return True
    a_words, b_words = a.split(), b.split()
    if not a_words or not b_words or a_words[-1] != b_words[-1]:
        return False  # the head noun must agree: "NGO" never joins "company"
    ratio = difflib.SequenceMatcher(
        None, " ".join(sorted(a_words)), " ".join(sorted(b_words))
    ).ratio()
    return ratio >= SIMILARITY_THRESHOLD


def _cluster(names: list[str]) -> dict[str, str]:
    """Map each normalised counted thing to its cluster's representative (the shortest, then first)."""
    by_head: dict[str, list[str]] = {}  # only names with the same head noun can be similar
    mapping: dict[str, str] = {}
    for name in sorted(set(names), key=lambda n: (len(n), n)):
        representatives = by_head.setdefault(name.rsplit(" ", 1)[-1], [])
        match = next((r for r in representatives if _similar(name, r)), None)
        if match is None:
            representatives.append(name)
            match = name
        mapping[name] = match
    return mapping


def apply_corrections(
    quantities: pd.DataFrame, corrections: Mapping[str, Mapping[str, object]]
) -> pd.DataFrame:
    """Lay users' corrections over freshly extracted figures.

    A correction is found by its key "speech_id:start:end", or by speech and start when the
    extractor now reads the number a little longer or shorter. Dismissed figures are dropped.

    Returns:
        The frame with a `key` column and a `corrected` flag, dismissed rows removed.
    """
    frame = quantities.reset_index(drop=True)
    frame["key"] = [
        quantity_key(s, a, b)
        for s, a, b in zip(frame["speech_id"], frame["start"], frame["end"], strict=True)
    ]
    by_start = {key.rsplit(":", 1)[0]: value for key, value in corrections.items()}
    found = [corrections.get(k) or by_start.get(k.rsplit(":", 1)[0]) for k in frame["key"]]
    dismissed = [bool(c and c.get("dismissed")) for c in found]
    frame["corrected"] = [bool(c) and not d for c, d in zip(found, dismissed, strict=True)]
    frame["series_override"] = ""
    for position, correction in enumerate(found):
        if not correction or dismissed[position]:
            continue
        for field in CORRECTABLE_FIELDS:
            if correction.get(field) is not None:
                target = "series_override" if field == "series" else field
                frame.loc[position, target] = correction[field]
    return frame.loc[[not d for d in dismissed]].reset_index(drop=True)


def _scope_key(scope: str, organisation: str, country: str, owner: str) -> str:
    """Return the scope a figure is grouped by.

    "our" is the speaker's country ("Russian" for Russia, else "@" and whoever speaks); "its" and
    "their" point at something said before, so they scope nothing; a figure with neither
    organisation nor scope is scoped to whoever speaks.
    """
    scope = normalise_scope(scope, country=country)
    if scope.lower() in ("our", "my"):
        scope = f"@{owner}" if owner else scope
    elif scope.lower() in ("its", "their", "his", "her", "your"):
        scope = ""
    if not scope and not organisation and owner:
        scope = f"@{owner}"
    return scope


def _auto_series(
    frame: pd.DataFrame, countries: Mapping[str, str], owners: Mapping[str, str]
) -> list[str]:
    """Give each figure the id of its automatic series ("" when it counts nothing said).

    A figure with neither organisation nor scope ("1.4 million refugees") is scoped to whoever
    speaks (the country, else the speaker), so one country's refugees never join another's.
    """
    scopes = [
        _scope_key(scope, org, countries.get(i, ""), owners.get(i, ""))
        for scope, i, org in zip(
            frame["scope"], frame["speech_id"], frame["organisation"], strict=True
        )
    ]
    counted = [normalise_counted(c, scope=s) for c, s in zip(frame["counted"], scopes, strict=True)]
    scopes = [s if s.startswith("@") else s.lower() for s in scopes]  # "@Norway" keeps its capital
    buckets: dict[tuple[str, str, str], list[str]] = {}
    for org, unit, scope, name in zip(
        frame["organisation"], frame["unit"], scopes, counted, strict=True
    ):
        buckets.setdefault((org, unit, scope), []).append(name)
    mappings = {bucket: _cluster(names) for bucket, names in buckets.items()}
    ids = []
    for org, unit, scope, name in zip(
        frame["organisation"], frame["unit"], scopes, counted, strict=True
    ):
        if not name or not (org or scope) or name.rsplit(" ", 1)[-1] in _TIME_WORDS:
            ids.append("")
            continue
        representative = mappings[(org, unit, scope)][name]
        ids.append("|".join([org or "-", unit, scope or "-", representative]))
    return ids


def _resolve_merges(series_id: str, edits: Mapping[str, Mapping[str, object]]) -> str:
    seen = set()
    while series_id and series_id not in seen:
        seen.add(series_id)
        target = edits.get(series_id, {}).get("merged_into")
        if not target:
            break
        series_id = str(target)
    return series_id


def _auto_name(series_id: str, rows: pd.DataFrame) -> str:
    """Build a readable series name: "Russian NGOs with ECOSOC consultative status"."""
    counted = Counter(rows["counted"]).most_common(1)[0][0]
    scope = Counter(rows["scope"]).most_common(1)[0][0]
    owner = series_id.split("|")[2] if series_id.count("|") >= 3 else ""
    if owner.startswith("@") and not scope:  # "our NGOs" already says whose
        counted = f"{counted} ({owner[1:]})"
    if scope and scope.lower() not in counted.lower():
        counted = f"{scope} {counted}"
    org = Counter(rows["organisation"]).most_common(1)[0][0]
    org_name = short_name(org) if org else ""
    predicates: Counter[str] = Counter()
    for sentence, written in zip(rows["sentence"], rows["text"], strict=True):
        at = max(0, sentence.find(written))
        match = _PREDICATE.search(sentence, at, at + len(written) + 80)  # the clause of the number
        if match:
            predicates[match.group(1).lower()] += 1
    predicate = predicates.most_common(1)[0][0] if predicates else ""
    unit = Counter(rows["unit"]).most_common(1)[0][0]
    if predicate.endswith("status") and org_name:
        name = f"{counted} with {org_name} {predicate}"
    elif predicate and org_name and predicate.lower() not in counted.lower():
        article = "the " if " " in org_name else ""  # "of the Council of Europe", "of NATO"
        name = f"{counted} as {predicate} of {article}{org_name}"
    elif org_name:
        name = f"{counted} ({org_name})"
    else:
        name = counted
    if unit != "count":
        name = f"{name} [{unit}]"
    return name


def assign_series(
    quantities: pd.DataFrame,
    edits: Mapping[str, Mapping[str, object]],
    *,
    countries: Mapping[str, str] | None = None,
    owners: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Add `series`, `series_name` and `confirmed` columns to corrected figures.

    Args:
        quantities: figures after `apply_corrections` (with `series_override`).
        edits: series edits by series id (name, merged_into, confirmed).
        countries: the country each speech speaks for, by speech id, so "our" joins "Russian".
        owners: who speaks in each speech (country, else speaker), by speech id; figures with
            neither organisation nor scope form series per owner, and none without an owner.
    """
    frame = quantities.copy()
    if "series_override" not in frame:
        frame["series_override"] = ""
    auto = _auto_series(frame, countries or {}, owners or {}) if len(frame) else []
    chosen = [o if o else a for o, a in zip(frame["series_override"], auto, strict=True)]
    frame["series"] = [_resolve_merges(s, edits) for s in chosen]
    names: dict[str, str] = {}
    for series_id, rows in frame[frame["series"] != ""].groupby("series"):
        given = edits.get(str(series_id), {}).get("name")
        names[str(series_id)] = str(given) if given else _auto_name(str(series_id), rows)
    frame["series_name"] = [names.get(s, "") for s in frame["series"]]
    frame["confirmed"] = [bool(edits.get(s, {}).get("confirmed", False)) for s in frame["series"]]
    return frame.drop(columns=["series_override"])


def _changes(speeches: np.ndarray, values: np.ndarray) -> list[float]:
    """Value minus the value of the previous speech in the series (NaN for the first speech)."""
    changes = [float("nan")]
    for i in range(1, len(values)):
        same = speeches[i] == speeches[i - 1]
        changes.append(float("nan") if same else float(values[i] - values[i - 1]))
    return changes


def _disagreements(
    days: np.ndarray, speeches: np.ndarray, values: np.ndarray, *, shown: int = 5
) -> list[str]:
    """Name (up to `shown`) other speeches within `DISAGREEMENT_DAYS` giving a different value."""
    low = np.searchsorted(days, days - DISAGREEMENT_DAYS, side="left")
    high = np.searchsorted(days, days + DISAGREEMENT_DAYS, side="right")
    named = []
    for i in range(len(values)):
        window = slice(low[i], high[i])
        tolerance = 1e-9 * max(1.0, abs(values[i]))
        differs = (speeches[window] != speeches[i]) & (
            np.abs(values[window] - values[i]) > tolerance
        )
        others = sorted(set(speeches[window][differs]))
        named.append(",".join(others[:shown]) + (",…" if len(others) > shown else ""))
    return named


def series_frame(quantities: pd.DataFrame) -> pd.DataFrame:
    """Lay each series out over time, with changes between speeches and disagreements.

    Args:
        quantities: figures with `series` and `series_name` (from `assign_series`) and `date`.

    Returns:
        One row per figure in a series (figures outside any series are left out), sorted by series
        and date, with columns `SERIES_COLUMNS`. `change` and `change_pct` compare with the previous
        speech of the series; `is_disagreement` marks figures that differ from another speech's
        figure within `DISAGREEMENT_DAYS`, and `disagrees_with` names those speeches.
    """
    frame = quantities[quantities["series"] != ""].sort_values(
        ["series", "date", "speech_id", "start"]
    )
    frame = frame.reset_index(drop=True)
    series = frame["series"].to_numpy()
    days = frame["date"].to_numpy(dtype="datetime64[D]").astype("int64")
    speeches = frame["speech_id"].to_numpy()
    values = frame["value"].to_numpy(dtype="float64")
    bounds = [0, *(np.flatnonzero(series[1:] != series[:-1]) + 1).tolist(), len(frame)]
    changes: list[float] = []
    disagreements: list[str] = []
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        if b - a == 1:  # most series hold one figure: nothing to compare
            changes.append(float("nan"))
            disagreements.append("")
            continue
        changes.extend(_changes(speeches[a:b], values[a:b]))
        disagreements.extend(_disagreements(days[a:b], speeches[a:b], values[a:b]))
    frame["change"] = pd.Series(changes, dtype="float64")
    previous_values = frame["value"] - frame["change"]
    frame["change_pct"] = (frame["change"] / previous_values.where(previous_values != 0)) * 100
    frame["is_change"] = frame["change"].fillna(0).abs() > 0
    frame["disagrees_with"] = pd.Series(disagreements, dtype="object")
    frame["is_disagreement"] = frame["disagrees_with"] != ""
    return frame[SERIES_COLUMNS]


def series_summary(points: pd.DataFrame) -> pd.DataFrame:
    """Summarise each series in one row: its name, span, values over time and flags.

    Returns:
        Columns series, series_name, organisation, unit, n_speeches, first_date, last_date, values
        (e.g. "2018-06-15: only 70; 2019-05-20: about 80"), n_changes, n_disagreements, confirmed.
    """
    columns = [
        "series",
        "series_name",
        "organisation",
        "unit",
        "n_speeches",
        "first_date",
        "last_date",
        "values",
        "n_changes",
        "n_disagreements",
        "confirmed",
    ]
    rows = []
    for series_id, group in points.groupby("series", sort=True):
        values = "; ".join(
            f"{d:%Y-%m-%d}: {'' if q == 'exact' else q.replace('_', ' ') + ' '}{v:g}"
            for d, q, v in zip(group["date"], group["qualifier"], group["value"], strict=True)
        )
        rows.append(
            {
                "series": series_id,
                "series_name": group["series_name"].iloc[0],
                "organisation": group["organisation"].iloc[0],
                "unit": group["unit"].iloc[0],
                "n_speeches": group["speech_id"].nunique(),
                "first_date": group["date"].min(),
                "last_date": group["date"].max(),
                "values": values,
                "n_changes": int(group["is_change"].sum()),
                "n_disagreements": int(group["is_disagreement"].sum()),
                "confirmed": bool(group["confirmed"].iloc[0]),
            }
        )
    return pd.DataFrame(rows, columns=columns)


__all__ = [
    "CORRECTION_KIND",
    "QUANTITY_COLUMNS",
    "SERIES_COLUMNS",
    "SERIES_EDIT_KIND",
    "apply_corrections",
    "assign_series",
    "normalise_counted",
    "normalise_scope",
    "quantity_key",
    "series_frame",
    "series_summary",
]

"""Cited figures of the stored corpus: cached extraction, users' corrections and series edits.

The dashboard and the command line call these functions; they read and write the store only
through its public API (speeches, annotations, artifacts).

Example:
    >>> figures = corpus_quantities(store)                  # doctest: +SKIP
    >>> dismiss_quantity(store, figures["key"].iloc[0])      # doctest: +SKIP
    >>> corpus_series(store).head()                          # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import io
import json
import math
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from corpus.records import SpeechFilter
from corpus.store import CorpusStore, Writes
from models.errors import ModelError
from models.figures.extract import (
    QUALIFIERS,
    QUANTITY_COLUMNS,
    quantities_frame,
    quantities_frame_and_cuts,
)
from models.figures.series import (
    CORRECTION_KIND,
    SERIES_EDIT_KIND,
    apply_corrections,
    assign_series_of,
    series_frame,
    series_inputs,
)
from models.organisations import canonical_organisation
from models.progress import step
from models.selection import batches_by_words, is_in


def _extractor_version() -> str:
    """The version of what extraction gives: a digest of the code that reads figures and of the
    shipped models, so that stored figures are read again after any change to either (a new
    model or rule would otherwise leave every stored speech with the old figures)."""
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(
        [
            *(
                here / f"{name}.py"
                for name in ("extract", "text", "counted", "features", "numbers")
            ),
            here.parent / "organisations.py",
            *(here.parent / "data").glob("*_classifier.json"),
        ]
    ):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return f"3.{digest.hexdigest()[:12]}"


EXTRACTOR_VERSION = _extractor_version()
# corrections and series edits take turns under it, on every server of a database
FIGURES_LOCK = "speechtrack:figures"
_FRAME_ARTIFACT = f"quantities/v{EXTRACTOR_VERSION}/frame.parquet"
_INDEX_ARTIFACT = f"quantities/v{EXTRACTOR_VERSION}/speeches.json"
# speeches whose reading stopped at the deadline: speech id -> the character it stopped at
_CUT_ARTIFACT = f"quantities/v{EXTRACTOR_VERSION}/cut.json"

FIGURE_COLUMNS = [
    "speech_id",
    "date",
    "date_precision",
    "value",
    "value_high",
    "unit",
    "qualifier",
    "counted",
    "scope",
    "organisation",
    "series",
    "series_name",
    "confirmed",
    "is_vague",
    "kind",
    "corrected",
    "text",
    "sentence",
    "start",
    "end",
    "key",
]


# Speeches are read and extracted this many words at a time (about 60 MB of text held at once):
# reading a whole large corpus first would hold every text in memory (about 1 GB on the UN corpus)
EXTRACT_BATCH_WORDS = 5_000_000


def _cached_extraction(
    store: CorpusStore, catalogue: pd.DataFrame, n_jobs: int | None
) -> pd.DataFrame:
    """Return the extracted figures of the catalogue's speeches, extracting only speeches not seen yet.

    The cache is shared through store artifacts; a speech is extracted again when its date changed
    (the date is the reference date of its figures) or when the extractor version changes.
    """
    raw_index = store.get_artifact(_INDEX_ARTIFACT)
    known: dict[str, str] = json.loads(raw_index) if raw_index else {}
    raw_frame = store.get_artifact(_FRAME_ARTIFACT)
    cached = (
        pd.read_parquet(io.BytesIO(raw_frame))
        if raw_frame
        else pd.DataFrame(columns=QUANTITY_COLUMNS)
    )
    wanted = dict(zip(catalogue["speech_id"], catalogue["date_iso"], strict=True))
    missing = [sid for sid, iso in wanted.items() if known.get(sid) != iso]
    if missing:
        words = dict(zip(catalogue["speech_id"], catalogue["n_words"], strict=True))
        fresh_parts = []
        raw_cuts = store.get_artifact(_CUT_ARTIFACT)
        cuts: dict[str, int] = json.loads(raw_cuts) if raw_cuts else {}
        again = set(missing)
        cuts = {sid: at for sid, at in cuts.items() if sid in wanted and sid not in again}
        done = 0
        for batch in batches_by_words(missing, words, EXTRACT_BATCH_WORDS):
            step(
                "reading the figures of speeches %s-%s of %s",
                f"{done + 1:,}",
                f"{done + len(batch):,}",
                f"{len(missing):,}",
            )
            done += len(batch)
            part, cut = quantities_frame_and_cuts(
                store.find(SpeechFilter(speech_ids=frozenset(batch))), n_jobs=n_jobs
            )
            fresh_parts.append(part)
            cuts.update(cut)
        fresh = (
            pd.concat(fresh_parts, ignore_index=True) if len(fresh_parts) > 1 else fresh_parts[0]
        )
        kept = cached[~is_in(cached["speech_id"], missing)]
        parts = [part for part in (kept, fresh) if not part.empty]
        cached = (
            pd.concat(parts, ignore_index=True)
            if len(parts) > 1
            else (parts[0] if parts else fresh)
        )
        known.update({sid: wanted[sid] for sid in missing})
        buffer = io.BytesIO()
        cached.to_parquet(buffer, index=False)
        frame_bytes = buffer.getvalue()
        index_bytes = json.dumps(known, sort_keys=True).encode("utf-8")
        if not store.read_only:  # a viewer server keeps the figures in its memory
            cut_bytes = json.dumps(cuts, sort_keys=True).encode("utf-8")

            current = {_FRAME_ARTIFACT, _INDEX_ARTIFACT, _CUT_ARTIFACT}
            stale = [
                n
                for n in store.artifact_names()
                if n.startswith("quantities/") and n not in current
            ]

            def save(tx: Writes) -> None:
                # the figures, the index of what they cover and what was cut: all or none; the
                # figures an earlier extractor made go with them
                tx.put_artifact(_FRAME_ARTIFACT, frame_bytes)
                tx.put_artifact(_INDEX_ARTIFACT, index_bytes)
                tx.put_artifact(_CUT_ARTIFACT, cut_bytes)
                for name in stale:
                    tx.delete_artifact(name)

            store.transaction(save)
    selected = cached[is_in(cached["speech_id"], wanted)].drop(columns=["date"])
    dates = catalogue[["speech_id", "date"]]
    frame = selected.merge(dates, on="speech_id", how="left")[QUANTITY_COLUMNS]
    return frame.sort_values(["date", "speech_id", "start"]).reset_index(drop=True)


def corpus_quantities(
    store: CorpusStore, flt: SpeechFilter = SpeechFilter(), *, n_jobs: int | None = None
) -> pd.DataFrame:
    """Return the cited figures of the selected speeches, corrected, each with its series.

    Args:
        store: the corpus store.
        flt: the speeches to read.
        n_jobs: processes extracting speeches not extracted yet (see `quantities_frame`): None
            uses every core when there are many, 1 extracts in this process.

    Returns:
        Columns `FIGURE_COLUMNS`; `key` identifies a figure for corrections.
    """
    return corpus_quantities_and_inputs(store, flt, n_jobs=n_jobs)[0]


def corpus_quantities_and_inputs(
    store: CorpusStore, flt: SpeechFilter = SpeechFilter(), *, n_jobs: int | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`corpus_quantities`, and what each figure's series was found from (`series_inputs`)."""
    catalogue = store.catalogue(flt)
    frame = apply_corrections(
        _cached_extraction(store, catalogue, n_jobs), store.annotations(CORRECTION_KIND)
    )
    inputs = series_inputs(frame, *speech_owners(catalogue))
    frame = assign_series_of(frame, inputs, store.annotations(SERIES_EDIT_KIND))
    precision = catalogue.set_index("speech_id")["date_precision"]
    frame["date_precision"] = frame["speech_id"].map(precision).fillna("day").astype(str)
    return frame[FIGURE_COLUMNS], inputs.reset_index(drop=True)


def speech_owners(catalogue: pd.DataFrame) -> tuple[dict[str, str], dict[str, str]]:
    """Return the country of each speech and who speaks in it (the country, else the speaker)."""
    ids = catalogue["speech_id"].tolist()  # lists: walking Arrow-backed strings costs more
    country_list = catalogue["country"].fillna("").tolist()
    countries = dict(zip(ids, country_list, strict=True))
    owners = {
        speech_id: country or speaker
        for speech_id, country, speaker in zip(
            ids, country_list, catalogue["speaker"].tolist(), strict=True
        )
    }
    return countries, owners


def extract_quantities(store: CorpusStore, catalogue: pd.DataFrame) -> pd.DataFrame:
    """Return the figures of the catalogue's speeches, read now, uncorrected and in no series.

    For a few speeches at a time (such as those just uploaded): dated and sorted as
    `corpus_quantities` sorts, without touching the corpus's cache of extracted figures.
    """
    # (an empty set of ids would select every speech)
    ids = frozenset(catalogue["speech_id"])
    found = store.find(SpeechFilter(speech_ids=ids)) if ids else ()
    frame = quantities_frame(found, n_jobs=1).drop(columns=["date"])
    frame = frame.merge(catalogue[["speech_id", "date"]], on="speech_id", how="left")
    return frame[QUANTITY_COLUMNS].sort_values(["date", "speech_id", "start"], ignore_index=True)


def corpus_series(store: CorpusStore, flt: SpeechFilter = SpeechFilter()) -> pd.DataFrame:
    """Return every series of the selection over time (columns of `models.figures.series.SERIES_COLUMNS`)."""
    return series_frame(corpus_quantities(store, flt))


def extraction_cuts(store: CorpusStore) -> dict[str, int]:
    """Return the speeches whose figures were read only in part, because reading them passed
    `quantities.SECONDS_PER_SPEECH` (a pasted table of numbers, a hostile text): by id, the
    character where reading stopped."""
    raw = store.get_artifact(_CUT_ARTIFACT)
    return {str(k): int(v) for k, v in json.loads(raw).items()} if raw else {}


def correct_quantity(
    store: CorpusStore,
    key: str,
    *,
    value: float | None = None,
    value_high: float | None = None,
    unit: str | None = None,
    qualifier: str | None = None,
    counted: str | None = None,
    scope: str | None = None,
    organisation: str | None = None,
    series: str | None = None,
) -> None:
    """Store a user's correction of one figure; fields left as None keep their earlier correction.

    Raises:
        ModelError: when the qualifier is not one of `QUALIFIERS` or the value is not a number.
    """
    if qualifier is not None and qualifier not in QUALIFIERS:
        raise ModelError(
            f'Unknown qualifier "{qualifier}" for figure {key}; use one of {", ".join(QUALIFIERS)}.'
        )
    for name, number in (("value", value), ("value_high", value_high)):
        if number is not None and not math.isfinite(number):
            raise ModelError(
                f"The {name.replace('_', ' ')} of figure {key} must be a finite number, not {number}."
            )
    if organisation:
        organisation = canonical_organisation(organisation) or organisation.strip()
    changes = {
        "value": value,
        "value_high": value_high,
        "unit": unit,
        "qualifier": qualifier,
        "counted": counted,
        "scope": scope,
        "organisation": organisation,
        "series": series,
    }

    def update(current: dict[str, object]) -> None:
        current.update({k: v for k, v in changes.items() if v is not None})
        current.pop("dismissed", None)

    store.transaction(lambda tx: _update(tx, CORRECTION_KIND, key, update), lock=FIGURES_LOCK)


def _update(tx: Writes, kind: str, key: str, update: Callable[[dict[str, object]], None]) -> None:
    """Read, change and write back one annotation inside a transaction: two people correcting
    the same figure at once each see the other's change, instead of one overwriting it."""
    current = dict(tx.annotations(kind).get(key, {}))
    update(current)
    tx.put_annotation(kind, key, current)


def dismiss_quantity(store: CorpusStore, key: str) -> None:
    """Mark one figure as not a figure; it stays dismissed after re-extraction."""
    store.transaction(
        lambda tx: _update(tx, CORRECTION_KIND, key, lambda c: c.update(dismissed=True)),
        lock=FIGURES_LOCK,
    )


def restore_quantity(store: CorpusStore, key: str) -> None:
    """Forget every correction of one figure, dismissal included."""
    store.delete_annotation(CORRECTION_KIND, key)


def _edit_series(store: CorpusStore, series_id: str, changes: dict[str, object]) -> None:
    store.transaction(lambda tx: _edit_series_in(tx, series_id, changes), lock=FIGURES_LOCK)


def _edit_series_in(tx: Writes, series_id: str, changes: dict[str, object]) -> None:
    if not series_id:
        raise ModelError(
            "A series edit needs a series id; figures that count nothing belong to no series."
        )
    _update(tx, SERIES_EDIT_KIND, series_id, lambda current: current.update(changes))


def rename_series(store: CorpusStore, series_id: str, name: str) -> None:
    """Give a series the name users see in place of the automatic one.

    Raises:
        ModelError: when the name is empty.
    """
    if not name.strip():
        raise ModelError(f"The new name of series {series_id} is empty; type the name to show.")
    _edit_series(store, series_id, {"name": name.strip()})


def confirm_series(store: CorpusStore, series_id: str, *, confirmed: bool = True) -> None:
    """Mark a series as checked by a person (or take the mark back)."""
    _edit_series(store, series_id, {"confirmed": confirmed})


def merge_series(store: CorpusStore, series_ids: Sequence[str], *, into: str) -> None:
    """Merge series into one: their figures join `into` from now on, after every re-extraction.

    Raises:
        ModelError: when a series would be merged into itself.
    """
    for series_id in series_ids:
        if series_id == into:
            raise ModelError(
                f"Series {series_id} cannot be merged into itself; pick another target."
            )

    def merge(tx: Writes) -> None:  # every series or none
        for series_id in series_ids:
            _edit_series_in(tx, series_id, {"merged_into": into})

    store.transaction(merge, lock=FIGURES_LOCK)


def split_series(store: CorpusStore, series_id: str, keys: Sequence[str], *, name: str) -> str:
    """Move some figures of a series into a new series with its own name.

    Args:
        store: the corpus store.
        series_id: the series the figures leave.
        keys: the figures to move (`key` column of `corpus_quantities`).
        name: the name of the new series.

    Returns:
        The id of the new series.

    Raises:
        ModelError: when no figure is given.
    """
    if not keys:
        raise ModelError(f"Splitting series {series_id} needs at least one figure to move.")

    def split(tx: Writes) -> str:
        # the new series and every figure moved into it, as one change; the number is chosen
        # under the lock, so two people splitting at once get two series
        existing = set(tx.annotations(SERIES_EDIT_KIND))
        number = 1
        while f"{series_id}#{number}" in existing:
            number += 1
        new_id = f"{series_id}#{number}"
        _edit_series_in(tx, new_id, {"name": name.strip() or new_id})

        def move(current: dict[str, object]) -> None:
            current["series"] = new_id
            current.pop("dismissed", None)

        for key in keys:
            _update(tx, CORRECTION_KIND, key, move)
        return new_id

    return store.transaction(split, lock=FIGURES_LOCK)

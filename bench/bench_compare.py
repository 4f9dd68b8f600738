"""Time the comparison analyses on the UN General Debate Corpus: 1,000 speeches, then all.

Run: python bench/bench_compare.py [--sizes 1000 all]
Reads ../shared/corpora/ungdc/ungdc_1946-2024.jsonl.gz (or under $SPEECHTRACK_SHARED) directly.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pandas as pd

T = TypeVar("T")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from models.compare.keyness import (  # noqa: E402
    distinctive_terms,
    keyness,
    nearest_speeches,
    term_counts,
)
from models.compare.mentions import country_mentions, organisation_mentions  # noqa: E402
from models.compare.stats import concordance, speech_stats, term_trend  # noqa: E402

SHARED = Path(os.environ.get("SPEECHTRACK_SHARED", ROOT.parent / "shared"))
UNGDC = SHARED / "corpora" / "ungdc" / "ungdc_1946-2024.jsonl.gz"


def load() -> tuple[pd.Series, pd.DataFrame]:
    """The UNGDC texts indexed by id, and a catalogue like `CorpusStore.catalogue` gives."""
    with gzip.open(UNGDC, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    texts = pd.Series({r["id"]: r["text"] for r in rows}, name="text").rename_axis("speech_id")
    catalogue = pd.DataFrame(
        {
            "speech_id": [r["id"] for r in rows],
            "title": [f"{r['country'] or r['iso3']}, session {r['session']}" for r in rows],
            "country": [r["iso3"] for r in rows],
            "date": pd.to_datetime([f"{r['year']}-01-01" for r in rows]),
            "date_precision": "year",
        }
    )
    catalogue["n_words"] = texts.str.count(r"\w+(?:[-'’]\w+)*").to_numpy()
    order = catalogue.sort_values(["date", "speech_id"]).index
    return texts.iloc[order], catalogue.loc[order].reset_index(drop=True)


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def bench(
    texts: pd.Series, catalogue: pd.DataFrame, *, with_organisations: bool
) -> list[dict[str, object]]:
    """Time each analysis on one set of speeches; return one row per analysis."""
    ids = catalogue["speech_id"]
    a = ids[catalogue["date"].dt.year < 1990]
    b = ids[catalogue["date"].dt.year >= 1990]
    label = f"{len(texts):,} speeches, {catalogue['n_words'].sum() / 1e6:.1f} M words"
    seconds, counts = timed(
        lambda: term_counts(texts, n_words=catalogue.set_index("speech_id")["n_words"])
    )
    rows = [(label, "term counts (CountVectorizer, once)", seconds, counts.matrix.shape)]
    steps: list[tuple[str, Callable[[], pd.DataFrame]]] = [
        ("keyness before 1990 vs from 1990", lambda: keyness(counts, a=a, b=b)),
        (
            "distinctive terms of one speech",
            lambda: distinctive_terms(counts, speech_id=ids.iloc[0]),
        ),
        (
            "nearest speeches, 100 queries",
            lambda: nearest_speeches(counts, speech_ids=ids.iloc[:100], n=5),
        ),
        (
            "trend of 3 terms by year",
            lambda: term_trend(
                texts, catalogue=catalogue, terms=["nuclear", "climate change", "human rights"]
            ),
        ),
        (
            "kwic 'climate change'",
            lambda: concordance(texts, catalogue=catalogue, term="climate change"),
        ),
        ("speech stats (sentences, MTLD, Flesch)", lambda: speech_stats(texts)),
        ("country mentions", lambda: country_mentions(texts)),
    ]
    if with_organisations:  # about 1 MB of text a second: many minutes on the whole corpus
        steps.append(("organisation mentions", lambda: organisation_mentions(texts)))
    for name, fn in steps:
        seconds, frame = timed(fn)
        rows.append((label, name, seconds, f"{len(frame):,} rows"))
    for row in rows:
        print(f"  {row[0]:<32} {row[1]:<40} {row[2]:8.2f} s  {row[3]}", flush=True)
    return [
        {"corpus": r[0], "analysis": r[1], "seconds": round(r[2], 2), "result": str(r[3])}
        for r in rows
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", nargs="+", default=["1000", "all"])
    args = parser.parse_args()
    if not UNGDC.exists():
        sys.exit(f"needs the UN General Debate Corpus at {UNGDC}")
    seconds, (all_texts, all_catalogue) = timed(load)
    print(
        f"loaded {len(all_texts):,} speeches, {all_catalogue['n_words'].sum():,} words "
        f"in {seconds:.1f} s\n"
    )
    table = []
    for size in args.sizes:
        if size == "all":
            catalogue = all_catalogue
        else:
            catalogue = all_catalogue.sample(n=int(size), random_state=0).sort_index()
        texts = all_texts.loc[catalogue["speech_id"]]
        table += bench(texts, catalogue, with_organisations=size != "all")
    print()
    print(pd.DataFrame(table).to_string(index=False))


if __name__ == "__main__":
    main()

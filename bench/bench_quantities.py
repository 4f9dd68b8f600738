"""Measure cited-figure extraction: precision and recall on the labelled set, throughput on the UNGDC.

Run: python bench/bench_quantities.py [--limit N] [--labelled FILE]
Reads tests/data/quantities_labelled.jsonl (or FILE, the same JSON Lines format) and
../shared/corpora/ungdc/ungdc_1946-2024.jsonl.gz (or under $SPEECHTRACK_SHARED) directly.
The baseline row scores every number expression found, before the rules that drop dates, years,
identifiers, ordinals and idioms: what a plain number tagger gives.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import time
from datetime import date
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from models.numbers import find_number_expressions  # noqa: E402
from models.quantities import Quantity, extract_quantities  # noqa: E402
from models.quantity_scoring import read_labelled, score_quantities  # noqa: E402

SHARED = Path(os.environ.get("SPEECHTRACK_SHARED", ROOT.parent / "shared"))
UNGDC = SHARED / "corpora" / "ungdc" / "ungdc_1946-2024.jsonl.gz"
LABELLED = ROOT / "tests" / "data" / "quantities_labelled.jsonl"


def every_number(text: str) -> list[Quantity]:
    """The baseline: every number expression is a figure, qualifier exact, no organisation."""
    return [
        Quantity(
            value=n.value,
            unit=n.unit,
            text=n.text,
            sentence=text,
            start=n.start,
            end=n.end,
            sentence_start=0,
            sentence_end=len(text),
        )
        for n in find_number_expressions(text)
    ]


def accuracy_table(path: Path) -> pd.DataFrame:
    """Precision and recall of value, qualifier and organisation, for the extractor and the baseline."""
    records = read_labelled(path)
    ours = score_quantities(records).assign(extractor="speech-tracker")
    base = score_quantities(records, extractor=every_number).assign(extractor="every number")
    table = pd.concat([ours, base], ignore_index=True)
    table = table[
        ["extractor", "field", "precision", "recall", "n_correct", "n_predicted", "n_expected"]
    ]
    print(
        f"Labelled set: {path.name}, {len(records)} sentences, {sum(not r.figures for r in records)} traps"
    )
    return table


def throughput_table(limit: int | None) -> pd.DataFrame:
    """Extract the figures of the whole UNGDC (or its first `limit` speeches) and time it."""
    with gzip.open(UNGDC, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    if limit:
        rows = rows[:limit]
    n_chars = sum(len(r["text"]) for r in rows)
    started = time.perf_counter()
    n_figures = 0
    units: dict[str, int] = {}
    for row in rows:
        found = extract_quantities(
            row["text"], speech_id=row["id"], delivered_on=date(row["year"], 9, 1)
        )
        n_figures += len(found)
        for q in found:
            units[q.unit] = units.get(q.unit, 0) + 1
    seconds = time.perf_counter() - started
    top_units = ", ".join(f"{u} {n}" for u, n in sorted(units.items(), key=lambda i: -i[1])[:6])
    print(f"Units found: {top_units}")
    return pd.DataFrame(
        [
            {
                "n_speeches": len(rows),
                "n_figures": n_figures,
                "mb_text": round(n_chars / 1e6, 1),
                "seconds": round(seconds, 1),
                "speeches_per_s": round(len(rows) / seconds, 1),
                "figures_per_s": round(n_figures / seconds, 1),
                "mb_per_s": round(n_chars / 1e6 / seconds, 2),
            }
        ]
    )


def main() -> None:
    """Print the accuracy table, then the throughput table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=None, help="only the first N UNGDC speeches")
    parser.add_argument(
        "--labelled", type=Path, default=LABELLED, help="a labelled JSON Lines file"
    )
    args = parser.parse_args()
    pd.set_option("display.width", 160)
    print(accuracy_table(args.labelled).round(3).to_string(index=False))
    print()
    if not UNGDC.exists():
        print(f"Throughput skipped: the UNGDC is not at {UNGDC}.")
        return
    print(throughput_table(args.limit).to_string(index=False))


if __name__ == "__main__":
    main()

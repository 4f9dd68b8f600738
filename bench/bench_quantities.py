"""Measure cited figures: precision and recall on the labelled set, then the time users wait for the
Figures page on the whole UN General Debate store.

Run: python bench/bench_quantities.py [--store FILE] [--n-jobs N] [--jsonl] [--limit N] [--split S]

1. Scores the extractor on the test part (or --split) of bench/figures/labelled.jsonl: real UN and
   State of the Union sentences drawn at random and labelled by reading (bench/figures/LABELLING.md),
   against the targets; the baseline rows score every number expression found, before any rule
   or the classifier: what a plain number tagger gives.
2. Copies the UN General Debate store (bench/results/ungdc.sqlite, built by bench_dashboard.py; the
   original is never written) to a temporary folder and times what the dashboard's Figures page
   runs: `corpus_quantities` (read speeches, extract on every core, cache, series) and the series
   layout (`with_speeches` + `series_points`), with wall time, CPU time of this process and its
   workers, and the peak resident memory of the process tree, against the target: under 120 s in all.
3. With --jsonl, also times plain extraction of ../shared/corpora/ungdc/ungdc_1946-2024.jsonl.gz
   (or under $SPEECHTRACK_SHARED), without the store.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from corpus.records import Speech  # noqa: E402
from corpus.store import CorpusStore  # noqa: E402
from models.figures.benchmark import read_labelled_records, score_records  # noqa: E402
from models.figures.corpus import series_points, with_speeches  # noqa: E402
from models.figures.extract import Quantity, quantities_frame  # noqa: E402
from models.figures.numbers import find_number_expressions  # noqa: E402
from models.figures.store import corpus_quantities  # noqa: E402

SHARED = Path(os.environ.get("SPEECHTRACK_SHARED", ROOT.parent / "shared"))
UNGDC = SHARED / "corpora" / "ungdc" / "ungdc_1946-2024.jsonl.gz"
UN_STORE = ROOT / "bench" / "results" / "ungdc.sqlite"
LABELLED = ROOT / "bench" / "figures" / "labelled.jsonl"
TARGET_SECONDS = 120.0  # the target for the whole Figures page on the UN corpus
T = TypeVar("T")


def every_number(text: str, **_: object) -> list[Quantity]:
    """The baseline: every number expression is a figure, qualifier exact, no organisation."""
    return [
        Quantity(
            value=n.value,
            unit=n.unit,
            is_vague=n.is_vague,
            text=n.text,
            sentence=text,
            start=n.start,
            end=n.end,
            sentence_start=0,
            sentence_end=len(text),
        )
        for n in find_number_expressions(text)
    ]


def accuracy_table(path: Path, split: str) -> pd.DataFrame:
    """Value precision and recall and each field's share right, for the extractor and baseline."""
    records = read_labelled_records(path, split=split)
    ours = score_records(records).assign(extractor="speech-tracker")
    base = score_records(records, extractor=every_number).head(2).assign(extractor="every number")
    table = pd.concat([ours, base], ignore_index=True)
    table["meets"] = [
        "" if pd.isna(t) else ("yes" if s >= t else "NO")
        for s, t in zip(table["score"], table["target"], strict=True)
    ]
    n_figures = sum(len(r.figures) for r in records)
    n_numbers = sum(len(r.candidates) for r in records)
    print(
        f"Real-speech labelled set, {split} part: {len(records)} sentences, {n_numbers} "
        f"number-like expressions, {n_figures} figures ({path.name})"
    )
    return table[["extractor", "measure", "score", "n_right", "n_of", "target", "meets"]]


def _tree_rss(pid: int) -> int:
    """Return the resident memory in bytes of a process and all its descendants (Linux /proc)."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/status", encoding="ascii") as status:
                rss = next(line for line in status if line.startswith("VmRSS:"))
            total += int(rss.split()[1]) * 1024
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as children:
                    pending.extend(int(child) for child in children.read().split())
        except (OSError, StopIteration, ValueError):
            continue  # the process ended while we looked
    return total


@contextmanager
def _peak_rss() -> Iterator[list[int]]:
    """Sample the memory of this process tree every 0.1 s; yields a one-item list holding the peak."""
    peak = [_tree_rss(os.getpid())]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.1):
            peak[0] = max(peak[0], _tree_rss(os.getpid()))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield peak
    finally:
        done.set()
        sampler.join()
        peak[0] = max(peak[0], _tree_rss(os.getpid()))


def _cpu_seconds() -> float:
    """CPU time of this process and of its ended children (the extraction workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@dataclass(frozen=True, slots=True)
class Timing:
    """What one step cost: wall time, CPU time (this process and its workers), peak memory."""

    step: str
    wall_s: float
    cpu_s: float
    peak_rss_mb: int


def _timed(step: str, work: Callable[[], T]) -> tuple[T, Timing]:
    """Run `work` and return its result with what it cost."""
    cpu = _cpu_seconds()
    started = time.perf_counter()
    with _peak_rss() as peak:
        result = work()
    wall = time.perf_counter() - started
    return result, Timing(step, wall, _cpu_seconds() - cpu, round(peak[0] / 2**20))


def store_table(source: Path, n_jobs: int | None) -> pd.DataFrame:
    """Time the Figures page's work on a throwaway copy of the UN store; one row per step."""
    with tempfile.TemporaryDirectory(prefix="bench-quantities-") as folder:
        copy = Path(folder) / source.name
        shutil.copyfile(source, copy)
        store = CorpusStore(f"sqlite:///{copy}", seed=False)
        try:
            cached = [n for n in store.artifact_names() if n.startswith("quantities/")]
            if cached:
                raise SystemExit(
                    f"{source} already holds extracted figures ({cached[0]}); "
                    "rebuild it with bench/bench_dashboard.py to time extraction."
                )
            n_speeches = store.count()
            figures, extract = _timed(
                "extract + series (corpus_quantities)",
                lambda: corpus_quantities(store, n_jobs=n_jobs),
            )
            catalogue = store.catalogue()
            (points, summary), layout = _timed(
                "series layout (with_speeches + series_points)",
                lambda: series_points(with_speeches(figures, catalogue)),
            )
            _, again = _timed("figures again, from the cache", lambda: corpus_quantities(store))
        finally:
            store.dispose()
    total = Timing(
        "total: Figures page, first time",
        extract.wall_s + layout.wall_s,
        extract.cpu_s + layout.cpu_s,
        max(extract.peak_rss_mb, layout.peak_rss_mb),
    )
    rows = []
    for timing, rate, target in (
        (extract, f"{n_speeches / extract.wall_s:.1f}", "part of total"),
        (layout, "", "part of total"),
        (total, f"{n_speeches / total.wall_s:.1f}", f"< {TARGET_SECONDS:.0f} s"),
        (again, "", ""),
    ):
        rows.append(
            {
                "step": timing.step,
                "wall_s": round(timing.wall_s, 1),
                "cpu_s": round(timing.cpu_s, 1),
                "peak_rss_mb": timing.peak_rss_mb,
                "speeches_per_s": rate,
                "target": target,
                "ok": ("yes" if timing.wall_s < TARGET_SECONDS else "NO")
                if target.startswith("<")
                else "",
            }
        )
    print(
        f"UN store copy: {n_speeches} speeches, {len(figures)} figures, {len(points)} series points, "
        f"{len(summary)} series; {os.cpu_count()} cores, n_jobs={n_jobs or 'auto'}"
    )
    return pd.DataFrame(rows)


def _ungdc_speeches(limit: int | None) -> list[Speech]:
    speeches = []
    with gzip.open(UNGDC, "rt", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if not row["text"].strip():
                continue
            speeches.append(
                Speech(
                    speech_id=row["id"],
                    title=row["id"],
                    speaker=row.get("country") or "Unknown",
                    delivered_on=date(row["year"], 9, 1),
                    text=row["text"],
                )
            )
            if limit and len(speeches) == limit:
                break
    return speeches


def throughput_table(limit: int | None, n_jobs: int | None) -> pd.DataFrame:
    """Extract the figures of the UNGDC file (or its first `limit` speeches) without a store."""
    speeches = _ungdc_speeches(limit)
    n_chars = sum(len(s.text) for s in speeches)
    frame, cost = _timed(
        "extract (quantities_frame)", lambda: quantities_frame(speeches, n_jobs=n_jobs)
    )
    top_units = ", ".join(f"{u} {n}" for u, n in frame["unit"].value_counts().head(6).items())
    print(f"Units found: {top_units}")
    row = {
        "step": cost.step,
        "wall_s": round(cost.wall_s, 1),
        "cpu_s": round(cost.cpu_s, 1),
        "peak_rss_mb": cost.peak_rss_mb,
        "n_speeches": len(speeches),
        "n_figures": len(frame),
        "mb_text": round(n_chars / 1e6, 1),
        "speeches_per_s": round(len(speeches) / cost.wall_s, 1),
        "mb_per_s": round(n_chars / 1e6 / cost.wall_s, 2),
    }
    return pd.DataFrame([row])


def main() -> None:
    """Print the accuracy table, then the store timings (and the file throughput with --jsonl)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--store", type=Path, default=UN_STORE, help="a SQLite store to copy and time"
    )
    parser.add_argument(
        "--n-jobs", type=int, default=None, help="extraction processes (default: auto)"
    )
    parser.add_argument(
        "--jsonl", action="store_true", help="also time extraction of the UNGDC file"
    )
    parser.add_argument(
        "--limit", type=int, default=None, help="with --jsonl: the first N speeches"
    )
    parser.add_argument(
        "--labelled", type=Path, default=LABELLED, help="a labelled JSON Lines file"
    )
    parser.add_argument(
        "--split", default="test", help="the part scored: test (default), dev, train"
    )
    args = parser.parse_args()
    pd.set_option("display.width", 160)
    print(accuracy_table(args.labelled, args.split).round(3).to_string(index=False))
    print()
    if args.store.exists():
        print(store_table(args.store, args.n_jobs).to_string(index=False))
    else:
        print(
            f"Store timings skipped: no store at {args.store}; build it with bench/bench_dashboard.py."
        )
    if args.jsonl:
        print()
        if UNGDC.exists():
            print(throughput_table(args.limit, args.n_jobs).to_string(index=False))
        else:
            print(f"Throughput skipped: the UNGDC is not at {UNGDC}.")


if __name__ == "__main__":
    main()

"""The `compare`, `trend`, `kwic`, `stats` and `mentions` subcommands of `speechtrack`.

Example:
    speechtrack compare 'speaker:"Sergey Lavrov" year:2018' 'year:2019' --format json
    speechtrack trend "climate change" sanctions --period year
    speechtrack kwic "rule of law" --width 50 --select year:2018
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, TextIO

import pandas as pd

from cli.output import add_format_options, frame_records, write_frame, write_json
from corpus.records import SpeechFilter
from corpus.store import CorpusStore
from models.compare.mentions import country_mentions, mentions_over_time, organisation_mentions
from models.compare.stats import (
    PERIODS,
    concordance,
    stats_by_group,
    stored_speech_stats,
    term_trend,
)
from models.errors import ModelError
from models.selection import SELECTION_KEYS, resolve

if TYPE_CHECKING:
    from models.compare.keyness import TermCounts

__all__ = ["register", "run_compare", "run_kwic", "run_mentions", "run_stats", "run_trend"]

# Above this many words in A and B together, compare counts the whole corpus once and keeps the
# counts in the store, so that the next comparison of large selections takes a second.
LARGE_SELECTION_WORDS = 2_000_000
_SELECTION_HELP = (
    "a speech id or a selection such as 'speaker:\"Sergey Lavrov\" year:2015-2018'; keys: "
    + ", ".join(SELECTION_KEYS)
)


_PERIOD_HELP = "one point per year (the default), quarter or month"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the comparison subcommands to the `speechtrack` parser."""
    p = sub.add_parser(
        "compare",
        help="compare two speeches or two selections: keyness, themes, statistics",
        description="Compare A with B. CSV output is the keyness table.",
    )
    p.add_argument("a", metavar="A", help=_SELECTION_HELP)
    p.add_argument("b", metavar="B", help=_SELECTION_HELP)
    p.add_argument("--top", type=int, default=15, help="key terms shown each way (default 15)")
    p.add_argument("--bigrams", action="store_true", help="also compare two-word terms")
    add_format_options(p)
    p.set_defaults(handler=run_compare)

    p = sub.add_parser("trend", help="uses of terms or phrases per 10,000 words, by period")
    p.add_argument("terms", nargs="+", metavar="TERM", help='a word or a phrase ("rule of law")')
    p.add_argument("--period", choices=tuple(PERIODS), default="year", help=_PERIOD_HELP)
    p.add_argument("--select", metavar="SELECTION", help=_SELECTION_HELP)
    add_format_options(p)
    p.set_defaults(handler=run_trend)

    p = sub.add_parser("kwic", help="every use of a term or phrase in its context")
    p.add_argument("term", metavar="TERM", help='a word or a phrase ("rule of law")')
    p.add_argument("--width", type=int, default=40, help="characters of context on each side")
    p.add_argument("--limit", type=int, default=200, help="at most this many lines (default 200)")
    p.add_argument("--select", metavar="SELECTION", help=_SELECTION_HELP)
    add_format_options(p)
    p.set_defaults(handler=run_kwic)

    p = sub.add_parser(
        "stats", help="words, sentences, vocabulary, MTLD and readability per speech"
    )
    p.add_argument("--select", metavar="SELECTION", help=_SELECTION_HELP)
    add_format_options(p)
    p.set_defaults(handler=run_stats)

    p = sub.add_parser("mentions", help="mentions of organisations or countries, by period")
    p.add_argument(
        "--kind",
        choices=("organisations", "countries"),
        default="organisations",
        help="what to count (default organisations)",
    )
    p.add_argument("--period", choices=tuple(PERIODS), default="year", help=_PERIOD_HELP)
    p.add_argument("--select", metavar="SELECTION", help=_SELECTION_HELP)
    add_format_options(p)
    p.set_defaults(handler=run_mentions)


def _show(
    frame: pd.DataFrame,
    fmt: str,
    out: TextIO,
    *,
    max_width: int = 60,
    csv_for: str = "spreadsheet",
) -> None:
    """Write a frame; on a terminal, numbers are rounded to what a reader can use."""
    if fmt == "text" and not frame.empty:
        shown = frame.copy()
        for column in shown.columns:
            if column == "p_value":
                shown[column] = [f"{p:.1e}" for p in shown[column]]
            elif shown[column].dtype.kind == "f":
                shown[column] = shown[column].round(2)
        frame = shown
    write_frame(frame, fmt, out, max_width=max_width, csv_for=csv_for)


def _filter(store: CorpusStore, selection: str | None) -> SpeechFilter:
    return SpeechFilter() if not selection else resolve(store, selection)


def _themes(store: CorpusStore, *, a: list[str], b: list[str]) -> pd.DataFrame | None:
    """Theme shares of A and B side by side, with labels; None when no theme model is fitted."""
    from models.compare.keyness import theme_comparison
    from models.themes.store import stored_themes  # the theme model is a slow import

    state = stored_themes(store)
    if state is None:
        return None
    themes = theme_comparison(state.mix_long(), a=a, b=b)
    themes.insert(1, "label", themes["theme"].map(state.labels))
    return themes


def _counts(store: CorpusStore, catalogue: pd.DataFrame, *, bigrams: bool) -> TermCounts:
    """Term counts covering both groups.

    Large groups use the stored counts of the whole corpus (counted once, then reused); small ones
    count their own texts, which is faster than counting the corpus.
    """
    # scikit-learn: imported by the commands that count, not by every command
    from models.compare.keyness import corpus_term_counts, term_counts

    if catalogue["n_words"].sum() >= LARGE_SELECTION_WORDS:
        return corpus_term_counts(store, bigrams=bigrams)
    ids = frozenset(catalogue["speech_id"])
    return term_counts(
        store.texts(SpeechFilter(speech_ids=ids)),
        bigrams=bigrams,
        n_words=catalogue.set_index("speech_id")["n_words"],
    )


def run_compare(args: argparse.Namespace, store: CorpusStore, out: TextIO) -> int:
    """Print keyness, theme shares and statistics of selection A against selection B."""
    groups = {
        label: (selection, store.catalogue(resolve(store, selection)))
        for label, selection in (("a", args.a), ("b", args.b))
    }
    ids = {label: list(g[1]["speech_id"]) for label, g in groups.items()}
    catalogue = pd.concat([groups["a"][1], groups["b"][1]]).drop_duplicates("speech_id")
    counts = _counts(store, catalogue, bigrams=args.bigrams)
    from models.compare.keyness import keyness

    key = keyness(counts, a=ids["a"], b=ids["b"], n=args.top)
    per_speech = stored_speech_stats(store, list(catalogue["speech_id"]))
    stats = stats_by_group(per_speech, groups=ids)
    themes = _themes(store, a=ids["a"], b=ids["b"])
    if args.format == "csv":
        _show(key, "csv", out, csv_for=args.csv_for)
        return 0
    about = {
        label: {
            "selection": g[0],
            "n_speeches": len(g[1]),
            "n_words": int(g[1]["n_words"].sum()),
        }
        for label, g in groups.items()
    }
    if args.format == "json":
        write_json(
            {
                **about,
                "themes": frame_records(themes) if themes is not None else None,
                "themes_note": None if themes is not None else _NO_THEMES,
                "keyness": {
                    side: frame_records(key[key["favours"] == side]) for side in ("a", "b")
                },
                "stats": frame_records(stats),
            },
            out,
        )
        return 0
    for label, info in about.items():
        out.write(
            f"{label.upper()}: {info['selection']} ({info['n_speeches']} speeches, "
            f"{info['n_words']:,} words)\n"
        )
    for side in ("a", "b"):
        out.write(f"\nTerms that set {side.upper()} apart (log-likelihood, p < 0.001):\n")
        _show(key[key["favours"] == side].drop(columns="favours"), "text", out)
    out.write("\nThemes:\n")
    if themes is None:
        out.write(_NO_THEMES + "\n")
    else:
        _show(themes, "text", out)
    out.write("\nStatistics:\n")
    _show(stats, "text", out)
    return 0


_NO_THEMES = (
    "No theme model is fitted yet; fit one on the Themes page (or with `speechtrack themes`) "
    "to compare theme shares."
)


def run_trend(args: argparse.Namespace, store: CorpusStore, out: TextIO) -> int:
    """Print how often terms are used per 10,000 words, by period."""
    flt = _filter(store, args.select)
    frame = term_trend(
        store.texts(flt), catalogue=store.catalogue(flt), terms=args.terms, period=args.period
    )
    _show(frame, args.format, out, csv_for=args.csv_for)
    return 0


def run_kwic(args: argparse.Namespace, store: CorpusStore, out: TextIO) -> int:
    """Print every use of a term with its context."""
    if args.width < 1:
        raise ModelError(f"--width {args.width} is too small; give at least 1 character.")
    flt = _filter(store, args.select)
    frame = concordance(
        store.texts(flt),
        catalogue=store.catalogue(flt),
        term=args.term,
        width=args.width,
        limit=args.limit,
    )
    _show(frame, args.format, out, max_width=max(args.width, 60), csv_for=args.csv_for)
    return 0


def run_stats(args: argparse.Namespace, store: CorpusStore, out: TextIO) -> int:
    """Print the text statistics of every selected speech."""
    flt = _filter(store, args.select)
    catalogue = store.catalogue(flt)
    stats = stored_speech_stats(store, list(catalogue["speech_id"]))
    frame = catalogue[["speech_id", "date", "speaker", "title"]].merge(stats, on="speech_id")
    _show(frame, args.format, out, csv_for=args.csv_for)
    return 0


def run_mentions(args: argparse.Namespace, store: CorpusStore, out: TextIO) -> int:
    """Print mentions of organisations or countries by period."""
    flt = _filter(store, args.select)
    texts = store.texts(flt)
    counted = (
        organisation_mentions(texts) if args.kind == "organisations" else country_mentions(texts)
    )
    frame = mentions_over_time(counted, catalogue=store.catalogue(flt), period=args.period)
    _show(frame[frame["n_mentions"] > 0], args.format, out, csv_for=args.csv_for)
    return 0

"""The `figures`, `series`, `figure-fix` and `series-edit` subcommands of `speechtrack`.

Example:
    speechtrack figures --speech d1204cba6dca --format csv
    speechtrack series --format json
    speechtrack figure-fix d1204cba6dca:5349:5354 --qualifier about
    speechtrack series-edit "UNESCO|count|our|ngo" --rename "Russian NGOs with UNESCO partner status"
"""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

import pandas as pd

from cli.output import add_format_options, write_frame
from corpus.records import SpeechFilter
from corpus.store import CorpusStore
from models.errors import ModelError
from models.figures import extract as quantities
from models.figures.extract import QUALIFIERS
from models.figures.format import readable_date, readable_value
from models.figures.series import series_frame, series_summary
from models.figures.store import (
    confirm_series,
    corpus_quantities,
    correct_quantity,
    dismiss_quantity,
    extraction_cuts,
    merge_series,
    rename_series,
    restore_quantity,
)
from models.selection import SELECTION_KEYS, resolve

__all__ = [
    "FIGURES_CLI_COLUMNS",
    "figures_table",
    "register",
    "run_figure_fix",
    "run_figures",
    "run_series",
    "run_series_edit",
]

FIGURES_CLI_COLUMNS = [
    "speech_id",
    "date",
    "date_precision",
    "value",
    "value_max",
    "unit",
    "vague",
    "kind",
    "qualifier",
    "counted",
    "scope",
    "organisation",
    "series",
    "sentence",
    "start",
    "end",
]
_SELECTION_HELP = (
    "a selection such as 'speaker:\"Sergey Lavrov\" year:2015-2018'; keys: "
    + ", ".join(SELECTION_KEYS)
)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the cited-figures subcommands to the `speechtrack` parser."""
    p = sub.add_parser(
        "figures", help="cited figures: value, qualifier, what is counted, organisation"
    )
    p.add_argument("--speech", metavar="ID", help="only this speech")
    p.add_argument("--select", metavar="SELECTION", help=_SELECTION_HELP)
    add_format_options(p)
    p.set_defaults(handler=run_figures)

    p = sub.add_parser("series", help="figures that measure the same thing, over time")
    p.add_argument("--select", metavar="SELECTION", help=_SELECTION_HELP)
    p.add_argument(
        "--points", action="store_true", help="one row per figure, with changes and disagreements"
    )
    add_format_options(p)
    p.set_defaults(handler=run_series)

    p = sub.add_parser(
        "figure-fix", help="correct or dismiss one cited figure (KEY is speech_id:start:end)"
    )
    p.add_argument(
        "key", metavar="KEY", help="the figure's key, SPEECH_ID:START:END as `figures` shows it"
    )
    p.add_argument("--value", type=float, help="the right value, e.g. 4000")
    p.add_argument("--unit", help="count, percent, or a currency such as USD")
    p.add_argument("--qualifier", choices=QUALIFIERS, help="how the speaker hedged the number")
    p.add_argument("--counted", help='what is counted, e.g. "NGOs"')
    p.add_argument("--scope", help='whose, e.g. "Russia" for "Russian NGOs"')
    p.add_argument("--organisation", help='the organisation it concerns, e.g. "ECOSOC"')
    p.add_argument("--series", metavar="SERIES_ID", help="move the figure to this series")
    p.add_argument("--dismiss", action="store_true", help="this is not a figure")
    p.add_argument("--restore", action="store_true", help="forget every correction of this figure")
    p.set_defaults(handler=run_figure_fix)

    p = sub.add_parser("series-edit", help="rename, confirm or merge a series of figures")
    p.add_argument("series", metavar="SERIES_ID", help="the series' key, as `series` shows it")
    p.add_argument("--rename", metavar="NAME", help="the name shown for the series")
    p.add_argument("--confirm", action="store_true", help="mark the series as checked by a person")
    p.add_argument("--unconfirm", action="store_true", help="take the check mark away")
    p.add_argument(
        "--merge-into",
        metavar="SERIES_ID",
        help="join this series to another that measures the same",
    )
    p.set_defaults(handler=run_series_edit)


def _filter(store: CorpusStore, args: argparse.Namespace) -> SpeechFilter:
    if getattr(args, "speech", None):
        store.get(args.speech)  # raises SpeechNotFoundError with a plain message
        return SpeechFilter(speech_ids=frozenset({args.speech}))
    return resolve(store, args.select) if args.select else SpeechFilter()


def figures_table(store: CorpusStore, flt: SpeechFilter) -> pd.DataFrame:
    """The cited figures of a selection, one row each, with columns `FIGURES_CLI_COLUMNS`."""
    figures = corpus_quantities(store, flt)
    precision = store.catalogue().set_index("speech_id")["date_precision"]
    shown = figures.drop(columns=["series"]).rename(
        columns={"series_name": "series", "value_high": "value_max", "is_vague": "vague"}
    )
    shown["date_precision"] = shown["speech_id"].map(precision).fillna("day")
    return shown[FIGURES_CLI_COLUMNS]


def run_figures(args: argparse.Namespace, store: CorpusStore, out: TextIO) -> int:
    """Print the cited figures of the selection, one row each; `series` is the series name."""
    shown = figures_table(store, _filter(store, args))
    if args.format == "text":  # as people read them; CSV and JSON keep exact numbers and ISO dates
        shown = shown.assign(
            date=[
                readable_date(d, p)
                for d, p in zip(shown["date"], shown["date_precision"], strict=True)
            ],
            value=[
                readable_value(v, u, vague=bool(g), value_max=m)
                for v, u, g, m in zip(
                    shown["value"], shown["unit"], shown["vague"], shown["value_max"], strict=True
                )
            ],
        ).drop(columns=["date_precision", "value_max", "unit", "vague"])
    write_frame(shown, args.format, out, csv_for=args.csv_for)
    selected = set(store.catalogue(_filter(store, args))["speech_id"])
    cut = sorted(set(extraction_cuts(store)) & selected)
    if cut:
        print(
            f"Reading the figures of {len(cut)} speech(es) stopped after "
            f"{quantities.SECONDS_PER_SPEECH:g} "
            f"seconds each; only their figures before that point are listed: {', '.join(cut)}.",
            file=sys.stderr,
        )
    return 0


def run_series(args: argparse.Namespace, store: CorpusStore, out: TextIO) -> int:
    """Print each series in one row (or each of its figures with --points)."""
    points = series_frame(corpus_quantities(store, _filter(store, args)))
    write_frame(
        points if args.points else series_summary(points), args.format, out, csv_for=args.csv_for
    )
    return 0


def run_figure_fix(args: argparse.Namespace, store: CorpusStore, out: TextIO) -> int:
    """Store a correction of one figure; it survives re-extraction."""
    if args.key.count(":") != 2:
        raise ModelError(
            f'Figure key "{args.key}" is not speech_id:start:end; copy it from `speechtrack figures`.'
        )
    if args.restore:
        restore_quantity(store, args.key)
        out.write(f"restored {args.key}\n")
        return 0
    if args.dismiss:
        dismiss_quantity(store, args.key)
        out.write(f"dismissed {args.key}\n")
        return 0
    correct_quantity(
        store,
        args.key,
        value=args.value,
        unit=args.unit,
        qualifier=args.qualifier,
        counted=args.counted,
        scope=args.scope,
        organisation=args.organisation,
        series=args.series,
    )
    out.write(f"corrected {args.key}\n")
    return 0


def run_series_edit(args: argparse.Namespace, store: CorpusStore, out: TextIO) -> int:
    """Rename, confirm or merge one series."""
    if not (args.rename or args.confirm or args.unconfirm or args.merge_into):
        raise ModelError(
            f"Nothing to change in series {args.series}; give --rename, --confirm or --merge-into."
        )
    if args.rename:
        rename_series(store, args.series, args.rename)
    if args.confirm or args.unconfirm:
        confirm_series(store, args.series, confirmed=args.confirm)
    if args.merge_into:
        merge_series(store, [args.series], into=args.merge_into)
    out.write(f"edited series {args.series}\n")
    return 0

"""The `themes` and `label` subcommands of `speechtrack`.

Example:
    speechtrack themes --format json
    speechtrack themes --topics 8 --refit
    speechtrack label 2 "Eurasian integration"
"""

from __future__ import annotations

import argparse
from typing import TextIO

from corpus.store import CorpusStore
from models.cli_output import FORMATS, frame_records, write_frame, write_json

__all__ = ["register", "run_label", "run_themes"]


def _positive(value: str) -> int:
    number = int(value)
    if number < 2:
        raise argparse.ArgumentTypeError(f"the number of themes must be at least 2, not {number}")
    return number


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the theme subcommands to the `speechtrack` parser."""
    p = sub.add_parser(
        "themes",
        help="the themes of the corpus and each speech's theme mix",
        description=(
            "Show the themes (numbered from 0; the numbers stay with a theme across refits). "
            "Text and CSV show the themes; JSON also gives every speech's mix."
        ),
    )
    p.add_argument(
        "--topics",
        type=_positive,
        metavar="K",
        help="number of themes (default: chosen from the data at the first fit, then kept)",
    )
    p.add_argument("--refit", action="store_true", help="refit the themes on the whole corpus now")
    p.add_argument("--format", choices=FORMATS, default="text")
    p.set_defaults(handler=run_themes)

    p = sub.add_parser("label", help="name a theme (an empty label restores its top terms)")
    p.add_argument("theme", type=int, metavar="THEME", help="the theme number")
    p.add_argument("label", metavar="LABEL", help='the new label, e.g. "Eurasian integration"')
    p.set_defaults(handler=run_label)


def run_themes(args: argparse.Namespace, store: CorpusStore, out: TextIO) -> int:
    """Print the themes (and, in JSON, every speech's mix)."""
    from models.topic_store import current_themes  # scikit-learn: a slow import every command paid

    state = current_themes(store, n_topics=args.topics, refit=args.refit)
    themes = state.themes()
    if args.format == "json":
        terms = state.top_terms(n=10).groupby("theme")["term"].agg(list)
        write_json(
            {
                "themes": [
                    {"theme": int(row.theme), "label": row.label, "terms": terms.get(row.theme, [])}
                    for row in themes.itertuples(index=False)
                ],
                "mix": frame_records(state.mix_long()),
                "n_changed": state.n_changed if state.fitted_now else None,
            },
            out,
        )
        return 0
    write_frame(themes, args.format, out, max_width=90)
    if args.format == "text" and state.fitted_now and state.n_changed is not None:
        out.write(f"Refitted: {state.n_changed} of {len(themes)} themes changed meaning.\n")
        for theme, label in sorted(state.dropped_labels.items()):
            out.write(f'Theme {theme} changed, so its label "{label}" was removed.\n')
    return 0


def run_label(args: argparse.Namespace, store: CorpusStore, out: TextIO) -> int:
    """Store a user's label for a theme."""
    from models.topic_store import set_label

    set_label(store, args.theme, args.label)
    if args.label.strip():
        out.write(f'Theme {args.theme} is now labelled "{args.label.strip()}".\n')
    else:
        out.write(f"Theme {args.theme} is labelled by its top terms again.\n")
    return 0

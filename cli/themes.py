"""The `themes` and `label` subcommands of `speechtrack`.

Example:
    speechtrack themes --format json
    speechtrack themes --topics 8 --refit
    speechtrack label 2 "Eurasian integration"
"""

from __future__ import annotations

import argparse
from typing import TextIO

from cli.output import add_format_options, frame_records, write_frame, write_json
from corpus.store import CorpusStore

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
            "Show the themes (numbered from 0; the numbers stay with a theme that keeps its "
            "meaning across refits). Text and CSV show the themes; JSON also gives every "
            "speech's mix (with its date and speaker), the coherence and stability of each "
            "number of themes tried, the terms kept out as boilerplate or stop terms, and after "
            "a refit what changed. Themes are refitted on their own once the corpus grows by a "
            "quarter; every refit says which themes were kept, changed, split, merged, new or "
            "gone, and the model it replaced can be restored."
        ),
        epilog=(
            "examples:\n  speechtrack themes --format json\n  speechtrack themes --topics 20 "
            "--refit\n  speechtrack themes --stop 'kofi annan' --stop session --refit\n"
            "  speechtrack themes --restore"
        ),
    )
    p.add_argument(
        "--topics",
        type=_positive,
        metavar="K",
        help="number of themes (default: chosen from the data at the first fit, then kept)",
    )
    p.add_argument("--refit", action="store_true", help="refit the themes on the whole corpus now")
    p.add_argument(
        "--stop",
        action="append",
        default=[],
        metavar="TERM",
        help="keep a word or phrase (and every phrase holding it) out of the themes from the "
        "next fit on; repeat for several; add --refit to apply it now",
    )
    p.add_argument(
        "--unstop",
        action="append",
        default=[],
        metavar="TERM",
        help="let a stop term back into the themes from the next fit on",
    )
    p.add_argument(
        "--restore",
        nargs="?",
        const="",
        metavar="FIT_ID",
        help="make an earlier theme model current again (the latest one when no id is given; "
        "ids are listed under earlier_fits in JSON)",
    )
    add_format_options(p)
    p.set_defaults(handler=run_themes)

    p = sub.add_parser("label", help="name a theme (an empty label restores its top terms)")
    p.add_argument("theme", type=int, metavar="THEME", help="the theme number")
    p.add_argument("label", metavar="LABEL", help='the new label, e.g. "Eurasian integration"')
    p.set_defaults(handler=run_label)


def run_themes(args: argparse.Namespace, store: CorpusStore, out: TextIO) -> int:
    """Print the themes (and, in JSON, every speech's mix, the quality per k and the changes)."""
    # scikit-learn: a slow import every command paid
    from corpus.records import SpeechFilter
    from models.themes.store import (
        add_stop_terms,
        current_themes,
        earlier_fits,
        left_out_speeches,
        remove_stop_terms,
        restore_fit,
        stop_terms,
    )

    notes = []
    added = add_stop_terms(store, args.stop) if args.stop else []
    removed = remove_stop_terms(store, args.unstop) if args.unstop else []
    if added:
        notes.append(f"Stop terms added: {', '.join(added)} (applied at the next fit).")
    if removed:
        notes.append(f"Stop terms removed: {', '.join(removed)} (applied at the next fit).")
    if args.restore is not None:
        state = restore_fit(store, args.restore or None)
        notes.append(f"Restored the theme model fitted {state.fitted_at or 'earlier'}.")
    else:
        state = current_themes(store, n_topics=args.topics, refit=args.refit)
    themes = state.themes()
    refitted = state.fitted_now and args.restore is None and state.n_changed is not None
    if args.format == "json":
        terms = state.top_terms(n=10).groupby("theme")["term"].agg(list)
        listed = store.catalogue(SpeechFilter())
        catalogue = listed[["speech_id", "date_iso", "speaker"]]
        mix = state.mix_long().merge(catalogue, on="speech_id", how="left")
        mix = mix.rename(columns={"date_iso": "date"})[
            ["speech_id", "date", "speaker", "theme", "share"]
        ]
        write_json(
            {
                "themes": [
                    {"theme": int(row.theme), "label": row.label, "terms": terms.get(row.theme, [])}
                    for row in themes.itertuples(index=False)
                ],
                "mix": frame_records(mix),
                "quality": [
                    {k: (int(v) if k == "k" else round(float(v), 4)) for k, v in row.items()}
                    for row in state.quality
                ],
                "chosen_k": len(state.theme_ids),
                "boilerplate": [{"term": t, "reason": r} for t, r in state.boilerplate.items()],
                "stop_terms": stop_terms(store),
                # the language the themes were fitted on, and the speeches in others left out
                "language": state.language,
                "left_out": frame_records(left_out_speeches(state, listed)),
                "fitted_at": state.fitted_at,
                "fit_reason": state.fit_reason,
                # what the refit that made the current model changed (None after a first fit)
                "n_changed": state.n_changed,
                "changes": frame_records(state.changes) if state.n_changed is not None else None,
                "refitted_now": refitted,
                "earlier_fits": [
                    {k: v for k, v in e.items() if k != "slot"} for e in earlier_fits(store)
                ],
                "notes": notes,
            },
            out,
        )
        return 0
    for note in notes:
        out.write(note + "\n")
    write_frame(themes, args.format, out, csv_for=args.csv_for, max_width=90)
    if args.format == "text":
        left_out = left_out_speeches(state, store.catalogue(SpeechFilter()))
        if not left_out.empty:
            counts = left_out["language"].value_counts().sort_index()
            out.write(
                f"Themes fitted on the speeches in {state.language!r}; left out: "
                + ", ".join(f"{n} in {code!r}" for code, n in counts.items())
                + " (words of two languages share no theme; --format json lists them).\n"
            )
    if args.format == "text" and refitted:
        counts = state.changes["status"].value_counts()
        summary = ", ".join(f"{n} {status}" for status, n in counts.items())
        out.write(f"Refitted ({state.fit_reason}): {summary}.\n")
        shown = state.changes[state.changes["status"] != "kept"]
        if not shown.empty:
            write_frame(
                shown[["theme", "status", "related", "label_before", "label_after"]],
                "text",
                out,
                max_width=40,
            )
        for theme, label in sorted(state.dropped_labels.items()):
            out.write(
                f'Theme {theme} did not keep its meaning, so its label "{label}" was removed.\n'
            )
        out.write("`speechtrack themes --restore` brings back the model this refit replaced.\n")
    return 0


def run_label(args: argparse.Namespace, store: CorpusStore, out: TextIO) -> int:
    """Store a user's label for a theme."""
    from models.themes.store import set_label

    set_label(store, args.theme, args.label)
    if args.label.strip():
        out.write(f'Theme {args.theme} is now labelled "{args.label.strip()}".\n')
    else:
        out.write(f"Theme {args.theme} is labelled by its top terms again.\n")
    return 0

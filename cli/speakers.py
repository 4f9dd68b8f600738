"""The `speakers` subcommand of `speechtrack`: speakers as shown, likely variants, merges.

Example:
    speechtrack speakers                      # each speaker with counts; likely variants
    speechtrack speakers --merge "Sergey Lavrov" "Sergei Lavrov" "S. Lavrov"
    speechtrack speakers --unmerge "Sergei Lavrov"
"""

from __future__ import annotations

import argparse
import shlex
from typing import TextIO

import pandas as pd

from cli.output import add_format_options, frame_records, write_frame, write_json
from corpus.metadata.speakers import likely_variants
from corpus.store import CorpusStore

__all__ = ["register", "run_speakers", "speaker_table"]


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `speakers` subcommand to the `speechtrack` parser."""
    p = sub.add_parser(
        "speakers",
        help="the speakers with their counts and likely variants; merge variants of one person",
        description=(
            "List the speakers as shown everywhere (honorifics dropped, names in capitals "
            "recased: 'Mr. KOZYREV' is Kozyrev), with their speeches, words, first and last "
            "dates and the spellings stored, and suggest names that are likely one person. "
            "--merge shows the speeches of the variants under the first name, on every page, "
            "filter, comparison and table, and is stored in the database; the stored speakers "
            "are not changed, and --unmerge undoes it."
        ),
        epilog=(
            'examples:\n  speechtrack speakers\n  speechtrack speakers --merge "Sergey Lavrov" '
            '"Sergei Lavrov" "S. Lavrov"\n  speechtrack speakers --unmerge "Sergei Lavrov"'
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    action = p.add_mutually_exclusive_group()
    action.add_argument(
        "--merge",
        nargs="+",
        metavar="NAME",
        help="the speaker to keep, then the other names of the same person",
    )
    action.add_argument(
        "--unmerge", nargs="+", metavar="NAME", help="show these names as themselves again"
    )
    add_format_options(p)
    p.set_defaults(handler=run_speakers)


def speaker_table(catalogue: pd.DataFrame) -> pd.DataFrame:
    """Return one row per speaker as shown: speaker, n_speeches, n_words, first, last (ISO
    dates as precise as known) and written_as (the stored spellings, joined by " | ")."""
    if catalogue.empty:
        columns = ["speaker", "n_speeches", "n_words", "first", "last", "written_as"]
        return pd.DataFrame(columns=columns)
    ordered = catalogue[catalogue["speaker"] != ""].sort_values(
        ["date", "speech_id"], kind="mergesort"
    )
    table = ordered.groupby("speaker", as_index=False).agg(
        n_speeches=("speech_id", "size"),
        n_words=("n_words", "sum"),
        first=("date_iso", "first"),
        last=("date_iso", "last"),
        written_as=("speaker_as_written", lambda names: " | ".join(sorted(set(names)))),
    )
    return table.sort_values(
        ["n_speeches", "speaker"], ascending=[False, True], kind="mergesort"
    ).reset_index(drop=True)


def run_speakers(args: argparse.Namespace, store: CorpusStore, out: TextIO) -> int:
    """List the speakers and likely variants, or merge or unmerge names."""
    if args.merge:
        speaker, *variants = args.merge
        merge = store.merge_speakers(speaker, variants)
        shown = store.catalogue()["speaker"]
        n_speeches = int((shown == merge.speaker).sum())
        if args.format == "json":
            write_json(
                {
                    "speaker": merge.speaker,
                    "merged": list(merge.variants),
                    "n_speeches": n_speeches,
                },
                out,
            )
        else:
            out.write(
                f"{merge.speaker} now stands for {', '.join(merge.variants)} "
                f"({n_speeches} speeches).\n"
            )
        if not n_speeches:
            out.write(f"note: no stored speech has the speaker {merge.speaker!r} yet.\n")
        return 0
    if args.unmerge:
        undone = store.unmerge_speakers(args.unmerge)
        if args.format == "json":
            write_json({"unmerged": undone}, out)
        else:
            out.write(
                f"{len(undone)} name(s) shown as themselves again.\n"
                if undone
                else "None of these names was merged into another speaker.\n"
            )
        return 0
    table = speaker_table(store.catalogue())
    suggestions = likely_variants(table["speaker"].tolist())
    merged = store.speaker_merges()
    if args.format == "json":
        write_json(
            {
                "speakers": frame_records(table),
                "likely_variants": suggestions,
                "merged": [{"name": name, "speaker": speaker} for name, speaker in merged],
            },
            out,
        )
        return 0
    write_frame(table, args.format, out, csv_for=args.csv_for)
    if args.format == "text" and merged:
        out.write("\nMerged names (undo with --unmerge NAME):\n")
        for name, speaker in merged:
            out.write(f"  {name} -> {speaker}\n")
    if args.format == "text" and suggestions:
        out.write("\nLikely the same speaker (merge with the command shown):\n")
        for group in suggestions:
            names = " ".join(shlex.quote(name) for name in group)
            out.write(f"  speechtrack speakers --merge {names}\n")
    return 0

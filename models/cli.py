"""The `speechtrack` command line: the scriptable face of the corpus and the analyses.

Example:
    speechtrack add speeches/ --place Moscow --format json
    speechtrack list --format csv > corpus.csv
    speechtrack show 3f2a9c1b0d4e
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from corpus.access import hash_password
from corpus.backup import export_corpus, import_corpus
from corpus.errors import CorpusError, MetadataError
from corpus.importer import FileReport, import_paths, import_table
from corpus.metadata import parse_date
from corpus.records import SpeechFields
from corpus.settings import Settings
from corpus.store import CorpusStore
from corpus.tables import read_table
from models.cli_output import FORMATS, write_frame, write_json
from models.errors import ModelError

EXTENSIONS: tuple[str, ...] = (
    "models.cli_themes",
    "models.cli_compare",
    "models.cli_figures",
)  # modules that add subcommands

LIST_COLUMNS = [
    "speech_id",
    "title",
    "speaker",
    "role",
    "country",
    "place",
    "date",
    "date_precision",
    "n_words",
    "source",
    "language",
]


def _overrides(args: argparse.Namespace) -> SpeechFields:
    delivered = None
    if args.date:
        try:
            delivered = parse_date(args.date)
        except MetadataError as err:
            raise MetadataError("--date", err.reason) from err
    return SpeechFields(
        title=args.title or "",
        speaker=args.speaker or "",
        role=args.role or "",
        country=args.country or "",
        place=args.place or "",
        delivered=delivered,
        source=args.source or "",
    )


def _add_metadata_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("metadata (wins over what the files say)")
    group.add_argument("--title")
    group.add_argument("--speaker")
    group.add_argument("--role")
    group.add_argument("--country", help="whom the speaker speaks for")
    group.add_argument("--place")
    group.add_argument("--date", help="YYYY-MM-DD, YYYY-MM or YYYY")
    group.add_argument("--source", help="where the transcript comes from (a URL or a citation)")


def _print_reports(reports: list[FileReport], fmt: str, out: TextIO) -> int:
    if fmt == "json":
        write_json([r.as_dict() for r in reports], out)
    else:
        for r in reports:
            line = f"{r.status:<9} {r.file}"
            if r.speech_id:
                line += f"  [{r.speech_id}]"
            if r.reason:
                line += f"  {r.reason}"
            out.write(line + "\n")
            for warning in r.warnings:
                out.write(f"          warning: {warning}\n")
        counts = {
            s: sum(r.status == s for r in reports) for s in ("added", "duplicate", "rejected")
        }
        out.write(
            f"{counts['added']} added, {counts['duplicate']} duplicate, {counts['rejected']} rejected\n"
        )
    return 1 if any(r.status == "rejected" for r in reports) else 0


def run_add(args: argparse.Namespace, store: CorpusStore, out: TextIO) -> int:
    """Add files, folders (recursively) and archives."""
    reports = import_paths(store, [Path(p) for p in args.paths], overrides=_overrides(args))
    if not reports:
        raise CorpusError(
            "No files found under the paths given; name transcripts or folders that hold them."
        )
    return _print_reports(reports, args.format, out)


def _parse_mapping(pairs: Sequence[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for pair in pairs:
        column, sep, field = pair.partition("=")
        if not sep or not column or not field:
            raise CorpusError(
                f"--map {pair!r} is not COLUMN=FIELD; write for example --map body=text."
            )
        mapping[column] = field
    return mapping


def run_import_table(args: argparse.Namespace, store: CorpusStore, out: TextIO) -> int:
    """Import a table of speeches, one per row."""
    path = Path(args.file)
    if not path.is_file():
        raise CorpusError(f"{path}: no such file; check the path.")
    reading = read_table(path.name, path, mapping=_parse_mapping(args.map))
    for warning in reading.warnings:
        print(f"speechtrack: warning: {warning}", file=sys.stderr)
    progress = None
    bar = None
    if sys.stderr.isatty() and not args.quiet:
        from tqdm import tqdm

        bar = tqdm(total=reading.n_rows, unit=" speeches", desc=path.name, file=sys.stderr)
        progress = bar.update
    try:
        reports = import_table(store, reading, overrides=_overrides(args), progress=progress)
    finally:
        if bar is not None:
            bar.close()
    return _print_reports(reports, args.format, out)


def run_list(args: argparse.Namespace, store: CorpusStore, out: TextIO) -> int:
    """List the speeches, one row each."""
    frame = store.catalogue()
    frame = frame.assign(date=frame["date_iso"])[LIST_COLUMNS]
    write_frame(frame, args.format, out)
    return 0


def run_show(args: argparse.Namespace, store: CorpusStore, out: TextIO) -> int:
    """Show one speech with its metadata and full text."""
    speech = store.get(args.speech_id)
    record: dict[str, object] = {
        "speech_id": speech.speech_id,
        "title": speech.title,
        "speaker": speech.speaker,
        "role": speech.role,
        "country": speech.country,
        "place": speech.place,
        "date": speech.date_iso,
        "date_precision": speech.date_precision,
        "n_words": speech.n_words,
        "source": speech.source,
        "category": speech.category,
        "posted_by": speech.posted_by,
        "language": speech.language,
        "text": speech.text,
    }
    if args.format == "json":
        write_json(record, out)
        return 0
    for key, value in record.items():
        if key != "text" and value not in ("", None):
            out.write(f"{key + ':':<16}{value}\n")
    out.write("\n" + speech.text + "\n")
    return 0


def run_remove(args: argparse.Namespace, store: CorpusStore, out: TextIO) -> int:
    """Remove one speech."""
    speech = store.get(args.speech_id)
    store.remove(args.speech_id)
    out.write(f"removed {speech.speech_id}  {speech.title}\n")
    return 0


def run_search(args: argparse.Namespace, store: CorpusStore, out: TextIO) -> int:
    """Full-text search with a snippet per hit."""
    import pandas as pd

    hits = store.search(args.query, limit=args.limit)
    frame = pd.DataFrame(
        [
            {
                "speech_id": h.speech_id,
                "date": h.date_iso,
                "speaker": h.speaker,
                "title": h.title,
                "snippet": h.snippet,
                "rank": round(h.rank, 4),
            }  # fmt: skip
            for h in hits
        ],
        columns=["speech_id", "date", "speaker", "title", "snippet", "rank"],
    )
    write_frame(frame, args.format, out, max_width=90)
    return 0


def run_export_corpus(args: argparse.Namespace, store: CorpusStore, out: TextIO) -> int:
    """Write the whole corpus to a backup file."""
    counts = export_corpus(store, Path(args.file))
    out.write(
        f"wrote {counts.speeches} speeches, {counts.annotations} annotations and "
        f"{counts.artifacts} artifacts to {args.file}\n"
    )
    return 0


def run_import_corpus(args: argparse.Namespace, store: CorpusStore, out: TextIO) -> int:
    """Restore a backup file."""
    from models.topic_store import accept_backup_artifact

    counts = import_corpus(store, Path(args.file), artifact_check=accept_backup_artifact)
    out.write(
        f"restored {counts.speeches} speeches ({counts.duplicates} already present), "
        f"{counts.annotations} annotations and {counts.artifacts} artifacts from {args.file}; "
        f"{counts.skipped} derived artifacts left out, to be made again from the speeches\n"
    )
    return 0


def run_hash_password(args: argparse.Namespace, store: CorpusStore | None, out: TextIO) -> int:
    """Print the setting value for an editor password read from the terminal or standard input."""
    import getpass

    if sys.stdin.isatty():
        password = getpass.getpass("Editor password: ")
        if getpass.getpass("Again: ") != password:
            raise CorpusError("The two passwords differ; run the command again.")
    else:
        password = sys.stdin.readline().rstrip("\n")
    out.write(hash_password(password) + "\n")
    return 0


def _installed_version() -> str:
    """The version of the installed speech-tracker package (as pip reports it)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("speech-tracker")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "(not installed)"


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of every subcommand."""
    parser = argparse.ArgumentParser(
        prog="speechtrack",
        description="Track what speakers say across a growing corpus of speeches.",
    )
    parser.add_argument(
        "--db",
        help="database: a file path or an SQLAlchemy URL (default: $SPEECHTRACK_DB, "
        "else ~/.local/share/speechtrack/corpus.sqlite)",
    )
    parser.add_argument("--verbose", action="store_true", help="log what happens")
    parser.add_argument(
        "--version", action="version", version=f"speechtrack {_installed_version()}"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("add", help="add transcripts: files, folders (recursively) and archives")
    p.add_argument("paths", nargs="+", metavar="PATH")
    _add_metadata_options(p)
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(handler=run_add)

    p = sub.add_parser(
        "import-table", help="import a table of speeches (CSV, JSONL, Parquet, XLSX)"
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("--map", action="append", default=[], metavar="COLUMN=FIELD",
                   help="map a column to a field: text, title, speaker, role, country, place, "
                   "date, year, source, category, language")  # fmt: skip
    _add_metadata_options(p)
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=run_import_table)

    p = sub.add_parser("list", help="list the speeches")
    p.add_argument("--format", choices=FORMATS, default="text")
    p.set_defaults(handler=run_list)

    p = sub.add_parser("show", help="show one speech with its metadata and text")
    p.add_argument("speech_id", metavar="SPEECH_ID")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(handler=run_show)

    p = sub.add_parser("remove", help="remove one speech")
    p.add_argument("speech_id", metavar="SPEECH_ID")
    p.set_defaults(handler=run_remove)

    p = sub.add_parser("search", help='full-text search; every word must occur, "quote" phrases')
    p.add_argument("query", metavar="QUERY")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--format", choices=FORMATS, default="text")
    p.set_defaults(handler=run_search)

    p = sub.add_parser("export-corpus", help="back up the whole corpus with labels and corrections")
    p.add_argument("file", metavar="FILE", help="the backup to write (.jsonl.gz)")
    p.set_defaults(handler=run_export_corpus)

    p = sub.add_parser("import-corpus", help="restore a backup written by export-corpus")
    p.add_argument("file", metavar="FILE")
    p.set_defaults(handler=run_import_corpus, new_store_seed=False)

    p = sub.add_parser(
        "hash-password",
        help="print the SPEECHTRACK_EDITOR_PASSWORD_HASH value for an editor password",
    )
    p.set_defaults(handler=run_hash_password, needs_store=False)

    for module_name in EXTENSIONS:
        module = __import__(module_name, fromlist=["register"])
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 success, 1 a refused input, 2 bad usage)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING, format="%(levelname)s %(message)s"
    )
    try:
        if not getattr(args, "needs_store", True):
            return int(args.handler(args, None, sys.stdout))
        settings = Settings.from_env(os.environ, db=args.db)
        # restoring a backup into a new database must not add the seed the backup may lack
        store = CorpusStore(settings.database_url, seed=getattr(args, "new_store_seed", True))
        try:
            code: int = args.handler(args, store, sys.stdout)
        finally:
            store.dispose()
        return code
    except (CorpusError, ModelError) as err:
        print(f"speechtrack: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("speechtrack: interrupted; every speech stored so far is complete.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as err:  # the last line of defence: a plain sentence, never a traceback
        logging.getLogger("speechtrack").debug("unexpected error", exc_info=True)
        print(
            f"speechtrack: an unexpected {type(err).__name__} stopped the command; nothing "
            "half-written was stored. Run again with --verbose to see the details and report them.",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())

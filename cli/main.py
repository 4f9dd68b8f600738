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
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TextIO

from cli.output import add_format_options, write_frame, write_json
from corpus.access import hash_password
from corpus.backup import export_corpus, import_corpus
from corpus.errors import CorpusError, MetadataError
from corpus.importer import FileReport, import_table, import_upload, iter_import_paths
from corpus.limits import DEFAULT_LIMITS
from corpus.metadata.dates import parse_date
from corpus.readers.tables import read_table
from corpus.records import SpeechFields
from corpus.settings import Settings
from corpus.store import CorpusStore
from models.errors import ModelError

EXTENSIONS: tuple[str, ...] = (
    "cli.themes",
    "cli.compare",
    "cli.figures",
    "cli.speakers",
    "cli.dashboard",
    "cli.export",
)  # modules that add subcommands

LIST_COLUMNS = [
    "speech_id",
    "title",
    "speaker",
    "role",
    "country",
    "country_code",
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
    group.add_argument("--title", help="the speech's title")
    group.add_argument("--speaker", help='who gave it, e.g. "Sergey Lavrov"')
    group.add_argument("--role", help='the speaker\'s office, e.g. "Foreign Minister"')
    group.add_argument("--country", help="whom the speaker speaks for")
    group.add_argument("--place", help="where it was given")
    group.add_argument("--date", help="YYYY-MM-DD, YYYY-MM or YYYY")
    group.add_argument("--source", help="where the transcript comes from (a URL or a citation)")


def _report_line(r: FileReport) -> str:
    line = f"{r.status:<9} {r.file}"
    if r.speech_id:
        line += f"  [{r.speech_id}]"
    if r.reason:
        line += f"  {r.reason}"
    return line + "".join(f"\n          warning: {warning}" for warning in r.warnings) + "\n"


def _print_reports(reports: Iterable[FileReport], fmt: str, out: TextIO) -> int:
    """Print the reports (as text, each as soon as it comes; or one JSON array at the end)."""
    if fmt == "json":
        listed = list(reports)
        write_json([r.as_dict() for r in listed], out)
    else:
        listed = []
        for r in reports:
            listed.append(r)
            out.write(_report_line(r))
            out.flush()  # a long folder shows its files one by one, not all at the end
        counts = {s: sum(r.status == s for r in listed) for s in ("added", "duplicate", "rejected")}
        out.write(
            f"{counts['added']} added, {counts['duplicate']} duplicate, {counts['rejected']} rejected\n"
        )
    if not listed:
        raise CorpusError(
            "No files found under the paths given; name transcripts or folders that hold them."
        )
    return 1 if any(r.status == "rejected" for r in listed) else 0


STDIN_NAME = "standard input"


def _from_stdin(store: CorpusStore, overrides: SpeechFields) -> Iterator[FileReport]:
    """Read one transcript from standard input (`speechtrack add -`), as a file is read."""
    limit = DEFAULT_LIMITS.max_file_bytes
    data = sys.stdin.buffer.read(limit + 1)
    if len(data) > limit:
        raise CorpusError(
            f"standard input holds more than the {limit / 1e6:.0f} MB a transcript may have; "
            "split it or import it as a table of speeches."
        )
    yield from import_upload(store, STDIN_NAME, data, overrides=overrides)


def run_add(args: argparse.Namespace, store: CorpusStore, out: TextIO) -> int:
    """Add files, folders (recursively) and archives, or one transcript from standard input."""
    overrides = _overrides(args)
    if args.paths == ["-"]:
        return _print_reports(_from_stdin(store, overrides), args.format, out)
    if "-" in args.paths:
        raise CorpusError("'-' (standard input) cannot be mixed with files; add it on its own.")
    reports = iter_import_paths(store, [Path(p) for p in args.paths], overrides=overrides)
    return _print_reports(reports, args.format, out)


def run_add_example(args: argparse.Namespace, store: CorpusStore, out: TextIO) -> int:
    """Add the example corpus that ships with the package, or remove it."""
    from corpus.example import EXAMPLE_DESCRIPTION, load_example, remove_example

    if args.remove:
        removed = remove_example(store)
        out.write(
            f"removed {removed} example speeches\n" if removed else "no example speech is stored\n"
        )
        return 0
    reports = load_example(store)
    added = sum(r.status == "added" for r in reports)
    out.write(
        f"added {added} example speeches ({len(reports) - added} already stored): "
        f'{EXAMPLE_DESCRIPTION}.\nTheir source starts with "Example corpus:"; '
        "`speechtrack add-example --remove` removes them.\n"
    )
    return 0


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
    write_frame(frame, args.format, out, csv_for=args.csv_for)
    return 0


def run_show(args: argparse.Namespace, store: CorpusStore, out: TextIO) -> int:
    """Show one speech with its metadata and full text."""
    speech = store.get(args.speech_id)
    record: dict[str, object] = {
        "speech_id": speech.speech_id,
        "title": speech.title,
        "speaker": store.speaker_names().shown(speech.speaker),
        "speaker_as_written": speech.speaker,
        "role": speech.role,
        "country": speech.country,
        "country_code": speech.country_code,
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
    names = store.speaker_names()
    frame = pd.DataFrame(
        [
            {
                "speech_id": h.speech_id,
                "date": h.date_iso,
                "speaker": names.shown(h.speaker),
                "title": h.title,
                "snippet": h.snippet,
                "rank": round(h.rank, 4),
            }  # fmt: skip
            for h in hits
        ],
        columns=["speech_id", "date", "speaker", "title", "snippet", "rank"],
    )
    write_frame(frame, args.format, out, csv_for=args.csv_for, max_width=90)
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
    from models.themes.store import accept_backup_artifact

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


_REPORT_HELP = "text: a line per file as it is stored; json: one array of reports at the end"
_ID_HELP = "the speech's id, as `speechtrack list` shows it"

EXAMPLES: dict[str, str] = {
    "add": "speechtrack add speeches/ --place Moscow\n"
    "  curl -s https://example.org/speech.txt | speechtrack add - --date 2018-06-15",
    "import-table": "speechtrack import-table ungdc.jsonl.gz --map iso3=country",
    "add-example": "speechtrack add-example          # and later: speechtrack add-example --remove",
    "list": "speechtrack list --format csv --csv-for data > speeches.csv",
    "show": "speechtrack show d1204cba6dca --format json",
    "remove": "speechtrack remove d1204cba6dca",
    "search": "speechtrack search '\"consultative status\" ECOSOC' --limit 5",
    "export-corpus": "speechtrack export-corpus backup.jsonl.gz",
    "import-corpus": "speechtrack --db new.sqlite import-corpus backup.jsonl.gz",
    "hash-password": "speechtrack hash-password   # set SPEECHTRACK_EDITOR_PASSWORD_HASH to its output",
    "themes": "speechtrack themes --topics 12 --refit --format json",
    "label": 'speechtrack label 2 "Eurasian integration"',
    "compare": "speechtrack compare 'year:2000-2009' 'year:2010-2019' --bigrams",
    "trend": 'speechtrack trend sanctions "rule of law" --period year --format csv',
    "kwic": "speechtrack kwic ECOSOC --width 60",
    "stats": "speechtrack stats --select 'speaker:\"Sergey Lavrov\"' --format json",
    "mentions": "speechtrack mentions --kind countries --period year",
    "figures": "speechtrack figures --speech d1204cba6dca --format csv",
    "series": "speechtrack series --points --format json",
    "figure-fix": "speechtrack figure-fix d1204cba6dca:5349:5354 --qualifier about",
    "series-edit": 'speechtrack series-edit "ECOSOC|count|Russia|ngo" --rename "Russian NGOs at ECOSOC"',
    "dashboard": "speechtrack dashboard --port 8502 --db team.sqlite\n"
    "  speechtrack dashboard --headless --address 0.0.0.0   # a server for colleagues",
    "export": "speechtrack export figures.csv --table figures --select 'year:2015-2020'",
}
"""One example per subcommand, shown at the end of its --help."""


class _HelpFormatter(argparse.HelpFormatter):
    """Wraps descriptions to the terminal; keeps examples (text with line breaks) as written."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if "\n" in text:
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


def _explain(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Give every subcommand a description (from its one-line help) and its example."""
    helps = {action.dest: action.help for action in sub._choices_actions}
    for name, parser in sub.choices.items():
        if not parser.description:
            text = str(helps.get(name) or "")
            parser.description = text[:1].upper() + text[1:] + "."
        if name in EXAMPLES and not parser.epilog:
            parser.epilog = "example:\n  " + EXAMPLES[name]
        parser.formatter_class = _HelpFormatter


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
    p.add_argument(
        "paths", nargs="+", metavar="PATH", help="files, folders, archives; - for standard input"
    )
    _add_metadata_options(p)
    p.add_argument("--format", choices=("text", "json"), default="text", help=_REPORT_HELP)
    p.set_defaults(handler=run_add)

    p = sub.add_parser(
        "add-example",
        help="add the example corpus: 360 UN General Debate statements of the five permanent "
        "members of the Security Council, 1946-2024 (public domain)",
    )
    p.add_argument("--remove", action="store_true", help="remove the example speeches instead")
    p.set_defaults(handler=run_add_example)

    p = sub.add_parser(
        "import-table", help="import a table of speeches (CSV, JSONL, Parquet, XLSX)"
    )
    p.add_argument("file", metavar="FILE", help="the table: .csv, .tsv, .jsonl, .parquet, .xlsx")
    p.add_argument("--map", action="append", default=[], metavar="COLUMN=FIELD",
                   help="map a column to a field: text, title, speaker, role, country, place, "
                   "date, year, source, category, language")  # fmt: skip
    _add_metadata_options(p)
    p.add_argument("--format", choices=("text", "json"), default="text", help=_REPORT_HELP)
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=run_import_table)

    p = sub.add_parser("list", help="list the speeches")
    add_format_options(p)
    p.set_defaults(handler=run_list)

    p = sub.add_parser("show", help="show one speech with its metadata and text")
    p.add_argument("speech_id", metavar="SPEECH_ID", help=_ID_HELP)
    p.add_argument(
        "--format", choices=("text", "json"), default="text", help="text or one JSON object"
    )
    p.set_defaults(handler=run_show)

    p = sub.add_parser("remove", help="remove one speech")
    p.add_argument("speech_id", metavar="SPEECH_ID", help=_ID_HELP)
    p.set_defaults(handler=run_remove)

    p = sub.add_parser("search", help='full-text search; every word must occur, "quote" phrases')
    p.add_argument("query", metavar="QUERY", help='words (all must occur) and "quoted phrases"')
    p.add_argument("--limit", type=int, default=20, help="at most this many hits (default 20)")
    add_format_options(p)
    p.set_defaults(handler=run_search)

    p = sub.add_parser("export-corpus", help="back up the whole corpus with labels and corrections")
    p.add_argument("file", metavar="FILE", help="the backup to write (.jsonl.gz)")
    p.set_defaults(handler=run_export_corpus)

    p = sub.add_parser("import-corpus", help="restore a backup written by export-corpus")
    p.add_argument("file", metavar="FILE", help="the backup (.jsonl.gz)")
    p.set_defaults(handler=run_import_corpus, new_store_seed=False)

    p = sub.add_parser(
        "hash-password",
        help="print the SPEECHTRACK_EDITOR_PASSWORD_HASH value for an editor password",
    )
    p.set_defaults(handler=run_hash_password, needs_store=False)

    for module_name in EXTENSIONS:
        module = __import__(module_name, fromlist=["register"])
        module.register(sub)
    _explain(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 success, 1 a refused input, 2 bad usage)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING, format="%(levelname)s %(message)s"
    )
    if sys.stderr.isatty() and not getattr(args, "quiet", False):
        from models.progress import show_on_terminal

        show_on_terminal(sys.stderr)  # long steps (fitting themes, reading figures) say so
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

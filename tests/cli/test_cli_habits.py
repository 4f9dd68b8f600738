"""The command line as people expect it: help with a description, every option explained and an
example that runs; a transcript from standard input; a folder reported file by file; progress of
long steps on a terminal (and not in a pipe)."""

from __future__ import annotations

import argparse
import os
import pty
import select
import shlex
import subprocess
from pathlib import Path

import pytest

from cli.main import build_parser
from corpus.importer import iter_import_paths
from corpus.store import CorpusStore
from tests.cli.test_cli import _cli, run_process

SPEECH = (
    "Remarks at the opening of the forum\n\nMoscow, 3 March 2020\n\n"
    + "Today we have 45 new partners across 12 regions of the country. " * 8
)


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(sub.choices)


def test_every_subcommand_has_a_description_explained_options_and_an_example_that_parses() -> None:
    for name, parser in _subcommands().items():
        assert parser.description and len(parser.description) > 10, name
        unexplained = [
            a.option_strings or a.dest
            for a in parser._actions
            if not a.help and not isinstance(a, argparse._HelpAction)
        ]
        assert not unexplained, f"{name}: {unexplained}"
        assert parser.epilog and parser.epilog.startswith("example"), name
        examples = [
            line.strip().split(" | ")[-1]
            for line in parser.epilog.splitlines()[1:]
            if "speechtrack" in line
        ]
        assert examples, name
        for example in examples:
            command = example[example.index("speechtrack") :].split(">")[0].split("  #")[0]
            words = shlex.split(command)
            args = build_parser().parse_args(
                words[1:]
            )  # exits (fails the test) when it doesn't parse
            assert args.command == name


def test_help_shows_the_example(tmp_path: Path) -> None:
    done = run_process(tmp_path / "c.sqlite", "export", "--help")
    assert "example:\n  speechtrack export" in done.stdout


def test_add_dash_reads_one_transcript_from_standard_input(tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite"
    env = {**os.environ, "SPEECHTRACK_DB": str(db)}
    done = subprocess.run(
        [*_cli(), "add", "-", "--speaker", "Maria Zakharova"],
        input=SPEECH.encode("cp1251"),
        capture_output=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode().startswith("added     standard input  [")
    store = CorpusStore(str(db), seed=False)
    try:
        row = store.catalogue().set_index("speaker").loc["Maria Zakharova"]
        assert (row["date_iso"], row["source"]) == ("2020-03-03", "standard input")
    finally:
        store.dispose()
    mixed = run_process(db, "add", "-", str(tmp_path), check=1)
    assert "on its own" in mixed.stderr


def test_a_folder_is_reported_file_by_file_as_it_is_stored(tmp_path: Path) -> None:
    folder = tmp_path / "speeches"
    folder.mkdir()
    for i in range(3):
        (folder / f"2020-0{i + 1}-01-remarks.txt").write_text(
            SPEECH.replace("45", str(100 + i)), encoding="utf-8"
        )
    store = CorpusStore(str(tmp_path / "c.sqlite"))
    try:
        reports = iter_import_paths(store, [folder])
        first = next(reports)
        assert first.status == "added"
        # the first file is stored and reported before the next one is read
        assert len(store.catalogue()) == 2
        assert [r.status for r in reports] == ["added", "added"]
        assert len(store.catalogue()) == 4
    finally:
        store.dispose()


def _on_a_terminal(db: Path, *args: str) -> str:
    """Run the command with its standard error on a pseudo-terminal; return what it showed."""
    leader, follower = pty.openpty()
    env = {**os.environ, "SPEECHTRACK_DB": str(db)}
    proc = subprocess.Popen(
        [*_cli(), *args], stdout=subprocess.DEVNULL, stderr=follower, env=env, close_fds=True
    )
    os.close(follower)
    shown = b""
    try:
        while select.select([leader], [], [], 120)[0]:
            chunk = os.read(leader, 4096)
            if not chunk:
                break
            shown += chunk
    except OSError:  # the terminal closes when the command ends
        pass
    finally:
        os.close(leader)
    assert proc.wait(timeout=120) == 0
    return shown.decode("utf-8", "replace")


@pytest.mark.parametrize(
    ("args", "steps"),
    [
        (("themes", "--refit"), ["counting terms in 1 speeches", "choosing the number of themes", "fitting"]),
        (("figures",), ["reading the figures of speeches 1-1 of 1"]),
    ],
)  # fmt: skip
def test_long_steps_show_progress_on_a_terminal_and_not_in_a_pipe(
    tmp_path: Path, args: tuple[str, ...], steps: list[str]
) -> None:
    shown = _on_a_terminal(tmp_path / "c.sqlite", *args)
    for text in steps:
        assert text in shown, shown
    assert "s] " in shown  # each step with the time since the start
    piped = run_process(tmp_path / "again.sqlite", *args)
    assert not any(text in piped.stderr for text in steps)

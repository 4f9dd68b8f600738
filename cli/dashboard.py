"""The `dashboard` subcommand of `speechtrack`: start the dashboard from the installed package.

Example:
    speechtrack dashboard
    speechtrack dashboard --port 8502 --db team.sqlite
    speechtrack dashboard --address 0.0.0.0 -- --server.baseUrlPath speeches
"""

from __future__ import annotations

import argparse
import os
import sys
import tomllib
from collections.abc import Mapping
from importlib.resources import files
from typing import TextIO

from corpus.settings import DB_VARIABLE
from corpus.store import CorpusStore, database_url
from dashboard.memory import allocator_settings

__all__ = ["register", "server_environment", "server_flags", "streamlit_command"]


def _flag_value(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def server_flags(environ: Mapping[str, str]) -> list[str]:
    """The dashboard's server settings (dashboard/server.toml) as `streamlit run` flags.

    A setting the operator gives as STREAMLIT_<SECTION>_<NAME> in the environment is left to it.
    """
    config = tomllib.loads(files("dashboard").joinpath("server.toml").read_text(encoding="utf-8"))
    flags = []
    for section, options in config.items():
        for name, value in options.items():
            variable = f"STREAMLIT_{section}_{name}".upper()
            if variable not in environ:
                flags.append(f"--{section}.{name}={_flag_value(value)}")
    return flags


def streamlit_command(args: argparse.Namespace, environ: Mapping[str, str]) -> list[str]:
    """The `python -m streamlit run ...` command line that serves the dashboard."""
    script = files("dashboard").joinpath("entry", "streamlit_app.py")
    command = [sys.executable, "-m", "streamlit", "run", str(script), *server_flags(environ)]
    if args.port is not None:
        command.append(f"--server.port={args.port}")
    if args.address is not None:
        command.append(f"--server.address={args.address}")
    if args.headless:
        command.append("--server.headless=true")
    extra = list(args.streamlit_options)
    return command + (extra[1:] if extra[:1] == ["--"] else extra)


def server_environment(args: argparse.Namespace, environ: Mapping[str, str]) -> dict[str, str]:
    """The environment the dashboard server starts with: `environ`, the database given with --db,
    and the memory settings of `dashboard.memory.allocator_settings` the operator has not set."""
    server = {**environ, **allocator_settings(environ)}
    if getattr(args, "db", None):
        # a file path is made absolute here, where the user typed it
        server[DB_VARIABLE] = database_url(args.db)
    return server


def run_dashboard(args: argparse.Namespace, store: CorpusStore | None, out: TextIO) -> int:
    """Start the dashboard server; it runs until stopped with Ctrl+C."""
    environ = server_environment(args, os.environ)
    command = streamlit_command(args, environ)
    out.flush()
    os.execve(sys.executable, command, environ)
    return 0  # not reached: the server replaces this process


def _port(value: str) -> int:
    number = int(value)
    if not 1 <= number <= 65535:
        raise argparse.ArgumentTypeError(f"a port is a number from 1 to 65535, not {number}")
    return number


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `dashboard` subcommand to the `speechtrack` parser."""
    p = sub.add_parser(
        "dashboard",
        help="start the dashboard in the browser (Ctrl+C stops it)",
        description="Start the dashboard server from the installed package. It listens on this "
        "machine only (http://localhost:8501) unless --address says otherwise; see the README's "
        "'Sharing on a network' before opening it to others. A new database gets the seed speech.",
    )
    p.add_argument("--port", type=_port, help="the port to listen on (default 8501)")
    p.add_argument(
        "--address",
        help="the address to listen on (default 127.0.0.1; 0.0.0.0 for every network interface)",
    )
    p.add_argument(
        "--db",
        default=argparse.SUPPRESS,
        help="database: a file path or an SQLAlchemy URL (default: $SPEECHTRACK_DB, "
        "else ~/.local/share/speechtrack/corpus.sqlite)",
    )
    p.add_argument(
        "--headless", action="store_true", help="do not open a browser tab (for servers)"
    )
    p.add_argument(
        "streamlit_options",
        nargs=argparse.REMAINDER,
        metavar="-- STREAMLIT_OPTION",
        help="further `streamlit run` options after --, e.g. -- --server.baseUrlPath speeches",
    )
    p.set_defaults(handler=run_dashboard, needs_store=False)

"""The dashboard server's own settings agree with the readers' limits and keep protections on."""

from __future__ import annotations

import tomllib
from pathlib import Path

from corpus.limits import DEFAULT_LIMITS

CONFIG = Path(__file__).resolve().parents[2] / "dashboard" / "server.toml"


def test_upload_limit_matches_the_readers() -> None:
    server = tomllib.loads(CONFIG.read_text(encoding="utf-8"))["server"]
    assert server["maxUploadSize"] * 2**20 == DEFAULT_LIMITS.max_file_bytes


def test_xsrf_protection_is_not_switched_off() -> None:
    server = tomllib.loads(CONFIG.read_text(encoding="utf-8"))["server"]
    assert server.get("enableXsrfProtection", True) is True
    assert server.get("enableCORS", True) is True


def test_readers_never_see_a_traceback() -> None:
    client = tomllib.loads(CONFIG.read_text(encoding="utf-8"))["client"]
    assert client["showErrorDetails"] == "none"


def test_readers_get_no_developer_menu_nor_table_export_and_the_server_listens_locally() -> None:
    config = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    assert config["client"]["toolbarMode"] == "viewer"  # no "Deploy", no developer options
    assert config["client"]["disableDataExport"] is True  # no formula-unsafe toolbar CSV
    assert config["server"]["address"] == "127.0.0.1"


def test_the_server_does_not_watch_the_source_files() -> None:
    """A reader's first page is not held up by a scan of every loaded module."""
    server = tomllib.loads(CONFIG.read_text(encoding="utf-8"))["server"]
    assert server["fileWatcherType"] == "none"

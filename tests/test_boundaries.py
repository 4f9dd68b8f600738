"""The package boundaries: imports flow cli -> models -> corpus and dashboard -> models -> corpus,
and the core stays pure."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE = sorted((ROOT / "corpus").rglob("*.py")) + sorted((ROOT / "models").rglob("*.py"))
CLI = sorted((ROOT / "cli").rglob("*.py"))
DASHBOARD = sorted((ROOT / "dashboard").rglob("*.py"))
# readers and metadata parsing sit below the store: they turn files into speeches, the store keeps
# them (the readers' fork server preloads the importer, which is what its children run)
BELOW_THE_STORE = sorted((ROOT / "corpus" / "readers").glob("*.py")) + sorted(
    (ROOT / "corpus" / "metadata").glob("*.py")
)
STORE_MODULES = {
    "corpus.access",
    "corpus.backup",
    "corpus.example",
    "corpus.importer",
    "corpus.schema",
    "corpus.seed",
    "corpus.settings",
    "corpus.store",
}
PRELOADS = {"preload.py"}


def _modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _imports(path: Path) -> set[str]:
    return {name.split(".")[0] for name in _modules(path)}


def _relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", CORE, ids=_relative)
def test_core_never_imports_streamlit_the_dashboard_or_the_command_line(path: Path) -> None:
    imported = _imports(path)
    assert "streamlit" not in imported
    assert "dashboard" not in imported
    assert "cli" not in imported, "corpus/ and models/ must not depend on cli/"
    if path.is_relative_to(ROOT / "corpus"):
        assert "models" not in imported, "corpus/ must not depend on models/"


@pytest.mark.parametrize("path", CLI, ids=_relative)
def test_command_line_never_imports_streamlit(path: Path) -> None:
    imported = _imports(path)
    assert "streamlit" not in imported
    # `speechtrack dashboard` starts Streamlit as a program of its own, from the dashboard
    # package's files; no other subcommand touches the dashboard
    if path.name != "dashboard.py":
        assert "dashboard" not in imported


@pytest.mark.parametrize("path", DASHBOARD, ids=_relative)
def test_dashboard_never_imports_the_command_line(path: Path) -> None:
    assert "cli" not in _imports(path)


@pytest.mark.parametrize("path", BELOW_THE_STORE, ids=_relative)
def test_readers_and_metadata_never_import_the_store(path: Path) -> None:
    imported = _modules(path)
    if path.name not in PRELOADS:
        assert not imported & STORE_MODULES
    if path.parent.name == "metadata":
        assert not any(name.startswith("corpus.readers") for name in imported)


@pytest.mark.parametrize("path", CORE, ids=_relative)
def test_core_reads_no_environment(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert "os.environ" not in source and "getenv(" not in source

"""The package boundaries: imports flow dashboard -> models -> corpus, and the core stays pure."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE = sorted((ROOT / "corpus").rglob("*.py")) + sorted((ROOT / "models").rglob("*.py"))
# The command line is the one place in models/ that reads the environment and prints.
CLI_MODULES = {"cli.py", "cli_output.py"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", CORE, ids=lambda p: str(p.relative_to(ROOT)))
def test_core_never_imports_streamlit_or_the_dashboard(path: Path) -> None:
    imported = _imports(path)
    assert "streamlit" not in imported
    assert "dashboard" not in imported
    if path.parent.name == "corpus":
        assert "models" not in imported, "corpus/ must not depend on models/"


@pytest.mark.parametrize("path", CORE, ids=lambda p: str(p.relative_to(ROOT)))
def test_core_reads_no_environment(path: Path) -> None:
    if path.name in CLI_MODULES or path.name.startswith("cli_"):
        return
    source = path.read_text(encoding="utf-8")
    assert "os.environ" not in source and "getenv(" not in source

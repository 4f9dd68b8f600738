"""What `pip install .` gives users: the seed and every data file inside the package."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (path,) = out.glob("speech_tracker-*.whl")
    return path


def test_wheel_carries_the_seed_and_every_package(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "corpus/data/2018-06-15-lavrov-remarks-to-russian-ngos.txt" in names
    packages = {
        str(p.relative_to(ROOT))
        for top in ("corpus", "models", "cli", "dashboard")
        for p in (ROOT / top).rglob("*.py")
    }
    assert {"cli/main.py", "corpus/readers/__init__.py", "dashboard/pages/__init__.py"} <= packages
    assert packages <= names, "every module of every package and sub-package ships"
    data_files = {
        str(p.relative_to(ROOT)) for p in (ROOT / "corpus" / "data").rglob("*") if p.is_file()
    }
    assert data_files <= names


def test_wheel_declares_the_console_script(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        entry_points = next(n for n in zf.namelist() if n.endswith("entry_points.txt"))
        assert "speechtrack = cli.main:main" in zf.read(entry_points).decode()


def test_seed_in_package_matches_the_shipped_transcript() -> None:
    from corpus.seed import seed_bytes

    shared = ROOT.parent / "shared" / "seed" / "2018-06-15-lavrov-remarks-to-russian-ngos.txt"
    if not shared.exists():
        pytest.skip("needs ../shared/seed beside the checkout")
    assert seed_bytes() == shared.read_bytes()


def test_wheel_carries_what_speechtrack_dashboard_starts(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "dashboard/entry/streamlit_app.py" in names
    assert "dashboard/server.toml" in names
    pages = {p.name for p in (ROOT / "dashboard" / "pages").glob("*.py")}
    assert {f"dashboard/pages/{name}" for name in pages} <= names


def test_the_checkout_and_the_command_share_one_server_configuration() -> None:
    checkout = ROOT / ".streamlit" / "config.toml"
    assert checkout.resolve() == (ROOT / "dashboard" / "server.toml").resolve()


def test_dashboard_command_passes_the_server_settings_and_leaves_the_operators_alone() -> None:
    from cli.dashboard import streamlit_command
    from cli.main import build_parser

    args = build_parser().parse_args(["dashboard", "--port", "8600", "--", "--theme.base", "dark"])
    command = streamlit_command(args, {})
    assert command[1:4] == ["-m", "streamlit", "run"]
    assert command[4].endswith("dashboard/entry/streamlit_app.py")
    assert "--server.address=127.0.0.1" in command
    assert "--client.toolbarMode=viewer" in command
    assert "--server.showEmailPrompt=false" in command
    assert command[-3:] == ["--server.port=8600", "--theme.base", "dark"]
    # a setting the operator put in the environment is not overridden by a flag
    operator = streamlit_command(args, {"STREAMLIT_SERVER_ADDRESS": "0.0.0.0"})
    assert not any(flag.startswith("--server.address") for flag in operator)


def test_wheel_carries_the_license(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "MIT License" in (ROOT / "LICENSE").read_text(encoding="utf-8")


def test_citation_file_names_this_version_and_license() -> None:
    import re
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    citation = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    fields = dict(re.findall(r"^([a-z-]+): *(.*)$", citation, flags=re.M))
    assert fields["cff-version"] == "1.2.0"
    assert fields["version"] == project["version"]
    assert fields["license"] == project["license"]
    assert fields["title"].strip('"').startswith("speech-tracker")
    assert "authors" in fields and "- name:" in citation

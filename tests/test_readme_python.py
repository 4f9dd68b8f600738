"""The README's Python example runs as written, as a script on a real SQLite file, and does what
it says: the statement is stored, the themes are printed, and both speeches' ECOSOC figures are
listed."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

STATEMENT = """Remarks by Foreign Minister Sergey Lavrov at a meeting with NGOs, Moscow, 20 May 2016

Colleagues, only 64 Russian organisations currently have consultative status with the UN's
Economic and Social Council. We support the work of our non-profit organisations in
international bodies and will keep helping them apply, because their voice matters there and
the procedures are long. We hope that many more will take part in the work of the Council.
"""


def _python_blocks(section: str) -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    body = text.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", body, flags=re.S)


def test_the_python_example_of_the_readme_runs_as_a_script(tmp_path: Path) -> None:
    (code,) = _python_blocks("Using it from Python")
    (tmp_path / "example.py").write_text(code, encoding="utf-8")
    (tmp_path / "statements").mkdir()
    (tmp_path / "statements" / "2016-05-20-lavrov.txt").write_text(STATEMENT, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "example.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    shown = done.stdout
    assert shown.startswith("added statements/2016-05-20-lavrov.txt")
    assert (tmp_path / "corpus.sqlite").exists()
    assert re.search(r"theme +label +terms", shown)
    # the seed's 70 NGOs at ECOSOC (2018) and the statement's 64 (2016), as figures and a series
    assert re.search(r"2016-05-20 +64\.0 +only", shown)
    assert re.search(r"2018-06-15 +70\.0 +only", shown)
    assert "2016-05-20: only 64" in shown

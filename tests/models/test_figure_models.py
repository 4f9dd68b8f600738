"""The learned parts of figure extraction: shipped as JSON, rebuilt exactly by their script."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

from models.figures.counted import head_model
from models.figures.extract import extract_quantities
from models.figures.features import figure_model

ROOT = Path(__file__).resolve().parents[2]


def test_the_shipped_models_are_json_weights_that_the_training_script_rebuilds() -> None:
    for name in ("figure_classifier.json", "counted_classifier.json"):
        raw = json.loads(resources.files("models").joinpath(f"data/{name}").read_text("utf-8"))
        assert raw["weights"] and 0 < raw["threshold"] < 1 and raw["dev"]
    assert figure_model() is not None and head_model() is not None
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "figures" / "train.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "what this script makes" in done.stdout


def test_real_wording_gives_the_figure_and_what_it_counts() -> None:
    # real sentences of State of the Union addresses and UN statements
    cases = {
        "During the fiscal year ending June 30, 1866, the receipts were $558,032,620.": (
            558032620.0,
            "receipts",
        ),
        "The imports for the year amounted to $849,941,184.": (849941184.0, "imports"),
        "Today, 77 per cent of the Palestinian people are under the age of 35.": (
            77.0,
            "Palestinian people",
        ),
        "More than two and a half thousand national minorities live in our country.": (
            2500.0,
            "national minorities",
        ),
    }
    for sentence, (value, counted) in cases.items():
        found = [q for q in extract_quantities(sentence) if q.value == value]
        assert found, sentence
        assert found[0].counted.lower().endswith(counted.lower().split()[-1]), found[0].counted


def test_twice_is_a_multiple_only_when_it_compares() -> None:
    quoted = extract_quantities(
        "The Charter speaks of the scourge of war, which twice in our lifetime has brought "
        "untold sorrow to mankind."
    )
    assert [(q.value, q.unit, q.kind) for q in quoted] == [(2.0, "count", "frequency")]
    compared = extract_quantities("Twice as many people voted this time.")
    assert [(q.value, q.unit, q.kind) for q in compared] == [(2.0, "x", "multiplier")]

"""Extraction stays linear on hostile text: no input makes figures slower than its length."""

from __future__ import annotations

import time

import pytest

from models.figures.extract import extract_quantities, extract_within

# Each unit is repeated to the wanted length: number words that never end, separators that never
# close a number, a sentence of thousands of figures, identifiers, furniture on every line.
UNITS = {
    "number-words": "one hundred and ",
    "thousands-separators": "1,000,",
    "figures-in-one-sentence": "5 people, ",
    "vague": "dozens of ",
    "ranges": "between 1 and ",
    "dotted": "1.1.",
    "digits": "1",
    "abbreviations": "Mr. 5 ",
    "organisations": "ECOSOC has 70 members ",
    "lines": "5\n",
}


def _seconds(text: str) -> float:
    started = time.perf_counter()
    extract_quantities(text)
    return time.perf_counter() - started


@pytest.mark.parametrize("unit", list(UNITS.values()), ids=list(UNITS))
def test_hostile_text_is_extracted_in_linear_time(unit: str) -> None:
    small = unit * (50_000 // len(unit))
    large = unit * (200_000 // len(unit))
    _seconds(small)  # warm the compiled patterns
    small_s, large_s = _seconds(small), _seconds(large)
    assert _seconds(unit * (100_000 // len(unit))) < 2.0  # the 100 KB that once took over 20 s
    # four times the text may take at most about four times as long (quadratic would be 16)
    assert large_s < 8 * small_s + 0.25, (small_s, large_s)


def test_a_page_never_waits_longer_than_its_budget_and_is_told_where_reading_stopped() -> None:
    # ten million characters, the most one upload may hold, of the slowest pattern above
    text = "5\n" * 5_000_000
    started = time.perf_counter()
    found, cut_at = extract_within(text, seconds=1.0)
    assert time.perf_counter() - started < 2.0
    assert cut_at is not None and 0 < cut_at < len(text)
    # a real speech is read whole, and as extract_quantities reads it
    speech = "Only 70 Russian NGOs enjoy consultative status with ECOSOC.\n" * 1_500
    whole, cut = extract_within(speech, seconds=30.0)
    assert cut is None and whole == extract_quantities(speech)
    assert len(whole) == 1_500 and {q.value for q in whole} == {70.0}
    assert all(speech[q.start : q.end] == "70" for q in whole)


def test_a_speech_cut_at_its_deadline_is_named_on_the_figures_page_and_the_command_line(
    tmp_path, monkeypatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    """A background extraction that stops at its deadline says which speeches it cut short,
    instead of hiding it."""
    from streamlit.testing.v1 import AppTest

    import models.figures.extract as quantities
    from cli.main import main
    from corpus.store import CorpusStore
    from models.figures.store import corpus_quantities, extraction_cuts
    from tests.conftest import make_speech
    from tests.dashboard.conftest import APP

    db = tmp_path / "corpus.sqlite"
    store = CorpusStore(str(db), seed=False)
    table = "Only 70 Russian NGOs enjoy consultative status.\n" + "Row 5 of 7 and 12 more.\n" * 6000
    long = make_speech(table, title="A pasted table of numbers")
    store.add(long)
    monkeypatch.setattr(quantities, "SECONDS_PER_SPEECH", 0.0)  # every block past the first
    figures = corpus_quantities(store, n_jobs=1)
    cut = extraction_cuts(store)
    assert set(cut) == {long.speech_id} and 0 < cut[long.speech_id] < len(table)
    assert figures.empty or set(figures["speech_id"]) == {long.speech_id}
    assert main(["--db", str(db), "figures", "--format", "csv"]) == 0
    assert "stopped after 0 seconds" in capsys.readouterr().err
    monkeypatch.setenv("SPEECHTRACK_DB", str(db))
    app = AppTest.from_file(str(APP), default_timeout=90)
    app.switch_page("dashboard/pages/figures.py").run()
    assert not app.exception
    warnings = " ".join(w.value for w in app.warning).replace("\\\\", "")
    assert "stopped after 0 seconds" in warnings and "A pasted table of numbers" in warnings
    store.dispose()

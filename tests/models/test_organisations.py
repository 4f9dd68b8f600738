"""Tests for the table of canonical organisations and finding them in text."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from importlib import resources

import pytest

from models.organisations import (
    ORGANISATIONS,
    OrgMention,
    canonical_organisation,
    figures_organisation,
    find_organisations,
    organisation,
    short_name,
)

ECOSOC = "UN Economic and Social Council"
INGO = "Conference of INGOs of the Council of Europe"


def _seed_text() -> str:
    return (
        resources.files("corpus")
        .joinpath("data/2018-06-15-lavrov-remarks-to-russian-ngos.txt")
        .read_text(encoding="utf-8")
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("consultative status with ECOSOC, at a time", [(ECOSOC, "ECOSOC")]),
        ("the Economic and Social Council met", [(ECOSOC, "Economic and Social Council")]),
        (
            "the United Nations Economic and Social Council",
            [(ECOSOC, "United Nations Economic and Social Council")],
        ),
        (
            "the Conference of International Non-Governmental Organisations of the Council of Europe",
            [
                (
                    INGO,
                    "Conference of International Non-Governmental Organisations of the Council of Europe",
                )
            ],
        ),
        (
            "the OSCE and the Council of Europe",
            [("OSCE", "OSCE"), ("Council of Europe", "Council of Europe")],
        ),
        (
            "the Organization for Security and Cooperation in Europe",
            [("OSCE", "Organization for Security and Cooperation in Europe")],
        ),
        ("the G-20 and the G20", [("G20", "G-20"), ("G20", "G20")]),
        (
            "UNESCO, UNICEF and the UN",
            [("UNESCO", "UNESCO"), ("UNICEF", "UNICEF"), ("United Nations", "UN")],
        ),
        ("the United Nations Children’s Fund", [("UNICEF", "United Nations Children’s Fund")]),
        ("the Security Council must act", [("UN Security Council", "Security Council")]),
        ("who will pay? the world health budget", []),
        ("a national security council was formed", []),
        ("the EUR and the UNDERLYING cause", []),
        (
            "Parliamentary Assembly of the Council of Europe",
            [
                (
                    "Parliamentary Assembly of the Council of Europe",
                    "Parliamentary Assembly of the Council of Europe",
                )
            ],
        ),
    ],
    ids=[
        "acronym",
        "full-name",
        "full-name-with-un",
        "ingo-conference-longest-wins",
        "two-organisations",
        "american-spelling-no-hyphen",
        "g20-variants",
        "un-agencies",
        "curly-apostrophe",
        "security-council",
        "lowercase-who-is-not-who",
        "lowercase-generic-council",
        "acronym-inside-word",
        "pace-not-coe",
    ],
)
def test_find_organisations(text: str, expected: list[tuple[str, str]]) -> None:
    mentions = find_organisations(text)
    assert [(m.entity, m.surface) for m in mentions] == expected
    for mention in mentions:
        assert text[mention.start : mention.end] == mention.surface


def test_seed_speech_mentions_the_three_organisations_of_the_figures() -> None:
    text = _seed_text()
    entities = [m.entity for m in find_organisations(text)]
    assert ECOSOC in entities
    assert INGO in entities
    assert "UNESCO" in entities
    # the INGO Conference's name contains "Council of Europe": one mention, not two
    ingo = next(m for m in find_organisations(text) if m.entity == INGO)
    overlapping = [m for m in find_organisations(text) if m.start < ingo.end and m.end > ingo.start]
    assert overlapping == [ingo]


@pytest.mark.parametrize(
    ("name", "entity"),
    [
        ("ECOSOC", ECOSOC),
        ("ecosoc", ECOSOC),
        ("the Economic and Social Council", ECOSOC),
        ("UN Economic and Social Council", ECOSOC),
        ("Organisation for Security and Co-operation in Europe", "OSCE"),
        ("INGO Conference", INGO),
        ("EU", "European Union"),
        ("Eurasian Economic Union", "Eurasian Economic Union"),
        ("EAEU", "Eurasian Economic Union"),
        ("World Bank", "World Bank"),
        ("Unknown Society", None),
        ("", None),
    ],
    ids=[
        "acronym",
        "acronym-lowercase",
        "name-with-article",
        "canonical",
        "british-spelling",
        "ingo-variant",
        "eu",
        "eaeu-name",
        "eaeu-acronym",
        "world-bank",
        "unknown",
        "empty",
    ],
)
def test_canonical_organisation(name: str, entity: str | None) -> None:
    assert canonical_organisation(name) == entity


def test_ingo_conference_reports_figures_under_the_council_of_europe() -> None:
    assert organisation(INGO).parent == "Council of Europe"
    assert figures_organisation(INGO) == "Council of Europe"
    assert figures_organisation(ECOSOC) == ECOSOC
    assert figures_organisation("Not an organisation") == "Not an organisation"


def test_short_names() -> None:
    assert short_name(ECOSOC) == "ECOSOC"
    assert short_name("UNESCO") == "UNESCO"
    assert short_name("Something else") == "Something else"


def test_table_is_consistent() -> None:
    entities = [org.entity for org in ORGANISATIONS]
    assert len(entities) == len(set(entities))
    for org in ORGANISATIONS:
        assert canonical_organisation(org.entity) == org.entity
        for parent in (org.parent, org.reports_under):
            assert parent is None or parent in entities


def test_mentions_are_frozen() -> None:
    mention = find_organisations("the OSCE")[0]
    assert mention == OrgMention(entity="OSCE", surface="OSCE", start=4, end=8)
    with pytest.raises(FrozenInstanceError):
        mention.start = 0  # type: ignore[misc]

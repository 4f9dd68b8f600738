"""Reading delivery dates: written forms, precision, refusals, datelines."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from corpus import MetadataError, SpeechDate
from corpus.metadata.dates import (
    date_mentions,
    find_date_in_text,
    format_date,
    parse_date,
    parse_dateline,
)

TODAY = date(2024, 1, 31)

READABLE = [
    ("15 June 2018", "2018-06-15", "day"),
    ("June 15, 2018", "2018-06-15", "day"),
    ("Friday, 15 June 2018", "2018-06-15", "day"),
    ("2018-06-15", "2018-06-15", "day"),
    ("2018-06", "2018-06", "month"),
    ("June 2018", "2018-06", "month"),
    ("2018", "2018", "year"),
    ("15.06.2018", "2018-06-15", "day"),
    ("5.6.2018", "2018-06-05", "day"),
    ("2018-06-15T11:40:00", "2018-06-15", "day"),
    ("2018-06-15T11:40:00+03:00", "2018-06-15", "day"),
    ("2018-06-15 11:40", "2018-06-15", "day"),
    ("13/04/2019", "2019-04-13", "day"),
    ("04/13/2019", "2019-04-13", "day"),
    ("03/03/2019", "2019-03-03", "day"),
    ("2019/04/03", "2019-04-03", "day"),
    ("06/2018", "2018-06", "month"),
    ("June 15th, 2018", "2018-06-15", "day"),
    ("the 4th of March, 1897", "1897-03-04", "day"),
    ("Sept. 5, 2018", "2018-09-05", "day"),
    ("Jun. 15, 2018, 9:10 P.M. EST", "2018-06-15", "day"),
    ("  April 16, 1945.  ", "1945-04-16", "day"),
    ("JANUARY 20, 2004", "2004-01-20", "day"),
    ("15 июня 2018 года", "2018-06-15", "day"),
    ("15 de junio de 2018", "2018-06-15", "day"),
    ("15 juin 2018", "2018-06-15", "day"),
    ("15. März 2018", "2018-03-15", "day"),
    ("1700", "1700", "year"),
    ("2024-01-31", "2024-01-31", "day"),
    ("January 2024", "2024-01", "month"),
]


@pytest.mark.parametrize(
    ("text", "iso", "precision"), READABLE, ids=[row[0].strip() for row in READABLE]
)
def test_parse_date_reads_the_written_forms(text: str, iso: str, precision: str) -> None:
    found = parse_date(text, today=TODAY)
    assert (found.iso(), found.precision) == (iso, precision)


REFUSED = [
    (
        "03/04/2019",
        r'"03/04/2019" is ambiguous: it could be 3 April 2019 or 4 March 2019; .*YYYY-MM-DD',
    ),
    ("03-04-2019", "is ambiguous"),
    ("2024-02-01", r"in the future \(after 2024-01-31\)"),
    ("March 2024", "in the future"),
    ("2025", "in the future"),
    ("1699", "before 1700"),
    ("0000", "before 1700"),
    ("15 June 1650", "before 1700"),
    ("15.06.18", "two-digit year"),
    ("31 June 2018", "does not exist"),
    ("29.02.2019", "does not exist"),
    ("2019-13", "does not exist"),
    ("June 15", "not a date that can be read"),
    ("Hits: 517", "not a date that can be read"),
    ("11:40", "not a date that can be read"),
    ("", "the date is empty"),
]


@pytest.mark.parametrize(("text", "message"), REFUSED, ids=[row[0] or "empty" for row in REFUSED])
def test_parse_date_refuses_what_it_cannot_know(text: str, message: str) -> None:
    with pytest.raises(MetadataError, match=message):
        parse_date(text, today=TODAY)


def test_parse_date_names_the_input_in_its_message() -> None:
    with pytest.raises(MetadataError, match=r"^--date: .*ambiguous") as caught:
        parse_date("03/04/2019", source_name="--date")
    assert caught.value.source_name == "--date"


def test_parse_date_defaults_to_today_as_the_latest_date() -> None:
    assert parse_date(date.today().isoformat()).on == date.today()
    with pytest.raises(MetadataError, match="in the future"):
        parse_date(str(date.today().year + 1))


def test_date_mentions_find_the_date_inside_a_web_page_line() -> None:
    line = "Category: Foreign Policy News Friday, 15 June 2018 11:40 Written by V Hits: 517"
    assert [m.text for m in date_mentions(line)] == ["Friday, 15 June 2018"]
    mention = date_mentions(line)[0]
    assert line[mention.start : mention.end] == mention.text


DATELINES = [
    ("April 16, 1945", "1945-04-16", ""),
    ("January 21, 1946. Dated January 14, 1946", "1946-01-21", ""),
    ("Moscow, 15 June 2018", "2018-06-15", "Moscow"),
    ("Washington, D.C., June 15, 2018", "2018-06-15", "Washington, D.C."),
    ("New York, 25 September 2019", "2019-09-25", "New York"),
    ("Friday, 15 June 2018 11:40 MSK", "2018-06-15", ""),
    ("Delivered on 2018-06-15", "2018-06-15", ""),
    ("February 9, 1989 ", "1989-02-09", ""),
]


@pytest.mark.parametrize(("line", "iso", "place"), DATELINES, ids=[r[0] for r in DATELINES])
def test_parse_dateline_reads_date_and_place(line: str, iso: str, place: str) -> None:
    found = parse_dateline(line, today=TODAY)
    assert found is not None
    assert (found.on.iso(), found.place) == (iso, place)


PROSE = [
    "My fellow-citizens, when we assembled here on the 4th of March, 1897, there was anxiety.",
    "Annual Message to the Congress on the State of the Union. January 22, 1970",
    "Colleagues,",
    "We met in Moscow on 15 June 2018 and agreed on the following points",
]


@pytest.mark.parametrize("line", PROSE, ids=["sentence", "title", "salutation", "lowercase"])
def test_parse_dateline_leaves_prose_alone(line: str) -> None:
    assert parse_dateline(line, today=TODAY) is None


def test_parse_dateline_refuses_an_ambiguous_dateline() -> None:
    with pytest.raises(MetadataError, match="ambiguous"):
        parse_dateline("Moscow, 04/03/2019", today=TODAY)


def test_find_date_in_text_takes_the_dateline_not_a_date_in_a_sentence() -> None:
    text = (
        "PRESIDENT HARRY S. TRUMAN'S ADDRESS\n \nApril 16, 1945\n\n"
        "Mr. Speaker, on March 4, 1933, we met.\n"
    )
    assert find_date_in_text(text, today=TODAY) == SpeechDate(date(1945, 4, 16))
    speech = "My fellow-citizens, when we assembled here on the 4th of March, 1897, there was"
    assert find_date_in_text(speech, today=TODAY) is None


@pytest.mark.parametrize(
    ("when", "text"),
    [
        (SpeechDate(date(2018, 6, 15)), "15 June 2018"),
        (SpeechDate(date(2018, 6, 1), "month"), "June 2018"),
        (SpeechDate(date(1789, 1, 1), "year"), "1789"),
    ],
    ids=["day", "month", "year"],
)
def test_format_date_reads_back_the_same(when: SpeechDate, text: str) -> None:
    assert format_date(when) == text
    assert parse_date(text, today=TODAY) == when


DATE_ALPHABET = hs.sampled_from(
    [*"0123456789/.-: ,", "June", "Friday", "of", "the", "2018", "31", "T", "Z", "+03:00", "года"]
)


@settings(deadline=None)
@given(hs.one_of(hs.text(), hs.lists(DATE_ALPHABET, max_size=12).map("".join)))
def test_parse_date_raises_nothing_but_metadata_error(text: str) -> None:
    try:
        found = parse_date(text, today=TODAY)
    except MetadataError:
        return
    assert date(1700, 1, 1) <= found.on <= TODAY


@settings(deadline=None)
@given(hs.dates(min_value=date(1700, 1, 1), max_value=TODAY))
def test_parse_date_reads_every_iso_and_written_day(day: date) -> None:
    expected = SpeechDate(day)
    assert parse_date(day.isoformat(), today=TODAY) == expected
    assert parse_date(format_date(expected), today=TODAY) == expected
    assert parse_date(day.strftime("%d.%m.%Y"), today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15 червня 2018", SpeechDate(date(2018, 6, 15))),
        ("15 червня 2018 р.", SpeechDate(date(2018, 6, 15))),
        ("15 giugno 2018", SpeechDate(date(2018, 6, 15))),
        ("lunedì 15 giugno 2018", SpeechDate(date(2018, 6, 15))),
        ("15 июня 2018 года", SpeechDate(date(2018, 6, 15))),
        ("15. Juni 2018", SpeechDate(date(2018, 6, 15))),
        ("15 czerwca 2018", SpeechDate(date(2018, 6, 15))),
        ("giugno 2018", SpeechDate(date(2018, 6, 1), "month")),
        ("травень 2019", SpeechDate(date(2019, 5, 1), "month")),
    ],
)
def test_written_dates_in_other_languages_are_read(text: str, expected: SpeechDate) -> None:
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize("text", ["03/04/2019", "03.04.19", "15 people 2018", "giugno"])
def test_the_fallback_never_guesses_a_numeric_or_partial_date(text: str) -> None:
    with pytest.raises(MetadataError):
        parse_date(text, today=TODAY)


def test_a_ukrainian_or_italian_dateline_gives_the_date_and_place() -> None:
    kyiv = parse_dateline("Київ, 15 червня 2018 р.", today=TODAY)
    rome = parse_dateline("Roma, 15 giugno 2018", today=TODAY)
    assert kyiv is not None and rome is not None
    assert (kyiv.on, kyiv.place) == (SpeechDate(date(2018, 6, 15)), "Київ")
    assert (rome.on, rome.place) == (SpeechDate(date(2018, 6, 15)), "Roma")
    assert parse_dateline("Ми зустрілися 15 разів у 2018 році.", today=TODAY) is None

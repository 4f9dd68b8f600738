"""Speech metadata from transcripts: title lines, header lines, file names, and the layered result."""

from __future__ import annotations

import json
import os
import re
import zipfile
from datetime import date, datetime
from importlib.resources import files
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from corpus import Document, MetadataError, Speech, SpeechDate, SpeechFields, speech_id_for
from corpus.metadata.parse import (
    guess_language,
    parse_document,
    parse_filename,
    parse_header,
    parse_speaker,
    parse_title,
    parse_transcript,
)
from tests.conftest import need_corpora

TODAY = date(2024, 1, 31)
SEED = "2018-06-15-lavrov-remarks-to-russian-ngos.txt"
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "seed_metadata.json"
SEED_TITLE = (
    "Foreign Minister Sergey Lavrov's remarks at a meeting with representatives of Russian "
    "non-profit organisations, Moscow, June 15, 2018"
)


def seed_text() -> str:
    return files("corpus").joinpath("data", SEED).read_bytes().decode("utf-8")


def day(iso: str) -> SpeechDate:
    parts = iso.split("-")
    precision = ("year", "month", "day")[len(parts) - 1]
    numbers = [int(p) for p in parts] + [1] * (3 - len(parts))
    return SpeechDate(date(*numbers), precision)  # type: ignore[arg-type]


# ---------------------------------------------------------------- titles

TITLES = [
    # (title, speaker, role, country, place, date)
    (SEED_TITLE, "Sergey Lavrov", "Foreign Minister", "", "Moscow", "2018-06-15"),
    (
        "President Vladimir Putin's address to the Federal Assembly, Moscow, March 1, 2018",
        "Vladimir Putin", "President", "", "Moscow", "2018-03-01",
    ),
    (
        "Remarks by President Biden on the American Jobs Plan, Washington, D.C.",
        "Biden", "President", "", "Washington, D.C.", "",
    ),
    (
        "Statement by H.E. Mr. Sergey V. Lavrov, Minister for Foreign Affairs of the Russian "
        "Federation, at the General Debate of the 73rd Session of the UN General Assembly",
        "Sergey V. Lavrov", "Minister for Foreign Affairs", "Russian Federation", "", "",
    ),
    ("Speech of the Prime Minister at the Opening of Parliament", "", "Prime Minister", "", "", ""),
    (
        "Address by the Prime Minister of India, Shri Narendra Modi, at the UN General Assembly, "
        "New York, 25 September 2021",
        "Narendra Modi", "Prime Minister", "India", "New York", "2021-09-25",
    ),
    ("Transcript: President Zelensky's address to the nation", "Zelensky", "President", "", "", ""),
    (
        "Remarks by Secretary of State Antony J. Blinken at a Press Availability",
        "Antony J. Blinken", "Secretary of State", "", "", "",
    ),
    (
        "Russian Foreign Minister Sergey Lavrov's interview with the BBC, Moscow, 2 May 2019",
        "Sergey Lavrov", "Foreign Minister", "Russia", "Moscow", "2019-05-02",
    ),
    (
        "President of the Russian Federation Vladimir Putin's speech at the Munich Conference",
        "Vladimir Putin", "President", "Russian Federation", "", "",
    ),
    (
        "PRESIDENT GEORGE H.W. BUSH'S ADDRESS BEFORE A JOINT SESSION OF THE CONGRESS",
        "George H.W. Bush", "President", "", "", "",
    ),
    ("ADDRESS OF THE PRESIDENT TO THE JOINT SESSION OF CONGRESS", "", "President", "", "", ""),
    (
        "Annual Message to the Congress on the State of the Union. January 22, 1970",
        "", "", "", "", "1970-01-22",
    ),
    ("Statement by the Russian Federation at the Security Council", "", "", "Russian Federation", "", ""),  # noqa: E501
    (
        "Statement by Ambassador Linda Thomas-Greenfield at a UN Security Council Briefing",
        "Linda Thomas-Greenfield", "Ambassador", "", "", "",
    ),
    ("President Biden Delivers Remarks on the Economy", "Biden", "President", "", "", ""),
    (
        "Press Statement by Deputy Foreign Minister Sergey Ryabkov",
        "Sergey Ryabkov", "Deputy Foreign Minister", "", "", "",
    ),
    (
        "Chancellor Olaf Scholz's speech at the Bundestag, Berlin, 27 February 2022",
        "Olaf Scholz", "Chancellor", "", "Berlin", "2022-02-27",
    ),
    (
        "Statement by the Spokesperson of the Ministry of Foreign Affairs of Ukraine",
        "", "Spokesperson", "Ukraine", "", "",
    ),
    (
        "Speech by the Minister of Defence of Ukraine, Oleksii Reznikov, at the Ramstein meeting",
        "Oleksii Reznikov", "Minister of Defence", "Ukraine", "", "",
    ),
    (
        "Address by Mr. Sooronbai Zheenbekov, President of the Kyrgyz Republic",
        "Sooronbai Zheenbekov", "President", "Kyrgyz Republic", "", "",
    ),
    ("Interview with Sergey Lavrov, Moscow", "Sergey Lavrov", "", "", "Moscow", ""),
    ("Remarks by Her Majesty The Queen at the State Banquet", "", "Queen", "", "", ""),
    ("Sergey Lavrov's article for Izvestia, 2 June 2022", "Sergey Lavrov", "", "", "", "2022-06-02"),
    ("Russia's statement at the OSCE, Vienna", "", "", "", "Vienna", ""),
    ("The Price of Peace", "", "", "", "", ""),
    (
        "Statement by Ambassador Vassily Nebenzia, Permanent Representative of the Russian "
        "Federation to the United Nations, at the UNSC briefing on Ukraine",
        "Vassily Nebenzia", "Ambassador", "Russian Federation", "", "",
    ),
    ("PM's speech at the Lord Mayor's Banquet: 14 November 2022", "", "Prime Minister", "", "", "2022-11-14"),  # noqa: E501
    # the person after "with" or "to" is the one spoken to or with, not the speaker
    ("Joint press conference with Foreign Minister of Hungary Peter Szijjarto", "", "", "", "", ""),
    ("Message of greetings to President Xi Jinping", "", "", "", "", ""),
]  # fmt: skip


@pytest.mark.parametrize(
    ("title", "speaker", "role", "country", "place", "iso"),
    TITLES,
    ids=[row[0][:48] for row in TITLES],
)
def test_parse_title_reads_who_where_and_when(
    title: str, speaker: str, role: str, country: str, place: str, iso: str
) -> None:
    fields, rest = parse_title(title, today=TODAY)
    assert fields.title == title
    assert (fields.speaker, fields.role, fields.country, fields.place) == (
        speaker,
        role,
        country,
        place,
    )
    assert fields.delivered == (day(iso) if iso else None)
    assert rest == ""


NOT_TITLES = [
    "Colleagues,\n\nI am happy to meet with you again.",
    "Fellow-Citizens of the Senate and of the House of Representatives:\n\nAmong the vicissitudes",
    "Thank you. Thank you so much.\n\nVice President Biden, Mr. Chief Justice",
    "Chief Justice Roberts, President Carter, President Obama, fellow Americans, and people of "
    "the world: Thank you.\n\nWe, the citizens of America",
    "It is a great\nhonour for me to address the General Assembly today",
    "His\nExcellency Mr. Abdelaziz Bouteflika, President of the Republic",
    "I would like to begin my remarks by conveying our\n\ngreetings to Mr. Sam Kutesa",
    "The President of the Republic of Cameroon, His\nExcellency Mr. Paul Biya, has requested",
    "My country extends congratulations to Mr. Vuk\nJeremic on his election",
    "My countrymen,\n\nno one can contemplate current conditions without finding much",
]


@pytest.mark.parametrize("text", NOT_TITLES, ids=[t.split("\n")[0][:30] for t in NOT_TITLES])
def test_parse_title_leaves_the_opening_of_a_speech_alone(text: str) -> None:
    fields, rest = parse_title(text, today=TODAY)
    assert fields == SpeechFields()
    assert rest == text


def test_parse_title_removes_the_title_line_and_keeps_the_rest() -> None:
    text = "The Price of Peace\nMr. Chairman, Mr. Vice President, my countrymen:\n\nWe meet again."
    fields, rest = parse_title(text, today=TODAY)
    assert fields.title == "The Price of Peace"
    assert rest == "Mr. Chairman, Mr. Vice President, my countrymen:\n\nWe meet again."


def test_parse_title_joins_a_heading_set_on_two_lines() -> None:
    text = (
        "State of the Union Message to the Congress:\nOverview and Goals.  February 2, 1973\n\n"
        "To the congress of the United States:\n  The traditional form."
    )
    fields, rest = parse_title(text, today=TODAY)
    assert fields.title == (
        "State of the Union Message to the Congress: Overview and Goals. February 2, 1973"
    )
    assert fields.delivered == day("1973-02-02")
    assert rest.startswith("To the congress")


SPEAKERS = [
    ("Sergey Lavrov", "Sergey Lavrov", "", ""),
    (
        "H.E. Mr. Sergey V. Lavrov, Minister for Foreign Affairs of the Russian Federation",
        "Sergey V. Lavrov", "Minister for Foreign Affairs", "Russian Federation",
    ),
    ("President Biden", "Biden", "President", ""),
    ("the Prime Minister", "", "Prime Minister", ""),
    ("Lavrov", "Lavrov", "", ""),
    ("PRESIDENT HARRY S. TRUMAN", "Harry S. Truman", "President", ""),
    ("Ambassador Vassily Nebenzia", "Vassily Nebenzia", "Ambassador", ""),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "speaker", "role", "country"), SPEAKERS, ids=[r[0] for r in SPEAKERS]
)
def test_parse_speaker_leaves_out_honorifics(
    text: str, speaker: str, role: str, country: str
) -> None:
    fields = parse_speaker(text)
    assert (fields.speaker, fields.role, fields.country) == (speaker, role, country)


# ---------------------------------------------------------------- headers


def test_parse_header_reads_a_speaker_line_into_name_role_and_country() -> None:
    text = "Speaker: H.E. Mr. Kassym-Jomart Tokayev, President of the Republic of Kazakhstan\n\nHi."
    fields, rest = parse_header(text, today=TODAY)
    assert (fields.speaker, fields.role, fields.country) == (
        "Kassym-Jomart Tokayev",
        "President",
        "Republic of Kazakhstan",
    )
    assert rest == "Hi."


def test_parse_header_reads_a_web_page_line_and_never_takes_the_poster_for_the_speaker() -> None:
    fields, rest = parse_header(seed_text(), today=TODAY)
    assert fields.category == "Foreign Policy News"
    assert fields.posted_by == "Vladimir I Poluektov"
    assert fields.speaker == ""
    assert fields.delivered == day("2018-06-15")
    assert rest.startswith(SEED_TITLE + "\n\nColleagues,")
    assert "Hits" not in rest and "11:40" not in rest


def test_parse_header_reads_key_value_lines() -> None:
    text = (
        "Title: Remarks at the Valdai Club\nSpeaker: Sergey Lavrov\nRole: Foreign Minister\n"
        "Date: 15.06.2018\nPlace: Sochi\nCountry: Russia\nSource: https://mid.ru/en/1\n"
        "Language: en\nAuthor: Press office\nTags: diplomacy\n\nColleagues,\n\nThank you."
    )
    fields, rest = parse_header(text, today=TODAY)
    assert fields == SpeechFields(
        title="Remarks at the Valdai Club",
        speaker="Sergey Lavrov",
        role="Foreign Minister",
        place="Sochi",
        country="Russia",
        source="https://mid.ru/en/1",
        language="en",
        posted_by="Press office",
        delivered=day("2018-06-15"),
    )
    assert rest == "Colleagues,\n\nThank you."


def test_parse_header_reads_datelines_and_drops_clock_times() -> None:
    text = (
        "PRESIDENT GEORGE W. BUSH'S ADDRESS\n \nFebruary 2, 2005\n\n\n9:10 P.M. EST \n\n"
        "THE PRESIDENT: Mr. Speaker, Vice President Cheney:\n\nAs a new Congress gathers."
    )
    fields, rest = parse_header(text, today=TODAY)
    assert fields.delivered == day("2005-02-02")
    assert rest.startswith("PRESIDENT GEORGE W. BUSH'S ADDRESS\n\nTHE PRESIDENT: Mr. Speaker")
    assert "9:10" not in rest


def test_parse_header_reads_place_from_a_dateline_and_a_byline_as_speaker() -> None:
    text = "Moscow, 15 June 2018\nBy Sergey Lavrov\n\nThe world is changing."
    fields, rest = parse_header(text, today=TODAY)
    assert (fields.place, fields.speaker, fields.delivered) == (
        "Moscow",
        "Sergey Lavrov",
        day("2018-06-15"),
    )
    assert rest == "The world is changing."


def test_a_government_site_layout_gives_title_date_and_speaker() -> None:
    text = (
        "Remarks by President Biden on the Economy\n\nJune 15, 2021 • Speeches and Remarks\n\n"
        "Roosevelt Room\n2:15 P.M. EDT\n\nTHE PRESIDENT: Good afternoon.\n\nThe economy grows."
    )
    speech = parse_document(Document(source_name="biden.html", text=text), today=TODAY)
    assert (speech.speaker, speech.role, speech.date_iso) == ("Biden", "President", "2021-06-15")
    assert speech.title == "Remarks by President Biden on the Economy"
    assert speech.text == "Roosevelt Room\n\nTHE PRESIDENT: Good afternoon.\n\nThe economy grows."


def test_a_title_given_in_the_header_and_repeated_above_the_speech_is_dropped_once() -> None:
    text = (
        "Title: Foreign Minister Sergey Lavrov's remarks at Valdai\nDate: 2018-06-15\n\n"
        "Foreign Minister Sergey Lavrov's remarks at Valdai\n\nColleagues,\n\nThank you."
    )
    speech = parse_document(Document(source_name="valdai.txt", text=text), today=TODAY)
    assert (speech.title, speech.speaker) == (
        "Foreign Minister Sergey Lavrov's remarks at Valdai",
        "Sergey Lavrov",
    )
    assert speech.text == "Colleagues,\n\nThank you."


def test_a_title_hint_gives_weak_fields_that_the_text_overrides() -> None:
    doc = Document(
        source_name="page.html",
        text="Moscow, 2 May 2019\n\n" + "Colleagues,\n\nThank you.",
        hints=SpeechFields(title="Chancellor Olaf Scholz's speech, Berlin, 1 May 2019"),
    )
    speech = parse_document(doc, today=TODAY)
    assert (speech.speaker, speech.role) == ("Olaf Scholz", "Chancellor")
    assert (speech.place, speech.date_iso) == ("Moscow", "2019-05-02")


def test_parse_header_leaves_the_speech_alone_past_its_opening() -> None:
    text = "Colleagues,\n\nDate: this line is part of the speech.\n\nPlace: so is this one."
    assert parse_header(text, today=TODAY) == (SpeechFields(), text)


def test_parse_header_refuses_an_ambiguous_date() -> None:
    with pytest.raises(MetadataError, match=r"^talk\.txt: the date \"03/04/2019\" is ambiguous"):
        parse_header("Date: 03/04/2019\n\nColleagues,", today=TODAY, source_name="talk.txt")


# ---------------------------------------------------------------- file names

FILE_NAMES = [
    ("1789-Washington.txt", "1789", "Washington"),
    ("1965-Johnson-1.txt", "1965", "Johnson"),
    ("inaugural/2005-Bush.txt", "2005", "Bush"),
    ("corpus.zip/state_union/2001-GWBush-2.txt", "2001", "GWBush"),
    ("2018-06-15-lavrov-remarks-to-russian-ngos.txt", "2018-06-15", ""),
    ("2009-Inaugural.txt", "2009", ""),
    ("20180615_statement.docx", "2018-06-15", ""),
    ("speech_2018_06.pdf", "2018-06", ""),
    ("lavrov-15-June-2018.html", "2018-06-15", ""),
    ("15.06.2018 Lavrov.txt", "2018-06-15", "Lavrov"),
    ("USA_75_2020.txt", "2020", ""),
    ("speeches.csv#row 12", "", ""),
    ("notes-1234.txt", "", ""),
    ("plan-2099.txt", "", ""),
    ("Washington.txt", "", ""),
    (r"C:\speeches\1801-Jefferson.txt", "1801", "Jefferson"),
]


@pytest.mark.parametrize(("name", "iso", "speaker"), FILE_NAMES, ids=[r[0] for r in FILE_NAMES])
def test_parse_filename_reads_the_date_and_a_safe_surname(
    name: str, iso: str, speaker: str
) -> None:
    fields = parse_filename(name, today=TODAY)
    assert fields.delivered == (day(iso) if iso else None)
    assert fields.speaker == speaker


def test_parse_filename_refuses_an_ambiguous_date() -> None:
    with pytest.raises(MetadataError, match=r"^03-04-2019-speech\.txt: .*ambiguous"):
        parse_filename("03-04-2019-speech.txt", today=TODAY)


# ---------------------------------------------------------------- documents


def seed_summary(speech: Speech) -> dict[str, object]:
    return {
        "speech_id": speech.speech_id,
        "title": speech.title,
        "speaker": speech.speaker,
        "role": speech.role,
        "country": speech.country,
        "place": speech.place,
        "date_iso": speech.date_iso,
        "date_precision": speech.date_precision,
        "category": speech.category,
        "posted_by": speech.posted_by,
        "source": speech.source,
        "language": speech.language,
        "n_words": speech.n_words,
        "n_paragraphs": len(speech.text.split("\n\n")),
        "text_start": speech.text[:80],
        "text_end": speech.text[-80:],
    }


def test_the_seed_speech_matches_its_golden_metadata() -> None:
    speech = parse_document(Document(source_name=SEED, text=seed_text()), today=TODAY)
    produced = json.dumps(seed_summary(speech), indent=2, ensure_ascii=False) + "\n"
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(produced, encoding="utf-8")
    assert produced == GOLDEN.read_text(encoding="utf-8")
    assert speech.title == SEED_TITLE
    assert (speech.speaker, speech.role, speech.place) == (
        "Sergey Lavrov",
        "Foreign Minister",
        "Moscow",
    )
    assert (speech.delivered_on, speech.date_precision) == (date(2018, 6, 15), "day")
    assert (speech.category, speech.posted_by) == ("Foreign Policy News", "Vladimir I Poluektov")
    assert speech.text.startswith("Colleagues,\n\nI am happy to meet with you again.")
    assert "Category:" not in speech.text and "Hits" not in speech.text
    assert speech.speech_id == speech_id_for(speech.text)
    body = seed_text().split("Colleagues,", 1)[1]
    assert speech.text.split("\n\n")[1:] == [p for p in body.strip().split("\n\n")]


def test_parse_transcript_is_parse_document_for_plain_text() -> None:
    from_text = parse_transcript(SEED, seed_text(), today=TODAY)
    assert from_text == parse_document(Document(source_name=SEED, text=seed_text()), today=TODAY)


BODY = "Colleagues,\n\nWe are here to talk about the future of our region."


def test_each_origin_of_metadata_overrides_the_weaker_ones() -> None:
    text = "Date: 2018-06-15\nSpeaker: Sergey Lavrov\nPlace: Moscow\n\n" + BODY
    doc = Document(
        source_name="2017-Putin.txt",
        text=text,
        hints=SpeechFields(title="Page title", speaker="Web Editor", country="Russia"),
        given=SpeechFields(place="Sochi"),
    )
    speech = parse_document(doc, overrides=SpeechFields(speaker="S. V. Lavrov"), today=TODAY)
    assert speech.speaker == "S. V. Lavrov"  # the user
    assert speech.place == "Sochi"  # table column over the text
    assert speech.delivered == day("2018-06-15")  # the text over the file name
    assert speech.title == "Page title"  # a hint fills what nothing stronger gives
    assert speech.country == "Russia"
    assert speech.text == BODY


def test_the_file_name_fills_only_what_the_text_leaves_missing() -> None:
    doc = Document(source_name="1961-Kennedy.txt", text="Speaker: John F. Kennedy\n\n" + BODY)
    speech = parse_document(doc, today=TODAY)
    assert (speech.speaker, speech.date_iso) == ("John F. Kennedy", "1961")
    doc = Document(source_name="1961-Kennedy.txt", text=BODY, hints=SpeechFields(speaker="JFK"))
    assert parse_document(doc, today=TODAY).speaker == "Kennedy"


def test_a_coarse_date_is_made_finer_by_an_origin_that_agrees_with_it() -> None:
    doc = Document(
        source_name="talk.txt",
        text="Moscow, 15 June 2018\n\n" + BODY,
        given=SpeechFields(delivered=day("2018")),
    )
    assert parse_document(doc, today=TODAY).delivered == day("2018-06-15")
    overruled = parse_document(doc, overrides=SpeechFields(delivered=day("2019")), today=TODAY)
    assert overruled.delivered == day("2019")


def test_a_speech_without_any_date_is_refused_with_what_to_do() -> None:
    doc = Document(source_name="talk.txt", text=BODY)
    with pytest.raises(MetadataError, match=r"^talk\.txt: no date found in the title, the header"):
        parse_document(doc, today=TODAY)
    message = "give one with --date YYYY-MM-DD \\(or YYYY-MM, or YYYY\\)"
    with pytest.raises(MetadataError, match=message):
        parse_document(doc, today=TODAY)
    given = parse_document(doc, overrides=SpeechFields(delivered=day("2018-06")), today=TODAY)
    assert given.delivered == day("2018-06")


def test_an_ambiguous_date_in_the_text_is_refused_unless_the_user_gives_one() -> None:
    doc = Document(source_name="2019-notes.txt", text="Date: 03/04/2019\n\n" + BODY)
    with pytest.raises(MetadataError, match=r"^2019-notes\.txt: .*ambiguous"):
        parse_document(doc, today=TODAY)
    speech = parse_document(doc, overrides=SpeechFields(delivered=day("2019-04-03")), today=TODAY)
    assert speech.delivered == day("2019-04-03")


def test_a_bad_date_in_the_title_is_forgiven_when_a_header_line_gives_the_date() -> None:
    text = "Remarks at the OSCE, 03/04/2019\nDate: 2019-04-03\n\n" + BODY
    speech = parse_document(Document(source_name="osce.txt", text=text), today=TODAY)
    assert speech.delivered == day("2019-04-03")


def test_a_future_date_in_the_title_is_refused() -> None:
    doc = Document(
        source_name="talk.txt", text="Remarks by President Biden, June 1, 2030\n\n" + BODY
    )
    with pytest.raises(MetadataError, match=r"in the future \(after 2024-01-31\)"):
        parse_document(doc, today=TODAY)


def test_a_missing_title_is_built_from_speaker_country_and_date() -> None:
    doc = Document(
        source_name="2018-06-15.txt",
        text=BODY,
        given=SpeechFields(speaker="Sergey Lavrov", country="Russia"),
    )
    assert parse_document(doc, today=TODAY).title == "Sergey Lavrov (Russia), 15 June 2018"
    bare = parse_document(Document(source_name="2018-06.txt", text=BODY), today=TODAY)
    assert (bare.title, bare.speaker) == ("Speech, June 2018", "")


def test_a_document_of_metadata_only_is_refused() -> None:
    with pytest.raises(MetadataError, match="no speech text besides its title and metadata"):
        parse_document(Document(source_name="x.txt", text="Date: 2018-06-15\nPlace: Moscow"))


def test_a_single_line_speech_keeps_its_line_as_text() -> None:
    doc = Document(source_name="2018.txt", text="We condemn the attack in the strongest terms")
    assert parse_document(doc, today=TODAY).text == "We condemn the attack in the strongest terms"


LANGUAGES = Path(__file__).parents[1] / "data" / "languages"


@pytest.mark.parametrize("code", ["ru", "uk", "fr", "es", "it", "de", "pl"])
def test_guess_language_names_each_written_speech_by_its_iso_code(code: str) -> None:
    text = (LANGUAGES / f"{code}.txt").read_text(encoding="utf-8")
    assert guess_language(text) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Уважаемые коллеги, рад приветствовать вас на нашей встрече.", "ru"),
        ("Шановні колеги, дякую за увагу. Ми їх підтримуємо.", "uk"),
        ("Mesdames et messieurs, le président de la République et les ministres.", "fr"),
        ("Colleagues, the world order is changing and we are part of it.", "en"),
        ("1234 5678", "en"),
    ],
    ids=["russian", "ukrainian", "french", "english", "no-letters"],
)
def test_guess_language_on_a_sentence(text: str, code: str) -> None:
    assert guess_language(text) == code


def test_guess_language_gives_the_same_answer_every_time() -> None:
    text = (LANGUAGES / "uk.txt").read_text(encoding="utf-8")[:80]
    assert len({guess_language(text) for _ in range(20)}) == 1


def test_a_russian_transcript_is_marked_russian() -> None:
    doc = Document(
        source_name="2018-06-15-lavrov.txt", text="Уважаемые коллеги!\n\nРад вас видеть."
    )
    assert parse_document(doc, today=TODAY).language == "ru"


@settings(deadline=None, max_examples=200)
@given(
    hs.one_of(
        hs.text(min_size=1),
        hs.lists(
            hs.sampled_from(
                [
                    "Date: ",
                    "Category: ",
                    "Written by ",
                    "Hits: 517",
                    "Speaker: ",
                    "\n",
                    "\n\n",
                    "15 June 2018",
                    "03/04/2019",
                    "President ",
                    "Sergey Lavrov's ",
                    "remarks",
                    ", Moscow",
                    "Colleagues,",
                    "By ",
                    "Title: ",
                    ".",
                    "11:40",
                    "Statement by ",
                ]
            ),  # fmt: skip
            max_size=20,
        ).map("".join),
    )
)
def test_parse_document_raises_nothing_but_metadata_error(text: str) -> None:
    doc = Document(source_name="x.txt", text=text, given=SpeechFields(delivered=day("2018")))
    try:
        speech = parse_document(doc, today=TODAY)
    except MetadataError:
        return
    assert speech.text.strip()
    assert speech.delivered_on.year == 2018


# ---------------------------------------------------------------- real corpora


def read_members(archive: str) -> dict[str, str]:
    path = need_corpora("nltk-us-addresses", archive)
    with zipfile.ZipFile(path) as zf:
        return {
            info.filename: zf.read(info).decode("utf-8", errors="replace")
            for info in zf.infolist()
            if info.filename.endswith(".txt")
        }


def test_every_inaugural_address_gets_its_year_and_speaker_from_the_file_name() -> None:
    members = read_members("inaugural.zip")
    assert len(members) == 59
    for name, text in members.items():
        year, surname = re.fullmatch(r"inaugural/(\d{4})-(\w+)\.txt", name).groups()  # type: ignore[union-attr]
        speech = parse_document(Document(source_name=name, text=text), today=TODAY)
        assert (speech.date_iso, speech.date_precision) == (year, "year"), name
        assert speech.speaker == surname, name
        first_line = text.strip().split("\n")[0]
        assert speech.text.startswith(first_line) or speech.title == first_line, name


WRITTEN_DAY = re.compile(
    r"(January|February|March|April|May|June|July|August|September|October|November|December)"
    r" (\d{1,2}), (\d{4})"
)


def test_state_union_addresses_with_an_exact_date_get_day_precision() -> None:
    members = read_members("state_union.zip")
    n_dated = 0
    for name, text in members.items():
        speech = parse_document(Document(source_name=name, text=text), today=TODAY)
        assert speech.delivered_on.year == int(name.split("/")[1][:4]), name
        first_lines = [line.strip() for line in text.splitlines() if line.strip()][:3]
        written = [m for line in first_lines if (m := WRITTEN_DAY.search(line))]
        if written:
            n_dated += 1
            month, number, year = written[0].groups()
            expected = datetime.strptime(f"{month} {number} {year}", "%B %d %Y").date()
            assert speech.delivered_on == expected, name
            assert speech.date_precision == "day", name
            assert not WRITTEN_DAY.fullmatch(speech.text.split("\n")[0].strip()), name
        else:
            assert speech.date_precision == "year", name
    assert n_dated >= 50


def test_a_ukrainian_transcript_is_dated_by_its_written_dateline() -> None:
    body = (LANGUAGES / "uk.txt").read_text(encoding="utf-8")
    doc = Document(source_name="promova.txt", text="Київ, 15 червня 2018 р.\n\n" + body)
    speech = parse_document(doc, today=TODAY)
    assert (speech.delivered_on, speech.date_precision) == (date(2018, 6, 15), "day")
    assert (speech.place, speech.language) == ("Київ", "uk")


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ("Russian", "ru"),
        ("RU", "ru"),
        ("rus", "ru"),
        ("uk-UA", "uk"),
        ("en", "en"),
        ("EN-GB", "en"),
        ("eng", "en"),
        ("Klingon", ""),
    ],
)
def test_a_named_language_is_stored_as_its_iso_code(given: str, code: str) -> None:
    body = (LANGUAGES / "uk.txt").read_text(encoding="utf-8")
    doc = Document(source_name="2018-06-15.txt", text=f"Language: {given}\n\n{body}")
    assert parse_document(doc, today=TODAY).language == (code or "uk")

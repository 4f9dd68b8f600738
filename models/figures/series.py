"""Series of cited figures across speeches, and the corrections users make to figures and series.

A series gathers the figures of different speeches that measure the same thing: the same
organisation, the same kind of measure (unit), the same scope and a counted thing that matches after
simple normalisation (plurals, articles, "non-governmental organisations" = "NGOs") and a fuzzy
comparison. "Our" is the speaker's country; a figure with neither organisation nor scope is
scoped to whoever speaks (the country, else the speaker), so one country's refugees never join
another's. Durations ("for 70 years") and figures that count nothing said join no series.
Users correct single figures and edit series; both are stored as annotations and laid over every
fresh extraction, so they survive re-extraction and rule changes.

Annotation kinds:
    "quantity_correction", key "speech_id:start:end": any of value, value_high, unit, qualifier,
        counted, scope, organisation, series (a series id to move the figure to), dismissed (bool).
    "series_edit", key = series id: any of name, merged_into (another series id), confirmed (bool).
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from models.figures.extract import QUANTITY_COLUMNS
from models.figures.format import readable_date, readable_value
from models.figures.text import singular
from models.organisations import (
    canonical_organisation,
    figures_organisation,
    find_organisations,
    short_name,
)
from models.selection import is_in

CORRECTION_KIND = "quantity_correction"
SERIES_EDIT_KIND = "series_edit"
SIMILARITY_THRESHOLD = 0.85
DISAGREEMENT_DAYS = 183
CORRECTABLE_FIELDS = (
    "value",
    "value_high",
    "unit",
    "qualifier",
    "counted",
    "scope",
    "organisation",
    "series",
)

SERIES_COLUMNS = [
    "series",
    "series_name",
    "key",
    "confirmed",
    "speech_id",
    "date",
    "date_precision",
    "value",
    "value_high",
    "unit",
    "qualifier",
    "change",
    "change_pct",
    "is_change",
    "is_disagreement",
    "disagrees_with",
    "counted",
    "scope",
    "organisation",
    "sentence",
    "start",
    "end",
]

_SYNONYMS = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        # NGOs, NPOs, non-governmental and non-profit organisations: one counted thing (FIGURES.md)
        (r"\bnon-?governmental organi[sz]ations?\b", "organisation"),
        (r"\bnon-?(?:profit|commercial) organi[sz]ations?\b", "organisation"),
        (r"\bn[gp]os?\b", "organisation"),
        (r"\borgani[sz]ations?\b", "organisation"),
        # member States, States members, Members: an organisation's members
        (r"\bmember states?\b|\bstates? members?\b", "member"),
        (r"\bcountries\b", "country"),
    )
)
_POSSESSIVE_S = re.compile(r"'s\b")
_COUNTED_WORD = re.compile(r"[\w-]+")
_IRREGULAR_PLURALS = {"people": "person", "children": "child", "women": "woman", "men": "man"}


def _lemma(word: str) -> str:
    return _IRREGULAR_PLURALS.get(word) or singular(word)


# durations ("for 70 years") are figures, but not measures users follow from speech to speech
_TIME_WORDS = frozenset("year month week day hour minute decade century time occasion".split())
_DROPPED = frozenset(
    """the a an our their its my your his her all of one two three four five six seven eight nine
    ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty
    forty fifty sixty seventy eighty ninety hundred thousand million billion""".split()
)
_DEMONYM_OF = {
    "russia": "Russian",
    "russian federation": "Russian",
    "united states": "American",
    "united states of america": "American",
    "china": "Chinese",
    "united kingdom": "British",
    "france": "French",
    "germany": "German",
    "india": "Indian",
    "brazil": "Brazilian",
    "turkey": "Turkish",
    "japan": "Japanese",
    "ukraine": "Ukrainian",
    "belarus": "Belarusian",
    "kazakhstan": "Kazakh",
}
_PREDICATE = re.compile(
    r"\b((?:consultative|observer|partner|participatory|associate|full|general|special)\s+status"
    r"|permanent\s+participants|observers|member\s+states|members|membership|participants|partners)\b",
    re.IGNORECASE,
)


def quantity_key(speech_id: str, start: int, end: int) -> str:
    """Return the stable key of one figure: "speech_id:start:end" (offsets of the number in the speech)."""
    return f"{speech_id}:{start}:{end}"


def normalise_counted(counted: str, *, scope: str = "") -> str:
    """Return the comparable form of a counted thing: lower case, singular, no articles or scope word.

    Example:
        >>> normalise_counted("Russian non-governmental organisations", scope="Russian")
        'ngo'
    """
    text = counted.lower().replace("’", "'")
    text = _POSSESSIVE_S.sub("", text)
    for pattern, replacement in _SYNONYMS:
        text = pattern.sub(replacement, text)
    scope_word = scope.lower()
    words = [
        _lemma(w)
        for w in _COUNTED_WORD.findall(text)
        if w != scope_word and not all(part in _DROPPED for part in w.split("-"))
    ]
    return " ".join(words)


_COUNTRY_OF = {
    **{demonym.lower(): country for country, demonym in _DEMONYM_OF.items()},
    "russian federation": "russia",
    "united states of america": "united states",
    "usa": "united states",
    "u.s.": "united states",
    "uk": "united kingdom",
    "soviet": "ussr",
}


def scope_key(scope: str, *, country: str = "") -> str:
    """Return the scope figures are grouped by: one key for a country under its name and its
    adjective ("Russian", "Russia", "Russian Federation" -> "russia"); "our" is the speaker's
    country when known, else nothing; "its", "their" point elsewhere and scope nothing."""
    folded = scope.strip().lower()
    if folded in ("our", "my"):
        folded = country.strip().lower()
    elif folded in ("its", "their", "his", "her", "your", "all"):
        return ""
    folded = _COUNTRY_OF.get(folded, folded)
    return _COUNTRY_OF.get(folded, folded)


def _similar(a: str, b: str) -> bool:
    if a == b:
        return True
    a_words, b_words = a.split(), b.split()
    if not a_words or not b_words or a_words[-1] != b_words[-1]:
        return False  # the head noun must agree: "NGO" never joins "company"
    a_sorted, b_sorted = " ".join(sorted(a_words)), " ".join(sorted(b_words))
    # the quick ratios are upper bounds of the ratio: most pairs are told apart without computing
    # it. The first, from the two lengths alone, is `real_quick_ratio`, taken before building a
    # matcher (which indexes the characters of one side)
    lengths = len(a_sorted) + len(b_sorted)
    if 2.0 * min(len(a_sorted), len(b_sorted)) / lengths < SIMILARITY_THRESHOLD:
        return False
    matcher = difflib.SequenceMatcher(None, a_sorted, b_sorted)
    return matcher.quick_ratio() >= SIMILARITY_THRESHOLD and matcher.ratio() >= SIMILARITY_THRESHOLD


def _cluster(names: list[str]) -> dict[str, str]:
    """Map each normalised counted thing to its cluster's representative (the shortest, then first)."""
    by_head: dict[str, list[str]] = {}  # only names with the same head noun can be similar
    mapping: dict[str, str] = {}
    for name in sorted(set(names), key=lambda n: (len(n), n)):
        representatives = by_head.setdefault(name.rsplit(" ", 1)[-1], [])
        match = next((r for r in representatives if _similar(name, r)), None)
        if match is None:
            representatives.append(name)
            match = name
        mapping[name] = match
    return mapping


def apply_corrections(
    quantities: pd.DataFrame, corrections: Mapping[str, Mapping[str, object]]
) -> pd.DataFrame:
    """Lay users' corrections over freshly extracted figures.

    A correction is found by its key "speech_id:start:end", or by speech and start when the
    extractor now reads the number a little longer or shorter. Dismissed figures are dropped.

    Returns:
        The frame with a `key` column and a `corrected` flag, dismissed rows removed.
    """
    frame = quantities.reset_index(drop=True)
    keys = [
        quantity_key(s, a, b)
        for s, a, b in zip(*(frame[c].tolist() for c in ("speech_id", "start", "end")), strict=True)
    ]
    frame["key"] = keys
    found = _corrections_of(keys, corrections)
    dismissed = [bool(c and c.get("dismissed")) for c in found]
    frame["corrected"] = [bool(c) and not d for c, d in zip(found, dismissed, strict=True)]
    frame["series_override"] = ""
    changes: dict[str, tuple[list[int], list[object]]] = {}  # by column: rows and their new values
    for position, correction in enumerate(found):
        if not correction or dismissed[position]:
            continue
        for name in CORRECTABLE_FIELDS:
            if correction.get(name) is not None:
                rows, values = changes.setdefault(
                    "series_override" if name == "series" else name, ([], [])
                )
                rows.append(position)
                values.append(correction[name])
    for column, (rows, values) in changes.items():  # one assignment per column, not per figure
        frame.loc[rows, column] = values
    return frame.loc[[not d for d in dismissed]].reset_index(drop=True)


def _predicate(sentence: str, written: str, counted: str = "") -> str:
    """Return what a figure's clause says of what it counts: the status or role it names
    ("consultative status", "participants"), else its verb ("displaced", "killed", "missing").

    Two claims about the same noun are one measure only when they say the same of it: 200,000
    Greek Cypriots "displaced" and 1,600 Greek Cypriots "missing" are not one series.
    """
    at = max(0, sentence.find(written))
    match = _PREDICATE.search(sentence, at, at + len(written) + 80)  # the clause of the number
    if match is not None:
        return re.sub(r"^permanent\s+", "", " ".join(match.group(1).lower().split()))
    own = set(_WORD.findall(counted.lower()))  # "refugees", "votes": the counted thing itself
    # "62 States that have accepted the jurisdiction": a relative clause says which ones
    after = sentence[at + len(written) : at + len(written) + 100]
    clause = _RELATIVE_CLAUSE_END.split(after, maxsplit=1)[0]
    for word in _WORD.findall(clause.lower())[:10]:
        stem = None if word in own else _DEFINING.match(word)
        if stem:
            return stem.group(1)
    # "Russia is occupying 20 per cent of Georgian territory": the verb may come before
    lead = _CLAUSE_END.split(sentence[max(0, at - 60) : at])[-1]
    for word in reversed(_WORD.findall(lead.lower())[-6:]):
        stem = None if word in own else _DEFINING.match(word)
        if stem:
            return stem.group(1)
    return ""


_WE = re.compile(
    r"\b(?:we|our\s+(?:country|government|nation|people|state|republic)|"
    r"my\s+(?:country|government|nation))\b",
    re.IGNORECASE,
)


# "San Marino has welcomed", "Pakistan hosts": the speaker's country named as the one acting
_HOSTS = (
    r"(?:has\s+|have\s+|had\s+|is\s+|was\s+|will\s+|already\s+|now\s+)*"
    r"(?:welcom|receiv|host|shelter|accept|admit|gave|give|giv|contribut|provid|pledg|sen[dt]|"
    r"deploy|train|spen[dt]|allocat|grant|offer|resettl|absorb)\w*\b"
)
_OURS = re.compile(r"\b(?:in|to|into|from)\s+(?:our|my)\s+(?:country|territory|land)\b", re.I)


def _actor(sentence: str, written: str, owner: str) -> str:
    """Return whoever speaks (their country, else their name) when the figure's clause has "we"
    (or "my country") acting before the number; "" otherwise. With nobody known, "we" joins
    no one else's figure."""
    at = max(0, sentence.find(written))
    lead = _CLAUSE_END.split(sentence[max(0, at - 80) : at])[-1]
    # "300 Ukrainian refugees ... in our country", "San Marino has welcomed 300 refugees"
    tail = _CLAUSE_END.split(sentence[at + len(written) : at + len(written) + 80], maxsplit=1)[0]
    named = owner and re.search(rf"\b{re.escape(owner)}\s+{_HOSTS}", lead, re.IGNORECASE)
    if not (_WE.search(lead) or _OURS.search(tail) or named):
        return ""
    return scope_key(owner) or f"an unnamed speaker ({sentence[:40]})"


# what a percentage is often taken of: a share of these is one measure only when the clause says
# which share ("occupied", "in poverty"); "63 per cent of our population" alone is not
_SHARE_BASES = frozenset(
    """population people person territory land country citizen inhabitant product income
    economy budget gdp gnp gni""".split()
)


_CLAUSE_END = re.compile(r"[,;:()—–]|\s(?:and|but|while|whereas|which|who|that)\s")
_RELATIVE_CLAUSE_END = re.compile(r"[,;:()—–]|\s(?:and|but|while|whereas)\s")
_WORD = re.compile(r"[a-z][a-z'-]+")
# verbs that define whom a figure counts (not what they do): people killed, displaced or missing;
# treaties signed or ratified; troops deployed or withdrawn
_DEFINING = re.compile(
    r"(kill|die|dead|death|displac|missing|detain|injur|wound|fle[de]|flee|affect|infect|"
    r"unemploy|employ|trap|return|releas|arrest|imprison|prison|evacuat|resettl|relocat|rescu|"
    r"vaccinat|enrol|register|starv|murder|execut|abduct|kidnap|disappear|expel|deport|repatriat|"
    r"shelter|host|admit|withdr[ae]w|deploy|station|sign|ratif|adopt|defi|violat|breach|veto|"
    r"launch|destroy|demolish|occup|poverty|hunger|refuge|vot|accept|recogni[sz]|accede|"
    r"acced|join|sponsor|welcom)\w*$"
)


def series_keys(
    frame: pd.DataFrame, countries: Mapping[str, str], owners: Mapping[str, str]
) -> tuple[list[tuple[str, str, str, str]], list[str]]:
    """Return each figure's group (organisation, unit, scope, predicate) and its normalised
    counted thing.

    Only figures of the same group can share a series; which series depends on the counted
    things of that group alone (`_cluster`). The scope is what the figure says ("Russian",
    "our" resolved to the speaker's country), never the speaker's country by default. Whoever
    speaks (`owners`: the country, else the speaker) only tells apart figures where "we" act
    ("we welcomed 433,000 Venezuelan citizens").
    """
    organisations = frame["organisation"].tolist()
    scopes = [
        scope_key(scope, country=countries.get(speech_id, ""))
        for scope, speech_id in zip(
            frame["scope"].tolist(), frame["speech_id"].tolist(), strict=True
        )
    ]
    predicates = [
        _predicate(sentence, written, counted)
        for sentence, written, counted in zip(
            frame["sentence"].tolist(),
            frame["text"].tolist(),
            frame["counted"].tolist(),
            strict=True,
        )
    ]
    normalised: dict[tuple[object, str, str], str] = {}
    counted = []
    for name, scope, org in zip(frame["counted"].tolist(), scopes, organisations, strict=True):
        if (name, scope, org) not in normalised:
            # "Members of the United Nations" with the UN as organisation: the members
            thing, _, of = name.partition(" of ")
            if org and of and canonical_organisation(of.strip()) == org:
                name = thing
            words = [w for w in normalise_counted(name).split() if scope_key(w) != scope]
            normalised[(name, scope, org)] = " ".join(words)
        counted.append(normalised[(name, scope, org)])
    vague = frame["is_vague"].tolist() if "is_vague" in frame else [False] * len(frame)
    counted = ["" if v else c for c, v in zip(counted, vague, strict=True)]
    # "we welcomed 433,000 Venezuelan citizens": the speaker's country is who the figure is
    # about as well, so Ecuador's and Brazil's intakes are two measures
    actors = [
        _actor(sentence, written, owners.get(speech_id, ""))
        for sentence, written, speech_id in zip(
            frame["sentence"].tolist(),
            frame["text"].tolist(),
            frame["speech_id"].tolist(),
            strict=True,
        )
    ]
    predicates = [
        f"{p} by {a}".strip() if a else p for p, a in zip(predicates, actors, strict=True)
    ]
    counted = [
        _measure_name(written, c, p, o, sentence, number, unit)
        for c, written, p, o, sentence, number, unit in zip(
            counted, frame["counted"].tolist(), predicates, organisations,
            frame["sentence"].tolist(), frame["text"].tolist(), frame["unit"].tolist(),
            strict=True,
        )
    ]  # fmt: skip
    # a predicate that only repeats the counted thing ("NATO has 29 members") keys nothing
    predicates = [
        "" if c == "member" and _own_predicate(p, written, c, _after(sentence, number)) else p
        for p, written, c, sentence, number in zip(
            predicates, frame["counted"].tolist(), counted, frame["sentence"].tolist(),
            frame["text"].tolist(), strict=True,
        )
    ]  # fmt: skip
    groups = list(zip(organisations, frame["unit"].tolist(), scopes, predicates, strict=True))
    return groups, counted


# people, countries and groups: "48 French citizens", "20 African Heads of State", "nineteen
# countries" name who is counted but not which measure; with no status or act that defines them
# ("missing", "consultative status", "accepted the jurisdiction") two such figures are seldom
# the same measure from one speech to the next
_GENERIC_HEADS = frozenset(
    """person citizen inhabitant resident national compatriot man woman child boy girl youth
    individual soul family household worker employee people country state nation republic
    government head leader delegation delegate representative troop soldier force signatory
    party participant member organization organisation ngo npo company group community seat""".split()
)
# a currency is the unit, never the thing counted: "400 million Danish kroner in assistance"
_CURRENCY_HEADS = frozenset(
    """dollar euro pound sterling franc mark krone kroner krona kronor ruble rouble yen yuan
    rupee peso lira dinar dirham rand shilling guilder florin cent penny pence""".split()
)
_TITLE_WORD = re.compile(r"[A-Z][a-z'’-]+")
_NOT_WHOLE = re.compile(
    r"\b(?:admission|admitted|admit|joined|joining|join|outside|non-?members?|new|other|applied|"
    r"applying|applications?|applicants?)\b",
    re.IGNORECASE,
)
_ITS = re.compile(r"\b(?:its|their)\s+$", re.IGNORECASE)
_PART_OF_BODY = re.compile(r"\s+(?:non-?\s*)?permanent\b", re.IGNORECASE)
_MEMBERS_OF = re.compile(r"\s+(?:[A-Za-z-]+\s+){1,3}?of\s+(?:the\s+)?")
_SHARE_OF = re.compile(r"\s*(?:per\s*cent|percent|%)?\s*of\b", re.IGNORECASE)
# an organisation's whole membership: "the total number of States Members", "a membership of
# 130", "on behalf of the 15 States members of the European Union"
_WHOLE_MEMBERSHIP = re.compile(
    r"\b(?:number|membership|total)\b|\b(?:the|all|its|their)\s+$|"
    r"\b(?:has|have|had|having|comprises?|comprising|includes?|including|counts?|numbers?|"
    r"reached|grown\s+to|now|there\s+(?:are|were)|among)\b(?:\s+[a-z]+){0,2}\s*$",
    re.IGNORECASE,
)


_FROM = re.compile(r"\bfrom\s+(?:only\s+|just\s+|some\s+|about\s+|around\s+|nearly\s+)?$", re.I)
_TO = re.compile(r"^[^.;:]{0,80}?\bto\b", re.IGNORECASE)


def _after(sentence: str, number: str) -> str:
    """The sentence after a figure's number as written."""
    return sentence[max(0, sentence.find(number)) + len(number) :]


_NAME_RUN = re.compile(r"(?:[A-Z][A-Za-z'’-]*\s+){0,3}[A-Z][A-Za-z'’-]*")


def _own_predicate(predicate: str, written: str, counted: str, after: str = "") -> bool:
    """Say whether a predicate only repeats the counted thing: "120 NAM Member States" has the
    status "member states", which says nothing more of them (`after`: the sentence after the
    number, whose first words belong to what it counts)."""
    said = predicate.split(" by ")[0]  # "members by turkey": whoever acts is said apart
    named = _NAME_RUN.match(after.lstrip())  # "Member States"
    own = {*counted.split(), *_WORD.findall(written.lower())}
    own |= set(_WORD.findall(named.group().lower())) if named else set()
    # "27 member states of the EU": the words of a membership right after the number, in any case
    own |= {w for w in _WORD.findall(after.lower())[:4] if _lemma(w) in _MEMBERSHIP_WORDS}
    return bool(said) and set(_WORD.findall(said)) <= {*own, *(w + "s" for w in own)}


def _measure_name(
    written: str,
    counted: str,
    predicate: str,
    organisation: str,
    sentence: str,
    number: str,
    unit: str,
) -> str:
    """Return the counted thing a figure's series is keyed by, "" when it names no measure that
    can be followed across speeches.

    None for: a name of an organisation ("$4 billion ... the United Nations") or of a currency;
    people, countries or groups (`_GENERIC_HEADS`, or a name such as "Turkish Cypriots") with no
    defining status or act; a share of something ("94 per cent of our total exports") without
    what defines the share ("occupied", "devoted"). An organisation's whole membership is one
    measure under all its names ("the number of Members of the United Nations", "115 States now
    represented in the UN", "the 193 UN member states"): "member".
    """
    words = counted.split()
    if not words or words[-1] in _CURRENCY_HEADS or canonical_organisation(written.strip()):
        return ""
    if unit == "x" and words[-1] in _GENERIC_HEADS:
        return ""  # "three times that many nations": a ratio of people or countries, base unsaid
    at = max(0, sentence.find(number))
    before, after = sentence[:at], sentence[at + len(number) :]
    # the starting level of a change ("grew from 51 Members to 193"): charted at the date of the
    # speech it would read as that year's value
    if _FROM.search(before[-30:]) and _TO.match(after):
        return ""
    if predicate and not _own_predicate(predicate, written, counted, after):
        return counted
    if unit in ("percent", "percentage_points") and _SHARE_OF.match(after):
        # "debt at 70 per cent of GDP" says what is measured
        return counted if "as share" in counted else ""
    if organisation and words[-1] in _MEMBERS and not {"permanent", "staff"} & {*words}:
        if unit != "count" or not _WHOLE_MEMBERSHIP.search(before[-60:]):
            return ""
        # "the admission of sixteen countries", "nineteen countries outside the UN": newcomers
        # or non-members, not the membership
        if _NOT_WHOLE.search(before[-60:] + number + after[:40]):
            return ""
        # "the five permanent members", "the six non-permanent members": a part of the body
        if _PART_OF_BODY.match(after):
            return ""
        if not _ITS.search(before):  # "Its 57 States": the organisation of the sentences before
            mentions = {
                m.start: figures_organisation(m.entity) for m in find_organisations(sentence)
            }
            # "the 47 members of the Human Rights Council": members of the organisation named
            of = _MEMBERS_OF.match(after)
            if of and mentions.get(at + len(number) + of.end()) != organisation:
                return ""
            if not of and organisation not in mentions.values():
                return ""
        named = {
            w for m in find_organisations(written) for w in normalise_counted(m.surface).split()
        }
        if {*words} - named <= _MEMBERSHIP_WORDS:
            return "member"
        return counted
    last = written.split()[-1] if written.split() else ""
    if words[-1] in _GENERIC_HEADS or _TITLE_WORD.fullmatch(last):
        return ""
    return counted


# the words of a whole membership: "UN Member States", "participating States", "nations"
_MEMBERSHIP_WORDS = frozenset("member state country nation participating".split())


# what an organisation is made of: figures counting these are about the organisation itself
_MEMBERS = frozenset(
    """member state country nation organisation participant observer party signatory seat
    staff employee official delegate judge commissioner""".split()
)


def _auto_series(groups: Sequence[tuple[str, ...]], counted: list[str]) -> list[str]:
    """Give each figure the id of its automatic series ("" when it joins none).

    No series is formed from a vague magnitude or an empty counted thing (both come here as
    ""), from durations, from a figure that names neither an organisation nor a scope, or from an
    organisation's figure without scope that counts something other than what the organisation
    is made of (`_MEMBERS`).
    """
    buckets: dict[tuple[str, ...], list[str]] = {}
    for group, name in zip(groups, counted, strict=True):
        buckets.setdefault(group, []).append(name)
    mappings = {bucket: _cluster(names) for bucket, names in buckets.items()}
    ids = []
    for group, name in zip(groups, counted, strict=True):
        org, unit, scope = group[0], group[1], group[2]
        predicate = group[3] if len(group) > 3 else ""
        head = name.rsplit(" ", 1)[-1]
        # a rank is of whoever is ranked, which the sentence's subject says, not the counted
        if not name or not (org or scope) or head in _TIME_WORDS or unit == "rank":
            ids.append("")
            continue
        measured = "as share" in name  # "external public debt as share of GDP" says what
        if unit in ("percent", "percentage_points") and head in _SHARE_BASES and not predicate \
                and not measured:  # fmt: skip
            ids.append("")
            continue
        if not scope and head not in _MEMBERS:
            # with no scope, an organisation's figure is one measure only when it counts its own
            # members, States, seats or staff: "contributions to the UN" from two countries are not
            ids.append("")
            continue
        representative = mappings[group][name]
        ids.append("|".join([org or "-", unit, scope or "-", predicate or "-", representative]))
    return ids


def series_key_text(series_id: str) -> str:
    """Write a series id as the reason its points belong together, for people to read:
    "organisation · Russia · consultative status · UN Economic and Social Council · count"."""
    parts = series_id.split("|")
    if len(parts) < 5:
        return series_id
    org, unit, scope, predicate, counted = parts[:5]
    words = [counted]
    words += [scope] if scope != "-" else []
    words += [predicate] if predicate != "-" and normalise_counted(predicate) != counted else []
    words += [org] if org != "-" else []
    words.append(unit)
    return " · ".join(words)


def _resolve_merges(series_id: str, edits: Mapping[str, Mapping[str, object]]) -> str:
    seen = set()
    while series_id and series_id not in seen:
        seen.add(series_id)
        target = edits.get(series_id, {}).get("merged_into")
        if not target:
            break
        series_id = str(target)
    return series_id


@dataclass(slots=True)
class _Tally:
    """What the figures of one series say, counted in the order the figures come."""

    counted: dict[str, int] = field(default_factory=dict)
    scope: dict[str, int] = field(default_factory=dict)
    organisation: dict[str, int] = field(default_factory=dict)
    unit: dict[str, int] = field(default_factory=dict)
    predicate: dict[str, int] = field(default_factory=dict)


def _most_common(counts: dict[str, int]) -> str:
    """Return the most frequent value, the first one counted among equals (as `Counter.most_common`)."""
    return max(counts, key=counts.__getitem__)


def _tallies(frame: pd.DataFrame) -> dict[str, _Tally]:
    """Count counted things, scopes, organisations, units and predicates of every series in one pass."""
    tallies: dict[str, _Tally] = {}
    columns = ["series", "counted", "scope", "organisation", "unit", "sentence", "text"]
    for series_id, counted, scope, org, unit, sentence, written in zip(
        *(frame[c].tolist() for c in columns), strict=True
    ):
        if series_id == "":
            continue
        tally = tallies.get(series_id)
        if tally is None:
            tally = tallies[series_id] = _Tally()
        for counts, value in (
            (tally.counted, counted),
            (tally.scope, scope),
            (tally.organisation, org),
            (tally.unit, unit),
        ):
            counts[value] = counts.get(value, 0) + 1
        at = max(0, sentence.find(written))
        match = _PREDICATE.search(sentence, at, at + len(written) + 80)  # the clause of the number
        if match:
            predicate = match.group(1).lower()
            tally.predicate[predicate] = tally.predicate.get(predicate, 0) + 1
    return tallies


def _auto_name(series_id: str, tally: _Tally) -> str:
    """Build a readable series name: "Russian NGOs with ECOSOC consultative status"."""
    counted = _most_common(tally.counted)
    scope = _most_common(tally.scope)
    if scope.lower() in ("our", "my", "its", "their"):
        scope = ""
    if scope and scope.lower() not in counted.lower():
        counted = f"{scope} {counted}"
    org = _most_common(tally.organisation)
    org_name = short_name(org) if org else ""
    predicate = _most_common(tally.predicate) if tally.predicate else ""
    unit = _most_common(tally.unit)
    if predicate.endswith("status") and org_name:
        name = f"{counted} with {org_name} {predicate}"
    elif predicate and org_name and predicate.lower() not in counted.lower():
        article = "the " if " " in org_name else ""  # "of the Council of Europe", "of NATO"
        name = f"{counted} as {predicate} of {article}{org_name}"
    elif org_name:
        name = f"{counted} ({org_name})"
    else:
        name = counted
    if unit != "count":
        name = f"{name} [{unit}]"
    return name


def assign_series(
    quantities: pd.DataFrame,
    edits: Mapping[str, Mapping[str, object]],
    *,
    countries: Mapping[str, str] | None = None,
    owners: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Add `series`, `series_name` and `confirmed` columns to corrected figures.

    Args:
        quantities: figures after `apply_corrections` (with `series_override`).
        edits: series edits by series id (name, merged_into, confirmed).
        countries: the country each speech speaks for, by speech id, so "our" joins "Russian".
        owners: who speaks in each speech (country, else speaker), by speech id; figures with
            neither organisation nor scope form series per owner, and none without an owner.
    """
    inputs = series_inputs(quantities, countries or {}, owners or {})
    return assign_series_of(quantities, inputs, edits)


def assign_series_of(
    quantities: pd.DataFrame, inputs: pd.DataFrame, edits: Mapping[str, Mapping[str, object]]
) -> pd.DataFrame:
    """`assign_series` with the figures' `series_inputs` already found."""
    frame = quantities.copy()
    if "series_override" not in frame:
        frame["series_override"] = ""
    auto = inputs["auto"].tolist()
    chosen = [o if o else a for o, a in zip(frame["series_override"].tolist(), auto, strict=True)]
    resolved = {s: _resolve_merges(s, edits) for s in set(chosen)}
    frame["series"] = [resolved[s] for s in chosen]
    _set_names(frame, edits)
    return frame.drop(columns=["series_override"])


def _set_names(frame: pd.DataFrame, edits: Mapping[str, Mapping[str, object]]) -> None:
    """Set the `series_name` and `confirmed` columns of figures from their `series` column.

    A series is named by its users' edit, else from what its figures say (`_auto_name`, which
    counts them in the frame's order): pass every figure of each series named, in order.
    """
    names: dict[str, str] = {}
    for series_id, tally in _tallies(frame).items():
        given = edits.get(str(series_id), {}).get("name")
        names[str(series_id)] = str(given) if given else _auto_name(str(series_id), tally)
    series = frame["series"].tolist()
    frame["series_name"] = [names.get(s, "") for s in series]
    confirmed = {s: bool(edits.get(s, {}).get("confirmed", False)) for s in set(series)}
    frame["confirmed"] = [confirmed[s] for s in series]


def _changes(series: np.ndarray, speeches: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Value minus the value before it in the series, NaN for a series' first figure and for a
    figure of the same speech as the one before."""
    changes = np.full(len(values), np.nan)
    if len(values) > 1:
        follows = (series[1:] == series[:-1]) & (speeches[1:] != speeches[:-1])
        changes[1:] = np.where(follows, values[1:] - values[:-1], np.nan)
    return changes


def _disagreements(
    days: np.ndarray, speeches: np.ndarray, values: np.ndarray, *, shown: int = 5
) -> list[str]:
    """Name (up to `shown`) other speeches within `DISAGREEMENT_DAYS` giving a different value."""
    low = np.searchsorted(days, days - DISAGREEMENT_DAYS, side="left")
    high = np.searchsorted(days, days + DISAGREEMENT_DAYS, side="right")
    named = []
    for i in range(len(values)):
        window = slice(low[i], high[i])
        tolerance = 1e-9 * max(1.0, abs(values[i]))
        differs = (speeches[window] != speeches[i]) & (
            np.abs(values[window] - values[i]) > tolerance
        )
        others = sorted(set(speeches[window][differs]))
        named.append(",".join(others[:shown]) + (",…" if len(others) > shown else ""))
    return named


def series_frame(quantities: pd.DataFrame) -> pd.DataFrame:
    """Lay each series out over time, with changes between speeches and disagreements.

    Args:
        quantities: figures with `series` and `series_name` (from `assign_series`) and `date`.

    Returns:
        One row per figure in a series (figures outside any series are left out), sorted by series
        and date, with columns `SERIES_COLUMNS`. `change` and `change_pct` compare with the previous
        speech of the series; `is_disagreement` marks figures that differ from another speech's
        figure within `DISAGREEMENT_DAYS`, and `disagrees_with` names those speeches.
    """
    frame = quantities[quantities["series"] != ""]
    if "date_precision" not in frame:
        frame = frame.assign(date_precision="day")
    frame = frame.sort_values(["series", "date", "speech_id", "start"])
    frame = frame.reset_index(drop=True)
    series = frame["series"].to_numpy(dtype=object)
    days = frame["date"].to_numpy(dtype="datetime64[D]").astype("int64")
    speeches = frame["speech_id"].to_numpy(dtype=object)
    values = frame["value"].to_numpy(dtype="float64")
    bounds = [0, *(np.flatnonzero(series[1:] != series[:-1]) + 1).tolist(), len(frame)]
    disagreements = [""] * len(frame)  # most series hold one figure: nothing to compare
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        if b - a > 1:
            disagreements[a:b] = _disagreements(days[a:b], speeches[a:b], values[a:b])
    frame["change"] = pd.Series(_changes(series, speeches, values), dtype="float64")
    previous_values = frame["value"] - frame["change"]
    frame["change_pct"] = (frame["change"] / previous_values.where(previous_values != 0)) * 100
    frame["is_change"] = frame["change"].fillna(0).abs() > 0
    frame["disagrees_with"] = pd.Series(disagreements, dtype="object")
    frame["is_disagreement"] = frame["disagrees_with"] != ""
    keys = {s: series_key_text(s) for s in set(frame["series"].tolist())}
    frame["key"] = pd.Series(
        [keys[s] for s in frame["series"].tolist()], index=frame.index, dtype=frame["series"].dtype
    )
    return frame[SERIES_COLUMNS]


SUMMARY_COLUMNS = [
    "series",
    "series_name",
    "key",
    "organisation",
    "unit",
    "n_speeches",
    "first_date",
    "last_date",
    "values",
    "n_changes",
    "n_disagreements",
    "confirmed",
    "first_date_iso",
    "last_date_iso",
    "date_precision",
]


def _value_texts(points: pd.DataFrame) -> list[str]:
    """Write each point as "2018-06-15: only 70" ("2018: ..." for a date known to the year; the
    qualifier left out when exact; the value as people read it: "$11,300,000,000", "42%")."""
    days = [
        readable_date(d, p)
        for d, p in zip(points["date"].tolist(), points["date_precision"].tolist(), strict=True)
    ]
    return [
        f"{d}: {'' if q == 'exact' else q.replace('_', ' ') + ' '}{readable_value(v, u)}"
        for d, q, v, u in zip(
            days,
            points["qualifier"].tolist(),
            points["value"].tolist(),
            points["unit"].tolist(),
            strict=True,
        )
    ]


def _joined_values(points: pd.DataFrame) -> pd.Series:
    """Join the value texts of each series' points, in the order of the points, by series."""
    codes, names = pd.factorize(points["series"], sort=True)
    texts = _value_texts(points)
    parts: list[list[str]] = [[] for _ in range(len(names))]
    for code, text in zip(codes.tolist(), texts, strict=True):
        parts[code].append(text)
    return pd.Series(["; ".join(p) for p in parts], index=pd.Index(names, name="series"))


def series_summary(points: pd.DataFrame) -> pd.DataFrame:
    """Summarise each series in one row: its name, span, values over time and flags.

    Returns:
        Columns `SUMMARY_COLUMNS`: series, series_name, key, organisation, unit, n_speeches,
        first_date, last_date (written to their precision: "2018" for a date known to the
        year), values (e.g. "2018-06-15: only 70; 2019: about 80"), n_changes, n_disagreements,
        confirmed, then first_date_iso, last_date_iso and date_precision (of the series' points:
        the coarsest) for exports; one row per series, sorted by series.
    """
    if points.empty:
        return pd.DataFrame([], columns=SUMMARY_COLUMNS)
    by_series = points.groupby("series", sort=True)
    firsts = points.drop_duplicates("series").set_index("series")  # a series' first point
    counts = pd.DataFrame(
        {
            "n_speeches": by_series["speech_id"].nunique(),
            "first_date": by_series["date"].min(),
            "last_date": by_series["date"].max(),
            "values": _joined_values(points),
            "n_changes": by_series["is_change"].sum().astype("int64"),
            "n_disagreements": by_series["is_disagreement"].sum().astype("int64"),
        }
    )
    summary = counts.join(firsts[["series_name", "key", "organisation", "unit", "confirmed"]])
    summary["confirmed"] = summary["confirmed"].astype(bool)
    coarsest = points["date_precision"].map(_PRECISION_RANK).groupby(points["series"]).max()
    summary["date_precision"] = coarsest.map(dict(enumerate(_PRECISIONS)))
    for end in ("first_date", "last_date"):
        summary[f"{end}_iso"] = summary[end].dt.strftime("%Y-%m-%d")
        summary[end] = [
            readable_date(d, p)
            for d, p in zip(summary[end], summary["date_precision"], strict=True)
        ]
    return summary.rename_axis("series").reset_index()[SUMMARY_COLUMNS]


_PRECISIONS = ("day", "month", "year")
_PRECISION_RANK = {name: rank for rank, name in enumerate(_PRECISIONS)}


# A measure worth following keeps its order of magnitude from speech to speech (NGOs with a status:
# 70, then 80; members of a union: 10, then 12); a "series" whose values run from 2 to 2 billion
# gathers different things said near the same name.
STEADY_SPREAD = 3.0


def followed_series(points: pd.DataFrame, summary: pd.DataFrame, *, n: int) -> list[str]:
    """Return up to `n` series to show first: steady measures that changed, most cited first.

    A series qualifies when at least two speeches cite it, its values differ, and its largest
    value is at most `STEADY_SPREAD` times its smallest; the rest of `n` is filled with other
    series cited by two speeches or more (never a series of one speech).

    Args:
        points: the points of the series (`series_frame`: series, speech_id, value).
        summary: one row per series (`series_summary`), in the order to fall back on.
    """
    if summary.empty or n <= 0:
        return []
    # only the points of the series offered: grouping every point of a large corpus by its
    # series string cost most of the Figures page's run
    offered = is_in(points["series"], summary["series"]) & (points["value"] > 0).to_numpy()
    positive = points[offered].groupby("series")["value"]
    low, high = positive.min(), positive.max()
    spread = (high / low).reindex(summary["series"]).to_numpy()
    steady = (spread > 1) & (spread <= STEADY_SPREAD) & (summary["n_speeches"].to_numpy() >= 2)
    chosen = summary["series"][steady].head(n).tolist()
    # only series cited in two speeches or more are charted: one speech's figure is no trend
    several = summary["series"][summary["n_speeches"].to_numpy() >= 2]
    rest = [s for s in several.head(n + len(chosen)) if s not in chosen]
    return chosen + rest[: n - len(chosen)]


__all__ = [
    "CORRECTION_KIND",
    "QUANTITY_COLUMNS",
    "SERIES_COLUMNS",
    "SERIES_EDIT_KIND",
    "SUMMARY_COLUMNS",
    "apply_corrections",
    "assign_series",
    "followed_series",
    "normalise_counted",
    "scope_key",
    "quantity_key",
    "series_frame",
    "series_summary",
]


# -- growing the series by a few speeches --------------------------------------------------

# joins the organisation, unit and scope of a figure's group in one string (they hold no such
# character: it is not printable)
_GROUP_JOIN = "\x1f"


def series_inputs(
    frame: pd.DataFrame, countries: Mapping[str, str], owners: Mapping[str, str]
) -> pd.DataFrame:
    """Return what each figure's series is found from: its `group`, normalised `counted` and
    `auto` series (before users' moves and merges).

    Kept beside the figures of a corpus, so that `grow_series` can add a few speeches' figures
    without normalising and clustering every figure again.
    """
    groups, counted = series_keys(frame, countries, owners) if len(frame) else ([], [])
    return pd.DataFrame(
        {
            "group": [_GROUP_JOIN.join(g) for g in groups],
            "counted": counted,
            "auto": _auto_series(groups, counted),
        },
        index=frame.index,
        dtype=object,
    )


def series_overrides(keys: list[str], corrections: Mapping[str, Mapping[str, object]]) -> list[str]:
    """Return the series users moved each figure to ("" for none), as `apply_corrections` reads them."""
    out = []
    for found in _corrections_of(keys, corrections):
        moved = found.get("series") if found else None
        out.append(str(moved) if moved is not None else "")
    return out


def _corrections_of(
    keys: list[str], corrections: Mapping[str, Mapping[str, object]]
) -> list[Mapping[str, object] | None]:
    """Return each figure's correction: by its key, else by speech and start (the extractor may
    now read the number a little longer or shorter)."""
    by_start = {key.rsplit(":", 1)[0]: value for key, value in corrections.items()}
    return [corrections.get(k) or by_start.get(k.rsplit(":", 1)[0]) for k in keys]


def grow_series(
    figures: pd.DataFrame,
    inputs: pd.DataFrame,
    added: pd.DataFrame,
    corrections: Mapping[str, Mapping[str, object]],
    edits: Mapping[str, Mapping[str, object]],
    *,
    countries: Mapping[str, str],
    owners: Mapping[str, str],
    pause: Callable[[], None] = lambda: None,
) -> tuple[pd.DataFrame, pd.DataFrame, set[str]]:
    """Add the figures of new speeches to figures already in series, as `assign_series` on all.

    A new figure can change the series of figures already there: a shorter name that matches
    them becomes their group's representative. So every group that receives a figure is
    clustered again whole, and every series that gains or loses a figure is named again.

    Args:
        figures: figures of the corpus with series columns, sorted by date, speech and start,
            from `assign_series` (extra columns are kept).
        inputs: `series_inputs` of `figures`, row for row.
        added: corrected figures of speeches not in `figures` (`apply_corrections`), with
            the same columns as `figures` but the series ones.
        corrections: the users' corrections of figures (`apply_corrections`).
        edits, countries, owners: as for `assign_series`, covering the new speeches too.
        pause: called between the steps, to let other work of the same process go first.

    Returns:
        (figures, inputs, changed): both tables with the new figures, sorted as `figures` was,
        and the ids of the series whose figures changed.
    """
    added = added.sort_values(["date", "speech_id", "start"], ignore_index=True)
    if "series_override" not in added:
        added["series_override"] = ""
    new_inputs = series_inputs(added, countries, owners)
    # a group whose counted things are all known already keeps its clusters: the new figures
    # take the series of a known figure with the same counted thing. Any other group that gains
    # a figure is clustered again whole.
    touched = set(new_inputs["group"])
    near = np.flatnonzero(inputs["group"].isin(touched).to_numpy())
    known: dict[tuple[str, str], str] = {}
    for group, name, auto in zip(*(inputs[c].iloc[near].tolist() for c in ("group", "counted",
                                                                          "auto")), strict=True):  # fmt: skip
        known.setdefault((group, name), auto)
    fresh_groups = {
        g for g, n in zip(new_inputs["group"], new_inputs["counted"], strict=True)
        if (g, n) not in known
    }  # fmt: skip
    pause()
    regrouped = near[inputs["group"].iloc[near].isin(fresh_groups).to_numpy()]
    joining = new_inputs["group"].isin(fresh_groups).to_numpy()
    old = figures.iloc[regrouped]
    groups = [tuple(g.split(_GROUP_JOIN)) for g in inputs["group"].iloc[regrouped]]
    groups += [tuple(g.split(_GROUP_JOIN)) for g in new_inputs["group"][joining]]
    counted = [*inputs["counted"].iloc[regrouped], *new_inputs["counted"][joining]]
    reclustered = iter(_auto_series(groups, counted))  # type: ignore[arg-type]
    old_auto = [next(reclustered) for _ in range(len(regrouped))]
    new_auto = [
        next(reclustered) if joins else known[(g, n)]
        for g, n, joins in zip(new_inputs["group"], new_inputs["counted"], joining, strict=True)
    ]
    new_inputs["auto"] = new_auto
    inputs = inputs.copy()
    inputs.iloc[regrouped, inputs.columns.get_loc("auto")] = old_auto
    overrides = series_overrides(old["key"].tolist(), corrections)
    overrides += added["series_override"].tolist()
    chosen = [o if o else a for o, a in zip(overrides, old_auto + new_auto, strict=True)]
    chosen = [_resolve_merges(s, edits) for s in chosen]
    changed = {*old["series"].tolist(), *chosen} - {""}
    pause()
    series = np.concatenate([figures["series"].to_numpy(dtype=object), chosen[len(regrouped) :]])
    series[regrouped] = chosen[: len(regrouped)]
    added = added.drop(columns=["series_override"]).assign(
        series="", series_name="", confirmed=False
    )
    order = _merged_order(figures, added)
    both = pd.concat([figures, added[list(figures.columns)]], ignore_index=True)
    both_inputs = pd.concat([inputs, new_inputs], ignore_index=True)
    if not np.array_equal(order, np.arange(len(order))):  # (new speeches are often the newest)
        both = both.iloc[order].reset_index(drop=True)
        both_inputs = both_inputs.iloc[order]
    pause()
    both["series"] = series[order]
    pause()
    renamed = np.flatnonzero(both["series"].isin(changed).to_numpy())
    if len(renamed):
        part = both.iloc[renamed][["series", "counted", "scope", "organisation", "unit",
                                   "sentence", "text"]].copy()  # fmt: skip
        _set_names(part, edits)
        names = both["series_name"].to_numpy(dtype=object, copy=True)
        names[renamed] = part["series_name"].to_numpy(dtype=object)
        confirmed = both["confirmed"].to_numpy(dtype=bool, copy=True)
        confirmed[renamed] = part["confirmed"].to_numpy(dtype=bool)
        both["series_name"] = pd.Series(names, dtype=figures["series_name"].dtype)
        both["confirmed"] = confirmed
    return both, both_inputs.reset_index(drop=True), changed


def _merged_order(figures: pd.DataFrame, added: pd.DataFrame) -> np.ndarray:
    """Row numbers that sort `figures` followed by `added` by date, speech and start.

    Both are sorted already; each added row is placed by a binary search on the day, then among
    that day's figures: a few new rows are placed without sorting the whole corpus again.
    """
    days = figures["date"].to_numpy(dtype="datetime64[ns]").view(np.int64)
    new_days = added["date"].to_numpy(dtype="datetime64[ns]").view(np.int64)
    low = np.searchsorted(days, new_days, side="left")
    high = np.searchsorted(days, new_days, side="right")
    speech_ids = figures["speech_id"]
    starts = figures["start"].to_numpy()
    positions = []
    for a, b, speech_id, start in zip(
        low.tolist(), high.tolist(), added["speech_id"].tolist(), added["start"].tolist(),
        strict=True,
    ):  # fmt: skip
        keys = list(zip(speech_ids.iloc[a:b].tolist(), starts[a:b].tolist(), strict=True))
        positions.append(a + bisect.bisect_right(keys, (speech_id, start)))
    n = len(figures)
    return np.insert(np.arange(n), positions, np.arange(n, n + len(added)))

"""Canonical international organisations, and finding them in speech text by acronym or full name."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True, slots=True, kw_only=True)
class Organisation:
    """One canonical organisation and the ways speeches name it.

    Attributes:
        entity: the canonical name shown to users ("UN Economic and Social Council").
        short: the compact name used in series names ("ECOSOC"); the entity itself when none is usual.
        acronyms: spellings matched case-sensitively as whole words ("ECOSOC", "G-20").
        names: full names and variants, matched with their capitals as written; "Organization"
            also matches "Organisation" and "Co-operation" also matches "Cooperation".
        parent: the organisation this one is part of, if any (information for users).
        reports_under: the organisation that cited figures about this body are attributed to; set
            only for bodies users follow through their parent (the INGO Conference of the Council
            of Europe).
    """

    entity: str
    short: str
    acronyms: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    parent: str | None = None
    reports_under: str | None = None


def _org(
    entity: str,
    short: str = "",
    acronyms: tuple[str, ...] = (),
    names: tuple[str, ...] = (),
    parent: str | None = None,
    reports_under: str | None = None,
) -> Organisation:
    return Organisation(
        entity=entity,
        short=short or entity,
        acronyms=acronyms,
        names=names,
        parent=parent,
        reports_under=reports_under,
    )


_UN = "United Nations"
_COE = "Council of Europe"
_EU = "European Union"

ORGANISATIONS: tuple[Organisation, ...] = (
    _org(_UN, "UN", ("UN", "U.N.", "UNO"), ("United Nations", "United Nations Organization")),
    _org(
        "UN General Assembly",
        "UN General Assembly",
        ("UNGA",),
        ("General Assembly", "United Nations General Assembly", "UN General Assembly"),
        parent=_UN,
    ),
    _org(
        "UN Security Council",
        "UN Security Council",
        ("UNSC",),
        ("Security Council", "United Nations Security Council", "UN Security Council"),
        parent=_UN,
    ),
    _org(
        "UN Economic and Social Council",
        "ECOSOC",
        ("ECOSOC",),
        (
            "Economic and Social Council of the United Nations",
            "Economic and Social Council",
            "UN Economic and Social Council",
            "United Nations Economic and Social Council",
        ),
        parent=_UN,
    ),
    _org(
        "UN Human Rights Council",
        "UN Human Rights Council",
        ("UNHRC", "HRC"),
        ("Human Rights Council", "UN Human Rights Council", "United Nations Human Rights Council"),
        parent=_UN,
    ),
    _org(
        "UN Human Rights Office",
        "OHCHR",
        ("OHCHR",),
        (
            "Office of the United Nations High Commissioner for Human Rights",
            "Office of the High Commissioner for Human Rights",
            "UN Human Rights Office",
        ),
        parent=_UN,
    ),
    _org(
        "UNESCO",
        acronyms=("UNESCO",),
        names=("United Nations Educational, Scientific and Cultural Organization",),
        parent=_UN,
    ),
    _org(
        "UNICEF",
        acronyms=("UNICEF",),
        names=("United Nations Children's Fund",),
        parent=_UN,
    ),
    _org(
        "UNHCR",
        acronyms=("UNHCR",),
        names=(
            "Office of the United Nations High Commissioner for Refugees",
            "UN Refugee Agency",
            "United Nations High Commissioner for Refugees",
        ),
        parent=_UN,
    ),
    _org("UNDP", acronyms=("UNDP",), names=("United Nations Development Programme",), parent=_UN),
    _org("UNEP", acronyms=("UNEP",), names=("United Nations Environment Programme",), parent=_UN),
    _org(
        "UNCTAD",
        acronyms=("UNCTAD",),
        names=("United Nations Conference on Trade and Development",),
    ),
    _org(
        "UNRWA", acronyms=("UNRWA",), names=("United Nations Relief and Works Agency",), parent=_UN
    ),
    _org("World Food Programme", "WFP", ("WFP",), ("World Food Programme",), parent=_UN),
    _org(
        "Food and Agriculture Organization",
        "FAO",
        ("FAO",),
        ("Food and Agriculture Organization",),
        parent=_UN,
    ),
    _org(
        "International Labour Organization",
        "ILO",
        ("ILO",),
        ("International Labour Organization", "International Labor Organization"),
        parent=_UN,
    ),
    _org("World Health Organization", "WHO", ("WHO",), ("World Health Organization",), parent=_UN),
    _org("World Trade Organization", "WTO", ("WTO",), ("World Trade Organization",)),
    _org("International Monetary Fund", "IMF", ("IMF",), ("International Monetary Fund",)),
    _org(
        "World Bank",
        acronyms=("IBRD",),
        names=("World Bank", "International Bank for Reconstruction and Development"),
    ),
    _org(
        "International Atomic Energy Agency",
        "IAEA",
        ("IAEA",),
        ("International Atomic Energy Agency",),
    ),
    _org(
        "Organisation for the Prohibition of Chemical Weapons",
        "OPCW",
        ("OPCW",),
        ("Organization for the Prohibition of Chemical Weapons",),
    ),
    _org(
        "OSCE",
        acronyms=("OSCE", "CSCE"),
        names=(
            "Organization for Security and Co-operation in Europe",
            "Conference on Security and Co-operation in Europe",
        ),
    ),
    _org(_COE, "Council of Europe", ("CoE",), ("Council of Europe",)),
    _org(
        "Conference of INGOs of the Council of Europe",
        "INGO Conference",
        (),
        (
            "Conference of International Non-Governmental Organizations of the Council of Europe",
            "Conference of International Non-Governmental Organizations",
            "Conference of INGOs of the Council of Europe",
            "Conference of INGOs",
            "INGO Conference",
            "International NGO Conference",
        ),
        parent=_COE,
        reports_under=_COE,
    ),
    _org(
        "Parliamentary Assembly of the Council of Europe",
        "PACE",
        ("PACE",),
        ("Parliamentary Assembly of the Council of Europe",),
        parent=_COE,
    ),
    _org(
        "European Court of Human Rights",
        "ECHR",
        ("ECtHR",),
        ("European Court of Human Rights",),
        parent=_COE,
    ),
    _org(_EU, "EU", ("EU", "E.U."), ("European Union",)),
    _org("European Commission", names=("European Commission",), parent=_EU),
    _org("European Parliament", names=("European Parliament",), parent=_EU),
    _org(
        "European Economic Community",
        "EEC",
        ("EEC",),
        ("European Economic Community", "European Community", "European Communities"),
    ),
    _org(
        "NATO",
        acronyms=("NATO",),
        names=("North Atlantic Treaty Organization", "North Atlantic Alliance"),
    ),
    _org("SCO", acronyms=("SCO",), names=("Shanghai Cooperation Organization",)),
    _org("BRICS", acronyms=("BRICS",)),
    _org("Eurasian Economic Union", "EAEU", ("EAEU", "EAEC", "EEU"), ("Eurasian Economic Union",)),
    _org("CSTO", acronyms=("CSTO",), names=("Collective Security Treaty Organization",)),
    _org("CIS", acronyms=("CIS",), names=("Commonwealth of Independent States",)),
    _org(
        "ASEAN",
        acronyms=("ASEAN",),
        names=("Association of Southeast Asian Nations", "Association of South-East Asian Nations"),
    ),
    _org("APEC", acronyms=("APEC",), names=("Asia-Pacific Economic Co-operation",)),
    _org("G20", acronyms=("G20", "G-20"), names=("Group of Twenty",)),
    _org("G7", acronyms=("G7", "G-7"), names=("Group of Seven",)),
    _org("G8", acronyms=("G8", "G-8"), names=("Group of Eight",)),
    _org("Group of 77", "G77", ("G77", "G-77"), ("Group of 77", "Group of Seventy-Seven")),
    _org(
        "Non-Aligned Movement",
        "NAM",
        ("NAM",),
        ("Non-Aligned Movement", "Movement of Non-Aligned Countries"),
    ),
    _org("African Union", "AU", ("AU",), ("African Union",)),
    _org("Organisation of African Unity", "OAU", ("OAU",), ("Organization of African Unity",)),
    _org("Arab League", "Arab League", (), ("League of Arab States", "Arab League")),
    _org(
        "Organisation of Islamic Cooperation",
        "OIC",
        ("OIC",),
        ("Organization of Islamic Co-operation", "Organization of the Islamic Conference"),
    ),
    _org("Gulf Cooperation Council", "GCC", ("GCC",), ("Gulf Co-operation Council",)),
    _org("Organization of American States", "OAS", ("OAS",), ("Organization of American States",)),
    _org("CELAC", acronyms=("CELAC",), names=("Community of Latin American and Caribbean States",)),
    _org("Mercosur", acronyms=("MERCOSUR", "Mercosur"), names=("Southern Common Market",)),
    _org("OPEC", acronyms=("OPEC",), names=("Organization of the Petroleum Exporting Countries",)),
    _org(
        "OECD",
        acronyms=("OECD",),
        names=("Organization for Economic Co-operation and Development",),
    ),
    _org("International Criminal Court", "ICC", ("ICC",), ("International Criminal Court",)),
    _org(
        "International Court of Justice",
        "ICJ",
        ("ICJ",),
        ("International Court of Justice",),
        parent=_UN,
    ),
    _org("League of Nations", names=("League of Nations",)),
    _org(
        "Interpol",
        acronyms=("INTERPOL", "Interpol"),
        names=("International Criminal Police Organization",),
    ),
)

_BY_ENTITY = {org.entity: org for org in ORGANISATIONS}


@dataclass(frozen=True, slots=True, kw_only=True)
class OrgMention:
    """One mention of an organisation in a text.

    Attributes:
        entity: the canonical organisation (`Organisation.entity`).
        surface: the text as written ("ECOSOC", "Economic and Social Council").
        start: character offset of the mention in the text.
        end: character offset just past the mention.
    """

    entity: str
    surface: str
    start: int
    end: int


def _name_pattern(name: str) -> str:
    """Turn a written name into a pattern that tolerates spacing and British/American spelling."""
    parts = []
    for word in name.split():
        pattern = re.escape(word)
        pattern = re.sub(r"Organi[sz]ation", "Organi[sz]ation", pattern)
        pattern = pattern.replace(r"Co\-operation", "Co-?operation").replace(
            r"Cooperation", "Co-?operation"
        )
        pattern = re.sub("['’]", "['’]", pattern)
        parts.append(pattern)
    return r"\s+".join(parts)


@cache
def _mention_patterns() -> tuple[dict[str, re.Pattern[str]], dict[str, str]]:
    """Build, for each first letter, the alternation of every acronym and name starting with it,
    longest first, with a lookup from group names to entities.

    Only spellings starting with the letter at a position can match there, so one alternation per
    letter finds the same mention as one alternation of everything, trying far fewer branches.
    """
    alternatives: list[tuple[str, str, str]] = []  # (pattern, group name, first letter)
    lookup: dict[str, str] = {}
    for index, org in enumerate(ORGANISATIONS):
        for kind, spellings in (("a", org.acronyms), ("n", org.names)):
            for number, spelling in enumerate(spellings):
                group = f"{kind}{index}_{number}"
                body = re.escape(spelling) if kind == "a" else _name_pattern(spelling)
                alternatives.append((body, group, spelling[0]))
                lookup[group] = org.entity
    alternatives.sort(key=lambda item: len(item[0]), reverse=True)
    by_letter: dict[str, list[str]] = {}
    for body, group, letter in alternatives:
        by_letter.setdefault(letter, []).append(f"(?P<{group}>{body})")
    # every spelling starts with a capital: the lookahead skips other positions cheaply
    patterns = {
        letter: re.compile(rf"(?=[A-Z])(?<![\w.-])(?:{'|'.join(bodies)})(?![\w]|-\d)")
        for letter, bodies in by_letter.items()
    }
    return patterns, lookup


@cache
def _first_words() -> re.Pattern[str]:
    """Build a pattern matching the first character of every first word of every spelling.

    Each match is one character long (the rest of the word is a lookahead), so occurrences that
    overlap are all found; starting every branch with a letter lets the engine skip to those.
    """
    words = {
        spelling.split()[0] for org in ORGANISATIONS for spelling in (*org.acronyms, *org.names)
    }
    by_letter: dict[str, list[str]] = {}
    for word in sorted(words, key=lambda w: (-len(w), w)):
        by_letter.setdefault(word[0], []).append(re.escape(word[1:]))
    return re.compile(
        "|".join(f"{re.escape(letter)}(?={'|'.join(rests)})" for letter, rests in by_letter.items())
    )


def _candidate_positions(text: str) -> list[int]:
    """Return the offsets where a mention may start: where the first word of a spelling appears."""
    return [match.start() for match in _first_words().finditer(text)]


def find_organisations(text: str) -> list[OrgMention]:
    """Find every mention of a known organisation, the longest name winning where names overlap.

    Args:
        text: any text.

    Returns:
        Mentions in text order; "Conference of International Non-Governmental Organisations of the
        Council of Europe" is one mention of the INGO Conference, not also of the Council of Europe.

    Example:
        >>> [m.entity for m in find_organisations("Only 70 Russian NGOs are with ECOSOC.")]
        ['UN Economic and Social Council']
    """
    patterns, lookup = _mention_patterns()
    mentions = []
    last_end = -1
    for position in _candidate_positions(text):
        if position < last_end:
            continue
        match = patterns[text[position]].match(text, position)
        if match is None or match.lastgroup is None:
            continue
        group = match.lastgroup
        last_end = match.end()
        mentions.append(
            OrgMention(
                entity=lookup[group], surface=match.group(), start=match.start(), end=match.end()
            )
        )
    return mentions


def _key(name: str) -> str:
    folded = re.sub(r"\s+", " ", name.replace("’", "'")).strip().casefold()
    folded = re.sub(r"^the ", "", folded)
    return folded.replace("organization", "organisation").replace("co-operation", "cooperation")


@cache
def _canonical_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for org in ORGANISATIONS:
        for spelling in (org.entity, org.short, *org.names, *org.acronyms):
            lookup.setdefault(_key(spelling), org.entity)
    return lookup


def canonical_organisation(name: str) -> str | None:
    """Return the canonical organisation for an acronym, a full name or a variant, or None.

    Matching ignores case, a leading "the", spacing and "-ise"/"-ize" spelling.

    Example:
        >>> canonical_organisation("ecosoc")
        'UN Economic and Social Council'
    """
    return _canonical_lookup().get(_key(name))


def organisation(entity: str) -> Organisation:
    """Return the table entry of a canonical organisation.

    Raises:
        KeyError: when `entity` is not a canonical organisation name.
    """
    return _BY_ENTITY[entity]


def figures_organisation(entity: str) -> str:
    """Return the organisation cited figures about `entity` are attributed to (its parent for some bodies)."""
    org = _BY_ENTITY.get(entity)
    if org is None or org.reports_under is None:
        return entity
    return org.reports_under


def short_name(entity: str) -> str:
    """Return the compact name of a canonical organisation ("ECOSOC"), or the name itself if unknown."""
    org = _BY_ENTITY.get(entity)
    return org.short if org else entity

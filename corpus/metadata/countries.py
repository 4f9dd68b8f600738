"""One standard code per country, whatever name a title, a table or a speech gives it.

Codes are ISO 3166-1 alpha-3 ("RUS"), and ISO 3166-3 codes for states that no longer exist
("SUN" the Soviet Union, "YUG" Yugoslavia, "DDR" East Germany, "CSK" Czechoslovakia), from the
maintained `pycountry` tables. A name is looked up exactly (letter case, accents, curly
apostrophes, a leading "the" and the order of "Korea, Republic of" do not matter) in:

1. a small table of the short forms people write that ISO does not list ("Russia", "Britain",
   "Ivory Coast", "Soviet Union", "Holy See", "Palestine", "DRC"...);
2. ISO's names, official names, common names and codes (two-letter codes only in capitals);
3. ISO 3166-3's former countries. A country that was only renamed keeps its current code
   ("Dahomey" is Benin, "Zaire" the DR Congo, "Byelorussian SSR" Belarus), so that a filter
   keeps one country as one entry; a state that broke up or merged keeps its own code.

Then "Republic of X", "Kingdom of X" and the like are read as X, and "A / B" or "A (B)" as their
parts when the parts agree. Nothing is guessed: pycountry's fuzzy search is never used (it
reads "Niger" in "Nigeria" and the like), and a name not found has no code ("").

Example:
    country_code("Russian Federation") == country_code("Russia") == country_code("RUS") == "RUS"
    country_name("SUN") == "Soviet Union"
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from importlib.metadata import PackageNotFoundError, version

import pycountry

__all__ = ["country_code", "country_codes", "country_name", "known_code", "table_signature"]

# Short forms and former names people write -> code. Only what ISO's own tables do not find.
ALIASES: dict[str, str] = {
    # current countries, common English short forms
    "Russia": "RUS", "Britain": "GBR", "Great Britain": "GBR", "UK": "GBR", "U.K.": "GBR",
    "England": "GBR", "United Kingdom of Great Britain and Northern Ireland": "GBR",
    "US": "USA", "U.S.": "USA", "U.S.A.": "USA", "America": "USA",
    "United States of America": "USA",
    "Ivory Coast": "CIV", "Holy See": "VAT", "Vatican": "VAT", "Vatican City": "VAT",
    "Palestine": "PSE", "State of Palestine": "PSE", "Palestinian Authority": "PSE",
    "Micronesia": "FSM", "Macedonia": "MKD", "Former Yugoslav Republic of Macedonia": "MKD",
    "Macedonia, the former Yugoslav Republic of": "MKD", "Mongolian People's Republic": "MNG",
    "Laos People's Democratic Republic": "LAO", "Philippine Republic": "PHL",
    "Turkey": "TUR", "Swaziland": "SWZ", "Cape Verde": "CPV", "Brunei": "BRN",
    "Brunei-Darussalam": "BRN", "Laos": "LAO", "Lao": "LAO", "Laos PDR": "LAO", "Vietnam": "VNM",
    "Viet-Nam": "VNM",
    "Korea, South": "KOR", "South Korea": "KOR", "Republic of Korea": "KOR",
    "Korea, North": "PRK", "North Korea": "PRK", "DPRK": "PRK",
    "Democratic People's Republic of Korea": "PRK", "People's Republic of Korea": "PRK",
    "Democratic Republic of the Congo": "COD", "Democratic Republic of Congo": "COD",
    "DR Congo": "COD", "DRC": "COD", "Congo-Kinshasa": "COD", "Congo (Kinshasa)": "COD",
    "Congo, Leopoldville": "COD", "Congo (Leopoldville)": "COD",
    "Republic of the Congo": "COG", "Congo-Brazzaville": "COG", "Congo (Brazzaville)": "COG",
    "Congo, Brazzaville": "COG", "Congo, the People's Republic of the": "COG",
    "People's Republic of the Congo": "COG",
    "Czech Republic": "CZE", "Slovak Republic": "SVK", "Kyrgyz Republic": "KGZ",
    "UAE": "ARE", "CAR": "CAF", "Central African Empire": "CAF", "Timor Leste": "TLS",
    "Kosovo": "XKX",  # a user-assigned code, as the EU and the IMF use
    "St Kitts and Nevis": "KNA", "St. Kitts and Nevis": "KNA", "Saint Christopher and Nevis": "KNA",
    "St Lucia": "LCA", "St. Lucia": "LCA", "St Vincent and the Grenadines": "VCT",
    "St. Vincent and the Grenadines": "VCT", "Saint Vincent and Grenadines": "VCT",
    "Sao Tome": "STP", "Republic of China": "TWN", "People's Republic of China": "CHN",
    "PRC": "CHN", "Burma": "MMR", "Union of Burma": "MMR", "Ceylon": "LKA", "Siam": "THA",
    "Persia": "IRN", "Kampuchea": "KHM", "Democratic Kampuchea": "KHM", "Khmer Republic": "KHM",
    "Federation of Malaya": "MYS", "Malaya": "MYS", "Western Samoa": "WSM",
    "Maldive Islands": "MDV", "Surinam": "SUR", "Antigua": "ATG", "Bosnia": "BIH",
    "Bosnia-Herzegovina": "BIH", "The Gambia": "GMB", "Byelorussia": "BLR",
    "Byelorussian Soviet Socialist Republic": "BLR", "Byelorussian SSR": "BLR", "BSSR": "BLR",
    "BelSSR": "BLR", "Ukrainian Soviet Socialist Republic": "UKR", "Ukrainian SSR": "UKR",
    "Ukraine SSR": "UKR", "UkrSSR": "UKR", "United Arab Republic": "EGY",
    "Rhodesia": "ZWE", "Libyan Arab Jamahiriya": "LBY", "Libyan Arab Republic": "LBY",
    # West Germany is the Germany of today; the Yemen Arab Republic the Yemen of today
    "Federal Republic of Germany": "DEU", "West Germany": "DEU", "FRG": "DEU", "FDR": "DEU",
    "Yemen Arab Republic": "YEM", "North Yemen": "YEM",
    # states that no longer exist (ISO 3166-3)
    "Soviet Union": "SUN", "USSR": "SUN", "U.S.S.R.": "SUN",
    "Union of Soviet Socialist Republics": "SUN", "Yugoslavia": "YUG",
    "Socialist Federal Republic of Yugoslavia": "YUG", "Federal Republic of Yugoslavia": "YUG",
    "Czechoslovakia": "CSK", "Czechoslovak Socialist Republic": "CSK",
    "East Germany": "DDR", "GDR": "DDR", "DDR": "DDR", "German Democratic Republic": "DDR",
    "Democratic Republic of Germany": "DDR", "Germany Democratic Republic": "DDR",
    "South Yemen": "YMD", "Democratic Yemen": "YMD",
    "People's Democratic Republic of Yemen": "YMD", "Serbia and Montenegro": "SCG",
    "North Vietnam": "VDR", "Democratic Republic of Vietnam": "VDR", "Sikkim": "SKM",
}  # fmt: skip

# ISO 3166-3 codes of countries that were renamed, not dissolved -> their current code
RENAMED: dict[str, str] = {
    "BUR": "MMR", "BYS": "BLR", "DHY": "BEN", "HVO": "BFA", "TMP": "TLS", "ZAR": "COD",
    "NHB": "VUT", "AFI": "DJI", "RHO": "ZWE",
}  # fmt: skip

# the short name shown for a code where ISO's is long or inverted ("Korea, Republic of")
SHORT_NAMES: dict[str, str] = {
    "RUS": "Russia", "GBR": "United Kingdom", "USA": "United States", "KOR": "South Korea",
    "PRK": "North Korea", "COD": "DR Congo", "VAT": "Holy See", "PSE": "Palestine",
    "IRN": "Iran", "SYR": "Syria", "VEN": "Venezuela", "BOL": "Bolivia", "VNM": "Vietnam",
    "LAO": "Laos", "TZA": "Tanzania", "MDA": "Moldova", "FSM": "Micronesia", "TWN": "Taiwan",
    "BRN": "Brunei", "CZE": "Czechia", "TUR": "Turkey", "XKX": "Kosovo",
    "SUN": "Soviet Union", "YUG": "Yugoslavia", "CSK": "Czechoslovakia", "DDR": "East Germany",
    "YMD": "South Yemen", "SCG": "Serbia and Montenegro", "VDR": "North Vietnam",
}  # fmt: skip

# "Republic of Angola" is Angola: forms of state read as the country they name
_FORM_OF_STATE = re.compile(
    r"^(?:(?:the|independent|united|federal|federative|democratic|socialist|islamic|arab|"
    r"eastern|co-operative|cooperative|plurinational|bolivarian|hashemite|oriental)\s+)*"
    r"(?:republic|kingdom|state|states|commonwealth|principality|sultanate|grand duchy|"
    r"union|federation|emirate)\s+of\s+(?:the\s+)?(?P<rest>.+)$"
)


def _key(name: str) -> str:
    """Fold a name for lookups: accents, letter case, apostrophes, spaces, a leading "the"."""
    text = unicodedata.normalize("NFKD", name.replace("\xad", ""))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("’", "'").replace("‘", "'").replace("`", "'")
    text = " ".join(text.split()).casefold()
    return re.sub(r"^the\s+", "", text)


def _inverted(name: str) -> str:
    """ "Korea, Republic of" -> "Republic of Korea"; other names as they are."""
    head, sep, tail = name.partition(", ")
    if sep and tail:
        return f"{tail} {head}"
    return name


@cache
def _index() -> tuple[dict[str, str], dict[str, str]]:
    """Every folded name -> code, and every upper-case two-letter code -> code."""
    names: dict[str, str] = {}
    heads: dict[str, set[str]] = {}
    two_letter: dict[str, str] = {}

    def add(name: str, code: str) -> None:
        names.setdefault(_key(name), code)

    for country in pycountry.countries:
        code = country.alpha_3
        two_letter[country.alpha_2] = code
        add(code, code)
        for attribute in ("name", "official_name", "common_name"):
            name = getattr(country, attribute, None)
            if not name:
                continue
            add(name, code)
            add(_inverted(name), code)
            # "Iran, Islamic Republic of" and "Holy See (Vatican City State)": the head alone
            # when no other country shares it ("Korea" and "Congo" are two countries each)
            head = re.split(r",\s|\s\(", name)[0]
            if head != name:
                heads.setdefault(_key(head), set()).add(code)
    for head, codes in heads.items():
        if len(codes) == 1:
            names.setdefault(head, next(iter(codes)))
    for former in pycountry.historic_countries:
        code = RENAMED.get(former.alpha_3, former.alpha_3)
        names.setdefault(_key(former.alpha_3), code)
        add(former.name, code)
        add(former.name.split(",")[0], code)
    for alias, code in ALIASES.items():
        names[_key(alias)] = code  # the table of short forms wins over a former ISO name
    return names, two_letter


def _exact(name: str) -> str:
    names, two_letter = _index()
    stripped = name.strip()
    if re.fullmatch(r"[A-Z]{2}", stripped) and stripped in two_letter:
        return two_letter[stripped]
    key = _key(stripped)
    found = names.get(key)
    if found is None:
        form = _FORM_OF_STATE.match(key)
        if form is not None:
            found = names.get(form.group("rest"))
    return found or ""


@cache
def country_code(name: str) -> str:
    """Return the ISO 3166 alpha-3 code of a country name, code or common short form, or "".

    Example:
        >>> [country_code(n) for n in ("Russia", "Russian Federation", "RUS", "USSR", "Atlantis")]
        ['RUS', 'RUS', 'RUS', 'SUN', '']
    """
    if not name or not name.strip():
        return ""
    found = _exact(name)
    if found:
        return found
    # "Upper Volta/Burkina Faso", "Myanmar / Burma", "Ceylon (Sri Lanka)": parts that agree
    outer = re.sub(r"\([^)]*\)?", " ", name)
    inner = re.findall(r"\(([^)]*)\)?", name)
    parts = [p for p in re.split(r"/", outer) if p.strip()] + inner
    if len(parts) > 1 or outer.strip() != name.strip():
        codes = {_exact(part) for part in parts if part.strip()} - {""}
        if len(codes) == 1:
            return codes.pop()
        first = _exact(parts[0]) if parts else ""
        if first and codes:
            return first  # "Russian Federation (USSR)": the name before the brackets
    return ""


def country_codes(names: Iterable[str]) -> dict[str, str]:
    """Return the code of each distinct name ("" when not known)."""
    return {name: country_code(name) for name in set(names)}


def known_code(code: str) -> bool:
    """Whether `code` is an ISO 3166-1 or 3166-3 alpha-3 code (or one of the aliases' codes)."""
    return bool(code) and country_code(code) == code


@cache
def country_name(code: str) -> str:
    """Return the short English name shown for a code ("RUS" -> "Russia"), or the code itself.

    `country_code(country_name(code)) == code` for every code this module gives.
    """
    if code in SHORT_NAMES:
        return SHORT_NAMES[code]
    country = pycountry.countries.get(alpha_3=code)
    if country is not None:
        return str(getattr(country, "common_name", None) or country.name)
    former = pycountry.historic_countries.get(alpha_3=code)
    if former is not None:
        return str(former.name).split(",")[0]
    return code


@cache
def table_signature() -> str:
    """A digest of what decides the codes (this module's tables and pycountry's version): when
    it changes, the codes of stored speeches are read again (`CorpusStore` does on opening)."""
    try:
        iso = version("pycountry")
    except PackageNotFoundError:  # pycountry installed without its metadata
        iso = "unknown"
    tables = json.dumps([ALIASES, RENAMED, iso, _FORM_OF_STATE.pattern], sort_keys=True)
    return hashlib.sha256(tables.encode()).hexdigest()[:16]

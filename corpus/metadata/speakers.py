"""Speakers as people read them: names tidied for display, and variants merged into one speaker.

Tables of speeches write one person many ways ("Mr. KOZYREV", "Sergey V. Lavrov", "Sergei Lavrov").
`tidy_speaker` gives the form shown: honorifics dropped ("Mr.", "H.E.", "Mrs."), words written in
capitals recased the way names are written ("McDONALD" -> "McDonald", "de GAULLE" -> "de Gaulle",
"AZEREDO DA SILVEIRA" -> "Azeredo da Silveira", "O'BRIEN" -> "O'Brien"), words already in mixed
case left as written. (nameparser recases names too, but took 0.4 ms a name, most of a second for
the 7,107 speakers of the UN corpus on every server start, and made "MACHADO" "MacHado".) Titles that are part of how a person is known ("Sheikh", "King", "U") stay.

A merge says that several tidied names are one speaker: the user names the canonical form and
its variants, and the store keeps them as annotations of kind `speaker_merge` (variant -> the
canonical name). `SpeakerNames` turns stored names into the names shown, with merges applied.
The stored speaker of a speech is never changed.

Example:
    tidy_speaker("Mr. KOZYREV") == "Kozyrev"
    SpeakerNames({"sergei lavrov": "Sergey Lavrov"}).shown("Mr. Sergei LAVROV") == "Sergey Lavrov"
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["MERGE_KIND", "SpeakerNames", "likely_variants", "speaker_key", "tidy_speaker"]

MERGE_KIND = "speaker_merge"

# honorifics and forms of address, dropped at the start of a name (any letter case, with or
# without their full stop); never titles people are known by ("Sheikh", "King", "Sir", "U"), nor
# what may be an initial or a surname ("M. Ali", "He Yafei")
_HONORIFICS = (
    r"mr|mrs|ms|miss|mme|mlle|messrs|dr|prof|professor|h\.\s?e|s\.\s?e|"
    r"his\s+excellency|her\s+excellency|excellency|(?:the\s+)?(?:right\s+|rt\.?\s+)?"
    r"hon(?:ou?rable)?|sr|sra|srta|se[ñn]or|se[ñn]ora|monsieur|madame|herr|frau|shri|smt"
)
_LEADING_HONORIFIC = re.compile(rf"^(?:(?:{_HONORIFICS})\.?(?:\s+|$))+", re.IGNORECASE)
# a word written in capitals: two capitals in a row (not an initial, "H.E." or a numeral "II")
_SHOUTED = re.compile(r"[^\W\d_]*[A-ZÀ-ÞĀ-Ž]{2}")
_NUMERAL = re.compile(r"^(?:[IVX]+|[A-Z]\.(?:[A-Z]\.)*)[,.]?$")


# words that stay in lower case inside a name written in capitals ("AZEREDO DA SILVEIRA")
_PARTICLES = frozenset(
    "da das de del della der di do dos du la le van von den ter bin ibn y e".split()
)


def _shouted(word: str) -> bool:
    return bool(_SHOUTED.search(word)) and not _NUMERAL.match(word)


def _recased_part(part: str) -> str:
    """One part of a word (between hyphens and apostrophes) out of capitals."""
    if not _shouted(part):
        return part
    tail = len(part)
    while tail > 0 and not part[tail - 1].islower():
        tail -= 1
    if tail > 0:  # "McDONALD", "MacEACHEN": the prefix as written, the capitals recased
        return part[:tail] + part[tail:].capitalize()
    if part.startswith("MC") and len(part) > 3:
        return "Mc" + part[2:].capitalize()
    return part.capitalize()


def _recased(word: str, *, first: bool) -> str:
    if not first and word.casefold() in _PARTICLES:
        return word.lower()
    return "".join(_recased_part(part) for part in re.split(r"([-'’])", word))


@lru_cache(maxsize=65_536)
def tidy_speaker(name: str) -> str:
    """Return a speaker's name as shown: honorifics dropped, capitals recased, spaces folded.

    Example:
        >>> [tidy_speaker(n) for n in ("Mr. KOZYREV", "Sergey V. Lavrov", "McDONALD", "de GAULLE")]
        ['Kozyrev', 'Sergey V. Lavrov', 'McDonald', 'de Gaulle']
    """
    text = " ".join(name.split()).strip(" ,;")
    bare = _LEADING_HONORIFIC.sub("", text).strip(" ,;")
    if bare:  # a name that is all honorific ("Mr.") is kept as written
        text = bare
    words = text.split(" ")
    if not any(_shouted(word) for word in words):
        return text
    return " ".join(
        _recased(word, first=i == 0) if _shouted(word) else word for i, word in enumerate(words)
    )


@lru_cache(maxsize=65_536)
def speaker_key(name: str) -> str:
    """Fold a tidied name for matching: letter case, accents and spaces do not count."""
    text = unicodedata.normalize("NFKD", tidy_speaker(name))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.casefold().replace(".", ". ").split())


@dataclass(frozen=True, slots=True)
class SpeakerNames:
    """The names shown for stored speakers, with the user's merges.

    Args:
        merges: `speaker_key(variant)` -> the canonical name shown for it.
    """

    merges: Mapping[str, str]

    @classmethod
    def from_annotations(cls, notes: Mapping[str, Mapping[str, object]]) -> SpeakerNames:
        """Build from the store's annotations of kind `MERGE_KIND` (key: variant key)."""
        return cls({key: str(value.get("speaker", "")) for key, value in notes.items()})

    def shown(self, stored: str) -> str:
        """Return the name shown for a stored speaker."""
        if not stored:
            return stored
        tidy = tidy_speaker(stored)
        return self.merges.get(speaker_key(tidy), tidy)

    def shown_all(self, stored: Iterable[str]) -> dict[str, str]:
        """Return the name shown for each distinct stored speaker."""
        if not self.merges:  # the common case: tidied names alone (cached), a few ms
            return {name: tidy_speaker(name) if name else name for name in set(stored)}
        return {name: self.shown(name) for name in set(stored)}

    def stored_for(self, wanted: Iterable[str], stored: Iterable[str]) -> set[str]:
        """Return the stored speakers shown as any of `wanted` (each given as shown, as stored or
        as any variant), and the wanted names themselves, so that a name matches as written."""
        targets = {self.shown(name) for name in wanted}
        found = {name for name in set(stored) if self.shown(name) in targets}
        return found | set(wanted)


def likely_variants(shown: Iterable[str]) -> list[list[str]]:
    """Group names shown that are likely one person: the same surname and the same first
    initial ("Sergey Lavrov", "Sergei Lavrov", "S. Lavrov", "Sergey V. Lavrov"), and a surname
    alone ("Lavrov") with the one group of that surname. Groups of two names or more, each
    sorted, the groups by their first name; a suggestion only, never applied on its own."""
    groups: dict[tuple[str, str], set[str]] = defaultdict(set)
    alone: dict[str, set[str]] = defaultdict(set)
    for name in set(shown):
        words = speaker_key(name).replace("-", " ").split()
        if not words:
            continue
        surname = words[-1]
        if len(words) == 1:
            alone[surname].add(name)
        else:
            groups[(surname, words[0][0])].add(name)
    for surname, names in alone.items():
        matching = [key for key in groups if key[0] == surname]
        if len(matching) == 1:
            groups[matching[0]] |= names
    found = [sorted(names) for names in groups.values() if len(names) > 1]
    return sorted(found)

"""What a figure counts: the head noun chosen among the words around the number.

The rules of `models.figures.text.counted_phrase` read the noun phrase after a number (or the
subject it is linked to before it); on real speeches they find the right head for a little over
half of the figures. Here every word near the number is a candidate head, weighed by a logistic
model (`models/data/counted_classifier.json`, trained by `bench/figures/train.py` on the labelled
real sentences) from its position, its form, the words beside it and whether the rules chose it;
the phrase is the chosen noun with the modifiers written before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from models.figures.features import LogisticModel, shipped_model
from models.figures.numbers import NumberExpression
from models.figures.text import singular

WINDOW = 12  # words on each side of the number
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_STOP = frozenset(
    """a an the and or but nor of in on at to for from by with without into as than that which who
    whom whose where when while if because so such this these those it its is are was were be been
    being am have has had do does did will would shall should can could may might must not no per
    cent percent we they you he she i them us him her me my our your their there here all each
    every both some any more most less least over about only just also even still now then very
    much many few several other another same own up down out off again further once""".split()
)
_TIME = frozenset(
    """year years month months week weeks day days decade decades century centuries today
    yesterday tomorrow time times period january february march april may june july august
    september october november december""".split()
)


@dataclass(frozen=True, slots=True)
class HeadCandidate:
    """A word near a number that may be what it counts."""

    start: int
    end: int
    word: str
    features: list[str]


def _suffix(word: str) -> str:
    lowered = word.lower()
    for ending in ("ies", "ing", "ed", "ly", "tion", "ment", "ity", "ers", "er", "ss", "s"):
        if lowered.endswith(ending) and len(lowered) > len(ending) + 2:
            return ending
    return "-"


_LINK = re.compile(
    r"\b(?:is|are|was|were|be|been|amount(?:s|ed)?|reach(?:es|ed)?|total(?:s|l?ed)?|stands?|stood|"
    r"r[io]se|risen|f[ae]ll|fallen|grew|grown|increased|decreased|declined|exceeded|came|went)\b"
)
_OF_WORDS = frozenset(
    "of the our their its his her my this that these those per cent percent".split()
)
_PREPOSITIONS = frozenset("of by to at in for from with over".split())


def _ends_chain(text: str, end: int, limit: int) -> bool:
    """Say whether the word ending at `end` is the last of a run of content words: what follows
    is punctuation, a number, a function word or the end of the sentence."""
    following = _TOKEN.match(text, end + 1) if text[end : end + 1] == " " else None
    if following is None or following.start() >= limit:
        return True
    return following.group().lower() in _STOP


def _bucket(distance: int) -> str:
    if distance <= 3:
        return str(distance)
    return "4-6" if distance <= 6 else "7+"


def head_candidates(
    text: str, expr: NumberExpression, sentence: tuple[int, int], rule_words: list[str]
) -> list[HeadCandidate]:
    """Return the words within `WINDOW` words of a number in its sentence, with their features.

    Args:
        rule_words: the words of the phrase the rules chose (lower case), the last its head.
    """
    s_start, s_end = sentence
    before = list(_TOKEN.finditer(text, max(s_start, expr.start - 160), expr.start))[-WINDOW:]
    after = list(_TOKEN.finditer(text, expr.end, min(s_end, expr.end + 160)))[:WINDOW]
    rule_head = rule_words[-1] if rule_words else ""
    found = []
    rank = {"b": 0, "a": 0}
    for side, matches in (("b", before[::-1]), ("a", after)):
        previous_end = expr.start if side == "b" else expr.end
        broken = False
        for distance, match in enumerate(matches, start=1):
            word = match.group()
            lowered = word.lower()
            gap = (
                text[match.end() : previous_end]
                if side == "b"
                else text[previous_end : match.start()]
            )
            if re.search(r"[,;:()—–]|\d", gap):
                broken = True  # a comma or another number lies between it and the number
            previous_end = match.start() if side == "b" else match.end()
            left = text[max(s_start, match.start() - 20) : match.start()].split()
            right = text[match.end() : min(s_end, match.end() + 20)].split()
            features = [
                "bias",
                f"pos={side}{_bucket(distance)}",
                f"suffix={_suffix(word)}",
                f"left={left[-1].lower().strip('.,;:') if left else '<s>'}",
                f"right={right[0].lower().strip('.,;:') if right else '</s>'}",
                f"unit={'count' if expr.unit == 'count' else 'other'}",
            ]
            if lowered in _STOP:
                features.append("stopword")
            if lowered in _TIME:
                features.append("time")
            if word[:1].isupper():
                features.append("capital")
            if broken:
                features.append(f"broken_{side}")
            if lowered == rule_head:
                features.append("rule_head")
            elif lowered in rule_words:
                features.append("rule_phrase")
            if right and right[0].lower().strip(".,;:") in ("of", "in", "with", "to", "for"):
                features.append("pp_after")
            content = lowered not in _STOP and lowered not in _TIME
            if content:
                # which content word it is on its side: the first after "70 per cent of the"
                rank[side] += 1
                features.append(f"content={side}{min(rank[side], 3)}")
                features.append(f"word={singular(lowered)}")  # "country", "countries" alike
                if _ends_chain(text, match.end(), s_end):
                    features.append("chain_end")  # "Russian NGOs": NGOs ends the chain

            between = (
                text[match.end() : expr.start] if side == "b" else text[expr.end : match.start()]
            ).lower()
            between_words = _TOKEN.findall(between)
            if side == "b" and _LINK.search(between):
                features.append("linked_subject")  # "the deficit went down to"
            if side == "a" and between_words and set(between_words) <= _OF_WORDS:
                features.append("of_after")  # "70 per cent of our population"
            if side == "a" and not between_words and not broken:
                features.append("next_word")
            if side == "b" and between_words and between_words[-1] in _PREPOSITIONS:
                features.append(f"number_after_{between_words[-1]}")  # "a fund of $3 billion"
            found.append(HeadCandidate(match.start(), match.end(), word, features))
    return found


def head_model() -> LogisticModel | None:
    """The chooser of what a figure counts; None when not shipped (the rules decide)."""
    return shipped_model("counted_classifier")


def _phrase(text: str, head: HeadCandidate, sentence_start: int) -> str:
    """The head with the modifiers written right before it: "Russian NGOs", "customs receipts"."""
    words = [head.word]
    position = head.start
    for match in reversed(
        list(_TOKEN.finditer(text, max(sentence_start, head.start - 60), head.start))
    ):
        gap = text[match.end() : position]
        if gap.strip() or match.group().lower() in _STOP or len(words) >= 4:
            break
        words.insert(0, match.group())
        position = match.start()
    return " ".join(words)


def choose_counted(
    text: str, expr: NumberExpression, sentence: tuple[int, int], rule_phrase: str
) -> str:
    """Return what a figure counts: the best-weighed head near it with its modifiers, else the
    rules' phrase when no model is shipped or no word is likely enough."""
    model = head_model()
    if model is None:
        return rule_phrase
    # "external public debt as share of GDP": the head is the debt
    measured = rule_phrase.split(" as share of ")[0]
    rule_words = [w.lower() for w in _TOKEN.findall(measured)]
    candidates = head_candidates(text, expr, sentence, rule_words)
    if not candidates:
        return rule_phrase
    best = max(candidates, key=lambda c: model.probability(c.features))
    if model.probability(best.features) < model.threshold and rule_phrase:
        return rule_phrase
    if rule_words and best.word.lower() == rule_words[-1]:
        return rule_phrase  # the rules read the same head, with its phrase
    return _phrase(text, best, sentence[0])

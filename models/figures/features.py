"""What the figure classifier reads about a number: its form, the rule verdicts and the words around it.

`candidate_features` turns one number expression in its sentence into named binary features; the
logistic model in `models/data/figure_classifier.json` (trained by `bench/figures/train.py` on the
train part of the real-speech labelled set) weighs them into the probability that the number is
a cited figure. Feature names are plain strings, so the shipped model is a readable JSON table.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from models.figures.numbers import NumberExpression

TIME_UNITS = frozenset(
    """year years month months week weeks day days decade decades century centuries hour hours
    minute minutes generation generations session sessions term terms""".split()
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|[%$€£]")
_QUALIFIED = re.compile(
    r"\b(?:only|just|merely|mere|some|about|around|approximately|nearly|almost|over|more\s+than|"
    r"at\s+least|up\s+to|under|less\s+than|fewer\s+than|as\s+many\s+as|roughly|exactly|"
    r"upwards?\s+of|no\s+fewer\s+than|no\s+less\s+than|close\s+to|by|to|from|reached|totall?ed)"
    r"\s+(?:a\s+|the\s+)?$",
    re.IGNORECASE,
)
_CURRENCIES = frozenset("USD EUR GBP RUB JPY CHF CNY INR".split())


def _plural(word: str) -> bool:
    return len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "'s", "’s", "us"))


def _unit_class(unit: str) -> str:
    if unit in _CURRENCIES:
        return "money"
    if unit in ("count", "percent", "percentage_points", "x"):
        return unit
    return "physical"


def _value_features(expr: NumberExpression) -> list[str]:
    value = expr.value
    out = []
    if value == 1:
        out.append("v=1")
    elif value <= 10:
        out.append("v<=10")
    elif value <= 100:
        out.append("v<=100")
    elif value < 1000:
        out.append("v<1000")
    else:
        out.append("v>=1000")
    digits = expr.text.strip("$€£ ")
    if expr.kind == "digits" and re.fullmatch(r"1[0-9]\d\d|20\d\d", digits):
        out.append("yearlike")
    if expr.multiplier > 1:
        out.append("scaled")
    if "," in digits or "." in digits:
        out.append("separator")
    if expr.kind == "digits" and value == int(value) and 0 < value < 300 and "." not in digits:
        out.append("small_integer")
    return out


def candidate_features(
    text: str,
    expr: NumberExpression,
    sentence: tuple[int, int],
    *,
    reason: str,
    is_range: bool,
) -> list[str]:
    """Return the names of the features that hold for one number in its sentence.

    Args:
        text: the whole text.
        expr: the number expression (after ranges are joined).
        sentence: (start, end) of its sentence in `text`.
        reason: the rule that says it is no figure (`exclusion_reason`), "" when none does.
        is_range: whether it is the low end of a joined range.
    """
    s_start, s_end = sentence
    before = _WORD.findall(text[max(s_start, expr.start - 40) : expr.start])
    after = _WORD.findall(text[expr.end : min(s_end, expr.end + 40)])
    features = [
        "bias",
        f"kind={expr.kind}",
        f"unit={_unit_class(expr.unit)}",
        f"rule={reason or 'none'}",
        *_value_features(expr),
    ]
    if expr.kind == "words" and expr.text[:1].isupper():
        features.append("capitalised")
    if is_range:
        features.append("range")
    if _QUALIFIED.search(text, max(s_start, expr.start - 25), expr.start):
        features.append("qualified")  # "only four", "more than 60", "nearly half"
    p1 = before[-1].lower() if before else "<s>"
    p2 = before[-2].lower() if len(before) > 1 else "<s>"
    n1 = after[0].lower() if after else "</s>"
    n2 = after[1].lower() if len(after) > 1 else "</s>"
    features += [f"p1={p1}", f"p2={p2}", f"n1={n1}", f"n2={n2}", f"p2p1={p2}_{p1}"]
    if n1 in TIME_UNITS:
        features.append("n1=TIME")
        if p1 in ("for", "over", "past", "last", "next", "in", "within", "after", "the"):
            features.append("time_reference")
    if n1 == "of" and n2 in TIME_UNITS:
        features.append("of_TIME")
    if before and before[-1][:1].isupper() and expr.start - s_start > len(before[-1]) + 2:
        features.append("p1_capital")
    if after and after[0][:1].isupper():
        features.append("n1_capital")
    if after and _plural(after[0]):
        features.append("n1_plural")
    elif any(_plural(word) for word in after[1:3]) and n1 not in ("of", "years", "per"):
        features.append("plural_ahead")  # "300 Spanish medical doctors"
    if expr.start - s_start <= 2:
        features.append("sentence_start")
    if s_end - s_start < 30:
        features.append("short_sentence")
    rest = text[expr.end : min(s_end, expr.end + 3)]
    if rest.startswith((")", "]")) or text[max(s_start, expr.start - 1) : expr.start] == "(":
        features.append("bracketed")
    if expr.end >= s_end - 1:
        features.append("sentence_end")
    return features


@dataclass(frozen=True, slots=True)
class LogisticModel:
    """A logistic model over named binary features, as shipped in package data (JSON, no pickle).

    The intercept is the weight of the "bias" feature, which every example has.
    """

    weights: dict[str, float]
    threshold: float

    def probability(self, features: list[str]) -> float:
        """Return the model's probability for an example with these features."""
        score = sum(self.weights.get(name, 0.0) for name in features)
        return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, score))))


@cache
def shipped_model(name: str) -> LogisticModel | None:
    """Load `models/data/<name>.json` (made by bench/figures/train.py); None when not shipped."""
    source = resources.files("models").joinpath(f"data/{name}.json")
    if not source.is_file():
        return None
    raw = json.loads(source.read_text(encoding="utf-8"))
    return LogisticModel(
        weights={str(k): float(v) for k, v in raw["weights"].items()},
        threshold=float(raw["threshold"]),
    )


def figure_model() -> LogisticModel | None:
    """The classifier deciding whether a number is a cited figure; None when not shipped."""
    return shipped_model("figure_classifier")

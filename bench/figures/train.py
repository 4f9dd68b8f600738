"""Train the two models of figure extraction, shipped as JSON in models/data/.

Run: python bench/figures/train.py [--check]

figure_classifier.json decides whether a number is a cited figure; counted_classifier.json
chooses the head noun of what it counts (`models.figures.counted`), trained and chosen the same
way on the same sentences.

- Examples: every candidate number (`models.figures.extract.candidates`) in the sentences of the train
  part of bench/figures/labelled.jsonl and of bench/figures/extra_labelled*.jsonl (later draws
  from train speeches only), read with their context as the extractor reads a speech,
  plus the hand-written sentences of tests/data/quantities_labelled.jsonl; a candidate is a
  figure when it overlaps a labelled figure.
- Model: scikit-learn's logistic regression over the named binary features of
  `models.figures.features` (fixed solver, no randomness: the same data give the same weights).
- Choice: the regularisation C and the decision threshold are chosen on the dev part: the best
  recall among the choices whose precision is at least 0.93 (a false figure ends up quoted).
  The counted chooser's C and threshold are chosen by 5-fold cross-validation on the train
  sentences (its dev part has about fifty figures: too few to choose on), and its features
  seen in fewer than three training words are dropped. The test part is never read here.
- Output: the weights by feature name, the threshold, and the dev scores, as JSON (no pickle).
  With --check, the file is rebuilt in memory and compared with the shipped one instead.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from models.figures.benchmark import (  # noqa: E402
    counted_head,
    read_labelled_records,
    same_counted,
)
from models.figures.counted import (  # noqa: E402
    STOPWORD,
    head_candidates,
    phrase_of,
    rule_head_words,
)
from models.figures.extract import candidates  # noqa: E402
from models.figures.series import normalise_counted  # noqa: E402
from models.figures.text import counted_phrase  # noqa: E402

LABELLED = ROOT / "bench" / "figures" / "labelled.jsonl"
# more train sentences, drawn later from train speeches only
EXTRA = [
    ROOT / "bench" / "figures" / name
    for name in ("extra_labelled.jsonl", "extra_labelled_2.jsonl")
    if (ROOT / "bench" / "figures" / name).exists()
]
TRAPS = ROOT / "tests" / "data" / "quantities_labelled.jsonl"
OUT = ROOT / "models" / "data" / "figure_classifier.json"
COUNTED_OUT = ROOT / "models" / "data" / "counted_classifier.json"
C_GRID = (0.03, 0.1, 0.3, 1.0, 3.0)
COUNTED_C_GRID = (0.1, 0.3, 1.0)
FOLDS = 5
MIN_FEATURE_WORDS = 3  # a feature of the chooser is kept when at least this many words have it
MIN_PRECISION = 0.93


def _examples(
    context: str, sentence: str, spans: list[tuple[int, int]]
) -> list[tuple[list[str], int]]:
    prefix = f"{context}\n" if context else ""
    out = []
    for candidate in candidates(prefix + sentence):
        start, end = candidate.expr.start - len(prefix), candidate.expr.end - len(prefix)
        if start < 0:
            continue
        label = int(any(start < b and a < end for a, b in spans))
        out.append((candidate.features, label))
    return out


def real_examples(split: str, path: Path = LABELLED) -> list[tuple[list[str], int]]:
    out = []
    for record in read_labelled_records(path, split=split):
        spans = [(f.start, f.end) for f in record.figures]
        out += _examples(record.context, record.sentence, spans)
    return out


def trap_examples() -> list[tuple[list[str], int]]:
    out = []
    for line in TRAPS.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        raw = json.loads(line)
        sentence, context = raw["sentence"], raw.get("context", "")
        # the hand-written labels carry values, not offsets: a candidate is a figure when its
        # value is one of the labelled values
        values = [float(f["value"]) for f in raw["figures"]]
        prefix = f"{context}\n" if context else ""
        for candidate in candidates(prefix + sentence):
            if candidate.expr.start < len(prefix):
                continue
            value = candidate.expr.value
            unit = candidate.expr.unit
            hit = any(abs(value - v) <= 1e-6 * max(1.0, abs(v)) or
                      (unit == "percent" and abs(value / 100 - v) < 1e-3) for v in values)  # fmt: skip
            out.append((candidate.features, int(hit)))
    return out


def _named_weights(vectorizer: DictVectorizer, model: LogisticRegression) -> dict[str, float]:
    """The model's weights by feature name, sorted; the intercept travels as the weight of the
    "bias" feature that every example has."""
    names = vectorizer.get_feature_names_out()
    weights = {
        str(name): round(float(w), 6)
        for name, w in zip(names, model.coef_[0], strict=True)
        if abs(w) > 1e-6
    }
    weights["bias"] = round(weights.get("bias", 0.0) + float(model.intercept_[0]), 6)
    return dict(sorted(weights.items()))


def train() -> dict[str, object]:
    train_rows = real_examples("train") + trap_examples()
    for path in EXTRA:
        train_rows += real_examples("train", path)
    dev_rows = real_examples("dev")
    vectorizer = DictVectorizer()
    x_train = vectorizer.fit_transform([dict.fromkeys(f, 1.0) for f, _ in train_rows])
    y_train = np.array([y for _, y in train_rows])
    x_dev = vectorizer.transform([dict.fromkeys(f, 1.0) for f, _ in dev_rows])
    y_dev = np.array([y for _, y in dev_rows])
    best: tuple[float, float, float, LogisticRegression, float, float] | None = None
    for c in C_GRID:
        model = LogisticRegression(C=c, solver="lbfgs", max_iter=5000)
        model.fit(x_train, y_train)
        probabilities = model.predict_proba(x_dev)[:, 1]
        for threshold in np.arange(0.2, 0.9, 0.025):
            chosen = probabilities >= threshold
            tp = int((chosen & (y_dev == 1)).sum())
            precision = tp / max(1, int(chosen.sum()))
            recall = tp / max(1, int((y_dev == 1).sum()))
            score = recall + 0.001 * precision if precision >= MIN_PRECISION else precision - 1
            if best is None or score > best[0] + 1e-9:
                best = (score, c, float(threshold), model, precision, recall)
    assert best is not None
    score, c, threshold, model, precision, recall = best
    weights = _named_weights(vectorizer, model)
    return {
        "about": "Logistic model deciding whether a number in a speech is a cited figure; "
        "made by bench/figures/train.py from bench/figures/labelled.jsonl (train part), "
        "bench/figures/extra_labelled*.jsonl and "
        "tests/data/quantities_labelled.jsonl.",
        "trained_on": f"{len(train_rows)} candidates ({int(y_train.sum())} figures)",
        "C": c,
        "threshold": round(threshold, 3),
        "dev": {
            "candidates": len(dev_rows),
            "precision": round(precision, 3),
            "recall": round(recall, 3),
        },
        "weights": weights,
    }


def counted_examples(
    split: str, path: Path = LABELLED
) -> list[tuple[list[list[str]], list[int], list[str], str, str, str]]:
    """For each labelled figure the candidates find: every word near it (features, whether it is
    the labelled head, the word), the rules' phrase, the labelled counted thing and the phrase
    the chooser writes for each word (`models.figures.counted.phrase_of`)."""
    out = []
    for index, record in enumerate(read_labelled_records(path, split=split)):
        prefix = f"{record.context}\n" if record.context else ""
        text = prefix + record.sentence
        for candidate in candidates(text):
            start, end = candidate.expr.start - len(prefix), candidate.expr.end - len(prefix)
            gold = [f for f in record.figures if start < f.end and f.start < end]
            if start < 0 or not gold or not gold[0].counted:
                continue
            rule, _ = counted_phrase(text, candidate.expr, candidate.sentence[1],
                                     candidate.sentence[0])  # fmt: skip
            rule_words = rule_head_words(rule)
            heads = head_candidates(text, candidate.expr, candidate.sentence, rule_words)
            want = counted_head(gold[0].counted)
            labels = [int(normalise_counted(h.word) == want) for h in heads]
            phrases = [phrase_of(text, h, candidate.sentence[0], rule, rule_words) for h in heads]
            out.append(([h.features for h in heads], labels, phrases, rule, gold[0].counted,
                        f"{path.name}:{index}"))  # fmt: skip
    return out


def _chosen(probabilities: np.ndarray, phrases: list[str], rule: str, threshold: float) -> str:
    if not len(probabilities) or np.isnan(probabilities).all():
        return rule
    best = int(np.nanargmax(probabilities))  # function words are never chosen (NaN)
    # as `choose_counted`: the rules' phrase wins over an unlikely word, but a word beats nothing
    return phrases[best] if probabilities[best] >= threshold or not rule else rule


def _fit_counted(
    rows: list[tuple[list[list[str]], list[int], list[str], str, str, str]], c: float
) -> tuple[DictVectorizer, LogisticRegression]:
    """Fit the chooser on the words of `rows`, keeping the features seen often enough to be
    weighed (a feature of one or two words is noise, and makes the shipped file large)."""
    seen = Counter(f for features, *_ in rows for word in features for f in set(word))
    kept = {f for f, n in seen.items() if n >= MIN_FEATURE_WORDS}
    vectorizer = DictVectorizer()
    x = vectorizer.fit_transform(
        [{f: 1.0 for f in word if f in kept} for features, *_ in rows for word in features]
    )
    y = np.array([label for _, labels, *_ in rows for label in labels])
    return vectorizer, LogisticRegression(C=c, solver="lbfgs", max_iter=5000).fit(x, y)


def _counted_right(
    vectorizer: DictVectorizer,
    model: LogisticRegression,
    rows: list[tuple[list[list[str]], list[int], list[str], str, str, str]],
) -> list[tuple[np.ndarray, list[str], str, str]]:
    scored = []
    for features, _, phrases, rule, gold, _ in rows:
        x = vectorizer.transform([dict.fromkeys(f, 1.0) for f in features]) if features else None
        probabilities = model.predict_proba(x)[:, 1] if x is not None else np.array([])
        probabilities[[STOPWORD in f for f in features]] = np.nan
        scored.append((probabilities, phrases, rule, gold))
    return scored


def _share_right(scored: list[tuple[np.ndarray, list[str], str, str]], threshold: float) -> float:
    right = sum(same_counted(_chosen(p, phrases, rule, threshold), gold)
                for p, phrases, rule, gold in scored)  # fmt: skip
    return right / max(1, len(scored))


def train_counted() -> dict[str, object]:
    """Train the head chooser on train sentences; choose C and threshold by cross-validation on
    them (folds by sentence), by the share of figures whose counted thing is right
    (`same_counted`): the dev part has too few figures to choose on, and is only reported."""
    train_rows = counted_examples("train")
    for path in EXTRA:
        train_rows += counted_examples("train", path)
    dev_rows = counted_examples("dev")
    sentences = sorted({row[5] for row in train_rows})
    fold_of = {sentence: i % FOLDS for i, sentence in enumerate(sentences)}
    thresholds = [round(float(t), 3) for t in np.arange(0.1, 0.95, 0.05)]
    best: tuple[float, float, float] | None = None
    for c in COUNTED_C_GRID:
        scored = []
        for fold in range(FOLDS):
            fitted = _fit_counted([r for r in train_rows if fold_of[r[5]] != fold], c)
            scored += _counted_right(*fitted, [r for r in train_rows if fold_of[r[5]] == fold])
        for threshold in thresholds:
            right = _share_right(scored, threshold)
            if best is None or right > best[0] + 1e-9:
                best = (right, c, threshold)
    assert best is not None
    cross_validated, c, threshold = best
    vectorizer, model = _fit_counted(train_rows, c)
    dev_scored = _counted_right(vectorizer, model, dev_rows)
    rule_right = sum(same_counted(r[3], r[4]) for r in dev_rows) / len(dev_rows)
    weights = _named_weights(vectorizer, model)
    return {
        "about": "Logistic model choosing the head noun of what a cited figure counts among the "
        "words near it; made by bench/figures/train.py from the train parts of "
        "bench/figures/labelled.jsonl and bench/figures/extra_labelled*.jsonl.",
        "trained_on": f"{len(train_rows)} figures, {sum(len(r[1]) for r in train_rows)} words",
        "C": c,
        "threshold": threshold,
        "cross_validated": {"folds": FOLDS, "counted_right": round(cross_validated, 3)},
        "dev": {
            "figures": len(dev_rows),
            "counted_right": round(_share_right(dev_scored, threshold), 3),
            "rules_alone": round(rule_right, 3),
        },
        "weights": weights,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="compare with the shipped model")
    args = parser.parse_args()
    outputs = ((OUT, train()), (COUNTED_OUT, train_counted()))
    same = True
    for path, model in outputs:
        text = json.dumps(model, indent=1, ensure_ascii=False) + "\n"
        if args.check:
            same = same and path.exists() and path.read_text(encoding="utf-8") == text
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"C={model['C']} threshold={model['threshold']} dev={model['dev']} -> {path}")
    if args.check:
        print(
            "the shipped models are what this script makes" if same else "the shipped models differ"
        )
        raise SystemExit(0 if same else 1)


if __name__ == "__main__":
    main()

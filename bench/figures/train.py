"""Train the figure classifier shipped in models/data/figure_classifier.json.

Run: python bench/figures/train.py [--check]

- Examples: every candidate number (`models.quantities.candidates`) in the sentences of the train
  part of bench/figures/labelled.jsonl and of bench/figures/extra_labelled.jsonl (a second draw
  from train speeches only), read with their context as the extractor reads a speech,
  plus the hand-written sentences of tests/data/quantities_labelled.jsonl; a candidate is a
  figure when it overlaps a labelled figure.
- Model: scikit-learn's logistic regression over the named binary features of
  `models.quantity_features` (fixed solver, no randomness: the same data give the same weights).
- Choice: the regularisation C and the decision threshold are chosen on the dev part: the best
  recall among the choices whose precision is at least 0.93 (a false figure ends up quoted).
  The test part is never read here.
- Output: the weights by feature name, the threshold, and the dev scores, as JSON (no pickle).
  With --check, the file is rebuilt in memory and compared with the shipped one instead.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from models.quantities import candidates  # noqa: E402
from models.quantity_benchmark import read_labelled_records  # noqa: E402

LABELLED = ROOT / "bench" / "figures" / "labelled.jsonl"
EXTRA = ROOT / "bench" / "figures" / "extra_labelled.jsonl"  # more train sentences, drawn later
TRAPS = ROOT / "tests" / "data" / "quantities_labelled.jsonl"
OUT = ROOT / "models" / "data" / "figure_classifier.json"
C_GRID = (0.03, 0.1, 0.3, 1.0, 3.0)
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


def train() -> dict[str, object]:
    train_rows = real_examples("train") + real_examples("train", EXTRA) + trap_examples()
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
    names = vectorizer.get_feature_names_out()
    weights = {
        str(name): round(float(w), 6)
        for name, w in zip(names, model.coef_[0], strict=True)
        if abs(w) > 1e-6
    }
    # the intercept travels as the weight of the "bias" feature that every candidate has
    weights["bias"] = round(weights.get("bias", 0.0) + float(model.intercept_[0]), 6)
    return {
        "about": "Logistic model deciding whether a number in a speech is a cited figure; "
        "made by bench/figures/train.py from bench/figures/labelled.jsonl (train part), "
        "bench/figures/extra_labelled.jsonl and "
        "tests/data/quantities_labelled.jsonl.",
        "trained_on": f"{len(train_rows)} candidates ({int(y_train.sum())} figures)",
        "C": c,
        "threshold": round(threshold, 3),
        "dev": {
            "candidates": len(dev_rows),
            "precision": round(precision, 3),
            "recall": round(recall, 3),
        },
        "weights": dict(sorted(weights.items())),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="compare with the shipped model")
    args = parser.parse_args()
    model = train()
    text = json.dumps(model, indent=1, ensure_ascii=False) + "\n"
    if args.check:
        same = OUT.exists() and OUT.read_text(encoding="utf-8") == text
        print(
            "the shipped model is what this script makes" if same else "the shipped model differs"
        )
        raise SystemExit(0 if same else 1)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(f"C={model['C']} threshold={model['threshold']} dev={model['dev']} -> {OUT}")


if __name__ == "__main__":
    main()

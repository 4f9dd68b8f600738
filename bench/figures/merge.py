"""Join the labels read by hand to the samples they label.

Run: python bench/figures/merge.py

- sample.jsonl + parts/out-[0-9].jsonl -> labelled.jsonl (train, dev and test sentences);
- extra_train.jsonl + parts/out-t*.jsonl -> extra_labelled.jsonl (more train sentences only);
- extra_train_2.jsonl + parts/out-u*.jsonl -> extra_labelled_2.jsonl (a third draw, train only).

Checks that every sampled sentence is labelled once, that every candidate has a figure or a reason,
and that every figure's offsets give its text; prints the counts per split.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REASONS = {
    "date",
    "duration",
    "ordinal",
    "name",
    "furniture",
    "one",
    "enumeration",
    "quantifier",
    "other",
}


def main() -> None:
    merge("sample.jsonl", "out-[0-9].jsonl", "labelled.jsonl")
    if (HERE / "extra_train.jsonl").exists():
        merge("extra_train.jsonl", "out-t*.jsonl", "extra_labelled.jsonl")
    if (HERE / "extra_train_2.jsonl").exists():
        merge("extra_train_2.jsonl", "out-u*.jsonl", "extra_labelled_2.jsonl")


def merge(sample_name: str, parts: str, out_name: str) -> None:
    sample = [json.loads(line) for line in (HERE / sample_name).open(encoding="utf-8")]
    labels: dict[str, dict[str, object]] = {}
    for part in sorted((HERE / "parts").glob(parts)):
        for line in part.open(encoding="utf-8"):
            if line.strip():
                row = json.loads(line)
                if row["id"] in labels:
                    raise SystemExit(f"{row['id']} is labelled twice")
                labels[row["id"]] = row
    missing = [r["id"] for r in sample if r["id"] not in labels]
    if missing:
        raise SystemExit(f"{len(missing)} sentences unlabelled, first {missing[:5]}")
    out = []
    for record in sample:
        label = labels[record["id"]]
        sentence = record["sentence"]
        for figure in label["figures"]:  # type: ignore[attr-defined]
            if sentence[figure["start"] : figure["end"]] != figure["text"]:
                raise SystemExit(f"{record['id']}: offsets do not give {figure['text']!r}")
        by_index = {c["i"]: c for c in label["candidates"]}  # type: ignore[attr-defined]
        for candidate in record["candidates"]:
            decided = by_index.get(candidate["i"])
            if decided is None:
                raise SystemExit(f"{record['id']}: candidate {candidate['i']} undecided")
            if "figure" in decided and decided["figure"] is not None:
                candidate["figure"] = decided["figure"]
            else:
                reason = decided.get("reason", "other")
                candidate["reason"] = reason if reason in REASONS else "other"
        record["figures"] = label["figures"]
        record["note"] = label.get("note", "")
        out.append(record)
    with (HERE / out_name).open("w", encoding="utf-8") as handle:
        for record in out:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(out_name)
    for split in ("train", "dev", "test"):
        part = [r for r in out if r["split"] == split]
        n_candidates = sum(len(r["candidates"]) for r in part)
        n_figures = sum(len(r["figures"]) for r in part)
        print(f"{split}: {len(part)} sentences, {n_candidates} expressions, {n_figures} figures")
    reasons = Counter(c.get("reason", "figure") for r in out for c in r["candidates"])
    print("expressions by label:", dict(reasons.most_common()))


if __name__ == "__main__":
    main()

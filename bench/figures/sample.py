"""Draw the real-speech sample of number-like expressions that the figures benchmark is labelled on.

Run: python bench/figures/sample.py [--out bench/figures/sample.jsonl]

The sample is fixed by its seed: running this again on the same corpora writes the same file.

- Sources: the UN General Debate corpus (about three quarters of the sentences) and the US State of
  the Union addresses (the rest), both under ../shared/corpora/ (or $SPEECHTRACK_SHARED).
- Spread: for each UN sentence a decade is drawn first (1940s to 2020s, all alike), then a speech of
  that decade, then one sentence of that speech holding a number-like token; for the State of the
  Union, a speech, then a sentence. No speech gives more than one sentence (UN) or two (SOTU).
- Number-like tokens: runs of digits, English number words ("seventy", "hundred", "dozen"),
  fractions ("half", "a third", "quarters"), vague magnitudes ("dozens", "thousands"), multipliers
  ("twofold", "doubled", "twice"). Neighbouring tokens that read as one number ("two and a half
  thousand", "$200-250 million" is two) are one *expression*, the unit the sample is counted in.
  The sample is drawn independently of the extractor: it is what the extractor has to get right.
- Split: each speech goes to train, dev or test (60/20/20) by a hash of its id, so one speech's
  sentences never straddle two parts. Scores are reported on test only.
- Context: the two sentences before the sampled one travel with it, so that "its" and "it" can be
  resolved when labelling and when extracting.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from models.figures.text import sentence_spans  # noqa: E402

SHARED = Path(os.environ.get("SPEECHTRACK_SHARED", ROOT.parent / "shared"))
UNGDC = SHARED / "corpora" / "ungdc" / "ungdc_1946-2024.jsonl.gz"
SOTU = SHARED / "corpora" / "us-sotu" / "sotu_1790-2021.jsonl.gz"
SEED = 20261207
TARGET_EXPRESSIONS = 1800
SOTU_SHARE = 0.25

_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety "
    "hundred thousand million billion trillion dozen dozens hundreds thousands millions billions "
    "trillions tens half halves third thirds quarter quarters fifth fifths sixth sixths seventh "
    "sevenths eighth eighths ninth ninths tenth tenths twofold threefold fourfold fivefold tenfold "
    "hundredfold doubled tripled quadrupled halved twice"
).split()
TOKEN = re.compile(
    r"(?<![\w.])\d[\d,.]*\d(?![\w])|(?<![\w.])\d(?![\w])|\b\d+(?:st|nd|rd|th|s)\b"
    r"|\b(?:"
    + "|".join(sorted(_WORDS, key=len, reverse=True))
    + r")(?:-(?:"
    + "|".join(_WORDS[:27])
    + r"|fold))?\b",
    re.IGNORECASE,
)
# tokens joined by these read as one number: "two hundred and fifty", "1.5 million", "200-250"
_JOIN = re.compile(r"\s*(?:-|–|\s|\s+and\s+|\s+a\s+|\s+and\s+a\s+)\s*", re.IGNORECASE)


def expressions(sentence: str) -> list[dict[str, object]]:
    """Return the number-like expressions of a sentence, with offsets into it."""
    found: list[dict[str, object]] = []
    for match in TOKEN.finditer(sentence):
        token = match.group()
        if found:
            last = found[-1]
            between = sentence[int(last["end"]) : match.start()]  # type: ignore[call-overload]
            if _JOIN.fullmatch(between) and not between.strip(" -–").startswith("and and"):
                last["end"] = match.end()
                last["text"] = sentence[int(last["start"]) : match.end()]  # type: ignore[call-overload]
                last["n_tokens"] = int(last["n_tokens"]) + 1  # type: ignore[call-overload]
                continue
        found.append({"text": token, "start": match.start(), "end": match.end(), "n_tokens": 1})
    for index, item in enumerate(found):
        item["i"] = index
    return found


def split_of(doc_id: str) -> str:
    """Return train, dev or test for a speech, fixed by its id."""
    bucket = int(hashlib.sha256(f"{SEED}:{doc_id}".encode()).hexdigest()[:8], 16) % 10
    return "train" if bucket < 6 else ("dev" if bucket < 8 else "test")


def _records(path: Path) -> list[dict[str, object]]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def _draw_sentence(
    rng: random.Random, text: str
) -> tuple[tuple[int, int], list[tuple[int, int]]] | None:
    spans = sentence_spans(text, max_chars=0)  # whole sentences, as the sample was first drawn
    holding = [i for i, (a, b) in enumerate(spans) if TOKEN.search(text, a, b)]
    if not holding:
        return None
    chosen = rng.choice(holding)
    return spans[chosen], spans[max(0, chosen - 2) : chosen]


def _record(
    source: str,
    doc: dict[str, object],
    text: str,
    span: tuple[int, int],
    before: list[tuple[int, int]],
) -> dict[str, object]:
    sentence = text[span[0] : span[1]]
    doc_id = str(doc["id"])
    if source == "ungdc":
        country, iso3, speaker = doc.get("country") or "", doc.get("iso3") or "", doc.get("speaker")
    else:
        country, iso3, speaker = "United States", "USA", doc.get("president")
    return {
        "source": source,
        "doc": doc_id,
        "year": doc["year"],
        "country": country,
        "iso3": iso3,
        "speaker": speaker or "",
        "split": split_of(doc_id),
        "context": " ".join(text[a:b] for a, b in before),
        "sentence": sentence,
        "sentence_start": span[0],
        "sentence_end": span[1],
        "candidates": expressions(sentence),
    }


def sample(
    target: int = TARGET_EXPRESSIONS,
    *,
    seed: int = SEED,
    only_split: str | None = None,
    exclude: frozenset[tuple[str, int]] = frozenset(),
) -> list[dict[str, object]]:
    """Draw sentences until the sample holds `target` number-like expressions.

    `only_split` keeps speeches of one part (an extra draw of training sentences never touches
    the dev or test speeches); `exclude` lists (speech, sentence offset) pairs drawn before.
    """
    rng = random.Random(seed)
    un = [r for r in _records(UNGDC) if str(r.get("text") or "").strip()]
    sotu = [r for r in _records(SOTU) if str(r.get("text") or "").strip()]
    by_decade: dict[int, list[dict[str, object]]] = {}
    for record in un:
        by_decade.setdefault(int(record["year"]) // 10 * 10, []).append(record)  # type: ignore[call-overload]
    decades = sorted(by_decade)
    used: dict[str, int] = {}
    out: list[dict[str, object]] = []
    n_expressions = 0
    while n_expressions < target:
        if rng.random() < SOTU_SHARE:
            source, doc, limit = "sotu", rng.choice(sotu), 2
        else:
            source, doc, limit = "ungdc", rng.choice(by_decade[rng.choice(decades)]), 1
        doc_id = str(doc["id"])
        if used.get(doc_id, 0) >= limit or (only_split and split_of(doc_id) != only_split):
            continue
        text = str(doc["text"])
        drawn = _draw_sentence(rng, text)
        if drawn is None:
            continue
        span, before = drawn
        if (doc_id, span[0]) in exclude or any(
            o["doc"] == doc_id and o["sentence_start"] == span[0] for o in out
        ):
            continue
        used[doc_id] = used.get(doc_id, 0) + 1
        record = _record(source, doc, text, span, before)
        out.append(record)
        n_expressions += len(record["candidates"])  # type: ignore[arg-type]
    for index, record in enumerate(out):
        record["id"] = f"r{index:04d}"
    return out


def _extra_name(number: int) -> str:
    return "extra_train.jsonl" if number == 1 else f"extra_train_{number}.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("sample.jsonl"))
    parser.add_argument(
        "--extra-train",
        type=int,
        nargs="?",
        const=1,
        default=0,
        help="draw the Nth further set of training sentences (seed + N, train speeches only, "
        "none drawn before) into extra_train.jsonl (N=1) or extra_train_N.jsonl",
    )
    args = parser.parse_args()
    if not UNGDC.exists() or not SOTU.exists():
        raise SystemExit(f"The corpora are not under {SHARED / 'corpora'}; set SPEECHTRACK_SHARED.")
    if args.extra_train:
        here = Path(__file__).parent
        earlier = [here / "sample.jsonl"]
        earlier += [here / _extra_name(n) for n in range(1, args.extra_train)]
        drawn = [json.loads(line) for path in earlier for line in path.open(encoding="utf-8")]
        exclude = frozenset((str(r["doc"]), int(r["sentence_start"])) for r in drawn)
        records = sample(1500, seed=SEED + args.extra_train, only_split="train", exclude=exclude)
        prefix = "t" if args.extra_train == 1 else f"u{args.extra_train}"
        for record in records:
            record["id"] = prefix + str(record["id"])[1:]
        args.out = here / _extra_name(args.extra_train)
    else:
        records = sample()
    with args.out.open("w", encoding="utf-8") as handle:
        for record in records:
            ordered = {"id": record["id"], **{k: v for k, v in record.items() if k != "id"}}
            handle.write(json.dumps(ordered, ensure_ascii=False) + "\n")
    n_tokens = sum(int(c["n_tokens"]) for r in records for c in r["candidates"])  # type: ignore[attr-defined]
    n_expr = sum(len(r["candidates"]) for r in records)  # type: ignore[arg-type]
    splits = {s: sum(r["split"] == s for r in records) for s in ("train", "dev", "test")}
    print(
        f"{len(records)} sentences, {n_expr} expressions ({n_tokens} tokens) -> {args.out}; {splits}"
    )


if __name__ == "__main__":
    main()

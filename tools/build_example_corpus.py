"""Build the example corpus that ships with speech-tracker from the UN General Debate Corpus.

The example is every General Debate statement of the Security Council's five permanent members
(China, France, the Soviet Union and Russia, the United Kingdom, the United States), 1946-2024,
from the UN General Debate Corpus (Jankin, Baturo & Dasandi; CC0), as a table that
`speechtrack import-table` reads. The output is the same bytes for the same input.

Run from the checkout:
    python tools/build_example_corpus.py ../shared/corpora/ungdc/ungdc_1946-2024.jsonl.gz
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
from pathlib import Path

PERMANENT_MEMBERS = {
    "CHN": "China",
    "FRA": "France",
    "GBR": "United Kingdom",
    "RUS": "Russian Federation",
    "USA": "United States",
}
OUT = (
    Path(__file__).resolve().parents[1]
    / "corpus"
    / "data"
    / "examples"
    / "un-general-debate-p5.jsonl.gz"
)
SOURCE = "Example corpus: UN General Debate Corpus 1946-2024 (Jankin, Baturo & Dasandi; CC0)"


def country_name(iso3: str, year: int) -> str:
    """The country as it was called when it spoke (the corpus files the USSR under RUS)."""
    if iso3 == "RUS" and year <= 1991:
        return "Soviet Union"
    return PERMANENT_MEMBERS[iso3]


def rows(path: Path) -> list[dict[str, object]]:
    """The example's rows, oldest first, in the columns `import-table` reads by name."""
    out = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            speech = json.loads(line)
            if speech["iso3"] not in PERMANENT_MEMBERS:
                continue
            year, session = int(speech["year"]), int(speech["session"])
            country = country_name(speech["iso3"], year)
            out.append(
                {
                    "id": speech["id"],
                    "year": year,
                    "title": f"{country} at the UN General Debate, {year} (session {session})",
                    "speaker": " ".join((speech["speaker"] or "").split()),
                    "role": " ".join((speech["post"] or "").split()),
                    "country": country,
                    "place": "New York",
                    "category": "UN General Debate",
                    "source": f"{SOURCE}, {speech['id']}",
                    "language": "en",
                    "text": speech["text"],
                }
            )
    return sorted(out, key=lambda row: (row["year"], row["id"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ungdc", type=Path, help="ungdc_1946-2024.jsonl.gz")
    parser.add_argument("--out", type=Path, default=OUT, help=f"default: {OUT}")
    args = parser.parse_args()
    table = rows(args.ungdc)
    buffer = io.BytesIO()
    # mtime 0: the same input gives the same bytes
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, compresslevel=9) as fh:
        for row in table:
            fh.write((json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8"))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(buffer.getvalue())
    print(f"{len(table)} speeches, {len(buffer.getvalue()) / 1e6:.1f} MB -> {args.out}")


if __name__ == "__main__":
    main()

"""How many country names of the UN General Debate corpus get a code, and which do not.

    python bench/countries_un.py [PATH]

Counts distinct (name, code) pairs and speeches; a name "agrees" when its code is the corpus's
own `iso3` (which codes the USSR as RUS and Serbia and Montenegro as YUG).
"""

from __future__ import annotations

import gzip
import json
import os
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from corpus.metadata.countries import country_code  # noqa: E402

SHARED = Path(os.environ.get("SPEECHTRACK_SHARED", ROOT.parent / "shared"))
DEFAULT = SHARED / "corpora/ungdc/ungdc_1946-2024.jsonl.gz"


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    pairs: Counter[tuple[str, str]] = Counter()
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            if row.get("country"):
                pairs[(row["country"], row["iso3"])] += 1
    names = {name for name, _ in pairs}
    codes = {name: country_code(name) for name in names}
    resolved = [n for n in names if codes[n]]
    speeches = sum(pairs.values())
    speeches_resolved = sum(k for (n, _), k in pairs.items() if codes[n])
    differ = sorted(
        (n, iso, codes[n], k) for (n, iso), k in pairs.items() if codes[n] and codes[n] != iso
    )
    share = len(resolved) / len(names)
    print(f"distinct names: {len(names)}; resolved {len(resolved)} ({share:.1%})")
    share = speeches_resolved / speeches
    print(f"speeches with a name: {speeches}; resolved {speeches_resolved} ({share:.1%})")
    print("\nunresolved names (speeches):")
    for name in sorted(n for n in names if not codes[n]):
        print(f"  {name!r} ({sum(k for (m, _), k in pairs.items() if m == name)})")
    print("\ncode differs from the corpus's iso3 (name, iso3, code, speeches):")
    for row in differ:
        print("  ", row)


if __name__ == "__main__":
    main()

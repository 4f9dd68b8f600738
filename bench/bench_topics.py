"""Benchmark of themes: our TopicModel against a bare TfidfVectorizer + NMF script, topic quality,
and the in-memory path against the out-of-core path.

Run: nice python bench/bench_topics.py            (all steps; about 40 minutes on 2 cores)
     nice python bench/bench_topics.py --quick    (1,000 UN speeches and SOTU only)
     nice python bench/bench_topics.py --skip-quality   (speed and memory only)
     nice python bench/bench_topics.py --paths-only     (in memory vs out of core; about 15 minutes)

In memory vs out of core: both paths read the speeches from a copy of the UN General Debate store
(bench/results/ungdc.sqlite) inside the clock, as the dashboard does: the in-memory path reads
every text at once, the out-of-core path reads pages of speeches. Each fits with the automatic
number of themes. Coherence is the NPMI of each theme's top 10 terms over the passages of 300 of
the speeches (exact vocabulary); overlap pairs the two paths' themes by Hungarian matching on
shared top-10 terms and gives the mean share of top-10 terms the pairs have in common.

Each step runs in its own subprocess, so that its time and peak memory are its own. Peak memory
is sampled every 0.1 s as the resident set of the step's process and all its worker processes
together (from /proc), which counts shared library pages once per process and so errs high.
Adding the getrusage peaks of parent and children instead would count the parent's pages twice:
a worker started by fork begins with the parent's resident set. Texts are read
from the JSON Lines files before the clock starts. The bare script gets the same passages as
ours (both split the texts with `split_passages` inside the clock) and the number of themes ours
chose, so the ratio compares the engines; "ours" includes the automatic choice of that number.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from corpus.store import CorpusStore

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SPEECHTRACK_SHARED", ROOT.parent / "shared"))
UNGDC = SHARED / "corpora" / "ungdc" / "ungdc_1946-2024.jsonl.gz"
SOTU = SHARED / "corpora" / "us-sotu" / "sotu_1790-2021.jsonl.gz"
UN_STORE = ROOT / "bench" / "results" / "ungdc.sqlite"


def load(corpus: str, n: int | None) -> pd.DataFrame:
    """Return speeches (speech_id, year, speaker, text) of a corpus; `n` of them drawn with a
    fixed seed. The speaker is the country's code on the UN corpus, the president on SOTU."""
    path = UNGDC if corpus == "ungdc" else SOTU
    with gzip.open(path, "rt", encoding="utf-8") as f:
        n_lines = sum(1 for _ in f)
    keep = set(range(n_lines))
    if n is not None and n < n_lines:
        keep = set(np.random.default_rng(0).choice(n_lines, n, replace=False).tolist())
    rows = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i in keep:
                record = json.loads(line)
                year = int(record.get("year", 0) or 0)
                speaker = str(record.get("iso3") or record.get("president") or "")
                rows.append((str(record.get("id", i)), year, speaker, record["text"]))
    return pd.DataFrame(rows, columns=["speech_id", "year", "speaker", "text"])


def _cells(frame: pd.DataFrame) -> pd.Series:
    """Each speech's period and speaker group, as the store gives them to a fit."""
    from models.themes.terms import speech_cells

    return speech_cells(
        pd.DataFrame(
            {
                "speech_id": frame["speech_id"],
                "date": pd.to_datetime(frame["year"].astype(str) + "-01-01"),
                "speaker": frame["speaker"],
            }
        )
    )


# Procedure and ceremony of the two forums, for the boilerplate score: a theme whose five top
# terms are all here says nothing about what was debated. The benchmark's own list, not the
# model's (which learns its boilerplate from the corpus).
PROCEDURAL = frozenset(
    """united nations united nations general assembly general assembly session sessions
    president presidency election elected congratulate congratulations congratulating
    delegation delegations secretary secretary general kofi annan kofi annan ban ki moon ki moon
    guterres boutros ghali perez cuellar waldheim thant hammarskjold distinguished excellency
    excellencies delegates organization member members member states states predecessor tribute
    appreciation wish express honor honour behalf outgoing deliberations rostrum meeting
    statement debate agenda item report resolution resolutions adopted international
    community international community efforts federation russian federation mr congress
    members congress speaker vice vice president senate house representatives fellow citizens
    fellow citizens tonight chamber gentlemen ladies""".split()
) | frozenset(
    ["united nations", "general assembly", "secretary general", "kofi annan", "ki moon",
     "member states", "international community", "russian federation", "members congress",
     "vice president", "fellow citizens", "president general", "session general"]
)  # fmt: skip


def boilerplate_themes(top_terms: pd.DataFrame) -> list[int]:
    """Return the themes whose five heaviest terms are all procedural (`PROCEDURAL`)."""
    out = []
    for topic, group in top_terms.sort_values(["topic", "rank"]).groupby("topic"):
        if set(group["term"].head(5)) <= PROCEDURAL:
            out.append(int(topic))
    return out


# -- steps (each runs in a child process) ---------------------------------------------------


def _texts(frame: pd.DataFrame) -> pd.Series:
    return pd.Series(frame["text"].to_numpy(), index=pd.Index(frame["speech_id"], name="speech_id"))


def step_ours_fit(frame: pd.DataFrame, work: Path, k: int | None) -> dict[str, object]:
    from models.themes.topics import TopicModel

    texts = _texts(frame)
    cells = _cells(frame)
    start = time.perf_counter()
    model = TopicModel(n_topics=k)
    mix = model.fit_transform(texts, cells=cells)
    seconds = time.perf_counter() - start
    (work / "ours.npz").write_bytes(model.to_bytes())
    np.save(work / "ours_mix.npy", mix)
    return {
        "seconds": seconds,
        "k": model.n_topics_,
        "n_passages": model.n_passages_,
        "labels": model.default_labels(),
        "boilerplate_themes": boilerplate_themes(model.top_terms(n=5)),
        "n_kept_out": len(model.boilerplate_),
        "selection": model.selection_,
    }


def step_bare_fit(frame: pd.DataFrame, work: Path, k: int | None) -> dict[str, object]:
    import joblib
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    from models.themes.topics import TopicModel
    from models.themes.vectorize import split_passages

    start = time.perf_counter()
    passages = [p for text in frame["text"] for p in split_passages(text)]
    # the same term lengths as ours (two-word terms up to a million words)
    n_words = sum(len(p.split()) for p in passages)
    ngram_range = TopicModel().ngram_range_for(n_words)
    vectorizer = TfidfVectorizer(
        stop_words="english", sublinear_tf=True, min_df=2, max_df=0.5, ngram_range=ngram_range
    )
    tfidf = vectorizer.fit_transform(passages)
    nmf = NMF(n_components=k or 10, init="nndsvd", random_state=0)  # scikit-learn's defaults
    nmf.fit_transform(tfidf)
    seconds = time.perf_counter() - start
    joblib.dump((vectorizer, nmf), work / "bare.joblib")
    return {"seconds": seconds, "k": nmf.n_components_, "n_passages": len(passages)}


def step_ours_score(frame: pd.DataFrame, work: Path, k: int | None) -> dict[str, object]:
    from models.themes.topics import TopicModel

    model = TopicModel.from_bytes((work / "ours.npz").read_bytes())
    one = _texts(frame.iloc[:1])
    model.transform(one)  # first call loads code paths; the user's next speech is the one timed
    start = time.perf_counter()
    model.transform(_texts(frame.iloc[1:2]))
    return {"seconds": time.perf_counter() - start}


def step_bare_score(frame: pd.DataFrame, work: Path, k: int | None) -> dict[str, object]:
    import joblib

    from models.themes.vectorize import split_passages

    vectorizer, nmf = joblib.load(work / "bare.joblib")
    nmf.transform(vectorizer.transform(split_passages(frame["text"].iloc[0])))
    start = time.perf_counter()
    nmf.transform(vectorizer.transform(split_passages(frame["text"].iloc[1])))
    return {"seconds": time.perf_counter() - start}


def step_ours_over_time(frame: pd.DataFrame, work: Path, k: int | None) -> dict[str, object]:
    from models.themes.store import themes_over_time

    mix = np.load(work / "ours_mix.npy")
    wide = pd.DataFrame(mix, index=pd.Index(frame["speech_id"], name="speech_id"))
    long = wide.reset_index().melt(id_vars="speech_id", var_name="theme", value_name="share")
    catalogue = pd.DataFrame(
        {"speech_id": frame["speech_id"], "date": pd.to_datetime(frame["year"].astype(str))}
    )
    start = time.perf_counter()
    themes_over_time(catalogue, long, period="year")
    return {"seconds": time.perf_counter() - start}


def step_bare_over_time(frame: pd.DataFrame, work: Path, k: int | None) -> dict[str, object]:
    mix = np.load(work / "ours_mix.npy")
    start = time.perf_counter()
    wide = pd.DataFrame(mix).assign(year=frame["year"].to_numpy())
    wide.groupby("year").agg(["mean", "size"])
    return {"seconds": time.perf_counter() - start}


def step_quality(frame: pd.DataFrame, work: Path, k: int | None) -> dict[str, object]:
    """Coherence and stability across 5 seeds: our NMF (as fitted, and from random starts) vs LDA."""
    from sklearn.decomposition import LatentDirichletAllocation
    from sklearn.feature_extraction.text import TfidfTransformer

    from models.themes.quality import fit_nmf, npmi_coherence, stability
    from models.themes.topics import TopicModel
    from models.themes.vectorize import (
        count_terms,
        document_frequency_bounds,
        prune_terms,
        to_passages,
    )

    passages = to_passages(_texts(frame))
    raw, terms = count_terms(passages.texts, ngram_range=(1, 1))
    low, high = document_frequency_bounds(len(passages))
    counts, terms = prune_terms(raw, terms, low=low, high=high)
    # the terms our themes are fitted on: boilerplate learned from the corpus kept out (both
    # models get the same passages and the same terms)
    fitted = TopicModel.from_bytes((work / "ours.npz").read_bytes())
    keep = ~np.isin(terms, list(fitted.boilerplate_))
    counts, terms = counts[:, keep], terms[keep]
    if counts.shape[0] > QUALITY_PASSAGES:
        rows = np.random.default_rng(0).choice(counts.shape[0], QUALITY_PASSAGES, replace=False)
        counts = counts[np.sort(rows)]
    k = k or fitted.n_topics_
    tfidf = TfidfTransformer(sublinear_tf=True).fit_transform(counts)
    fits: dict[str, list[np.ndarray]] = {"ours (nndsvd)": [], "ours, random starts": [], "lda": []}
    for seed in range(5):
        fits["ours (nndsvd)"].append(fit_nmf(tfidf, n_topics=k, random_state=seed)[1])
        fits["ours, random starts"].append(
            fit_nmf(tfidf, n_topics=k, random_state=seed, init="random")[1]
        )
        lda = LatentDirichletAllocation(n_components=k, random_state=seed, n_jobs=1)
        lda.fit(counts)
        fits["lda"].append(lda.components_)
    out = {}
    for name, comps in fits.items():
        coherence = float(np.mean([npmi_coherence(counts, c).mean() for c in comps]))
        stab = float(np.mean([stability(comps[0], [c]) for c in comps[1:]]))
        out[name] = {"coherence": coherence, "stability": stab}
    return {"seconds": 0.0, "k": k, "n_passages": counts.shape[0], "quality": out}


def _store_and_ids(work: Path, n: int | None) -> tuple[CorpusStore, list[str]]:
    from corpus import SpeechFilter
    from corpus.store import CorpusStore

    store = CorpusStore(f"sqlite:///{work.parent / 'ungdc.sqlite'}", seed=False)
    ids = sorted(store.catalogue(SpeechFilter())["speech_id"])
    if n is not None and n < len(ids):
        ids = sorted(np.random.default_rng(0).choice(ids, n, replace=False).tolist())
    return store, ids


def _path_fit(work: Path, n: int | None, *, out_of_core: bool) -> dict[str, object]:
    from corpus import SpeechFilter
    from models.themes.stream import speech_batches
    from models.themes.topics import TopicModel

    store, ids = _store_and_ids(work, n)
    model = TopicModel(out_of_core=out_of_core)
    start = time.perf_counter()
    if out_of_core:
        n_words = int(store.catalogue(SpeechFilter(speech_ids=frozenset(ids)))["n_words"].sum())
        pages = speech_batches(ids, random_state=model.random_state)
        model.fit_stream(
            (store.texts(SpeechFilter(speech_ids=frozenset(page))) for page in pages),
            n_words=n_words,
        )
    else:
        flt = SpeechFilter(speech_ids=frozenset(ids)) if n is not None else SpeechFilter()
        model.fit_transform(store.texts(flt))
    seconds = time.perf_counter() - start
    name = "stream" if out_of_core else "memory"
    (work / f"path_{name}.npz").write_bytes(model.to_bytes())
    return {"seconds": seconds, "k": model.n_topics_, "n_passages": model.n_passages_}


def step_path_memory(frame: pd.DataFrame, work: Path, k: int | None) -> dict[str, object]:
    return _path_fit(work, len(frame) or None, out_of_core=False)


def step_path_stream(frame: pd.DataFrame, work: Path, k: int | None) -> dict[str, object]:
    return _path_fit(work, len(frame) or None, out_of_core=True)


def step_path_compare(frame: pd.DataFrame, work: Path, k: int | None) -> dict[str, object]:
    """Coherence of both paths' themes on a common reference, and their matched overlap."""
    from scipy.optimize import linear_sum_assignment

    from corpus import SpeechFilter
    from models.themes.quality import npmi_coherence
    from models.themes.topics import TopicModel
    from models.themes.vectorize import count_terms, to_passages

    store, ids = _store_and_ids(work, len(frame) or None)
    sample = sorted(np.random.default_rng(1).choice(ids, min(300, len(ids)), replace=False))
    passages = to_passages(store.texts(SpeechFilter(speech_ids=frozenset(sample))))
    counts, vocab = count_terms(passages.texts, n_jobs=1)
    tops = {}
    out: dict[str, object] = {"seconds": 0.0}
    for name in ("memory", "stream"):
        model = TopicModel.from_bytes((work / f"path_{name}.npz").read_bytes())
        terms = model.top_terms(n=10)
        tops[name] = [list(g["term"]) for _, g in terms.groupby("topic")]
        weights = np.zeros((model.n_topics_, len(vocab)))
        for topic, top in enumerate(tops[name]):
            for rank, term in enumerate(top):
                at = np.searchsorted(vocab, term)
                if at < len(vocab) and vocab[at] == term:
                    weights[topic, at] = 10 - rank
        out[f"npmi_{name}"] = float(npmi_coherence(counts, weights).mean())
    shared = np.array([[len(set(a) & set(b)) / 10 for b in tops["stream"]] for a in tops["memory"]])
    rows, cols = linear_sum_assignment(-shared)
    out["overlap"] = float(shared[rows, cols].mean())
    return out


QUALITY_PASSAGES = 6000
STEPS = {
    name[5:]: fn for name, fn in globals().items() if name.startswith("step_") and callable(fn)
}


def _tree_rss() -> int:
    """Return the resident bytes of this process and all its descendants (Linux /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            parents.setdefault(ppid, []).append(int(entry))
    total, stack = 0, [os.getpid()]
    while stack:
        pid = stack.pop()
        stack.extend(parents.get(pid, []))
        try:
            with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as f:
                total += next(
                    (int(line.split()[1]) * 1024 for line in f if line.startswith("VmRSS:")), 0
                )
        except OSError:
            pass
    return total


def run_child(args: argparse.Namespace) -> None:
    import threading

    if args.step.startswith("path_"):  # these read the store inside the clock
        frame = pd.DataFrame(index=range(args.n or 0))
    else:
        frame = load(args.corpus, args.n)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak = [_tree_rss()]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.1):
            peak[0] = max(peak[0], _tree_rss())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    result = STEPS[args.step](frame, Path(args.work), args.k)
    try:
        from joblib.externals.loky import get_reusable_executor

        get_reusable_executor().shutdown(wait=True)
    except ImportError:
        pass
    done.set()
    sampler.join()
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result["peak_mb"] = max(peak[0] / 2**20, own / 1024)
    result["texts_mb"] = base / 1024  # the process after reading the texts, before the step
    print("RESULT " + json.dumps(result))


def run_step(step: str, corpus: str, n: int | None, work: Path, k: int | None) -> dict:
    command = [sys.executable, __file__, "--child", step, "--corpus", corpus, "--work", str(work)]
    if n is not None:
        command += ["--n", str(n)]
    if k is not None:
        command += ["--k", str(k)]
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    raise RuntimeError(f"step {step} failed:\n{done.stderr[-3000:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the full UN corpus")
    parser.add_argument("--skip-quality", action="store_true", help="speed and memory only")
    parser.add_argument("--paths-only", action="store_true", help="in memory vs out of core only")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--corpus", default="ungdc", help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--k", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        args.step = args.child
        run_child(args)
        return
    if not UNGDC.exists() or not SOTU.exists():
        sys.exit(f"The corpora are missing: expected {UNGDC} and {SOTU}.")
    if not args.paths_only:
        compare_with_bare(args)
    if not args.quick:
        compare_paths()


def compare_paths() -> None:
    """Print the in-memory path against the out-of-core path on 1k, 3k and all UN speeches."""
    if not UN_STORE.exists():
        sys.exit(f"The UN store is missing: expected {UN_STORE}.")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(UN_STORE, Path(tmp) / "ungdc.sqlite")  # the bench never writes to the original
        for n, name in ((1000, "UN 1,000"), (3000, "UN 3,000"), (None, "UN 10,924")):
            work = Path(tmp) / name.replace(" ", "_").replace(",", "")
            work.mkdir()
            memory = run_step("path_memory", "ungdc", n, work, None)
            stream = run_step("path_stream", "ungdc", n, work, None)
            quality = run_step("path_compare", "ungdc", n, work, None)
            for label, result in (("in memory", memory), ("out of core", stream)):
                key = "memory" if label == "in memory" else "stream"
                rows.append(
                    {
                        "corpus": name,
                        "path": label,
                        "passages": result["n_passages"],
                        "k": result["k"],
                        "seconds": result["seconds"],
                        "peak_mb": result["peak_mb"],
                        "npmi": quality[f"npmi_{key}"],
                        "overlap": quality["overlap"],
                    }
                )
            print(f"done: paths {name}", file=sys.stderr, flush=True)
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        print("\nIn memory vs out of core (read from the store, automatic k; peak = process tree;")
        print("npmi = coherence of top 10 terms; overlap = matched share of top-10 terms)")
        print(pd.DataFrame(rows).round(3).to_string(index=False))


def compare_with_bare(args: argparse.Namespace) -> None:
    """Print our TopicModel against a bare TfidfVectorizer + NMF script, and topic quality."""
    plans = [("ungdc", 1000, "UN 1,000"), ("us-sotu", None, "SOTU 233")]
    if not args.quick:
        plans.append(("ungdc", None, "UN 10,924"))
    rows = []
    quality_rows = []
    boilerplate_rows: list[dict[str, object]] = []
    labels: dict[str, list[str]] = {}
    for corpus, n, name in plans:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            ours = run_step("ours_fit", corpus, n, work, None)
            k = int(ours["k"])
            labels[name] = ours["labels"]
            boilerplate_rows.append(
                {
                    "corpus": name,
                    "k": k,
                    "procedural themes": len(ours["boilerplate_themes"]),
                    "score": len(ours["boilerplate_themes"]) / k,
                    "terms kept out": ours["n_kept_out"],
                    "k tried": " ".join(str(r["k"]) for r in ours["selection"] or []),
                }
            )
            bare = run_step("bare_fit", corpus, n, work, k)
            pairs = [("fit themes (auto k)", ours, bare)]
            pairs.append(("fit themes (k given)", run_step("ours_fit", corpus, n, work, k), bare))
            for label, step in (("score 1 speech", "score"), ("themes over time", "over_time")):
                pairs.append(
                    (
                        label,
                        run_step(f"ours_{step}", corpus, n, work, k),
                        run_step(f"bare_{step}", corpus, n, work, k),
                    )
                )
            for label, o, b in pairs:
                rows.append(
                    {
                        "corpus": name,
                        "step": label,
                        "k": k,
                        "passages": ours["n_passages"],
                        "ours_s": o["seconds"],
                        "bare_s": b["seconds"],
                        "ratio": o["seconds"] / max(b["seconds"], 1e-9),
                        "ours_peak_mb": o["peak_mb"],
                        "bare_peak_mb": b["peak_mb"],
                    }
                )
            if not args.skip_quality and (n is not None or corpus == "us-sotu"):
                quality = run_step("quality", corpus, n, work, k)
                for model, q in quality["quality"].items():
                    quality_rows.append(
                        {
                            "corpus": name,
                            "k": k,
                            "passages": quality["n_passages"],
                            "model": model,
                            **q,
                        }
                    )
        print(f"done: {name}", file=sys.stderr, flush=True)
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        print("Speed and peak memory (each step in its own process; ratio = ours / bare)")
        print(pd.DataFrame(rows).round(3).to_string(index=False))
        print()
        print("Topic quality (NPMI of top 10 terms over passages; stability = mean best-match")
        print("cosine of topics across 5 seeds), same k, same passages")
        print(pd.DataFrame(quality_rows).round(3).to_string(index=False))
    print("\nBoilerplate score: the share of themes whose five top terms are all procedural")
    print("(target 0). The procedural list of this benchmark: " + ", ".join(sorted(PROCEDURAL)))
    print(pd.DataFrame(boilerplate_rows).to_string(index=False))
    for name, names in labels.items():
        print(f"\nThemes of {name} (labels): " + "; ".join(names))


if __name__ == "__main__":
    main()

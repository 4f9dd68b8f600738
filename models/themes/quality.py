"""Quality of topics and the automatic choice of their number: NPMI coherence and stability.

How the number of themes is chosen (`choose_n_topics`): for each candidate k (six from a floor
that grows with the corpus, `granularity_floor`, up to twice the floor, `max_topics` and a third
of the passages), NMF is fitted once with the deterministic
NNDSVD start and three times from random starts, on the passages (a random sample of at most
2,500 passages and the 5,000 most common terms on large corpora). Stability is the mean cosine
similarity between each NNDSVD topic and its Hungarian match in each random-start fit;
coherence is the mean NPMI of each topic's top 10 terms, counted from passage co-occurrence
over up to `COHERENCE_SAMPLE` passages.
Two coarser numbers below the floor are scored as well, to tell how coherent coarse themes
would be. Among the stable candidates (stability >= 0.8) from the floor up whose coherence is
within 0.05 of the most coherent stable candidate, the most coherent wins; when none from the
floor up qualifies, the most coherent stable candidate wins, and when none is stable, the most
stable. NPMI falls slowly as themes get finer (0.21 at k = 7, 0.17 at k = 19 on 1,000 UN
speeches) while an analyst of such a corpus wants twenty themes, not seven: the floor sets the
granularity and the data choose above it, as long as they hold that many stable, nearly as
coherent themes (three subjects in 18 short speeches still give three or four themes, not six);
the stability floor rejects numbers whose topics depend on the starting point.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

import numpy as np
from joblib import Parallel, delayed
from scipy import sparse
from scipy.optimize import linear_sum_assignment
from sklearn.decomposition import NMF, non_negative_factorization
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfTransformer
from threadpoolctl import threadpool_limits

from models.progress import step

SELECTION_SAMPLE = 2500
FINE_CANDIDATES = 6  # numbers tried from the floor up
# Coherence is counted over up to this many passages: on a sample of 2,500 the top terms of
# finer themes seldom meet by chance alone, which would favour coarse themes.
COHERENCE_SAMPLE = 50_000
SELECTION_TERMS = 5000
# three random starts tell a stable number from an unstable one as five did on the UN and State
# of the Union corpora (the same k chosen), in 60% of the time
N_RESTARTS = 3
STABLE = 0.8
# Finer themes may be this much less coherent than the most coherent stable number and still win.
COHERENCE_DROP = 0.05
MIN_TOPICS = 3
# as scikit-learn's default: 300 iterations changed no State of the Union theme by more than
# chance (mean best-match cosine 0.99 with 200) and cost half as much again
MAX_ITER = 200
# Final fits stop at a relative tolerance of 1e-3: on 1,000 UN speeches the topics match those
# at 1e-4 with cosine 1.00 in half the iterations.
FIT_TOL = 1e-3
PARALLEL_MIN_ROWS = 20_000
SELECTION_MAX_ITER = 100
SELECTION_TOL = 1e-3


def fit_nmf(
    tfidf: sparse.csr_matrix,
    *,
    n_topics: int,
    random_state: int = 0,
    init: str = "nndsvd",
    tol: float = 1e-4,
) -> tuple[np.ndarray, np.ndarray]:
    """Fit NMF on a TF-IDF matrix; return (passage weights W, topic-term components H)."""
    with quiet_nmf():
        return _nmf(tfidf, n_topics=n_topics, random_state=random_state, init=init, tol=tol)


def solve_weights(
    tfidf: sparse.csr_matrix, components: np.ndarray, *, n_jobs: int = 2
) -> np.ndarray:
    """Return the NMF weights of rows under fixed topics, solving chunks side by side.

    The coordinate-descent solver releases the GIL, so threads share the work without
    copying the matrix to other processes.
    """
    n_rows = tfidf.shape[0]
    if n_rows == 0:
        return np.zeros((0, components.shape[0]))
    components = components.astype(tfidf.dtype, copy=False)  # the solver needs one precision
    n_chunks = n_jobs if n_jobs > 1 and n_rows >= PARALLEL_MIN_ROWS else 1
    bounds = np.linspace(0, n_rows, n_chunks + 1).astype(int)

    def solve(a: int, b: int) -> np.ndarray:
        weights, _, _ = non_negative_factorization(
            tfidf[a:b],
            H=components,
            n_components=components.shape[0],
            init="custom",
            update_H=False,
            max_iter=MAX_ITER,
            tol=FIT_TOL,
        )
        return weights

    with quiet_nmf():
        if n_chunks == 1:
            return solve(0, n_rows)
        with threadpool_limits(limits=1, user_api="blas"):
            parts = Parallel(n_jobs=n_chunks, prefer="threads")(
                delayed(solve)(a, b) for a, b in zip(bounds[:-1], bounds[1:], strict=True)
            )
    return np.vstack(parts)


def _nmf(
    tfidf: sparse.csr_matrix,
    *,
    n_topics: int,
    random_state: int,
    init: str,
    max_iter: int = MAX_ITER,
    tol: float = 1e-4,
) -> tuple[np.ndarray, np.ndarray]:
    nmf = NMF(
        n_components=n_topics, init=init, random_state=random_state, max_iter=max_iter, tol=tol
    )
    weights = nmf.fit_transform(tfidf)
    return weights, nmf.components_


@contextmanager
def quiet_nmf() -> Iterator[None]:
    """Silence NMF's convergence warning (set in the calling thread: filters are global)."""
    with warnings.catch_warnings():
        # Not converging within MAX_ITER leaves topics that are good enough to read; the
        # iteration cap keeps fits on large corpora within the time users wait.
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def npmi_coherence(
    binary: sparse.csr_matrix, components: np.ndarray, *, top_n: int = 10
) -> np.ndarray:
    """Return the NPMI coherence of each topic's top `top_n` terms from passage co-occurrence.

    Args:
        binary: (n_passages, n_terms) matrix, nonzero where a term occurs in a passage.
        components: (n_topics, n_terms) topic-term weights.
        top_n: how many top terms per topic.

    Returns:
        One value per topic in [-1, 1]; pairs that never co-occur count as -1.
    """
    n_docs = binary.shape[0]
    top = np.argsort(-components, axis=1)[:, :top_n]
    used = np.unique(top)
    sub = (binary[:, used] > 0).astype(np.float64).tocsc()
    co = (sub.T @ sub).toarray()
    p = np.diag(co) / n_docs
    position = {term: i for i, term in enumerate(used)}
    scores = np.empty(len(top))
    for t, row in enumerate(top):
        idx = [position[term] for term in row]
        values = []
        for a in range(len(idx)):
            for b in range(a + 1, len(idx)):
                p_ab = co[idx[a], idx[b]] / n_docs
                if p_ab <= 0:
                    values.append(-1.0)
                elif p_ab >= 1:
                    values.append(1.0)
                else:
                    pmi = np.log(p_ab / (p[idx[a]] * p[idx[b]]))
                    values.append(pmi / -np.log(p_ab))
        scores[t] = float(np.mean(values)) if values else 0.0
    return scores


def match_topics(old: np.ndarray, new: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Match topics of two fits by their term vectors (Hungarian matching on cosine similarity).

    Args:
        old: (k_old, n_terms) components.
        new: (k_new, n_terms) components over the same terms.

    Returns:
        (old rows, new rows, similarities) of the matched pairs; min(k_old, k_new) pairs.
    """
    sim = cosine_matrix(old, new)
    rows, cols = linear_sum_assignment(-sim)
    return rows, cols, sim[rows, cols]


def cosine_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Return the cosine similarity of every row of `a` with every row of `b`."""
    a_norm = a / np.maximum(np.linalg.norm(a, axis=1, keepdims=True), 1e-12)
    b_norm = b / np.maximum(np.linalg.norm(b, axis=1, keepdims=True), 1e-12)
    return a_norm @ b_norm.T


def stability(reference: np.ndarray, others: list[np.ndarray]) -> float:
    """Return the mean best-match cosine similarity between `reference` topics and each other fit."""
    values = [match_topics(reference, other)[2].mean() for other in others]
    return float(np.mean(values)) if values else 1.0


def granularity_floor(n_passages: int) -> int:
    """Return the fewest themes worth offering for a corpus of `n_passages` passages.

    Analysts read themes at about the same granularity whatever the corpus: a handful for one
    speech, a dozen for a few dozen speeches, twenty or more for decades of a forum. The floor
    grows with the logarithm of the passages: 3 for 15 passages (one speech), 10 for 800
    (about 40 speeches), 16 for 40,000 (1,000 UN speeches), 21 for 450,000 (the UN corpus).
    """
    if n_passages < 2:
        return MIN_TOPICS
    return max(MIN_TOPICS, int(round(4 * np.log10(n_passages) - 2)))


def candidate_counts(n_passages: int, *, max_topics: int) -> list[int]:
    """Return the numbers of topics worth trying for a corpus of `n_passages` passages: from the
    granularity floor up to `max_topics`, at most twice the floor and a third of the passages;
    `FINE_CANDIDATES` values at most."""
    floor = granularity_floor(n_passages)
    top = max(MIN_TOPICS, min(max_topics, n_passages // 3, 2 * floor))
    low = min(floor, top)
    if top - low < FINE_CANDIDATES:
        return list(range(low, top + 1))
    return sorted({int(round(k)) for k in np.linspace(low, top, FINE_CANDIDATES)})


def coarser_counts(n_passages: int, *, max_topics: int) -> list[int]:
    """Return two numbers of topics below the granularity floor (none when the floor is the
    least number): they tell how coherent coarser themes would be."""
    low = min(granularity_floor(n_passages), max(MIN_TOPICS, min(max_topics, n_passages // 3)))
    if low <= MIN_TOPICS:
        return []
    return sorted({int(round(k)) for k in np.linspace(MIN_TOPICS, low - 1, 2)})


def _score_candidate(
    counts: sparse.csr_matrix, tfidf: sparse.csr_matrix, *, k: int, random_state: int
) -> dict[str, float]:
    # Comparing candidates needs rough topics only: a looser tolerance halves the time.
    rough = partial(_nmf, tfidf, n_topics=k, max_iter=SELECTION_MAX_ITER, tol=SELECTION_TOL)
    _, reference = rough(random_state=random_state, init="nndsvd")
    others = [
        rough(init="random", random_state=random_state + seed)[1]
        for seed in range(1, N_RESTARTS + 1)
    ]
    return {
        "k": k,
        "coherence": float(npmi_coherence(counts, reference).mean()),
        "stability": stability(reference, others),
    }


def choose_n_topics(
    counts: sparse.csr_matrix, *, max_topics: int = 40, random_state: int = 0, n_jobs: int = 2
) -> tuple[int, list[dict[str, float]]]:
    """Choose the number of topics: the most coherent of the stable candidates (module docstring).

    Args:
        counts: (n_passages, n_terms) term counts after the vocabulary rules.
        max_topics: the largest number of topics to try.
        random_state: seed of the sampling; the same seed gives the same choice.
        n_jobs: candidates fitted side by side (threads).

    Returns:
        The chosen number and one row per candidate: k, coherence, stability.
    """
    rng = np.random.default_rng(random_state)
    n_passages = counts.shape[0]
    reference = counts
    if n_passages > COHERENCE_SAMPLE:
        rows = np.sort(rng.choice(n_passages, COHERENCE_SAMPLE, replace=False))
        reference = counts[rows]
    if n_passages > SELECTION_SAMPLE:
        rows = np.sort(rng.choice(n_passages, SELECTION_SAMPLE, replace=False))
        counts = counts[rows]
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    keep = np.flatnonzero(df)
    if keep.size > SELECTION_TERMS:
        keep = np.sort(keep[np.argsort(-df[keep], kind="stable")[:SELECTION_TERMS]])
    counts = counts[:, keep]
    reference = sparse.csr_matrix(reference)[:, keep]
    tfidf = TfidfTransformer(sublinear_tf=True).fit_transform(counts)

    def evaluate(candidates: list[int]) -> list[dict[str, float]]:
        # Small factorisations gain nothing from threaded BLAS and lose much on a busy machine;
        # candidates run side by side instead, one BLAS thread each.
        with threadpool_limits(limits=1, user_api="blas"), quiet_nmf():
            return Parallel(n_jobs=min(n_jobs, len(candidates)), prefer="threads")(
                delayed(_score_candidate)(reference, tfidf, k=k, random_state=random_state)
                for k in candidates
            )

    candidates = coarser_counts(n_passages, max_topics=max_topics) + candidate_counts(
        n_passages, max_topics=max_topics
    )
    step(
        "choosing the number of themes: trying %s (%s passages)",
        ", ".join(map(str, candidates)),
        f"{counts.shape[0]:,}",
    )
    table = evaluate(candidates)
    floor = granularity_floor(n_passages)
    stable = [row for row in table if row["stability"] >= STABLE]
    if stable:
        top = max(row["coherence"] for row in stable)
        fine = [
            row for row in stable if row["k"] >= floor and row["coherence"] >= top - COHERENCE_DROP
        ]
        best = max(fine or stable, key=lambda row: (row["coherence"], row["k"]))
    else:
        best = max(table, key=lambda row: (row["stability"], -row["k"]))
    return int(best["k"]), table

"""Which terms may make a theme, and how a theme's label reads.

Boilerplate, learned from the corpus. Speeches of one forum share a vocabulary of procedure and
ceremony ("general assembly", "united nations", "session", "congratulate", "election"); fitted as
they are, such words form themes of their own and crowd the top terms of the rest. Two signals
find them without a hand list, and both need a corpus large enough to show them:

- **Spread**: the term is in at least `SPREAD` of the speeches of every cell of speeches (a cell
  is a period and, for a speaker or country with a tenth of the corpus or more, that group; the
  rest of the speakers share a cell per period), counting cells of `MIN_CELL_SPEECHES` speeches
  or more, at least two of them. When the corpus is too small for two such cells, groups alone
  are the cells, then periods alone. A word every group says in every period tells no theme
  apart.
- **Openings and closings**: the term is said in the first or last passage of a speech at least
  `EDGE_RATIO` times as often as elsewhere, in at least `EDGE_SHARE` of the speeches (and 3),
  and so often there that chance would give it less than once in a thousand (binomial test), in
  a corpus of 10 speeches or more with four passages or more. Salutations, congratulations and thanks live there.

Users add their own stop terms (stored with the corpus); a stop term also keeps out every phrase
that contains it ("annan" keeps out "kofi annan"). All three are kept out of the terms themes are
fitted on, and the Themes page and `speechtrack themes` list them with the reason.

Labels. A theme's label is 2 to 3 of its ten heaviest terms (3 or 4 words), chosen for the
theme: each term is weighed by its weight in the theme times its share of its weight over all
themes (a term heavy in every theme tells none apart), a phrase absorbs the words it contains
("young people" stands for "young" and "people"), and no label repeats a word.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.stats import binom

SPREAD = 0.7
MIN_CELL_SPEECHES = 5
EDGE_RATIO = 4.0
EDGE_SHARE = 0.05
MIN_EDGE_SPEECHES = 10
MIN_EDGE_PASSAGES = 4
MIN_EDGE_HABIT = 3  # speeches at least, whatever the share
EDGE_P = 0.001
GROUP_SHARE = 0.1  # a speaker or country with this share of the speeches has cells of its own

REASON_SPREAD = "in most speeches of every period and speaker"
REASON_EDGE = "said mostly in openings and closings"
REASON_USER = "a stop term of yours"

LABEL_TERMS = 3
LABEL_CANDIDATES = 10


def speech_cells(catalogue: pd.DataFrame) -> pd.Series:
    """Return each speech's cell for the spread signal: its period and, when its speaker (or
    country) holds at least `GROUP_SHARE` of the speeches, that group.

    Periods are decades when the dated speeches span 20 years or more, else years; undated
    speeches share one period.

    Args:
        catalogue: speeches with speech_id, date and optionally country and speaker.

    Returns:
        Cell labels indexed by speech_id.
    """
    ids = catalogue["speech_id"].astype(str).to_numpy()
    dates = pd.to_datetime(catalogue.get("date"), errors="coerce")
    years = dates.dt.year if dates is not None else pd.Series(np.nan, index=catalogue.index)
    span = years.max() - years.min() if years.notna().any() else 0
    period = (years // 10 * 10) if span >= 20 else years
    period_label = period.map(lambda y: "undated" if pd.isna(y) else str(int(y)))
    group = pd.Series("", index=catalogue.index, dtype=object)
    for column in ("speaker", "country"):
        if column in catalogue:
            values = catalogue[column].fillna("").astype(str).str.strip().str.lower()
            group = group.where(group != "", values)
    shares = group[group != ""].value_counts(normalize=True)
    big = set(shares[shares >= GROUP_SHARE].index)
    group = group.where(group.isin(big), "others")
    return pd.Series(
        (period_label.astype(str) + "|" + group.astype(str)).to_numpy(),
        index=pd.Index(ids, name="speech_id"),
    )


@dataclass(slots=True)
class TermSpread:
    """Counts behind the boilerplate signals, gathered batch by batch over passage counts.

    Attributes:
        n_terms: the columns counted.
        cells: the cell labels met so far, in order of first appearance.
        presence: (cells, terms) speeches of each cell holding each term.
        cell_speeches: speeches per cell.
        edge: occurrences in opening and closing passages (speeches of `MIN_EDGE_PASSAGES`).
        inner: occurrences in the other passages of those speeches.
        edge_speeches: speeches whose opening or closing passage holds the term.
        edge_words: words of the opening and closing passages.
        inner_words: words of the other passages.
        long_speeches: speeches with `MIN_EDGE_PASSAGES` passages or more.
    """

    n_terms: int
    cells: list[str] = field(default_factory=list)
    presence: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.int32))
    cell_speeches: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    edge: np.ndarray = field(default_factory=lambda: np.zeros(0))
    inner: np.ndarray = field(default_factory=lambda: np.zeros(0))
    edge_speeches: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    edge_words: int = 0
    inner_words: int = 0
    long_speeches: int = 0

    def __post_init__(self) -> None:
        """Size the per-term arrays."""
        self.presence = np.zeros((0, self.n_terms), dtype=np.int32)
        self.edge = np.zeros(self.n_terms)
        self.inner = np.zeros(self.n_terms)
        self.edge_speeches = np.zeros(self.n_terms, dtype=np.int64)

    def add(
        self,
        counts: sparse.csr_matrix,
        owners: np.ndarray,
        n_words: np.ndarray,
        cells: pd.Series | None,
    ) -> None:
        """Count one batch of passages (each speech's passages together, in reading order).

        Args:
            counts: (passages, n_terms) term counts.
            owners: the speech id of each passage.
            n_words: words per passage.
            cells: the cell of each speech by id (`speech_cells`); None puts all in one cell.
        """
        counts = sparse.csr_matrix(counts)
        n = counts.shape[0]
        if n == 0:
            return
        codes, speeches = pd.factorize(pd.Series(np.asarray(owners, dtype=object)))
        n_speeches = len(speeches)
        to_speech = sparse.csr_matrix((np.ones(n), (codes, np.arange(n))), shape=(n_speeches, n))
        present = counts.copy()
        present.data = np.ones_like(present.data, dtype=np.float64)
        held = to_speech @ present
        held.data = np.ones_like(held.data)
        labels = (
            np.full(n_speeches, "all", dtype=object)
            if cells is None
            else cells.reindex(pd.Index(speeches.astype(str))).fillna("undated|others").to_numpy()
        )
        cell_codes = np.asarray([self._cell(str(label)) for label in labels])
        to_cell = sparse.csr_matrix(
            (np.ones(n_speeches), (cell_codes, np.arange(n_speeches))),
            shape=(len(self.cells), n_speeches),
        )
        self.presence += np.asarray((to_cell @ held).todense(), dtype=np.int32)
        self.cell_speeches += np.bincount(cell_codes, minlength=len(self.cells))
        # openings and closings of speeches long enough to have an inside
        per_speech = np.bincount(codes, minlength=n_speeches)
        long = per_speech[codes] >= MIN_EDGE_PASSAGES
        first = np.r_[True, codes[1:] != codes[:-1]]
        last = np.r_[codes[1:] != codes[:-1], True]
        edge_rows = np.flatnonzero(long & (first | last))
        inner_rows = np.flatnonzero(long & ~(first | last))
        words = np.asarray(n_words, dtype=np.int64)
        self.edge += np.asarray(counts[edge_rows].sum(axis=0)).ravel()
        self.inner += np.asarray(counts[inner_rows].sum(axis=0)).ravel()
        self.edge_words += int(words[edge_rows].sum())
        self.inner_words += int(words[inner_rows].sum())
        self.long_speeches += int((per_speech >= MIN_EDGE_PASSAGES).sum())
        edge_held = to_speech[:, edge_rows] @ present[edge_rows]
        edge_held.data = np.ones_like(edge_held.data)
        self.edge_speeches += np.asarray(edge_held.sum(axis=0)).ravel().astype(np.int64)

    def _cell(self, label: str) -> int:
        if label not in self.cells:
            self.cells.append(label)
            self.presence = np.vstack([self.presence, np.zeros((1, self.n_terms), np.int32)])
            self.cell_speeches = np.r_[self.cell_speeches, 0]
        return self.cells.index(label)

    def _cells_by(self, part: int | None) -> tuple[np.ndarray, np.ndarray]:
        """Presence and sizes of the cells, or of cells merged by one part of their label
        (0: the period, 1: the group)."""
        if part is None or not self.cells:
            return self.presence, self.cell_speeches
        keys = [label.split("|")[part] if "|" in label else label for label in self.cells]
        codes, unique = pd.factorize(pd.Series(keys))
        merge = sparse.csr_matrix(
            (np.ones(len(codes)), (codes, np.arange(len(codes)))), shape=(len(unique), len(codes))
        )
        return np.asarray(merge @ self.presence), np.bincount(codes, weights=self.cell_speeches)

    def reasons(self) -> np.ndarray:
        """Return, per term, why it is boilerplate ("" when it is not)."""
        out = np.full(self.n_terms, "", dtype=object)
        # cells of period and group; on corpora too small for two such cells, groups alone,
        # then periods alone
        for part in (None, 1, 0):
            presence, sizes = self._cells_by(part)
            eligible = sizes >= MIN_CELL_SPEECHES
            if eligible.sum() >= 2:
                shares = presence[eligible] / sizes[eligible][:, None]
                out[shares.min(axis=0) >= SPREAD] = REASON_SPREAD
                break
        if self.long_speeches >= MIN_EDGE_SPEECHES and self.edge_words and self.inner_words:
            edge_rate = self.edge / self.edge_words
            inner_rate = self.inner / self.inner_words
            concentrated = edge_rate >= EDGE_RATIO * np.maximum(inner_rate, 1e-12)
            habitual = self.edge_speeches >= max(MIN_EDGE_HABIT, EDGE_SHARE * self.long_speeches)
            # not chance: so many of the term's occurrences in openings and closings would be
            # rarer than 1 in 1,000 if it were said anywhere alike
            share = self.edge_words / (self.edge_words + self.inner_words)
            total = (self.edge + self.inner).astype(np.int64)
            surprise = binom.sf(self.edge.astype(np.int64) - 1, total, share)
            significant = surprise < EDGE_P
            out[(out == "") & concentrated & habitual & significant] = REASON_EDGE
        return out


def stopped(terms: Sequence[str] | np.ndarray, stop_terms: Sequence[str]) -> np.ndarray:
    """Return which terms a user's stop terms keep out: the term itself or a phrase holding it."""
    wanted = [f" {' '.join(s.lower().split())} " for s in stop_terms if s.strip()]
    if not wanted:
        return np.zeros(len(terms), dtype=bool)
    return np.asarray([any(w in f" {t} " for w in wanted) for t in terms], dtype=bool)


def normalise_stop_term(term: str) -> str:
    """Return a stop term as terms are counted: lower case, single spaces, one spelling."""
    from models.text_clean import fold_spelling

    return " ".join(fold_spelling(term.lower()).split())


def label_terms(
    components: np.ndarray, terms: Sequence[str] | np.ndarray, *, n_terms: int = LABEL_TERMS
) -> list[list[str]]:
    """Return each theme's label terms (module docstring): 3 by default, or 4 when a phrase
    absorbed words, distinct words only."""
    components = np.asarray(components, dtype=np.float64)
    totals = components.sum(axis=0)
    exclusive = np.divide(components, totals, out=np.zeros_like(components), where=totals > 0)
    scores = components * exclusive
    out = []
    for topic in range(components.shape[0]):
        # among the theme's heaviest terms, the most distinctive first
        heaviest = np.argsort(-components[topic], kind="stable")[:LABEL_CANDIDATES]
        order = heaviest[np.argsort(-scores[topic, heaviest], kind="stable")]
        chosen: list[str] = []
        for j in order:
            if components[topic, j] <= 0:
                break
            term = str(terms[j])
            words = set(term.split())
            if any(words <= set(c.split()) for c in chosen):
                continue  # already said by a phrase chosen before
            # a phrase takes the place of the single words it contains
            chosen = [c for c in chosen if not set(c.split()) <= words]
            if any(set(c.split()) & words for c in chosen):
                continue  # would repeat a word
            chosen.append(term)
            n_words = sum(len(c.split()) for c in chosen)
            if len(chosen) >= n_terms or n_words >= n_terms + 1:
                break
        out.append(chosen)
    return out

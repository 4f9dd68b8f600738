"""Text statistics of speeches, and where and how often a term is used: trends and concordance.

Words are those of `corpus.count_words` (letters or digits with inner hyphens and apostrophes), so
every count here agrees with the `n_words` the store keeps.

Example:
    speech_stats(store.texts(flt))
    term_trend(store.texts(flt), catalogue=store.catalogue(flt), terms=["climate change"])
    concordance(store.texts(flt), catalogue=store.catalogue(flt), term="sanctions", width=60)
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import numpy as np
import pandas as pd

from corpus.records import WORD_PATTERN, SpeechFilter
from models.errors import NotEnoughTextError, SelectionError
from models.text_clean import variants_pattern

__all__ = [
    "MTLD_THRESHOLD",
    "STATS_ARTIFACT",
    "STATS_COLUMNS",
    "PERIODS",
    "concordance",
    "count_syllables",
    "flesch_reading_ease",
    "mtld",
    "phrase_pattern",
    "speech_stats",
    "split_sentences",
    "stats_by_group",
    "stored_speech_stats",
    "term_trend",
    "with_periods",
]

STATS_COLUMNS = [
    "speech_id",
    "n_words",
    "n_sentences",
    "mean_sentence_length",
    "n_types",
    "mtld",
    "flesch_reading_ease",
    "language",
    "readability_note",
]
# The store artifact keeping each speech's statistics; raise the number when the rules change.
STATS_ARTIFACT = "stats.speech_stats/3"
# Languages whose readability formula is implemented: Flesch's is defined (and its syllable
# counting here is written) for English only.
READABLE_LANGUAGES = frozenset({"en"})
MTLD_THRESHOLD = 0.72  # McCarthy and Jarvis (2010): the type-token ratio at which a factor ends
PERIODS = {"year": "Y", "quarter": "Q", "month": "M"}
# Bounds of a term query: each term is a full scan of the selected texts, so a link asking for
# thousands would keep a server busy for many minutes.
MAX_TREND_TERMS = 20
MAX_TERM_CHARS = 100
_PRECISION_RANK = {"year": 0, "month": 1, "day": 2}
_PERIOD_NEEDS = {"year": 0, "quarter": 1, "month": 1}  # the date precision each period needs

_WORD = re.compile(WORD_PATTERN)
_LETTERS = re.compile(r"[a-z]+")
_VOWEL_GROUP = re.compile(r"[aeiouy]+")
# A sentence may end at . ! ? (with closing quotes or brackets) followed by white space.
_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s)")
_NEXT_STARTS_SENTENCE = re.compile(r"\s+[\"'“‘(\[]?[A-Z0-9]")
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")
_INITIALS = re.compile(r"(?:[A-Za-z]\.)+")  # "U.S.", "e.g.", "J.", "U.N."
# Titles and abbreviations that are followed by a full stop but rarely end a sentence.
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st sr jr messrs mme mlle hon rev gen col lt capt sgt gov sen rep amb "
    "no nos vol art arts para paras fig ch sec cf vs viz approx dept univ inc ltd co corp "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
# Other languages: the same rules with any script's capitals, the quotes and marks that open a
# sentence there (« „ ¿ ¡), the full stops of Chinese and Japanese, and pysbd's abbreviations.
_END_ANY = re.compile(r"(?:[.!?]+[\"'”’»)\]]*(?=\s)|[。！？]+[”’」』)]*)")
_NEXT_WORD = re.compile(r"\s*(?:[\"'“‘«„(\[¿¡]\s*)?(\w)")  # French puts a space after «
_INITIALS_ANY = re.compile(r"(?:[^\W\d_]\.)+")


@dataclass(frozen=True)
class _SentenceRules:
    end: re.Pattern[str]
    abbreviations: frozenset[str]
    initials: re.Pattern[str]
    openers: str  # quotes and brackets that may stand before an abbreviation


_ENGLISH_RULES = _SentenceRules(_END, _ABBREVIATIONS, _INITIALS, "\"'“‘([")


@lru_cache(maxsize=64)
def _sentence_rules(language: str) -> _SentenceRules:
    """English keeps its own tested rules; other languages take pysbd's abbreviation list."""
    if language == "en":
        return _ENGLISH_RULES
    from pysbd.languages import LANGUAGE_CODES

    rules = LANGUAGE_CODES.get(language)
    listed = getattr(getattr(rules, "Abbreviation", None), "ABBREVIATIONS", ())
    abbreviations = frozenset(a.lower().rstrip(".") for a in listed)
    return _SentenceRules(_END_ANY, abbreviations, _INITIALS_ANY, "\"'“‘«„([¿¡")


def split_sentences(text: str, language: str = "en") -> list[str]:
    """Split a text into sentences.

    A sentence ends at a blank line (a paragraph break), or at ".", "!" or "?" followed by white
    space and a capital letter, a digit, or an opening quote or bracket. A single line break is
    white space: many transcripts are hard-wrapped in mid-sentence. A full stop does not end a sentence after a
    title or common abbreviation ("Mr.", "No.", "Art."), after initials ("U.S.", "e.g.", "J."),
    or inside a number ("1.5"). The price is that a sentence really ending in "U.S." is joined to
    the next one.

    In other languages (an ISO 639-1 `language` other than "en") the capital may be of any
    script ("Мир", "Élysée"), a sentence may open with « „ ¿ ¡, "。！？" end sentences in Chinese
    and Japanese (where letters have no case), and the abbreviations are pysbd's list for the
    language ("г.", "M.", "Sig."; 22 languages, none for the others). pysbd itself is not run:
    it took 2.7 s on a 19,000-word speech against 6 ms for these rules.

    Returns:
        The sentences in order, white space folded to single spaces; fragments without a word
        are dropped.
    """
    rules = _sentence_rules(language)
    sentences: list[str] = []
    for line in _PARAGRAPH_BREAK.split(text):
        start = 0
        for end in rules.end.finditer(line):
            if not _starts_sentence(line, end.end(), rules):
                continue
            if end.group().startswith(".") and _is_abbreviation(line, end.start(), rules):
                continue
            sentences.append(line[start : end.end()])
            start = end.end()
        sentences.append(line[start:])
    return [" ".join(s.split()) for s in sentences if _WORD.search(s)]


def _starts_sentence(line: str, at: int, rules: _SentenceRules) -> bool:
    """Whether the text after a sentence mark at `at` opens a new sentence."""
    if rules is _ENGLISH_RULES:
        return bool(_NEXT_STARTS_SENTENCE.match(line, at))
    found = _NEXT_WORD.match(line, at)
    if found is None:
        return False
    first = found.group(1)
    # a capital, a digit, or a letter of a script without case (Chinese, Arabic...)
    return first.isupper() or first.isdigit() or not first.islower()


def _is_abbreviation(line: str, dot: int, rules: _SentenceRules = _ENGLISH_RULES) -> bool:
    """Whether the full stop at `dot` closes an abbreviation rather than a sentence."""
    token = line[:dot].rsplit(maxsplit=1)[-1] if line[:dot].strip() else ""
    token = token.lstrip(rules.openers)
    if token.lower().rstrip(".") in rules.abbreviations:
        return True
    return bool(rules.initials.fullmatch(token + "."))


@lru_cache(maxsize=200_000)
def count_syllables(word: str) -> int:
    """Estimate the syllables of an English word by counting vowel groups.

    Groups of vowels (a, e, i, o, u, y) are counted, less a silent final "e" ("make"), a silent
    "-ed" ("walked", not "wanted") and "-es" ("makes", not "horses"). Known limits: vowels that meet
    across syllables count once ("cre-ate" gives 1 group, "co-op-er-a-tion" gives 4 of 5);
    acronyms read letter by letter ("UN") and numbers ("1945") count as one syllable; only English
    spelling is understood. Every word has at least one syllable.
    """
    letters = "".join(_LETTERS.findall(word.lower()))
    if not letters:
        return 1
    n = len(_VOWEL_GROUP.findall(letters))
    if n > 1:
        if letters.endswith("e") and not letters.endswith(("le", "ee", "ye")):
            n -= 1
        elif letters.endswith("ed") and not letters.endswith(("ted", "ded")):
            n -= 1
        elif letters.endswith("es") and not letters.endswith(
            ("ses", "zes", "ces", "ges", "shes", "ches", "xes")
        ):
            n -= 1
    return max(n, 1)


def flesch_reading_ease(*, n_words: int, n_sentences: int, n_syllables: int) -> float:
    """Flesch reading ease: 206.835 - 1.015 words/sentence - 84.6 syllables/word.

    About 60-70 reads as plain English and 30 or less as dense, academic prose. The formula was
    calibrated on written American English; on transcripts it depends on where sentences are cut,
    and with estimated syllables it is a guide to compare speeches, not an absolute grade.
    Returns NaN for a text without words.
    """
    if n_words == 0 or n_sentences == 0:
        return float("nan")
    return 206.835 - 1.015 * (n_words / n_sentences) - 84.6 * (n_syllables / n_words)


def _mtld_pass(tokens: Sequence[str], threshold: float) -> float:
    """One direction of MTLD: tokens divided by the number of factors (partial last factor)."""
    factors = 0.0
    types: set[str] = set()
    n_tokens = 0
    ttr = 1.0
    for token in tokens:
        n_tokens += 1
        types.add(token)
        ttr = len(types) / n_tokens
        if ttr <= threshold:
            factors += 1.0
            types = set()
            n_tokens = 0
            ttr = 1.0
    factors += (1.0 - ttr) / (1.0 - threshold)
    return len(tokens) / factors if factors > 0 else float("nan")


def mtld(tokens: Sequence[str], *, threshold: float = MTLD_THRESHOLD) -> float:
    """Measure of textual lexical diversity (McCarthy and Jarvis 2010), bidirectional.

    Reading the tokens in order, a factor ends each time the running type-token ratio falls to the
    threshold; the ratio then restarts. The leftover tokens count as the fraction of a factor
    (1 - ratio) / (1 - threshold). MTLD is the number of tokens per factor, averaged over a
    forward and a backward pass. Unlike the type-token ratio it hardly depends on text length.

    Args:
        tokens: the words, already lower-cased if case should not matter.
        threshold: the type-token ratio that ends a factor.

    Returns:
        The mean tokens per factor; NaN when no factor was completed or started (all tokens
        distinct, or no tokens), where lexical diversity cannot be measured this way.
    """
    if not tokens:
        return float("nan")
    return (_mtld_pass(tokens, threshold) + _mtld_pass(tokens[::-1], threshold)) / 2.0


def speech_stats(texts: pd.Series, languages: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Length, sentence, vocabulary and readability statistics of each speech.

    Args:
        texts: speech texts indexed by speech_id.
        languages: each speech's ISO 639-1 language by speech_id (as the store keeps it);
            a speech not named is taken for English.

    Returns:
        One row per speech, in the order given, with columns speech_id, n_words, n_sentences,
        mean_sentence_length (words per sentence), n_types (distinct lower-cased words), mtld,
        flesch_reading_ease, language and readability_note. Sentences are split by the rules of
        the speech's language. Flesch reading ease is given only where its formula is defined
        (English); elsewhere it is NaN (null in JSON) and `readability_note` says why.
        See `split_sentences`, `mtld` and `flesch_reading_ease` for the rules.
    """
    languages = languages if languages is not None else {}
    rows = []
    for speech_id, text in texts.items():
        language = str(languages.get(str(speech_id), "") or "en")
        words = [w.lower() for w in _WORD.findall(text)]
        n_sentences = len(split_sentences(text, language))
        n_words = len(words)
        readable = language in READABLE_LANGUAGES
        rows.append(
            {
                "speech_id": speech_id,
                "n_words": n_words,
                "n_sentences": n_sentences,
                "mean_sentence_length": n_words / n_sentences if n_sentences else float("nan"),
                "n_types": len(set(words)),
                "mtld": mtld(words),
                "flesch_reading_ease": flesch_reading_ease(
                    n_words=n_words,
                    n_sentences=n_sentences,
                    n_syllables=sum(count_syllables(w) for w in words),
                )
                if readable
                else float("nan"),
                "language": language,
                "readability_note": "" if readable else readability_note(language),
            }
        )
    frame = pd.DataFrame(rows, columns=STATS_COLUMNS)
    # typed even when there are no rows, so that adding new speeches to none keeps the types
    texts = {"language", "readability_note"}
    counts = {c: np.int64 for c in STATS_COLUMNS[1:] if c.startswith("n_")}
    measures = {
        c: np.float64 for c in STATS_COLUMNS[1:] if not c.startswith("n_") and c not in texts
    }
    return frame.astype(counts | measures | dict.fromkeys(texts, object))


def readability_note(language: str) -> str:
    """Why a speech in `language` has no Flesch reading ease."""
    return (
        f"Flesch reading ease is defined for English only; this speech is in {language!r}, "
        "where its syllable counts and weights do not hold."
    )


class _Store(Protocol):
    def texts(self, flt: SpeechFilter = ...) -> pd.Series: ...
    def languages(self) -> dict[str, str]: ...
    def get_artifact(self, name: str) -> bytes | None: ...
    def put_artifact(self, name: str, payload: bytes) -> None: ...


_TEXT_COLUMNS = ("speech_id", "language", "readability_note")


def stored_speech_stats(store: _Store, speech_ids: Sequence[str]) -> pd.DataFrame:
    """`speech_stats` of stored speeches, computed once per speech and kept in the store.

    A speech id is a hash of the text, so a speech's statistics change only with its language
    (sentences are split and readability given by language); only speeches not seen before, or
    whose stored language has changed since, are read and measured.

    Returns:
        The columns of `speech_stats`, one row per given id found in the store, in the order given.
    """
    wanted = list(dict.fromkeys(speech_ids))
    payload = store.get_artifact(STATS_ARTIFACT)
    kept = (
        _stats_from_bytes(payload)
        if payload is not None
        else speech_stats(pd.Series([], dtype=object))
    )
    if not wanted:
        return kept.iloc[0:0].reset_index(drop=True)[STATS_COLUMNS]
    languages = store.languages()
    known = dict(zip(kept["speech_id"], kept["language"], strict=True))
    missing = [i for i in wanted if i in languages and known.get(i) != (languages[i] or "en")]
    if missing:
        texts = store.texts(SpeechFilter(speech_ids=frozenset(missing)))
        kept = kept[~kept["speech_id"].isin(missing)]
        kept = pd.concat([kept, speech_stats(texts, languages)], ignore_index=True)
        store.put_artifact(STATS_ARTIFACT, _stats_to_bytes(kept))
    by_id = kept.set_index("speech_id")
    present = [i for i in wanted if i in by_id.index]
    return by_id.loc[present].reset_index()[STATS_COLUMNS]


def _stats_to_bytes(stats: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    arrays = {
        c: stats[c].to_numpy(
            dtype=str if c in _TEXT_COLUMNS else np.int64 if c.startswith("n_") else np.float64
        )
        for c in STATS_COLUMNS
    }
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def _stats_from_bytes(payload: bytes) -> pd.DataFrame:
    with np.load(io.BytesIO(payload), allow_pickle=False) as arrays:
        columns = {c: arrays[c] for c in STATS_COLUMNS}
    frame = pd.DataFrame(columns)
    for c in _TEXT_COLUMNS:
        frame[c] = frame[c].astype(object)
    return frame


def stats_by_group(stats: pd.DataFrame, *, groups: Mapping[str, Iterable[str]]) -> pd.DataFrame:
    """Summarise per-speech statistics over groups of speeches.

    Args:
        stats: the frame of `speech_stats`.
        groups: group name -> speech ids (a speech may be in several groups).

    Returns:
        One row per group, in the order given, with columns group, n_speeches, n_words,
        mean_sentence_length (all words over all sentences of the group), mtld and
        flesch_reading_ease (means over the group's speeches, each speech weighing the same;
        readability over the speeches where it is defined), and readability_note, which says
        how many speeches have no readability and why (empty when all have one).
    """
    by_id = stats.set_index("speech_id")
    rows = []
    for name, ids in groups.items():
        part = by_id.loc[by_id.index.intersection(pd.Index(list(ids)))]
        n_sentences = int(part["n_sentences"].sum())
        rows.append(
            {
                "group": name,
                "n_speeches": len(part),
                "n_words": int(part["n_words"].sum()),
                "mean_sentence_length": part["n_words"].sum() / n_sentences
                if n_sentences
                else float("nan"),
                "mtld": part["mtld"].mean(),
                "flesch_reading_ease": part["flesch_reading_ease"].mean(),
                "readability_note": _group_readability_note(part),
            }
        )
    columns = [
        "group",
        "n_speeches",
        "n_words",
        "mean_sentence_length",
        "mtld",
        "flesch_reading_ease",
        "readability_note",
    ]
    return pd.DataFrame(rows, columns=columns).astype({"n_speeches": np.int64, "n_words": np.int64})


def _group_readability_note(part: pd.DataFrame) -> str:
    """Which of a group's speeches have no readability, by language."""
    if "language" not in part.columns:
        return ""
    other = part.loc[~part["language"].isin(READABLE_LANGUAGES), "language"]
    if other.empty:
        return ""
    counts = ", ".join(f"{n} in {code!r}" for code, n in other.value_counts().sort_index().items())
    if len(other) == len(part):
        return f"Flesch reading ease is defined for English only; these speeches are {counts}."
    return (
        f"Flesch reading ease is defined for English only: the mean is over the "
        f"{len(part) - len(other)} English speeches, leaving out {counts}."
    )


def phrase_pattern(term: str) -> re.Pattern[str]:
    """Compile a case-insensitive pattern for a word or phrase, matched on whole words.

    The words of a phrase may be separated by any white space, including a line break. "UN" does
    not match inside "UNESCO" or "fun"; "peace" does match in "peace-keeping", since a hyphen
    separates words.

    Raises:
        SelectionError: when the term has no word in it.
    """
    return re.compile(_phrase_body(term), re.IGNORECASE)


def _phrase_body(term: str) -> str:
    words = term.split()
    if not words or not any(_WORD.search(w) for w in words):
        raise SelectionError(f"The term {term!r} has no word in it; give a word or a phrase.")
    if len(term) > MAX_TERM_CHARS:
        raise SelectionError(
            f"A term may have at most {MAX_TERM_CHARS} characters; {term[:30]!r}... has "
            f"{len(term):,}. Give a shorter word or phrase."
        )
    # each word in its British and American spellings ("organisation" finds "organization")
    bodies = [variants_pattern(w) if w.isalpha() else re.escape(w) for w in words]
    rest = "".join(r"\s+" + body for body in bodies[1:])
    first = re.escape(words[0])
    if bodies[0] != first.lower():
        return rf"(?<!\w){bodies[0]}{rest}(?!\w)"
    # The pattern opens with the first word as a literal, which lets the regex engine jump to
    # candidates; the look-behind after it then checks that no letter precedes the match.
    return rf"{first}(?<!\w{first}){rest}(?!\w)"


def with_periods(catalogue: pd.DataFrame, *, period: str) -> pd.DataFrame:
    """Catalogue rows whose date is precise enough for the period, with a `period` column added.

    Speeches dated only to the year are dropped for "quarter" and "month" (rather than piled into
    January); `period` is the first day of the period, as datetime64.

    Raises:
        SelectionError: for an unknown period.
        NotEnoughTextError: when no speech has a date precise enough for the period.
    """
    if period not in PERIODS:
        raise SelectionError(f"Unknown period {period!r}; use one of {', '.join(PERIODS)}.")
    rows = catalogue
    if "date_precision" in catalogue.columns:
        rank = catalogue["date_precision"].map(_PRECISION_RANK).fillna(2)
        rows = catalogue[rank >= _PERIOD_NEEDS[period]]
    if rows.empty:
        raise NotEnoughTextError(
            f"None of the {len(catalogue)} selected speeches has a date precise enough for a "
            f"{period}ly trend; use a coarser period such as year."
        )
    starts = pd.to_datetime(rows["date"]).dt.to_period(PERIODS[period]).dt.start_time
    return rows.assign(period=starts.to_numpy())


def term_trend(
    texts: pd.Series,
    *,
    catalogue: pd.DataFrame,
    terms: Sequence[str],
    period: str = "year",
    seconds: float | None = None,
) -> pd.DataFrame:
    """How often terms or phrases are used per 10,000 words, period by period.

    Matching follows `phrase_pattern` (case-insensitive, whole words, phrases across any white
    space). Speeches whose date is known only to the year are left out of quarterly and monthly
    trends rather than piled into January.

    Args:
        texts: speech texts indexed by speech_id.
        catalogue: the speeches' metadata, with columns speech_id, date, n_words and optionally
            date_precision (as `CorpusStore.catalogue` returns it).
        terms: the words or phrases to follow (at most `MAX_TREND_TERMS`, each at most
            `MAX_TERM_CHARS` characters).
        period: "year", "quarter" or "month".
        seconds: a deadline: terms not started before it are left out (the first term is
            always counted); None counts them all.

    Returns:
        One row per term and period that has speeches, with columns term, period (the first day,
        datetime64), n_speeches, n_words (behind the point), n_matches, per_10k, sorted by term
        (in the order given) then period.

    Raises:
        SelectionError: for an empty or over-long term, too many terms or an unknown period.
        NotEnoughTextError: when no speech has a date precise enough for the period.
    """
    if len(terms) > MAX_TREND_TERMS:
        raise SelectionError(
            f"At most {MAX_TREND_TERMS} terms can be followed at once; {len(terms):,} were given. "
            "Split them into several queries."
        )
    patterns = [re.compile(_phrase_body(term.lower())) for term in terms]  # every term checked
    started = time.monotonic()
    dated = with_periods(catalogue, period=period)
    # Counting on lower-cased text with a lower-cased pattern is several times faster than a
    # case-insensitive search; only offsets could differ, and counts need none.
    lowered = texts.reindex(dated["speech_id"]).fillna("").str.lower()
    parts: list[pd.DataFrame] = []
    for term, pattern in zip(terms, patterns, strict=True):
        if parts and seconds is not None and time.monotonic() - started > seconds:
            break  # out of time: the terms counted so far (the caller says which are missing)
        matches = lowered.str.count(pattern).to_numpy(dtype=np.int64)
        per_speech = pd.DataFrame(
            {
                "period": dated["period"].to_numpy(),
                "n_words": dated["n_words"].to_numpy(dtype=np.int64),
                "n_matches": matches,
            }
        )
        grouped = per_speech.groupby("period", sort=True).agg(
            n_speeches=("n_words", "size"),
            n_words=("n_words", "sum"),
            n_matches=("n_matches", "sum"),
        )
        grouped = grouped.reset_index().assign(term=term)
        grouped["per_10k"] = np.where(
            grouped["n_words"] > 0, grouped["n_matches"] / grouped["n_words"] * 10_000, 0.0
        )
        parts.append(grouped)
    columns = ["term", "period", "n_speeches", "n_words", "n_matches", "per_10k"]
    frame = pd.concat(parts, ignore_index=True)[columns]
    return frame.astype({"n_speeches": np.int64, "n_words": np.int64, "n_matches": np.int64})


def concordance(
    texts: pd.Series,
    *,
    catalogue: pd.DataFrame,
    term: str,
    width: int = 40,
    limit: int | None = None,
) -> pd.DataFrame:
    """Keyword in context: every use of a term or phrase with the text around it.

    Args:
        texts: speech texts indexed by speech_id.
        catalogue: metadata with columns speech_id, date, title; its row order is the output order.
        term: the word or phrase (matched as in `phrase_pattern`).
        width: characters of context on each side.
        limit: stop after this many matches.

    Returns:
        One row per match with columns speech_id, date, title, start (character offset of the match
        in the speech text), word_index (0-based position of its first word among the speech's
        words), left, match (as written in the text), right. Line breaks in the context read as
        spaces; `text[start:start + len(match)] == match` always holds.

    Raises:
        SelectionError: for an empty term.
    """
    pattern = phrase_pattern(term)
    rows = []
    for speech_id, date, title in catalogue[["speech_id", "date", "title"]].itertuples(index=False):
        text = texts.get(speech_id)
        if text is None:
            continue
        found = list(pattern.finditer(text))
        if not found:
            continue
        word_starts = np.fromiter((m.start() for m in _WORD.finditer(text)), dtype=np.int64)
        for match in found:
            start, end = match.span()
            rows.append(
                {
                    "speech_id": speech_id,
                    "date": date,
                    "title": title,
                    "start": start,
                    "word_index": int(np.searchsorted(word_starts, start)),
                    "left": _flat(text[max(0, start - width) : start]),
                    "match": match.group(),
                    "right": _flat(text[end : end + width]),
                }
            )
            if limit is not None and len(rows) >= limit:
                break
        if limit is not None and len(rows) >= limit:
            break
    columns = ["speech_id", "date", "title", "start", "word_index", "left", "match", "right"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["date"] = pd.to_datetime(frame["date"])
    return frame.astype({"start": np.int64, "word_index": np.int64})


def _flat(context: str) -> str:
    """Context with line breaks and tabs read as spaces."""
    return context.replace("\n", " ").replace("\t", " ").replace("\r", " ")

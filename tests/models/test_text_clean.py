"""Text as analysis reads it: page furniture out, British and American spellings as one word."""

import re

import pandas as pd
import pytest

from models.compare.keyness import term_counts
from models.compare.stats import phrase_pattern
from models.text_clean import fold_spelling, strip_furniture, variants_pattern
from models.themes.vectorize import split_passages


@pytest.mark.parametrize(
    ("british", "american"),
    [
        ("organisation", "organization"),
        ("organisations", "organizations"),
        ("recognised", "recognized"),
        ("criticising", "criticizing"),
        ("globalisation", "globalization"),
        ("analyse", "analyze"),
        ("labour", "labor"),
        ("neighbouring", "neighboring"),
        ("honourable", "honorable"),
        ("centre", "center"),
        ("kilometres", "kilometers"),
        ("defence", "defense"),
        ("programmes", "programs"),
        ("travelled", "traveled"),
        ("judgement", "judgment"),
        ("fulfilment", "fulfillment"),
    ],
)
def test_british_spellings_fold_into_american(british: str, american: str) -> None:
    assert fold_spelling(british) == american
    assert fold_spelling(american) == american


@pytest.mark.parametrize(
    "word",
    [
        "otherwise", "enterprise", "exercise", "promise", "uncompromising", "crises", "precise",
        "raise", "practise", "surprised", "advertised", "four", "hour", "your", "there", "more",
        "are", "controlled", "called", "well", "paris", "wise", "noise", "premises", "appraise",
    ],
)  # fmt: skip
def test_words_that_only_look_british_keep_their_spelling(word: str) -> None:
    assert fold_spelling(word) == word


def test_variants_pattern_finds_both_spellings() -> None:
    pattern = re.compile(rf"\b{variants_pattern('Organisation')}\b", re.IGNORECASE)
    assert len(pattern.findall("The Organization and the organisation; organic.")) == 2
    assert variants_pattern("peace") == "peace"
    trend = phrase_pattern("labour market")
    assert len(trend.findall("labor market, Labour\nmarket, laboratory market")) == 2


def test_page_furniture_is_left_out_of_passages_but_prose_with_numbers_stays() -> None:
    text = (
        "### Page 3 (continued):\nWe stand for peace.\nA/70/PV.15 28/09/2015\n15-29425 31/34\n"
        "Page 1|6\n- 4 -\nWe sent 12 ships and 300 doctors in 2015.\nIn 2015"
    )
    kept = strip_furniture(text)
    assert "Page" not in kept and "PV" not in kept and "29425" not in kept
    assert "We sent 12 ships and 300 doctors in 2015." in kept
    assert "We stand for peace." in kept
    passages = split_passages(text, min_words=2, max_words=50)
    assert not any("PV" in p or "Page" in p for p in passages)


def test_keyness_counts_one_term_for_both_spellings_and_no_page_markers() -> None:
    texts = pd.Series(
        {
            "a": "The organisation of labour.\n### Page 2 (continued):\nThe organization helps.",
            "b": "Labor unions and the organization.\nPage 3|4\nOther matters.",
        }
    )
    counts = term_counts(texts)
    terms = list(counts.terms)
    assert "organization" in terms and "organisation" not in terms
    assert "labor" in terms and "labour" not in terms
    assert "page" not in terms and "continued" not in terms
    column = terms.index("organization")
    assert counts.matrix[:, column].toarray().ravel().tolist() == [2, 1]

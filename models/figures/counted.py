"""What a figure counts: the head noun chosen among the words around the number.

The rules of `models.figures.text.counted_phrase` read the noun phrase after a number (or the
subject it is linked to before it); on real speeches they find the right head for a little over
half of the figures. Here every word near the number is a candidate head, weighed by a logistic
model (`models/data/counted_classifier.json`, trained by `bench/figures/train.py` on the labelled
real sentences) from its position, its form, the words beside it and whether the rules chose it;
the phrase is the chosen noun with the modifiers written before it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from models.figures.features import LogisticModel, shipped_model
from models.figures.numbers import NumberExpression
from models.figures.text import dash_cut, singular

WINDOW = 12  # words on each side of the number
STOPWORD = "stopword"  # the feature of function words: "the", "which", "his", "thirteen"
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_STOP = frozenset(
    """a an the and or but nor of in on at to for from by with without into as than that which who
    whom whose where when while if because so such this these those it its is are was were be been
    being am have has had do does did will would shall should can could may might must not no per
    cent percent we they you he she i them us him her me my our your their there here all each
    every both some any more most less least over about only just also even still now then very
    much many few several other another same own up down out off again further once instead
    one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
    sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety
    hundred thousand million billion
    however thus therefore alone too yet already""".split()
)
_TIME = frozenset(
    """year years month months week weeks day days decade decades century centuries today
    yesterday tomorrow time times period annum january february march april may june july august
    september october november december""".split()
)


@dataclass(frozen=True, slots=True)
class HeadCandidate:
    """A word near a number that may be what it counts."""

    start: int
    end: int
    word: str
    features: list[str]


def _suffix(word: str) -> str:
    lowered = word.lower()
    for ending in ("ies", "ing", "ed", "ly", "tion", "ment", "ity", "ers", "er", "ss", "s"):
        if lowered.endswith(ending) and len(lowered) > len(ending) + 2:
            return ending
    return "-"


_LINK = re.compile(
    r"\b(?:is|are|was|were|be|been|amount(?:s|ed)?|reach(?:es|ed)?|total(?:s|l?ed)?|stands?|stood|"
    r"r[io]se|risen|f[ae]ll|fallen|grew|grown|increased|decreased|declined|exceeded|came|went)\b"
)
_OF_WORDS = frozenset(
    "of the our their its his her my this that these those per cent percent".split()
)
_PREPOSITIONS = frozenset("of by to at in for from with over".split())


def _ends_chain(text: str, end: int, limit: int) -> bool:
    """Say whether the word ending at `end` is the last of a run of content words: what follows
    is punctuation, a number, a function word or the end of the sentence."""
    following = _TOKEN.match(text, end + 1) if text[end : end + 1] == " " else None
    if following is None or following.start() >= limit:
        return True
    return following.group().lower() in _STOP


def _bucket(distance: int) -> str:
    if distance <= 3:
        return str(distance)
    return "4-6" if distance <= 6 else "7+"


# --- a parser-free reading of the clause a number stands in -------------------------------------
_CLAUSE_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d+(?:[,.]\d+)*|[,;:()—–\"“”]|\s-\s")
# verbs that link a subject to the figure after them: "exports rose to", "the debt amounted to",
# "the turnout was", "the rural masses make up", "it represented"
_LINK_VERBS = frozenset(
    """is are was were be been being amount amounts amounted amounting reach reaches reached
    reaching total totals totalled totaled totalling totaling exceed exceeds exceeded exceeding
    stand stands stood rise rises rose risen rising fall falls fell fallen falling grow grows grew
    grown growing increase increases increased decrease decreases decreased decline declines
    declined drop drops dropped climb climbs climbed jump jumped double doubled doubles triple
    tripled constitute constitutes constituted represent represents represented account accounts
    accounted make makes made comprise comprises comprised cost costs came come comes went go goes
    remain remains remained reduce reduced reduces cut cuts estimated expected projected number
    numbers numbered equal equals equalled surpassed topped averaged averages hit hits soared
    plunged shrank""".split()
)
# words that may stand between the link verb and the number: "rose to about", "amounted in the
# whole to the sum of", "make up more than"
_LINK_FILLER = frozenset(
    """to by from at of the a an some about nearly only more less than over almost approximately
    around just up for in whole sum total figure level mere roughly well under below above fewer
    least as much many high low still now also already estimated expected projected be
    further per cent percent us them reported during last fiscal past same each annually
    annum this that next current""".split()
)
# what may stand between a subject and its link verb: "has been", "will probably", "now"
_AUXILIARY = frozenset(
    """has have had will would shall should may might must can could is are was were be been
    being do does did not still now also already further again thus therefore then currently
    probably expected estimated projected to""".split()
)
_CLAUSE_OPENERS = frozenset(
    "and but while whereas which who that where when because although though since if or".split()
)
_DETERMINERS = frozenset(
    "the a an our their its his her my your such all both each every some any no".split()
)
_OPENING_ADVERBS = frozenset(
    "today now yet however moreover thus therefore furthermore meanwhile indeed also still".split()
)
_SHARE_VERBS = frozenset(
    """constitute constitutes constituted represent represents represented account accounts
    accounted comprise comprises comprised""".split()
)
_MONTH_WORD = re.compile(
    r"january|february|march|april|may|june|july|august|september|october|november|december"
)
# common verbs that are seldom the noun a figure counts, with their regular forms: evidence
# against a head ("one third of mankind lives", "the Government hopes to appropriate")
_VERB_STEMS = """be have do say get make go know take see come think look want give find tell ask seem
    feel try leave call become put mean keep let begin show hear run move live believe hold bring
    happen write sit stand lose meet include continue learn lead understand watch follow stop
    create speak read allow add spend grow open walk win offer remember consider appear buy wait
    serve die send expect build stay fall reach kill remain suggest raise pass sell require decide
    pull hope confirm clear descend affect receive enjoy suffer face carry bear drive break choose
    agree accept achieve announce approve argue arrive avoid belong claim compare contain
    deliver depend describe destroy determine develop discover enable encourage ensure
    establish exist explain fail fight flee hit improve indicate intend involve join lie mention
    note obtain occur own prefer prepare present prevent produce promise protect prove
    recognize reduce reflect refuse regard reject relate rely remove replace represent
    return reveal save seek send share start succeed threaten transfer turn urge vote wish""".split()
_VERBS = frozenset(
    form
    for stem in _VERB_STEMS
    for form in (
        stem,
        stem + "s",
        stem + "es",
        stem + "ed",
        stem + "d",
        stem + "ing",
        stem[:-1] + "ing",
        stem[:-1] + "ies",
        stem[:-1] + "ied",
    )
) | frozenset(
    """said got made went knew took saw came thought gave found told became kept began shown heard
    ran held brought wrote sat stood lost met led understood fell won bought built sent grew
    done gone known taken seen given become left felt meant put set paid spent""".split()
)
_RELATIVES = frozenset("which who that".split())
_SUBJECT_PRONOUNS = frozenset("i we you he she it they who which".split())
_PRONOUNS = frozenset("it they this these those he she we".split())
# nouns of measure whose "of" names the thing measured: "the number of refugees has risen"
_MEASURE_NOUNS = frozenset(
    """number share proportion percentage level amount volume total sum value quantity figure
    rate part majority fraction half third quarter size""".split()
)
_UNIT_WORDS = frozenset(
    """dollars dollar pounds pound florins francs franc rubles roubles euros euro yen marks lire
    pesos rupees cents sterling tons tonnes ton tonne acres acre miles mile kilometres kilometers
    km hectares barrels millions million billions billion thousands thousand hundreds hundred
    trillion trillions percent cent per""".split()
)


def _chain(
    tokens: list[tuple[int, int, str]], at: int, limit: int | None = None
) -> tuple[int, int] | None:
    """The first and last index of the run of content words starting at token `at` (past
    determiners and adverbs), not beyond `limit`: "the voter turnout in" -> (voter, turnout);
    a participle after a noun ends the run: "the sum devoted to" -> (sum, sum)."""
    limit = len(tokens) if limit is None else limit
    i = at
    while i < limit and (
        tokens[i][2].lower() in _DETERMINERS
        or tokens[i][2].lower() in _OPENING_ADVERBS
        or tokens[i][2].lower().endswith("ly")
    ):
        i += 1
    if i >= limit or not tokens[i][2][0].isalpha():
        return None
    if tokens[i][2].lower() in _PRONOUNS:
        return i, i
    if tokens[i][2].lower() in _STOP:
        return None  # "For the first time": no noun phrase opens the clause
    j = i
    while (
        j + 1 < limit
        and tokens[j + 1][2][0].isalpha()
        and tokens[j + 1][2].lower() not in _STOP
        and not tokens[j + 1][2].lower().endswith(("ed", "ing"))
        and tokens[j + 1][0] - tokens[j][1] <= 2
    ):
        j += 1
    return i, j


def _chain_head(
    tokens: list[tuple[int, int, str]], at: int, limit: int | None = None
) -> int | None:
    run = _chain(tokens, at, limit)
    return None if run is None or tokens[run[0]][2].lower() in _PRONOUNS else run[1]


_CHANGE_VERBS = re.compile(
    r"(?:increas|rais|reduc|cut|bring|brought|swell|lower|boost|doubl|tripl|expand|extend|lift|"
    r"push|drive|drove|driv|grow|grew|decreas|slash|trim)\w*"
)


def _mark_changed(
    tokens: list[tuple[int, int, str]], noun: int, mark: Callable[[int | None, str], None]
) -> None:
    """Mark the object of a verb of change whose "to"/"by" leads to the number: "increase their
    global annual assistance to developing countries to $50 billion" -> assistance."""
    for back in range(noun, max(-1, noun - 10), -1):
        word = tokens[back][2].lower()
        if not word[:1].isalpha():
            return
        if _CHANGE_VERBS.fullmatch(word):
            mark(_chain_head(tokens, back + 1, noun + 1), "changed_object")
            return


def _clause_start(tokens: list[tuple[int, int, str]], end: int) -> int:
    """The index where the clause ending before token `end` starts: after the nearest
    punctuation or clause opener ("and", "which", "while")."""
    start = end
    while start > 0:
        word = tokens[start - 1][2]
        if not word[0].isalnum() or word.lower() in _CLAUSE_OPENERS:
            break
        start -= 1
    return start


def _after_type(text: str, expr: NumberExpression, s_end: int) -> str:
    """What follows a number: a content word, "of", another function word, or punctuation."""
    match = _TOKEN.match(text, expr.end + 1) if text[expr.end : expr.end + 1] == " " else None
    if match is None or match.start() >= s_end:
        return "punct"
    word = match.group().lower()
    if word == "of":
        return "of"
    if word in _STOP:
        return "function"
    return "ly" if word.endswith("ly") else "content"


def clause_features(
    text: str, expr: NumberExpression, sentence: tuple[int, int]
) -> tuple[dict[int, list[str]], list[str]]:
    """Read the clause before a number without a parser.

    Returns the roles of the words before the number by their start offset -- the head of the
    subject a verb links to the number ("exports rose to $5 billion"), the thing a "number of"
    measures, the antecedent of "which" or of a participle ("debts amounting to"), the noun
    before "of" ("a budget of $4 billion") -- and the features of the number's own reading
    (whether it is linked, whether its subject is a pronoun).
    """
    s_start = sentence[0]
    window = max(s_start, expr.start - 400)
    tokens = [
        (m.start(), m.end(), m.group().strip())
        for m in _CLAUSE_TOKEN.finditer(text, window, expr.start)
    ]
    marks: dict[int, list[str]] = {}
    reading: list[str] = []
    if not tokens:
        return marks, ["clause=none"]

    def mark(index: int | None, name: str) -> None:
        if index is not None:
            marks.setdefault(tokens[index][0], []).append(name)

    def measured(head: int, name: str) -> bool:
        # "the number of refugees", "the proportion of such wrongly included matter"
        if tokens[head][2].lower() in _MEASURE_NOUNS and head + 1 < len(tokens):
            if tokens[head + 1][2].lower() == "of":
                inner = _chain_head(tokens, head + 2)
                mark(inner, name)
                return inner is not None
        return False

    # the link verb: walk back from the number over the words that may stand between
    i = len(tokens) - 1
    steps = 0
    while i >= 0 and steps < 12:
        word = tokens[i][2].lower()
        if word in _LINK_VERBS:
            break
        if word not in _LINK_FILLER and not word[:1].isdigit():
            # "have increased during the last fiscal year nearly": a time phrase may stand between
            if word not in _TIME or not any(
                t[2].lower() in _LINK_VERBS for t in tokens[max(0, i - 6) : i]
            ):
                break
        i -= 1
        steps += 1
    verb = tokens[i][2].lower() if i >= 0 else ""
    following = tokens[i + 1][2].lower() if 0 <= i < len(tokens) - 1 else ""
    # "was set at", "were reduced to": a participle before the preposition links as well
    linked = verb in _LINK_VERBS or (
        verb.endswith("ed") and following in ("to", "at", "by", "from")
    )
    if i >= 0 and not linked and verb not in _STOP and verb[:1].isalpha():
        if following == "of":
            mark(i, "of_number")  # "a budget of $4 billion", "a loan of 3,000,000 florins"
        elif following in ("to", "by", "from"):
            _mark_changed(tokens, i, mark)  # "increase their assistance to $50 billion"
    if not linked:
        reading.append("clause=unlinked")
        return marks, reading
    if verb in _SHARE_VERBS or (verb in ("make", "makes", "made") and following == "up"):
        # "the second-class matter constituted more than two-thirds of the total": the part,
        # not the whole, is what the share counts
        reading.append("verb=share")
    if verb.endswith("ing") and i > 0 and tokens[i - 1][2][:1].isalpha():
        # "debts amounting to $300 billion": the noun before the participle
        if tokens[i - 1][2].lower() not in _STOP:
            mark(i - 1, "participle_subject")
            measured(i - 1, "participle_measure_of")
    end = i
    while end > 0 and (
        tokens[end - 1][2].lower() in _AUXILIARY or tokens[end - 1][2].lower().endswith("ly")
    ):
        end -= 1
    start = _clause_start(tokens, end)
    for _ in range(4):
        # "The national debt, as it was ascertained ..., amounted to", "The total receipts during
        # the next fiscal year, ending June 30, 1881, estimated according to existing laws, will
        # be": skip the asides between commas back to the clause that has a noun phrase
        if start < 2 or tokens[start - 1][2] != ",":
            break
        first = tokens[start][2].lower() if start < end else ""
        aside = (
            not first
            or (first in _STOP and first not in _PRONOUNS and first not in _DETERMINERS)
            or first.endswith(("ed", "ing"))
            or not first[:1].isalpha()
            or _MONTH_WORD.fullmatch(first) is not None
        )
        if not aside:
            break
        end = start - 1
        start = _clause_start(tokens, end)
    opener = tokens[start - 1][2].lower() if start > 0 else "<s>"
    run = _chain(tokens, start, end) if start < end else None
    if run is None:
        reading.append("clause=no_subject")
    elif tokens[run[0]][2].lower() in _PRONOUNS:
        reading.append("clause=pronoun")
    else:
        reading.append("clause=subject")
        # "the proportion of such wrongly included matter is estimated to be one-half": what
        # is measured is the subject, not the word of measure
        if not measured(run[1], "link_subject"):
            mark(run[1], "link_subject")
        else:
            mark(run[1], "link_measure_noun")
    if opener in _RELATIVES and start == end and start >= 2:
        # "the rural masses - which make up": the antecedent before the relative pronoun
        back = start - 2
        while back >= 0 and not tokens[back][2][:1].isalpha():
            back -= 1
        if back >= 0 and tokens[back][2].lower() not in _STOP:
            mark(back, "link_antecedent")
    return marks, reading


def head_candidates(
    text: str, expr: NumberExpression, sentence: tuple[int, int], rule_words: list[str]
) -> list[HeadCandidate]:
    """Return the words within `WINDOW` words of a number in its sentence, with their features.

    Args:
        rule_words: the words of the phrase the rules chose (lower case), the last its head.
    """
    s_start, s_end = sentence
    before = list(_TOKEN.finditer(text, max(s_start, expr.start - 160), expr.start))[-WINDOW:]
    after = list(_TOKEN.finditer(text, expr.end, min(s_end, expr.end + 160)))[:WINDOW]
    rule_head = rule_words[-1] if rule_words else ""
    marks, reading = clause_features(text, expr, sentence)
    after_type = _after_type(text, expr, s_end)
    found = []
    rank = {"b": 0, "a": 0}
    for side, matches in (("b", before[::-1]), ("a", after)):
        previous_end = expr.start if side == "b" else expr.end
        broken = False
        for distance, match in enumerate(matches, start=1):
            if text[match.start() - 1 : match.start()].isdigit():
                continue  # "30th", "the 1960s": the ending of a number is no word
            word = dash_cut(match.group())
            lowered = word.lower()
            gap = (
                text[match.end() : previous_end]
                if side == "b"
                else text[previous_end : match.start()]
            )
            if re.search(r"[,;:()—–]|\d", gap):
                broken = True  # a comma or another number lies between it and the number
            previous_end = match.start() if side == "b" else match.end()
            left = text[max(s_start, match.start() - 20) : match.start()].split()
            right = text[match.end() : min(s_end, match.end() + 20)].split()
            features = [
                "bias",
                f"pos={side}{_bucket(distance)}",
                f"suffix={_suffix(word)}",
                f"left={left[-1].lower().strip('.,;:') if left else '<s>'}",
                f"right={right[0].lower().strip('.,;:') if right else '</s>'}",
                f"unit={'count' if expr.unit == 'count' else 'other'}",
            ]
            function_word = all(part in _STOP for part in lowered.split("-") if part)
            if function_word:
                features.append(STOPWORD)  # weighed, but never chosen ("seventy-five" too)
            if lowered in _TIME:
                features.append("time")
            if word[:1].isupper():
                features.append("capital")
            if broken:
                features.append(f"broken_{side}")
            if lowered == rule_head:
                features.append("rule_head")
            elif lowered in rule_words:
                features.append("rule_phrase")
            roles = marks.get(match.start(), [])
            features.extend(roles)
            if lowered in _UNIT_WORDS:
                features.append("unit_word")
            if lowered in _LINK_VERBS:
                features.append("link_verb")  # "went", "rose": a verb is no head
            elif lowered in _VERBS:
                features.append("common_verb")
            previous_word = left[-1].lower().strip(".,;:") if left else ""
            next_word = right[0].lower().strip(".,;:") if right else ""
            if previous_word in _SUBJECT_PRONOUNS or previous_word in _AUXILIARY:
                features.append("verb_place")  # "we see", "has gone", "will be": a verb's place
            if next_word in _DETERMINERS or next_word in ("that", "this", "these", "those", "to"):
                features.append("before_determiner")  # "confirms that", "see the": a verb's
            if lowered.endswith(("'s", "’s")):
                features.append("possessive")  # "Palau’s waters": the owner is no head

            if lowered in _MEASURE_NOUNS:
                features.append("measure_noun")
            if right and right[0].lower().strip(".,;:") in ("of", "in", "with", "to", "for"):
                features.append("pp_after")
            content = not function_word and lowered not in _TIME
            if content:
                # which content word it is on its side: the first after "70 per cent of the"
                rank[side] += 1
                features.append(f"content={side}{min(rank[side], 3)}")
                features.append(f"word={singular(lowered)}")  # "country", "countries" alike
                if _ends_chain(text, match.end(), s_end):
                    features.append("chain_end")  # "Russian NGOs": NGOs ends the chain

            between = (
                text[match.end() : expr.start] if side == "b" else text[expr.end : match.start()]
            ).lower()
            between_words = _TOKEN.findall(between)
            if side == "b" and _LINK.search(between):
                features.append("linked_subject")  # "the deficit went down to"
            if side == "a" and between_words and set(between_words) <= _OF_WORDS:
                features.append("of_after")  # "70 per cent of our population"
            if side == "a" and not between_words and not broken:
                features.append("next_word")
            if side == "b" and between_words and between_words[-1] in _PREPOSITIONS:
                features.append(f"number_after_{between_words[-1]}")  # "a fund of $3 billion"
            # the same role weighs differently by what follows the number: a subject linked to
            # "$5 billion." is what it counts, less so before "$5 billion in aid"
            role = (
                roles[0]
                if roles
                else next((f for f in features if f in ("next_word", "of_after")), f"other_{side}")
            )
            features.append(f"role={role}&after={after_type}")
            features.extend(f"role={role}&{r}" for r in reading)
            found.append(HeadCandidate(match.start(), match.start() + len(word), word, features))
    # the subject the clause reader found further back than the window: "The receipts into the
    # Treasury during the year ending on the 30th day of September last have exceeded $13.5 millions"
    near = {c.start for c in found}
    for start, roles in marks.items():
        if start in near:
            continue
        far = _TOKEN.match(text, start)
        if far is None:
            continue
        word = far.group()
        features = ["bias", "pos=far", f"suffix={_suffix(word)}", *roles]
        features += [f"role={roles[0]}&after={after_type}"]
        features += [f"role={roles[0]}&{r}" for r in reading]
        if word.lower() == rule_head:
            features.append("rule_head")
        found.append(HeadCandidate(far.start(), far.end(), word, features))
    return found


def head_model() -> LogisticModel | None:
    """The chooser of what a figure counts; None when not shipped (the rules decide)."""
    return shipped_model("counted_classifier")


def _phrase(text: str, head: HeadCandidate, sentence_start: int) -> str:
    """The head with the modifiers written right before it: "Russian NGOs", "customs receipts"."""
    words = [head.word]
    position = head.start
    for match in reversed(
        list(_TOKEN.finditer(text, max(sentence_start, head.start - 60), head.start))
    ):
        gap = text[match.end() : position]
        if gap.strip() or match.group().lower() in _STOP or len(words) >= 4:
            break
        words.insert(0, match.group())
        position = match.start()
    return " ".join(words).replace("- ", "-")  # "Secretary-" / "General’s" broken at a line end


def rule_head_words(rule_phrase: str) -> list[str]:
    """The lower-case words of the rules' phrase up to its head: "external public debt as share
    of GDP" -> the debt's words."""
    return [w.lower() for w in _TOKEN.findall(rule_phrase.split(" as share of ")[0])]


def phrase_of(
    text: str, head: HeadCandidate, sentence_start: int, rule_phrase: str, rule_words: list[str]
) -> str:
    """The phrase written for a chosen head: the rules' own when they read the same head."""
    if rule_words and head.word.lower() == rule_words[-1]:
        return rule_phrase
    return _phrase(text, head, sentence_start)


def choose_counted(
    text: str, expr: NumberExpression, sentence: tuple[int, int], rule_phrase: str
) -> str:
    """Return what a figure counts: the best-weighed head near it with its modifiers, else the
    rules' phrase when no model is shipped or no word is likely enough."""
    model = head_model()
    if model is None:
        return rule_phrase
    rule_words = rule_head_words(rule_phrase)
    candidates = head_candidates(text, expr, sentence, rule_words)
    if not candidates:
        return rule_phrase
    choosable = [c for c in candidates if STOPWORD not in c.features]
    if not choosable:
        return rule_phrase
    best = max(choosable, key=lambda c: model.probability(c.features))
    if model.probability(best.features) < model.threshold and rule_phrase:
        return rule_phrase
    return phrase_of(text, best, sentence[0], rule_phrase, rule_words)

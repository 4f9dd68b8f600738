"""What a session is likely to open next, computed by the preparation after the corpus changes.

`session_views` is called in a page run, where it reads the session's choices (filter, the speech
it reads, the Themes page's period and layout, the two speeches it compares); the work it returns
runs in the preparation's server thread (`state.prepare_pages`) and fills the very caches the
pages read, so the next page opened after an upload finds its tables and charts made.
"""

from __future__ import annotations

from contextlib import suppress

from corpus.errors import CorpusError
from dashboard import analysis, state
from dashboard.comparison import compare, side
from dashboard.controls import chosen_speech
from models.errors import ModelError
from models.themes.store import PERIODS


def session_views() -> state.Views:
    """Return the work that computes this session's next views (read in a page run)."""
    flt = state.current_filter()
    speech_id = chosen_speech("speech") or state.last_speech()
    period = str(state.value("themes_period") or analysis.DEFAULT_PERIOD)
    stacked = bool(state.value("themes_stacked", analysis.DEFAULT_STACKED))
    first, second = chosen_speech("compare_a"), chosen_speech("compare_b")
    two_speeches = state.value("compare_mode", "two speeches") == "two speeches"
    pair = (first, second) if two_speeches and first and second and first != second else None

    def early() -> None:
        # pages that do not read the figures: made before the figures of an upload are added
        if speech_id is not None:
            with suppress(CorpusError, ModelError):  # removed meanwhile: the page says so
                analysis.speech_comparisons(speech_id, flt)
        found = state.themes()
        if found is not None and period in PERIODS:
            shown = analysis.shown_themes(found, flt, period, state.value("themes_shown"))
            analysis.theme_shares_chart(found, flt, period, stacked=stacked, shown=shown)
            analysis.theme_heatmap(found, flt, int(str(state.value("themes_map_page", 1) or 1)))

    def late() -> None:
        # the comparison of two speeches reads their figures: made once they are added
        if pair is not None:
            choices = state.speech_choices(flt, state.MAX_PICKER_OPTIONS)
            if pair[0] in choices.ids and pair[1] in choices.ids:
                with suppress(CorpusError, ModelError):
                    compare(
                        side(choices.label(pair[0]), state.speech_filter_of([pair[0]])),
                        side(choices.label(pair[1]), state.speech_filter_of([pair[1]])),
                    )

    return state.Views(early, late)

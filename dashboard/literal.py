"""User text shown as written: never read as Markdown, maths, links or HTML.

Transcripts, titles and speaker names come from uploads. Streamlit reads Markdown (and `$...$` as
maths, `:red[...]` as colour, `[x](javascript:...)` as links) in labels, captions and headers, so
every piece of user text that reaches one of those goes through `literal` first. The reading view
builds its own HTML from `html.escape`d pieces (`highlighted_html`) and is drawn with `st.html`,
which does not read Markdown at all.
"""

from __future__ import annotations

import html
import re
import string
from collections.abc import Iterable
from dataclasses import dataclass

_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
_SPACE = re.compile(r"\s+")


def literal(text: object) -> str:
    """Return `text` escaped so that Streamlit's Markdown shows it exactly as written, on one line.

    Every ASCII punctuation character gets a backslash (CommonMark shows an escaped punctuation
    character as itself), which also stops `$` maths, `:colour[...]` directives, links, emphasis,
    headings and raw HTML. Runs of white space (line breaks included) become one space.
    """
    flat = _SPACE.sub(" ", str(text)).strip()
    return _PUNCTUATION.sub(r"\\\1", flat)


@dataclass(frozen=True, slots=True)
class Mark:
    """A stretch of a text to highlight.

    Attributes:
        start: the first character (inclusive).
        end: the last character (exclusive).
        kind: "figure" or "organisation"; picks the colour of the highlight.
        note: the tooltip, e.g. the value and unit of a figure or the canonical organisation.
    """

    start: int
    end: int
    kind: str
    note: str = ""


_STYLES = {
    "figure": "background:#F0E44266;border-bottom:2px solid #E69F00;",
    "organisation": "background:#56B4E933;border-bottom:2px solid #0072B2;",
}
_DEFAULT_STYLE = "background:#CC79A733;"


def highlighted_html(text: str, marks: Iterable[Mark]) -> str:
    """Return the text as HTML paragraphs with the marked stretches highlighted.

    Every piece of text is escaped with `html.escape`; the only tags are our own `<p>` and
    `<mark>`. Overlapping marks keep the one that starts first (the longer one on a tie).
    """
    chosen: list[Mark] = []
    position = 0
    for mark in sorted(marks, key=lambda m: (m.start, -(m.end - m.start))):
        if mark.start < position or mark.end <= mark.start or mark.end > len(text):
            continue
        chosen.append(mark)
        position = mark.end
    pieces: list[str] = []
    position = 0
    for mark in chosen:
        pieces.append(html.escape(text[position : mark.start]))
        style = _STYLES.get(mark.kind, _DEFAULT_STYLE)
        title = html.escape(mark.note or mark.kind, quote=True)
        pieces.append(
            f'<mark class="st-{html.escape(mark.kind, quote=True)}" style="{style}" '
            f'title="{title}">{html.escape(text[mark.start : mark.end])}</mark>'
        )
        position = mark.end
    pieces.append(html.escape(text[position:]))
    body = "".join(pieces)
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]
    inner = "".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paragraphs)
    return (
        '<div class="speech-text" style="font-family:Georgia,serif;font-size:1.02rem;'
        f'line-height:1.6;max-width:52rem;">{inner}</div>'
    )

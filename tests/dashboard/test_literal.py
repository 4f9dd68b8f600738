"""User text stays text: Markdown escaping and the highlighted reading view."""

from __future__ import annotations

import string

from dashboard.literal import Mark, highlighted_html, literal

HOSTILE = "Hi <script>alert(1)</script> $x$ **bold** [link](javascript:alert(1)) :red[x]"


def test_literal_leaves_no_markdown_to_read() -> None:
    escaped = literal(HOSTILE)
    # CommonMark shows a backslash-escaped punctuation character as itself: every one is escaped
    i = 0
    while i < len(escaped):
        if escaped[i] == "\\":
            assert escaped[i + 1] in string.punctuation
            i += 2
            continue
        assert escaped[i] not in string.punctuation, (i, escaped)
        i += 1
    assert r"\$x\$" in escaped  # Streamlit reads $...$ as maths unless escaped
    assert escaped.replace("\\", "") == HOSTILE.replace("\\", "")
    assert literal("two\nlines") == "two lines"


def test_highlighted_html_escapes_every_piece() -> None:
    text = "Intro <b>x</b>.\n\nOnly 70 NGOs work with ECOSOC & $x$ **y**."
    start = text.index("70")
    org = text.index("ECOSOC")
    html = highlighted_html(
        text,
        [
            Mark(start, start + 2, "figure", 'only 70 "count"'),
            Mark(org, org + 6, "organisation", "UN <ECOSOC>"),
            Mark(start + 1, start + 8, "figure", "overlaps and is dropped"),
        ],
    )
    assert "<b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
    assert '<mark class="st-figure"' in html and ">70</mark>" in html
    assert 'title="UN &lt;ECOSOC&gt;"' in html and 'title="only 70 &quot;count&quot;"' in html
    assert "&amp; $x$ **y**" in html
    assert html.count("<p>") == 2
    assert "overlaps" not in html

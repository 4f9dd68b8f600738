"""Saved web pages: the speech text without menus, scripts or banners, and the page's hints.

Encoding: a byte-order mark wins; bytes that are valid UTF-8 are read as UTF-8 whatever the
page declares (a `<meta charset>` copied from a template often lies); otherwise the declared
charset is used when it reads the bytes without chaos; otherwise the rule of
`corpus.readers.decode` applies. Main text comes from trafilatura; when it finds nothing, a careful
walk over the paragraphs, headings and list items of the page, with navigation, scripts,
styles, forms and cookie banners removed, takes over. lxml parses with network access off
and never loads a DTD.
"""

from __future__ import annotations

import codecs
import copy
import re
from collections.abc import Iterator
from datetime import date

import trafilatura
from charset_normalizer.md import mess_ratio
from lxml import etree, html

from corpus.errors import UnreadableFileError
from corpus.limits import DEFAULT_LIMITS, Limits
from corpus.readers.decode import MAX_CHAOS, decode_bytes, finish_text
from corpus.records import Document, SpeechDate, SpeechFields

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")
_DATE_METAS = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "date",
    "dc.date",
    "dc.date.issued",
    "dcterms.date",
    "dcterms.created",
    "citation_date",
    "citation_publication_date",
    "pubdate",
    "publish-date",
    "publish_date",
    "sailthru.date",
    "parsely-pub-date",
)
_NOISE_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "button",
    "select",
    "iframe",
    "svg",
    "canvas",
    "object",
    "embed",
    "dialog",
    "menu",
)
# Class or id tokens of page furniture: whole tokens, so that a wrapper named "page-header-wrap"
# around the article is kept while "site-header" or "cookie-banner" is dropped.
_NOISE_TOKEN = re.compile(
    r"cookie|consent|gdpr"
    r"|^(nav|navbar|navigation|menu|breadcrumbs?|share|sharing|social|subscribe|newsletter"
    r"|sidebar|site-header|site-footer|footer|related|advert|ads|promo|popup|modal|skip-link"
    r"|banner|contentinfo)$"
    r"|-(menu|nav|navbar|banner|footer|sidebar|share)$",
    re.I,
)
_BLOCKS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd", "td")


def read_html(name: str, data: bytes, *, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read a saved web page: its main text, with the title and article date as hints.

    Args:
        name: the file name, used in messages.
        data: the bytes of the page.
        limits: the per-file budget (file size, nesting depth, text size).

    Returns:
        The page's speech text; hints carry og:title (or <title>) and the article date.

    Raises:
        UnreadableFileError: the page cannot be decoded, nests too deep, or has no text.
    """
    if len(data) > limits.max_html_bytes:
        raise UnreadableFileError(
            name,
            f"the web page has {len(data):,} bytes, more than the {limits.max_html_bytes:,} a "
            "page may hold; copy the speech into a text file and upload that.",
        )
    markup, warnings = _decode_page(name, data, limits=limits)
    tree = _parse(name, markup, limits=limits)
    hints = _page_hints(tree)
    _prune(tree)
    text = _main_text(tree)
    if not text.strip():
        text = "\n\n".join(_walk_text(tree))
    text = finish_text(name, text, limits=limits)
    return Document(source_name=name, text=text, hints=hints, warnings=warnings)


def _decode_page(name: str, data: bytes, *, limits: Limits) -> tuple[str, tuple[str, ...]]:
    has_bom = data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"))
    if not has_bom and b"\x00" not in data[:4096]:
        try:
            return data.decode("utf-8"), ()
        except UnicodeDecodeError:
            declared = _declared_charset(data)
            if declared:
                text = data.decode(declared, "replace")
                if "\ufffd" not in text and mess_ratio(text[:200_000], MAX_CHAOS) < MAX_CHAOS:
                    return text, ()
    return decode_bytes(name, data, limits=limits)


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:8192])
    if match is None:
        return None
    try:
        return codecs.lookup(match.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None


def _parse(name: str, markup: str, *, limits: Limits) -> html.HtmlElement:
    # Bytes, not str: lxml refuses str that carries an XML encoding declaration.
    parser = html.HTMLParser(
        encoding="utf-8", no_network=True, remove_comments=True, remove_pis=True
    )
    try:
        root = html.document_fromstring(markup.encode("utf-8", "replace"), parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as err:
        raise UnreadableFileError(
            name, "the web page has no readable content; save the page again and upload it."
        ) from err
    too_deep = UnreadableFileError(
        name,
        f"the web page nests its elements more than {limits.max_html_depth} deep, which real "
        "pages never do; save the speech as text and upload that.",
    )
    # libxml2 stops at a depth of 256 and drops the rest of the page: refuse rather than
    # store half a speech.
    if any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log):
        raise too_deep
    depth = n_elements = 0
    for event, _ in etree.iterwalk(root, events=("start", "end")):
        depth += 1 if event == "start" else -1
        n_elements += event == "start"
        if depth > limits.max_html_depth:
            raise too_deep
    if n_elements > limits.max_html_elements:
        raise UnreadableFileError(
            name,
            f"the web page has {n_elements:,} elements, more than the "
            f"{limits.max_html_elements:,} a page may hold; copy the speech into a text file "
            "and upload that.",
        )
    return root


def _page_hints(tree: html.HtmlElement) -> SpeechFields:
    metas: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        content = (meta.get("content") or "").strip()
        if key and content and key not in metas:
            metas[key] = content
    title = metas.get("og:title", "")
    if not title:
        found = tree.find(".//title")
        title = found.text_content() if found is not None else ""
    delivered: SpeechDate | None = None
    stamps = [metas[key] for key in _DATE_METAS if key in metas]
    stamps += [t.get("datetime", "") for t in tree.iter("time") if t.get("pubdate") is not None]
    for stamp in stamps:
        match = _ISO_DATE.match(stamp)
        if match:
            try:
                delivered = SpeechDate(date(*(int(part) for part in match.groups())))
            except ValueError:
                continue
            break
    return SpeechFields(title=" ".join(title.split()), delivered=delivered)


def _main_text(tree: html.HtmlElement) -> str:
    extracted = trafilatura.extract(
        copy.deepcopy(tree),
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        favor_recall=True,
        deduplicate=False,
        output_format="txt",
    )
    # trafilatura puts each paragraph on one line; a blank line between them keeps them apart.
    return (extracted or "").replace("\n", "\n\n")


def _prune(tree: html.HtmlElement) -> None:
    """Remove scripts, styles, navigation, forms and banners before any text is taken."""
    for element in list(tree.iter(*_NOISE_TAGS)):
        _drop(element)
    for element in list(tree.iter()):
        if not isinstance(element.tag, str) or element.tag in ("html", "body"):
            continue
        tokens = f"{element.get('id', '')} {element.get('class', '')} {element.get('role', '')}"
        if any(_NOISE_TOKEN.search(token) for token in tokens.split()):
            _drop(element)


def _walk_text(tree: html.HtmlElement) -> Iterator[str]:
    """Yield the text of each paragraph-like block of a pruned page."""
    body = tree.find("body")
    root = body if body is not None else tree
    blocks = [b for b in root.iter(*_BLOCKS) if not _inside_block(b)]
    if not blocks:
        yield root.text_content()
        return
    for block in blocks:
        yield " ".join(block.text_content().split())


def _inside_block(element: html.HtmlElement) -> bool:
    return any(parent.tag in _BLOCKS for parent in element.iterancestors())


def _drop(element: html.HtmlElement) -> None:
    if element.getparent() is not None:
        element.drop_tree()

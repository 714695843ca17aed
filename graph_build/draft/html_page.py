"""HTML minutes pages (ModernGov `ieListDocuments` / `mgAi` pages, or any page of minutes).

BeautifulSoup over lxml's HTML parser: it reads the broken markup councils publish the way a
browser would, and `UnicodeDammit` finds the page's charset from its BOM, `<meta charset>` or
the bytes themselves. Each block element becomes a line of its own, so a ModernGov agenda table
(number cell, title, minutes) reads like the text a curator copies from the page.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString, Tag, UnicodeDammit

from .extract import DraftInputError, Extracted, tidy

_DROP = ("script", "style", "noscript", "template", "svg", "nav", "header", "footer", "form", "button")
_BLOCKS = (
    "p", "div", "section", "article", "main", "aside", "h1", "h2", "h3", "h4", "h5", "h6",
    "li", "dt", "dd", "tr", "td", "th", "table", "ul", "ol", "dl", "blockquote", "pre", "caption",
)  # fmt: skip
# ModernGov wraps the content in one of these; other pages: <main>, else the body
_CONTENT = ("#modgov", ".mgContent", "main", "#content", "article", "body")


def _content(soup: BeautifulSoup) -> Tag:
    for selector in _CONTENT:
        found = soup.select_one(selector)
        if found is not None and found.get_text(strip=True):
            return found
    return soup


def _as_text(node: Tag) -> str:
    for text in node.find_all(string=True):
        if isinstance(text, NavigableString) and "\n" in text:
            text.replace_with(re.sub(r"\s*\n\s*", " ", str(text)))  # source line breaks are not breaks
    for br in node.find_all("br"):
        br.replace_with("\n")
    for block in node.find_all(_BLOCKS):
        block.insert_before("\n")
        block.insert_after("\n")
    return tidy(node.get_text())


def _lang(tag: Tag) -> str:
    return str(tag.get("lang") or tag.get("xml:lang") or "").split("-")[0].lower()


def drop_welsh_parts(content: Tag) -> int:
    """Leave out the parts the markup says are Welsh (`lang="cy"`) when the page has others: a
    bilingual page marks each language's block. Returns how many were left out."""
    welsh = [t for t in content.find_all(True) if _lang(t) == "cy" and not t.find_parent(_is_welsh)]
    if not welsh:
        return 0
    rest = sum(len(s.strip()) for s in content.find_all(string=True) if not s.find_parent(_is_welsh))
    if rest == 0:
        return 0
    for tag in welsh:
        tag.decompose()
    return len(welsh)


def _is_welsh(tag: Tag) -> bool:
    return tag.name != "html" and _lang(tag) == "cy"


def page_language(soup: BeautifulSoup) -> str | None:
    html = soup.find("html")
    lang = html.get("lang") if isinstance(html, Tag) else None
    return str(lang).split("-")[0].lower() if lang else None


def read(data: bytes, path: str) -> Extracted:
    dammit = UnicodeDammit(data, is_html=True)
    if dammit.unicode_markup is None:
        raise DraftInputError(f"{path}: cannot tell the HTML page's character set: save it as UTF-8")
    soup = BeautifulSoup(dammit.unicode_markup, "lxml")
    title_tag = soup.find("title")
    title = tidy(title_tag.get_text()).strip() if title_tag else None
    lang = page_language(soup)
    for tag in soup.find_all(_DROP):
        tag.decompose()
    content = _content(soup)
    dropped = drop_welsh_parts(content)
    text = _as_text(content)
    extractor = "html (BeautifulSoup + lxml)" + (", parts marked Welsh left out" if dropped else "")
    return Extracted(path, "html", extractor, text, title=title or None, lang=lang)

"""Markdown written by campaign authors, turned into HTML that is safe to show.

markdown-it-py renders CommonMark with raw HTML switched off (an author's `<script>` comes out
as text); nh3 (the Rust `ammonia` sanitiser) then keeps only a short allow-list of tags and
attributes and drops any URL scheme but http, https and mailto, so `javascript:` links go.
Every link gets rel="nofollow noopener" and opens in the same tab.
"""

from functools import lru_cache

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "a",
    "blockquote",
    "br",
    "code",
    "em",
    "h2",
    "h3",
    "h4",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    # "js-default" is CommonMark with raw HTML disabled and linkify/typographer off.
    return MarkdownIt("js-default")


def markdown_to_html(text: str) -> SafeString:
    """Render an author's Markdown to sanitised HTML, ready to put in a template."""
    if not text:
        return mark_safe("")  # noqa: S308 (empty string)
    html = _markdown().render(text)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener",
        strip_comments=True,
    )
    return mark_safe(clean)  # noqa: S308 (sanitised by nh3 just above)

"""Notes and comments are Markdown: rendered once, when written, and kept as sanitised HTML.

markdown-it-py's CommonMark preset with raw HTML off and no autolinking renders; nh3 (ammonia)
then keeps only an allow-list of tags and attributes, links with http, https or mailto URLs, and
gives every link rel="nofollow noopener". A link's URL must name one of those schemes or be a
fragment (`#p-…`, a paragraph of the paper); anything else (a relative path, an obfuscated
scheme) loses its href and stays as text. The second pass is the guarantee: whatever the renderer
lets through (an image, a heading, a `javascript:` URL it failed to spot), the allow-list decides.
"""

from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt

TAGS = frozenset({"p", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a", "br"})
ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener"

_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def _keep_url(tag: str, attribute: str, value: str) -> str | None:
    if tag != "a" or attribute != "href":
        return value
    value = value.strip()
    if value.startswith("#"):
        return value
    try:
        scheme = urlsplit(value).scheme.lower()
    except ValueError:
        return None
    return value if scheme in URL_SCHEMES else None


def sanitize_html(html: str) -> str:
    """Keep only the allow-list (tags, attributes, URL schemes); drop scripts and styles with
    their content."""
    return nh3.clean(
        html,
        tags=set(TAGS),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        attribute_filter=_keep_url,
        link_rel=LINK_REL,
        strip_comments=True,
    ).strip()


def render_markdown(text: str) -> str:
    """Markdown to safe HTML (empty text: empty string)."""
    if not text or not text.strip():
        return ""
    return sanitize_html(_renderer.render(text))

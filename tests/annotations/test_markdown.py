"""Markdown notes and comments: what renders, and a set of XSS payloads none of which survive
(annotations.markdown)."""

from html.parser import HTMLParser

import pytest

from annotations.markdown import render_markdown, sanitize_html


@pytest.mark.parametrize(
    "markdown, html",
    [
        ("*em* and **strong**", "<p><em>em</em> and <strong>strong</strong></p>"),
        ("`code`", "<p><code>code</code></p>"),
        ("    indented", "<pre><code>indented\n</code></pre>"),
        ("> quoted", "<blockquote>\n<p>quoted</p>\n</blockquote>"),
        ("- one\n- two", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"),
        ("1. one\n2. two", "<ol>\n<li>one</li>\n<li>two</li>\n</ol>"),
        ("line  \nbreak", "<p>line<br>\nbreak</p>"),
        (
            '[site](https://example.org "Title")',
            '<p><a href="https://example.org" title="Title" rel="nofollow noopener">site</a></p>',
        ),
        (
            "[mail](mailto:a@example.org)",
            '<p><a href="mailto:a@example.org" rel="nofollow noopener">mail</a></p>',
        ),
        ("[para](#p-5f2c9a1e)", '<p><a href="#p-5f2c9a1e" rel="nofollow noopener">para</a></p>'),
        ("", ""),
        ("   ", ""),
    ],
)
def test_it_renders(markdown, html):
    assert render_markdown(markdown) == html


def test_what_is_not_allowed_keeps_its_text():
    assert render_markdown("# Heading") == "Heading"
    assert render_markdown("a https://example.org b") == "<p>a https://example.org b</p>"


XSS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "![x](javascript:alert(1))",
    '![x](x.png" onerror="alert(1))',
    "[click](javascript:alert(1))",
    "[click](JavaScript:alert(1))",
    "[click](jav&#x09;ascript:alert(1))",
    "[click](jav&#x0A;ascript:alert(1))",
    "[click](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;:alert(1))",
    "[click](java%0ascript:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](<javascript:alert(1)>)",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<a href="javascript:alert(1)">x</a>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<div onclick="alert(1)">x</div>',
    '<iframe src="javascript:alert(1)"></iframe>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "[a](https://example.org) [b][ref]\n\n[ref]: javascript:alert(1)",
    "[[nested](javascript:alert(1))](https://example.org)",
    '[x](https://example.org"onmouseover="alert(1))',
    '[x](https://example.org "title\\" onmouseover=\\"alert(1)")',
    "<!-- <script>alert(1)</script> -->",
    "<details open ontoggle=alert(1)>",
    "<body onload=alert(1)>",
    "<object data=javascript:alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<input autofocus onfocus=alert(1)>",
    "<base href=javascript:alert(1)//>",
    "<meta http-equiv=refresh content='0;url=javascript:alert(1)'>",
    "`<script>alert(1)</script>`",
    "```\n<script>alert(1)</script>\n```",
]

# What must never come out as markup: a tag other than the allow-list, an attribute other than
# a link's href, title and rel, or a URL with another scheme than http, https and mailto (or a
# fragment). Read with a real HTML parser, as a browser would: escaped text is text.
ALLOWED = {"p", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a", "br"}


class Markup(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def markup(html: str) -> list[tuple[str, dict]]:
    parser = Markup()
    parser.feed(html)
    parser.close()
    return parser.tags


@pytest.mark.parametrize("payload", XSS)
def test_no_payload_survives(payload):
    html = render_markdown(payload)
    for tag, attrs in markup(html):
        assert tag in ALLOWED, f"<{tag}> in {html!r}"
        allowed = {"href", "title", "rel"} if tag == "a" else set()
        assert set(attrs) <= allowed, f"{attrs} on <{tag}> in {html!r}"
        href = attrs.get("href")
        if href is not None:
            assert href.startswith(("http://", "https://", "mailto:", "#")), f"{href!r}"
    assert "<script" not in html.lower() and "<svg" not in html.lower()


def test_links_always_get_rel_nofollow_noopener():
    html = render_markdown('[y](https://example.org) <a href="https://example.org">x</a>')
    links = [attrs for tag, attrs in markup(html) if tag == "a"]
    assert links == [{"href": "https://example.org", "rel": "nofollow noopener"}]  # raw <a>: text


@pytest.mark.parametrize("payload", [p for p in XSS if p.startswith("<")])
def test_the_sanitiser_alone_stops_raw_html(payload):
    """Were the renderer ever to pass raw HTML through, the allow-list still holds."""
    html = sanitize_html(payload)
    for tag, attrs in markup(html):
        assert tag in ALLOWED, f"<{tag}> in {html!r}"
        assert set(attrs) <= ({"href", "title", "rel"} if tag == "a" else set())
        assert attrs.get("href") is None or attrs["href"].startswith(("http", "mailto:", "#"))

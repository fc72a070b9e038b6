"""Text a generator, a preprint server or a download site adds to a paper, which the authors
never wrote: dropped (or set aside as front matter) before cleanup, in any format.

Each pattern matches a whole block (a banner is a line or a short paragraph of its own) and says
why it is there. Before cleanup, because a banner does not end its sentence ("Downloaded from
https://… on 3 March 2021") and cleanup would join it to the paragraph after it.
"""

import re
from dataclasses import dataclass

from .document import Block

_LONGEST = 1500  # a banner is a line or a licence paragraph; longer is the paper's own text


@dataclass(frozen=True)
class Banner:
    name: str
    pattern: str  # matched from the block's start, case-insensitive, to its end
    action: str  # "drop", or "front_matter": about the paper, but not its body
    reason: str


BANNERS = (
    Banner(
        "manubot",
        r"this manuscript \(permalink\) was automatically generated from \S+ on .{4,40}",
        "drop",
        "Manubot prints it above every manuscript it builds: it names the build, not the paper.",
    ),
    Banner(
        "downloaded",
        r"downloaded from \S+(?: by [^.]{1,80})? (?:on|at) .{4,60}",
        "drop",
        "A publisher's stamp on the downloaded copy (who, when), on every page.",
    ),
    Banner(
        "ieee-licensed-use",
        r"authorized licensed use limited to\b.{0,300}",
        "drop",
        "IEEE Xplore's stamp on the downloaded copy: the subscriber and the date.",
    ),
    Banner(
        "preprint-server",
        r"(?:bio|med|chem)rxiv preprint\b.{0,400}|the copyright holder for this preprint\b.{0,300}",
        "drop",
        "bioRxiv/medRxiv print it at the head of every page: the server, the DOI, the version.",
    ),
    Banner(
        "arxiv-stamp",
        r"arxiv:\s?\d{4}\.\d{4,5}(?:v\d+)?\s*\[[\w.-]+\]\s+\d{1,2}\s+\w{3,9}\.?\s+\d{4}",
        "drop",
        "arXiv's margin stamp (identifier, category, date), when it reaches the text.",
    ),
    Banner(
        "template-status",
        r"(?:preprint|under review|work in progress)(?:[.,]\s*(?:under review|work in progress|"
        r"do not distribute))*\.?",
        "drop",
        'A conference template\'s status line (NeurIPS: "Preprint. Under review.").',
    ),
    Banner(
        "pre-proof",
        r"journal pre-proof|this is a pdf file of an article that has undergone enhancements "
        r"after acceptance\b.{0,500}",
        "drop",
        "Elsevier's pre-proof cover note, printed on the accepted manuscript.",
    ),
    Banner(
        "repository-copy",
        r"electronic copy available at:?\s*\S+|view metadata, citation and similar papers at "
        r"core\.ac\.uk|brought to you by\s+core",
        "drop",
        "A repository's note on its copy (SSRN, CORE): where it was found, not what it says.",
    ),
    Banner(
        "licence",
        r"(?:open access\.?\s+|copyright:?\s+)?(?:©\s*\d{4}[^.]{0,200}\.\s+)?"
        r"this (?:is an open access )?(?:article|work|paper|preprint|manuscript)\b.{0,30}?"
        r"\b(?:licensed|made available|distributed|published) under\b.{0,1200}",
        "front_matter",
        "The paper's licence: about the paper, so kept, but as front matter, not its first "
        "paragraph.",
    ),
)

# One expression, one named group per banner: a block costs one match, whatever the list's
# length (a 50 MB text has a quarter of a million blocks).
_MATCHER = re.compile(
    "|".join(f"(?P<b{i}>{b.pattern})" for i, b in enumerate(BANNERS)),
    re.IGNORECASE | re.DOTALL,
)
# Kinds a banner can arrive as; a reference entry, code or a table is never one.
_KINDS = frozenset({"paragraph", "body", "front_matter", "footnote", "caption", "heading"})


def banner_of(text: str) -> Banner | None:
    """The banner a block's whole text is, or None."""
    text = text.strip()
    if not text or len(text) > _LONGEST:
        return None
    match = _MATCHER.fullmatch(text)
    return BANNERS[int(match.lastgroup[1:])] if match and match.lastgroup else None


def drop_banners(blocks: list[Block]) -> list[Block]:
    """The blocks without the banners generators add; a licence banner becomes front matter."""
    kept = []
    for block in blocks:
        banner = banner_of(block.text) if block.kind in _KINDS else None
        if banner is None:
            kept.append(block)
        elif banner.action == "front_matter":
            block.kind, block.level = "front_matter", None
            kept.append(block)
    return kept

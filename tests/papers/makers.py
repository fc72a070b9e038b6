"""Small `make_*` helpers that build papers straight with the ORM, whatever the parser does."""

from papers.anchors import paragraph_anchors
from papers.models import Citation, Paper, Paragraph, Reference, Section

CITING = "As {name} argued (Smith, 2001), readers disagree (Lee, 2005) more than (Nobody, 1999)."


def make_paper(
    group,
    *,
    title: str = "On Reading Together",
    body: int = 3,
    references: int = 3,
    user=None,
    status: str = Paper.Status.READY,
    error: str = "",
) -> Paper:
    """A paper with every kind of structure the reading page shows.

    Two top-level sections (the second with a sub-section), front matter, an abstract paragraph,
    `body` body paragraphs each with three citations (one linked to the first reference, one
    ambiguous between the first two, one unmatched), a two-item list, a quotation, a footnote,
    and `references` reference entries.
    """
    paper = Paper.objects.create(
        group=group,
        title=title,
        authors=["Ada Reader", "Ben Scholar"],
        keywords=["annotation", "argument"],
        abstract="We argue that groups read better.",
        source_format="markdown",
        created_by=user,
        status=status,
        error=error,
    )
    intro, _methods, sampling = Section.objects.bulk_create(
        [
            Section(paper=paper, position=1, level=1, title="Introduction", anchor="s-1"),
            # A section with no paragraphs of its own: its heading still shows.
            Section(paper=paper, position=2, level=1, title="Methods", anchor="s-2"),
            Section(paper=paper, position=3, level=2, title="Sampling", anchor="s-3"),
        ]
    )
    rows = [
        ("front_matter", None, "University of Somewhere", None, ""),
        ("abstract", None, "We argue that groups read better.", None, ""),
    ]
    rows += [("body", intro, CITING.format(name=f"reader {i}"), None, "") for i in range(body)]
    rows += [
        ("list_item", intro, "First point.", 1, ""),
        ("list_item", intro, "Second point.", 1, ""),
        ("quote", sampling, "To read is to argue.", None, ""),
        ("body", sampling, "A closing thought.", None, ""),
        ("footnote", None, "A note at the foot.", None, "1"),
    ]
    paragraphs = add_paragraphs(paper, rows)
    entries = Reference.objects.bulk_create(
        [
            Reference(
                paper=paper,
                position=i,
                text=f"Smith, J. ({2000 + i}). Reading in groups, part {i}. Journal of Reading.",
                year=2000 + i,
            )
            for i in range(1, references + 1)
        ]
    )
    if entries:
        make_citations(paper, [p for p in paragraphs if p.kind == "body"][:body], entries)
    return paper


def make_citations(paper: Paper, paragraphs, entries) -> None:
    """The three citations of CITING in each paragraph: linked, ambiguous, unmatched."""
    citations = []
    for paragraph in paragraphs:
        for needle, reference in (("(Smith, 2001)", entries[0]), ("(Lee, 2005)", None)):
            start = paragraph.text.index(needle)
            citations.append(
                Citation(
                    paper=paper,
                    paragraph=paragraph,
                    start=start,
                    end=start + len(needle),
                    text=needle,
                    reference=reference,
                )
            )
        start = paragraph.text.index("(Nobody, 1999)")
        citations.append(
            Citation(
                paper=paper, paragraph=paragraph, start=start, end=start + 14, text="(Nobody, 1999)"
            )
        )
    citations = Citation.objects.bulk_create(citations)
    Through = Citation.candidates.through
    Through.objects.bulk_create(
        [
            Through(citation_id=c.pk, reference_id=e.pk)
            for c in citations
            if c.text == "(Lee, 2005)"
            for e in entries[:2]
        ]
    )


def add_paragraphs(paper, rows) -> list:
    """Paragraphs from rows of (kind, section, text, list key, label), in order, with anchors."""
    return Paragraph.objects.bulk_create(
        [
            Paragraph(
                paper=paper,
                section=section,
                position=i,
                kind=kind,
                anchor=anchor,
                text=text,
                group_key=key,
                label=label,
            )
            for i, ((kind, section, text, key, label), anchor) in enumerate(
                zip(rows, paragraph_anchors(r[2] for r in rows), strict=True), start=1
            )
        ]
    )

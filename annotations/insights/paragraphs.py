"""What the insight pages show of the paragraphs and sections they name (the map's nodes, the
disagreements): anchors, numbers, the first words, section titles. One query each, whatever
the number of paragraphs named."""

from django.db.models.functions import Substr

from papers.models import Paper, Paragraph, Section


def section_titles(paper: Paper) -> dict[int, str]:
    return dict(Section.objects.filter(paper=paper).values_list("id", "title"))


def paragraph_facts(paper: Paper, ids) -> dict[int, dict]:
    """What a page shows of the paragraphs it names: anchor, position, the first words."""
    # The opening only: a thousand paragraphs' whole text is megabytes read for a few words.
    rows = (
        Paragraph.objects.filter(paper=paper, id__in=list(ids))
        .annotate(opening=Substr("text", 1, OPENING_READ))
        .values_list("id", "anchor", "position", "opening")
    )
    return {
        id: {"anchor": anchor, "number": position, "opening": first_words(opening)}
        for id, anchor, position, opening in rows
    }


# How much of a paragraph's text is read for its first words (`first_words` cuts at 90).
OPENING_READ = 200


def first_words(text: str, limit: int = 90) -> str:
    """The opening of a text, cut at a word, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + "…"

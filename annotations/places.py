"""Where a page links a paragraph: the one shape of the URL, in one place (the activity feed,
search hits, the insight pages, notifications and their mails all link this way)."""

from django.urls import reverse


def paragraph_url(paper_id: int, anchor: str = "") -> str:
    """The paper's workspace on the paragraph with its panel open (`?panel=1`, which the
    workspace follows, annotations/README.md), or the paper itself without an anchor."""
    path = reverse("annotations:paper_workspace", kwargs={"paper_id": paper_id})
    return f"{path}?panel=1#{anchor}" if anchor else path

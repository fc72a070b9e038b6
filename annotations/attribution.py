"""The words beside an imported post on the server's pages ("imported · from bob, Hypothesis,
3 May 2024"): one place for the activity list and search results (the workspace's script says
the same from the API's `attribution`: static/annotations/attribution.js).

The post's author is the member who imported it (annotations.imports.people); the source's
name for who wrote it is left out when it is that member's own (compared without regard to
case, as logins are).
"""

from datetime import datetime

from django.utils import timezone


def attribution_text(
    *,
    author: str | None,
    source_author: str,
    source_name: str,
    source_created: datetime | None,
) -> str:
    """The line for a post, or "" for one written here (no source)."""
    if not source_name:
        return ""
    parts = []
    if source_author and source_author.lower() != (author or "").lower():
        parts.append(f"from {source_author}")
    parts.append(source_name)
    if source_created is not None:
        day = timezone.localtime(source_created)
        parts.append(f"{day.day} {day:%B %Y}")
    return "imported · " + ", ".join(parts)

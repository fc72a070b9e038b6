"""What every page's template gets from the annotations app: the moderation badge.

`moderates`: whether the signed-in user moderates any group (the navigation then shows
"Moderation"); `moderation_open`: how many items wait in their queue (annotations.queue's
open_count in its two parts, so that the navigation, which asks for the number only under
`{% if moderates %}`, does not ask the first question twice). Both are lazy: a page that shows
neither makes no query; showing the navigation makes one more for a user who moderates nothing,
three for a moderator (the counts of annotations and of comments). A page that knows the answer
already (the queue) puts its own in its context, which wins over these.
"""

from django.utils.functional import SimpleLazyObject

from .queue import counts, moderated_groups


def moderation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    moderates = SimpleLazyObject(lambda: moderated_groups(user).exists())
    return {
        "moderates": moderates,
        "moderation_open": SimpleLazyObject(lambda: counts(user)["total"]),
    }

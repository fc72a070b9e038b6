"""A member's page in a group, /groups/<slug>/members/<username>/: what a mention links to.

Whoever may see the group may see it (a private group answers 404 to outsiders, anonymous
callers and the banned, as everywhere); a username that is not an ACTIVE member of the group
answers 404 too (a banned member, one who left, a stranger). It shows the username, and their
recent activity in the group as the VIEWER may see it (feed.py with `author`: `visible_to` and
blind mode hold, hidden, pending and private posts of theirs are left out unless the viewer
may see them). The role and since when are shown to those who may see the member list
(papers.permissions.can_list_members): who reads a public group is not public, only who writes
in it. (Not papers' management page `groups/<slug>/members/`, nor its `<username>/role/`,
`remove/`, `ban/`, `unban/` actions under the same prefix.)

A fixed number of queries: the group, the viewer's membership, the member, then the feed's.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from papers.models import Membership, ReadingGroup
from papers.permissions import can_list_members, remember_membership

from .page import PARAMETER, activity_page


def member_page(request: HttpRequest, slug: str, username: str) -> HttpResponse:
    user = request.user
    group = get_object_or_404(ReadingGroup.objects.visible_to(user), slug=slug)
    remember_membership(user, group)  # blind mode and the member list ask it: no second query
    membership = get_object_or_404(
        Membership.objects.active().select_related("user"),
        group=group,
        user__username=username,
    )
    activity = activity_page(user, group, request.GET.get(PARAMETER), author=membership.user)
    context = {
        "group": group,
        "membership": membership,
        "member": membership.user,
        "show_role": can_list_members(user, group),
        "activity": activity,
    }
    return render(request, "annotations/activity/member.html", context)

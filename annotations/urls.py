from django.urls import path

from . import views
from .activity import members as member_views
from .exports import views as export_views
from .imports import views as import_views
from .insights import views as insight_views
from .moderation import views as moderation_views
from .notifications import mail_views
from .notifications import views as notification_views
from .search import views as search_views

app_name = "annotations"

urlpatterns = [
    # A paper's page: read it and annotate it (the paper's get_absolute_url).
    path("papers/<int:paper_id>/", views.paper_workspace, name="paper_workspace"),
    # The group's reading of it, seen whole (annotations.insights.views).
    path("papers/<int:paper_id>/argument/", insight_views.paper_argument, name="paper_argument"),
    path("papers/<int:paper_id>/agreement/", insight_views.paper_agreement, name="paper_agreement"),
    # Moderation: the queue (GET, with filters), acting on posts (POST: one, or several all or
    # nothing), the e-mail choice per group (POST), and the audit log (GET, paginated).
    path("moderation/", moderation_views.moderation_queue, name="moderation_queue"),
    path("moderation/act/", moderation_views.moderation_act, name="moderation_act"),
    path("moderation/notify/", moderation_views.moderation_notify, name="moderation_notify"),
    path("moderation/log/", moderation_views.moderation_log, name="moderation_log"),
    # Search: the navigation's box lands here (GET ?q=, with the API's filters).
    path("search/", search_views.search_page, name="search"),
]

# Exports: choose a format (and for a paper, this paper or its group), then download from the
# export API (annotations.exports.views).
urlpatterns += [
    path("papers/<int:paper_id>/export/", export_views.paper_export, name="paper_export"),
    path("groups/<slug:slug>/export/", export_views.group_export, name="group_export"),
]

# Imports: a Marginalia JSON export or a Hypothesis search result into a group, through the same
# service as the import API (annotations.imports.views).
urlpatterns += [
    path("groups/<slug:slug>/import/", import_views.group_import, name="group_import"),
    # A background import's page (its importer's only) and its "Dismiss" button.
    path("groups/<slug:slug>/import/<int:job_id>/", import_views.import_job, name="import_job"),
    path(
        "groups/<slug:slug>/import/<int:job_id>/dismiss/",
        import_views.import_job_dismiss_page,
        name="import_job_dismiss",
    ),
]

# Notifications' e-mail: a group's choices from the account page (POST), and the unsubscribe link
# of every mail (GET: what it stops; POST: stop it, also the mail client's one-click POST).
urlpatterns += [
    path(
        "notifications/mail/<slug:slug>/",
        mail_views.mail_choice,
        name="mail_choice",
    ),
    path(
        "notifications/unsubscribe/<str:token>/",
        mail_views.unsubscribe,
        name="mail_unsubscribe",
    ),
]

# A member's page in a group: what an @mention links to (annotations.activity.members). Not
# papers' `groups/<slug>/members/` (the owners' management page) nor its actions below it.
urlpatterns += [
    path(
        "groups/<slug:slug>/members/<str:username>/",
        member_views.member_page,
        name="member_page",
    ),
]

# Notifications: the list (GET, `?unread=1`), opening one (GET: marks it read, then on to its
# paragraph), marking one or all read (POST) (annotations.notifications.views).
urlpatterns += [
    path("notifications/", notification_views.notification_list, name="notifications"),
    path(
        "notifications/<int:notification_id>/open/",
        notification_views.notification_open,
        name="notification_open",
    ),
    path(
        "notifications/<int:notification_id>/read/",
        notification_views.notification_read,
        name="notification_read",
    ),
    path(
        "notifications/read-all/",
        notification_views.notification_read_all,
        name="notifications_read_all",
    ),
]

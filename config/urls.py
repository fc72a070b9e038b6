from allauth.account import views as allauth_views
from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from annotations import api as annotations_api
from annotations.activity import api as activity_api
from annotations.exports import api as exports_api
from annotations.imports import api as imports_api
from annotations.insights import api as insights_api
from annotations.moderation import api as moderation_api
from annotations.notifications import api as notifications_api
from annotations.search import api as search_api
from papers.accounts.api import TokenObtainView
from papers.api import groups as groups_api
from papers.api import papers as papers_api
from papers.web.csp import relaxed_styles
from papers.web.healthz import healthz

# The admin has no login page of its own: allauth's, with its rate limits, then back.
admin.site.login = secure_admin_login(admin.site.login)

router = DefaultRouter()
# /api/v1/groups/                             GET (?public=1), POST
# /api/v1/groups/{slug}/                      GET, PATCH, DELETE
# /api/v1/groups/{slug}/members/              GET, POST, PATCH, DELETE (member named in the body)
# /api/v1/groups/{slug}/members/{username}/   GET, PATCH (role, status), DELETE (own name: leave)
# /api/v1/groups/{slug}/invites/              GET, POST, DELETE (token or id in the body)
# /api/v1/groups/{slug}/invites/{id}/         GET, DELETE (revoke)
router.register("groups", groups_api.GroupViewSet, basename="group")
# /api/v1/invites/{token}/accept/             POST
router.register("invites", groups_api.InviteViewSet, basename="invite")
# /api/v1/papers/                  GET (?group=slug), POST (multipart file or JSON text)
# /api/v1/papers/{id}/             GET, PATCH (title), DELETE
# /api/v1/papers/{id}/paragraphs/  GET
# /api/v1/papers/{id}/references/  GET
router.register("papers", papers_api.PaperViewSet, basename="paper")
# /api/v1/groups/{slug}/roles/          GET, POST (owners)
# /api/v1/groups/{slug}/roles/{role}/   GET, PATCH (owners: name, color, key, description, retired)
router.register(
    r"groups/(?P<group_slug>[^/.]+)/roles", annotations_api.RoleViewSet, basename="role"
)
# /api/v1/annotations/       GET (?paper, paragraph, role, author, group, status, since), POST
# /api/v1/annotations/{id}/  GET (ETag), PATCH, DELETE (If-Match: 412 when stale)
router.register("annotations", annotations_api.AnnotationViewSet, basename="annotation")
# /api/v1/comments/          GET (?paper, paragraph, annotation, parent, author, group, status,
#                            since), POST
# /api/v1/comments/{id}/     GET (ETag), PATCH, DELETE (a tombstone; If-Match as annotations)
router.register("comments", annotations_api.CommentViewSet, basename="comment")
# /api/v1/links/             GET (?paper, annotation, source, target, relation, group), POST
# /api/v1/links/{id}/        GET, DELETE
router.register("links", annotations_api.LinkViewSet, basename="link")
# /api/v1/preview/           POST {"markdown", "paper"?} -> {"html"} (signed in, throttled)
router.register("preview", annotations_api.PreviewViewSet, basename="preview")
# /api/v1/flags/               POST {"target_type", "target", "reason", "note"} (members)
router.register("flags", moderation_api.FlagViewSet, basename="flag")
# /api/v1/moderation/queue/    GET (?group, paper, kind, reason, target_type): counts and items
router.register("moderation/queue", moderation_api.QueueViewSet, basename="moderation-queue")
# /api/v1/moderation/actions/  GET the audit log (?group, action, target_type, actor, target,
#                              since), POST {"target_type", "target", "action", "reason", "group"}
router.register(
    "moderation/actions", moderation_api.ModerationActionViewSet, basename="moderation-action"
)
# /api/v1/imports/             POST multipart `file` (or JSON `data`) + `group` [+ `paper`, `role`]
#                              -> 201 with the report (docs/imports.md)
router.register("imports", imports_api.ImportViewSet, basename="import")
router.register("notifications", notifications_api.NotificationViewSet, basename="notification")

urlpatterns = [
    path("admin/", admin.site.urls),
    # The account page (/accounts/) and the token's regeneration, then allauth's pages:
    # login, logout, signup, email, confirm-email/<key>, password/change, password/reset, …
    path("accounts/", include("papers.accounts.urls")),
    # Short names for allauth's account_login and account_logout, which templates use.
    path("accounts/login/", allauth_views.login, name="login"),
    path("accounts/logout/", allauth_views.logout, name="logout"),
    path("accounts/", include("allauth.urls")),
    # /api/v1/auth/token/  POST {"username", "password"} -> {"token"} (username or e-mail)
    path("api/v1/auth/token/", TokenObtainView.as_view(), name="api-token"),
    # /api/v1/papers/{id}/export/     GET ?format=json|jsonld|csv|aif: the file, streamed
    # /api/v1/groups/{slug}/export/   GET ?format=…: every paper of the group, streamed
    # /api/v1/schema/export.json      GET: the JSON Schema of the native export (public)
    # (Views, not router actions: `format` names the file's format, not a DRF renderer.)
    path(
        "api/v1/papers/<int:pk>/export/",
        exports_api.PaperExportView.as_view(),
        name="paper-export",
    ),
    path(
        "api/v1/groups/<slug:slug>/export/",
        exports_api.GroupExportView.as_view(),
        name="group-export",
    ),
    path(
        "api/v1/schema/export.json",
        exports_api.ExportSchemaView.as_view(),
        name="export-schema",
    ),
    # /api/v1/papers/{id}/argument/   GET: the annotations and links as a graph
    # /api/v1/papers/{id}/agreement/  GET: alpha of the paragraph roles, the disagreements
    path(
        "api/v1/papers/<int:pk>/argument/",
        insights_api.PaperArgumentView.as_view(),
        name="paper-argument",
    ),
    path(
        "api/v1/papers/<int:pk>/agreement/",
        insights_api.PaperAgreementView.as_view(),
        name="paper-agreement",
    ),
    # /api/v1/groups/{slug}/activity/  GET: papers, annotations and comments, newest first
    path(
        "api/v1/groups/<slug:slug>/activity/",
        activity_api.GroupActivityView.as_view(),
        name="group-activity",
    ),
    # /api/v1/search/?q=  GET (?group, paper, kind, role, author, since): ranked hits, paginated
    path("api/v1/search/", search_api.SearchView.as_view(), name="search-api"),
    # /api/v1/follows/  GET ?paper=ID: followed paragraphs; POST {"paragraph", "follow"}
    path("api/v1/follows/", notifications_api.FollowView.as_view(), name="follows"),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI, its script served as a file (?script), under a policy allowing inline styles.
    path(
        "api/docs/",
        relaxed_styles(SpectacularSwaggerSplitView.as_view(url_name="schema")),
        name="api-docs",
    ),
    # /healthz  GET, HEAD: {"status": "ok"}, or 503 while the database is unreachable
    path("healthz", healthz, name="healthz"),
    # A paper's reading page, /papers/<id>/, is the annotation workspace (annotations.urls).
    path("", include("annotations.urls")),
    path("", include("papers.urls")),
]

# Errors outside DRF's views: JSON under /api/, Django's pages elsewhere (papers.api.handlers).
handler400 = "papers.api.handlers.bad_request"
handler403 = "papers.api.handlers.permission_denied"
handler404 = "papers.api.handlers.not_found"
handler500 = "papers.api.handlers.server_error"

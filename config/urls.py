from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from papers import api as papers_api

router = DefaultRouter()
# /api/v1/groups/                  GET
# /api/v1/groups/{slug}/           GET
router.register("groups", papers_api.GroupViewSet, basename="group")
# /api/v1/papers/                  GET (?group=slug), POST (multipart file or JSON text)
# /api/v1/papers/{id}/             GET, PATCH (title), DELETE
# /api/v1/papers/{id}/paragraphs/  GET
# /api/v1/papers/{id}/references/  GET
router.register("papers", papers_api.PaperViewSet, basename="paper")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # /api/v1/auth/token/  POST {"username", "password"} -> {"token"}
    path("api/v1/auth/token/", obtain_auth_token, name="api-token"),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("", include("papers.urls")),
]

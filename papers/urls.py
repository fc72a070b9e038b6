from django.urls import path

from . import views

app_name = "papers"

member = "groups/<slug:slug>/members/<str:username>"

urlpatterns = [
    path("", views.home, name="home"),
    # Before groups/<slug>/: "new" is never a group's slug (papers.groups.RESERVED_SLUGS).
    path("groups/new/", views.group_create_page, name="group_create"),
    path("groups/<slug:slug>/", views.group_detail, name="group_detail"),
    path("groups/<slug:slug>/upload/", views.paper_upload, name="paper_upload"),
    # A failed import's buttons on its reading page (annotations:paper_workspace).
    path("papers/<int:paper_id>/retry/", views.paper_retry, name="paper_retry"),
    path("papers/<int:paper_id>/dismiss/", views.paper_dismiss, name="paper_dismiss"),
    path("groups/<slug:slug>/settings/", views.group_settings, name="group_settings"),
    path("groups/<slug:slug>/delete/", views.group_delete_page, name="group_delete"),
    path("groups/<slug:slug>/leave/", views.group_leave, name="group_leave"),
    path("groups/<slug:slug>/members/", views.group_members, name="group_members"),
    path(f"{member}/role/", views.member_change, {"action": "role"}, name="member_role"),
    path(f"{member}/remove/", views.member_change, {"action": "remove"}, name="member_remove"),
    path(f"{member}/ban/", views.member_change, {"action": "ban"}, name="member_ban"),
    path(f"{member}/unban/", views.member_change, {"action": "unban"}, name="member_unban"),
    path("groups/<slug:slug>/invites/", views.invite_create_page, name="invite_create"),
    path(
        "groups/<slug:slug>/invites/<int:invite_id>/revoke/",
        views.invite_revoke_page,
        name="invite_revoke",
    ),
    path("invites/<str:token>/", views.invite_page, name="invite"),
]

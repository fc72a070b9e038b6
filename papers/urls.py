from django.urls import path

from . import views

app_name = "papers"

urlpatterns = [
    path("", views.home, name="home"),
    path("groups/<slug:slug>/", views.group_detail, name="group_detail"),
    path("groups/<slug:slug>/upload/", views.paper_upload, name="paper_upload"),
    path("papers/<int:paper_id>/", views.paper_detail, name="paper_detail"),
]

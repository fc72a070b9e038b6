from django.urls import path

from . import views

app_name = "annotations"

urlpatterns = [
    # A paper's page: read it and annotate it (the paper's get_absolute_url).
    path("papers/<int:paper_id>/", views.paper_workspace, name="paper_workspace"),
]

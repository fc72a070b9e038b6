from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="account"),
    path("token/regenerate/", views.token_regenerate, name="token_regenerate"),
]

"""A NUL in a query parameter is a 400 on pages as on the API (papers/web/nul.py): PostgreSQL
refuses NUL in text, so a filter holding one was a 500 there."""

import pytest
from django.test import Client

from tests.conftest import make_group, make_user


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/search/?q=a%00b", "/?x%00=1", "/groups/seminar/?activity_page=1%00"]
)
def test_a_nul_in_a_page_query_is_a_400(url):
    group = make_group("Seminar")
    user = make_user("amina")
    group.memberships.create(user=user, role="member")
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 400
    assert b"NUL character" in response.content


@pytest.mark.django_db
def test_a_query_without_nul_goes_through():
    assert Client().get("/search/?q=a%01b").status_code == 200

"""`Idempotency-Key` on the API's POSTs (papers/idempotency/): the mechanism, on groups, papers
and invites. The annotations' endpoints: tests/annotations/test_api_idempotency.py."""

import json
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from papers.idempotency import services
from papers.idempotency.services import KeyInUse, KeyReused, key_claim
from papers.models import IdempotencyKey, Invite, Paper, ReadingGroup
from tests.conftest import make_user, signed_in

GROUPS = "/api/v1/groups/"
PAPERS = "/api/v1/papers/"
MARKDOWN = "# A Title\n\nA first paragraph of the paper.\n\n## Part\n\nAnother paragraph.\n"


def post(api, url, body, key="key-1", **kwargs):
    return api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key, **kwargs)


def test_the_same_key_and_body_answer_the_first_result_once(outsider_api, outsider):
    first = post(outsider_api, GROUPS, {"name": "Reading club"})
    assert first.status_code == 201, first.json()
    assert "Idempotent-Replayed" not in first
    again = post(outsider_api, GROUPS, {"name": "Reading club"})
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    # One group besides the personal ones: the replay made nothing.
    assert ReadingGroup.objects.filter(name="Reading club").count() == 1


def test_a_replay_costs_one_query(outsider_api, django_assert_max_num_queries):
    assert post(outsider_api, GROUPS, {"name": "Reading club"}).status_code == 201
    with django_assert_max_num_queries(1):  # the key's row; the view does not run
        assert post(outsider_api, GROUPS, {"name": "Reading club"}).status_code == 201


def test_without_the_header_each_post_creates(outsider_api):
    for _ in range(2):
        assert outsider_api.post(GROUPS, {"name": "Twice"}, format="json").status_code == 201
    assert ReadingGroup.objects.filter(name="Twice").count() == 2
    assert not IdempotencyKey.objects.exists()


def test_the_same_key_with_another_body_is_422_and_makes_nothing(outsider_api):
    assert post(outsider_api, GROUPS, {"name": "First"}).status_code == 201
    other = post(outsider_api, GROUPS, {"name": "Second"})
    assert other.status_code == 422
    assert "different request" in other.json()["detail"]
    assert not ReadingGroup.objects.filter(name="Second").exists()


def test_the_same_key_on_another_path_is_422(outsider_api, outsider, group, owner):
    assert post(outsider_api, GROUPS, {"name": "First"}).status_code == 201
    other = post(outsider_api, PAPERS, {"group": "first", "text": MARKDOWN})
    assert other.status_code == 422
    assert not Paper.objects.exists()


def test_key_order_in_the_json_body_does_not_matter(outsider_api):
    assert post(outsider_api, GROUPS, {"name": "A", "description": "d"}).status_code == 201
    again = post(outsider_api, GROUPS, {"description": "d", "name": "A"})
    assert again["Idempotent-Replayed"] == "true"


def test_keys_are_per_user(outsider_api, member_api):
    assert post(outsider_api, GROUPS, {"name": "Mine"}).status_code == 201
    theirs = post(member_api, GROUPS, {"name": "Mine"})
    assert theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs
    assert ReadingGroup.objects.filter(name="Mine").count() == 2


def test_anonymous_callers_are_not_concerned(db):
    answer = post(signed_in(None), GROUPS, {"name": "Nobody's"})
    assert answer.status_code == 401
    assert not IdempotencyKey.objects.exists()


def test_an_error_releases_the_key_for_a_corrected_retry(outsider_api):
    bad = post(outsider_api, GROUPS, {"name": ""})
    assert bad.status_code == 400
    assert not IdempotencyKey.objects.exists()
    good = post(outsider_api, GROUPS, {"name": "Corrected"})
    assert good.status_code == 201
    assert "Idempotent-Replayed" not in good


def test_a_key_in_flight_is_409(outsider_api, outsider):
    answer = post(outsider_api, GROUPS, {"name": "Racing"})
    assert answer.status_code == 201
    IdempotencyKey.objects.update(status=None, body=None)  # as if still running
    racing = post(outsider_api, GROUPS, {"name": "Racing"})
    assert racing.status_code == 409
    assert "still being processed" in racing.json()["detail"]
    assert ReadingGroup.objects.filter(name="Racing").count() == 1


def test_a_claim_abandoned_by_a_dead_request_may_be_used_again(outsider_api, outsider):
    IdempotencyKey.objects.create(
        user=outsider,
        key="key-1",
        fingerprint="whatever",
        created=timezone.now() - services.ABANDONED_AFTER - timedelta(seconds=1),
    )
    assert post(outsider_api, GROUPS, {"name": "After a crash"}).status_code == 201
    assert IdempotencyKey.objects.get().status == 201


def test_after_a_day_the_key_is_new_again_and_old_keys_are_deleted(outsider_api, outsider, member):
    assert post(outsider_api, GROUPS, {"name": "Daily"}).status_code == 201
    old = timezone.now() - services.KEPT_FOR - timedelta(seconds=1)
    IdempotencyKey.objects.update(created=old)
    IdempotencyKey.objects.create(
        user=member, key="someone-else", fingerprint="f", created=old, status=201
    )
    again = post(outsider_api, GROUPS, {"name": "Daily"})
    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again
    assert ReadingGroup.objects.filter(name="Daily").count() == 2
    # Cleaned on write: only the new claim is left.
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["key-1"]


@pytest.mark.parametrize("key", ["", "has space", "x" * 256, "naïve"])
def test_a_malformed_key_is_400(outsider_api, key):
    answer = post(outsider_api, GROUPS, {"name": "Keyed"}, key=key)
    assert answer.status_code == 400
    assert "Idempotency-Key" in answer.json()["detail"]
    assert not ReadingGroup.objects.filter(name="Keyed").exists()


def test_other_methods_ignore_the_header(owner_api, group):
    url = f"{GROUPS}{group.slug}/"
    for name in ("One", "Two"):
        answer = owner_api.patch(url, {"name": name}, format="json", HTTP_IDEMPOTENCY_KEY="k")
        assert answer.status_code == 200
    group.refresh_from_db()
    assert group.name == "Two"
    assert not IdempotencyKey.objects.exists()


# Two requests at once with one key: the unique (user, key) constraint lets one through.


def test_two_claims_of_one_key_let_one_through(outsider):
    first = key_claim(user=outsider, key="k", fingerprint="f")
    assert not first.answered
    with pytest.raises(KeyInUse):
        key_claim(user=outsider, key="k", fingerprint="f")
    with pytest.raises(KeyReused):
        key_claim(user=outsider, key="k", fingerprint="other")


def test_a_claim_that_loses_the_insert_race_is_refused(outsider, monkeypatch):
    key_claim(user=outsider, key="k", fingerprint="f")
    # The other request read before this one inserted: its insert hits the constraint.
    real_filter = IdempotencyKey.objects.filter
    calls = []

    def first_read_sees_nothing(*args, **kwargs):
        calls.append(kwargs)
        queryset = real_filter(*args, **kwargs)
        return queryset.none() if len(calls) == 1 else queryset

    monkeypatch.setattr(IdempotencyKey.objects, "filter", first_read_sees_nothing)
    with pytest.raises(KeyInUse):
        key_claim(user=outsider, key="k", fingerprint="f")
    assert IdempotencyKey.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_submits_create_one_row():
    user = make_user("racer")
    barrier = threading.Barrier(2)
    codes = []

    def submit():
        try:
            api = signed_in(user)
            barrier.wait()
            codes.append(post(api, GROUPS, {"name": "Double"}).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Either the second waited for nothing (409: the first still ran) or came after (replay).
    assert sorted(codes) in ([201, 201], [201, 409])
    assert ReadingGroup.objects.filter(name="Double").count() == 1


# Endpoint families of the papers app


def test_papers_json_is_created_once(member_api, group):
    body = {"group": group.slug, "text": MARKDOWN, "format": "markdown"}
    first = post(member_api, PAPERS, body)
    assert first.status_code == 201, first.json()
    again = post(member_api, PAPERS, body)
    assert (again.status_code, again.json()) == (201, first.json())
    assert again["Location"] == first["Location"]
    assert Paper.objects.count() == 1


def test_a_paper_upload_is_created_once_and_another_file_is_422(member_api, group):
    from django.core.files.uploadedfile import SimpleUploadedFile

    def upload(text: str):
        return member_api.post(
            PAPERS,
            {"group": group.slug, "file": SimpleUploadedFile("p.md", text.encode())},
            HTTP_IDEMPOTENCY_KEY="upload-1",
        )

    first = upload(MARKDOWN)
    assert first.status_code == 201, first.json()
    again = upload(MARKDOWN)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert upload(MARKDOWN + "\nMore.\n").status_code == 422
    assert Paper.objects.count() == 1


def test_invites_are_created_once(owner_api, group, django_assert_max_num_queries):
    url = f"{GROUPS}{group.slug}/invites/"
    first = post(owner_api, url, {"max_uses": 3})
    assert first.status_code == 201, first.json()
    with django_assert_max_num_queries(1):
        again = post(owner_api, url, {"max_uses": 3})
    assert (again.status_code, again.json()) == (201, first.json())
    assert Invite.objects.count() == 1


def test_members_added_once(owner_api, group, outsider):
    url = f"{GROUPS}{group.slug}/members/"
    body = {"user": outsider.username, "role": "member"}
    assert post(owner_api, url, body).status_code == 201
    again = post(owner_api, url, body)
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"


def test_a_body_too_deep_is_400_before_any_key_is_kept(outsider_api):
    """The API's parser refuses deep JSON (papers/api/parsers.py) before any key is kept."""
    deep = {"name": "Deep", "extra": json.loads("[" * 100 + "]" * 100)}
    answer = post(outsider_api, GROUPS, deep)
    assert answer.status_code == 400
    assert not IdempotencyKey.objects.exists()

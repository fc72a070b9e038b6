"""Annotation benchmark: the annotations API on a heavily annotated paper.

    python -m bench.annotate_bench [--paragraphs 1000] [--annotations 10000] [--no-postgres]

A paper of 1,000 paragraphs carrying 10,000 annotations (and 1,000 comments, 500 links) by 20
members (`build_paper`), on a fresh SQLite file and on a fresh PostgreSQL database
(127.0.0.1:5432, user postgres) when one answers, each in a process of its own. Requests go
through the whole Django stack in-process (middleware, token authentication, DRF, the
serializers), without a network. Figures are the median and the fastest of the runs.

Rows and targets (issue 5):
- GET annotations/?paper=…, one page of 100, newest first: median < 50 ms;
- GET annotations/?paper=…&since=… (the live-update poll, a page of what changed): < 50 ms;
- POST annotations/ (a passage with a note): median < 20 ms;
- the live-update poll repeated with its ETag (If-None-Match), nothing new: 304, < 2 ms for
  annotations and for comments (issue 15);
- GET /papers/{id}/, the reading page (the annotation workspace) of a member, rendered by the
  server with every annotation they may see: median < 300 ms, in a number of queries that does
  not grow with the paper (printed; pinned in tests/annotations/test_workspace_page.py).
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

from bench.timing import in_child

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGETS_MS = {
    "list": 50,
    "since": 50,
    "create": 20,
    "page": 300,
    "poll": 2,
    "poll_comments": 2,
}
WORDS = (
    "reading groups argue about evidence claims theory sources method sample data report "
    "attack policy withdrawal region history author survey interview archive table figure"
).split()


def _setup() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-insecure-key")
    django.setup()


def _sentence(i: int, length: int) -> str:
    words = [WORDS[(i * 7 + k * 3) % len(WORDS)] for k in range(length)]
    return " ".join(words).capitalize() + f" ({i})."


def build_paper(
    group,
    paragraphs: int = 1000,
    annotations: int = 10000,
    *,
    comments: int = 1000,
    links: int = 500,
    readers: int = 20,
):
    """A ready paper of `group` with `paragraphs` body paragraphs (about 60 words each, one
    section per 50) carrying `annotations` annotations (nine in ten on a passage, one in ten on a
    whole paragraph, one in four with a Markdown note, one in twenty private), `comments`
    comments (a third of them replies) and `links` links, by `readers` members it adds to the
    group. Rows go in with bulk_create, as the services would have left them (quotes resolved,
    notes rendered); on PostgreSQL, then ANALYZE. Returns the paper."""
    from django.db import connection, transaction

    from annotations.services import roles_for_group

    with transaction.atomic():
        users = _readers_add(group, readers)
        roles = list(roles_for_group(group).active())
        paper, rows = _paper_add(group, paragraphs, annotations)
        shared = _annotations_add(paper, rows, roles, users, annotations)
        _comments_add(paper, shared, users, comments)
        _links_add(paper, shared, links)
    if connection.vendor == "postgresql":
        # Fresh statistics for the planner, as autovacuum gathers within a minute of such a
        # load: without them PostgreSQL joins every annotation of the paper before sorting
        # (about 55 ms a page instead of under 1 ms). SQLite is left as Django leaves it,
        # without statistics (with them, and a single paper in the database, it would judge the
        # paper's index useless and sort).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return paper


def _readers_add(group, readers: int) -> list:
    """`readers` new accounts, members of the group."""
    from django.contrib.auth import get_user_model

    from papers.models import Membership

    User = get_user_model()
    tag = uuid.uuid4().hex[:6]
    users = User.objects.bulk_create(
        [
            User(username=f"reader-{tag}-{i}", email=f"r{i}-{tag}@example.org")
            for i in range(readers)
        ]
    )
    Membership.objects.bulk_create(
        [Membership(group=group, user=user, role=Membership.Role.MEMBER) for user in users]
    )
    return users


def _paper_add(group, paragraphs: int, annotations: int) -> tuple:
    """The paper with one section per 50 body paragraphs; returns it and its paragraphs."""
    from papers.anchors import paragraph_anchors
    from papers.models import Paper, Paragraph, Section

    paper = Paper.objects.create(
        group=group,
        title=f"A heavily annotated paper ({paragraphs} paragraphs, {annotations} annotations)",
        authors=["Ada Reader"],
        source_format="markdown",
    )
    sections = Section.objects.bulk_create(
        [
            Section(paper=paper, position=s + 1, title=f"Part {s + 1}", anchor=f"s-{s + 1}")
            for s in range((paragraphs + 49) // 50)
        ]
    )
    texts = [" ".join(_sentence(i * 5 + k, 12) for k in range(5)) for i in range(paragraphs)]
    rows = Paragraph.objects.bulk_create(
        [
            Paragraph(
                paper=paper, section=sections[i // 50], position=i + 1, anchor=anchor, text=text
            )
            for i, (text, anchor) in enumerate(zip(texts, paragraph_anchors(texts), strict=True))
        ],
        batch_size=500,
    )
    return paper, rows


NOTES = [
    "",
    "See **the report** itself, not the newspaper.",
    "",
    "A *strong* claim; [source](https://example.org/report).",
]


def _annotations_add(paper, rows: list, roles: list, users: list, annotations: int) -> list:
    """The annotations, spread over the paragraphs, roles and readers; returns the shared ones
    (visibility group), which comments and links go on."""
    from annotations.markdown import render_markdown
    from annotations.models import Annotation
    from annotations.quotes import resolve_quote

    rendered = [render_markdown(note) for note in NOTES]
    items = []
    for n in range(annotations):
        paragraph = rows[n % len(rows)]
        quote = None
        if n % 10:
            start = (n * 13) % (len(paragraph.text) - 40)
            quote = resolve_quote(paragraph.text, start=start, end=start + 10 + n % 30)
        items.append(
            Annotation(
                paper=paper,
                paragraph=paragraph,
                role=roles[n % len(roles)],
                author=users[n % len(users)],
                note=NOTES[n % 4],
                note_html=rendered[n % 4],
                visibility="private" if n % 20 == 19 else "group",
                **(quote.as_dict() if quote else {}),
            )
        )
    made = Annotation.objects.bulk_create(items, batch_size=1000)
    return [a for a in made if a.visibility == "group"]


def _comments_add(paper, shared: list, users: list, comments: int) -> None:
    """Two thirds of `comments` on paragraphs and annotations, a third replies to them."""
    from annotations.markdown import render_markdown
    from annotations.models import Comment

    readers = len(users)
    tops = Comment.objects.bulk_create(
        [
            Comment(
                paper=paper,
                paragraph=shared[i * 7 % len(shared)].paragraph,
                annotation=shared[i * 7 % len(shared)] if i % 2 else None,
                body="Is this *really* what the source says?",
                body_html=render_markdown("Is this *really* what the source says?"),
                author=users[(i + 1) % readers],
            )
            for i in range(comments - comments // 3)
        ],
        batch_size=1000,
    )
    Comment.objects.bulk_create(
        [
            Comment(
                paper=paper,
                paragraph=parent.paragraph,
                annotation=parent.annotation,
                parent=parent,
                body="Yes: page 4.",
                body_html="<p>Yes: page 4.</p>",
                author=users[(i + 2) % readers],
            )
            for i, parent in enumerate(tops[: comments // 3])
        ],
        batch_size=1000,
    )


def _links_add(paper, shared: list, links: int) -> None:
    from annotations.models import Link

    Link.objects.bulk_create(
        [
            Link(
                paper=paper,
                source=shared[2 * i + 1],
                target=shared[2 * i],
                relation=("supports", "attacks", "cites")[i % 3],
                author=shared[2 * i + 1].author,
            )
            for i in range(min(links, len(shared) // 2))
        ],
        batch_size=1000,
    )


def _timed(call, runs: int) -> dict:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return {"median_ms": statistics.median(times), "best_ms": min(times), "runs": runs}


def measure(paragraphs: int, annotations: int, runs: int) -> dict:
    """In this process: migrate the database of DATABASE_URL, build the paper, time the rows."""
    _setup()
    from django.core.management import call_command
    from django.utils import timezone
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    from papers.models import Membership, ReadingGroup

    call_command("migrate", verbosity=0)
    group = ReadingGroup.objects.create(name="Bench", slug=f"bench-{uuid.uuid4().hex[:8]}")
    start = time.perf_counter()
    paper = build_paper(group, paragraphs, annotations)
    built_s = time.perf_counter() - start
    member = Membership.objects.filter(group=group).select_related("user").first().user
    client = APIClient(SERVER_NAME="localhost")
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=member).key}")

    def ok(response, code=200):
        assert response.status_code == code, (response.status_code, response.content[:300])
        return response

    def list_page():
        ok(client.get("/api/v1/annotations/", {"paper": paper.pk}))

    since = timezone.now()
    paragraph = paper.paragraphs.order_by("position")[paragraphs // 2]
    made = []

    def create():
        start = len(made) % 40
        response = ok(
            client.post(
                "/api/v1/annotations/",
                {
                    "paragraph": paragraph.pk,
                    "role": "evidence",
                    "quote": {"start": start, "end": start + 12},
                    "note": "Timed *note* with a [link](https://example.org).",
                },
                format="json",
            ),
            201,
        )
        made.append(response.json()["id"])

    def since_page():
        ok(client.get("/api/v1/annotations/", {"paper": paper.pk, "since": since.isoformat()}))

    # The reading page, as a signed-in member's browser asks for it (session, not token).
    # Static file names come from the files themselves rather than from collectstatic's
    # manifest (a dictionary lookup in production), so that no collectstatic is needed here.
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain}).enable()

    browser = Client(SERVER_NAME="localhost")
    browser.force_login(member)
    page_url = paper.get_absolute_url()

    def reading_page():
        return ok(browser.get(page_url))

    list_page()  # warm: connection, caches, first compilation of the query
    figures = {"list": _timed(list_page, runs)}
    reading_page()  # warm: templates, static file names
    # A request empties the query log when it starts (reset_queries): count from an empty one.
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        size = len(reading_page().content)
    count = len(queries)  # now: the next request empties the log
    figures["page"] = _timed(reading_page, max(5, runs // 3))
    figures["page"].update(queries=count, kb=size / 1024)
    figures["create"] = _timed(create, runs)
    figures["since"] = _timed(since_page, runs)
    # The live-update poll as the workspace repeats it (static/annotations/live.js): the list
    # since a few seconds before the newest change, with the ETag of its last answer: 304.
    newest = max(a.updated for a in paper.annotations.filter(pk__in=made))
    poll = {"paper": paper.pk, "since": (newest - timedelta(seconds=5)).isoformat()}
    tags = {
        kind: ok(client.get(f"/api/v1/{kind}/", poll)).headers["ETag"]
        for kind in ("annotations", "comments")
    }

    def unchanged(kind: str):
        def call():
            ok(client.get(f"/api/v1/{kind}/", poll, HTTP_IF_NONE_MATCH=tags[kind]), 304)

        return call

    figures["poll"] = _timed(unchanged("annotations"), runs * 10)
    figures["poll_comments"] = _timed(unchanged("comments"), runs * 10)
    body = client.get("/api/v1/annotations/", {"paper": paper.pk}).json()
    return {
        "vendor": connection.vendor,
        "build_s": built_s,
        "page_size": len(body["results"]),
        **figures,
    }


def child(env: dict, paragraphs: int, annotations: int, runs: int) -> dict:
    options = ["--paragraphs", paragraphs, "--annotations", annotations, "--runs", runs]
    return in_child("bench.annotate_bench", "--one", *options, env=env)


def report(row: dict) -> None:
    print(f"{row['vendor']:<10} built in {row['build_s']:.1f} s; page of {row['page_size']}")
    labels = {
        "list": "GET annotations/?paper (one page)",
        "since": "GET annotations/?paper&since",
        "create": "POST annotations/ (passage + note)",
        "page": "GET /papers/{id}/ (reading page)",
        "poll": "the same poll again: 304 (annotations)",
        "poll_comments": "the same poll again: 304 (comments)",
    }
    for key, label in labels.items():
        figure = row[key]
        target = TARGETS_MS[key]
        verdict = "ok" if figure["median_ms"] < target else "OVER"
        extra = ""
        if "queries" in figure:
            extra = f"; {figure['queries']} queries, {figure['kb']:.0f} kB"
        print(
            f"  {label:<36} median {figure['median_ms']:7.1f} ms  best {figure['best_ms']:7.1f} ms"
            f"  (target < {target} ms: {verdict}){extra}"
        )


def main() -> None:
    from bench.import_bench import drop_postgres, postgres_url

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--paragraphs", type=int, default=1000)
    parser.add_argument("--annotations", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.paragraphs, args.annotations, args.runs)))
        return
    print(
        f"A paper of {args.paragraphs} paragraphs and {args.annotations} annotations; "
        f"{args.runs} runs a row."
    )
    with tempfile.TemporaryDirectory(prefix="marginalia-bench-") as tmp:
        sqlite = {"DATABASE_URL": f"sqlite:///{tmp}/annotate.sqlite3"}
        report(child(sqlite, args.paragraphs, args.annotations, args.runs))
    pg = None if args.no_postgres else postgres_url()
    if pg:
        try:
            report(child({"DATABASE_URL": pg}, args.paragraphs, args.annotations, args.runs))
        finally:
            drop_postgres(pg)


if __name__ == "__main__":
    main()

"""Reading page benchmark: the workspace page of a paper as its annotations grow to 150,000.

    python -m bench.reading_bench [--sizes 1000,10000,150000] [--runs 15] [--paragraphs 200]
                                  [--postgres [URL]]

Two papers of `--paragraphs` body paragraphs in a public group, grown to each size in turn with
bulk_create: "piled", where nine in ten annotations sit on three paragraphs, overlapping one
passage (the imported-file case of issue 15: 150,000 rows on a paper, thousands on one sentence),
and "spread", over every paragraph. For each size it times GET /papers/{id}/ for a member and for
an anonymous reader, through the whole Django stack in-process (no network): median and p95 of
`--runs` requests, the number of queries and the size of the page. Target (issue 15): under
500 ms at 150,000 annotations, with the queries and the bytes not growing with the annotations
(the page draws MARGINALIA_PAGE_HIGHLIGHTS of them at most: annotations/page_budget.py).

A temporary SQLite file always; PostgreSQL too with `--postgres URL`, or `--postgres` alone for a
throw-away database on 127.0.0.1:5432 (dropped afterwards). Each database in a process of its
own, DEBUG off.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench.timing import in_child

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_MS = 500
LAYOUTS = ("piled", "spread")


def _setup() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-insecure-key")
    django.setup()


def _grow(paper, paragraphs: list, roles: list, users: list, have: int, want: int, layout: str):
    """Annotations `have`..`want` of the paper, as bulk_create leaves them (no services)."""
    from annotations.models import Annotation

    batch = []
    for n in range(have, want):
        if layout == "piled" and n % 10:
            paragraph = paragraphs[n % 3]
            start, end = 5 + n % 7, 40 + n % 11  # all of them over one passage
        else:
            paragraph = paragraphs[n % len(paragraphs)]
            start = (n * 13) % (len(paragraph.text) - 40)
            end = start + 10 + n % 30
        whole = n % 10 == 9
        batch.append(
            Annotation(
                paper=paper,
                paragraph=paragraph,
                role=roles[n % len(roles)],
                author=users[n % len(users)],
                exact="" if whole else paragraph.text[start:end],
                start=None if whole else start,
                end=None if whole else end,
            )
        )
        if len(batch) == 5000:
            Annotation.objects.bulk_create(batch, batch_size=1000)
            batch = []
    Annotation.objects.bulk_create(batch, batch_size=1000)


def _timed(call, runs: int) -> dict:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    p95 = statistics.quantiles(times, n=20)[18] if len(times) > 1 else times[0]
    return {"median_ms": statistics.median(times), "p95_ms": p95}


def measure(sizes: list[int], paragraphs: int, runs: int) -> dict:
    """In this process: migrate the database of DATABASE_URL, grow both papers through the
    sizes, time the page at each."""
    _setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from annotations.services import roles_for_group
    from bench.annotate_bench import _paper_add, _readers_add
    from papers.models import Membership, ReadingGroup

    call_command("migrate", verbosity=0)
    # Static file names from the files (no collectstatic manifest needed here).
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain}).enable()
    group = ReadingGroup.objects.create(
        name="Bench", slug=f"bench-{uuid.uuid4().hex[:8]}", visibility="public"
    )
    with transaction.atomic():
        users = _readers_add(group, 20)
        roles = list(roles_for_group(group).active())
        papers = {layout: _paper_add(group, paragraphs, max(sizes)) for layout in LAYOUTS}
    member = Membership.objects.filter(group=group).select_related("user").first().user
    readers = {
        "member": Client(SERVER_NAME="localhost"),
        "anonymous": Client(SERVER_NAME="localhost"),
    }
    readers["member"].force_login(member)
    rows = []
    have = 0
    for size in sizes:
        start = time.perf_counter()
        with transaction.atomic():
            for layout, (paper, body) in papers.items():
                _grow(paper, body, roles, users, have, size, layout)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # as autovacuum would within a minute of the load
        grown_s = time.perf_counter() - start
        have = size
        for layout, (paper, _) in papers.items():
            for who, client in readers.items():
                url = paper.get_absolute_url()

                def page(client=client, url=url):
                    response = client.get(url)
                    assert response.status_code == 200, response.status_code
                    return response

                page()  # warm
                connection.queries_log.clear()
                with CaptureQueriesContext(connection) as queries:
                    kb = len(page().content) / 1024
                count = len(queries)
                figures = _timed(page, runs)
                rows.append(
                    {"size": size, "layout": layout, "who": who, "queries": count, "kb": kb,
                     "grown_s": grown_s, **figures}
                )  # fmt: skip
    return {"vendor": connection.vendor, "rows": rows}


def report(result: dict) -> None:
    print(f"{result['vendor']}:")
    print(f"  {'annotations':>11}  {'layout':<6}  {'reader':<9}  median     p95  queries      size")
    for row in result["rows"]:
        verdict = "ok" if row["median_ms"] < TARGET_MS else "OVER"
        print(
            f"  {row['size']:>11,}  {row['layout']:<6}  {row['who']:<9}"
            f"  {row['median_ms']:6.1f}  {row['p95_ms']:6.1f}  {row['queries']:>7}"
            f"  {row['kb']:6.0f} kB  ({verdict})"
        )


def main() -> None:
    from bench.import_bench import drop_postgres, postgres_url

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,150000")
    parser.add_argument("--paragraphs", type=int, default=200)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--postgres", nargs="?", const="new", default=None)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    if args.one:
        print(json.dumps(measure(sizes, args.paragraphs, args.runs)))
        return
    options = ["--one", "--sizes", args.sizes, "--paragraphs", args.paragraphs]
    options += ["--runs", args.runs]
    print(
        f"Two papers of {args.paragraphs} paragraphs grown to {args.sizes} annotations; "
        f"{args.runs} requests a row; target < {TARGET_MS} ms."
    )
    with tempfile.TemporaryDirectory(prefix="marginalia-bench-") as tmp:
        env = {"DATABASE_URL": f"sqlite:///{tmp}/reading.sqlite3"}
        report(in_child("bench.reading_bench", *options, env=env, failed="SQLite"))
    if args.postgres:
        made = args.postgres == "new"
        url = postgres_url() if made else args.postgres
        if url:
            try:
                env = {"DATABASE_URL": url}
                report(in_child("bench.reading_bench", *options, env=env, failed="PostgreSQL"))
            finally:
                if made:
                    drop_postgres(url)


if __name__ == "__main__":
    main()

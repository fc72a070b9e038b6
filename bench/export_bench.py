"""Export benchmark: a whole group's export through the API, against the floor.

    python -m bench.export_bench [--annotations 100000] [--comments 50000] [--papers 20]
                                 [--formats json,jsonld,csv,aif] [--no-postgres]

A group of `--papers` papers (250 paragraphs each) carrying `--annotations` annotations and
`--comments` comments (a third of them replies), 100 links a paper, with a few hidden posts and
open flags (bench.annotate_bench.build_paper, then bulk updates), on a fresh SQLite file and on a
fresh PostgreSQL database (127.0.0.1:5432, user postgres; or DATABASE_URL when it is set), each
in a process of its own with DEBUG off. The export is asked for as a moderator would through the
whole Django stack in-process (token authentication, DRF, the streaming response), and read to
its end. Per format:

- first byte: from the request to the first chunk out of the streaming response;
- total: from the request to the last chunk;
- memory: peak Python memory (tracemalloc) during the export above what was allocated before it,
  in a second run of its own (tracing slows the code it watches);
- floor: the same rows (every list of the native export, with its joins) fetched with
  values_list as tuples and written with the same JSON library, `json.dumps` per row, in the same
  run; the ratio is total / floor.

Targets (issue 7): first byte < 1 s, total <= 3x the floor, memory growth < 50 MB.
"""

import argparse
import json
import os
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path

from bench.timing import in_child

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGETS = {"first_byte_s": 1.0, "ratio": 3.0, "memory_mb": 50.0}
PARAGRAPHS_PER_PAPER = 250
LINKS_PER_PAPER = 100


def _setup() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-insecure-key")
    django.setup()


def build_group(papers: int, annotations: int, comments: int):
    """The group, its moderator, and how many rows of each kind it holds."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from annotations.models import Annotation, Comment, Flag, Status
    from bench.annotate_bench import build_paper
    from papers.models import Membership, ReadingGroup

    group = ReadingGroup.objects.create(name="Export bench", slug=f"bench-{uuid.uuid4().hex[:8]}")
    moderator = get_user_model().objects.create_user("bench-moderator")
    Membership.objects.create(group=group, user=moderator, role=Membership.Role.MODERATOR)
    made = []
    for _ in range(papers):
        made.append(
            build_paper(
                group,
                PARAGRAPHS_PER_PAPER,
                annotations // papers,
                comments=comments // papers,
                links=LINKS_PER_PAPER,
            )
        )
    # A few held posts (one in a hundred hidden) and open flags on some of them.
    hidden = list(
        Annotation.objects.filter(paper__group=group).order_by("id").values_list("id", flat=True)
    )[::100]
    Annotation.objects.filter(id__in=hidden).update(status=Status.HIDDEN)
    hidden_comments = list(
        Comment.objects.filter(paper__group=group).order_by("id").values_list("id", flat=True)
    )[::100]
    Comment.objects.filter(id__in=hidden_comments).update(status=Status.HIDDEN)
    flagged = Annotation.objects.filter(id__in=hidden[::2]).values_list("id", "paper_id")
    Flag.objects.bulk_create(
        [
            Flag(group=group, paper_id=paper_id, annotation_id=pk, reason="off_topic")
            for pk, paper_id in flagged
        ]
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    counts = {
        "papers": len(made),
        "annotations": Annotation.objects.filter(paper__group=group).count(),
        "comments": Comment.objects.filter(paper__group=group).count(),
        "hidden": len(hidden) + len(hidden_comments),
        "flags": len(flagged),
    }
    return group, moderator, counts


def floor(group) -> tuple[float, int]:
    """The same rows as the native export, as tuples, each written with json.dumps: the least
    any export of them could cost. Seconds and bytes."""
    from annotations.models import Annotation, Comment, Link
    from papers.models import Citation, Paper, Paragraph, Reference, Section

    lists = [
        (Section, ("id", "position", "level", "title"), "position"),
        (Paragraph, ("id", "anchor", "position", "section_id", "kind", "text", "label", "marks"),
         "position"),
        (Reference, ("id", "position", "label", "text", "authors", "year", "title", "url", "doi"),
         "position"),
        (Citation, ("id", "paragraph_id", "start", "end", "text", "reference_id"),
         "paragraph__position"),
        (Annotation, ("id", "paragraph_id", "paragraph__anchor", "role__slug", "exact", "prefix",
                      "suffix", "start", "end", "note", "note_html", "author__username",
                      "visibility", "status", "created", "updated", "version"), "id"),
        (Comment, ("id", "paragraph_id", "annotation_id", "parent_id", "author__username", "body",
                   "status", "created", "updated", "version"), "id"),
        (Link, ("id", "source_id", "target_id", "relation"), "id"),
    ]  # fmt: skip
    start = time.perf_counter()
    size = 0
    for paper_id in Paper.objects.filter(group=group).order_by("id").values_list("id", flat=True):
        for model, fields, order in lists:
            rows = model.objects.filter(paper_id=paper_id).order_by(order).values_list(*fields)
            for row in rows.iterator(2000):
                size += len(json.dumps(row, ensure_ascii=False, default=str).encode())
    return time.perf_counter() - start, size


def export_once(client, url: str) -> dict:
    start = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200, (response.status_code, response.content[:300])
    chunks = iter(response.streaming_content)
    first = next(chunks)
    first_byte = time.perf_counter() - start
    size = len(first)
    for chunk in chunks:
        size += len(chunk)
    response.close()
    return {"first_byte_s": first_byte, "total_s": time.perf_counter() - start, "bytes": size}


def export_memory(client, url: str) -> float:
    """Peak Python memory during one export, above the memory before it, in MB."""
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    response = client.get(url)
    for _chunk in response.streaming_content:
        pass
    response.close()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return (peak - base) / 1e6


def measure(papers: int, annotations: int, comments: int, formats: list[str], runs: int) -> dict:
    """In this process: migrate the database of DATABASE_URL, build the group, time exports."""
    _setup()
    from django.core.management import call_command
    from django.db import connection
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    group, moderator, counts = build_group(papers, annotations, comments)
    built_s = time.perf_counter() - start
    client = APIClient(SERVER_NAME="localhost")
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=moderator).key}")
    url = f"/api/v1/groups/{group.slug}/export/"
    floor(group)  # warm: the database's pages, the statements' first plans
    for name in formats:
        export_once(client, f"{url}?format={name}")
    # Rounds of the floor then every format, best of each: a machine busy with something else
    # for a while slows the floor and the exports of that round alike, not one of them.
    floors, timed = [], {name: [] for name in formats}
    for _ in range(runs):
        floors.append(floor(group))
        for name in formats:
            timed[name].append(export_once(client, f"{url}?format={name}"))
    floor_s = min(seconds for seconds, _ in floors)
    rows = {}
    for name in formats:
        best = min(timed[name], key=lambda figure: figure["total_s"])
        rows[name] = {
            **best,
            "first_byte_s": min(figure["first_byte_s"] for figure in timed[name]),
            "ratio": best["total_s"] / floor_s,
            "memory_mb": export_memory(client, f"{url}?format={name}"),
        }
    return {
        "vendor": connection.vendor,
        "built_s": built_s,
        "counts": counts,
        "floor_s": floor_s,
        "floor_bytes": floors[0][1],
        "runs": runs,
        "formats": rows,
    }


def child(env: dict, args) -> dict:
    options = [
        "--papers", args.papers, "--annotations", args.annotations, "--comments", args.comments,
        "--formats", args.formats, "--runs", args.runs,
    ]  # fmt: skip
    return in_child("bench.export_bench", "--one", *options, env=env)


def report(row: dict) -> None:
    counts = row["counts"]
    print(
        f"{row['vendor']}: {counts['papers']} papers, {counts['annotations']:,} annotations, "
        f"{counts['comments']:,} comments ({counts['hidden']} hidden, {counts['flags']} flags); "
        f"built in {row['built_s']:.0f} s"
    )
    print(
        f"  floor (tuples + json.dumps per row): {row['floor_s']:.2f} s, "
        f"{row['floor_bytes'] / 1e6:.1f} MB; best of {row['runs']}"
    )
    print(
        f"  {'format':<7} {'first byte':>11} {'total':>8} {'ratio':>6} {'memory':>9} {'size':>9}"
        f"   targets: < {TARGETS['first_byte_s']:.0f} s, <= {TARGETS['ratio']:.0f}x, "
        f"< {TARGETS['memory_mb']:.0f} MB"
    )
    for name, figure in row["formats"].items():
        misses = [
            key
            for key, target in TARGETS.items()
            if figure[key] > target or (key == "first_byte_s" and figure[key] == target)
        ]
        verdict = "ok" if not misses else "OVER: " + ", ".join(misses)
        print(
            f"  {name:<7} {figure['first_byte_s'] * 1000:>8.1f} ms {figure['total_s']:>6.2f} s "
            f"{figure['ratio']:>5.2f}x {figure['memory_mb']:>6.1f} MB "
            f"{figure['bytes'] / 1e6:>6.1f} MB   {verdict}"
        )


def main() -> None:
    from bench.import_bench import drop_postgres, postgres_url

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=20)
    parser.add_argument("--annotations", type=int, default=100_000)
    parser.add_argument("--comments", type=int, default=50_000)
    parser.add_argument("--formats", default="json,jsonld,csv,aif")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    formats = [name for name in args.formats.split(",") if name]
    if args.one:
        figures = measure(args.papers, args.annotations, args.comments, formats, args.runs)
        print(json.dumps(figures))
        return
    given = os.environ.get("DATABASE_URL", "")
    with tempfile.TemporaryDirectory(prefix="marginalia-bench-") as tmp:
        report(child({"DATABASE_URL": f"sqlite:///{tmp}/export.sqlite3"}, args))
    if args.no_postgres:
        return
    if given.startswith("postgres"):
        # A database of the caller's: the group is added to it, under a slug of its own.
        report(child({"DATABASE_URL": given}, args))
        return
    pg = postgres_url()
    if pg:
        try:
            report(child({"DATABASE_URL": pg}, args))
        finally:
            drop_postgres(pg)


if __name__ == "__main__":
    main()

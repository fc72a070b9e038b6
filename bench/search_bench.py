"""Search benchmark: queries over a large index, and indexing a newly imported paper.

    python -m bench.search_bench [--scale 0.1] [--runs 40] [--sqlite] [--jit-off]
                                 [--database URL [--reindex]]

At `--scale 1`, the issue's size: 1,000 papers of 100 paragraphs (100,000 paragraphs), 100,000
annotations and 50,000 comments by 30 members of one private group, built with bulk_create,
then the whole index in one go (`annotations.search.index.index_all`: the bulk build a new
deployment runs). Text is drawn from a vocabulary of 5,000 made-up words with Zipf-like
frequencies, so a query word is found in a few dozen to a few thousand entries. On a fresh
PostgreSQL database (127.0.0.1:5432, user postgres), and with `--sqlite` on a fresh SQLite file
too, each in a process of its own with DEBUG off (bench.timing.in_child). `--jit-off`: the
queries on a PostgreSQL connection with `SET jit = off` (docs/search.md, "Performance").
`--database URL`: build in that PostgreSQL database and keep it, instead of a fresh one dropped
afterwards; a later run with the same URL and scale migrates it and reuses what it holds (minutes
of building saved while working on the queries), `--reindex` rebuilding the index first (after
a change to what an entry holds or to the trigger).

Rows (median and p95 of `--runs` queries, each a different word or words, as a member through
the whole stack: token authentication, DRF, the first page of 20 hits):
- GET api/v1/search/?q=<one word>: target p95 < 100 ms;
- GET api/v1/search/?q=<three words>: target p95 < 100 ms;
- indexing a newly imported 50-page paper (400 paragraphs of about 40 words:
  `paper_index`, what papers.signals.paper_text_saved runs in the import's transaction):
  target < 1 s.
"""

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench.timing import in_child

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = 2026
VOCABULARY = 5000
SYLLABLES = "ka lo mi ser tan vu pe ri do gal nor thi be sa qu ven lim or as et".split()
BATCH = 5000


def _vocabulary() -> list[str]:
    rng = random.Random(SEED)
    words: list[str] = []
    seen = set()
    while len(words) < VOCABULARY:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


WORDS = _vocabulary()
WEIGHTS = [1 / (rank + 1) for rank in range(VOCABULARY)]


def _text(rng: random.Random, length: int) -> str:
    return " ".join(rng.choices(WORDS, WEIGHTS, k=length)).capitalize() + "."


def build(scale: float):
    """The group, its members, papers, paragraphs, annotations and comments (module docstring);
    answers (member, facts)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from annotations.models import Annotation, Comment
    from annotations.services import roles_for_group
    from papers.models import Membership, Paper, Paragraph, ReadingGroup

    rng = random.Random(SEED)
    papers_n = max(1, int(1000 * scale))
    per_paper = 100
    annotations_n = int(100_000 * scale)
    comments_n = int(50_000 * scale)
    group = ReadingGroup.objects.create(name="Bench", slug=f"bench-{uuid.uuid4().hex[:8]}")
    User = get_user_model()
    members = User.objects.bulk_create(User(username=f"reader{i}") for i in range(30))
    Membership.objects.bulk_create(Membership(group=group, user=u, role="member") for u in members)
    roles = list(roles_for_group(group))
    with transaction.atomic():
        papers = Paper.objects.bulk_create(
            Paper(
                group=group,
                title=_text(rng, 8),
                authors=[f"Author {i}", f"Author {i + 1}"],
                abstract=_text(rng, 120),
                source_format="markdown",
            )
            for i in range(papers_n)
        )
        paragraphs = Paragraph.objects.bulk_create(
            (
                Paragraph(
                    paper=p, position=i, anchor=f"p-{i}", text=_text(rng, rng.randint(20, 80))
                )
                for p in papers
                for i in range(1, per_paper + 1)
            ),
            batch_size=BATCH,
        )
        annotations = Annotation.objects.bulk_create(
            (
                Annotation(
                    paper_id=paragraph.paper_id,
                    paragraph=paragraph,
                    role=rng.choice(roles),
                    note=_text(rng, rng.randint(5, 30)),
                    author=rng.choice(members),
                )
                for paragraph in rng.choices(paragraphs, k=annotations_n)
            ),
            batch_size=BATCH,
        )
        Comment.objects.bulk_create(
            (
                Comment(
                    paper_id=a.paper_id,
                    paragraph_id=a.paragraph_id,
                    annotation=a,
                    body=_text(rng, rng.randint(5, 40)),
                    author=rng.choice(members),
                )
                for a in rng.choices(annotations, k=comments_n)
            ),
            batch_size=BATCH,
        )
    facts = {
        "papers": papers_n,
        "paragraphs": len(paragraphs),
        "annotations": annotations_n,
        "comments": comments_n,
    }
    return group, members[0], facts


def _built(scale: float):
    """(group, member, facts) of an earlier build of this scale in this database, or None."""
    from django.contrib.auth import get_user_model

    from annotations.models import Annotation, Comment
    from papers.models import Paper, Paragraph, ReadingGroup

    group = ReadingGroup.objects.filter(name="Bench").first()
    papers_n = max(1, int(1000 * scale))
    if group is None or Paper.objects.filter(group=group).count() != papers_n:
        return None
    member = get_user_model().objects.get(username="reader0")
    facts = {
        "papers": papers_n,
        "paragraphs": Paragraph.objects.filter(paper__group=group).count(),
        "annotations": Annotation.objects.filter(paper__group=group).count(),
        "comments": Comment.objects.filter(paper__group=group).count(),
    }
    return group, member, facts


def _timed(function) -> float:
    start = time.perf_counter()
    function()
    return (time.perf_counter() - start) * 1000


def _row(times: list[float]) -> dict:
    times = sorted(times)
    return {
        "median_ms": statistics.median(times),
        "p95_ms": times[max(0, round(0.95 * len(times)) - 1)],
        "max_ms": times[-1],
    }


def measure(args) -> dict:
    """In this process: migrate the database of DATABASE_URL, build, index, time the rows."""
    from bench.annotate_bench import _setup

    _setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    from annotations.models import SearchEntry
    from annotations.search.index import index_all, paper_index
    from papers.models import Paper, Paragraph

    call_command("migrate", verbosity=0)
    built = _built(args.scale)
    if built:
        (group, member, facts), built_s = built, 0.0
    else:
        start = time.perf_counter()
        group, member, facts = build(args.scale)
        built_s = time.perf_counter() - start
    indexed_s = 0.0
    if not built or args.reindex:
        start = time.perf_counter()
        index_all()
        indexed_s = time.perf_counter() - start
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    facts["entries"] = SearchEntry.objects.count()

    if args.jit_off and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")
    api = APIClient(SERVER_NAME="localhost")
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=member)[0].key}")
    rng = random.Random(SEED + 1)
    # Words of middling frequency: found in tens to thousands of entries.
    one = [" ".join(rng.sample(WORDS[20:800], 1)) for _ in range(args.runs)]
    three = [" ".join(rng.sample(WORDS[5:120], 3)) for _ in range(args.runs)]
    rows, hits = {}, {}
    for key, queries in (("one_word", one), ("three_words", three)):
        api.get("/api/v1/search/", {"q": queries[0], "page_size": 20})  # warm
        times, counts = [], []
        for q in queries:

            def call(q=q, counts=counts):
                response = api.get("/api/v1/search/", {"q": q, "page_size": 20})
                assert response.status_code == 200, response.content[:300]
                counts.append(response.json()["count"])

            times.append(_timed(call))
        rows[key] = _row(times)
        hits[key] = {"median": statistics.median(counts), "max": max(counts)}

    # A newly imported 50-page paper: 400 paragraphs of about 40 words.
    times = []
    for run in range(5):
        paper = Paper.objects.create(
            group=group, title=f"Fresh {run}", abstract=_text(rng, 120), source_format="pdf"
        )
        Paragraph.objects.bulk_create(
            Paragraph(paper=paper, position=i, anchor=f"p-{i}", text=_text(rng, 40))
            for i in range(1, 401)
        )

        def index(paper=paper):
            with transaction.atomic():
                paper_index(paper)

        times.append(_timed(index))
        paper.delete()  # a database kept for the next run holds the build alone
    rows["index_paper"] = _row(times)
    return {
        "vendor": connection.vendor,
        "build_s": built_s,
        "index_s": indexed_s,
        "facts": facts,
        "hits": hits,
        "rows": rows,
    }


def child(env: dict, args) -> dict:
    options = ["--scale", args.scale, "--runs", args.runs] + (["--jit-off"] if args.jit_off else [])
    options += ["--reindex"] if args.reindex else []
    return in_child("bench.search_bench", "--one", *options, env=env)


def report(result: dict) -> None:
    facts = result["facts"]
    built = f"built in {result['build_s']:.1f} s" if result["build_s"] else "reused"
    indexed = f"indexed in {result['index_s']:.1f} s" if result["index_s"] else "reused"
    print(
        f"\n{result['vendor']}: {facts['papers']} papers, {facts['paragraphs']} paragraphs, "
        f"{facts['annotations']} annotations, {facts['comments']} comments {built}; "
        f"{facts['entries']} entries {indexed}"
    )
    labels = {
        "one_word": ("GET api/v1/search/?q=<one word>", 100),
        "three_words": ("GET api/v1/search/?q=<three words>", 100),
        "index_paper": ("index a new 50-page paper (400 ¶)", 1000),
    }
    print(f"  {'row':<40} {'median':>9} {'p95':>9} {'max':>9} {'target (p95)':>12}")
    for key, (label, target) in labels.items():
        row = result["rows"][key]
        print(
            f"  {label:<40} {row['median_ms']:6.1f} ms {row['p95_ms']:6.1f} ms "
            f"{row['max_ms']:6.1f} ms {target:>9} ms"
        )
    for key, found in result["hits"].items():
        print(f"  hits for {key}: median {found['median']}, max {found['max']}")


def main() -> None:
    from bench.import_bench import drop_postgres, postgres_url

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--sqlite", action="store_true", help="SQLite too")
    parser.add_argument("--jit-off", action="store_true", help="PostgreSQL's JIT off")
    parser.add_argument("--database", help="a PostgreSQL URL to build in and keep (reused)")
    parser.add_argument("--reindex", action="store_true", help="with --database: index again")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args)))
        return
    print(f"Search at scale {args.scale} of the issue's size; {args.runs} queries a row.")
    if args.database:
        report(child({"DATABASE_URL": args.database}, args))
    elif pg := postgres_url():
        try:
            report(child({"DATABASE_URL": pg}, args))
        finally:
            drop_postgres(pg)
    if args.sqlite:
        with tempfile.TemporaryDirectory(prefix="marginalia-bench-") as tmp:
            report(child({"DATABASE_URL": f"sqlite:///{tmp}/search.sqlite3"}, args))


if __name__ == "__main__":
    main()

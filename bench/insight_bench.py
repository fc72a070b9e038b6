"""Insights benchmark: a paper's agreement and argument, through their functions, API and pages.

    python -m bench.insight_bench [--paragraphs 1000] [--annotations 10000] [--links 3000]
                                  [--members 30] [--runs 20] [--no-postgres]

A paper of 1,000 paragraphs read by 30 members (`build_discussion`): 10,000 annotations, four in
five on whole paragraphs (each paragraph tagged by 2 to 14 members, who mostly agree on its role:
about 1,000 units of agreement, some of them contested; now and then a member gives a paragraph
two roles), the rest on passages; a third of the members read blind, so their first tag on a
paragraph is `independent`; one in fifty annotations private; 3,000 links (evidence supports or
attacks a claim near it, theory cites) and 1,000 comments. On a fresh SQLite file and on a fresh
PostgreSQL database (127.0.0.1:5432, user postgres) when one answers, each in a process of its
own with DEBUG off, as bench.annotate_bench does. Everything is asked as a member who does not
read blind (they see every disagreement), through the whole Django stack in-process for the API
(token authentication, DRF) and the pages (a session).

Rows: median and 95th percentile of `--runs` runs (taken in rounds, every row once a round, so
that load from elsewhere weighs on all of them alike), the queries and size of one; targets:
- `paper_agreement`, and GET api/v1/papers/{id}/agreement/: < 200 ms;
- `paper_argument`, and GET api/v1/papers/{id}/argument/: < 100 ms;
- GET /papers/{id}/argument/, the argument map page: < 300 ms;
- GET /papers/{id}/agreement/ and the group page GET /groups/{slug}/ (its papers' overview):
  printed, no target.
A page whose context is not written yet (NotImplementedError, or no template) prints "not
ready"; a row over its target is profiled (cProfile): the functions that took the time are
printed under the table. Timings never fail the run; errors do.
"""

import argparse
import cProfile
import gc
import json
import pstats
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

# key: (label, target in ms or None)
ROWS = {
    "agreement": ("paper_agreement() in process", 200),
    "agreement_api": ("GET api/v1/papers/{id}/agreement/", 200),
    "argument": ("paper_argument() in process", 100),
    "argument_api": ("GET api/v1/papers/{id}/argument/", 100),
    "map_page": ("GET /papers/{id}/argument/ (map page)", 300),
    "agreement_page": ("GET /papers/{id}/agreement/ (page)", None),
    "group_page": ("GET /groups/{slug}/ (overview)", None),
}
ROLE_WEIGHTS = {"claim": 35, "evidence": 45, "theory": 20}
AGREE = 0.8  # how often a member gives a paragraph its most common role
TWO_ROLES = 0.04  # how often a member gives a paragraph two roles
PASSAGES = 0.2  # the share of annotations on a passage
SEED = 2026


def build_discussion(
    group,
    paragraphs: int = 1000,
    annotations: int = 10000,
    *,
    links: int = 3000,
    comments: int = 1000,
    members: int = 30,
):
    """A ready paper of `group` read by `members` new members (module docstring), built with
    bulk_create as the services would have left it; on PostgreSQL, then ANALYZE. Returns the
    paper and a member who does not read blind."""
    from django.db import connection, transaction

    from annotations.services import roles_for_group
    from bench.annotate_bench import _comments_add, _paper_add, _readers_add
    from papers.models import Membership

    rng = random.Random(SEED)
    with transaction.atomic():
        users = _readers_add(group, members)
        blind = users[: members // 3]
        Membership.objects.filter(group=group, user__in=blind).update(blind=True)
        roles = {role.slug: role for role in roles_for_group(group).active()}
        paper, rows = _paper_add(group, paragraphs, annotations)
        shared = _annotations_add(rng, paper, rows, roles, users, set(blind), annotations)
        _comments_add(paper, shared, users, comments)
        _links_add(rng, paper, shared, links)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as build_paper does, and for the same reason
    return paper, users[-1]


def _coders_per_paragraph(rng: random.Random, paragraphs: int, whole: int) -> list[int]:
    """How many whole-paragraph tags each paragraph gets: around the mean, 2 to 14 (more when
    the mean asks for it), adding up to `whole`."""
    mean = whole // paragraphs
    low, high = max(1, min(2, mean), mean - 6), max(mean + 6, 2)
    counts = [rng.randint(low, high) for _ in range(paragraphs)]
    while (gap := whole - sum(counts)) != 0:
        i = rng.randrange(paragraphs)
        if gap > 0 and counts[i] < high:
            counts[i] += 1
        elif gap < 0 and counts[i] > low:
            counts[i] -= 1
    return counts


def _annotations_add(rng, paper, rows, roles: dict, users: list, blind: set, annotations: int):
    """The annotations (module docstring); returns the shared ones (visibility group), which
    comments and links go on."""
    from annotations.markdown import render_markdown
    from annotations.models import Annotation
    from annotations.quotes import resolve_quote
    from bench.annotate_bench import NOTES

    slugs, weights = list(ROLE_WEIGHTS), list(ROLE_WEIGHTS.values())
    rendered = [render_markdown(note) for note in NOTES]
    tagged: set[tuple[int, int]] = set()  # (paragraph, author): later tags are not independent
    items = []

    def add(paragraph, author, slug: str, quote=None) -> None:
        n = len(items)
        first = (paragraph.pk, author.pk) not in tagged
        tagged.add((paragraph.pk, author.pk))
        items.append(
            Annotation(
                paper=paper,
                paragraph=paragraph,
                role=roles[slug],
                author=author,
                note=NOTES[n % 4],
                note_html=rendered[n % 4],
                visibility="private" if n % 50 == 49 else "group",
                independent=first and author in blind,
                **(quote.as_dict() if quote else {}),
            )
        )

    whole = min(annotations, round(annotations * (1 - PASSAGES)))
    for paragraph, slots in zip(rows, _coders_per_paragraph(rng, len(rows), whole), strict=True):
        usual = rng.choices(slugs, weights)[0]
        coders = iter(rng.sample(users, min(slots, len(users))))
        while slots > 0:
            author = next(coders)
            role = usual if rng.random() < AGREE else rng.choice([s for s in slugs if s != usual])
            add(paragraph, author, role)
            slots -= 1
            if slots > 0 and rng.random() < TWO_ROLES:
                add(paragraph, author, rng.choice([s for s in slugs if s != role]))
                slots -= 1
    for _ in range(annotations - len(items)):
        paragraph = rng.choice(rows)
        start = rng.randrange(len(paragraph.text) - 40)
        quote = resolve_quote(paragraph.text, start=start, end=start + rng.randint(10, 40))
        add(paragraph, rng.choice(users), rng.choices(slugs, weights)[0], quote)
    made = Annotation.objects.bulk_create(items, batch_size=1000)
    return [a for a in made if a.visibility == "group"]


def _links_add(rng, paper, shared: list, links: int) -> None:
    """`links` links between annotations a few paragraphs apart: evidence supports (or, one
    time in three, attacks) a claim, a claim attacks or supports another, theory cites."""
    from annotations.models import Link

    by_position: dict[int, list] = {}
    for annotation in shared:
        by_position.setdefault(annotation.paragraph.position, []).append(annotation)
    positions = sorted(by_position)
    made: dict[tuple, Link] = {}
    for _ in range(links * 20):
        if len(made) == links:
            break
        source = rng.choice(shared)
        near = rng.choice(positions[max(0, source.paragraph.position - 8) :][:16])
        candidates = [a for a in by_position[near] if a.role.slug == "claim"] or by_position[near]
        target = rng.choice(candidates)
        if source.role.slug == "theory":
            relation = "cites"
        elif source.role.slug == "evidence":
            relation = "attacks" if rng.random() < 1 / 3 else "supports"
        else:
            relation = rng.choice(("supports", "attacks"))
        key = (source.pk, target.pk, relation)
        if source.pk != target.pk and key not in made:
            made[key] = Link(
                paper=paper, source=source, target=target, relation=relation, author=source.author
            )
    Link.objects.bulk_create(made.values(), batch_size=1000)


def _timed(calls: dict, runs: int) -> dict:
    """Median and 95th percentile of each call, in rounds (every call once a round) so that a
    burst of load from elsewhere on the machine weighs on every row alike; the garbage of the
    previous call is collected before each, untimed."""
    times: dict[str, list[float]] = {key: [] for key in calls}
    for _ in range(runs):
        for key, call in calls.items():
            gc.collect()
            start = time.perf_counter()
            call()
            times[key].append((time.perf_counter() - start) * 1000)
    figures = {}
    for key, row in times.items():
        p95 = statistics.quantiles(row, n=20, method="inclusive")[18] if runs > 1 else row[0]
        figures[key] = {"median_ms": statistics.median(row), "p95_ms": p95, "runs": runs}
    return figures


def _profile(call, runs: int, limit: int = 12) -> list[str]:
    """Where the time of `runs` calls goes: the functions with the most time of their own, and
    the project's own functions by cumulative time (what called them)."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        call()
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # {(file, line, name): (cc, nc, tt, ct, callers)}

    def name(key) -> str:
        file, line, function = key
        path = Path(file)
        if path.is_relative_to(ROOT) and ".venv" not in path.parts:
            file = str(path.relative_to(ROOT))
        elif "site-packages" in path.parts:
            file = "/".join(path.parts[path.parts.index("site-packages") + 1 :])
        elif path.is_absolute():
            file = "/".join(path.parts[-2:])  # the standard library
        return f"{file}:{line}({function})" if line else function

    def ours(key) -> bool:
        path = Path(key[0])
        return path.is_relative_to(ROOT) and ".venv" not in path.parts and path.parts[-2] != "bench"

    def ms(seconds: float) -> str:
        return f"{seconds * 1000 / runs:7.1f} ms"

    own = sorted(stats.items(), key=lambda item: -item[1][2])[:limit]
    cumulative = sorted(
        ((key, value) for key, value in stats.items() if ours(key)), key=lambda i: -i[1][3]
    )[:limit]
    lines = ["own time a run:"]
    lines += [f"  {ms(v[2])}  {v[1] / runs:8.0f} calls  {name(k)}" for k, v in own]
    lines += ["the project's functions, cumulative time a run:"]
    lines += [f"  {ms(v[3])}  {v[1] / runs:8.0f} calls  {name(k)}" for k, v in cumulative]
    return lines


class NotReady(Exception):
    """A page whose context or template is still to be written."""


def measure(args) -> dict:
    """In this process: migrate the database of DATABASE_URL, build the paper, time the rows."""
    from bench.annotate_bench import _setup

    _setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.template import TemplateDoesNotExist
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    from annotations.insights.agreement import paper_agreement
    from annotations.insights.argument import paper_argument
    from annotations.models import Link
    from papers.models import ReadingGroup

    call_command("migrate", verbosity=0)
    group = ReadingGroup.objects.create(name="Bench", slug=f"bench-{uuid.uuid4().hex[:8]}")
    start = time.perf_counter()
    paper, member = build_discussion(
        group, args.paragraphs, args.annotations, links=args.links, members=args.members
    )
    built_s = time.perf_counter() - start
    # Static file names from the files themselves (no collectstatic), as annotate_bench does.
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain}).enable()
    api = APIClient(SERVER_NAME="localhost")
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=member).key}")
    browser = Client(SERVER_NAME="localhost")
    browser.force_login(member)

    def get(client, url):
        def call():
            try:
                response = client.get(url)
            except (NotImplementedError, TemplateDoesNotExist) as exc:
                raise NotReady(f"{type(exc).__name__}: {exc}".rstrip(": ")) from exc
            assert response.status_code == 200, (url, response.status_code, response.content[:300])
            return response

        return call

    calls = {
        "agreement": lambda: paper_agreement(member, paper),
        "agreement_api": get(api, f"/api/v1/papers/{paper.pk}/agreement/"),
        "argument": lambda: paper_argument(member, paper),
        "argument_api": get(api, f"/api/v1/papers/{paper.pk}/argument/"),
        "map_page": get(browser, f"/papers/{paper.pk}/argument/"),
        "agreement_page": get(browser, f"/papers/{paper.pk}/agreement/"),
        "group_page": get(browser, f"/groups/{group.slug}/"),
    }
    figures, ready = {}, {}
    for key, call in calls.items():
        try:
            answer = call()  # warm: connection, templates, the first compilation of each query
        except NotReady as exc:
            figures[key] = {"not_ready": str(exc)}
            continue
        connection.queries_log.clear()  # a request empties the log when it starts: count alike
        with CaptureQueriesContext(connection) as queries:
            answer = call()
        figures[key] = {"queries": len(queries)}
        if hasattr(answer, "content"):
            figures[key]["kb"] = len(answer.content) / 1024
        ready[key] = call
    for key, timing in _timed(ready, args.runs).items():
        figures[key] |= timing
        target = ROWS[key][1]
        if target is not None and timing["median_ms"] >= target:
            figures[key]["profile"] = _profile(ready[key], max(3, args.runs // 4))

    agreement = paper_agreement(member, paper)
    argument = paper_argument(member, paper)
    return {
        "vendor": connection.vendor,
        "build_s": built_s,
        "facts": {
            "annotations": paper.annotations.count(),
            "links": Link.objects.filter(paper=paper).count(),
            "alpha": agreement["alpha"],
            "units": agreement["units"],
            "coders": agreement["coders"],
            "alpha_independent": agreement["alpha_independent"],
            "units_independent": agreement["units_independent"],
            "disagreements": len(agreement["disagreements"]),
            "nodes": len(argument["nodes"]),
            "edges": len(argument["edges"]),
        },
        "rows": figures,
    }


def child(env: dict, args) -> dict:
    options = ["--paragraphs", args.paragraphs, "--annotations", args.annotations]
    options += ["--links", args.links, "--members", args.members, "--runs", args.runs]
    return in_child("bench.insight_bench", "--one", *options, env=env)


def report(result: dict) -> None:
    facts = result["facts"]
    print(
        f"\n{result['vendor']}: built in {result['build_s']:.1f} s; "
        f"{facts['annotations']} annotations, {facts['links']} links; agreement: alpha "
        f"{facts['alpha']} on {facts['units']} paragraphs by {facts['coders']} members "
        f"(independent: {facts['alpha_independent']} on {facts['units_independent']}), "
        f"{facts['disagreements']} disagreements; argument: {facts['nodes']} nodes, "
        f"{facts['edges']} edges"
    )
    print(
        f"  {'row':<40} {'median':>9} {'p95':>9} {'target':>8} {'ratio':>6} {'queries':>7}"
        f" {'size':>7}"
    )
    profiles = []
    for key, (label, target) in ROWS.items():
        row = result["rows"][key]
        if "not_ready" in row:
            print(f"  {label:<40} not ready ({row['not_ready'][:60]})")
            continue
        ratio = f"{row['median_ms'] / target:.2f}" if target else "-"
        size = f"{row['kb']:.0f} kB" if "kb" in row else ""
        print(
            f"  {label:<40} {row['median_ms']:6.1f} ms {row['p95_ms']:6.1f} ms "
            f"{f'{target} ms' if target else '-':>8} {ratio:>6} {row['queries']:>7} {size:>7}"
        )
        if "profile" in row:
            profiles.append((label, row["profile"]))
    for label, lines in profiles:
        print(f"\n  over target: {label}; where the time goes (cProfile)")
        for line in lines:
            print(f"    {line}")


def main() -> None:
    from bench.import_bench import drop_postgres, postgres_url

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--paragraphs", type=int, default=1000)
    parser.add_argument("--annotations", type=int, default=10000)
    parser.add_argument("--links", type=int, default=3000)
    parser.add_argument("--members", type=int, default=30)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args)))
        return
    print(
        f"A paper of {args.paragraphs} paragraphs, {args.annotations} annotations and "
        f"{args.links} links by {args.members} members; {args.runs} runs a row, median and p95."
    )
    with tempfile.TemporaryDirectory(prefix="marginalia-bench-") as tmp:
        report(child({"DATABASE_URL": f"sqlite:///{tmp}/insight.sqlite3"}, args))
    pg = None if args.no_postgres else postgres_url()
    if pg:
        try:
            report(child({"DATABASE_URL": pg}, args))
        finally:
            drop_postgres(pg)


if __name__ == "__main__":
    main()

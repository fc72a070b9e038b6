"""Load benchmark: the site as an operator runs it, under readers who poll, read and write.

    python -m bench.load_bench [--members 200] [--duration 60] [--clients 16] [--saturation 30]
                               [--mix member|polls] [--restart-postgres]
                               [--database-url postgres://postgres@127.0.0.1:5432/]

What it does, bounded in count and time and on the loopback only:
1. creates a PostgreSQL database (dropped at the end, whatever happens), migrates it, collects
   the static files (as a release does: into the git-ignored staticfiles/) and fills it with a
   private reading group of `--members` members (each with an API token and a browser session),
   one paper per ten members (60 paragraphs, 200 annotations, 40 comments);
2. starts gunicorn as docs/deploy.md says (2 workers of 4 threads, DEBUG off) on 127.0.0.1;
3. the paced run: every member, in a thread of its own with a keep-alive connection, does what
   the workspace does: polls its paper every 5 s as static/annotations/live.js does (annotations
   and comments `since` a few seconds before the newest change it holds, each with the ETag of
   its last answer: 304 when nothing changed), opens the reading page every minute and writes
   every 20 s (an annotation or a comment, in turn), each pause with ±20% jitter, for
   `--duration` seconds;
4. the saturation run: `--clients` clients without pauses, for `--saturation` seconds, with the
   mix of a member's minute (`--mix member`: 24 poll requests, 1 page, 3 writes) or only polls
   (`--mix polls`: nothing changes, so nearly every poll is a 304: what polling alone costs);
5. prints per run the throughput, p50/p95/p99 per kind of request and overall, answers by status
   (503 and connection failures apart), and checks the database: every write answered 201 is
   there exactly once (each carries a unique marker in its text), and none is doubled.

`--restart-postgres` restarts the PostgreSQL cluster 30% into the paced run (`pg_ctlcluster
--skip-systemctl-redirect <version> main restart`; it breaks every other client of that server
for a few seconds) and splits the errors into those during the restart (until 2 s after the
command returned), and after it. A write answered 503 (the database is down: nothing was
written) is sent again once after its Retry-After (at most 5 s), with the same Idempotency-Key
and text, as a careful client does; polls and pages are not retried (the next poll is the
retry). Connection failures are counted, not retried.

Targets (issue 15): 200 paced members with p95 under 150 ms and no errors; the saturation
throughput reported; a restart gives 503s only while PostgreSQL is down and loses nothing.
"""

import argparse
import heapq
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

POLL_S, PAGE_S, WRITE_S = 5.0, 60.0, 20.0
JITTER = 0.2
SINCE_MARGIN = timedelta(seconds=5)  # live.js's SINCE_MARGIN_MS
MAX_MEMBERS, MAX_SECONDS, MAX_CLIENTS = 2000, 600, 256
MARKER = "loadmark"


# The database and the server


def _connect(base: str, name: str = "postgres"):
    import psycopg

    return psycopg.connect(f"{base.rstrip('/')}/{name}", autocommit=True)


def create_database(base: str) -> str:
    name = f"marginalia_load_{os.getpid()}"
    with _connect(base) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{name}"')
    return name


def drop_database(base: str, name: str) -> None:
    with _connect(base) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server_env(database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_DEBUG"}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY", "load-bench-only-" + "x" * 40),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        # Each simulated member is one account: the saturation clients reuse them far faster
        # than a person would, so the per-user throttle is raised for this server only.
        MARGINALIA_THROTTLE_USER="1000000/minute",
        MARGINALIA_THROTTLE_ANON="1000000/minute",
    )
    return env


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def start_gunicorn(env: dict, port: int, workers: int, threads: int) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "gunicorn", "config.wsgi",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--worker-class", "gthread", "--threads", str(threads),
        "--keep-alive", "10",
        "--timeout", "60",
        "--log-level", "warning",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    import urllib3

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib3.request("GET", f"http://127.0.0.1:{port}/accounts/login/", retries=False)
            return server
        except urllib3.exceptions.HTTPError:
            time.sleep(0.2)
    stop(server)
    raise SystemExit("gunicorn did not answer within 30 s")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def restart_postgres() -> tuple[float, float]:
    """Restart the cluster; (start, end) on time.monotonic()."""
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    start = time.monotonic()
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
        check=True,
        capture_output=True,
    )
    return start, time.monotonic()


# The data (in a child process with Django)


def populate(members: int) -> dict:
    """The group, its members (token and session each) and papers; JSON for the clients."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from rest_framework.authtoken.models import Token

    from bench.annotate_bench import build_paper
    from papers.models import Membership, ReadingGroup

    User = get_user_model()
    group = ReadingGroup.objects.create(name="Load", slug="load")
    users = User.objects.bulk_create(
        [User(username=f"member{i}", email=f"member{i}@example.org") for i in range(members)]
    )
    roles = [Membership.Role.OWNER] + [Membership.Role.MEMBER] * (members - 1)
    Membership.objects.bulk_create(
        [Membership(group=group, user=u, role=r) for u, r in zip(users, roles, strict=True)]
    )
    papers = []
    for _ in range(max(1, members // 10)):
        paper = build_paper(group, 60, 200, comments=40, links=20, readers=3)
        paragraphs = list(paper.paragraphs.values_list("id", flat=True))
        papers.append({"id": paper.pk, "url": paper.get_absolute_url(), "paragraphs": paragraphs})
    out = []
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        token = Token.objects.create(user=user).key
        out.append({"name": user.username, "token": token, "session": session.session_key})
    return {"members": out, "papers": papers}


# The clients


class Recorder:
    """Every answer: (when, kind, status, milliseconds); written from many threads."""

    def __init__(self):
        self.rows: list[tuple[float, str, int, float]] = []
        self.written: list[str] = []  # markers answered 201
        self.lock = threading.Lock()

    def add(self, kind: str, status: int, ms: float) -> None:
        with self.lock:
            self.rows.append((time.monotonic(), kind, status, ms))


class Member:
    """One reader of one paper, as the workspace behaves (module docstring)."""

    def __init__(self, base: str, me: dict, paper: dict, recorder: Recorder, tag: str, n: int):
        import urllib3

        self.pool = urllib3.HTTPConnectionPool(
            "127.0.0.1",
            int(base.rsplit(":", 1)[1]),
            maxsize=1,
            retries=False,
            timeout=urllib3.Timeout(connect=5, read=65),
        )
        self.me, self.paper, self.recorder = me, paper, recorder
        self.api = {"Authorization": f"Token {me['token']}", "Accept": "application/json"}
        self.since = datetime.now(UTC)  # the time the page was read
        self.etags: dict[str, str] = {}
        self.marker = f"{MARKER}-{tag}-{n}"
        self.writes = 0

    def _send(self, kind: str, method: str, url: str, **kw):
        start = time.perf_counter()
        try:
            response = self.pool.request(method, url, **kw)
        except Exception:  # noqa: BLE001 - a refused or dropped connection: status 0
            self.recorder.add(kind, 0, (time.perf_counter() - start) * 1000)
            return None
        self.recorder.add(kind, response.status, (time.perf_counter() - start) * 1000)
        return response

    def poll(self) -> None:
        since = (self.since - SINCE_MARGIN).isoformat()
        newest = self.since
        for kind in ("annotations", "comments"):
            headers = dict(self.api)
            if kind in self.etags:
                headers["If-None-Match"] = self.etags[kind]
            url = f"/api/v1/{kind}/"
            fields = {"paper": self.paper["id"], "since": since}
            response = self._send("poll", "GET", url, fields=fields, headers=headers)
            if response is None or response.status != 200:
                continue
            self.etags[kind] = response.headers.get("ETag", "")
            for item in json.loads(response.data)["results"]:
                newest = max(newest, datetime.fromisoformat(item["updated"]))
        self.since = newest

    def page(self) -> None:
        headers = {"Cookie": f"sessionid={self.me['session']}"}
        self._send("page", "GET", self.paper["url"], headers=headers)

    def write(self) -> None:
        self.writes += 1
        marker = f"{self.marker}-{self.writes}"
        paragraph = random.choice(self.paper["paragraphs"])
        if self.writes % 2:
            kind, url = "annotate", "/api/v1/annotations/"
            body = {"paragraph": paragraph, "role": "claim", "note": f"Load note {marker}."}
        else:
            kind, url = "comment", "/api/v1/comments/"
            body = {"paragraph": paragraph, "body": f"Load comment {marker}."}
        headers = {**self.api, "Content-Type": "application/json", "Idempotency-Key": marker}
        data = json.dumps(body).encode()
        for attempt in range(2):
            response = self._send(kind, "POST", url, body=data, headers=headers)
            if response is None:
                return
            if response.status == 201:
                with self.recorder.lock:
                    self.recorder.written.append(marker)
                return
            if response.status != 503 or attempt:
                return
            time.sleep(min(5.0, float(response.headers.get("Retry-After") or 1)))


def _paced(member: Member, until: float, rng: random.Random) -> None:
    now = time.monotonic()
    jitter = lambda s: s * rng.uniform(1 - JITTER, 1 + JITTER)  # noqa: E731
    due = [(now + rng.uniform(0, POLL_S), "poll"), (now + rng.uniform(0, PAGE_S), "page")]
    due.append((now + rng.uniform(0, WRITE_S), "write"))
    heapq.heapify(due)
    every = {"poll": POLL_S, "page": PAGE_S, "write": WRITE_S}
    while True:
        when, action = heapq.heappop(due)
        if when >= until or time.monotonic() >= until:
            return  # (a member behind its schedule stops at the end all the same)
        time.sleep(max(0.0, when - time.monotonic()))
        getattr(member, action)()
        heapq.heappush(due, (when + jitter(every[action]), action))


# What saturation clients do: one minute of a member (12 polls, that is 24 requests, 1 page,
# 3 writes), or only polls (nothing changes: after the first answers, every one is a 304).
MIXES = {"member": ["poll"] * 12 + ["page"] + ["write"] * 3, "polls": ["poll"]}


def _saturating(member: Member, until: float, rng: random.Random, mix: list[str]) -> None:
    while time.monotonic() < until:
        getattr(member, rng.choice(mix))()


def run(members: list[Member], seconds: float, mix: str = "", restart: bool = False) -> dict:
    """The paced run (no `mix`), or a saturation run with that mix (MIXES)."""
    start = time.monotonic()
    until = start + seconds
    threads = [
        threading.Thread(
            target=_saturating if mix else _paced,
            args=(m, until, random.Random(i), *([MIXES[mix]] if mix else [])),
            daemon=True,
        )
        for i, m in enumerate(members)
    ]
    for thread in threads:
        thread.start()
    outage = None
    if restart:
        time.sleep(seconds * 0.3)
        outage = restart_postgres()
    for thread in threads:
        thread.join(timeout=max(0.0, until - time.monotonic()) + 70)
    return {"start": start, "end": time.monotonic(), "outage": outage}


# The report


def _percentiles(values: list[float]) -> str:
    if len(values) < 2:
        return "n/a"
    q = statistics.quantiles(values, n=100, method="inclusive")
    return f"p50 {q[49]:6.1f}  p95 {q[94]:6.1f}  p99 {q[98]:6.1f} ms"


def report(title: str, rows: list, span: tuple[float, float]) -> dict:
    seconds = span[1] - span[0]
    print(f"\n{title}: {len(rows)} requests in {seconds:.1f} s = {len(rows) / seconds:.1f}/s")
    by_kind = defaultdict(list)
    for _, kind, status, ms in rows:
        by_kind[kind].append((status, ms))
    for kind in ("poll", "page", "annotate", "comment"):
        answers = by_kind.get(kind, [])
        if not answers:
            continue
        statuses = Counter(s for s, _ in answers)
        times = [ms for _, ms in answers]
        shown = ", ".join(f"{s or 'no connection'}: {n}" for s, n in sorted(statuses.items()))
        print(f"  {kind:<9} {len(answers):6}  {_percentiles(times)}   ({shown})")
    times = [ms for *_, ms in rows]
    errors = Counter(s for _, _, s, _ in rows if s == 0 or s >= 400)
    print(f"  {'overall':<9} {len(rows):6}  {_percentiles(times)}")
    print(f"  errors by status: {dict(errors) or 'none'}")
    q = statistics.quantiles(times, n=100, method="inclusive") if len(times) > 1 else [0] * 99
    return {"requests": len(rows), "rate": len(rows) / seconds, "p95": q[94], "errors": errors}


def outage_report(rows: list, outage: tuple[float, float]) -> None:
    began, ended = outage
    settled = ended + 2.0
    print(f"  PostgreSQL restart: {ended - began:.1f} s (pg_ctlcluster restart)")
    for label, low, high in (
        ("before", float("-inf"), began),
        ("during (to 2 s after)", began, settled),
        ("after", settled, float("inf")),
    ):
        part = [status for when, _, status, _ in rows if low <= when < high]
        errors = Counter(s for s in part if s == 0 or s >= 400)
        print(f"  {label:<22} {len(part):6} requests, errors {dict(errors) or 'none'}")


def check_writes(base: str, name: str, written: list[str], tag: str) -> bool:
    """Every marker answered 201 is in the database exactly once; none is there twice."""
    with _connect(base, name) as c:
        texts = [
            row[0]
            for table, column in (
                ("annotations_annotation", "note"),
                ("annotations_comment", "body"),
            )
            for row in c.execute(
                f"SELECT {column} FROM {table} WHERE {column} LIKE %s", [f"%{MARKER}-{tag}%"]
            )
        ]
    found = Counter(text.split()[-1].rstrip(".") for text in texts)
    missing = [m for m in written if found[m] == 0]
    doubled = [m for m, n in found.items() if n > 1]
    unconfirmed = set(found) - set(written)
    print(
        f"\nwrites answered 201: {len(written)}; in the database: {len(found)}; "
        f"missing: {len(missing)}; doubled: {len(doubled)}; "
        f"written without a 201 (the answer lost): {len(unconfirmed)}"
    )
    return not missing and not doubled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--duration", type=float, default=60, help="paced run, seconds")
    parser.add_argument("--clients", type=int, default=16, help="saturation clients")
    parser.add_argument("--saturation", type=float, default=30, help="seconds; 0: none")
    parser.add_argument("--mix", choices=sorted(MIXES), default="member", help="saturation")
    parser.add_argument("--restart-postgres", action="store_true")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--populate", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.populate is not None:
        print(json.dumps(populate(args.populate)))
        return
    if not (0 < args.members <= MAX_MEMBERS and 0 < args.clients <= MAX_CLIENTS):
        raise SystemExit(f"--members 1..{MAX_MEMBERS}, --clients 1..{MAX_CLIENTS}")
    if not (0 < args.duration <= MAX_SECONDS and 0 <= args.saturation <= MAX_SECONDS):
        raise SystemExit(f"--duration and --saturation up to {MAX_SECONDS} s")

    base = args.database_url
    try:
        name = create_database(base)
    except Exception as exc:  # noqa: BLE001 - any failure means: no PostgreSQL here
        print(f"(PostgreSQL not available at {base}: {exc}; nothing to measure)")
        return
    server = None
    try:
        env = server_env(f"{base.rstrip('/')}/{name}")
        built = time.monotonic()
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        data = json.loads(
            subprocess.run(
                [sys.executable, "-m", "bench.load_bench", "--populate", str(args.members)],
                cwd=ROOT, env=env, check=True, capture_output=True, text=True,
            ).stdout.strip().splitlines()[-1]
        )  # fmt: skip
        papers = data["papers"]
        print(
            f"{args.members} members, {len(papers)} papers (60 paragraphs, 200 annotations, "
            f"40 comments each), built in {time.monotonic() - built:.0f} s; gunicorn "
            f"{args.workers} workers x {args.threads} threads; load before: {_load()}"
        )
        server = start_gunicorn(env, args.port, args.workers, args.threads)
        url = f"http://127.0.0.1:{args.port}"
        tag = uuid.uuid4().hex[:8]
        recorder = Recorder()

        def members(count: int, prefix: str) -> list[Member]:
            people = data["members"]
            return [
                Member(
                    url, people[i % len(people)], papers[i % len(papers)], recorder, tag + prefix, i
                )
                for i in range(count)
            ]

        paced = run(members(args.members, "p"), args.duration, restart=args.restart_postgres)
        rows = list(recorder.rows)
        title = f"paced: {args.members} members for {args.duration:.0f} s"
        figures = report(title, rows, (paced["start"], paced["end"]))
        if paced["outage"]:
            outage_report(rows, paced["outage"])
        ok = figures["p95"] < 150 and not figures["errors"]
        print(f"  target p95 < 150 ms and no errors: {'ok' if ok else 'MISSED'}; load: {_load()}")
        if args.saturation:
            recorder.rows.clear()
            saturated = run(members(args.clients, "s"), args.saturation, args.mix)
            title = (
                f"saturation ({args.mix}): {args.clients} clients without pauses "
                f"for {args.saturation:.0f} s"
            )
            report(title, list(recorder.rows), (saturated["start"], saturated["end"]))
            print(f"  load: {_load()}")
        stop(server)
        server = None
        intact = check_writes(base, name, recorder.written, tag)
        print(f"every 201 in the database once, nothing doubled: {'ok' if intact else 'FAILED'}")
    finally:
        if server is not None:
            stop(server)
        drop_database(base, name)


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()

"""Import benchmark: parse and save times, throughput and peak memory.

    python bench/import_bench.py [--sizes 0.5,5,50] [--no-postgres]

Rows: the seed paper (../shared/corpus/us-withdrawal-afghanistan.md) and synthetic papers of
0.5, 5 and 50 MB built by repeating its body with varied headings and names, one reference list
at the end. Each measurement runs in a fresh process; peak memory is the most tracemalloc saw
allocated during one parse (the input bytes excluded), in a run that is not timed. Save times use
a fresh SQLite file and a fresh PostgreSQL database (127.0.0.1:5432, user postgres) when one
answers.

Targets (issue 2): seed parse < 30 ms; seed parse + save < 150 ms on SQLite; time per MB at
50 MB within 1.5x of time per MB at 0.5 MB; peak memory < 20x the input size.

Then a row per format (issue 3), parse only, best of three: generated papers (bench/make_*.py)
of 20 pages (PDF one column, PDF two columns, DOCX, JATS), a 400-page PDF for time per page,
and each document of the shared corpus. Targets: 20-page PDF < 2 s (one column) and < 4 s (two
columns), DOCX and JATS < 0.5 s, time per page roughly constant from 20 to 400 pages.
`--formats-only` runs just these rows.
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
SEED = ROOT.parent / "shared" / "corpus" / "us-withdrawal-afghanistan.md"
sys.path.insert(0, str(ROOT))


def synthetic(size_mb: float) -> bytes:
    """The seed's body repeated to `size_mb`, each copy varied, then its reference list."""
    text = SEED.read_text(encoding="utf-8")
    head, rest = text.split("\nUS-Pakistan Relations: A Brief Overview\n", 1)
    body, references = rest.split("\nReferences\n", 1)
    body = "US-Pakistan Relations: A Brief Overview\n" + body
    target = int(size_mb * 1024 * 1024)
    parts = [head]
    copy = 0
    while sum(len(p) for p in parts) < target:
        copy += 1
        varied = body.replace("Pakistan", f"Pakistan-{copy}") if copy > 1 else body
        varied = varied.replace("Conclusion", f"Conclusion of part {copy}")
        parts.append(varied)
    parts.append("\nReferences\n" + references)
    return "\n".join(parts).encode("utf-8")


def source(size: str) -> bytes:
    return SEED.read_bytes() if size == "seed" else synthetic(float(size))


def measure_parse(size: str, repeat: int) -> dict:
    from papers.importing import parse_document

    data = source(size)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        paper = parse_document(data, filename="bench.md")
        best = min(best, time.perf_counter() - start)
        del paper
    # Memory in a run of its own: tracemalloc slows the parse, so it is not timed.
    tracemalloc.start()
    paper = parse_document(data, filename="bench.md")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "bytes": len(data),
        "parse_s": best,
        "paragraphs": len(paper.paragraphs),
        "citations": len(paper.citations),
        "peak_bytes": peak,
    }


def measure_save(size: str, repeat: int) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
    django.setup()
    from django.core.management import call_command

    from papers.importing import parse_document
    from papers.models import ReadingGroup
    from papers.saving import paper_save

    call_command("migrate", verbosity=0)
    group = ReadingGroup.objects.create(name="Bench", slug=f"bench-{uuid.uuid4().hex[:8]}")
    data = source(size)
    best_save = best_total = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        parsed = parse_document(data, filename="bench.md")
        parsed_at = time.perf_counter()
        paper_save(
            group=group, user=None, parsed=parsed, filename="bench.md", sha256="", title=None
        )
        end = time.perf_counter()
        best_save = min(best_save, end - parsed_at)
        best_total = min(best_total, end - start)
    return {"save_s": best_save, "total_s": best_total}


def child(mode: str, size: str, repeat: int, env: dict | None = None) -> dict:
    options = [f"--{mode}-one", size, "--repeat", repeat]
    return in_child("bench.import_bench", *options, env=env, failed=f"{mode} {size}")


def postgres_url() -> str | None:
    try:
        import psycopg

        name = f"marginalia_bench_{os.getpid()}"
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}"')
            c.execute(f'CREATE DATABASE "{name}"')
        return f"postgres://postgres@127.0.0.1:5432/{name}"
    except Exception as exc:  # noqa: BLE001 - any failure means: no PostgreSQL here
        print(f"(PostgreSQL not available: {exc}; skipping its save rows)")
        return None


def drop_postgres(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="0.5,5,50", help="synthetic sizes in MB")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--formats-only", action="store_true", help="only the per-format rows")
    parser.add_argument("--formats-one", help=argparse.SUPPRESS)
    parser.add_argument("--repeat", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--parse-one", help=argparse.SUPPRESS)
    parser.add_argument("--save-one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.parse_one:
        print(json.dumps(measure_parse(args.parse_one, args.repeat or 1)))
        return
    if args.save_one:
        print(json.dumps(measure_save(args.save_one, args.repeat or 1)))
        return
    if args.formats_one:
        print(json.dumps(measure_format(args.formats_one)))
        return
    if not SEED.is_file():
        raise SystemExit(f"The seed paper is missing: {SEED}")
    if args.formats_only:
        report_formats()
        return

    sizes = ["seed"] + [s.strip() for s in args.sizes.split(",") if s.strip()]
    pg = None if args.no_postgres else postgres_url()
    tmp = tempfile.mkdtemp(prefix="marginalia-bench-")
    rows = []
    try:
        for size in sizes:
            repeat = 20 if size == "seed" else (3 if float(size) < 10 else 1)
            row = {"size": size, **child("parse", size, repeat)}
            sqlite = {"DATABASE_URL": f"sqlite:///{tmp}/bench-{size}.sqlite3"}
            row["sqlite"] = child("save", size, repeat, sqlite)
            if pg:
                row["postgres"] = child("save", size, repeat, {"DATABASE_URL": pg})
            rows.append(row)
            report_row(row)
    finally:
        if pg:
            drop_postgres(pg)
    report_summary(rows)
    report_formats()


# name -> (module in bench/, function, keyword arguments, pages)
GENERATED = {
    "pdf-1col-20p": ("make_pdf", "make_pdf", {"pages": 20, "columns": 1}, 20),
    "pdf-2col-20p": ("make_pdf", "make_pdf", {"pages": 20, "columns": 2}, 20),
    "pdf-1col-400p": ("make_pdf", "make_pdf", {"pages": 400, "columns": 1}, 400),
    "docx-20p": ("make_docx", "make_docx", {"pages": 20}, 20),
    "jats-20p": ("make_jats", "make_jats", {"pages": 20}, 20),
}


def format_source(name: str) -> tuple[bytes, str, int | None]:
    if name in GENERATED:
        module, function, kwargs, pages = GENERATED[name]
        maker = getattr(__import__(f"bench.{module}", fromlist=[function]), function)
        return maker(**kwargs), "", pages
    return (SEED.parent / name).read_bytes(), name, None


def measure_format(name: str) -> dict:
    from papers.importing import parse_document

    data, filename, pages = format_source(name)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        paper = parse_document(data, filename=filename)
        best = min(best, time.perf_counter() - start)
    return {"name": name, "bytes": len(data), "pages": pages, "parse_s": best,
            "paragraphs": len(paper.paragraphs), "references": len(paper.references),
            "citations": len(paper.citations)}  # fmt: skip


def report_formats() -> None:
    print()
    print("Per format (parse only, best of 3):")
    names = list(GENERATED) + sorted(
        p.name for p in SEED.parent.iterdir() if not p.name.endswith((".json", ".md")) and
        p.suffix in (".pdf", ".docx", ".html", ".xml")
    ) + sorted(p.name for p in SEED.parent.glob("*.md") if p.name != "README.md")  # fmt: skip
    per_page = {}
    for name in names:
        try:
            row = child("formats", name, 1)
        except SystemExit as exc:
            print(f"  {name:<60} failed: {str(exc).splitlines()[-1]}")
            continue
        pages = f"{row['parse_s'] / row['pages'] * 1000:7.1f} ms/page" if row["pages"] else ""
        if row["pages"]:
            per_page[name] = row["parse_s"] / row["pages"]
        print(f"  {name:<60} {row['bytes'] / 1024:8.0f} KB  {row['parse_s'] * 1000:8.1f} ms "
              f"{pages:>16}  {row['paragraphs']:5} paragraphs {row['references']:4} refs "
              f"{row['citations']:5} citations", flush=True)  # fmt: skip
    if "pdf-1col-20p" in per_page and "pdf-1col-400p" in per_page:
        ratio = per_page["pdf-1col-400p"] / per_page["pdf-1col-20p"]
        print(f"PDF time per page, 400 vs 20 pages: {ratio:.2f}x (target: roughly constant)")


def report_row(row: dict) -> None:
    mb = row["bytes"] / 1048576
    line = (
        f"{row['size']:>5} {mb:7.2f} MB  parse {row['parse_s'] * 1000:9.1f} ms "
        f"({row['parse_s'] / mb:6.2f} s/MB, {row['paragraphs'] / row['parse_s']:9.0f} para/s)  "
        f"save sqlite {row['sqlite']['save_s'] * 1000:9.1f} ms  "
        f"total sqlite {row['sqlite']['total_s'] * 1000:9.1f} ms"
    )
    if "postgres" in row:
        line += f"  save pg {row['postgres']['save_s'] * 1000:9.1f} ms"
    line += (
        f"  peak {row['peak_bytes'] / 1048576:7.1f} MB ({row['peak_bytes'] / row['bytes']:.1f}x)"
    )
    print(line, flush=True)


def report_summary(rows: list[dict]) -> None:
    seed = rows[0]
    print()
    print(
        f"seed: parse {seed['parse_s'] * 1000:.1f} ms (target < 30), "
        f"parse+save on SQLite {seed['sqlite']['total_s'] * 1000:.1f} ms (target < 150), "
        f"{seed['paragraphs']} paragraphs, {seed['citations']} citations"
    )
    synthetic_rows = [r for r in rows[1:]]
    if len(synthetic_rows) >= 2:
        small, large = synthetic_rows[0], synthetic_rows[-1]
        for key, label in (
            ("parse", "parse"),
            ("sqlite", "parse+save sqlite"),
            ("postgres", "parse+save postgres"),
        ):
            if key != "parse" and key not in small:
                continue
            seconds = (
                (lambda r: r["parse_s"]) if key == "parse" else (lambda r, k=key: r[k]["total_s"])
            )
            ratio = (seconds(large) / large["bytes"]) / (seconds(small) / small["bytes"])
            print(
                f"time per MB, {label}: {large['size']} MB vs {small['size']} MB = "
                f"{ratio:.2f}x (target <= 1.5x)"
            )
    worst = max(r["peak_bytes"] / r["bytes"] for r in synthetic_rows or rows)
    print(f"peak memory: at most {worst:.1f}x the input (target < 20x)")


if __name__ == "__main__":
    main()

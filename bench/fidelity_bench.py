"""Fidelity benchmark: how exactly the importer reads documents whose facts are known.

    python bench/fidelity_bench.py [FOLDER] [--repeat N] [--verbose]

FOLDER (default ../shared/corpus) holds documents, each with a `*.expected.json` whose "file"
names it and whose fields are those of ../shared/corpus/README.md (title, sections or
first_headings, first_body_words, reference_count, citations, …). Each document is parsed
(`parse_document`, timed, best of N, 3 by default), saved to an in-memory SQLite database and
exported as the native JSON export, which the corpus tests' `tests/corpus.py` compares with the
expectations.

Per document and in total:

- facts: the expectations that hold, of those stated (a failed import holds none);
- top-level headings, precision and recall: the export's top-level sections (front and back
  matter left out, as the corpus counts them) against "sections", or against "first_headings"
  for as many as it lists;
- every-level headings: against "headings" (every level, in order, as printed; a field of
  your own files) when given, precision and recall; else recall only: the expected top-level
  headings found at any level;
- references: the count found, and its error against "reference_count";
- time per page (PDF, pages counted with pypdfium2) or per document (other formats).

Totals: facts held over facts stated; precision and recall over all headings of all documents
(micro average) and their F1; the mean absolute reference-count error; time per PDF page.
"""

import argparse
import json
import os
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
sys.path.insert(0, str(ROOT))

EMPTY_EXPORT = {
    "paper": {"title": "", "authors": [], "keywords": [], "abstract": ""},
    "sections": [], "paragraphs": [], "references": [], "citations": [],
}  # fmt: skip


def documents(folder: Path) -> list[tuple[Path, dict]]:
    """(document, its expectations) for every *.expected.json of the folder."""
    found = []
    for path in sorted(folder.glob("*.expected.json")):
        expected = json.loads(path.read_text("utf-8"))
        name = expected.get("file")
        if not name or not (folder / name).is_file():
            print(f"  {path.name}: names no document of {folder} ({name!r}); skipped")
            continue
        found.append((folder / name, expected))
    return found


def setup_django() -> None:
    """Django on a fresh in-memory SQLite database: the export is the one users get."""
    os.environ["DATABASE_URL"] = "sqlite://:memory:"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def pdf_pages(data: bytes) -> int | None:
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError:
        return None
    try:
        return len(document)
    finally:
        document.close()


def matched(found: list[str], expected: list[str]) -> int:
    """How many expected headings the found ones hold (as multisets, letters and digits only)."""
    from tests.corpus import letters

    return sum((Counter(map(letters, found)) & Counter(map(letters, expected))).values())


def headings(export: dict, expected: dict) -> dict:
    """Matched, found and expected counts for top-level and every-level headings."""
    from tests.corpus import FRONT_AND_BACK, top_sections

    top = [s["title"] for s in top_sections(export)]
    every = [
        s["title"] for s in export["sections"] if s["title"].strip().lower() not in FRONT_AND_BACK
    ]
    row: dict = {}
    wanted = expected.get("sections") or expected.get("first_headings")
    if wanted:
        shown = top if "sections" in expected else top[: len(wanted)]
        row["top"] = (matched(shown, wanted), len(shown), len(wanted))
    if expected.get("headings"):
        truth = [h[-1] if isinstance(h, list) else h for h in expected["headings"]]
        row["every"] = (matched(every, truth), len(every), len(truth))
    elif wanted:
        row["every"] = (matched(every, wanted), None, len(wanted))  # recall only
    return row


def measure(path: Path, expected: dict, repeat: int, group) -> dict:
    from papers.importing import ImportFailed, parse_document
    from papers.saving import paper_save
    from tests.corpus import export_of, facts

    data = path.read_bytes()
    row = {"name": path.name, "format": expected.get("format", ""), "error": ""}
    row["pages"] = pdf_pages(data) if data[:1024].find(b"%PDF-") != -1 else None
    best = float("inf")
    parsed = None
    try:
        for _ in range(repeat):
            start = time.perf_counter()
            parsed = parse_document(data, filename=path.name)
            best = min(best, time.perf_counter() - start)
    except ImportFailed as exc:
        row["error"] = str(exc)
    row["seconds"] = best if parsed is not None else None
    if parsed is not None:
        paper = paper_save(group=group, parsed=parsed, filename=path.name, title=None)
        export = export_of(paper)
    else:
        export = EMPTY_EXPORT
    results = facts(export, expected)
    row["facts"] = (sum(held for held, _ in results), len(results))
    row["failed"] = [message for held, message in results if not held]
    row.update(headings(export, expected))
    if "reference_count" in expected:
        row["references"] = (len(export["references"]), expected["reference_count"])
    return row


def ratio(numerator: int, denominator: int | None) -> str:
    return f"{numerator / denominator:.2f}" if denominator else "–"


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def report(rows: list[dict], verbose: bool) -> None:
    header = (
        f"{'document':<58} {'facts':>7} {'top P':>5} {'top R':>5} {'all P':>5} {'all R':>5} "
        f"{'refs':>7} {'err':>4} {'time':>9}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        top = row.get("top", (0, None, None))
        every = row.get("every", (0, None, None))
        refs = row.get("references")
        if row["seconds"] is None:
            timing = "failed"
        elif row["pages"]:
            timing = f"{row['seconds'] / row['pages'] * 1000:.0f} ms/p"
        else:
            timing = f"{row['seconds'] * 1000:.{0 if row['seconds'] >= 0.01 else 1}f} ms"
        print(
            f"{row['name'][:58]:<58} {row['facts'][0]:>3}/{row['facts'][1]:<3} "
            f"{ratio(top[0], top[1]):>5} {ratio(top[0], top[2]):>5} "
            f"{ratio(every[0], every[1]):>5} {ratio(every[0], every[2]):>5} "
            f"{f'{refs[0]}/{refs[1]}' if refs else '–':>7} "
            f"{abs(refs[0] - refs[1]) if refs else '–':>4} {timing:>9}"
        )
        if row["error"]:
            print(f"    import failed: {row['error']}")
        if verbose:
            for message in row["failed"]:
                print(f"    fails: {message}")
    print("-" * len(header))
    held = sum(r["facts"][0] for r in rows)
    stated = sum(r["facts"][1] for r in rows)
    print(f"facts held: {held}/{stated} ({held / stated:.0%})" if stated else "facts held: –")
    for key, label in (("top", "top-level headings"), ("every", "every-level headings")):
        counts = [r[key] for r in rows if key in r]
        hits = sum(c[0] for c in counts)
        shown = [c[1] for c in counts if c[1] is not None]
        wanted = sum(c[2] for c in counts)
        recall = hits / wanted if wanted else 0.0
        if shown and len(shown) == len(counts):
            precision = hits / sum(shown) if sum(shown) else 0.0
            print(
                f"{label}: precision {precision:.2f}, recall {recall:.2f}, "
                f"F1 {f1(precision, recall):.2f} ({len(counts)} documents)"
            )
        elif counts:
            print(
                f"{label}: recall {recall:.2f} (found at any level; precision needs "
                f'"headings" in the expectations; {len(counts)} documents)'
            )
    errors = [abs(r["references"][0] - r["references"][1]) for r in rows if "references" in r]
    if errors:
        exact = sum(1 for e in errors if e == 0)
        print(
            f"reference counts: mean error {sum(errors) / len(errors):.1f} entries, "
            f"{exact} of {len(errors)} exact"
        )
    pdfs = [r for r in rows if r["pages"] and r["seconds"] is not None]
    if pdfs:
        pages = sum(r["pages"] for r in pdfs)
        seconds = sum(r["seconds"] for r in pdfs)
        print(f"PDF: {seconds / pages * 1000:.1f} ms per page over {pages} pages")
    others = [r for r in rows if not r["pages"] and r["seconds"] is not None]
    if others:
        mean = sum(r["seconds"] for r in others) / len(others)
        print(f"other formats: {mean * 1000:.0f} ms per document on average")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", default=str(CORPUS), help="default: %(default)s")
    parser.add_argument("--repeat", type=int, default=3, help="parses per document, best kept")
    parser.add_argument("--verbose", action="store_true", help="list the facts that fail")
    args = parser.parse_args()
    folder = Path(args.folder).resolve()
    if not folder.is_dir():
        raise SystemExit(f"No such folder: {folder}")
    found = documents(folder)
    if not found:
        raise SystemExit(f"No *.expected.json naming a document in {folder}")
    setup_django()
    from papers.models import ReadingGroup

    group = ReadingGroup.objects.create(name="Fidelity", slug=f"fidelity-{uuid.uuid4().hex[:8]}")
    print(f"Fidelity of {len(found)} documents in {folder} (parse time: best of {args.repeat})")
    print()
    rows = [measure(path, expected, max(args.repeat, 1), group) for path, expected in found]
    report(rows, args.verbose)


if __name__ == "__main__":
    main()

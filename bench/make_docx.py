"""DOCX import benchmark, and the DOCX maker the tests share.

    python bench/make_docx.py [--pages 20] [--repeat 5]

`make_docx(pages)` builds a paper of about `pages` pages with python-docx: title, authors,
abstract, numbered sections with sub-sections, paragraphs with author-year citations and
italics, bulleted and numbered lists, tables with captions, footnotes and an endnote, and a
"Bibliography"-styled reference list. python-docx cannot write notes, so `with_notes` adds the
footnotes and endnotes parts to the saved package.

Prints the best parse time over several runs (reader alone, and the whole pipeline without the
database) for the generated paper and for the DOCX of ../shared/corpus. Target: a 20-page DOCX
parses in under 0.5 s.
"""

import argparse
import io
import random
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DOCX = (
    ROOT.parent / "shared" / "corpus" / "stencila-plosone-0229075-mirna-renal-carcinoma.docx"
)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NOTES = {
    "footnote": ("footnotes", "application/vnd.openxmlformats-officedocument.wordprocessingml"
                 ".footnotes+xml"),
    "endnote": ("endnotes", "application/vnd.openxmlformats-officedocument.wordprocessingml"
                ".endnotes+xml"),
}  # fmt: skip

_WORDS = (
    "reading groups annotate papers together and argue about evidence claims theory method "
    "sample analysis results suggest that the effect of shared reading on comprehension is "
    "larger when members disagree openly while moderators keep the discussion focused on the "
    "text itself rather than on the people who wrote it or the venue where it appeared"
).split()
_SURNAMES = (
    "Smith Garcia Okafor Lindqvist Tanaka Moreau Novak Haddad Kowalski Ferreira Osei Brennan "
    "Varga Iyer Castillo Weber"
).split()


def add_note_reference(paragraph, note_id: int, kind: str = "footnote") -> None:
    """Append a footnote (or endnote) reference mark to a python-docx paragraph."""
    run = paragraph.add_run()
    reference = OxmlElement(f"w:{kind}Reference")
    reference.set(qn("w:id"), str(note_id))
    run._r.append(reference)


def with_notes(
    data: bytes, footnotes: dict[int, str] | None = None, endnotes: dict[int, str] | None = None
) -> bytes:
    """The DOCX `data` with footnotes and endnotes parts holding these notes (id -> text), wired
    into [Content_Types].xml and the document's relationships as Word does."""
    notes = {"footnote": footnotes or {}, "endnote": endnotes or {}}
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                overrides = "".join(
                    f'<Override PartName="/word/{part}.xml" ContentType="{content_type}"/>'
                    for kind, (part, content_type) in _NOTES.items()
                    if notes[kind]
                )
                content = content.replace(b"</Types>", overrides.encode() + b"</Types>")
            elif info.filename == "word/_rels/document.xml.rels":
                rels = "".join(
                    f'<Relationship Id="rIdNotes{part}" Type="{_RELS}/{part}" Target="{part}.xml"/>'
                    for kind, (part, _) in _NOTES.items()
                    if notes[kind]
                )
                content = content.replace(b"</Relationships>", rels.encode() + b"</Relationships>")
            target.writestr(info, content)
        for kind, (part, _) in _NOTES.items():
            if notes[kind]:
                target.writestr(f"word/{part}.xml", _notes_xml(kind, notes[kind]))
    return out.getvalue()


def _notes_xml(kind: str, notes: dict[int, str]) -> str:
    # Word always writes the separator notes (ids -1 and 0) first; readers must skip them.
    separators = (
        f'<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>'
        f'<w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:r>'
        f"<w:continuationSeparator/></w:r></w:p></w:{kind}>"
    )
    bodies = "".join(
        f'<w:{kind} w:id="{note_id}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr>'
        f'<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:{kind}Ref/></w:r>'
        f'<w:r><w:t xml:space="preserve"> {escape(text)}</w:t></w:r></w:p></w:{kind}>'
        for note_id, text in notes.items()
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:{kind}s xmlns:w="{W_NS}">{separators}{bodies}</w:{kind}s>'
    )


def make_docx(pages: int) -> bytes:
    """A realistic paper of about `pages` pages (some 450 words a page), deterministic."""
    rng = random.Random(pages)
    document = docx.Document()
    bibliography = document.styles.add_style("Bibliography", WD_STYLE_TYPE.PARAGRAPH)
    bibliography.base_style = document.styles["Normal"]
    references = _references(rng, max(8, pages * 2))

    document.add_paragraph("Reading Together: Evidence from Shared Annotation", style="Title")
    document.add_paragraph("Ada Reader, Ben Scholar and Chloé Margin", style="Subtitle")
    document.add_heading("Abstract", level=1)
    document.add_paragraph(_sentences(rng, 6, references))

    footnotes: dict[int, str] = {}
    section = 0
    for page in range(pages):
        if page % 2 == 0:
            section += 1
            document.add_heading(f"Section {section}: {_title(rng)}", level=1)
        else:
            document.add_heading(_title(rng), level=2)
        for _ in range(3):
            paragraph = document.add_paragraph(_sentences(rng, 4, references))
            paragraph.add_run(" " + _phrase(rng, 4)).italic = True
            paragraph.add_run(". " + _sentences(rng, 2, references))
            if rng.random() < 0.15:
                note_id = len(footnotes) + 1
                add_note_reference(paragraph, note_id)
                footnotes[note_id] = _sentences(rng, 1, references)
        if page % 3 == 1:
            for _ in range(3):
                document.add_paragraph(_sentences(rng, 1, references), style="List Bullet")
        if page % 3 == 2:
            for _ in range(3):
                document.add_paragraph(_sentences(rng, 1, references), style="List Number")
        if page % 5 == 4:
            document.add_paragraph(f"Table {page // 5 + 1}. Scores by group.", style="Caption")
            table = document.add_table(rows=6, cols=4)
            for r, row in enumerate(table.rows):
                for c, cell in enumerate(row.cells):
                    cell.text = "Group" if r == c == 0 else f"{rng.randint(1, 99)}.{r}{c}"
    last = document.add_paragraph("All data are available from the authors on request.")
    add_note_reference(last, 1, kind="endnote")
    document.add_heading("References", level=1)
    for entry in references:
        document.add_paragraph(entry[2], style="Bibliography")

    buffer = io.BytesIO()
    document.save(buffer)
    return with_notes(
        buffer.getvalue(), footnotes=footnotes, endnotes={1: "Deposited with the journal."}
    )


def _references(rng: random.Random, count: int) -> list[tuple[str, int, str]]:
    entries = []
    for i in range(count):
        surname = _SURNAMES[i % len(_SURNAMES)] + ("" if i < len(_SURNAMES) else f"-{i}")
        year = 1990 + rng.randint(0, 34)
        text = (
            f"{surname}, {chr(65 + i % 26)}., & {rng.choice(_SURNAMES)}, B. ({year}). "
            f"{_title(rng)}. Journal of Shared Reading, {rng.randint(1, 40)}, "
            f"{rng.randint(1, 300)}–{rng.randint(301, 600)}."
        )
        entries.append((surname, year, text))
    return sorted(entries, key=lambda e: e[2])


def _phrase(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(n))


def _title(rng: random.Random) -> str:
    return _phrase(rng, rng.randint(3, 6)).capitalize()


def _sentences(rng: random.Random, n: int, references) -> str:
    out = []
    for _ in range(n):
        sentence = _phrase(rng, rng.randint(12, 24)).capitalize()
        if rng.random() < 0.5:
            surname, year, _ = rng.choice(references)
            sentence += f" ({surname} et al., {year})"
        out.append(sentence + ".")
    return " ".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from bench.timing import best_of
    from papers.importing import parse_document
    from papers.importing.readers.docx import read_docx

    inputs = [(f"generated, {args.pages} pages", make_docx(args.pages))]
    if CORPUS_DOCX.is_file():
        inputs.append((CORPUS_DOCX.name, CORPUS_DOCX.read_bytes()))
    print(f"{'input':<58} {'KB':>7} {'read_docx':>10} {'pipeline':>10}")
    for name, data in inputs:
        read = best_of(read_docx, data, args.repeat)
        whole = best_of(lambda d: parse_document(d, filename="paper.docx"), data, args.repeat)
        print(f"{name:<58} {len(data) / 1024:>7.0f} {read * 1000:>8.1f}ms {whole * 1000:>8.1f}ms")


if __name__ == "__main__":
    main()

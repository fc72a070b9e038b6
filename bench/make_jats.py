"""JATS import benchmark, and the JATS maker the benchmarks share.

    python bench/make_jats.py [--pages 20] [--repeat 5]

`make_jats(pages)` builds an article of about `pages` printed pages (some 600 words a page):
front matter with four authors, affiliations, a structured abstract and keywords; numbered
sections with sub-sections; paragraphs with `xref` citations (narrative and parenthetical, some
to several entries), italics and footnote markers; lists inside paragraphs, quotations, figures,
tables with table footnotes; back matter with acknowledgements, a reference list of
`element-citation`s and `mixed-citation`s, and a footnote group.

Prints the best parse time over several runs (reader alone, and the whole pipeline without the
database) for the generated article and for the JATS file of ../shared/corpus. Target: a
20-page article parses in under 0.5 s.
"""

import argparse
import random
import sys
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
CORPUS_JATS = ROOT.parent / "shared" / "corpus" / "ijm-00202-gendered-income-tax-uruguay.jats.xml"

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
_GIVEN = "Ana Ben Chen Dana Emil Fatima Goran Hana Ivan Julia Kofi Lena".split()
_WORDS_PER_PAGE = 600
_WORDS_PER_PARAGRAPH = 150


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(_WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _author(rng: random.Random, refs: int) -> tuple[str, int]:
    n = rng.randrange(refs)
    return _SURNAMES[n % len(_SURNAMES)], 1990 + n % 30


def _paragraph(rng: random.Random, refs: int, notes: list[str]) -> str:
    parts = []
    for _ in range(_WORDS_PER_PARAGRAPH // 15):
        sentence = escape(_sentence(rng, 15))
        roll = rng.random()
        if roll < 0.25:
            n = rng.randrange(refs)
            name, year = _SURNAMES[n % len(_SURNAMES)], 1990 + n % 30
            sentence = (
                f'<xref ref-type="bibr" rid="bib{n + 1}">{name} et al. ({year})</xref> '
                f"{sentence[0].lower()}{sentence[1:]}"
            )
        elif roll < 0.45:
            cited = sorted(rng.sample(range(refs), 2))
            inner = "; ".join(
                f'<xref ref-type="bibr" rid="bib{n + 1}">'
                f"{_SURNAMES[n % len(_SURNAMES)]}, {1990 + n % 30}</xref>"
                for n in cited
            )
            sentence = f"{sentence[:-1]} ({inner})."
        elif roll < 0.55:
            sentence = sentence.replace(" the ", " <italic>the</italic> ", 1)
        elif roll < 0.58:
            notes.append(escape(_sentence(rng, 25)))
            sentence += f'<sup><xref ref-type="fn" rid="fn{len(notes)}">{len(notes)}</xref></sup>'
        parts.append(sentence)
    return "<p>" + " ".join(parts) + "</p>"


def _list(rng: random.Random) -> str:
    items = "".join(f"<list-item><p>{escape(_sentence(rng, 10))}</p></list-item>" for _ in range(4))
    return f'<p>{escape(_sentence(rng, 12))}<list list-type="bullet">{items}</list></p>'


def _table(rng: random.Random, number: int) -> str:
    head = "".join(f"<th>{escape(rng.choice(_WORDS))}</th>" for _ in range(5))
    rows = "".join(
        "<tr>" + "".join(f"<td>{rng.randrange(1000) / 10}</td>" for _ in range(5)) + "</tr>"
        for _ in range(10)
    )
    return (
        f'<table-wrap id="table{number}"><label>Table {number}.</label><caption><title>'
        f"{escape(_sentence(rng, 8))}</title></caption><table><thead><tr>{head}</tr></thead>"
        f'<tbody>{rows}</tbody></table><table-wrap-foot><fn id="T{number}_FN1"><p>'
        f"<italic>Source</italic>: {escape(_sentence(rng, 10))}</p></fn></table-wrap-foot>"
        "</table-wrap>"
    )


def _figure(rng: random.Random, number: int) -> str:
    return (
        f'<fig id="fig{number}"><label>Figure {number}.</label><caption><title>'
        f"{escape(_sentence(rng, 8))}</title><p>{escape(_sentence(rng, 30))}</p></caption>"
        f'<graphic xlink:href="fig{number}.tif"/></fig>'
    )


def _reference(rng: random.Random, n: int) -> str:
    surname, year = _SURNAMES[(n - 1) % len(_SURNAMES)], 1990 + (n - 1) % 30
    others = [rng.choice(_SURNAMES) for _ in range(rng.randrange(3))]
    title = escape(_sentence(rng, 8)[:-1])
    if n % 5 == 0:
        names = ", ".join(f"{s}, {rng.choice(_GIVEN)[0]}." for s in [surname, *others])
        return (
            f'<ref id="bib{n}"><mixed-citation publication-type="journal">{names} '
            f"(<year>{year}</year>). <article-title>{title}</article-title>. "
            f"<source>Journal of Reading</source>, <volume>{n}</volume>, "
            f"<fpage>{n * 3}</fpage>–<lpage>{n * 3 + 12}</lpage>.</mixed-citation></ref>"
        )
    names = "".join(
        f"<name><surname>{s}</surname><given-names>{rng.choice(_GIVEN)}</given-names></name>"
        for s in [surname, *others]
    )
    return (
        f'<ref id="bib{n}"><element-citation publication-type="journal">'
        f'<person-group person-group-type="author">{names}</person-group><year>{year}</year>'
        f"<article-title>{title}</article-title><source>Journal of Reading</source>"
        f"<volume>{n}</volume><fpage>{n * 3}</fpage><lpage>{n * 3 + 12}</lpage>"
        f'<pub-id pub-id-type="doi">10.5555/bench.{n}</pub-id></element-citation></ref>'
    )


def make_jats(pages: int = 20, seed: int = 7) -> bytes:
    rng = random.Random(seed)
    refs = max(10, pages * 2)
    notes: list[str] = []
    paragraphs = max(1, pages * _WORDS_PER_PAGE // _WORDS_PER_PARAGRAPH)
    sections = max(1, pages // 4)
    body, tables, figures = [], 0, 0
    for s in range(1, sections + 1):
        body.append(f'<sec id="s{s}"><title>{s}. {escape(_sentence(rng, 4)[:-1])}</title>')
        for sub in range(1, 3):
            title = f"{s}.{sub}. {escape(rng.choice(_WORDS))}"
            body.append(f'<sec id="s{s}-{sub}"><title>{title}</title>')
            for p in range(paragraphs // (sections * 2)):
                body.append(_paragraph(rng, refs, notes))
                if p == 1 and sub == 1:
                    body.append(_list(rng))
                    body.append(f"<disp-quote><p>{escape(_sentence(rng, 20))}</p></disp-quote>")
                if p == 2 and sub == 1:
                    tables += 1
                    body.append(_table(rng, tables))
                elif p == 2:
                    figures += 1
                    body.append(_figure(rng, figures))
            body.append("</sec>")
        body.append("</sec>")
    authors = "".join(
        f'<contrib contrib-type="author"><name><surname>{_SURNAMES[i]}</surname>'
        f'<given-names>{_GIVEN[i]}</given-names></name><xref ref-type="aff" rid="aff{i % 2 + 1}">'
        f"{i % 2 + 1}</xref></contrib>"
        for i in range(4)
    )
    affiliations = "".join(
        f'<aff id="aff{i}"><label>{i}</label><institution>University {i}</institution>'
        f"<country>Country {i}</country></aff>"
        for i in (1, 2)
    )
    abstract = "".join(
        f"<sec><title>{title}</title><p>{escape(_sentence(rng, 60))}</p></sec>"
        for title in ("Background", "Methods", "Results", "Conclusions")
    )
    references = "".join(_reference(rng, n) for n in range(1, refs + 1))
    footnotes = "".join(
        f'<fn id="fn{i}"><label>{i}.</label><p>{text}</p></fn>'
        for i, text in enumerate(notes, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Archiving and Interchange '
        'DTD v1.2 20190208//EN" "JATS-archivearticle1.dtd">\n'
        '<article xmlns:xlink="http://www.w3.org/1999/xlink" article-type="research-article">'
        "<front><journal-meta><journal-title-group><journal-title>Journal of Reading"
        "</journal-title></journal-title-group></journal-meta><article-meta>"
        f"<title-group><article-title>{escape(_sentence(rng, 10)[:-1])}</article-title>"
        f"</title-group><contrib-group>{authors}{affiliations}</contrib-group>"
        f'<abstract>{abstract}</abstract><kwd-group kwd-group-type="author-keywords">'
        "<kwd>reading</kwd><kwd>annotation</kwd><kwd>evidence</kwd></kwd-group>"
        f"</article-meta></front><body>{''.join(body)}</body><back><ack><p>"
        f"{escape(_sentence(rng, 20))}</p></ack><ref-list><title>References</title>"
        f"{references}</ref-list><fn-group>{footnotes}</fn-group></back></article>"
    ).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from bench.timing import best_of
    from papers.importing import parse_document
    from papers.importing.readers.jats import read_jats

    inputs = [(f"generated, {args.pages} pages", make_jats(args.pages))]
    if CORPUS_JATS.is_file():
        inputs.append((CORPUS_JATS.name, CORPUS_JATS.read_bytes()))
    print(f"{'input':<58} {'KB':>7} {'read_jats':>10} {'pipeline':>10}")
    for name, data in inputs:
        read = best_of(read_jats, data, args.repeat)
        whole = best_of(lambda d: parse_document(d, filename="paper.xml"), data, args.repeat)
        print(f"{name:<58} {len(data) / 1024:>7.0f} {read * 1000:>8.1f}ms {whole * 1000:>8.1f}ms")


if __name__ == "__main__":
    main()

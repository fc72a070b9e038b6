"""Reference lists and line-end hyphens, typeset with reportlab the way journals print them.

`numbered_paper()` is a two-column paper (LaTeX `thebibliography` in a physics or CS journal)
whose last page ends in a numbered list of 19 entries WITHOUT a "References" heading, set in
smaller type: labels "[1]" right-aligned in a box and the entry's lines at the indent after it;
entries ending in URLs and in link labels set in typewriter ("[arXiv:hep-th/9802150]",
"[SPIRES]", "[INSPIRE]"), one of them alone on the entry's last line; one entry crossing from
the left to the right column, the right column starting with the wrapped line "Challenge. In
Proceedings of …"; a footnote in small type at the foot of the left column, under the entries,
and one at the foot of the right column whose marker is not raised (`NOTE`). With
`style="dot"` the labels are "1." and the lines flush left (a Word-made list without hanging
indents): entry 4, whose last line is full, runs straight into "5. M. Then, …" on the page.
The body hyphenates at line ends "in-"/"corporates", "SciB-"/"ERT", "state-of-the-"/"art" and
"well-"/"known", and cites "[3]", "[5, 6]" and "[12–14]".

`apa_paper()` is a two-column paper with an unlabelled APA list under "References": hanging
indents, entries ending in URLs and DOIs (one-line entries among them), an entry whose wrapped
line starts "Challenge. In Proceedings of …", and one crossing from the left to the right column.

The entries, as printed, are `NUMBERED` and `APA`.
"""

import re

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth

from bench.make_pdf import GUTTER, MARGIN, Writer

SMALL, SMALL_LEADING = 9.0, 11.0
COLUMN = (A4[0] - 2 * MARGIN - GUTTER) / 2
LINK_FONT, LINK_SIZE = "Courier", 8.0
_LINK = re.compile(r"^\[(?:SPIRES|INSPIRE|arXiv:[^\]]+|hep-th/[^\]]+|doi)\]\.?$")

NOTE = "* Work done while the first author was at the University of Elsewhere."
CROSSING = "Challenge. In Proceedings of the Twenty-Eighth Text REtrieval Conference"

NUMBERED = [
    "J. M. Maldacena, The large N limit of superconformal field theories and supergravity, "
    "Adv. Theor. Math. Phys. 2 (1998) 231 [hep-th/9711200] [SPIRES].",
    "E. Witten, Anti-de Sitter space and holography, Adv. Theor. Math. Phys. 2 (1998) 253 "
    "[arXiv:hep-th/9802150] [SPIRES]",
    "I. Beltagy, K. Lo and A. Cohan, SciBERT: a pretrained language model for scientific text, "
    "in Proceedings of EMNLP-IJCNLP (2019) 3615. https://github.com/allenai/scibert",
    "S. S. Gubser, I. R. Klebanov and A. M. Polyakov, Gauge theory correlators from "
    "non-critical string theory, Phys. Lett. B 428 (1998) 105, reprinted in Gauge Theory (2008).",
    "M. Then, A. Smith and R. Lee, Reading the bulk from the boundary, JHEP 04 (2008) 017 "
    "[arXiv:0801.1234] [INSPIRE]",
    "J. Devlin, M.-W. Chang, K. Lee and K. Toutanova, BERT: pre-training of deep bidirectional "
    "transformers for language understanding, in Proceedings of NAACL (2019) 4171.",
    "O. Aharony, S. S. Gubser, J. M. Maldacena, H. Ooguri and Y. Oz, Large N field theories, "
    "string theory and gravity, Phys. Rept. 323 (2000) 183 [hep-th/9905111] [SPIRES].",
    "K. Lo, L. L. Wang, M. Neumann, R. Kinney and D. S. Weld, S2ORC: the semantic scholar open "
    "research corpus, in Proceedings of ACL (2020) 4969. https://github.com/allenai/s2orc/",
    "K. Roberts, D. Demner-Fushman, E. M. Voorhees, W. R. Hersh, S. Bedrick and A. J. Lazar, "
    "Overview of the TREC 2019 Precision Medicine Track Shared Task "
    f"{CROSSING} (TREC 2019), NIST (2019).",
    "A. Cohan, S. Feldman, I. Beltagy, D. Downey and D. S. Weld, SPECTER: document-level "
    "representation learning using citation-informed transformers, in Proceedings of ACL "
    "(2020) 2270.",
    "L. Susskind and E. Witten, The holographic bound in anti-de Sitter space, "
    "arXiv:hep-th/9805114 [SPIRES].",
    "W. Ammar et al., Construction of the literature graph in Semantic Scholar, in "
    "Proceedings of NAACL (2018) 84. https://doi.org/10.18653/v1/N18-3011",
    "T. Banks, W. Fischler, S. H. Shenker and L. Susskind, M theory as a matrix model: a "
    "conjecture, Phys. Rev. D 55 (1997) 5112 [hep-th/9610043] [SPIRES].",
    "P. Lopez, GROBID: combining automatic bibliographic data recognition and term extraction "
    "for scholarship publications, in Research and Advanced Technology for Digital Libraries "
    "(2009) 473.",
    "G. 't Hooft, Dimensional reduction in quantum gravity, arXiv:gr-qc/9310026 [INSPIRE].",
    "R. Bousso, The holographic principle, Rev. Mod. Phys. 74 (2002) 825 "
    "[arXiv:hep-th/0203101] [SPIRES]",
    "D. Tkaczyk, P. Szostek, M. Fedoryszak, P. J. Dendek and L. Bolikowski, CERMINE: automatic "
    "extraction of structured metadata from scientific literature, IJDAR 18 (2015) 317.",
    "S. Ryu and T. Takayanagi, Holographic derivation of entanglement entropy from AdS/CFT, "
    "Phys. Rev. Lett. 96 (2006) 181602 [hep-th/0603001] [SPIRES]",
    "M. Van Raamsdonk, Building up spacetime with quantum entanglement, Gen. Rel. Grav. 42 "
    "(2010) 2323. https://arxiv.org/abs/1005.3035",
]

APA = [
    "Ammar, W., Groeneveld, D., Bhagavatula, C., Beltagy, I., Crawford, M., Downey, D., "
    "Dunkelberger, J., Elgohary, A., Feldman, S., Ha, V., et al. (2018). Construction of the "
    "literature graph in Semantic Scholar. In Proceedings of NAACL (pp. 84–91). "
    "https://doi.org/10.18653/v1/N18-3011",
    "Beltagy, I., Lo, K., & Cohan, A. (2019). SciBERT: A pretrained language model for "
    "scientific text. https://github.com/allenai/scibert",
    "Bird, S. (2006). NLTK: The natural language toolkit. https://www.nltk.org/",
    "Cohan, A., Feldman, S., Beltagy, I., Downey, D., & Weld, D. S. (2020). SPECTER: "
    "Document-level representation learning using citation-informed transformers. In "
    "Proceedings of ACL (pp. 2270–2282).",
    "Devlin, J., Chang, M.-W., Lee, K., & Toutanova, K. (2019). BERT: Pre-training of deep "
    "bidirectional transformers for language understanding. In Proceedings of NAACL "
    "(pp. 4171–4186). https://doi.org/10.18653/v1/N19-1423",
    "Honnibal, M., & Montani, I. (2017). spaCy 2. https://spacy.io/",
    "Kinney, R., Anastasiades, C., Authur, R., Beltagy, I., Bragg, J., Buraczynski, A., "
    "Cachola, I., Candra, S., Chandrasekhar, Y., Cohan, A., et al. (2023). The Semantic "
    "Scholar open data platform. arXiv preprint arXiv:2301.10140.",
    "Lo, K., Wang, L. L., Neumann, M., Kinney, R., & Weld, D. S. (2020). S2ORC: The semantic "
    "scholar open research corpus. In Proceedings of ACL (pp. 4969–4983).",
    "Lopez, P. (2009). GROBID: Combining automatic bibliographic data recognition and term "
    "extraction for scholarship publications. In Research and Advanced Technology for Digital "
    "Libraries (pp. 473–474). Springer.",
    "Roberts, K., Demner-Fushman, D., Voorhees, E. M., Hersh, W. R., Bedrick, S., & Lazar, "
    "A. J. (2019). Overview of the TREC 2019 Precision Medicine Track Shared Task "
    f"{CROSSING} (TREC 2019). NIST.",
    "Tkaczyk, D., Szostek, P., Fedoryszak, M., Dendek, P. J., & Bolikowski, L. (2015). "
    "CERMINE: Automatic extraction of structured metadata from scientific literature. "
    "International Journal on Document Analysis and Recognition, 18(4), 317–335.",
    "Voorhees, E. M. (2001). The philosophy of information retrieval evaluation. In Evaluation "
    "of Cross-Language Information Retrieval Systems (pp. 355–370). Springer. "
    "https://doi.org/10.1007/3-540-45691-0_34",
    "Wang, L. L., Lo, K., Chandrasekhar, Y., Reas, R., Yang, J., Burdick, D., Eide, D., "
    "Funk, K., Katsis, Y., Kinney, R., et al. (2020). CORD-19: The COVID-19 open research "
    "dataset. In Proceedings of the Workshop on NLP for COVID-19. "
    "https://www.aclweb.org/anthology/2020.nlpcovid19-acl.1",
    "Weld, D. S. (2021). Reading for understanding. https://example.org/weld",
    "Zhang, Y. (2022). Citation intent in context. Journal of Informetrics, 16(2), 101–130.",
]

FILLER = (
    "retrieval models for scientific documents rank passages by their relevance to the "
    "question a reader asks while the corpus grows every year"
).split()


# The body: sections of running text, citations and line-end hyphens.


def _body(w: Writer, cite, more: int) -> None:
    """Title, abstract, four sections; `more` sentences lengthen the conclusion (so that the
    reference list breaks into the next column where the test needs it)."""
    w.title_block(
        "Reading Scientific Papers with Retrieval Models",
        "Ada Reader and Ben Scholar",
        "Department of Reading, University of Somewhere",
    )
    w.heading("Abstract", 2)
    w.paragraph(
        "We study how retrieval models read scientific papers, and what a reading group gains "
        "when the structure of a paper is recovered from its PDF. " * 2,
        indent=False,
    )
    w.heading("1 Introduction", 1)
    w.paragraph(
        f"Scientific retrieval has a long history {cite(3)}. Models such as SciBERT are "
        f"state-of-the-art on many benchmarks {cite(5, 6)}, and in-context examples help them "
        "further. The well-read reader knows the known problems of these models, and we study "
        f"them in a setting close to practice {cite(12, 13, 14)}."
    )
    w.paragraph(
        lines=[
            w.line_ending("in-", FILLER, start="Our model"),
            w.line_ending("SciB-", FILLER, start="corporates the passages ranked by"),
            w.line_ending("state-of-the-", FILLER, start="ERT, which is"),
            w.line_ending("well-", FILLER, start="art on these collections and"),
            "known to transfer to new domains.",
        ]
    )
    for n in range(2, 4):
        w.heading(f"{n} {('Related Work', 'Method')[n - 2]}", 1)
        for _ in range(3):
            w.paragraph(
                "Retrieval for scientific documents ranks the passages of a paper by their "
                f"relevance to a question {cite(n + 6)}, and a model trained on one field "
                "often transfers to the next with little loss of quality. " * 3
            )
    w.heading("4 Conclusion", 1)
    w.paragraph(
        "We showed that retrieval models read papers better when their structure is known, "
        "and we release our code.[[fn:The code is at https://example.org/reading.]] Future "
        "work will look at tables and at figures."
        + " Reading groups will tell us which of them matter most."
        * more
    )


# The reference list: entries as lines, then set into the columns.


def _tokens(text: str) -> list[tuple[str, str, float]]:
    """Words with their font: link labels in typewriter, the rest in the text face."""
    out = []
    for word in text.split():
        if _LINK.match(word):
            out.append((word, LINK_FONT, LINK_SIZE))
        else:
            out.append((word, "Times-Roman", SMALL))
    return out


def _width(words: list[tuple[str, str, float]]) -> float:
    space = stringWidth(" ", "Times-Roman", SMALL)
    return sum(stringWidth(t, f, s) for t, f, s in words) + space * (len(words) - 1)


def _wrap(text: str, width: float, break_before: str = "") -> list[list[tuple[str, str, float]]]:
    """Greedy lines; `break_before` starts a new line where it begins (a line break the
    typesetter chose)."""
    lines: list[list[tuple[str, str, float]]] = []
    parts = text.split(break_before) if break_before and break_before in text else [text]
    if len(parts) == 2:
        parts[1] = break_before + parts[1]
    for part in parts:
        line: list[tuple[str, str, float]] = []
        for token in _tokens(part):
            if line and _width([*line, token]) > width:
                lines.append(line)
                line = []
            line.append(token)
        if line:
            lines.append(line)
    return lines


def _draw(w: Writer, words, x: float, y: float, width: float, justify: bool) -> None:
    c = w.canvas
    natural = sum(stringWidth(t, f, s) for t, f, s in words)
    space = stringWidth(" ", "Times-Roman", SMALL)
    if justify and len(words) > 1:
        space = max(space, (width - natural) / (len(words) - 1))
    for text, font, size in words:
        c.setFont(font, size)
        if font == LINK_FONT:
            c.setFillColorRGB(0, 0, 0.8)
        c.drawString(x, y, text)
        c.setFillColorRGB(0, 0, 0)
        x += stringWidth(text, font, size) + space


def _entries(style: str, width: float) -> list[tuple[str, list]]:
    """(label, lines) per entry; the lines fit `width` minus the label's box."""
    if style == "bracket":
        box = stringWidth(f"[{len(NUMBERED)}]", "Times-Roman", SMALL) + 5
    else:
        box = 0.0
    out = []
    for n, text in enumerate(NUMBERED, 1):
        label = f"[{n}]" if style == "bracket" else f"{n}."
        if style == "dot":
            # Flush left, the label inline: the first line holds it.
            lines = _wrap(f"{label} {text}", width, CROSSING)
            label = ""
        else:
            lines = _wrap(text, width - box, CROSSING)
        out.append((label, lines))
    return out


def _set_list(w: Writer, entries, box: float, crossing: tuple[int, int], hanging: float = 0.0):
    """Set the entries into the current column and the next; the next column starts with line
    `crossing[1]` of entry `crossing[0]`."""
    for index, (label, lines) in enumerate(entries):
        for i, line in enumerate(lines):
            if (index, i) == crossing:
                w._next_column()
            w.y -= SMALL_LEADING
            if i == 0 and label:
                width = stringWidth(label, "Times-Roman", SMALL)
                w.canvas.setFont("Times-Roman", SMALL)
                w.canvas.drawString(w.x + box - 5 - width, w.y, label)  # right-aligned
            x = w.x + box + (hanging if i else 0.0)
            _draw(w, line, x, w.y, w.column_width - (x - w.x), justify=i < len(lines) - 1)
        w.y -= 1.0


def _typeset(cite, entries, box: float, crossing: tuple[int, int], heading: str = "",
             hanging: float = 0.0) -> bytes:  # fmt: skip
    """The paper whose list breaks into the next column at `crossing`: the conclusion is
    lengthened until the list's part in the left column of the last page just fits it (as a
    typesetter balances a column), with at most two lines of blank above the list."""
    entry, at = crossing
    before = sum(len(lines) + 1 / SMALL_LEADING for _, lines in entries[:entry]) + at
    for more in range(30):
        w = Writer(2, header="Reading scientific papers", journal="Journal of Retrieval 7")
        _body(w, cite, more)
        if w.page == 1:
            continue
        if heading:
            w.heading(heading, 1)
        room = w.y - 4 - (w.bottom + 6 + before * SMALL_LEADING)
        if w.column == 0 and 0 <= room < 2 * SMALL_LEADING:
            w.y -= room
            _set_list(w, entries, box, crossing, hanging)
            _unraised_note(w, NOTE)
            return w.finish()
    raise AssertionError("no length of the conclusion makes the list break where asked")


def _unraised_note(w: Writer, text: str) -> None:
    """A footnote at the foot of the current column whose marker is set on the line, not
    raised ("* Work done while …"), under a short rule."""
    c = w.canvas
    y = MARGIN + 2
    c.setLineWidth(0.4)
    c.line(w.x, y + 9, w.x + 60, y + 9)
    c.setFont("Times-Roman", 7.5)
    c.drawString(w.x, y, text)


def numbered_paper(style: str = "bracket") -> bytes:
    """The two-column paper with a numbered reference list and no heading (see the module)."""

    def cite(*numbers: int) -> str:
        if len(numbers) == 3:
            return f"[{numbers[0]}–{numbers[-1]}]"
        return "[" + ", ".join(str(n) for n in numbers) + "]"

    width = COLUMN
    box = stringWidth(f"[{len(NUMBERED)}]", "Times-Roman", SMALL) + 5 if style == "bracket" else 0
    entries = _entries(style, width)
    at = next(i for i, line in enumerate(entries[8][1]) if line[0][0] == "Challenge.")
    return _typeset(cite, entries, box, (8, at))


def apa_paper() -> bytes:
    """The two-column paper with an APA list under "References" (see the module)."""

    def cite(*numbers: int) -> str:
        names = [APA[n % len(APA)].split(",")[0] for n in numbers]
        years = [re.search(r"\((\d{4})\)", APA[n % len(APA)]).group(1) for n in numbers]
        return "(" + "; ".join(f"{a}, {y}" for a, y in zip(names, years, strict=True)) + ")"

    width = COLUMN
    hanging = 10.0
    # The hanging indent: the first line is full width, the others shorter by the indent.
    entries = [("", _rewrap(text, width, hanging)) for text in APA]
    return _typeset(cite, entries, 0.0, (6, 1), heading="References", hanging=hanging)


def _rewrap(text: str, width: float, hanging: float) -> list:
    first, *rest = _wrap(text, width)
    if not rest:
        return [first]
    tail = " ".join(t for line in rest for t, _, _ in line)
    return [first, *_wrap(tail, width - hanging, CROSSING)]

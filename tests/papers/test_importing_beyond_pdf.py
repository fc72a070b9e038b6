"""Issue 12, beyond PDF: pasted text of paragraphs, references stated as data, generator banners.

Each fixture is written the way its tool writes it (Pandoc's CSL YAML, Stencila's schema.org
YAML, Manubot's Markdown, schema.org microdata), small and inline; the facts are asserted through
the pure pipeline and, for a pasted text, through `paper_import` as the upload page runs it.
"""

import json

import pytest
from rest_framework.test import APIClient

from papers.importing import ImportFailed, parse_document
from papers.importing.banners import BANNERS, banner_of, drop_banners
from papers.importing.document import Block
from papers.services import paper_import
from tests.conftest import make_group

# A title and three two-sentence paragraphs, as a reading group pastes a short essay.
PASTED = """A Short Note on Reading Groups

Reading groups meet to discuss papers. They often annotate together.

Annotations help members follow the argument. They also record questions.

A shared workspace keeps the notes in one place. It makes the next meeting easier.
"""
PASTED_PARAGRAPHS = [
    "Reading groups meet to discuss papers. They often annotate together.",
    "Annotations help members follow the argument. They also record questions.",
    "A shared workspace keeps the notes in one place. It makes the next meeting easier.",
]


def body_of(paper) -> list[str]:
    return [p.text for p in paper.paragraphs if p.kind == "body"]


# Pasted text -----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", [None, "text", "markdown"])
def test_a_pasted_title_and_short_paragraphs_is_a_paper(fmt):
    paper = parse_document(PASTED.encode(), fmt=fmt)
    assert paper.title == "A Short Note on Reading Groups"
    assert body_of(paper) == PASTED_PARAGRAPHS
    assert not [p for p in paper.paragraphs if p.kind == "front_matter"]


def test_a_text_that_starts_with_a_sentence_has_no_title_and_loses_no_paragraph():
    paper = parse_document(PASTED.split("\n\n", 1)[1].encode())
    assert paper.title == ""
    assert body_of(paper) == PASTED_PARAGRAPHS


def test_one_paragraph_a_line_as_a_word_processor_pastes_it():
    pasted = PASTED.replace("\n\n", "\n")
    paper = parse_document(pasted.encode(), fmt="text")
    assert paper.title == "A Short Note on Reading Groups"
    assert body_of(paper) == PASTED_PARAGRAPHS


def test_hard_wrapped_lines_stay_one_paragraph():
    wrapped = (
        "Reading groups meet to discuss papers and they often\n"
        "annotate together, which helps members follow the\n"
        "argument. They also record questions.\n"
    )
    assert body_of(parse_document(wrapped.encode(), fmt="text")) == [" ".join(wrapped.split())]


def test_paragraphs_before_the_first_heading_are_body_not_front_matter():
    essay = PASTED + "\nConclusion\n\nGroups that annotate read more closely. They also return.\n"
    paper = parse_document(essay.encode(), fmt="text")
    assert body_of(paper)[:3] == PASTED_PARAGRAPHS
    assert [s.title for s in paper.sections] == ["Conclusion"]


def test_front_matter_before_the_prose_stays_front_matter():
    text = (
        "Annotating Together\n\nAda Reader and Ben Scholar\n\n"
        "Department of Reading, University of Examples, Testland\n\n"
        "Received 3 May 2021. Accepted 1 June 2021.\n\n" + PASTED.split("\n\n", 1)[1]
    )
    paper = parse_document(text.encode(), fmt="text")
    assert (paper.title, paper.authors) == ("Annotating Together", ["Ada Reader", "Ben Scholar"])
    assert [p.text for p in paper.paragraphs if p.kind == "front_matter"] == [
        "Department of Reading, University of Examples, Testland",
        "Received 3 May 2021. Accepted 1 June 2021.",
    ]
    assert body_of(paper) == PASTED_PARAGRAPHS


def test_headings_alone_are_still_refused():
    with pytest.raises(ImportFailed, match="No paragraphs found"):
        parse_document(b"A Title\n\nIntroduction\n\nMethods\n", fmt="text")


@pytest.mark.django_db
def test_a_pasted_text_imports_through_the_upload_service():
    # What the upload page and the API do with pasted text: its bytes, no file name.
    paper = paper_import(group=make_group("Pasted"), data=PASTED.encode("utf-8"), filename="")
    assert paper.title == "A Short Note on Reading Groups"
    body = paper.paragraphs.filter(kind="body").order_by("position")
    assert [p.text for p in body] == PASTED_PARAGRAPHS


@pytest.mark.django_db
def test_a_pasted_text_imports_through_the_api(member, group):
    api = APIClient()
    api.force_authenticate(member)
    response = api.post("/api/v1/papers/", {"group": group.slug, "text": PASTED}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["title"] == "A Short Note on Reading Groups"
    assert response.json()["paragraph_count"] == 3


# References stated as data ---------------------------------------------------------------

# Pandoc's CSL YAML: `author` with family/given (and a particle), `issued` date-parts,
# container-title, volume, issue, page, DOI.
PANDOC_CSL = """---
title: Engines of Reading
author:
  - Ada Lovelace
references:
  - id: menabrea1842
    type: article-journal
    author:
      - family: Menabrea
        given: Luigi Federico
      - family: Lovelace
        given: Ada
    issued:
      date-parts: [[1843, 10]]
    title: Sketch of the Analytical Engine
    container-title: Scientific Memoirs
    volume: 3
    issue: 29
    page: 666-731
    DOI: 10.5555/sketch
  - id: vanbeethoven
    author:
      - family: Beethoven
        given: Ludwig
        non-dropping-particle: van
    issued: {literal: 1808}
    title: Symphony No. 5
---

# Introduction

As the sketch says [@menabrea1842], and the symphony too [see @vanbeethoven, p. 4].
"""


def test_csl_yaml_references_read_as_entries_authors_first():
    paper = parse_document(PANDOC_CSL.encode(), filename="engines.md")
    assert [r.text for r in paper.references] == [
        "Menabrea LF, Lovelace A (1843). Sketch of the Analytical Engine. Scientific Memoirs "
        "3(29):666–731. https://doi.org/10.5555/sketch",
        "van Beethoven L (1808). Symphony No. 5.",
    ]
    first = paper.references[0]
    assert first.authors == ["Menabrea, Luigi Federico", "Lovelace, Ada"]
    assert (first.year, first.doi, first.venue) == (1843, "10.5555/sketch", "Scientific Memoirs")
    assert [(c.text, c.reference) for c in paper.citations] == [
        ("[@menabrea1842]", 0),
        ("[see @vanbeethoven, p. 4]", 1),
    ]


# CSL JSON is YAML too: a front matter of references pasted from a reference manager's export.
CSL_JSON = """---
{"title": "Engines of Reading",
 "references": [{"id": "ITEM-1", "type": "article-journal", "title": "Cancer statistics, 2019",
   "author": [{"family": "Siegel", "given": "Rebecca L."}, {"family": "Miller", "given": "K. D."},
              {"family": "Jemal", "given": "Ahmedin"}],
   "container-title": "CA Cancer J Clin", "issued": {"date-parts": [[2019]]},
   "volume": "69", "issue": "1", "page": "7-34"}]}
---

# Introduction

Cancer is common [@ITEM-1].
"""


def test_csl_json_front_matter_reads_the_same():
    paper = parse_document(CSL_JSON.encode(), filename="stats.md")
    assert [r.text for r in paper.references] == [
        "Siegel RL, Miller KD, Jemal A (2019). Cancer statistics, 2019. CA Cancer J Clin "
        "69(1):7–34."
    ]
    assert paper.citations[0].reference == 0


# Stencila's Markdown: the article's schema.org fields as YAML (authors as Person items with
# familyNames/givenNames and affiliations, the abstract as `description`, references with
# datePublished and a nested isPartOf), as in the corpus document from stencila/encoda.
STENCILA = """---
authors:
  - type: Person
    affiliations:
      - type: Organization
        name: Biomedica Molecular Medicine SL, Madrid, Spain
    familyNames:
      - Trilla-Fuertes
    givenNames:
      - Lucía
  - type: Person
    familyNames:
      - de
      - Velasco
    givenNames:
      - Guillermo
description: >-
  Renal cell carcinoma comprises a variety of entities. These subtypes are related to
  different clinical evolution.
references:
  - type: Article
    id: ref001
    authors:
      - type: Person
        familyNames:
          - Siegel
        givenNames:
          - RL
      - type: Person
        familyNames:
          - Jemal
        givenNames:
          - A
    datePublished:
      type: Date
      value: '2019'
    isPartOf:
      type: PublicationIssue
      isPartOf:
        type: PublicationVolume
        isPartOf:
          type: Periodical
          name: CA Cancer J Clin
        volumeNumber: 69
      issueNumber: 1
    pageEnd: 34
    pageStart: 7
    title: Cancer statistics, 2019
  - type: Article
    id: ref002
    authors:
      - type: Organization
        name: World Health Organization
    datePublished: '2018'
    title: Global report
title: >-
  miRNA profiling in renal carcinoma
---

# Introduction

Renal carcinoma is common [@ref001]. Reports agree \\[[@ref001]–[@ref002]].
"""


def test_stencila_yaml_references_read_as_entries_authors_first():
    paper = parse_document(STENCILA.encode(), filename="stencila.md")
    assert [r.text for r in paper.references] == [
        "Siegel RL, Jemal A (2019). Cancer statistics, 2019. CA Cancer J Clin 69(1):7–34.",
        "World Health Organization (2018). Global report.",
    ]
    assert paper.references[0].authors == ["Siegel, RL", "Jemal, A"]
    assert paper.references[0].first_author == "Siegel"
    assert [(c.text, c.reference) for c in paper.citations] == [
        ("[@ref001]", 0),
        ("[@ref001]", 0),
        ("[@ref002]", 1),
    ]


def test_stencila_yaml_front_matter_gives_authors_abstract_and_affiliations():
    paper = parse_document(STENCILA.encode(), filename="stencila.md")
    assert paper.title == "miRNA profiling in renal carcinoma"
    assert paper.authors == ["Lucía Trilla-Fuertes", "Guillermo de Velasco"]
    assert paper.abstract.startswith("Renal cell carcinoma comprises a variety of entities.")
    assert [p.text for p in paper.paragraphs if p.kind == "front_matter"] == [
        "Biomedica Molecular Medicine SL, Madrid, Spain"
    ]


def test_pandoc_divs_and_attributes_are_structure_not_text():
    source = """# Survival in Two Groups

## Results

The groups differ (Fig 1).

figure: Fig 1
:::
![](<>){linkType=simple}

### Survival of the two groups.

**A.** Relapse-free survival.
:::
{#fig1}

## Discussion {#discussion .unnumbered}

A [highlighted]{.mark} word stays, and so do {braces} and sets {1,2}.
"""
    paper = parse_document(source.encode(), filename="divs.md")
    assert [s.title for s in paper.sections] == ["Results", "Discussion"]
    captions = [p.text for p in paper.paragraphs if p.kind == "caption"]
    assert captions == ["Fig 1. Survival of the two groups.", "A. Relapse-free survival."]
    texts = [p.text for p in paper.paragraphs]
    assert not any(":::" in t or "{#" in t or "linkType" in t for t in texts)
    assert "A highlighted word stays, and so do {braces} and sets {1,2}." in texts


# HTML microdata --------------------------------------------------------------------------

MICRODATA = """<html><head><title>Engines</title></head><body>
<article itemscope itemtype="http://schema.org/ScholarlyArticle">
<p>Downloaded from https://example.org/engines by guest on 03 March 2021</p>
<h1 itemprop="headline">Engines of Reading</h1>
<p><small><em>This manuscript (<a href="https://example.github.io/engines/v/1a3c4d8/">permalink</a>)
was automatically generated from <a href="https://github.com/example/engines/tree/1a3c4d8"
>example/engines@1a3c4d8</a> on March 9, 2020.</em></small></p>
<h2>Introduction</h2>
<p>Engines compute <a href="#r1">[1]</a>, <a href="#r2">[2]</a> and <a href="#r3">[3]</a>.</p>
<h2>References</h2>
<ol>
<li id="r1" itemprop="citation" itemscope itemtype="http://schema.org/CreativeWork">Menabrea LF,
  Lovelace A. <span itemprop="name">Sketch of the Analytical Engine</span>. Scientific Memoirs.
  <span itemprop="datePublished">1843</span>.</li>
<li id="r2" itemprop="citation">Babbage C. Passages from the Life of a Philosopher. London:
  Longman; 1864.</li>
<li id="r3" itemprop="citation" itemscope itemtype="http://schema.org/ScholarlyArticle"><span
  itemprop="creator" itemscope itemtype="http://schema.org/Person"><span
  itemprop="givenName">Alan</span> <span itemprop="familyName">Turing</span></span>. <span
  itemprop="headline">On computable numbers</span>. <time itemprop="datePublished"
  datetime="1936">1936</time>.</li>
</ol></article></body></html>"""


def test_microdata_citations_keep_their_authors():
    paper = parse_document(MICRODATA.encode(), filename="engines.html")
    texts = [r.text for r in paper.references]
    # No author stated as data: the entry as printed, not its bare title.
    assert texts[0].startswith("Menabrea LF, Lovelace A. Sketch of the Analytical Engine.")
    assert paper.references[0].title == "Sketch of the Analytical Engine"
    # A citation that is no item at all: its printed text, not dropped.
    assert texts[1].startswith("Babbage C. Passages from the Life of a Philosopher.")
    # schema.org's `creator` names an author too.
    assert texts[2] == "Alan Turing (1936). On computable numbers."
    assert paper.references[2].authors == ["Turing, Alan"]
    assert [c.reference for c in paper.citations] == [0, 1, 2]


def test_html_generator_and_download_banners_are_not_the_first_paragraph():
    paper = parse_document(MICRODATA.encode(), filename="engines.html")
    assert body_of(paper)[0].startswith("Engines compute")
    assert not any("Downloaded from" in p.text for p in paper.paragraphs)
    assert not any("automatically generated" in p.text for p in paper.paragraphs)


# Generator banners -----------------------------------------------------------------------

# What Manubot writes at the head of every manuscript it builds (output/manuscript.md).
MANUBOT = """---
title: 'Opportunities for reading groups'
keywords:
- annotation
lang: en-US
author-meta:
- Ada Reader
- Ben Scholar
header-includes: |-
  <!--
  Manubot generated metadata rendered from header-includes-template.html.
  -->
  <meta name="dc.format" content="text/html" />
...

<small><em>
This manuscript
([permalink](https://example.github.io/reading/v/1a3c4d8/))
was automatically generated
from [example/reading@1a3c4d8](https://github.com/example/reading/tree/1a3c4d8)
on March 9, 2020.
</em></small>

## Authors

+ **Ada Reader**<br>
    ![ORCID icon](images/orcid.svg){.inline_icon width=16 height=16}
    [0000-0002-0000-0001](https://orcid.org/0000-0002-0000-0001)<br>
  <small>
     Department of Reading, University of Examples
  </small>

## Abstract {.page_break_before}

Reading groups annotate papers together. We describe how.

## Introduction

Reading groups meet weekly. They annotate what they read.

## References {.page_break_before}

<!-- Explicitly insert bibliography here -->
<div id="refs"></div>
"""


def test_a_manubot_manuscript_starts_with_its_introduction_not_its_banner():
    paper = parse_document(MANUBOT.encode(), filename="manuscript.md")
    assert paper.title == "Opportunities for reading groups"
    assert paper.authors == ["Ada Reader", "Ben Scholar"]
    assert paper.abstract == "Reading groups annotate papers together. We describe how."
    assert [s.title for s in paper.sections] == ["Introduction"]
    assert body_of(paper)[0] == "Reading groups meet weekly. They annotate what they read."
    assert not any("automatically generated" in p.text for p in paper.paragraphs)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("This manuscript (permalink) was automatically generated from greenelab/deep-review"
         "@1a3c4d8 on March 9, 2020.", "manubot"),
        ("Downloaded from https://academic.oup.com/bioinformatics/article/36/1/1/5000000 by "
         "guest on 03 March 2021", "downloaded"),
        ("Downloaded from http://science.sciencemag.org/ on March 3, 2021", "downloaded"),
        ("Authorized licensed use limited to: University of Examples. Downloaded on March 03,"
         "2021 at 10:00:00 UTC from IEEE Xplore. Restrictions apply.", "ieee-licensed-use"),
        ("bioRxiv preprint doi: https://doi.org/10.1101/2020.03.01.123456; this version posted "
         "March 3, 2020. The copyright holder for this preprint (which was not certified by peer "
         "review) is the author/funder. All rights reserved.", "preprint-server"),
        ("arXiv:2101.12345v2 [cs.CL] 3 Mar 2021", "arxiv-stamp"),
        ("Preprint. Under review.", "template-status"),
        ("Journal Pre-proof", "pre-proof"),
        ("Electronic copy available at: https://ssrn.com/abstract=123456", "repository-copy"),
        ("This article is licensed under a Creative Commons Attribution 4.0 International "
         "License, which permits use, sharing and reproduction in any medium.", "licence"),
        ("Copyright: © 2020 Trilla-Fuertes et al. This is an open access article distributed "
         "under the terms of the Creative Commons Attribution License.", "licence"),
    ],
)  # fmt: skip
def test_banners_are_known_by_their_words(text, name):
    banner = banner_of(text)
    assert banner is not None and banner.name == name


@pytest.mark.parametrize(
    "text",
    [
        "We downloaded from the archive on Monday every paper the group had read.",
        "Preprints under review were excluded. We kept the published versions only.",
        "This article is about licences, which we discuss under three headings.",
        "Reading groups meet to discuss papers. They often annotate together.",
    ],
)
def test_the_papers_own_sentences_are_no_banners(text):
    assert banner_of(text) is None


def test_every_banner_says_why_and_what_is_done():
    assert all(b.reason and b.action in ("drop", "front_matter") for b in BANNERS)


def test_a_banner_is_dropped_and_a_licence_set_aside_before_cleanup_joins_them():
    blocks = [
        Block("Downloaded from https://example.org/x by guest on 03 March 2021"),
        Block("This work is licensed under a Creative Commons Attribution 4.0 License."),
        Block("The body starts here and runs on"),
    ]
    kept = drop_banners(blocks)
    assert [(b.kind, b.text[:20]) for b in kept] == [
        ("front_matter", "This work is license"),
        ("paragraph", "The body starts here"),
    ]
    text = "\n\n".join(b.text for b in blocks[:1]) + "\n\n" + PASTED
    paper = parse_document(text.encode(), fmt="text")
    assert paper.title == "A Short Note on Reading Groups"
    assert body_of(paper) == PASTED_PARAGRAPHS


# The fidelity bench ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_fidelity_bench_measures_any_folder_of_documents(tmp_path):
    from bench.fidelity_bench import documents, measure

    (tmp_path / "note.txt").write_text(
        "A Short Note\n\nIntroduction\n\nGroups meet to read. They annotate.\n\n"
        "Methods in Detail\n\nNotes help members. They record questions.\n"
    )
    facts = {"file": "note.txt", "title": "A Short Note", "sections": ["Introduction", "Methods"],
             "headings": ["Introduction", "Methods", "Details"], "reference_count": 0}  # fmt: skip
    (tmp_path / "note.expected.json").write_text(json.dumps(facts))
    (tmp_path / "lost.expected.json").write_text(json.dumps({"file": "missing.txt"}))
    found = documents(tmp_path)
    assert [path.name for path, _ in found] == ["note.txt"]
    row = measure(*found[0], 1, make_group("Bench"))
    assert row["facts"] == (2, 3)  # the title and the reference count hold, the sections not
    assert row["top"] == (1, 2, 2)  # "Introduction" of two found, of two expected
    assert row["every"] == (1, 2, 3)
    assert row["references"] == (0, 0) and row["pages"] is None and row["seconds"] > 0

"""Check a native export against a `*.expected.json` of ../shared/corpus (see its README for what
each field means). One function per field, so each format's test reports what it got wrong.

Plain Python over the export's JSON (no Django here): bench/fidelity_bench.py counts the same
facts on any folder of documents."""

import json
import re

FRONT_AND_BACK = {
    "abstract", "author summary", "keywords", "acknowledgements", "acknowledgments", "funding",
    "competing interests", "data availability", "supplementary material",
    "supplementary materials", "notes",
    "references", "appendix", "appendices", "bibliography", "supporting information",
    "code availability",
}  # fmt: skip


def letters(text: str) -> str:
    """Letters and digits only, lower case: how the corpus compares reference starts."""
    return re.sub(r"[\W_]+", "", text.casefold())


def export_of(paper) -> dict:
    from annotations.exports import get_format

    return json.loads("".join(get_format("json").paper(paper)))


def _unbracketed(text: str) -> str:
    return re.sub(r"^[\s\[(]+|[\s\])]+$", "", text)


def top_sections(export: dict) -> list[dict]:
    return [
        s for s in export["sections"]
        if s["level"] == min((x["level"] for x in export["sections"]), default=1)
        and s["title"].strip().lower() not in FRONT_AND_BACK
    ]  # fmt: skip


def citations_matching(export: dict, case: dict) -> list[dict]:
    """Citations printed as `case["text"]`, or holding every part of `case["cite"]` as words."""
    if "text" in case:
        # As printed, outer brackets aside: "(Van Atteveldt and Peng, 2018)" is the citation
        # the corpus writes "Van Atteveldt and Peng, 2018"; "[10]" is not "[1]".
        wanted = _unbracketed(case["text"])
        return [c for c in export["citations"] if _unbracketed(c["text"]) == wanted]
    cite = case["cite"]
    patterns = [re.compile(rf"(?<!\w){re.escape(part)}(?!\w)", re.IGNORECASE) for part in cite]
    return [c for c in export["citations"] if all(p.search(c["text"]) for p in patterns)]


def check(export: dict, expected: dict) -> list[str]:
    """Every way the export falls short of the expectations, as readable lines."""
    return [message for held, message in facts(export, expected) if not held]


def facts(export: dict, expected: dict) -> list[tuple[bool, str]]:
    """Each fact the expectations state, whether the export holds it, and what the export has
    (bench/fidelity_bench.py counts them; `check` keeps those that fail)."""
    results: list[tuple[bool, str]] = []
    paper = export["paper"]
    paragraphs = export["paragraphs"]
    refs = {r["id"]: r for r in export["references"]}

    def expect(condition: bool, message: str) -> None:
        results.append((bool(condition), message))

    if "title" in expected:
        expect(paper["title"] == expected["title"], f"title: {paper['title']!r}")
    if "authors" in expected:
        expect(paper["authors"] == expected["authors"], f"authors: {paper['authors']!r}")
    if "keywords" in expected:
        expect(paper["keywords"] == expected["keywords"], f"keywords: {paper['keywords']!r}")
    if "abstract_startswith" in expected:
        expect(
            paper["abstract"].startswith(expected["abstract_startswith"]),
            f"abstract starts: {paper['abstract'][:80]!r}",
        )
    sections = top_sections(export)
    titles = [s["title"] for s in sections]
    if "sections" in expected:
        expect(titles == expected["sections"], f"sections: {titles!r}")
    if "first_headings" in expected:
        n = len(expected["first_headings"])
        expect(titles[:n] == expected["first_headings"], f"first headings: {titles[:n]!r}")
    if "section_count" in expected:
        expect(len(sections) == expected["section_count"], f"section count: {len(sections)}")
    body = [p for p in paragraphs if p["kind"] == "body"]
    if "body_paragraphs_per_section" in expected:
        counts = [sum(1 for p in body if p["section"] == s["id"]) for s in sections]
        expect(counts == expected["body_paragraphs_per_section"], f"body per section: {counts}")
    if "body_paragraph_count" in expected:
        expect(len(body) == expected["body_paragraph_count"], f"body paragraphs: {len(body)}")
    if "first_body_words" in expected:
        first = body[0]["text"] if body else ""
        expect(first.startswith(expected["first_body_words"]), f"first body: {first[:80]!r}")
    if "list_items" in expected:
        items = [p["text"] for p in paragraphs if p["kind"] == "list_item"]
        expect(items == expected["list_items"], f"list items: {items!r}")
    footnotes = [p for p in paragraphs if p["kind"] == "footnote"]
    if "footnote_count" in expected:
        expect(len(footnotes) == expected["footnote_count"], f"footnotes: {len(footnotes)}")
    if "footnote_startswith" in expected:
        expect(
            any(f["text"].startswith(expected["footnote_startswith"]) for f in footnotes),
            f"footnote starts: {[f['text'][:40] for f in footnotes]!r}",
        )
    if "reference_count" in expected:
        expect(
            len(export["references"]) == expected["reference_count"],
            f"references: {len(export['references'])}",
        )
    texts = [p["text"] for p in paragraphs]
    for text in expected.get("no_paragraph_equals", []):
        expect(text not in texts, f"a paragraph equals {text!r}")
    everything = texts + [r["text"] for r in export["references"]] + [paper["title"]]
    for text in expected.get("no_text_contains", []):
        expect(not any(text in t for t in everything), f"some text contains {text!r}")
    for phrase in expected.get("joined_across_page_breaks", []):
        expect(any(phrase in t for t in texts), f"not joined: {phrase!r}")
    for phrase in expected.get("references_joined_across_page_breaks", []):
        expect(
            any(phrase in r["text"] for r in export["references"]),
            f"reference not joined: {phrase!r}",
        )
    for case in expected.get("citations", []) + expected.get("citations_must_link", []):
        found = citations_matching(export, case)
        start = letters(case["reference_startswith"])
        expect(bool(found), f"citation not found: {case.get('cite') or case.get('text')}")
        for c in found:
            target = refs.get(c["reference"])
            expect(
                target is not None and letters(target["text"]).startswith(start),
                f"{c['text']!r} links to {target['text'][:40] if target else None!r}, "
                f"not {case['reference_startswith']!r}",
            )
    for case in expected.get("citations_must_not_link", []):
        found = citations_matching(export, case)
        for c in found:
            expect(c["reference"] is None, f"{c['text']!r} must not link")
    for case in expected.get("citations_ambiguous", []):
        found = citations_matching(export, case)
        expect(bool(found), f"ambiguous citation not found: {case['cite']}")
        for c in found:
            expect(c["reference"] is None, f"{c['text']!r} is ambiguous but linked")
            expect(len(c["candidates"]) != 1, f"{c['text']!r} has a single candidate")
    return results

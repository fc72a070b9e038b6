"""How far the group's members agree on the roles of a paper's paragraphs, and where they differ.

A unit is a paragraph, a coder a member, a value the set of roles the member gave the whole
paragraph (paragraph-level tags only: a passage is a reading of part of it). Several roles from
one member on one paragraph count as one value, their set (claim + evidence is a value of its
own, neither claim nor evidence), so a member is one coder of a paragraph, as alpha requires;
a member who tags a paragraph both ways agrees with nobody who tagged it one way. Tags whose
author's account is gone have no coder and do not count.

Alpha is computed twice: over all the tags, and over the independent ones alone (made in blind
mode before their author could see the others' roles: `Annotation.independent`). The figures add
up the whole paper and name no paragraph, so they are computed on everything the reader may see;
the disagreements name paragraphs and who tagged what, so they follow blind mode
(readings.blind_filter).
"""

from collections import defaultdict

from papers.models import Paper

from . import alpha as k
from .readings import Tag, blind_filter, reads_blind, tags_for


def units_of(tags: list[Tag], *, independent: bool = False) -> dict[int, dict[int, frozenset]]:
    """{paragraph: {author: frozenset of role slugs}} from the whole-paragraph tags (with
    `independent`, from the independent ones alone)."""
    sets: dict[int, dict[int, set]] = {}
    for tag in tags:
        if tag.passage or tag.author is None or (independent and not tag.independent):
            continue
        coders = sets.get(tag.paragraph)
        if coders is None:
            coders = sets[tag.paragraph] = {}
        roles = coders.get(tag.author)
        if roles is None:
            coders[tag.author] = {tag.role}
        else:
            roles.add(tag.role)
    return {p: {a: frozenset(roles) for a, roles in coders.items()} for p, coders in sets.items()}


def _figure(units: dict) -> dict:
    pairable = k.pairable(units)
    value = k.nominal_alpha(pairable)
    return {
        "alpha": None if value is None else round(value, 4),
        "units": len(pairable),
        "coders": len(k.coders_of(pairable)),
    }


def _members(units: dict, names: dict[int, str]) -> list[dict]:
    """Each coder's agreement with the rest: the share of their pairs that agree, and the
    group's alpha without them."""
    rows = []
    alphas_without = k.alphas_without(units)
    pairs = k.pair_agreements(units)
    for coder in sorted(k.coders_of(units), key=lambda c: names.get(c, "").lower()):
        share, shared = pairs[coder]
        without = alphas_without[coder]
        rows.append(
            {
                "user": names.get(coder, ""),
                "units": shared,
                "agreement": None if share is None else round(share, 4),
                "alpha_without": None if without is None else round(without, 4),
            }
        )
    return rows


def _sections(units: dict, tags: list[Tag]) -> list[dict]:
    section_of = {tag.paragraph: tag.section for tag in tags}
    by_section: dict[int, dict] = defaultdict(dict)
    for paragraph, coders in units.items():
        if section_of.get(paragraph) is not None:
            by_section[section_of[paragraph]][paragraph] = coders
    first: dict[int, int] = {}  # a section's first tagged paragraph: the sections in paper order
    for tag in tags:
        first[tag.section] = min(first.get(tag.section, tag.position), tag.position)
    sections = []
    for section in sorted(by_section, key=first.__getitem__):
        figure = _figure(by_section[section])
        if figure["units"]:
            sections.append({"section": section, **figure})
    return sections


def disagreements(units: dict, tags: list[Tag], names: dict[int, str]) -> list[dict]:
    """Paragraphs whose coders gave different values, most contested first (the share of
    their pairs that differ, then the number of coders, then the order of the paper)."""
    position = {tag.paragraph: tag.position for tag in tags}
    contested = [
        (k.contestedness(coders), len(coders), paragraph)
        for paragraph, coders in units.items()
        if len(set(coders.values())) > 1
    ]
    contested.sort(key=lambda c: (-c[0], -c[1], position[c[2]]))
    items = []
    for share, count, paragraph in contested:
        roles: dict[str, list[str]] = defaultdict(list)
        for coder, value in units[paragraph].items():
            for role in sorted(value):
                roles[role].append(names.get(coder, ""))
        items.append(
            {
                "paragraph": paragraph,
                "roles": {role: sorted(who, key=str.lower) for role, who in sorted(roles.items())},
                "coders": count,
                "contested": round(share, 4),
            }
        )
    return items


def paper_agreement(user, paper: Paper, tags: list[Tag] | None = None) -> dict:
    """The API's `agreement` of the paper for this reader (docs/api.md, "Insights"): alpha over
    all tags and over independent ones, per section, per member, and the disagreements."""
    tags = tags_for(user, paper) if tags is None else tags
    names = {tag.author: tag.username for tag in tags if tag.author is not None}
    units = units_of(tags)
    overall = _figure(units)
    independent = _figure(units_of(tags, independent=True))
    blind = reads_blind(user, paper)
    seen = blind_filter(user, tags, blind=blind)
    return {
        **overall,
        "alpha_independent": independent["alpha"],
        "units_independent": independent["units"],
        "coders_independent": independent["coders"],
        "reading": k.reading(overall["alpha"], overall["units"]),
        "sections": _sections(units, tags),
        "members": _members(k.pairable(units), names),
        "disagreements": disagreements(units_of(seen) if blind else units, seen, names),
    }

"""The argument map page's context (templates/annotations/insights/argument.html): the map's
data for the script (static/insights/map.js) and the same argument as a nested outline, the
page's view without JavaScript.

Everything comes from one call of `argument.paper_argument`, which has already decided what the
reader may see (visibility, moderation, blind mode); this module only arranges it, in plain
Python over its dicts. Queries: that call's three, the paragraphs' facts (one), the group's
roles (two): a fixed number whatever the size of the paper.

The outline reads from the claims down:

- roots: the linked annotations that support or attack nothing (claims, and whatever only
  cites), claims first, then in paper order;
- under each, the annotations linking to it with their relation (supports, attacks, cites),
  and so on down. An annotation's own supporters are listed once, at its first place; wherever
  else it appears it is one line with a link back there. So the outline has at most one line
  per root and per link, and a cycle (A supports B supports A) ends at its first repeat;
- depth is limited (`MAX_DEPTH`): a longer chain goes on in an entry of its own, as does a
  cycle that no root leads to, so every linked annotation appears;
- then the two lanes of annotations linked to nothing: "Unsupported claims" (role `claim`) and
  "Not yet linked" (the rest).

The outline's HTML is built here rather than by a template loop: measured on a paper of 10,000
annotations, Django's template engine takes about 300 ms to render 10,000 small cards (a dozen
variables each), strings built with `html.escape` about 30 ms. Every piece of text goes
through `html.escape`; the result is marked safe only once it is whole, and kept to ASCII
(`ascii_html`).
"""

from collections import defaultdict
from html import escape

from django.utils.safestring import SafeString, mark_safe

from papers.models import Paper

from ..services import roles_for_group
from ..workspace import role_css
from .argument import paper_argument
from .paragraphs import first_words, paragraph_facts

MAX_DEPTH = 6  # levels under a root before a chain goes on in an entry of its own
MAP_LANE_LIMIT = 60  # of each lane, the annotations the map draws (the outline has them all)
ARGUING = ("supports", "attacks")  # the relations that make their source an argument's part
RELATION_ORDER = {"supports": 0, "attacks": 1, "cites": 2}
CLAIM = "claim"


def argument_page(request, paper: Paper) -> dict:
    """The page's context: `ready` False for a paper still importing (or failed); else the
    title (escaped, ASCII), the roles (and their CSS), the summary's counts, the outline (HTML)
    and `map_data` for `json_script`."""
    if paper.status != Paper.Status.READY:
        return {"ready": False}
    graph = paper_argument(request.user, paper)
    roles = list(roles_for_group(paper.group))
    facts = paragraph_facts(paper, {node["paragraph"] for node in graph["nodes"]})
    nodes = node_views(graph["nodes"], graph["edges"], facts, paper.get_absolute_url())
    plan = outline(nodes, graph["edges"])
    roles_data = [{"slug": r.slug, "name": r.name, "color": r.color} for r in roles]
    card = card_maker({role.slug: role.name for role in roles})
    by_id = {node["id"]: node for node in nodes}
    return {
        "ready": True,
        "title": ascii_html(escape(paper.title)),  # as the outline (ascii_html says why)
        "role_css": role_css(roles),
        "roles": roles_data,
        "summary": summary(nodes, graph["edges"], plan),
        "outline": {
            "tree": tree_html(plan["roots"], by_id, card),
            "unsupported": lane_html(plan["unsupported"], by_id, card),
            "unlinked": lane_html(plan["unlinked"], by_id, card),
            "counts": {lane: len(plan[lane]) for lane in ("roots", "unsupported", "unlinked")},
        },
        "map_data": {
            "paper": {"id": paper.pk, "title": paper.title},
            "roles": roles_data,
            **map_nodes(nodes, plan),
            "edges": graph["edges"],
        },
    }


def node_views(nodes: list[dict], edges: list[dict], facts: dict, workspace: str) -> list[dict]:
    """Each annotation as the map and the outline show it: besides its id, role, paragraph (id),
    author and comments, a short text (`label`: the quoted passage, or the paragraph's first
    words; `passage` says which), the paragraph's anchor and number, the workspace's address of
    it with the panel open, and `unsupported` for a claim that nothing supports.

    The nodes are paper_argument's own fresh dicts, completed in place: on a paper of 10,000
    annotations a second set of dicts costs more in garbage collection than in building."""
    supported = {edge["target"] for edge in edges if edge["relation"] == "supports"}
    for node in nodes:
        fact = facts.get(node["paragraph"], {})
        anchor = fact.get("anchor", "")
        quote = node.pop("quote")
        node["label"] = fact.get("opening", "") if quote is None else _short(quote)
        node["passage"] = quote is not None
        node["anchor"] = anchor
        node["number"] = fact.get("number")
        node["url"] = f"{workspace}?panel=1#{anchor}"
        node["unsupported"] = node["role"] == CLAIM and node["id"] not in supported
    return nodes


def _short(quote: str, limit: int = 90) -> str:
    return first_words(quote, limit) if len(quote) > limit else quote


def map_nodes(nodes: list[dict], plan: dict) -> dict:
    """What the script draws: the linked annotations and the first `MAP_LANE_LIMIT` of each
    lane (in paper order), and the lanes' sizes (for "and 40 more")."""
    drawn = {n for lane in ("unsupported", "unlinked") for n in plan[lane][:MAP_LANE_LIMIT]}
    alone = set(plan["unsupported"]) | set(plan["unlinked"])
    return {
        "nodes": [node for node in nodes if node["id"] in drawn or node["id"] not in alone],
        "lanes": {lane: len(plan[lane]) for lane in ("unsupported", "unlinked")},
    }


def outline(nodes: list[dict], edges: list[dict], max_depth: int = MAX_DEPTH) -> dict:
    """The nested outline as plain data (module docstring): `roots`, a list of items
    `{"node", "relation", "children", "repeat", "cut"}` (`repeat`: listed in full elsewhere;
    `cut`: goes on in an entry of its own), and the lanes `unsupported` and `unlinked` (ids)."""
    order = {node["id"]: i for i, node in enumerate(nodes)}
    is_claim = {node["id"]: node["role"] == CLAIM for node in nodes}
    incoming: dict[int, list[tuple[str, int]]] = defaultdict(list)
    arguing: set[int] = set()
    for edge in edges:
        incoming[edge["target"]].append((edge["relation"], edge["source"]))
        if edge["relation"] in ARGUING:
            arguing.add(edge["source"])
    for links in incoming.values():
        links.sort(key=lambda link: (RELATION_ORDER.get(link[0], 9), order[link[1]]))
    linked = {edge["source"] for edge in edges} | set(incoming)
    expanded: set[int] = set()

    def walk(node: int, relation: str | None, depth: int) -> dict:
        item = {"node": node, "relation": relation, "children": (), "repeat": False, "cut": False}
        if node not in incoming:
            return item
        if node in expanded:
            item["repeat"] = True
        elif depth >= max_depth:
            item["cut"] = True
        else:
            expanded.add(node)
            item["children"] = [walk(source, rel, depth + 1) for rel, source in incoming[node]]
        return item

    def claims_first(node: int) -> tuple:
        return (not is_claim[node], order[node])

    roots = [walk(n, None, 0) for n in sorted(linked - arguing, key=claims_first)]
    for node in sorted(incoming, key=claims_first):  # cycles no root reaches, cut chains
        if node not in expanded:
            roots.append(walk(node, None, 0))
    alone = [node["id"] for node in nodes if node["id"] not in linked]
    return {
        "roots": roots,
        "unsupported": [n for n in alone if is_claim[n]],
        "unlinked": [n for n in alone if not is_claim[n]],
    }


def summary(nodes: list[dict], edges: list[dict], plan: dict) -> dict:
    """The counts of the summary line."""
    return {
        "claims": sum(1 for node in nodes if node["role"] == CLAIM),
        "links": len(edges),
        "unsupported": sum(1 for node in nodes if node["unsupported"]),
        "unlinked": len(plan["unsupported"]) + len(plan["unlinked"]),
    }


# The outline's HTML (the module docstring says why it is not a template loop)


def ascii_html(html: str) -> SafeString:
    """Escaped HTML with every character beyond ASCII as a character reference (`&#8220;`).

    Python keeps a string in 1, 2 or 4 bytes a character, the widest its characters need, and
    the template engine joins the page level by level: one curly quote in a 2 MB outline makes
    the whole page twice as big to copy and to encode, one emoji four times. Measured on a
    paper of 10,000 annotations: rendering the page takes about 20 ms with an ASCII outline and
    title, 55 ms without. The browser reads the references as the characters."""
    return mark_safe(html.encode("ascii", "xmlcharrefreplace").decode("ascii"))


def card_maker(roles: dict[str, str]):
    """`card(node)`: one annotation as a link to its paragraph in the workspace with the panel
    open; the roles' parts are escaped once, each card made once however often it is listed."""
    parts = {slug: _role_parts(slug, name) for slug, name in roles.items()}
    made: dict[int, str] = {}
    # Few authors and paragraphs for many annotations: each escaped once.
    escaped: dict[str | None, str] = {None: "a former member"}

    def once(text: str | None) -> str:
        html = escaped.get(text)
        if html is None:
            html = escaped[text] = escape(text)
        return html

    def card(node: dict) -> str:
        html = made.get(node["id"])
        if html is None:
            opening, middle = parts.get(node["role"]) or _role_parts(node["role"], node["role"])
            label = escape(node["label"]) if node["passage"] else once(node["label"])
            meta = once(node["author"])
            if node["number"] is not None:
                meta += f" &middot; &para; {node['number']}"
            if (count := node["comments"]) > 0:
                meta += f" &middot; {count} comment{'' if count == 1 else 's'}"
            html = "".join(
                (
                    opening,
                    once(node["url"]),
                    middle,
                    f"&ldquo;{label}&rdquo;" if node["passage"] else label,
                    '</span> <span class="map-card-meta">',
                    meta,
                    _UNSUPPORTED if node["unsupported"] else "</span></a>",
                )
            )
            made[node["id"]] = html
        return html

    return card


def _role_parts(slug: str, name: str) -> tuple[str, str]:
    """A card's markup before and after its address, for one role."""
    return (
        f'<a class="map-card role-{escape(slug)}" href="',
        f'"><span class="map-card-role">{escape(name)}</span> <span class="map-card-text">',
    )


_UNSUPPORTED = '</span><span class="map-badge">unsupported</span></a>'
_SEE = {
    "repeat": ' <a class="map-see" href="#outline-{}">its links: see above</a>',
    "cut": ' <a class="map-see" href="#outline-{}">its links: see below</a>',
}


def _relation_html(relation: str) -> str:
    relation = escape(relation)
    return f'<span class="map-rel map-rel-{relation}">{relation}</span> '


_RELATIONS = {relation: _relation_html(relation) for relation in RELATION_ORDER}


def _item_html(item: dict, by_id: dict, card, out: list[str]) -> None:
    node = item["node"]
    out.append(f'<li class="map-item" id="outline-{node}">' if item["children"] else _ITEM)
    relation = item["relation"]
    if relation:
        out.append(_RELATIONS.get(relation) or _relation_html(relation))
    out.append(card(by_id[node]))
    for flag, link in _SEE.items():
        if item[flag]:
            out.append(link.format(node))
    if item["children"]:
        out.append('<ul class="map-tree">')
        for child in item["children"]:
            _item_html(child, by_id, card, out)
        out.append("</ul>")
    out.append("</li>")


_ITEM = '<li class="map-item">'


def tree_html(roots: list[dict], by_id: dict, card) -> SafeString:
    """The linked annotations as nested lists, from the roots down."""
    out: list[str] = []
    for root in roots:
        _item_html(root, by_id, card, out)
    return ascii_html("".join(out))  # every piece of text went through escape()


def lane_html(ids: list[int], by_id: dict, card) -> SafeString:
    """A lane's annotations, one list item each."""
    return ascii_html("".join(f"{_ITEM}{card(by_id[n])}</li>" for n in ids))

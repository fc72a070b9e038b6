"""The argument map page, /papers/<id>/argument/: who may see it, what it shows without
JavaScript (the outline: nesting, lanes, summary), what it hands the script, what it leaves out
(hidden annotations, blind mode), and its query count."""

import json

import pytest
from lxml import html as lxml_html

from annotations.insights.outline import outline
from annotations.models import Annotation, Link
from annotations.moderation.services import moderate
from papers.models import Membership, Paper
from tests.annotations.insights.scene import body, tag
from tests.conftest import join, make_user, page_client
from tests.papers.makers import make_paper


def url(paper) -> str:
    return f"/papers/{paper.pk}/argument/"


def get(user, paper):
    return page_client(user).get(url(paper))


def tree(response):
    return lxml_html.fromstring(response.content)


def klass(el, name: str, tag: str = "*") -> list:
    """The elements under `el` with the class `name` (lxml without cssselect)."""
    return el.xpath(f".//{tag}[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]")


def by_id(el, ident: str) -> list:
    return el.xpath(f".//*[@id='{ident}']")


def data(response) -> dict:
    return json.loads(tree(response).get_element_by_id("argument-data").text)


# Who may see it


@pytest.mark.parametrize("caller", ["anonymous", "outsider", "member", "owner"])
def test_a_public_groups_map_is_for_everyone(caller, public_paper, owner, member, outsider):
    users = {"anonymous": None, "outsider": outsider, "member": member, "owner": owner}
    tag(member, body(public_paper, 0), "claim")
    response = get(users[caller], public_paper)
    assert response.status_code == 200
    assert "annotations/insights/argument.html" in [t.name for t in response.templates]
    assert len(data(response)["nodes"]) == 1


@pytest.mark.parametrize("caller", ["anonymous", "outsider", "banned"])
def test_a_private_groups_map_is_404_to_those_outside(caller, paper, outsider, banned):
    users = {"anonymous": None, "outsider": outsider, "banned": banned}
    assert get(users[caller], paper).status_code == 404


@pytest.mark.parametrize("caller", ["member", "owner", "moderator"])
def test_members_see_their_groups_map(caller, world, member, owner, moderator):
    users = {"member": member, "owner": owner, "moderator": moderator}
    response = get(users[caller], world["paper"])
    assert response.status_code == 200
    page = tree(response)
    assert page.xpath("string(//h1)").strip().endswith(world["paper"].title)
    links = {
        a.text_content().strip(): a.get("href") for a in klass(page, "map-tools")[0].xpath(".//a")
    }
    assert links == {
        "Read the paper": f"/papers/{world['paper'].pk}/",
        "Agreement": f"/papers/{world['paper'].pk}/agreement/",
    }
    assert by_id(page, "map-download")  # shown by the script
    assert page.xpath('//script[@type="module"][contains(@src, "insights/map.js")]')
    assert page.xpath('//link[contains(@href, "css/insights/map.css")]')


def test_the_breadcrumb_leads_to_the_group(world, member):
    page = tree(get(member, world["paper"]))
    crumb = klass(page, "breadcrumb")[0].xpath(".//a")[0]
    assert crumb.get("href") == f"/groups/{world['paper'].group.slug}/"
    assert crumb.text_content() == world["paper"].group.name


def test_only_get(world, member):
    assert page_client(member).post(url(world["paper"])).status_code == 405


@pytest.mark.parametrize("status", [Paper.Status.IMPORTING, Paper.Status.FAILED])
def test_a_paper_not_ready_says_so(status, group, owner):
    paper = make_paper(group, user=owner, title="Still coming", status=status)
    response = get(owner, paper)
    assert response.status_code == 200
    page = tree(response)
    assert "Not ready yet." in klass(page, "status-box")[0].text_content()
    assert not by_id(page, "argument-data") + by_id(page, "map-svg") + klass(page, "map-list")


def test_a_paper_without_annotations_says_there_is_nothing_to_map(paper, member):
    page = tree(get(member, paper))
    assert "Nothing to map yet" in klass(page, "map-summary")[0].text_content()
    assert not by_id(page, "argument-data") + by_id(page, "map-svg")


# The outline (the page without JavaScript)


def test_the_outline_nests_what_links_to_each_claim(world, member):
    a = world["annotations"]
    response = get(member, world["paper"])
    page = tree(response)
    claim = page.get_element_by_id(f"outline-{a['olive_p0'].pk}")
    top = klass(page, "map-tree-top")[0]
    assert top.index(claim) == 0  # the one linked claim, at the top
    children = claim.xpath("./ul/li")
    relations = [klass(li, "map-rel")[0].text for li in children]
    assert relations == ["supports", "attacks"]
    texts = [klass(li, "map-card-meta")[0].text_content() for li in children]
    assert texts[0].startswith("amina") and texts[1].startswith("ravi")
    card = claim.xpath("./a[@class='map-card role-claim']")[0]
    anchor = world["p0"].anchor
    assert card.get("href") == f"/papers/{world['paper'].pk}/?panel=1#{anchor}"
    assert "1 comment" in card.text_content()
    # Attacked but not supported? No: amina's evidence supports it, so no badge.
    assert not klass(card, "map-badge")


def test_the_lanes_hold_what_is_linked_to_nothing(world, member):
    a = world["annotations"]
    page = tree(get(member, world["paper"]))
    unsupported = page.xpath('//section[@aria-labelledby="map-lane-unsupported"]//a')
    unlinked = page.xpath('//section[@aria-labelledby="map-lane-unlinked"]//a')
    # Claims linked to nothing: amina's and ravi's on p0, olive's on p1.
    assert len(unsupported) == 3
    assert all(klass(card, "map-badge") for card in unsupported)
    assert {klass(c, "map-card-role")[0].text for c in unsupported} == {"Claim"}
    # The rest: the two theories on the abstract and amina's passage, quoted.
    assert len(unlinked) == 3
    roles = sorted(klass(c, "map-card-role")[0].text for c in unlinked)
    assert roles == ["Evidence", "Theory", "Theory"]
    quoted = [c for c in unlinked if klass(c, "map-card-role")[0].text == "Evidence"][0]
    assert f"“{a['amina_passage'].exact}”" in quoted.text_content()


def test_the_summary_counts_claims_links_unsupported_and_unlinked(world, member):
    page = tree(get(member, world["paper"]))
    summary = " ".join(by_id(page, "map-summary")[0].text_content().split())
    assert summary == ("4 claims · 2 links · 3 unsupported claims · 6 not linked to anything")


def test_a_claim_only_attacked_is_marked_unsupported(world, member):
    a = world["annotations"]
    Link.objects.filter(relation="supports").delete()
    response = get(member, world["paper"])
    nodes = {n["id"]: n for n in data(response)["nodes"]}
    assert nodes[a["olive_p0"].pk]["unsupported"] is True
    claim = tree(response).get_element_by_id(f"outline-{a['olive_p0'].pk}")
    assert claim.xpath("./a/span[@class='map-badge']")


def test_the_outline_survives_a_cycle_and_lists_each_linked_annotation(world, member, owner):
    from annotations.services import link_create

    a = world["annotations"]
    # olive's claim on p0 now supports amina's evidence on p1, which supports it: a cycle
    # that no root leads into once ravi's attack is gone.
    Link.objects.filter(relation="attacks").delete()
    link_create(user=owner, source=a["olive_p0"], target=a["amina_p1"], relation="supports")
    top = klass(tree(get(member, world["paper"])), "map-tree-top")[0]
    # The claim first (claims first), amina's evidence under it with its own supporter: the
    # claim again, as a line that refers back up instead of going round once more.
    expanded = [li.get("id") for li in top.xpath(".//li[@id]")]
    assert expanded == [f"outline-{a['olive_p0'].pk}", f"outline-{a['amina_p1'].pk}"]
    assert len(klass(top, "map-card")) == 3
    see = klass(top, "map-see")
    assert [link.get("href") for link in see] == [f"#outline-{a['olive_p0'].pk}"]


def test_outline_rules_on_plain_data():
    """Claims first, relations in order, repeats and cycles listed once, depth cut and
    continued, lanes."""
    roles = {"c": "claim", "e": "evidence", "t": "theory"}
    nodes = [{"id": i, "role": roles[r]} for i, r in enumerate("eccetttc", start=1)]
    edges = [
        {"source": 1, "target": 2, "relation": "attacks"},
        {"source": 4, "target": 2, "relation": "supports"},
        {"source": 1, "target": 3, "relation": "supports"},
        {"source": 5, "target": 6, "relation": "supports"},
        {"source": 6, "target": 5, "relation": "supports"},  # a cycle without a root
        {"source": 2, "target": 7, "relation": "cites"},
    ]
    plan = outline(nodes, edges)
    roots = [(item["node"], [c["node"] for c in item["children"]]) for item in plan["roots"]]
    # 2 and 3 are claims and support or attack nothing; 7 is a theory that only is cited.
    assert roots == [(2, [4, 1]), (3, [1]), (7, [2]), (5, [6])]
    by_root = {item["node"]: item for item in plan["roots"]}
    assert by_root[7]["children"][0]["repeat"] is True  # 2's supporters are listed above
    assert by_root[5]["children"][0]["children"][0]["repeat"] is True  # back to 5
    assert plan["unsupported"] == [8] and plan["unlinked"] == []
    chain = [{"id": i, "role": "claim"} for i in range(10)]
    links = [{"source": i + 1, "target": i, "relation": "attacks"} for i in range(9)]
    deep = outline(chain, links, max_depth=3)
    first = deep["roots"][0]
    assert first["node"] == 0
    assert first["children"][0]["children"][0]["children"][0]["cut"] is True  # node 3
    assert [item["node"] for item in deep["roots"]] == [0, 3, 6]


def test_every_piece_of_text_is_escaped(paper, owner):
    evil = make_user("<b>mallory</b>")
    join(paper.group, evil, Membership.Role.MEMBER)
    p = body(paper, 0)
    tag(evil, p, "claim", quote={"exact": p.text.split()[0]})
    Paper.objects.filter(pk=paper.pk).update(title='<script>alert("t")</script>')
    paper.refresh_from_db()
    content = get(owner, paper).content.decode()
    assert "<b>mallory</b>" not in content and "&lt;b&gt;mallory&lt;/b&gt;" in content
    assert '<script>alert("t")</script>' not in content


# What the script gets


def test_the_map_data_has_nodes_edges_and_roles(world, member):
    a = world["annotations"]
    payload = data(get(member, world["paper"]))
    assert set(payload) == {"paper", "roles", "nodes", "lanes", "edges"}
    assert payload["lanes"] == {"unsupported": 3, "unlinked": 3}
    assert payload["paper"] == {"id": world["paper"].pk, "title": world["paper"].title}
    assert [r["slug"] for r in payload["roles"]] == ["claim", "evidence", "theory"]
    assert payload["roles"][0] == {"slug": "claim", "name": "Claim", "color": "#0b5cad"}
    nodes = {n["id"]: n for n in payload["nodes"]}
    assert len(nodes) == 9
    claim = nodes[a["olive_p0"].pk]
    anchor = world["p0"].anchor
    assert claim == {
        "id": a["olive_p0"].pk,
        "role": "claim",
        "paragraph": world["p0"].pk,
        "label": claim["label"],
        "passage": False,
        "author": "olive",
        "comments": 1,
        "anchor": anchor,
        "number": world["p0"].position,
        "url": f"/papers/{world['paper'].pk}/?panel=1#{anchor}",
        "unsupported": False,
    }
    assert world["p0"].text.startswith(claim["label"].rstrip("…"))
    assert nodes[a["amina_passage"].pk]["label"] == a["amina_passage"].exact
    edges = {(e["source"], e["relation"], e["target"]) for e in payload["edges"]}
    assert edges == {
        (a["amina_p1"].pk, "supports", a["olive_p0"].pk),
        (a["ravi_p1"].pk, "attacks", a["olive_p0"].pk),
    }


def test_the_map_data_holds_only_the_first_few_of_a_long_lane(world, member, monkeypatch):
    from annotations.insights import outline as module

    a = world["annotations"]
    monkeypatch.setattr(module, "MAP_LANE_LIMIT", 1)
    payload = data(get(member, world["paper"]))
    ids = [n["id"] for n in payload["nodes"]]
    linked = [a["olive_p0"].pk, a["amina_p1"].pk, a["ravi_p1"].pk]
    # The linked three, amina's claim on p0 (the first unsupported one in paper order) and the
    # theory on the abstract (the first unlinked one); the lanes' sizes for "and N more".
    assert set(ids) == {*linked, a["amina_p0"].pk, a["olive_abs"].pk}
    assert payload["lanes"] == {"unsupported": 3, "unlinked": 3}


# What it leaves out


def test_a_blind_member_does_not_see_others_on_paragraphs_they_have_not_tagged(
    world, member, owner
):
    a = world["annotations"]
    untouched = body(world["paper"], 2)
    olive_p2 = tag(owner, untouched, "claim")
    Membership.objects.filter(user=member, group=world["paper"].group).update(blind=True)
    response = get(member, world["paper"])
    ids = {n["id"] for n in data(response)["nodes"]}
    assert olive_p2.pk not in ids
    assert a["olive_p0"].pk in ids  # amina tagged p0 herself
    assert f"#{untouched.anchor}" not in response.content.decode()
    # Not blind, she sees it.
    Membership.objects.filter(user=member, group=world["paper"].group).update(blind=False)
    assert olive_p2.pk in {n["id"] for n in data(get(member, world["paper"]))["nodes"]}


def test_a_hidden_annotation_is_not_on_a_plain_members_map(world, member, moderator):
    a = world["annotations"]
    moderate(actor=moderator, target=a["ravi_p1"], action="hide", reason="off topic")
    assert Annotation.objects.get(pk=a["ravi_p1"].pk).status == "hidden"
    response = get(member, world["paper"])
    payload = data(response)
    assert a["ravi_p1"].pk not in {n["id"] for n in payload["nodes"]}
    assert [e["relation"] for e in payload["edges"]] == ["supports"]
    assert "attacks" not in tree(response).xpath("string(//ul[@class='map-tree map-tree-top'])")
    # The moderator still sees it.
    moderated = data(get(moderator, world["paper"]))
    assert a["ravi_p1"].pk in {n["id"] for n in moderated["nodes"]}


# Queries


def grow(paper, users, n: int) -> None:
    """`n` more annotations, each linked to the one before (bulk: only the count matters)."""
    from annotations.services import roles_for_group

    roles = list(roles_for_group(paper.group))
    paragraphs = list(paper.paragraphs.all())
    made = Annotation.objects.bulk_create(
        [
            Annotation(
                paper=paper,
                paragraph=paragraphs[i % len(paragraphs)],
                role=roles[i % len(roles)],
                author=users[i % len(users)],
            )
            for i in range(n)
        ]
    )
    Link.objects.bulk_create(
        [
            Link(paper=paper, source=made[i], target=made[i - 1], relation="supports")
            for i in range(1, n, 2)
        ]
    )


def test_the_query_count_does_not_grow_with_the_paper(
    world, member, owner, django_assert_max_num_queries
):
    client = page_client(member)
    client.get(url(world["paper"]))  # the session, the roles made once
    with django_assert_max_num_queries(12) as small:
        assert client.get(url(world["paper"])).status_code == 200
    grow(world["paper"], [owner, member], 200)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url(world["paper"]))
    assert len(data(response)["nodes"]) == 209

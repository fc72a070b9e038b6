"""The jsonld export against the W3C Web Annotation Data Model.

WEB_ANNOTATION below is a JSON Schema (draft 2020-12) written here from the W3C
Recommendation (https://www.w3.org/TR/annotation-model/, sections cited) and checked against
the definitions of the W3C's own test suite (w3c/web-annotation-tests, `definitions/`:
annotations.json, bodyTarget.json, specificResource.json, collections.json, id.json): the same
required keys, motivation and purpose lists, selector shapes, format pattern and collection and
page keys. Those files are not copied into this repository (docs/exports.md says why); what they
require of our output is required here, a little more strictly (no unknown keys but the
`marginalia:` ones, one refinedBy, integer offsets).

Beyond shape, the tests check meaning: every selector finds the passage in the paragraph, replies
and links point at items of the same collection, held items are marked for moderators only.
"""

import json

import pytest
from jsonschema import Draft202012Validator

from annotations.exports import get_format
from annotations.exports.jsonld import ANNO_CONTEXT, VOCAB
from papers.models import Membership
from tests.annotations import export_scene
from tests.annotations.conftest import make_annotation

IRI = {"type": "string", "pattern": r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s]+$"}
DATE_TIME = {
    "type": "string",
    "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$",
}
# 3.3.5 Motivation and Purpose.
MOTIVATIONS = ["assessing", "bookmarking", "classifying", "commenting", "describing", "editing",
               "highlighting", "identifying", "linking", "moderating", "questioning", "replying",
               "tagging"]  # fmt: skip
# Marginalia's own keys: text, but `marginalia:independent`, only ever said as true.
OURS = {
    "^marginalia:(?!independent$)": {"type": "string"},
    "^marginalia:independent$": {"const": True},
}

WEB_ANNOTATION = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$defs": {
        # 4.2.1, 4.2.4, 4.2.5 and 4.2.9 (refinedBy: one selector).
        "fragment": {
            "type": "object",
            "required": ["type", "value"],
            "properties": {
                "type": {"const": "FragmentSelector"},
                "value": {"type": "string"},
                "conformsTo": IRI,
                "refinedBy": {"$ref": "#/$defs/selector"},
            },  # fmt: skip
            "additionalProperties": False,
        },
        "quote": {
            "type": "object",
            "required": ["type", "exact"],
            "properties": {
                "type": {"const": "TextQuoteSelector"},
                "exact": {"type": "string"},
                "prefix": {"type": "string"},
                "suffix": {"type": "string"},
            },  # fmt: skip
            "additionalProperties": False,
        },
        "position": {
            "type": "object",
            "required": ["type", "start", "end"],
            "properties": {
                "type": {"const": "TextPositionSelector"},
                "start": {"type": "integer", "minimum": 0},
                "end": {"type": "integer", "minimum": 0},
            },  # fmt: skip
            "additionalProperties": False,
        },
        "selector": {
            "oneOf": [
                {"$ref": "#/$defs/fragment"},
                {"$ref": "#/$defs/quote"},
                {"$ref": "#/$defs/position"},
            ]
        },  # fmt: skip
        # 4 Specific Resources: a source and at least a selector.
        "specific": {
            "type": "object",
            "required": ["source", "selector"],
            "properties": {
                "source": IRI,
                "selector": {
                    "oneOf": [
                        {"$ref": "#/$defs/selector"},
                        {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/selector"}},
                    ]
                },  # fmt: skip
            },
            "additionalProperties": False,
        },
        # 3.2.4 Embedded Textual Body; 3.2.1 format (a media type).
        "textual": {
            "type": "object",
            "required": ["type", "value"],
            "properties": {
                "type": {"const": "TextualBody"},
                "value": {"type": "string"},
                "purpose": {"enum": MOTIVATIONS},
                "format": {"type": "string", "pattern": "^(application|text)/"},
            },  # fmt: skip
            "additionalProperties": False,
        },
        "body": {"oneOf": [IRI, {"$ref": "#/$defs/textual"}]},
        "target": {"oneOf": [IRI, {"$ref": "#/$defs/specific"}]},
        # 3.3.2 Agents.
        "agent": {
            "type": "object",
            "required": ["type", "name"],
            "properties": {
                "type": {"const": "Person"},
                "name": {"type": "string"},
                "nickname": {"type": "string"},
            },  # fmt: skip
            "additionalProperties": False,
        },
        # 3.1 Annotations (with @context inherited from the collection, 5).
        "annotation": {
            "type": "object",
            "required": ["id", "type", "target"],
            "properties": {
                "id": IRI,
                "type": {"const": "Annotation"},
                "motivation": {"enum": MOTIVATIONS},
                "body": {
                    "oneOf": [
                        {"$ref": "#/$defs/body"},
                        {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/body"}},
                    ]
                },  # fmt: skip
                "target": {"$ref": "#/$defs/target"},
                "creator": {"$ref": "#/$defs/agent"},
                "created": DATE_TIME,
                "modified": DATE_TIME,
            },
            "patternProperties": OURS,
            "additionalProperties": False,
        },
    },
    # 5.1 Annotation Collection, 5.2 Annotation Page.
    "type": "object",
    "required": ["@context", "id", "type", "label", "total", "first"],
    "properties": {
        "@context": {
            "type": "array",
            "prefixItems": [{"const": ANNO_CONTEXT}],
            "items": {"type": "object"},
        },  # fmt: skip
        "id": IRI,
        "type": {"const": "AnnotationCollection"},
        "label": {"type": "string"},
        "total": {"type": "integer", "minimum": 0},
        "first": {
            "type": "object",
            "required": ["id", "type", "partOf", "items"],
            "properties": {
                "id": IRI,
                "type": {"const": "AnnotationPage"},
                "partOf": IRI,
                "startIndex": {"const": 0},
                "items": {"type": "array", "items": {"$ref": "#/$defs/annotation"}},
            },
            "additionalProperties": False,
        },
    },
    "additionalProperties": False,
}


@pytest.fixture
def scene(paper, owner, moderator, member):
    return export_scene.build(paper, owner=owner, moderator=moderator, member=member)


def collection(target, user, *, group=False) -> dict:
    fmt = get_format("jsonld")
    data = json.loads("".join((fmt.group if group else fmt.paper)(target, user=user)))
    Draft202012Validator(WEB_ANNOTATION).validate(data)
    assert data["total"] == len(data["first"]["items"])
    assert data["first"]["partOf"] == data["id"]
    assert data["@context"][1] == {"marginalia": VOCAB}
    return data


def by_iri(data) -> dict:
    return {item["id"]: item for item in data["first"]["items"]}


def test_the_schema_here_is_valid_and_refuses_what_the_model_refuses():
    Draft202012Validator.check_schema(WEB_ANNOTATION)
    validator = Draft202012Validator(WEB_ANNOTATION["$defs"]["annotation"] | {
        "$defs": WEB_ANNOTATION["$defs"]})  # fmt: skip
    good = {"id": "http://x/a/1", "type": "Annotation", "motivation": "commenting",
            "target": "http://x/p"}  # fmt: skip
    assert validator.is_valid(good)
    assert not validator.is_valid(good | {"motivation": "arguing"})
    assert not validator.is_valid(good | {"status": "hidden"})  # an unprefixed custom key
    assert validator.is_valid(good | {"marginalia:independent": True})
    assert not validator.is_valid(good | {"marginalia:independent": False})  # said only when true
    assert not validator.is_valid(good | {"marginalia:status": True})
    assert not validator.is_valid(good | {"target": {"source": "http://x/p", "selector": {
        "type": "TextPositionSelector", "start": "3", "end": 5}}})  # fmt: skip


@pytest.mark.parametrize("who", ["nobody", "member", "moderator"])
def test_every_item_is_a_valid_web_annotation(scene, who, member, moderator):
    user = {"nobody": None, "member": member, "moderator": moderator}[who]
    collection(scene["paper"], user)
    collection(scene["paper"].group, user, group=True)


def test_annotations_classify_with_the_role_and_select_the_passage(scene, member):
    items = by_iri(collection(scene["paper"], member))
    party = items[f"http://localhost:8000/api/v1/annotations/{scene['party'].pk}/"]
    assert party["motivation"] == "classifying"
    assert party["body"][0] == {"type": "TextualBody", "purpose": "classifying", "value": "theory"}
    assert party["body"][1]["purpose"] == "commenting"
    assert party["body"][1]["format"] == "text/markdown"
    assert party["creator"]["name"] == "amina"
    target = party["target"]
    assert target["source"] == "http://localhost:8000" + scene["paper"].get_absolute_url()
    by_position, by_quote, plain = target["selector"]
    text = scene["emoji"].text
    assert by_position["value"] == scene["emoji"].anchor
    span = by_position["refinedBy"]
    assert text[span["start"] : span["end"]] == "🎉 party"  # code points, emoji and all
    quote = by_quote["refinedBy"]
    assert quote["prefix"] + quote["exact"] + quote["suffix"] in text
    assert plain == quote
    whole = items[f"http://localhost:8000/api/v1/annotations/{scene['whole'].pk}/"]
    assert whole["target"]["selector"] == {
        "type": "FragmentSelector",
        "value": scene["second"].anchor,
        "conformsTo": "http://tools.ietf.org/rfc/rfc3986",
    }


def test_comments_comment_or_reply_and_links_link(scene, member):
    items = by_iri(collection(scene["paper"], member))
    site = "http://localhost:8000/api/v1"
    top = items[f"{site}/comments/{scene['top'].pk}/"]
    assert top["motivation"] == "commenting" and top["body"]["value"] == "-minus first, then text"
    assert top["target"]["selector"]["value"] == scene["first"].anchor
    reply = items[f"{site}/comments/{scene['reply'].pk}/"]
    assert reply["motivation"] == "replying" and reply["target"] == top["id"]
    on_claim = items[f"{site}/comments/{scene['on_annotation'].pk}/"]
    assert on_claim["target"] == f"{site}/annotations/{scene['claim'].pk}/"
    assert on_claim["target"] in items
    gone = items[f"{site}/comments/{scene['gone'].pk}/"]
    assert "body" not in gone and gone["marginalia:status"] == "deleted"
    supports = items[f"{site}/links/{scene['links']['supports'].pk}/"]
    assert supports["motivation"] == "linking" and supports["marginalia:relation"] == "supports"
    assert supports["target"] == f"{site}/annotations/{scene['party'].pk}/"
    assert supports["body"] == f"{site}/annotations/{scene['claim'].pk}/"
    for item in items.values():  # every reply and link points inside the collection
        if item["motivation"] in ("replying", "linking"):
            assert item["target"] in items
            assert item["motivation"] != "linking" or item["body"] in items


def test_independent_readings_are_marked_true_and_the_others_not_at_all(scene, group, moderator):
    Membership.objects.filter(user=moderator, group=group).update(blind=True)
    blind = make_annotation(moderator, scene["second"], "theory", note="read blind")
    assert blind.independent
    for user in (None, moderator):
        items = by_iri(collection(scene["paper"], user))
        marked = {iri for iri, item in items.items() if "marginalia:independent" in item}
        assert marked == {f"http://localhost:8000/api/v1/annotations/{blind.pk}/"}
        assert items[next(iter(marked))]["marginalia:independent"] is True


def test_held_items_are_marked_for_moderators_and_absent_for_others(scene, moderator, group):
    from tests.conftest import join, make_user

    other = make_user("bo")
    join(group, other)
    marked = {i["id"]: i.get("marginalia:status") for i in
              collection(scene["paper"], moderator)["first"]["items"]}  # fmt: skip
    assert marked[f"http://localhost:8000/api/v1/annotations/{scene['hidden'].pk}/"] == "hidden"
    assert marked[f"http://localhost:8000/api/v1/annotations/{scene['pending'].pk}/"] == "pending"
    body = "".join(get_format("jsonld").paper(scene["paper"], user=other))
    assert "SECRET" not in body and 'marginalia:status": "hidden' not in body

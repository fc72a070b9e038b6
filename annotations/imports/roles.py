"""The roles an import needs in the target group: matched by slug, created when missing.

A role the group has keeps its own name, colour and key (the vocabulary is its owners'). A
missing one is created with the file's name, colour, key and description, added after the
group's roles; when its key is taken by an active role, the first free one of: the first
letters of its name and slug, a–z, 0–9 (a key is a convenience, never a reason to refuse).
"""

import re
import string

from annotations.models import Role
from annotations.services import roles_for_group
from papers.models import ReadingGroup

from .checks import at, obj, refuse, text

SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,40}$")
COLOR = re.compile(r"^#[0-9a-f]{6}$")
DEFAULT_COLOR = "#555555"  # a neutral grey with 7.0:1 contrast on the page


def role_slug(row: dict, key: str, path: str) -> str:
    value = text(row, key, path, blank=False)
    if not SLUG.match(value):
        refuse(at(path, key), f"{value!r} is not a role slug (letters, digits, - and _)")
    return value


def check_roles(rows: list, path: str) -> dict[str, dict]:
    """The file's role vocabulary: {slug: {name, color, key, description, retired}}."""
    roles: dict[str, dict] = {}
    for index, row in enumerate(rows):
        where = at(path, index)
        row = obj(row, where)
        slug = role_slug(row, "slug", where)
        if slug in roles:
            refuse(at(where, "slug"), f"the role {slug!r} appears twice")
        color = (text(row, "color", where, default="") or "").strip().lower()
        roles[slug] = {
            "name": " ".join((text(row, "name", where, default=slug) or slug).split())[:60] or slug,
            "color": color if COLOR.match(color) else DEFAULT_COLOR,
            "key": (text(row, "key", where, default="") or "").strip()[:1],
            "description": (text(row, "description", where, default="") or "").strip(),
            "retired": row.get("retired") is True,
        }
    return roles


def _free_key(spec: dict, slug: str, taken: set[str]) -> str:
    for key in [
        spec.get("key", ""),
        *spec["name"].lower(),
        *slug.lower(),
        *string.ascii_lowercase,
        *string.digits,
    ]:
        if key and key.strip() and key not in taken:
            return key
    code = 0x2460  # ①, ②, …: a group with more than 36 roles still gets a key
    while chr(code) in taken:
        code += 1
    return chr(code)


def roles_for_import(
    group: ReadingGroup, slugs: list[str], specs: dict[str, dict]
) -> tuple[dict[str, Role], list[str]]:
    """{slug: Role} for `slugs` (in order) in `group`, and the slugs of the roles created."""
    existing = {role.slug: role for role in roles_for_group(group)}
    taken = {role.key for role in existing.values() if not role.retired}
    position = max((role.position for role in existing.values()), default=0)
    new = []
    for slug in slugs:
        if slug in existing:
            continue
        spec = specs.get(slug) or {
            "name": slug.replace("-", " ").replace("_", " ").capitalize(),
            "color": DEFAULT_COLOR,
            "key": "",
            "description": "",
            "retired": False,
        }
        key = spec["key"] if spec["retired"] and spec["key"] else _free_key(spec, slug, taken)
        if not spec["retired"]:
            taken.add(key)
        position += 1
        role = Role(
            group=group,
            slug=slug,
            name=spec["name"],
            color=spec["color"],
            key=key,
            description=spec["description"],
            retired=spec["retired"],
            position=position,
        )
        new.append(role)
        existing[slug] = role
    Role.objects.bulk_create(new)
    return {slug: existing[slug] for slug in slugs}, [role.slug for role in new]

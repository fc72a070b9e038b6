"""`{% role_colors roles %}`: a <style> block giving each role its colour as `--role`
(`.role-claim{--role:#0b5cad}`), for pages that show roles outside the workspace. Colours are
chosen by a group's owners, so they cannot sit in a static stylesheet, and the site's
Content-Security-Policy refuses `style=""` attributes: the block carries the request's nonce
(papers/web/csp.py says why)."""

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


def _field(item, name: str):
    return item[name] if isinstance(item, dict) else getattr(item, name)


@register.simple_tag(takes_context=True)
def role_colors(context, items, within: str = ""):
    """`items`: anything with `slug` and `color` (objects or dicts); with `within`, items each
    holding such a list under that key (`{% role_colors disagreements within="readings" %}`).
    Each role once. Slugs (`[-a-z0-9_]`) and colours (`#rrggbb`) are validated by the model;
    escaped all the same."""
    roles = [role for item in items for role in _field(item, within)] if within else items
    colors = {_field(role, "slug"): _field(role, "color") for role in roles}
    if not colors:
        return ""
    rules = format_html_join("", ".role-{}{{--role:{}}}", colors.items())
    nonce = context.get("csp_nonce")  # None on Django 5.2, which sends no policy
    if nonce is None:
        return format_html("<style>{}</style>", rules)
    return format_html('<style nonce="{}">{}</style>', nonce, rules)

"""The pages that relax the site's Content-Security-Policy (settings.MARGINALIA_CSP) for
themselves, and how.

The site's own pages need no exception: no inline script, and styles only from its files or from
<style> blocks carrying the request's nonce (a group's role colours, which owners choose, so they
cannot sit in a static file). `style=""` attributes are refused, as CSS written into a page is one
way an injection reads it. Two pages come from libraries and cannot live with that:

- Swagger UI (/api/docs/, drf-spectacular's sidecar): an inline <style> in its template and
  `data:` images (icons) in its stylesheet. Its script is served as a file (drf-spectacular's
  split view), so scripts stay `'self'` there too.
- DRF's browsable API (an /api/ URL opened in a browser): `style=""` attributes and an inline
  <style> in DRF's templates.

Both get `style-src 'self' 'unsafe-inline'` (a nonce next to it would make browsers ignore
'unsafe-inline') and `img-src 'self' data:`; everything else, scripts included, stays as the
site's. In report-only mode
(MARGINALIA_CSP_REPORT_ONLY) the relaxed policy is reported only, too.
"""

from django.conf import settings
from rest_framework import renderers

try:
    from django.views.decorators.csp import csp_override, csp_report_only_override
except ImportError:  # Django 5.2: no CSP support, so nothing to relax

    def csp_override(config):
        return lambda view: view

    csp_report_only_override = csp_override


def relaxed_styles_policy() -> dict:
    """The site's policy with inline styles allowed (and no nonce, which would cancel that),
    and the `data:` images of Swagger UI's stylesheet (its icons)."""
    return {
        **settings.MARGINALIA_CSP,
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
    }


def _attribute() -> str:
    # The attribute Django's CSP middleware reads on a response (django.views.decorators.csp):
    # the enforced header's, or the report-only one's when that is the one the site sends.
    return "_csp_config" if settings.SECURE_CSP else "_csp_ro_config"


def relaxed_styles(view):
    """A view decorator: its pages get `relaxed_styles_policy()`."""
    if not settings.MARGINALIA_CSP:
        return view
    if settings.SECURE_CSP:
        return csp_override(relaxed_styles_policy())(view)
    return csp_report_only_override(relaxed_styles_policy())(view)


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """DRF's browsable API, with the relaxed policy on the pages it renders."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None and settings.MARGINALIA_CSP:
            setattr(response, _attribute(), relaxed_styles_policy())
        return super().render(data, accepted_media_type, renderer_context)

"""The Content-Security-Policy header: the site's policy on its pages, with the role colours'
<style> carrying the request's nonce; Swagger UI and the browsable API relaxed for styles only;
report-only from the environment; no inline script or style attribute left in the templates."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from papers.web.csp import relaxed_styles_policy

pytestmark = pytest.mark.skipif(
    not __import__("django").VERSION >= (6, 0), reason="Django 5.2 sends no policy"
)

ROOT = Path(__file__).resolve().parents[3]
HEADER = "Content-Security-Policy"


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def test_a_page_gets_the_site_policy(db, client):
    response = client.get("/")
    policy = directives(response[HEADER])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["style-src"][0] == "'self'"
    assert "'unsafe-inline'" not in response[HEADER]
    assert "Content-Security-Policy-Report-Only" not in response


def test_the_workspace_style_carries_the_headers_nonce(member_client, paper):
    response = member_client.get(f"/papers/{paper.pk}/")
    nonce = re.search(r"'nonce-([^']+)'", response[HEADER]).group(1)
    styles = re.findall(r"<style([^>]*)>", response.content.decode())
    assert styles == [f' nonce="{nonce}"']
    # A new nonce per response.
    again = member_client.get(f"/papers/{paper.pk}/")
    assert nonce not in again[HEADER]


def test_the_api_docs_relax_styles_only(db, client):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    policy = directives(page[HEADER])
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    # Its script is a file of the same origin, not inline.
    assert re.findall(r"<script(?![^>]*\bsrc=)", page.content.decode()) == []
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


def test_the_browsable_api_relaxes_styles_and_json_does_not(db, client):
    html = client.get("/api/v1/groups/?public=1", HTTP_ACCEPT="text/html")
    assert html["Content-Type"].startswith("text/html")
    assert directives(html[HEADER])["style-src"] == ["'self'", "'unsafe-inline'"]
    data = client.get("/api/v1/groups/?public=1")
    assert data["Content-Type"] == "application/json"
    assert "'unsafe-inline'" not in data[HEADER]


def test_in_report_only_mode_the_relaxed_policy_is_reported_only(db, client, settings):
    settings.SECURE_CSP_REPORT_ONLY, settings.SECURE_CSP = settings.SECURE_CSP, {}
    html = client.get("/api/v1/groups/?public=1", HTTP_ACCEPT="text/html")
    assert HEADER not in html
    assert html["Content-Security-Policy-Report-Only"]
    reported = directives(html["Content-Security-Policy-Report-Only"])
    assert reported["style-src"] == relaxed_styles_policy()["style-src"]


def _settings_with(**env) -> dict:
    code = (
        "import json, config.settings as s; "
        "print(json.dumps([s.SECURE_CSP, s.SECURE_CSP_REPORT_ONLY], default=str))"
    )
    environment = {**os.environ, "DJANGO_DEBUG": "1", **env}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_report_only_is_switched_on_from_the_environment():
    enforced, reported = _settings_with(MARGINALIA_CSP_REPORT_ONLY="0")
    assert enforced and not reported
    enforced, reported = _settings_with(
        MARGINALIA_CSP_REPORT_ONLY="1", MARGINALIA_CSP_REPORT_URI="/csp-reports/"
    )
    assert not enforced
    assert reported["report-uri"] == ["/csp-reports/"]
    assert reported["script-src"] == ["'self'"]


@pytest.mark.parametrize(
    "template", sorted(str(p.relative_to(ROOT)) for p in (ROOT / "templates").rglob("*.html"))
)
def test_no_template_has_inline_script_or_style_attribute(template):
    text = (ROOT / template).read_text(encoding="utf-8")
    assert not re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script>"
    assert not re.findall(r"\sstyle=[\"']", text), 'style="" attribute'
    assert not re.findall(r"\son[a-z]+=[\"']", text), "inline event handler"
    for tag in re.findall(r"<style[^>]*>", text):
        assert 'nonce="{{ csp_nonce }}"' in tag, "<style> without the nonce"

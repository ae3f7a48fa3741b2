"""Content-Security-Policy and Permissions-Policy: every page gets them, production included; no
template carries an inline script, event handler or style the policy would block."""

import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from campaigns.services import campaign_demo_create

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def _directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part}


def test_pages_send_a_csp_without_inline_scripts_or_styles_and_a_permissions_policy(client, db):
    response = client.get("/")

    csp = _directives(response["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    policy = response["Permissions-Policy"]
    assert "camera=()" in policy
    assert "microphone=()" in policy
    assert "geolocation=()" in policy
    assert "clipboard-write=(self)" in policy


def test_the_widget_keeps_its_own_frame_ancestors_rule(client, db):
    campaign = campaign_demo_create(chapter=None)

    response = client.get(f"/campaigns/{campaign.slug}/widget/")

    csp = _directives(response["Content-Security-Policy"])
    assert csp["frame-ancestors"] == ["*"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert "X-Frame-Options" not in response


def test_the_sites_policy_is_built_once_not_per_response(client, db, monkeypatch):
    """django-csp builds the header from the settings on every response; ours reuses it."""
    from csp import middleware as library
    from csp.utils import build_policy

    from advocacy import csp as ours

    ours.site_policy.cache_clear()
    client.get("/")  # the first response builds it
    built = []
    monkeypatch.setattr(library, "build_policy", lambda **kw: built.append(kw) or build_policy(**kw))
    monkeypatch.setattr(ours, "build_policy", lambda **kw: built.append(kw) or build_policy(**kw))

    responses = [client.get("/"), client.get("/api/v1/campaigns/"), client.get("/healthz")]

    assert built == []
    assert {r["Content-Security-Policy"] for r in responses} == {build_policy()}


def test_a_changed_policy_setting_is_sent_at_once(client, db, settings):
    client.get("/")
    policy = {"DIRECTIVES": {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"], "img-src": ["'self'"]}}

    settings.CONTENT_SECURITY_POLICY = policy
    changed = client.get("/")
    settings.CONTENT_SECURITY_POLICY = {**policy, "EXCLUDE_URL_PREFIXES": ["/healthz"]}
    excluded = client.get("/healthz")
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    report_only = client.get("/")

    assert _directives(changed["Content-Security-Policy"])["img-src"] == ["'self'"]
    assert "Content-Security-Policy" not in excluded
    assert _directives(report_only["Content-Security-Policy-Report-Only"]) == {"default-src": ["'none'"]}


def test_a_page_that_uses_a_nonce_gets_it_in_its_policy(rf, settings):
    from csp.constants import NONCE
    from django.http import HttpResponse

    from advocacy.csp import CSPMiddleware

    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {**directives, "script-src": [*directives["script-src"], NONCE]}}

    def view(request):
        return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")

    request = rf.get("/")
    middleware = CSPMiddleware(view)
    middleware.process_request(request)
    response = middleware.process_response(request, view(request))

    assert f"'nonce-{request._csp_nonce}'" in _directives(response["Content-Security-Policy"])["script-src"]


def test_production_settings_send_the_same_headers():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "advocacy.settings.production",
        "DJANGO_SECRET_KEY": "x" * 60,
        "DJANGO_ALLOWED_HOSTS": "calls.example.org",
        "DATABASE_URL": "postgres://u@127.0.0.1:5432/unused",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    }
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print('advocacy.csp.CSPMiddleware' in s.MIDDLEWARE, "
        "'django_permissions_policy.PermissionsPolicyMiddleware' in s.MIDDLEWARE, "
        "s.CONTENT_SECURITY_POLICY['DIRECTIVES']['script-src'], "
        "s.CONTENT_SECURITY_POLICY['DIRECTIVES']['style-src'], bool(s.PERMISSIONS_POLICY))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "True True [\"'self'\"] [\"'self'\"] True"


def test_no_template_has_an_inline_script_or_event_handler():
    """Emails are not pages (no CSP there); every page's script is a static file."""
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        if "email" in path.parts:
            continue
        text = path.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag:
                offenders.append(f"{path.relative_to(TEMPLATES)}: {tag}")
        offenders += [f"{path.relative_to(TEMPLATES)}: {m}" for m in re.findall(r"<[^>]*\son[a-z]+=[^>]*>", text)]
    assert not offenders, offenders


def test_no_page_template_has_a_style_element_or_attribute():
    """Emails keep their inline styles (mail clients need them; no CSP there); pages use stylesheets."""
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        if "email" in path.parts or path.name.startswith("_email"):
            continue
        text = path.read_text()
        offenders += [f"{path.relative_to(TEMPLATES)}: {m}" for m in re.findall(r"<style\b[^>]*>", text)]
        offenders += [f"{path.relative_to(TEMPLATES)}: {m}" for m in re.findall(r"<[^>]*\sstyle=[^>]*>", text)]
    assert not offenders, offenders

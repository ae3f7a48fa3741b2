"""django-csp's middleware, with the site's own policy built once per process rather than per response.

Why: django-csp 4 builds the Content-Security-Policy header for every response from the
settings (a dataclass copied with `asdict`, then every directive joined), twice with the
report-only header. That was about 8% of the CPU of a logged call on the API's fast path
(bench/README.md, "The workers' share and the security headers"), for a string that only
changes with the settings.

The common response (no nonce used, no per-view policy from csp.decorators) gets the policy
built once, under the same conditions django-csp applies (DEBUG's error pages, a header the view
set, `csp_exempt`, EXCLUDE_URL_PREFIXES). Anything else (the widget's `@csp_replace`, a page
that used `request.csp_nonce`) goes to django-csp unchanged. A change of
either setting (override_settings in tests) rebuilds it.
"""

from functools import cache

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as LibraryCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

# What csp.decorators set on a response to change its policy (django-csp's get_policy_parts).
_PER_RESPONSE = ("_csp_config", "_csp_update", "_csp_replace", "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")
_SETTINGS = {HEADER: "CONTENT_SECURITY_POLICY", HEADER_REPORT_ONLY: "CONTENT_SECURITY_POLICY_REPORT_ONLY"}
_EXEMPT = {HEADER: "_csp_exempt", HEADER_REPORT_ONLY: "_csp_exempt_ro"}


@cache
def site_policy(header: str) -> tuple[str, tuple[str, ...]]:
    """(the header's value from the settings, the URL prefixes it is not sent on)."""
    policy = getattr(settings, _SETTINGS[header], None) or {}
    return build_policy(report_only=header == HEADER_REPORT_ONLY), tuple(policy.get("EXCLUDE_URL_PREFIXES") or ())


@receiver(setting_changed)
def _forget_site_policy(*, setting, **kwargs):
    if setting in _SETTINGS.values():
        site_policy.cache_clear()


class CSPMiddleware(LibraryCSPMiddleware):
    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(hasattr(response, a) for a in _PER_RESPONSE):
            return super().process_response(request, response)
        if response.status_code in (404, 500) and settings.DEBUG:
            return response  # Django's technical pages, as django-csp leaves them
        for header in (HEADER, HEADER_REPORT_ONLY):
            value, excluded = site_policy(header)
            if (
                value
                and header not in response
                and getattr(response, _EXEMPT[header], False) is False
                and not request.path_info.startswith(excluded)
            ):
                response[header] = value
        # As django-csp: a nonce asked for after the header was written is an error, not a silent gap.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

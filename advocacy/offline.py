"""What the service worker may keep on a volunteer's phone, and how it tells one caller from another.

The service worker (templates/offline/sw.js) stores a page for offline reading only when its
response carries OFFLINE_CACHE_HEADER, which only a signed-in caller's own pages get (their
campaigns and call pages, with the scripts already filled for their officials). The header's value
is an opaque key per user: when a different key arrives, the worker drops every page it kept, so
one person's pages are never shown to another on a shared phone. Signing out clears it all
(`Clear-Site-Data`, accounts.views.logout).
"""

from functools import wraps

from django.utils.crypto import salted_hmac

OFFLINE_CACHE_HEADER = "X-Offline-Cache"
# Calls tapped offline wait on the phone at most this long; older ones are not sent (offline.js).
OFFLINE_QUEUE_MAX_DAYS = 7


def offline_user_key(user) -> str:
    """A stable, opaque key for a signed-in user: it names no one and cannot be turned back into an id."""
    return salted_hmac("advocacy.offline.user", str(user.pk), algorithm="sha256").hexdigest()[:24]


def offline_cacheable(view):
    """Mark a signed-in caller's 200 page as one the service worker may keep for offline reading."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.user.is_authenticated and response.status_code == 200:
            response[OFFLINE_CACHE_HEADER] = offline_user_key(request.user)
        return response

    return wrapped

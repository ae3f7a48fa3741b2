"""Refuses an API body over API_MAX_BODY_BYTES with a 413 in the API's error shape, before anything reads it."""

from .api.parsers import max_body_bytes

API_PREFIX = "/api/"


class ApiBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(API_PREFIX):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > max_body_bytes():
                from .views import too_large

                return too_large()
        return self.get_response(request)

"""Refuses an API body over API_MAX_BODY_BYTES with a 413 in the API's error shape, before anything parses it."""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

from .api.parsers import drain, max_body_bytes

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

                drain(request.META.get("wsgi.input"), length)
                # Before LocaleMiddleware: in the language asked for (`?lang=`, then Accept-Language).
                lang = request.GET.get("lang")
                if lang not in dict(settings.LANGUAGES):
                    lang = translation.get_language_from_request(request)
                with translation.override(lang):
                    response = too_large()
                patch_vary_headers(response, ("Accept-Language",))
                response["Content-Language"] = lang
                return response
        return self.get_response(request)


class ApiNotFoundMiddleware:
    """An API URL that matches no route answers the API's JSON 404, whatever DEBUG says.

    handler404 (advocacy.views.page_not_found) already does so when DEBUG is off; with DEBUG on
    (`make run`, local settings) Django answers an unresolved URL with its technical HTML page
    before any handler runs, so the response is replaced here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 404
            and request.path.startswith(API_PREFIX)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            from .views import page_not_found

            return page_not_found(request)
        return response


class DomainErrorMiddleware:
    """Pages answer a domain error (advocacy.errors) with the status the API gives it.

    A not-found becomes Django's 404 page and a plain refusal its 400 page; the rest (409, 422,
    429) a short text answer with the message. The statuses come from the API's one map.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.core.exceptions import BadRequest
        from django.http import Http404, HttpResponse

        from .api.exceptions import domain_error_status
        from .errors import ApplicationError, NotFound

        if not isinstance(exception, ApplicationError):
            return None
        if isinstance(exception, NotFound):
            raise Http404(exception.message) from exception
        status = domain_error_status(exception)
        if status == 400:
            raise BadRequest(exception.message) from exception
        return HttpResponse(exception.message, status=status, content_type="text/plain; charset=utf-8")

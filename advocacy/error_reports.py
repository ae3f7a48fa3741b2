"""What an error report (the email to ADMINS on a 500) may show of the request.

WSGI servers may copy the whole process environment into every request's META: Granian, the
production server, does, and so does wsgiref under `runserver`. Django's default filter only
hides names that look secret (KEY, TOKEN, PASS...), so DATABASE_URL, with the database password
in it, would be mailed in full. Error reports keep only what came with the request.
"""

from django.views.debug import SafeExceptionReporterFilter

# The CGI variables a WSGI server sets for the request itself (PEP 3333); headers are HTTP_*.
REQUEST_VARIABLES = frozenset(
    {
        "CONTENT_LENGTH",
        "CONTENT_TYPE",
        "GATEWAY_INTERFACE",
        "PATH_INFO",
        "QUERY_STRING",
        "REMOTE_ADDR",
        "REMOTE_HOST",
        "REQUEST_METHOD",
        "SCRIPT_NAME",
        "SERVER_NAME",
        "SERVER_PORT",
        "SERVER_PROTOCOL",
        "SERVER_SOFTWARE",
    }
)


def is_request_variable(name: str) -> bool:
    return name in REQUEST_VARIABLES or name.startswith(("HTTP_", "wsgi."))


class RequestOnlyExceptionReporterFilter(SafeExceptionReporterFilter):
    """The default filter, with the server's environment left out of the request's META."""

    def get_safe_request_meta(self, request):
        safe = super().get_safe_request_meta(request)
        return {name: value for name, value in safe.items() if is_request_variable(name)}

"""The API's two paginations, each taking exactly what the schema says.

`page_size` is an integer from 1 to 500 and anything else is a 400 (DRF would quietly use the default
for `page_size=null` and cut 10,000 down to 500). Cursors are signed: a made-up one is a 404, never the
first page, and a cursor whose page is empty (past the end) is a 404 as well, as docs/api.md promises.
"""

from base64 import urlsafe_b64decode, urlsafe_b64encode
from urllib.parse import parse_qs, urlencode, urlsplit

from django.core import signing
from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

MAX_PAGE_SIZE = 500
_CURSOR_SIGNER = signing.Signer(salt="advocacy.api.cursor", sep=".")


class StrictPageSizeMixin:
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        values = request.query_params.getlist(self.page_size_query_param)
        if not values:
            return self.page_size
        value = values[-1]
        if len(values) > 1 or not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= self.max_page_size:
            raise ValidationError(
                {self.page_size_query_param: [_("Give a whole number from 1 to %d, once.") % self.max_page_size]}
            )
        return int(value)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
            elif parameter["name"] == getattr(self, "page_query_param", None):
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters


class StandardPagination(StrictPageSizeMixin, pagination.PageNumberPagination):
    """Small lists (campaigns, chapters): ?page=&page_size=; a page past the end is a 404."""

    def get_paginated_response_schema(self, schema):
        link = {"type": ["string", "null"], "format": "uri"}
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {"count": {"type": "integer"}, "next": link, "previous": link, "results": schema},
        }


class StandardCursorPagination(StrictPageSizeMixin, pagination.CursorPagination):
    """Large lists: an opaque `cursor` from the previous page's `next_cursor`, stable while rows are added.

    `next` and `previous` are the same pages as links, for clients that follow URLs.
    """

    ordering = "-id"
    page_size_query_description = "Results per page, 1 to 500."
    cursor_query_description = (
        "The `next_cursor` (or `previous_cursor`) of the previous response; omit it at first. "
        "A made-up cursor, or one past the end, is a 404."
    )

    def encode_cursor(self, cursor):
        tokens = {}
        if cursor.offset != 0:
            tokens["o"] = str(cursor.offset)
        if cursor.reverse:
            tokens["r"] = "1"
        if cursor.position is not None:
            tokens["p"] = cursor.position
        encoded = urlsafe_b64encode(urlencode(tokens).encode()).decode("ascii").rstrip("=")
        return replace_query_param(self.base_url, self.cursor_query_param, _CURSOR_SIGNER.sign(encoded))

    def decode_cursor(self, request):
        signed = request.query_params.get(self.cursor_query_param)
        if signed is None:
            return None
        try:
            encoded = _CURSOR_SIGNER.unsign(signed)
            tokens = parse_qs(urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode(), keep_blank_values=True)
            offset = int(tokens.get("o", ["0"])[0])
            reverse = bool(int(tokens.get("r", ["0"])[0]))
        except (signing.BadSignature, ValueError, UnicodeError):
            raise NotFound(self.invalid_cursor_message) from None
        if not 0 <= offset <= self.offset_cutoff:
            raise NotFound(self.invalid_cursor_message)
        return pagination.Cursor(offset=offset, reverse=reverse, position=tokens.get("p", [None])[0])

    def paginate_queryset(self, queryset, request, view=None):
        page = super().paginate_queryset(queryset, request, view)
        if self.cursor is not None and not page:
            # Only a page that was handed out can be asked for; one that is now empty is past the end.
            raise NotFound(self.invalid_cursor_message)
        return page

    @staticmethod
    def _cursor(link: str | None) -> str | None:
        if link is None:
            return None
        return parse_qs(urlsplit(link).query)["cursor"][0]

    def page_response(self, data, next_link: str | None, previous_link: str | None, **extra) -> Response:
        return Response(
            {
                "next_cursor": self._cursor(next_link),
                "previous_cursor": self._cursor(previous_link),
                "next": next_link,
                "previous": previous_link,
                "results": data,
                **extra,
            }
        )

    def get_paginated_response(self, data):
        return self.page_response(data, self.get_next_link(), self.get_previous_link())

    def get_paginated_response_schema(self, schema):
        link = {"type": ["string", "null"], "format": "uri"}
        cursor = {"type": ["string", "null"], "description": "Pass as `cursor` for that page; null at the end."}
        return {
            "type": "object",
            "required": ["next_cursor", "previous_cursor", "next", "previous", "results"],
            "properties": {
                "next_cursor": cursor,
                "previous_cursor": cursor,
                "next": link,
                "previous": link,
                "results": schema,
            },
        }

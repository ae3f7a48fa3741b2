from urllib.parse import parse_qs, urlsplit

from rest_framework import pagination
from rest_framework.response import Response


class StandardPagination(pagination.PageNumberPagination):
    """Small lists (campaigns, chapters): ?page=&page_size=; a page past the end is a 404."""

    page_size_query_param = "page_size"
    max_page_size = 500

    def get_paginated_response_schema(self, schema):
        link = {"type": ["string", "null"], "format": "uri"}
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {"count": {"type": "integer"}, "next": link, "previous": link, "results": schema},
        }


class StandardCursorPagination(pagination.CursorPagination):
    """Large lists: an opaque `cursor` from the previous page's `next_cursor`, stable while rows are added.

    `next` and `previous` are the same pages as links, for clients that follow URLs.
    """

    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = "-id"
    page_size_query_description = "Results per page (at most 500)."
    cursor_query_description = "The `next_cursor` (or `previous_cursor`) of the previous response; omit it at first."

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

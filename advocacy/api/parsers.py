"""The API's JSON parser: a body over API_MAX_BODY_BYTES is a 413, JSON nested deeper than 32 levels a 400.

The encoding rule, one for every API body (`json_body`, which the call endpoint's fast path
calls too): JSON is UTF-8 (RFC 8259 section 8.1). A `charset` other than UTF-8 (or its subset
ASCII) is a 415 `unsupported_media_type`; bytes that are not UTF-8 (a UTF-16 body, say) are a
400 `parse_error`; a UTF-8 byte order mark at the start is ignored, as section 8.1 allows
(Windows tools add one).

Python's json module recurses once per level of nesting, so a body of a few thousand nested
arrays ended in a RecursionError (a 500). The depth is measured before decoding, on the
brackets left once the strings are cut out (regular expressions, so C speed: a 1 MB batch
costs a millisecond or two).
"""

import codecs
import re

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import parsers, status
from rest_framework.exceptions import APIException, ParseError, UnsupportedMediaType
from rest_framework.utils import json
from rest_framework.utils.mediatypes import _MediaType

MAX_DEPTH = 32
# A JSON string, in the "unrolled loop" form: runs of plain characters are taken whole instead of
# one alternation per character, much faster on a large batch (bench/README.md has the figures).
_STRINGS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"
    default_detail = _("The request body is too large.")


# A refused body is read to its end and thrown away, up to this much. Answering while the client is
# still sending left the rest unread on a keep-alive connection: the server (Granian, like most) then
# closed it under the client, who saw a reset instead of the 413 (about 1 request in 60; issue 29).
# Past this, the connection is dropped: nobody keeps a 64 MiB upload going to read a refusal.
DRAIN_LIMIT_BYTES = 64 * 1024 * 1024
_CHUNK = 64 * 1024


def drain(stream, length: int | None = None) -> None:
    """Read and discard what is left of a request body (up to DRAIN_LIMIT_BYTES)."""
    if stream is None:
        return
    left = DRAIN_LIMIT_BYTES if length is None else min(length, DRAIN_LIMIT_BYTES)
    try:
        while left > 0:
            chunk = stream.read(min(_CHUNK, left))
            if not chunk:
                break
            left -= len(chunk)
    except OSError:
        pass  # the client went away: nobody to answer


def max_body_bytes() -> int:
    return settings.API_MAX_BODY_BYTES


def too_large() -> RequestTooLarge:
    return RequestTooLarge(
        _("The request body is over %(limit)s bytes: send less (split a batch).") % {"limit": f"{max_body_bytes():,}"}
    )


def nesting_depth(text: str) -> int:
    depth = deepest = 0
    for char in _NOT_BRACKETS.sub("", _STRINGS.sub("", text)):
        if char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return depth  # too deep already: the rest of a hostile body is not worth reading
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


_UTF8_NAMES = frozenset({"utf-8", "ascii"})


def _charset(media_type: str | None) -> str | None:
    if not media_type:
        return None
    charset = _MediaType(media_type).params.get("charset")
    return charset.strip().strip('"') if charset else None


def json_body(raw: bytes, media_type: str | None):
    """The decoded JSON value of an API body sent as `media_type` (its Content-Type), or the API's error.

    RequestTooLarge, UnsupportedMediaType (a charset other than UTF-8) or ParseError. The body's
    size is checked by the caller (ApiBodyLimitMiddleware, LimitedJSONParser).
    """
    charset = _charset(media_type)
    if charset is not None:
        try:
            name = codecs.lookup(charset).name
        except LookupError:
            name = None
        if name not in _UTF8_NAMES:
            raise UnsupportedMediaType(
                media_type,
                detail=_("Send JSON in UTF-8 (RFC 8259): charset=%(charset)s is not accepted.") % {"charset": charset},
            )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParseError(_("JSON parse error - the body is not valid UTF-8.")) from exc
    if text.startswith("\ufeff"):
        text = text[1:]
    if nesting_depth(text) > MAX_DEPTH:
        raise ParseError(_("JSON parse error - nested deeper than %(depth)s levels.") % {"depth": MAX_DEPTH})
    try:
        return json.loads(text, parse_constant=json.strict_constant)
    except (ValueError, RecursionError) as exc:
        raise ParseError(_("JSON parse error - %(error)s") % {"error": exc}) from exc


class LimitedJSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        if stream is None:
            return None
        limit = max_body_bytes()
        raw = stream.read(limit + 1)
        if len(raw) > limit:
            drain(stream)
            raise too_large()
        return json_body(raw, media_type)

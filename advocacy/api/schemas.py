"""The OpenAPI description of the error body, and the hook that documents every error response.

Views declare only their successes and the errors particular to them (a 422 for a reused
idempotency key). `document_errors` adds, to every operation, every error status the shared
machinery can answer with: authentication, permissions, pagination, the JSON parser, throttling
and a database outage. A new endpoint is documented without any per-view work.
"""

import json

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from advocacy.api.fields import NO_NUL_PATTERN

ERROR_CODES_DESCRIPTION = (
    "Stable and machine-readable, for example `validation_error`, `parse_error`, `not_authenticated`, "
    "`authentication_failed`, `permission_denied`, `not_found`, `unsupported_media_type`, "
    "`request_too_large`, `idempotency_key_reused`, `throttled`, `service_unavailable`."
)

ErrorResponse = inline_serializer(
    name="ErrorResponse",
    fields={
        "error": inline_serializer(
            name="ErrorBody",
            fields={
                "code": serializers.CharField(help_text=ERROR_CODES_DESCRIPTION),
                "message": serializers.CharField(help_text="For people: what went wrong and how to fix it."),
                "fields": serializers.DictField(
                    child=serializers.ListField(child=serializers.CharField()),
                    required=False,
                    help_text=(
                        "Validation errors only: each field (nested ones as `calls.0.campaign`) with its messages."
                    ),
                ),
                "request_id": serializers.CharField(
                    required=False,
                    help_text="The request's id, also in the `X-Request-ID` header: quote it when reporting a problem.",
                ),
            },
        )
    },
)

_ERROR_REF = {"$ref": "#/components/schemas/ErrorResponse"}
_RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "integer", "minimum": 0},
    }
}
_ERRORS = {
    "400": "The request is malformed or breaks a rule: `message` says why, `fields` names each bad field.",
    "401": "Authentication is missing, or the token sent is invalid or revoked.",
    "403": "Authenticated, but not allowed to do this (or a browser session without its CSRF token).",
    "404": "No such object, or not one you can see.",
    "409": "The request conflicts with the current state.",
    "413": "The request body is too large.",
    "415": "The body is not `application/json`.",
    "422": "Well formed, but it cannot be done (such as an Idempotency-Key already used for another request).",
    "429": "Too many requests: wait `Retry-After` seconds.",
    "503": "The service is briefly unavailable (its database is unreachable): retry after `Retry-After` seconds.",
}
_ANONYMOUS_401 = "The token sent is invalid or revoked (send none to use this operation anonymously)."
_PAGE_404 = "No such object, or the page or cursor is invalid or past the end."


def _error_statuses(operation: dict) -> list[str]:
    parameters = operation.get("parameters", [])
    has_body = "requestBody" in operation
    # A page number past the end is a 404, but a page_size out of 1..500 is a 400.
    has_input = has_body or any(
        p["in"] in ("query", "header") and p["name"] not in {"page", "cursor"} for p in parameters
    )
    can_miss = any(p["in"] == "path" for p in parameters) or any(p["name"] in ("page", "cursor") for p in parameters)
    statuses = ["401", "403", "429", "503"]
    if has_input:
        statuses.append("400")
    if can_miss:
        statuses.append("404")
    if has_body:
        statuses += ["413", "415"]
    return sorted(statuses)


# A browser session works on the API too (the site's own pages use it), but a client generator that sees
# it on an operation may send the token as a session cookie: operations list the token only.
_NOT_FOR_CLIENTS = {"cookieAuth"}


def document_errors(result, generator, request, public):
    """Add every error an operation can answer with, in the one error shape; mark anonymous operations."""
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            requirements = operation.get("security", [])
            anonymous = {} in requirements
            # Anonymous: no requirement at all, so a generated client can call it without credentials (a
            # token may still be sent, and can show more, such as your chapters' campaigns).
            operation["security"] = (
                []
                if anonymous
                else [
                    {name: scopes}
                    for req in requirements
                    for name, scopes in req.items()
                    if name not in _NOT_FOR_CLIENTS
                ]
            )
            paginated = any(p["name"] in ("page", "cursor") for p in operation.get("parameters", []))
            responses = operation.setdefault("responses", {})
            for status in [*_error_statuses(operation), *[s for s in responses if s[0] in "45"]]:
                description = _ERRORS.get(status, "")
                if status == "401" and anonymous:
                    description = _ANONYMOUS_401
                elif status == "404" and paginated:
                    description = _PAGE_404
                response = responses.setdefault(status, {"description": description})
                response["description"] = response.get("description") or description
                response["content"] = {"application/json": {"schema": _ERROR_REF}}
                if status in ("429", "503"):
                    response["headers"] = _RETRY_AFTER
            operation["responses"] = dict(sorted(responses.items()))
    return result


def _no_nul(schema: dict) -> None:
    """Every free-text string an input can carry is NUL-free, as the server requires (PostgreSQL cannot store
    NUL); strings with a pattern, a format or an enum are constrained already."""
    if not isinstance(schema, dict):
        return
    types = schema.get("type")
    is_string = types == "string" or (isinstance(types, list) and "string" in types)
    if is_string and not {"pattern", "format", "enum", "$ref"} & set(schema):
        schema["pattern"] = NO_NUL_PATTERN
    for key in ("properties", "patternProperties"):
        for child in schema.get(key, {}).values():
            _no_nul(child)
    for key in ("items", "additionalProperties"):
        _no_nul(schema.get(key))
    for key in ("oneOf", "anyOf", "allOf"):
        for child in schema.get(key, []):
            _no_nul(child)


def _defaults_in_words(component: dict) -> None:
    """A request field that has a default may be left out; openapi-typescript (with its defaults) reads a
    `default` as "always present" and so makes the field required in a request body. The default is said
    in the field's description instead, where every generator leaves the field optional."""
    for prop in component.get("properties", {}).values():
        if isinstance(prop, dict) and "default" in prop:
            default = prop.pop("default")
            shown = json.dumps(default)
            prop["description"] = f"{prop.get('description', '')} Default: {shown}.".strip()


def exact_inputs(result, generator, request, public):
    """State on every input the rules the server applies to all of them (see advocacy/api/fields.py)."""
    components = result.get("components", {}).get("schemas", {})
    request_components = set()
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            for parameter in operation.get("parameters", []):
                _no_nul(parameter.get("schema"))
            for media in operation.get("requestBody", {}).get("content", {}).values():
                ref = media.get("schema", {}).get("$ref", "")
                if ref:
                    request_components.add(ref.rsplit("/", 1)[-1])
                else:
                    _no_nul(media.get("schema"))
    # Request components and the components they use (a batch's items).
    pending = list(request_components)
    while pending:
        name = pending.pop()
        component = components.get(name, {})
        _no_nul(component)
        _defaults_in_words(component)
        for node in _refs(component):
            if node not in request_components:
                request_components.add(node)
                pending.append(node)
    return result


def _refs(node) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"].rsplit("/", 1)[-1]] if "$ref" in node else []
        return found + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []

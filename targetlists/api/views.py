"""The chapter leads' target lists: /api/v1/chapters/{slug}/target-lists/."""

from contextlib import contextmanager

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.response import Response

from accounts.selectors import chapter_get_for_lead
from advocacy import errors
from advocacy.api.schemas import ErrorResponse

from .. import errors as list_errors
from .. import selectors, services
from ..rows import parse_json_rows
from .serializers import (
    TargetListCreateInputSerializer,
    TargetListDetailOutputSerializer,
    TargetListOutputSerializer,
    TargetListPartialUpdateInputSerializer,
    TargetListPreviewOutputSerializer,
    TargetListUpdateInputSerializer,
)

_SLUG = OpenApiParameter(
    "slug", str, OpenApiParameter.PATH, description="The chapter's slug.", pattern=r"^[-a-zA-Z0-9_]+$"
)
_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The list's id.")
_TAGS = ["target lists"]
_LEADS = " Leads of the chapter (and staff) only; anyone else gets a 404, as for a missing chapter."
_REFUSALS = (
    " Rows of the right shape whose cells break a rule the schema cannot say (a phone that is not a U.S. number, "
    "a ZIP no list knows, a cell starting like a spreadsheet formula with =, +, - or @, an email or web address "
    "that does not validate, two rows for one person) are a 422 `target_list_rows_invalid`: `fields` names each "
    "problem as `rows.<index>.<column>` and nothing is written. A name of spaces only is a 422 "
    "`target_list_name_blank`; a name another list of the chapter has is a 409 `target_list_name_taken`."
)
# PUT and PATCH answer the list, or with `dry_run` the preview: one of the two (neither has the other's fields).
_LIST_OR_PREVIEW = PolymorphicProxySerializer(
    component_name="TargetListDetailOrPreviewOutput",
    serializers=[TargetListDetailOutputSerializer, TargetListPreviewOutputSerializer],
    resource_type_field_name=None,
)


class TargetListRowsInvalid(errors.Unprocessable):
    code = "target_list_rows_invalid"


class TargetListNameBlank(errors.Unprocessable):
    code = "target_list_name_blank"


class TargetListNameTaken(errors.Conflict):
    code = "target_list_name_taken"


@contextmanager
def _refusals():
    """The services' refusals of well-formed rows or names, as the API's domain errors (each at its fields)."""
    try:
        yield
    except list_errors.TargetListInvalid as exc:
        fields = exc.message_dict
        where, problems = next(iter(fields.items()))
        raise TargetListRowsInvalid(f"{where}: {problems[0]}", fields=fields) from exc
    except list_errors.TargetListNameBlank as exc:
        raise TargetListNameBlank(exc.messages[0], fields=exc.message_dict) from exc
    except list_errors.TargetListNameTaken as exc:
        raise TargetListNameTaken(exc.messages[0], fields=exc.message_dict) from exc


def _preview(report) -> dict:
    return TargetListPreviewOutputSerializer(
        {
            "dry_run": True,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "retired": report.retired,
            "rows": [row.as_dict() for row in report.rows],
        }
    ).data


@extend_schema_view(
    list=extend_schema(
        operation_id="target_lists_list",
        tags=_TAGS,
        parameters=[_SLUG],
        responses={200: TargetListOutputSerializer(many=True), 404: ErrorResponse},
        description="The chapter's own target lists (at most TARGET_LISTS_PER_CHAPTER, so one page)." + _LEADS,
    ),
    create=extend_schema(
        operation_id="target_lists_create",
        tags=_TAGS,
        parameters=[_SLUG],
        request=TargetListCreateInputSerializer,
        responses={
            201: TargetListDetailOutputSerializer,
            200: TargetListPreviewOutputSerializer,
            400: ErrorResponse,
            404: ErrorResponse,
            409: ErrorResponse,
            422: ErrorResponse,
        },
        description=(
            "Import a new list from its rows, all or none. With `dry_run` the answer is the preview (200) and "
            "nothing is written. 422 `target_list_limit` when the chapter has the most lists it may have."
            + _REFUSALS
            + _LEADS
        ),
    ),
    retrieve=extend_schema(
        operation_id="target_lists_retrieve",
        tags=_TAGS,
        parameters=[_SLUG, _ID],
        responses={200: TargetListDetailOutputSerializer, 404: ErrorResponse},
        description="One list with every member, the retired ones too." + _LEADS,
    ),
    update=extend_schema(
        operation_id="target_lists_update",
        tags=_TAGS,
        parameters=[_SLUG, _ID],
        request=TargetListUpdateInputSerializer,
        responses={
            200: _LIST_OR_PREVIEW,
            400: ErrorResponse,
            404: ErrorResponse,
            409: ErrorResponse,
            422: ErrorResponse,
        },
        description=(
            "Import the list again: people are matched by external_id (else name and title) and updated, keeping "
            "their logged calls; new ones are added; those left out are retired (they stay in past tallies). "
            "The answer is the list (TargetListDetailOutput), or with `dry_run` the preview "
            "(TargetListPreviewOutput) and nothing is written." + _REFUSALS + _LEADS
        ),
    ),
    partial_update=extend_schema(
        operation_id="target_lists_partial_update",
        tags=_TAGS,
        parameters=[_SLUG, _ID],
        request=TargetListPartialUpdateInputSerializer,
        responses={
            200: _LIST_OR_PREVIEW,
            400: ErrorResponse,
            404: ErrorResponse,
            409: ErrorResponse,
            422: ErrorResponse,
        },
        description=(
            "Rename the list, or import it again (`rows`), as with PUT: the answer is the list, or with `dry_run` "
            "and `rows` the preview (with `dry_run` and no `rows`, the list unchanged)." + _REFUSALS + _LEADS
        ),
    ),
    destroy=extend_schema(
        operation_id="target_lists_destroy",
        tags=_TAGS,
        parameters=[_SLUG, _ID],
        responses={204: None, 404: ErrorResponse, 409: ErrorResponse},
        description=(
            "Delete a list no campaign action uses (409 `target_list_in_use` otherwise). Calls logged to its "
            "members keep counting." + _LEADS
        ),
    ),
)
class TargetListViewSet(viewsets.ViewSet):
    """A chapter's own target lists, for its leads."""

    lookup_value_regex = r"[0-9]+"

    def _chapter(self, slug):
        chapter = chapter_get_for_lead(slug=slug, user=self.request.user)
        if chapter is None:
            raise Http404()
        return chapter

    def _list(self, slug, pk):
        chapter = self._chapter(slug)
        return chapter, selectors.target_list_get_for_lead(chapter=chapter, list_id=pk, user=self.request.user)

    def _detail(self, target_list):
        found = next(
            t for t in selectors.target_lists_for_chapter(chapter=target_list.chapter) if t.pk == target_list.pk
        )
        found.member_rows = selectors.target_list_members(target_list=found, include_retired=True)
        return TargetListDetailOutputSerializer(found).data

    def list(self, request, slug=None):
        chapter = self._chapter(slug)
        return Response(TargetListOutputSerializer(selectors.target_lists_for_chapter(chapter=chapter), many=True).data)

    def create(self, request, slug=None):
        chapter = self._chapter(slug)
        data = TargetListCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with _refusals():
            report = services.target_list_import(
                chapter=chapter,
                parsed=parse_json_rows(data.validated_data["rows"]),
                user=request.user,
                name=data.validated_data["name"],
                dry_run=data.validated_data["dry_run"],
                api_fields=True,
            )
        if report.dry_run:
            return Response(_preview(report))
        return Response(self._detail(report.target_list), status=status.HTTP_201_CREATED)

    def retrieve(self, request, slug=None, pk=None):
        _chapter, target_list = self._list(slug, pk)
        return Response(self._detail(target_list))

    def update(self, request, slug=None, pk=None):
        return self._update(request, slug, pk, TargetListUpdateInputSerializer)

    def partial_update(self, request, slug=None, pk=None):
        return self._update(request, slug, pk, TargetListPartialUpdateInputSerializer)

    def _update(self, request, slug, pk, serializer_class):
        chapter, target_list = self._list(slug, pk)
        data = serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        with _refusals():
            return self._apply(chapter, target_list, values)

    def _apply(self, chapter, target_list, values):
        if "rows" in values:
            report = services.target_list_import(
                chapter=chapter,
                parsed=parse_json_rows(values["rows"]),
                user=self.request.user,
                name=values.get("name"),
                target_list=target_list,
                dry_run=values["dry_run"],
                api_fields=True,
            )
            if report.dry_run:
                return Response(_preview(report))
        elif "name" in values and not values["dry_run"]:
            services.target_list_rename(target_list=target_list, user=self.request.user, name=values["name"])
        return Response(self._detail(target_list))

    def destroy(self, request, slug=None, pk=None):
        _chapter, target_list = self._list(slug, pk)
        services.target_list_delete(target_list=target_list, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

"""The chapter leads' target lists: /api/v1/chapters/{slug}/target-lists/."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.response import Response

from accounts.selectors import chapter_get_for_lead
from advocacy.api.schemas import ErrorResponse

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
            422: ErrorResponse,
        },
        description=(
            "Import a new list from its rows, all or none. With `dry_run` the answer is the preview (200) and "
            "nothing is written. 422 `target_list_limit` when the chapter has the most lists it may have." + _LEADS
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
            200: TargetListDetailOutputSerializer,
            400: ErrorResponse,
            404: ErrorResponse,
        },
        description=(
            "Import the list again: people are matched by external_id (else name and title) and updated, keeping "
            "their logged calls; new ones are added; those left out are retired (they stay in past tallies). "
            "With `dry_run` the answer is the preview and nothing is written." + _LEADS
        ),
    ),
    partial_update=extend_schema(
        operation_id="target_lists_partial_update",
        tags=_TAGS,
        parameters=[_SLUG, _ID],
        request=TargetListPartialUpdateInputSerializer,
        responses={200: TargetListDetailOutputSerializer, 400: ErrorResponse, 404: ErrorResponse},
        description="Rename the list, or import it again (`rows`), as with PUT." + _LEADS,
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
        if "rows" in values:
            report = services.target_list_import(
                chapter=chapter,
                parsed=parse_json_rows(values["rows"]),
                user=request.user,
                name=values.get("name"),
                target_list=target_list,
                dry_run=values["dry_run"],
                api_fields=True,
            )
            if report.dry_run:
                return Response(_preview(report))
        elif "name" in values and not values["dry_run"]:
            services.target_list_rename(target_list=target_list, user=request.user, name=values["name"])
        return Response(self._detail(target_list))

    def destroy(self, request, slug=None, pk=None):
        _chapter, target_list = self._list(slug, pk)
        services.target_list_delete(target_list=target_list, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

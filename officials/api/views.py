from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import permissions, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from advocacy.api.pagination import StandardCursorPagination
from advocacy.api.schemas import ErrorResponse
from officials import selectors, services
from officials.errors import UnknownZip
from officials.models import ContactPoint

from .filters import OfficialFilter
from .serializers import (
    OfficialDivisionOutputSerializer,
    OfficialEntryOutputSerializer,
    WrongNumberReportInputSerializer,
    WrongNumberReportOutputSerializer,
)

_DIVISION_SCHEMA = {"$ref": "#/components/schemas/OfficialDivisionOutput"}


class OfficialsPagination(StandardCursorPagination):
    """Offices by id; with ?zip= the caller's officials (a dozen at most) come in one page, with how the ZIP
    resolved."""

    ordering = "id"

    def get_paginated_response_schema(self, schema):
        page = super().get_paginated_response_schema(schema)
        page["properties"].update(
            {
                "zip": {"type": "string", "description": "The 5-digit ZIP looked up (with `zip` only)."},
                "state": {"type": ["string", "null"], "description": "USPS code of the ZIP's state."},
                "split": {
                    "type": "boolean",
                    "description": "The ZIP spans several districts and none was chosen with ?district=.",
                },
                "representative_known": {"type": "boolean"},
                "missing_from_table": {
                    "type": "boolean",
                    "description": "The ZIP is not in the ZIP-to-district table: the state's officials only.",
                },
                "districts": {
                    "type": "array",
                    "items": _DIVISION_SCHEMA,
                    "description": "Candidate congressional districts.",
                },
                "chosen_district": {"oneOf": [_DIVISION_SCHEMA, {"type": "null"}]},
                "data_last_refreshed": {
                    "type": ["string", "null"],
                    "format": "date-time",
                    "description": "When the officials data was last refreshed from the public sources (null: never).",
                },
            }
        )
        return page


@extend_schema_view(
    list=extend_schema(
        operation_id="officials_list",
        tags=["officials"],
        description=(
            "With `zip`: the caller's officials (two U.S. senators, the representative, governor, attorney "
            "general ...). A ZIP spanning several congressional districts returns every candidate representative, "
            "`split: true` and the candidate `districts`; pass one as `district` to choose. A ZIP missing from the "
            "district table still returns the state's officials (`representative_known: false`). Without `zip`: "
            "offices filtered by `state`, `role` and `district`. A `zip` of the right shape that is no US ZIP code "
            "(00000) is a 422 `unknown_zip` naming the field; one of the wrong shape is a 400. Public data: no "
            "authentication needed."
        ),
        responses={
            200: OfficialEntryOutputSerializer(many=True),
            400: ErrorResponse,
            404: ErrorResponse,
            422: ErrorResponse,
        },
    ),
    retrieve=extend_schema(
        operation_id="officials_retrieve",
        tags=["officials"],
        description="One office (by Office id) with its current holder and active contact points.",
        responses={200: OfficialEntryOutputSerializer, 404: ErrorResponse},
    ),
)
class OfficialViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [permissions.AllowAny]
    filterset_class = OfficialFilter
    pagination_class = OfficialsPagination
    serializer_class = OfficialEntryOutputSerializer

    def get_queryset(self):
        return selectors.office_list()

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())  # validates every filter: 400 on a bad one
        zip_code = request.query_params.get("zip", "")
        if zip_code:
            # One page, but its parameters are checked as on the others.
            self.paginator.get_page_size(request)
            self.paginator.decode_cursor(request)
            district = request.query_params.get("district", "")
            try:
                lookup = selectors.officials_for_zip(zip_code=zip_code, district_ocd_id=district)
            except selectors.InvalidZipCode as exc:
                # Of the schema's shape (the filter checked it), but no US ZIP list knows it.
                raise UnknownZip(exc.messages[0], field="zip") from exc
            if district and lookup.chosen_district is None:
                # Well formed (the schema's pattern) but not one of the ZIP's districts: nothing to list.
                raise NotFound(
                    _("ZIP %(zip)s is not in district %(district)s.") % {"zip": lookup.zip5, "district": district}
                )
            entries = lookup.entries
            role = request.query_params.get("role")
            if role:
                entries = [e for e in entries if e.role == role]
            extra = {
                "zip": lookup.zip5,
                "state": lookup.state,
                "split": lookup.split,
                "representative_known": lookup.representative_known,
                "missing_from_table": lookup.missing_from_table,
                "districts": OfficialDivisionOutputSerializer(lookup.districts, many=True).data,
                "chosen_district": (
                    OfficialDivisionOutputSerializer(lookup.chosen_district).data if lookup.chosen_district else None
                ),
            }
            data = OfficialEntryOutputSerializer(entries, many=True).data
            return self.paginator.page_response(
                data, next_link=None, previous_link=None, **extra, data_last_refreshed=self._last_refreshed()
            )
        offices = self.paginate_queryset(queryset)
        order = {office.pk: i for i, office in enumerate(offices)}
        page = sorted(selectors.office_entries(offices=offices), key=lambda e: order[e.office.pk])
        response = self.get_paginated_response(OfficialEntryOutputSerializer(page, many=True).data)
        response.data["data_last_refreshed"] = self._last_refreshed()
        return response

    @staticmethod
    def _last_refreshed() -> str | None:
        refreshed = selectors.officials_last_refreshed()
        return refreshed.isoformat() if refreshed else None

    def retrieve(self, request, *args, **kwargs):
        try:
            office_id = int(kwargs["pk"])
        except (TypeError, ValueError):
            raise NotFound() from None
        entry = selectors.office_entry(office_id=office_id)
        if entry is None or not entry.office.is_active:
            raise NotFound(_("No such office."))
        return Response(OfficialEntryOutputSerializer(entry).data)


class ContactPointReportCreateView(APIView):
    """Flag a wrong phone number (or a dead contact form); staff review reports in the admin."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="contact_point_reports_create",
        tags=["officials"],
        request=WrongNumberReportInputSerializer,
        responses={
            201: WrongNumberReportOutputSerializer,
            400: ErrorResponse,
            401: OpenApiResponse(ErrorResponse, description="Not signed in."),
            404: ErrorResponse,
        },
    )
    def post(self, request, pk: int):
        contact_point = get_object_or_404(ContactPoint, pk=pk, is_active=True)
        serializer = WrongNumberReportInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = services.wrong_number_report_create(
            contact_point=contact_point, reporter=request.user, reason=serializer.validated_data["reason"]
        )
        return Response(WrongNumberReportOutputSerializer(report).data, status=status.HTTP_201_CREATED)

import math

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.models import Membership
from advocacy import errors
from advocacy.api.schemas import ErrorResponse
from officials.errors import UnknownZip

from .serializers import (
    MeInputSerializer,
    MeOutputSerializer,
    MyChapterDetailOutputSerializer,
    MyChapterOutputSerializer,
)


class DistrictConflict(errors.Conflict):
    code = "district_conflict"


class StateMoveTooSoon(errors.Conflict):
    """The ZIP is well formed and real, but the caller moved to another state too recently: try again later."""

    code = "state_move_too_soon"

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message, fields={"zip_code": [message]})
        self.retry_after = retry_after


def _profile_refusal(exc: DjangoValidationError) -> errors.ApplicationError | None:
    """The domain error for a rule of the data that refused a well-formed profile change; None: a plain 400."""
    problems = getattr(exc, "error_dict", {})
    if isinstance(exc, services.StateMoveTooSoon):
        wait = (exc.available_at - timezone.now()).total_seconds()
        return StateMoveTooSoon(exc.messages[0], retry_after=max(1, math.ceil(wait)))
    if set(problems) == {"zip_code"} and any(error.code == "unknown_zip" for error in problems["zip_code"]):
        return UnknownZip(exc.message_dict["zip_code"][0], field="zip_code")
    if set(problems) == {"district_ocd_id"}:
        # A well-formed district that the ZIP does not touch breaks no rule of the request itself (the schema
        # cannot say which districts a ZIP has): it conflicts with the ZIP, hence a 409.
        message = exc.message_dict["district_ocd_id"][0]
        return DistrictConflict(message, fields={"district_ocd_id": [message]})
    return None


class MeView(APIView):
    http_method_names = ["get", "patch", "head", "options"]

    @extend_schema(operation_id="me_retrieve", responses={200: MeOutputSerializer}, tags=["me"])
    def get(self, request):
        user = selectors.user_get_with_memberships(user_id=request.user.pk)
        return Response(MeOutputSerializer(user).data)

    @extend_schema(
        operation_id="me_partial_update",
        request=MeInputSerializer,
        responses={200: MeOutputSerializer, 400: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse},
        tags=["me"],
        description=(
            "Change your profile. A new zip_code re-derives `state` and drops an earlier district choice. A "
            "`district_ocd_id` that does not include the ZIP (or with no ZIP) is a 409 `district_conflict`. A "
            "zip_code of the right shape that is no US ZIP code (00000) is a 422 `unknown_zip`. A second move to "
            "another state within 30 days is a 409 `state_move_too_soon`: its message says from when the ZIP may "
            "be in another state again, and `Retry-After` gives the seconds until then."
        ),
    )
    def patch(self, request):
        serializer = MeInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        try:
            services.user_profile_update(user=request.user, **serializer.validated_data)
        except DjangoValidationError as exc:
            refusal = _profile_refusal(exc)
            if refusal is None:
                raise
            raise refusal from exc
        user = selectors.user_get_with_memberships(user_id=request.user.pk)
        return Response(MeOutputSerializer(user).data)


class MyDataExportView(APIView):
    @extend_schema(
        operation_id="me_export",
        summary="Download everything held about you",
        description=(
            "Your profile, chapter memberships, every call you logged (with notes) and every reply you posted, "
            "as one JSON document. The same as *Download my data* on the profile page."
        ),
        responses={200: OpenApiTypes.OBJECT, 401: ErrorResponse, 403: ErrorResponse},
        tags=["me"],
    )
    def get(self, request):
        response = Response(selectors.user_data_export(user=request.user))
        response["Content-Disposition"] = 'attachment; filename="my-data.json"'
        response["Cache-Control"] = "no-store"
        return response


@extend_schema_view(
    list=extend_schema(operation_id="my_chapters_list", tags=["chapters"]),
    retrieve=extend_schema(
        operation_id="my_chapters_retrieve",
        tags=["chapters"],
        parameters=[OpenApiParameter("slug", str, OpenApiParameter.PATH, description="The chapter's slug.")],
        responses={200: MyChapterDetailOutputSerializer, 404: ErrorResponse},
    ),
)
class MyChapterViewSet(viewsets.ReadOnlyModelViewSet):
    """The chapters you belong to, with your role in each. A chapter you do not belong to is a 404,
    as if it did not exist."""

    lookup_field = "chapter__slug"
    lookup_url_kwarg = "slug"

    def get_serializer_class(self):
        return MyChapterDetailOutputSerializer if self.action == "retrieve" else MyChapterOutputSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Membership.objects.none()
        return selectors.membership_list_for_user(user=self.request.user)

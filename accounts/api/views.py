from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.models import Membership
from advocacy import errors
from advocacy.api.schemas import ErrorResponse

from .serializers import (
    MeInputSerializer,
    MeOutputSerializer,
    MyChapterDetailOutputSerializer,
    MyChapterOutputSerializer,
)


class DistrictConflict(errors.Conflict):
    code = "district_conflict"


class MeView(APIView):
    http_method_names = ["get", "patch", "head", "options"]

    @extend_schema(operation_id="me_retrieve", responses={200: MeOutputSerializer}, tags=["me"])
    def get(self, request):
        user = selectors.user_get_with_memberships(user_id=request.user.pk)
        return Response(MeOutputSerializer(user).data)

    @extend_schema(
        operation_id="me_partial_update",
        request=MeInputSerializer,
        responses={200: MeOutputSerializer, 400: ErrorResponse, 409: ErrorResponse},
        tags=["me"],
        description=(
            "Change your profile. A new zip_code re-derives `state` and drops an earlier district choice. A "
            "`district_ocd_id` that does not include the ZIP (or with no ZIP) is a 409 `district_conflict`."
        ),
    )
    def patch(self, request):
        serializer = MeInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        try:
            services.user_profile_update(user=request.user, **serializer.validated_data)
        except DjangoValidationError as exc:
            # A well-formed district that the ZIP does not touch breaks no rule of the request itself (the
            # schema cannot say which districts a ZIP has): it conflicts with the ZIP, hence a 409.
            if set(getattr(exc, "error_dict", {})) == {"district_ocd_id"}:
                raise DistrictConflict(exc.message_dict["district_ocd_id"][0]) from exc
            raise
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

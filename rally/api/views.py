"""The invitations API: a chapter lead's list, create and revoke, under the same limits as the page."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import chapter_get_for_lead
from advocacy.api.schemas import ErrorResponse
from rally import selectors, services
from rally.models import Invitation

from .serializers import (
    InvitationCreateInputSerializer,
    InvitationCreateOutputSerializer,
    InvitationLimitsOutputSerializer,
    InvitationOutputSerializer,
)

SLUG_PARAMETER = OpenApiParameter(
    "slug",
    str,
    OpenApiParameter.PATH,
    description="The chapter's slug. A chapter you do not lead is a 404, as if it did not exist.",
    pattern=r"^[-a-zA-Z0-9_]+$",
)
ID_PARAMETER = OpenApiParameter(
    "id",
    {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
    OpenApiParameter.PATH,
    description="The invitation's id.",
)
TAGS = ["invitations"]


class InvitationLimitReached(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "invitation_limit_reached"


class TooManyAddresses(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invitation_limit_exceeded"


class InvitationConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class RallyInvalid(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"


def _chapter(request, slug):
    chapter = chapter_get_for_lead(slug=slug, user=request.user)
    if chapter is None:
        raise exceptions.NotFound()
    return chapter


def _limits(chapter_quota, lead_quota) -> dict:
    def quota(q):
        return {"limit": q.limit, "used": q.used, "remaining": q.remaining, "next_at": q.next_at}

    return {"chapter": quota(chapter_quota), "lead": quota(lead_quota)}


class InvitationListCreateView(generics.GenericAPIView):
    serializer_class = InvitationOutputSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Invitation.objects.none()
        return selectors.invitation_queryset(chapter=_chapter(self.request, self.kwargs["slug"]))

    @extend_schema(
        operation_id="chapter_invitations_list",
        summary="List the chapter's invitations",
        description="Newest first, every status. Chapter leads only.",
        parameters=[SLUG_PARAMETER],
        responses={200: InvitationOutputSerializer(many=True), 404: ErrorResponse},
        tags=TAGS,
    )
    def get(self, request, slug):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(InvitationOutputSerializer(page, many=True).data)

    @extend_schema(
        operation_id="chapter_invitations_create",
        summary="Invite people to the chapter",
        description=(
            "Each new mailbox gets one email with its own join link (single use, for that address only, "
            "14 days). Members, mailboxes invited to the chapter in the last 30 days, and mailboxes that "
            "bounced or asked not to be invited are skipped and listed.\n\n"
            "Limits, over any 24 hours: the chapter's (`INVITATIONS_PER_CHAPTER_PER_DAY`, 1,000, or what "
            "staff set for it) and yours (`INVITATIONS_PER_LEAD_PER_DAY`, 500). More new addresses than a "
            "limit has left refuses the whole request, writing nothing: a 429 "
            "(`invitation_limit_reached`) whose message says how many are left and when all of them "
            "would fit, and whose `Retry-After` is the seconds until then; a 400 "
            "(`invitation_limit_exceeded`) when they never would (more than the whole limit). "
            "`GET .../invitations/limits/` tells the allowances first."
        ),
        parameters=[SLUG_PARAMETER],
        request=InvitationCreateInputSerializer,
        responses={
            201: InvitationCreateOutputSerializer,
            400: ErrorResponse,
            404: ErrorResponse,
            429: OpenApiResponse(ErrorResponse, description="A 24-hour invitation limit has too little left."),
        },
        tags=TAGS,
    )
    def post(self, request, slug):
        chapter = _chapter(request, slug)
        serializer = InvitationCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            result = services.invitations_create(
                chapter=chapter, addresses=serializer.validated_data["emails"], user=request.user
            )
        except services.InvitationLimitReached as exc:
            if exc.retry_after is None:
                raise TooManyAddresses(exc.message) from exc
            error = InvitationLimitReached(exc.message)
            error.wait = exc.retry_after
            raise error from exc
        except services.RallyError as exc:
            raise RallyInvalid(exc.message) from exc
        data = {**result, "limits": _limits(result["limits"]["chapter"], result["limits"]["lead"])}
        data.pop("invalid", None)
        return Response(InvitationCreateOutputSerializer(data).data, status=status.HTTP_201_CREATED)


class InvitationLimitsView(APIView):
    @extend_schema(
        operation_id="chapter_invitations_limits",
        summary="How many invitations you can send now",
        parameters=[SLUG_PARAMETER],
        responses={200: InvitationLimitsOutputSerializer, 404: ErrorResponse},
        tags=TAGS,
    )
    def get(self, request, slug):
        chapter = _chapter(request, slug)
        chapter_quota, lead_quota = selectors.invitation_quotas(chapter=chapter, user=request.user)
        return Response(InvitationLimitsOutputSerializer(_limits(chapter_quota, lead_quota)).data)


class InvitationRevokeView(APIView):
    @extend_schema(
        operation_id="chapter_invitations_revoke",
        summary="Withdraw an invitation",
        description=(
            "Its link stops working at once. Revoking one already revoked (or bounced) changes nothing; one "
            "already accepted is a 409. A new join link for the chapter withdraws every pending invitation."
        ),
        parameters=[SLUG_PARAMETER, ID_PARAMETER],
        request=None,
        responses={200: InvitationOutputSerializer, 404: ErrorResponse, 409: ErrorResponse},
        tags=TAGS,
    )
    def post(self, request, slug, id):
        chapter = _chapter(request, slug)
        try:
            invitation = services.invitation_revoke(chapter=chapter, invitation_id=id)
        except Invitation.DoesNotExist as exc:
            raise exceptions.NotFound() from exc
        except services.RallyError as exc:
            raise InvitationConflict(exc.message) from exc
        return Response(InvitationOutputSerializer(invitation).data)

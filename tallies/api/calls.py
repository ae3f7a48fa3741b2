"""POST /api/v1/calls/ logs a call (safe to retry with an Idempotency-Key); GET lists your own calls."""

import logging

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from advocacy.api.pagination import StandardCursorPagination
from advocacy.api.schemas import ErrorResponse
from advocacy.api.throttling import AnonRateThrottle, UserRateThrottle
from campaigns.errors import CampaignNotFound
from campaigns.models import Action, Campaign
from officials.models import Office
from tallies.call_input import (
    IDEMPOTENCY_KEY_PATTERN,
    MAX_BATCH_ITEMS,
    MAX_IDEMPOTENCY_KEY_LENGTH,
    idempotency_key_message,
    idempotency_key_valid,
    parse_call,
)
from tallies.models import CallLog, Source
from tallies.rate_limits import CallsRateThrottle, calls_rate_key, calls_rate_take
from tallies.services import BatchResult, CallRefused, call_log_create, call_log_create_batch, call_log_undo

from .serializers import (
    BatchInputSerializer,
    BatchOutputSerializer,
    CallCreateInputSerializer,
    CallOutputSerializer,
    CallUndoOutputSerializer,
)

logger = logging.getLogger(__name__)


IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    name="Idempotency-Key",
    location=OpenApiParameter.HEADER,
    required=False,
    # The JSON Schema form of tallies.call_input.IDEMPOTENCY_KEY_RE (printable ASCII, no spaces).
    type={
        "type": "string",
        "minLength": 1,
        "maxLength": MAX_IDEMPOTENCY_KEY_LENGTH,
        "pattern": IDEMPOTENCY_KEY_PATTERN,
    },
    description=(
        "A unique value per call (a UUID). Retrying with the same key and body returns the first call "
        "with 200 and logs nothing new; the same key with a different body is refused with 422. Without "
        "the header every request logs a new call; an empty or malformed key is a 400."
    ),
)


class CallFilter(filters.FilterSet):
    campaign = filters.CharFilter(field_name="campaign__slug", help_text="Only calls for this campaign (its slug).")

    class Meta:
        model = CallLog
        fields = ["campaign"]


def find_action(campaign_slug: str, action_id: int) -> Action | None:
    """The action with its campaign, in one query."""
    return Action.objects.select_related("campaign").filter(pk=action_id, campaign__slug=campaign_slug).first()


def find_office(office_id: int) -> Office | None:
    return Office.objects.filter(pk=office_id).first()


def call_targets(
    *, campaign_slug: str, action_id: int, office_id: int, action_lookup=find_action, office_lookup=find_office
) -> tuple[Campaign, Action, Office]:
    """The campaign, action and office a call names, or the API's errors: 404 for an unknown campaign, else 422.

    Shared by the view and the fast path (tallies/api/fast_path.py), which passes lookups
    answered from its cache. A missing action pays a second query to tell an unknown campaign
    from an unknown action.
    """
    action = action_lookup(campaign_slug, action_id)
    errors = {}
    campaign = None
    if action is None:
        if not Campaign.objects.filter(slug=campaign_slug).exists():
            raise CampaignNotFound()
        errors["action"] = _("No such action in this campaign.")
    else:
        campaign = action.campaign
    office = office_lookup(office_id)
    if office is None:
        errors["office"] = _("No such office.")
    if errors:
        raise CallRefused("unknown_action" if "action" in errors else "unknown_office", errors)
    return campaign, action, office


def _idempotency_key(request) -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not idempotency_key_valid(key):
        raise ValidationError({"Idempotency-Key": [idempotency_key_message()]})
    return key


@extend_schema(tags=["calls"])
class CallViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """My calls, a resource: listed (newest first) and created (logging a call)."""

    throttle_scope = "calls"

    def get_throttles(self):
        # Logging a call spends the calls allowance (stricter than the per-user rate, so the user
        # throttle would only add cache round trips to the hottest endpoint); reading my calls
        # spends the per-user allowance of every other read, never the calls one.
        if self.action == "create":
            return [AnonRateThrottle(), CallsRateThrottle()]
        return [AnonRateThrottle(), UserRateThrottle()]

    filterset_class = CallFilter
    serializer_class = CallOutputSerializer
    # Newest first by id; a cursor stays valid while new calls are logged.
    pagination_class = StandardCursorPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CallLog.objects.none()
        return CallLog.objects.counted().filter(user=self.request.user).select_related("campaign", "office", "person")

    @extend_schema(summary="Your own logged calls, newest first")
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="Log a call",
        description=(
            "A call to an office the action targets by role (your senators, representative, attorney general ...) "
            "counts only when that office is one of your officials for the ZIP (and district) on your profile: "
            "without a ZIP it is a 422 (`zip_code_required`). Fixed targets (the Department of Justice) are open "
            "to everyone. At most 3 calls per action and office in 24 hours: the 4th is a 429 "
            "(`too_many_calls_to_office`) and is not logged. Another chapter's campaign, or a draft, is a 404. "
            "A body the schema refuses is a 400 (`validation_error`); one it allows that a rule of the call "
            "refuses is a 422 whose code says which rule and whose `fields` name the field."
        ),
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        request=CallCreateInputSerializer,
        responses={
            201: CallOutputSerializer,
            200: OpenApiResponse(CallOutputSerializer, description="A replay: the call logged with this key."),
            400: ErrorResponse,
            403: ErrorResponse,
            404: ErrorResponse,
            422: OpenApiResponse(
                ErrorResponse,
                description="A rule of the call refuses it: `idempotency_key_reused` (this Idempotency-Key was "
                "used for another call), `client_timestamp_out_of_range` (more than 10 minutes ahead, more than "
                "30 days old, or not on the calendar), `unknown_action`, `unknown_office`, `campaign_closed`, "
                "`outcome_not_for_action`, `not_a_target`, `not_a_constituent`, `zip_code_required`.",
            ),
            429: OpenApiResponse(
                ErrorResponse,
                description="`throttled` (over the calls rate) or `too_many_calls_to_office` (3 a day per office "
                "and action): not logged.",
            ),
        },
    )
    def create(self, request, *args, **kwargs):
        key = _idempotency_key(request)
        values = parse_call(request.data)  # as the fast path parses it (tallies/call_input.py)
        campaign, action, office = call_targets(
            campaign_slug=values.campaign, action_id=values.action, office_id=values.office
        )
        call, created = call_log_create(
            user=request.user,
            campaign=campaign,
            action=action,
            office=office,
            outcome=values.outcome,
            note=values.note,
            source=Source.API,
            idempotency_key=key,
            client_timestamp=values.client_timestamp,
            contact_point_id=values.contact_point,
            share_note=values.share_note,
            sign_note=values.sign_note,
        )
        return Response(
            CallOutputSerializer(call).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


_THROTTLED_ITEM = {
    "code": "throttled",
    "message": gettext_lazy("Over your calls rate: every item counts as one call. Send this item again in a minute."),
    "fields": {},
}


def _batch_items(data) -> list:
    """The `calls` list, or a 400 when the body as a whole is malformed (items are checked one by one)."""
    if not isinstance(data, dict):
        raise ValidationError({"calls": [_('Send a JSON object: {"calls": [...]}.')]})
    items = data.get("calls")
    if not isinstance(items, list) or not items:
        raise ValidationError({"calls": [_("A non-empty list of calls is required.")]})
    if len(items) > MAX_BATCH_ITEMS:
        raise ValidationError(
            {"calls": [_("Send at most %(count)s calls a request; split the rest.") % {"count": MAX_BATCH_ITEMS}]}
        )
    return items


@extend_schema(tags=["calls"])
class CallBatchCreateView(APIView):
    # Every item takes one call from the caller's calls rate (post() does it, once the items are
    # counted), so a batch cannot log more than single calls could.
    throttle_classes = [AnonRateThrottle]

    @extend_schema(
        summary="Upload calls logged offline (up to 1,000)",
        description=(
            "Each item carries its own `idempotency_key`, so a batch can be sent again after a timeout: "
            "items already logged come back as `duplicate` with the first call's id. The answer is 200 "
            "with one result per item, in order (`result`: `created`, `duplicate`, or `error` with a message), "
            "whenever the body is a list of 1 to 1,000 well-formed items: an item a rule refuses never stops "
            "the others. The "
            "same key with a different call is an `error` (code `idempotency_key_reused`) for that item "
            'only. A body that is not `{"calls": [...]}`, has more than 1,000 items, or has an item the schema '
            "refuses (a field missing or malformed: `fields` names `calls.<index>.<field>`) is a 400 and logs "
            "nothing. The valid new calls are written in one transaction."
        ),
        request=BatchInputSerializer,
        responses={200: BatchOutputSerializer, 400: ErrorResponse, 429: ErrorResponse},
    )
    def post(self, request, *args, **kwargs):
        items = _batch_items(request.data)
        granted, wait = calls_rate_take(ident=calls_rate_key(user_id=request.user.pk), n=len(items))
        if not granted:
            raise Throttled(wait=wait)
        results = call_log_create_batch(user=request.user, items=items[:granted])
        results += [BatchResult("error", error=_THROTTLED_ITEM)] * (len(items) - granted)
        counts = {"created": 0, "duplicate": 0, "error": 0}
        out = []
        for index, result in enumerate(results):
            counts[result.status] += 1
            out.append({"index": index, "result": result.status, "id": result.id, "error": result.error})
        return Response(
            {"created": counts["created"], "duplicates": counts["duplicate"], "errors": counts["error"], "results": out}
        )


@extend_schema(tags=["calls"])
class CallUndoView(APIView):
    """Take back a mis-tapped call: the caller's own, within 10 minutes of logging it."""

    # An undo writes a row, like a call: the same allowance, so a client cannot loop on it.
    throttle_scope = "calls"
    throttle_classes = [AnonRateThrottle, CallsRateThrottle]

    @extend_schema(
        summary="Undo one of your calls",
        description=(
            "Within 10 minutes of logging it, a call can be undone: it then counts nowhere (tallies, dashboards, "
            "CSV exports, reports) and frees its place in the per-office limit (3 per action and office in 24 "
            "hours). The log stays append-only: the undo is a row of its own. Undoing is idempotent: the first "
            "undo answers 201, any later one 200 with the same body, even after the 10 minutes. Another user's "
            "call, or no such call, is a 404 (`not_found`, the same answer for both); a call logged more than 10 minutes ago is a 409 "
            "(`undo_window_closed`). No body is needed."
        ),
        request=None,
        responses={
            201: CallUndoOutputSerializer,
            200: OpenApiResponse(CallUndoOutputSerializer, description="Already undone: the first undo."),
            401: ErrorResponse,
            404: ErrorResponse,
            409: ErrorResponse,
            429: ErrorResponse,
        },
    )
    def post(self, request, pk: int):
        undo, created = call_log_undo(user=request.user, call_id=pk)
        return Response(
            CallUndoOutputSerializer(undo).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

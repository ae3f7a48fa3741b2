"""The benchmark's baselines: a plain DRF CreateAPIView on tallies_calllog, what most projects would
write, and a bare Django view, the ceiling of a call with no rules.

Token authentication (the project's hashed tokens: one query for the token and its user), a
ModelSerializer, one INSERT, the project's REST_FRAMEWORK defaults (throttles, parser, renderer)
and the full middleware stack, served by the same server as the product's endpoint. None of the
product's rules run here: it is the floor a lean endpoint is compared against, in the same run.

The bare view (`bare_call_create`) is the issue's third row: a plain Django function view behind
the same middleware stack, with the token's user cached in the process after its first request,
`json.loads`, one INSERT (`CallLog.objects.create`) and a JsonResponse. No throttle, no rules, no
idempotency, no revocation: what a call costs when nothing is checked. The product's endpoint does
all of that, so its ratio to this view says how close the rules come to free.

bench/api_calls.py serves them at /bench/drf-calls/ and /bench/bare-calls/ through
bench/bench_settings.py; they are never part of the product's URLs.
"""

import hashlib
import json

from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from rest_framework import generics, serializers

from accounts.api.authentication import HashedTokenAuthentication
from accounts.models import ApiToken
from advocacy.urls import urlpatterns as product_urlpatterns
from tallies.models import CallLog, Source


class PlainCallSerializer(serializers.ModelSerializer):
    class Meta:
        model = CallLog
        fields = ["id", "campaign", "action", "office", "outcome", "note", "created_at"]
        read_only_fields = ["id", "created_at"]


class PlainCallCreateView(generics.CreateAPIView):
    authentication_classes = [HashedTokenAuthentication]
    serializer_class = PlainCallSerializer

    def perform_create(self, serializer):
        serializer.save(user=self.request.user, source=Source.API)


_token_users: dict[str, int] = {}  # token hash -> user id, filled on a token's first request


@csrf_exempt
def bare_call_create(request):
    header = request.META.get("HTTP_AUTHORIZATION", "").split()
    key_hash = hashlib.sha256(header[-1].encode()).hexdigest() if header else ""
    user_id = _token_users.get(key_hash)
    if user_id is None:
        user_id = ApiToken.objects.active().filter(key_hash=key_hash).values_list("user_id", flat=True).first()
        if user_id is None:
            return JsonResponse({"detail": "unknown token"}, status=401)
        _token_users[key_hash] = user_id
    data = json.loads(request.body)
    call = CallLog.objects.create(
        user_id=user_id,
        campaign_id=data["campaign"],
        action_id=data["action"],
        office_id=data["office"],
        outcome=data["outcome"],
        note=data.get("note", ""),
        source=Source.API,
    )
    return JsonResponse({"id": call.pk, "outcome": call.outcome, "created_at": call.created_at}, status=201)


urlpatterns = [
    *product_urlpatterns,
    path("bench/drf-calls/", PlainCallCreateView.as_view()),
    path("bench/bare-calls/", bare_call_create),
]

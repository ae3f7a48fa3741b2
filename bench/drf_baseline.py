"""The benchmark's baseline: a plain DRF CreateAPIView on tallies_calllog, what most projects would write.

Token authentication (the project's hashed tokens: one query for the token and its user), a
ModelSerializer, one INSERT, the project's REST_FRAMEWORK defaults (throttles, parser, renderer)
and the full middleware stack, served by the same gunicorn as the product's endpoint. None of the
product's rules run here: it is the floor a lean endpoint is compared against, in the same run.

bench/api_calls.py serves it at /bench/drf-calls/ through bench/bench_settings.py; it is never
part of the product's URLs.
"""

from django.urls import path
from rest_framework import generics, serializers

from accounts.api.authentication import HashedTokenAuthentication
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


urlpatterns = [*product_urlpatterns, path("bench/drf-calls/", PlainCallCreateView.as_view())]

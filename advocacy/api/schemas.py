"""OpenAPI description of the uniform error body, for @extend_schema responses."""

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

ErrorResponse = inline_serializer(
    name="ErrorResponse",
    fields={
        "error": inline_serializer(
            name="ErrorBody",
            fields={
                "code": serializers.CharField(),
                "message": serializers.CharField(),
                "fields": serializers.DictField(required=False),
            },
        )
    },
)

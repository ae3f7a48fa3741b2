"""The API answers in JSON whatever the Accept header or ?format= says.

A 406 (or DRF's 404 for an unknown ?format=) would be one more status every operation had to
document for no gain: a client that cannot read JSON cannot use this API anyway. Views with
several renderers (the schema: YAML or JSON) still honour a format they have.
"""

from django.http import Http404
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation


class JSONFallbackContentNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except (NotAcceptable, Http404):
            return renderers[0], renderers[0].media_type

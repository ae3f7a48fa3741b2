from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import Membership
from advocacy import errors
from advocacy.api.filters import StrictBooleanFilter
from advocacy.api.schemas import ErrorResponse
from campaigns import selectors
from campaigns.models import Campaign
from officials.errors import UnknownZip
from tallies.selectors import tally_campaign_totals

from .serializers import (
    CampaignDetailOutputSerializer,
    CampaignListOutputSerializer,
    CampaignTargetsOutputSerializer,
    TargetsQueryInputSerializer,
)


class ZipRequired(errors.Conflict):
    code = "zip_required"


class CampaignFilter(filters.FilterSet):
    chapter = filters.CharFilter(field_name="chapter__slug", help_text="Only this chapter's campaigns (its slug).")
    category = filters.CharFilter(field_name="categories__slug", help_text="Only campaigns in this category (slug).")
    national = StrictBooleanFilter(
        field_name="chapter", lookup_expr="isnull", help_text="true: national campaigns only; false: chapters' only."
    )
    q = filters.CharFilter(method="search", help_text="Words in the title or summary.")

    class Meta:
        model = Campaign
        fields = ["chapter", "category", "national", "q"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(summary__icontains=value))


# Campaign texts (title, summary, background, each action's texts and scripts) and error messages
# come in the language asked for: `lang` first, then Accept-Language; English where no Spanish is written.
LANGUAGE_PARAMETERS = [
    OpenApiParameter(
        "lang",
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        enum=["en", "es"],
        description="The language of the campaign texts and messages (beats Accept-Language).",
    ),
    OpenApiParameter(
        "Accept-Language",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        description="es for Spanish texts where a campaign has them, else English (when `lang` is not given).",
    ),
]


@extend_schema(tags=["campaigns"])
@extend_schema_view(list=extend_schema(parameters=LANGUAGE_PARAMETERS))
class CampaignViewSet(viewsets.ReadOnlyModelViewSet):
    """Active campaigns you can see: national ones and your chapters' (your chapters' first)."""

    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    filterset_class = CampaignFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Campaign.objects.none()
        chapter_ids = list(Membership.objects.filter(user=self.request.user).values_list("chapter_id", flat=True))
        return (
            Campaign.objects.active()
            .visible_to(self.request.user)
            .annotate(
                is_mine=Case(
                    When(chapter_id__in=chapter_ids, then=Value(0)), default=Value(1), output_field=IntegerField()
                )
            )
            .select_related("chapter")
            .prefetch_related("categories")
            .order_by("is_mine", "-published_at", "-created_at", "-id")
        )

    def get_serializer_class(self):
        return CampaignDetailOutputSerializer if self.action == "retrieve" else CampaignListOutputSerializer

    def _with_totals(self, campaigns):
        totals = tally_campaign_totals(campaign_ids=[c.pk for c in campaigns])
        for campaign in campaigns:
            campaign.calls_total = totals.get(campaign.pk, 0)
        return campaigns

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self._with_totals(list(self.paginate_queryset(queryset)))
        return self.get_paginated_response(CampaignListOutputSerializer(page, many=True).data)

    @extend_schema(parameters=LANGUAGE_PARAMETERS, responses={200: CampaignDetailOutputSerializer, 404: ErrorResponse})
    def retrieve(self, request, slug=None):
        # Leads and staff may also read their drafts here, as on the page.
        campaign = selectors.campaign_get_visible(slug=slug, user=request.user)
        self._with_totals([campaign])
        return Response(CampaignDetailOutputSerializer(campaign).data)

    @extend_schema(
        parameters=[TargetsQueryInputSerializer, *LANGUAGE_PARAMETERS],
        responses={
            200: CampaignTargetsOutputSerializer,
            400: ErrorResponse,
            404: ErrorResponse,
            409: ErrorResponse,
            422: ErrorResponse,
        },
        description=(
            "Whom you contact for each action, with the script filled in for each official. Roles are "
            "resolved from `zip` (default: your saved ZIP and district; with neither, a 409 `zip_required`); "
            "fixed targets are the same for all. A `zip` of the right shape that is no US ZIP code (00000) "
            "is a 422 `unknown_zip` naming the field; one of the wrong shape is a 400."
        ),
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def targets(self, request, slug=None):
        campaign = selectors.campaign_get_visible(slug=slug, user=request.user)
        query = TargetsQueryInputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        zip_code = query.validated_data.get("zip") or ""
        district = query.validated_data.get("district") or ""
        if not zip_code:
            if not request.user.zip_code:
                # Nothing wrong with the request itself: it relies on a profile that has no ZIP yet.
                raise ZipRequired(_("Give a ZIP code, or save yours on your profile."))
            zip_code = request.user.zip_code
            district = district or request.user.district_ocd_id
        result = selectors.campaign_targets(
            campaign=campaign, user=request.user, zip_code=zip_code, district_ocd_id=district
        )
        if result.zip_error:
            # Of the right shape (the serializer checked it) but no US ZIP list knows it.
            raise UnknownZip(result.zip_error, field="zip")
        return Response(CampaignTargetsOutputSerializer(result).data)

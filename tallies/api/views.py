from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import chapter_get_for_lead
from advocacy.api.schemas import ErrorResponse
from campaigns.selectors import campaign_get_for_tally
from tallies import selectors
from tallies.selectors import DateRange

from .serializers import (
    CampaignTallyOutputSerializer,
    ChapterTallyOutputSerializer,
    DateRangeInputSerializer,
    ImpactOutputSerializer,
    outcome_rows,
)


class CampaignTallyView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="campaign_tally",
        summary="A campaign's total calls and calls by outcome (public)",
        responses={200: CampaignTallyOutputSerializer, 404: ErrorResponse},
        tags=["tallies"],
    )
    def get(self, request, slug):
        campaign = campaign_get_for_tally(slug=slug, user=request.user)
        figures = selectors.tally_for_campaign(campaign_id=campaign.pk)
        data = {
            "campaign": campaign.slug,
            "title": campaign.title,
            "total": figures.total,
            "goal": campaign.call_goal,
            "progress_percent": campaign.goal_percent(figures.total),
            "by_outcome": outcome_rows(figures.by_outcome),
        }
        return Response(CampaignTallyOutputSerializer(data).data)


class ChapterTallyView(APIView):
    @extend_schema(
        operation_id="chapter_tally",
        summary="A chapter's dashboard figures (its leads and staff only)",
        parameters=[DateRangeInputSerializer],
        responses={200: ChapterTallyOutputSerializer, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse},
        description="A chapter you do not lead answers 404, as one that does not exist.",
        tags=["tallies"],
    )
    def get(self, request, slug):
        params = DateRangeInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        chapter = chapter_get_for_lead(slug=slug, user=request.user)
        if chapter is None:
            # The same answer as for a chapter that does not exist: slugs cannot be probed.
            raise Http404("No such chapter.")
        date_range = DateRange(params.validated_data.get("start"), params.validated_data.get("end"))
        board = selectors.tally_dashboard(chapter_ids=[chapter.pk], date_range=date_range, tz=chapter.zone)
        data = {
            "chapter": chapter.slug,
            "name": chapter.name,
            "time_zone": chapter.zone.key,
            "start": date_range.start,
            "end": date_range.end,
            "total": board.total,
            "by_outcome": outcome_rows(board.by_outcome),
            "by_campaign": [
                {
                    "campaign": row["campaign"].slug,
                    "title": row["campaign"].title,
                    "calls": row["n"],
                    "total": row["total"],
                    "goal": row["goal"],
                    "progress_percent": row["progress"],
                }
                for row in board.by_campaign
            ],
            "by_office": [
                {
                    "office_id": office.pk,
                    "office": str(office),
                    "state": office.state_code,
                    "calls": n,
                }
                for office, n in board.by_office
            ],
            "by_day": [{"day": day, "calls": n} for day, n in board.by_day],
            "by_member": [
                {
                    "user_id": user.pk if user else None,
                    "name": user.display_name if user else "Deleted account",
                    "calls": n,
                }
                for user, n in board.by_member
            ],
        }
        return Response(ChapterTallyOutputSerializer(data).data)


class MyImpactView(APIView):
    @extend_schema(
        operation_id="my_impact",
        summary="My calls by outcome and campaign, and my weekly streak",
        responses={200: ImpactOutputSerializer, 401: ErrorResponse, 403: ErrorResponse},
        tags=["tallies"],
    )
    def get(self, request):
        impact = selectors.tally_impact(user=request.user)
        data = {
            "total": impact.total,
            "by_outcome": outcome_rows(impact.by_outcome),
            "by_campaign": [
                {"campaign": row["campaign"].slug, "title": row["campaign"].title, "calls": row["n"]}
                for row in impact.by_campaign
            ],
            "streak_weeks": impact.streak_weeks,
            "longest_streak_weeks": impact.longest_streak_weeks,
            "called_this_week": impact.called_this_week,
            "week_start": impact.week_start,
            "time_zone": request.user.time_zone,
        }
        return Response(ImpactOutputSerializer(data).data)
